/* The host board's network: watched sockets, the TCP transport, --notify-url and --device. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "handoff/posix_net.h"
#include "posix_internal.h"

/* ---- watched sockets ------------------------------------------------------------------------ */

static struct {
    int fd;
    short events;
    hf_flag_t *flag;
} watches[HF_POSIX_WATCH_MAX];
static size_t n_watches;

/* Index of fd's watch, or n_watches. */
static size_t watch_find(int fd) {
    size_t i = 0;
    while (i < n_watches && watches[i].fd != fd) {
        i++;
    }
    return i;
}

static void watch_remove(size_t i) {
    watches[i] = watches[--n_watches];
}

bool hf_posix_watch(int fd, short events, hf_flag_t *flag) {
    hf_posix_unwatch(fd);
    if (n_watches == HF_POSIX_WATCH_MAX) {
        return false;
    }
    watches[n_watches].fd = fd;
    watches[n_watches].events = events;
    watches[n_watches].flag = flag;
    n_watches++;
    return true;
}

void hf_posix_unwatch(int fd) {
    size_t i = watch_find(fd);
    if (i < n_watches) {
        watch_remove(i);
    }
}

size_t hf__posix_watch_fill(struct pollfd *fds, size_t max) {
    size_t n = n_watches < max ? n_watches : max;
    for (size_t i = 0; i < n; i++) {
        fds[i] = (struct pollfd){watches[i].fd, watches[i].events, 0};
    }
    return n;
}

void hf__posix_watch_done(const struct pollfd *fds, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t k = watch_find(fds[i].fd);
        if (fds[i].revents != 0 && k < n_watches) {
            hf_flag_set(watches[k].flag);
            watch_remove(k);
        }
    }
}

/* ---- the TCP transport ---------------------------------------------------------------------- */

static int32_t net_error(int err) {
    switch (err) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINPROGRESS:
    case EINTR:
        return HF_NET_AGAIN;
    case ECONNREFUSED:
        return HF_NET_REFUSED;
    case ECONNRESET:
    case EPIPE:
        return HF_NET_RESET;
    default:
        return HF_NET_ERROR;
    }
}

static void tcp_close(hf_transport_t *base) {
    hf_posix_tcp_t *t = (hf_posix_tcp_t *)base;
    if (t->fd >= 0) {
        hf_posix_unwatch(t->fd);
        close(t->fd);
        t->fd = -1;
    }
    t->connecting = false;
}

/* A failed call closes the connection and says why. */
static int32_t tcp_fail(hf_posix_tcp_t *t, int err) {
    int32_t r = net_error(err);
    if (r != HF_NET_AGAIN) {
        tcp_close(&t->base);
    }
    return r;
}

static int32_t tcp_connect(hf_transport_t *base) {
    hf_posix_tcp_t *t = (hf_posix_tcp_t *)base;
    if (t->fd < 0) {
        t->fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (t->fd < 0) {
            return HF_NET_ERROR;
        }
        int one = 1;
        (void)setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(t->fd, (const struct sockaddr *)&t->addr, t->addr_len) == 0) {
            return HF_NET_OK;
        }
        if (errno != EINPROGRESS && errno != EINTR) { /* interrupted: it goes on anyway */
            return tcp_fail(t, errno);
        }
        t->connecting = true;
        return HF_NET_AGAIN;
    }
    if (!t->connecting) {
        return HF_NET_OK;
    }
    struct pollfd p = {t->fd, POLLOUT, 0};
    if (poll(&p, 1, 0) == 0) {
        return HF_NET_AGAIN;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    if (err != 0) {
        return tcp_fail(t, err);
    }
    t->connecting = false;
    return HF_NET_OK;
}

static int32_t tcp_send(hf_transport_t *base, const void *buf, size_t len) {
    hf_posix_tcp_t *t = (hf_posix_tcp_t *)base;
    ssize_t n = send(t->fd, buf, len > INT32_MAX ? INT32_MAX : len, MSG_NOSIGNAL);
    return n >= 0 ? (int32_t)n : tcp_fail(t, errno);
}

static int32_t tcp_recv(hf_transport_t *base, void *buf, size_t cap) {
    hf_posix_tcp_t *t = (hf_posix_tcp_t *)base;
    ssize_t n = recv(t->fd, buf, cap > INT32_MAX ? INT32_MAX : cap, 0);
    return n >= 0 ? (int32_t)n : tcp_fail(t, errno);
}

static void tcp_watch(hf_transport_t *base, unsigned want) {
    hf_posix_tcp_t *t = (hf_posix_tcp_t *)base;
    short ev = (short)(((want & HF_NET_WANT_READ) ? POLLIN : 0) |
                       ((want & HF_NET_WANT_WRITE) ? POLLOUT : 0));
    if (t->fd >= 0) {
        (void)hf_posix_watch(t->fd, ev, &t->base.ready);
    }
}

static const hf_transport_ops_t tcp_ops = {tcp_connect, tcp_send, tcp_recv, tcp_close, tcp_watch};

void hf_posix_tcp_init(hf_posix_tcp_t *t, const struct sockaddr *addr, socklen_t len) {
    memset(t, 0, sizeof *t);
    t->base.ops = &tcp_ops;
    if (len > sizeof t->addr) {
        len = sizeof t->addr;
    }
    memcpy(&t->addr, addr, len);
    t->addr_len = len;
    t->fd = -1;
}

/* ---- --notify-url and --device -------------------------------------------------------------- */

static struct {
    bool on;
    hf_http_url_t url;
    char device[HF_NOTIFY_DEVICE_MAX + 1u];
    hf_posix_tcp_t tcp;
    uint32_t boot_id;
} N;

static bool device_name_ok(const char *s) {
    size_t n = strlen(s);
    return n >= 1u && n <= HF_NOTIFY_DEVICE_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static uint32_t random_boot_id(void) {
    uint32_t id = 0;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        id = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ ((uint32_t)getpid() << 16);
    }
    return id;
}

bool hf__posix_notify_setup(const char *url, const char *device, char *err, size_t errlen) {
    const char *why;
    if (!hf_http_url_parse(url, &N.url, &why)) {
        snprintf(err, errlen, "--notify-url '%s': %s", url, why);
        return false;
    }
    if (!device_name_ok(device)) {
        snprintf(err, errlen, "--device '%s': 1 to %u letters, digits, '.', '_' or '-'", device,
                 HF_NOTIFY_DEVICE_MAX);
        return false;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)N.url.port);
    int r = getaddrinfo(N.url.host, port, &hints, &res);
    if (r != 0 || res == NULL) {
        snprintf(err, errlen, "--notify-url '%s': cannot resolve '%s': %s", url, N.url.host,
                 r != 0 ? gai_strerror(r) : "no address");
        return false;
    }
    hf_posix_tcp_init(&N.tcp, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    snprintf(N.device, sizeof N.device, "%s", device);
    N.boot_id = random_boot_id();
    N.on = true;
    return true;
}

bool hf_board_notify(hf_notify_cfg_t *cfg) {
    if (!N.on) {
        return false;
    }
    memset(cfg, 0, sizeof *cfg);
    cfg->transport = &N.tcp.base;
    cfg->host = N.url.host_header;
    cfg->path = N.url.path;
    cfg->device = N.device;
    cfg->boot_id = N.boot_id;
    cfg->seed = N.boot_id;
    return true;
}
