/* Private interfaces between the host board's files. */
#ifndef HANDOFF_POSIX_INTERNAL_H
#define HANDOFF_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "handoff/port.h"

/* Block until woken, a signal, `extra_fd` readable (sets *extra_ready) or the time-out. */
void hf__posix_poll(uint64_t timeout_us, bool has_timeout, int extra_fd, bool *extra_ready);

/* Real-time sleep of the board (board.c): handles the terminal and scheduled key presses. */
void hf__posix_real_sleep(hf_ticks_us_t deadline, bool has_deadline);

/* After each printed line: real time flushes it at once. */
void hf__posix_flush_line(void);

/* The terminal screen (tui.c), active in real time when stdin and stdout are terminals. */
void hf__tui_start(const char *title);
void hf__tui_stop(void);
bool hf__tui_active(void);
void hf__tui_line(const char *line);
void hf__tui_redraw(void);

/* The label a program gave a pin with hf_board_label(), or NULL. */
const char *hf__posix_label(hf_pin_t pin);

/* Called after every recorded pin change (the status line shows it). */
void hf__posix_on_pin_change(void (*fn)(void));

/* Whether pin is configured, and as an output. */
bool hf__posix_pin_configured(hf_pin_t pin, bool *is_output);

/* Output files appear whole or not at all: write to "PATH.tmp" (its name left in tmp), then
 * rename it into place. Both return NULL/false with "FILE: reason" in err. */
FILE *hf__posix_create(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen);
bool hf__posix_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

#endif
