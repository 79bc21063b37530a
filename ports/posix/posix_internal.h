/* Private interfaces between the host board's files. */
#ifndef HANDOFF_POSIX_INTERNAL_H
#define HANDOFF_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "handoff/port.h"

/* Block until woken, a signal, `extra_fd` readable (sets *extra_ready), a watched socket ready
 * (its flag is set) or the time-out. @return false when the time-out ended it. */
bool hf__posix_poll(uint64_t timeout_us, bool has_timeout, int extra_fd, bool *extra_ready);

/* Most sockets watched at once (hf_posix_watch). */
#define HF_POSIX_WATCH_MAX 8u

struct pollfd;
/* The watched sockets into fds[0..max). @return how many. */
size_t hf__posix_watch_fill(struct pollfd *fds, size_t max);
/* After ppoll(): set the flag of each watched socket that is ready, and stop watching it. */
void hf__posix_watch_done(const struct pollfd *fds, size_t n);

/* --notify-url and --device (net.c): check the URL and its options, resolve its host, read the
 * token and the CA file now, before the loop starts. url NULL: only checks that no option
 * needs it. @return false with "reason" in err. */
bool hf__posix_notify_setup(const char *url, const char *device, char *err, size_t errlen);

/* The notify options of net.c (--notify-token-file, --ca-file, --ha-discovery,
 * --mqtt-keepalive) at argv[i]. @return the arguments it took (1 or 2), 0 when argv[i] is
 * none of them, -1 with the message in err when it is bad. */
int hf__posix_net_option(int argc, char **argv, int i, char *err, size_t errlen);

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
