/**
 * @file posix_net.h
 * @brief The host board's network: sockets watched by the port's sleep, and a non-blocking TCP
 *        transport for notify.h.
 *
 * The loop sleeps in ppoll(); a watched socket is polled with it, so its readiness wakes the
 * loop like an interrupt does: the watch's flag is set (hf_flag_set) and the watch ends
 * (one-shot: watch again after each wait). In plain virtual time (--scenario without
 * --realtime) the loop never waits for the wall clock, so sockets are for real time and paced
 * time only.
 */
#ifndef HANDOFF_POSIX_NET_H
#define HANDOFF_POSIX_NET_H

#include <stdbool.h>
#include <sys/socket.h>

#include "handoff/isr.h"
#include "handoff/notify.h"

/**
 * Watch socket @p fd for poll(2) @p events (POLLIN, POLLOUT): when the loop's sleep sees any of
 * them, or an error or hang-up, it sets @p flag and forgets the watch. Watching an fd again
 * replaces its watch. Loop only.
 * @return false when HF_POSIX_WATCH_MAX (8) sockets are watched already.
 */
bool hf_posix_watch(int fd, short events, hf_flag_t *flag);

/** Stop watching @p fd (nothing if it is not watched). Loop only. */
void hf_posix_unwatch(int fd);

/** A TCP client transport to one address, non-blocking sockets watched by the port. */
typedef struct {
    hf_transport_t base; /* first member */
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int fd;          /* -1 when closed */
    bool connecting; /* connect() returned EINPROGRESS; not yet writable */
} hf_posix_tcp_t;

/** Set up @p t to connect to @p addr (@p len bytes, at most a sockaddr_storage). Loop only. */
void hf_posix_tcp_init(hf_posix_tcp_t *t, const struct sockaddr *addr, socklen_t len);

#endif
