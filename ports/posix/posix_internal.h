/* Private interfaces between the host board's files. */
#ifndef HANDOFF_POSIX_INTERNAL_H
#define HANDOFF_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "handoff/port.h"

/* Block until woken, a signal, `extra_fd` readable (sets *extra_ready) or the time-out. */
void hf__posix_poll(uint64_t timeout_us, bool has_timeout, int extra_fd, bool *extra_ready);

/* Real-time sleep of the board (board.c): handles the terminal and scheduled key presses. */
void hf__posix_real_sleep(hf_ticks_us_t deadline, bool has_deadline);

/* Around every line written to the terminal: the interactive status line steps aside. */
void hf__posix_before_output(void);
void hf__posix_after_output(void);

/* Called after every recorded pin change (the status line shows it). */
void hf__posix_on_pin_change(void (*fn)(void));

/* Whether pin is configured, and as an output. */
bool hf__posix_pin_configured(hf_pin_t pin, bool *is_output);

#endif
