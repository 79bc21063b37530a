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
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "handoff/posix_net.h"
#include "handoff/tls_mbedtls.h"
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
        (void)hf_posix_watch(t->fd, ev, hf_transport_flag(&t->base));
    }
}

static const hf_transport_ops_t tcp_ops = {tcp_connect, tcp_send, tcp_recv, tcp_close, tcp_watch};

void hf_posix_tcp_init(hf_posix_tcp_t *t, const struct sockaddr *addr, socklen_t len) {
    memset(t, 0, sizeof *t); /* wake NULL: readiness sets base.ready */
    t->base.ops = &tcp_ops;
    if (len > sizeof t->addr) {
        len = sizeof t->addr;
    }
    memcpy(&t->addr, addr, len);
    t->addr_len = len;
    t->fd = -1;
}

/* ---- --notify-url and its options ---------------------------------------------------------- */

/* Where https:// and mqtts:// look for CAs without --ca-file: Debian's ca-certificates. */
#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

static struct {
    bool on;
    hf_http_url_t url;
    char device[HF_NOTIFY_DEVICE_MAX + 1u];
    hf_posix_tcp_t tcp;
    hf_tls_t tls;
    uint32_t boot_id;
    /* the options that go with --notify-url */
    const char *token_file, *ca_file;
    bool ha_discovery;
    uint16_t keepalive_s;
    char token[HF_NOTIFY_TOKEN_MAX + 1u]; /* never printed */
} N;

int hf__posix_net_option(int argc, char **argv, int i, char *err, size_t errlen) {
    static const char *const names[] = {"--notify-token-file", "--ca-file", "--mqtt-keepalive",
                                        "--ha-discovery"};
    const char *a = argv[i];
    size_t k = 0, l = 0;
    for (; k < sizeof names / sizeof names[0]; k++) {
        l = strlen(names[k]);
        if (strncmp(a, names[k], l) == 0 && (a[l] == '\0' || a[l] == '=')) {
            break;
        }
    }
    if (k == sizeof names / sizeof names[0]) {
        return 0;
    }
    if (k == 3u) { /* a flag */
        if (a[l] == '=') {
            snprintf(err, errlen, "option '%s' takes no value", names[k]);
            return -1;
        }
        N.ha_discovery = true;
        return 1;
    }
    const char *val = a[l] == '=' ? a + l + 1 : i + 1 < argc ? argv[i + 1] : NULL;
    if (val == NULL || val[0] == '\0') {
        snprintf(err, errlen, "option '%s' needs a value", names[k]);
        return -1;
    }
    if (k == 0u) {
        N.token_file = val;
    } else if (k == 1u) {
        N.ca_file = val;
    } else {
        char *end;
        unsigned long v = strtoul(val, &end, 10);
        if (val[0] < '0' || val[0] > '9' || *end != '\0' || v < 1u ||
            v > HF_NOTIFY_KEEPALIVE_MAX_S) {
            snprintf(err, errlen, "--mqtt-keepalive needs seconds from 1 to %u, not '%s'",
                     HF_NOTIFY_KEEPALIVE_MAX_S, val);
            return -1;
        }
        N.keepalive_s = (uint16_t)v;
    }
    return a[l] == '=' ? 1 : 2;
}

/* The bearer token from N.token_file: only the owner may read it; its bytes are never echoed. */
static bool read_token(char *err, size_t errlen) {
    const char *f = N.token_file;
    int fd = open(f, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "--notify-token-file '%s': cannot read it: %s", f, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    bool ok = false;
    ssize_t n = -1;
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "--notify-token-file '%s': not a regular file", f);
    } else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        snprintf(err, errlen,
                 "--notify-token-file '%s': other users have access (mode %04o): chmod 600 it", f,
                 (unsigned)(st.st_mode & 07777));
    } else if ((n = read(fd, N.token, sizeof N.token)) < 0) {
        snprintf(err, errlen, "--notify-token-file '%s': cannot read it: %s", f, strerror(errno));
    } else {
        while (n > 0 && (N.token[n - 1] == '\n' || N.token[n - 1] == '\r')) {
            n--; /* one line, as `echo TOKEN > FILE` writes it */
        }
        ok = n > 0 && (size_t)n <= HF_NOTIFY_TOKEN_MAX;
        for (ssize_t i = 0; ok && i < n; i++) {
            ok = (unsigned char)N.token[i] > 0x20u && (unsigned char)N.token[i] < 0x7Fu;
        }
        if (!ok) {
            snprintf(err, errlen,
                     "--notify-token-file '%s': the token must be one line of 1 to %u visible "
                     "ASCII characters without spaces",
                     f, HF_NOTIFY_TOKEN_MAX);
        }
    }
    close(fd);
    if (!ok) {
        memset(N.token, 0, sizeof N.token);
        return false;
    }
    N.token[n] = '\0';
    return true;
}

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

/* An option that needs one of the schemes: NULL, or the message. */
static const char *option_misfit(void) {
    bool mqtt = N.url.scheme == HF_URL_MQTT || N.url.scheme == HF_URL_MQTTS;
    return N.token_file != NULL && mqtt      ? "--notify-token-file is for http:// and https://"
           : N.ca_file != NULL && !N.url.tls ? "--ca-file is for https:// and mqtts://"
           : N.ha_discovery && !mqtt         ? "--ha-discovery is for mqtt:// and mqtts://"
           : N.keepalive_s != 0u && !mqtt    ? "--mqtt-keepalive is for mqtt:// and mqtts://"
                                             : NULL;
}

bool hf__posix_notify_setup(const char *url, const char *device, char *err, size_t errlen) {
    const char *why;
    if (url == NULL) {
        why = N.token_file != NULL ? "--notify-token-file"
              : N.ca_file != NULL  ? "--ca-file"
              : N.ha_discovery     ? "--ha-discovery"
              : N.keepalive_s != 0 ? "--mqtt-keepalive"
              : device != NULL     ? "--device"
                                   : NULL;
        if (why != NULL) {
            snprintf(err, errlen, "%s needs --notify-url", why);
        }
        return why == NULL;
    }
    if (!hf_http_url_parse(url, &N.url, &why)) {
        snprintf(err, errlen, "--notify-url '%s': %s", url, why);
        return false;
    }
    if ((why = option_misfit()) != NULL) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    if (device == NULL) {
        device = "pico";
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
    if (N.token_file != NULL && !read_token(err, errlen)) {
        return false;
    }
    if (N.token_file != NULL && !N.url.tls) {
        fprintf(stderr, "warning: --notify-token-file with http://: the token crosses the "
                        "network unencrypted (use https://)\n");
    }
    if (N.url.tls && !hf_tls_init(&N.tls, &N.tcp.base, N.url.host,
                                  N.ca_file != NULL ? N.ca_file : SYSTEM_CA_FILE, err, errlen)) {
        return false;
    }
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
    cfg->transport = N.url.tls ? &N.tls.base : &N.tcp.base;
    cfg->host = N.url.host_header;
    cfg->path = N.url.path;
    cfg->token = N.token_file != NULL ? N.token : NULL;
    cfg->protocol = N.url.scheme >= HF_URL_MQTT ? HF_NOTIFY_MQTT : HF_NOTIFY_HTTP;
    cfg->topic = N.url.path + 1; /* after the '/' */
    cfg->keepalive_s = N.keepalive_s;
    cfg->ha_discovery = N.ha_discovery;
    cfg->device = N.device;
    cfg->boot_id = N.boot_id;
    cfg->seed = N.boot_id;
    return true;
}
