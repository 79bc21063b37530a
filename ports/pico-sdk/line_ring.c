/* A ring of output lines: whole lines in, bytes out, a line that does not fit dropped and
 * counted (line_ring.h). */
#include "line_ring.h"

#include <stdio.h>
#include <string.h>

void hf_line_ring_init(hf_line_ring_t *r, char *buf, uint32_t size) {
    r->buf = buf;
    r->size = 1u;
    while (r->size <= size / 2u) {
        r->size *= 2u;
    }
    r->head = r->tail = 0u;
    r->dropped = r->lost = 0u;
}

static uint32_t free_space(const hf_line_ring_t *r) {
    return r->size - (r->head - r->tail);
}

static void copy_in(hf_line_ring_t *r, const char *src, size_t len) {
    while (len > 0u) {
        uint32_t at = r->head % r->size;
        size_t chunk = r->size - at;
        if (chunk > len) {
            chunk = len;
        }
        memcpy(r->buf + at, src, chunk);
        r->head += (uint32_t)chunk;
        src += chunk;
        len -= chunk;
    }
}

/* Put the drop report if one is due; @return false if it is due and does not fit. */
static bool report(hf_line_ring_t *r, const char *eol, size_t eol_len) {
    if (r->dropped == 0u) {
        return true;
    }
    char msg[48];
    int n = snprintf(msg, sizeof msg, "Output: %lu line%s dropped", (unsigned long)r->dropped,
                     r->dropped == 1u ? "" : "s");
    if ((size_t)n + eol_len > free_space(r)) {
        return false;
    }
    copy_in(r, msg, (size_t)n);
    copy_in(r, eol, eol_len);
    r->dropped = 0u;
    return true;
}

void hf_line_ring_report(hf_line_ring_t *r, const char *eol, size_t eol_len) {
    (void)report(r, eol, eol_len);
}

bool hf_line_ring_put(hf_line_ring_t *r, const char *line, size_t len, const char *eol,
                      size_t eol_len) {
    if (!report(r, eol, eol_len) || len + eol_len > free_space(r)) {
        r->dropped++;
        r->lost++;
        return false;
    }
    copy_in(r, line, len);
    copy_in(r, eol, eol_len);
    return true;
}

size_t hf_line_ring_peek(const hf_line_ring_t *r, const char **p) {
    uint32_t used = r->head - r->tail;
    uint32_t at = r->tail % r->size;
    uint32_t chunk = r->size - at;
    *p = r->buf + at;
    return used < chunk ? used : chunk;
}

void hf_line_ring_consume(hf_line_ring_t *r, size_t n) {
    r->tail += (uint32_t)n;
}
