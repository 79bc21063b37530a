/* Private interfaces between the host board's files. */
#ifndef HANDOFF_POSIX_INTERNAL_H
#define HANDOFF_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "handoff/port.h"
#include "handoff/sim.h"

/* The signal that delivers pin interrupts. */
#define HF_SIM_IRQ_SIGNAL SIGUSR1

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

/* Real-time sleep: the front end's (hf__posix_front), else ppoll() until the deadline. */
void hf__posix_real_sleep(hf_ticks_us_t deadline, bool has_deadline);

/* The command line (board.c) over the port (port_posix.c): its real-time sleep (the terminal's
 * keys) and how it shows a printed line (the screen, or a prefixed line flushed in real time).
 * Files depend one way: board.c calls the port, the port calls these hooks. */
void hf__posix_front(void (*real_sleep)(hf_ticks_us_t deadline, bool has_deadline),
                     void (*show)(const char *line, size_t len, bool is_log));

/* Write "[ms.us] line\n" to f, the time now since start. */
void hf__posix_write_prefixed(FILE *f, const char *line, size_t len);

/* The terminal screen (tui.c), active in real time when stdin and stdout are terminals. */
void hf__tui_start(const char *title);
void hf__tui_stop(void);
bool hf__tui_active(void);
void hf__tui_line(const char *line);
void hf__tui_redraw(void);
/* After each pin change (hf__sim_on_pin_change): redraw. */
void hf__tui_pin_change(const hf_sim_change_t *c);

#endif
