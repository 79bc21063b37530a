/* A ring of output lines for a serial sink that must never hold up the loop (pico-sdk port).
 *
 * The loop puts whole lines in; the port's drain takes bytes out as fast as the sink accepts
 * them without waiting (a UART's FIFO, USB CDC's transmit buffer). A line that does not fit in
 * the free space is dropped whole, never cut, and counted; the count goes out as a line of its
 * own, "Output: N lines dropped", before the next line that fits, or by itself once the ring
 * has room for it. Lines keep their order. Pure (no port, no SDK): loop only, one producer and
 * one consumer in the same context, so no locking. */
#ifndef HANDOFF_PICO_LINE_RING_H
#define HANDOFF_PICO_LINE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *buf;        /* size bytes */
    uint32_t size;    /* capacity in bytes: a power of two, >= 32 */
    uint32_t head;    /* bytes ever put (free-running, wraps at 2^32) */
    uint32_t tail;    /* bytes ever taken */
    uint32_t dropped; /* lines dropped and not yet reported */
    uint32_t lost;    /* lines dropped in all (the reports included, never reset) */
} hf_line_ring_t;

/* Set up @p r over @p buf of @p size bytes, empty. The capacity is the largest power of two
 * that is at most @p size (the byte counts run freely and wrap at 2^32); at least 32 bytes, room
 * for the drop report. */
void hf_line_ring_init(hf_line_ring_t *r, char *buf, uint32_t size);

/* Put @p line (@p len bytes, no end of line) followed by @p eol (@p eol_len bytes: "\n", or
 * "\r\n" for a terminal) into @p r, after the drop report if one is due. @return true if the
 * line went in; false if it did not fit: it is dropped and counted. */
bool hf_line_ring_put(hf_line_ring_t *r, const char *line, size_t len, const char *eol,
                      size_t eol_len);

/* Put the drop report if one is due and it fits (a drain calls it when it made room). */
void hf_line_ring_report(hf_line_ring_t *r, const char *eol, size_t eol_len);

/* The bytes waiting that lie in one piece at the start of the ring's content: sets *@p p to
 * them. @return their number (0 when empty). */
size_t hf_line_ring_peek(const hf_line_ring_t *r, const char **p);

/* Mark the first @p n bytes of the content as sent (@p n at most what peek returned). */
void hf_line_ring_consume(hf_line_ring_t *r, size_t n);

/* @return the number of bytes waiting. */
static inline uint32_t hf_line_ring_used(const hf_line_ring_t *r) {
    return r->head - r->tail;
}

#endif
