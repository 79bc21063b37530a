/* Notifications: the outbox, its delivery task, the backoff and the event body. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "notify_internal.h"

enum { PH_CONNECT = 0, PH_SEND, PH_RECV };

#define STEP_MORE HF__NOTIFY_STEP_MORE

_Static_assert(HF_CFG_NOTIFY_REQUEST_MAX <= UINT16_MAX, "request lengths are kept in 16 bits");

static const char *const kind_names[] = {"press", "reset", "long_press"};

const char *hf_notify_kind_name(hf_notify_kind_t kind) {
    return (unsigned)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "?";
}

const char *hf_net_reason(int32_t r) {
    static const char *const reasons[] = {
        "connection refused", "connection reset",    "network error",   "certificate not trusted",
        "host name mismatch", "certificate expired", "handshake failed"};
    return r <= HF_NET_REFUSED && r >= HF_NET_TLS_HANDSHAKE ? reasons[HF_NET_REFUSED - r]
                                                            : "network error";
}

/* ---- pure parts ----------------------------------------------------------------------------- */

static uint32_t xorshift32(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

uint32_t hf_notify_backoff_ms(uint32_t failures, uint32_t *rng) {
    uint32_t nominal = HF_CFG_NOTIFY_BACKOFF_MIN_MS;
    for (uint32_t i = 1; i < failures && nominal < HF_CFG_NOTIFY_BACKOFF_MAX_MS; i++) {
        nominal *= 2u;
    }
    if (nominal > HF_CFG_NOTIFY_BACKOFF_MAX_MS) {
        nominal = HF_CFG_NOTIFY_BACKOFF_MAX_MS;
    }
    return nominal - xorshift32(rng) % (nominal / 4u + 1u);
}

/* Append s to buf as the inside of a JSON string. @return the new length, or cap when full. */
static size_t json_escape(char *buf, size_t len, size_t cap, const char *s) {
    for (; *s != '\0' && len < cap; s++) {
        unsigned char c = (unsigned char)*s;
        int n;
        if (c == '"' || c == '\\') {
            n = snprintf(buf + len, cap - len, "\\%c", c);
        } else if (c < 0x20u) {
            n = snprintf(buf + len, cap - len, "\\u%04x", c);
        } else {
            n = snprintf(buf + len, cap - len, "%c", c);
        }
        len = n < 0 || (size_t)n >= cap - len ? cap : len + (size_t)n;
    }
    return len;
}

size_t hf_notify_body(char *buf, size_t cap, const char *device, uint32_t boot_id,
                      const hf_notify_event_t *ev, uint32_t missed) {
    if (cap == 0u) {
        return 0;
    }
    int n = snprintf(buf, cap, "{\"device\":\"");
    size_t len = n < 0 ? cap : (size_t)n;
    len = json_escape(buf, len, cap, device);
    if (len >= cap) {
        return 0;
    }
    n = snprintf(buf + len, cap - len,
                 "\",\"boot\":%lu,\"seq\":%lu,\"event\":\"%s\",\"count\":%lu,\"uptime_ms\":%llu,"
                 "\"missed\":%lu}",
                 (unsigned long)boot_id, (unsigned long)ev->seq,
                 hf_notify_kind_name((hf_notify_kind_t)ev->kind), (unsigned long)ev->count,
                 (unsigned long long)ev->uptime_ms, (unsigned long)missed);
    if (n < 0 || (size_t)n >= cap - len) {
        return 0;
    }
    return len + (size_t)n;
}

/* Body then request for the event at the head, into n->req. @return false if it does not fit. */
static bool build_request(hf_notify_t *n, const hf_notify_event_t *ev, uint32_t missed) {
    char body[8u * HF_NOTIFY_DEVICE_MAX + 160u];
    size_t bl = hf_notify_body(body, sizeof body, n->cfg.device, n->cfg.boot_id, ev, missed);
    size_t rl = bl == 0u ? 0u
                         : hf_http_build_post(n->req, sizeof n->req, n->cfg.host, n->cfg.path,
                                              n->cfg.token, body, bl);
    n->req_len = (uint16_t)rl;
    return rl != 0u;
}

/* ---- one attempt ---------------------------------------------------------------------------- */

void hf__notify_reason(hf_notify_t *n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->reason, sizeof n->reason, fmt, ap);
    va_end(ap);
}
#define set_reason hf__notify_reason

void hf__notify_deadline(hf_notify_t *n, uint32_t ms) {
    n->deadline = hf_ticks_add(hf_now_us(), (int32_t)(ms * 1000u));
}
#define set_deadline hf__notify_deadline

uint64_t hf__notify_uptime(hf_notify_t *n, hf_ticks_ms_t now_ms) {
    int32_t d = hf_ticks_diff(now_ms, n->clock_ms);
    if (d < 0) { /* an instant before the last one looked at */
        return n->uptime_ms - (uint64_t)(-(int64_t)d);
    }
    n->uptime_ms += (uint64_t)d;
    n->clock_ms = now_ms;
    return n->uptime_ms;
}

static void attempt_begin(hf_notify_t *n) {
    n->missed_sent = n->missed;
    (void)build_request(n, &n->q[n->head], n->missed_sent); /* fits: checked at start */
    n->req_sent = 0;
    n->status = 0;
    n->reason[0] = '\0';
    n->phase = PH_CONNECT;
    hf_http_parser_init(&n->p.http);
    hf_flag_clear(&n->cfg.transport->ready);
    set_deadline(n, n->cfg.connect_ms);
}

unsigned hf__notify_send_more(hf_notify_t *n) {
    hf_transport_t *t = n->cfg.transport;
    int32_t r = t->ops->send(t, n->req + n->req_sent, (size_t)(n->req_len - n->req_sent));
    if (r == HF_NET_AGAIN || r == 0) {
        return HF_NET_WANT_WRITE;
    }
    if (r < 0) {
        return hf__notify_net_failed(n, r);
    }
    n->req_sent = (uint16_t)(n->req_sent + (uint16_t)r);
    return n->req_sent >= n->req_len ? HF__NOTIFY_SENT : HF__NOTIFY_STEP_MORE;
}

unsigned hf__notify_net_failed(hf_notify_t *n, int32_t r) {
    set_reason(n, "%s", hf_net_reason(r));
    return 0;
}
#define net_failed hf__notify_net_failed

/* Do every step of the attempt that can be done now. @return what to wait for
 * (HF_NET_WANT_*), or 0 when the attempt is over: n->status or n->reason says how. */
static unsigned attempt_step(hf_notify_t *n) {
    hf_transport_t *t = n->cfg.transport;
    for (unsigned reads = 0;;) {
        int32_t r;
        if (n->phase == PH_CONNECT) {
            r = t->ops->connect(t);
            if (r == HF_NET_AGAIN) {
                return HF_NET_WANT_WRITE;
            }
            if (r < 0) {
                return net_failed(n, r);
            }
            n->phase = PH_SEND;
            set_deadline(n, n->cfg.response_ms);
        } else if (n->phase == PH_SEND) {
            unsigned w = hf__notify_send_more(n);
            if (w == HF__NOTIFY_SENT) {
                n->phase = PH_RECV;
            } else if (w != HF__NOTIFY_STEP_MORE) {
                return w;
            }
        } else {
            char buf[128];
            size_t used;
            if (reads++ == HF_CFG_NOTIFY_READS_PER_STEP) {
                return STEP_MORE;
            }
            r = t->ops->recv(t, buf, sizeof buf);
            if (r == HF_NET_AGAIN) {
                return HF_NET_WANT_READ;
            }
            if (r < 0) {
                return net_failed(n, r);
            }
            hf_http_result_t h = r == 0 ? hf_http_parse_eof(&n->p.http)
                                        : hf_http_parse(&n->p.http, buf, (size_t)r, &used);
            if (h == HF_HTTP_DONE) {
                n->status = n->p.http.status;
                return 0;
            }
            if (h == HF_HTTP_BAD) {
                set_reason(n, "bad reply: %s", n->p.http.error);
                return 0;
            }
        }
    }
}

static void attempt_timed_out(hf_notify_t *n) {
    if (n->phase == PH_CONNECT) {
        set_reason(n, "no connection within %lu ms", (unsigned long)n->cfg.connect_ms);
    } else {
        set_reason(n, "no complete reply within %lu ms", (unsigned long)n->cfg.response_ms);
    }
}

static bool retryable(unsigned status) {
    return status == 408u || status == 429u || status >= 500u;
}

void hf__notify_pop(hf_notify_t *n) {
    n->head = (n->head + 1u) % HF_CFG_NOTIFY_OUTBOX;
    n->n--;
    n->failures = 0;
    if (n->missed_report > 0u) {
        hf_log("Notify missed %lu", (unsigned long)n->missed_report);
        n->missed_report = 0;
    }
}

void hf__notify_backoff(hf_notify_t *n) {
    n->failures++;
    n->retries++;
    n->delay_ms = hf_notify_backoff_ms(n->failures, &n->rng);
}

/* Report the attempt. @return true when the event waits n->delay_ms for another attempt. */
static bool attempt_end(hf_notify_t *n) {
    unsigned long seq = (unsigned long)n->q[n->head].seq;
    bool answered = n->reason[0] == '\0';
    if (answered && n->status >= 200u && n->status < 300u) {
        n->missed -= n->missed_sent;
        n->delivered++;
        hf_print("Notify sent seq=%lu", seq);
        hf__notify_pop(n);
        return false;
    }
    if (answered && !retryable(n->status)) {
        n->given_up++;
        hf_log("Notify gave up seq=%lu: HTTP %u", seq, (unsigned)n->status);
        hf__notify_pop(n);
        return false;
    }
    if (answered) {
        set_reason(n, "HTTP %u", (unsigned)n->status);
    }
    hf__notify_backoff(n);
    hf_log("Notify retry seq=%lu in %lu ms: %s", seq, (unsigned long)n->delay_ms, n->reason);
    return true;
}

static int notify_task(hf_task_t *self) {
    hf_notify_t *n = (hf_notify_t *)self;
    hf_transport_t *t = n->cfg.transport;
    unsigned want;
    HF_TASK_BEGIN(self);
    for (;;) {
        while (n->n == 0u) {
            HF_AWAIT_FLAG_TIMEOUT_MS(&n->posted, HF__NOTIFY_CLOCK_MS);
            (void)hf__notify_uptime(n, hf_now_ms());
        }
        attempt_begin(n);
        while ((want = attempt_step(n)) != 0u) {
            if (want == STEP_MORE) {
                HF_YIELD();
            } else {
                t->ops->watch(t, want);
                HF_AWAIT_UNTIL_TICK_US(hf_flag_take(&t->ready), n->deadline);
            }
            if (hf_ticks_reached(hf_now_us(), n->deadline)) {
                attempt_timed_out(n);
                break;
            }
        }
        t->ops->close(t);
        if (attempt_end(n)) {
            HF_AWAIT_MS(n->delay_ms);
        }
    }
    HF_FINALLY;
    t->ops->close(t);
    HF_TASK_END();
}

/* ---- API ------------------------------------------------------------------------------------ */

/* Fit for a request header: printable ASCII, no spaces (no CR LF to inject another header). */
static bool header_safe(const char *s) {
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s <= 0x20u || (unsigned char)*s >= 0x7Fu) {
            return false;
        }
    }
    return true;
}

/* The protocol's own fields are usable. */
static bool protocol_ok(const hf_notify_cfg_t *cfg) {
    if (cfg->protocol == HF_NOTIFY_HTTP) {
        return cfg->token == NULL ||
               (cfg->token[0] != '\0' && strlen(cfg->token) <= HF_NOTIFY_TOKEN_MAX &&
                header_safe(cfg->token));
    }
    return cfg->protocol == HF_NOTIFY_MQTT && cfg->token == NULL && cfg->topic != NULL &&
           cfg->topic[0] != '\0' && header_safe(cfg->topic) &&
           strpbrk(cfg->topic, "+#\"\\") == NULL && cfg->keepalive_s <= HF_NOTIFY_KEEPALIVE_MAX_S;
}

bool hf_notify_start(hf_notify_t *n, const hf_notify_cfg_t *cfg, hf_ticks_ms_t now_ms) {
    if (!hf_task_done(&n->task) || cfg->transport == NULL || cfg->host == NULL ||
        cfg->path == NULL || cfg->device == NULL || cfg->device[0] == '\0' ||
        strlen(cfg->device) > HF_NOTIFY_DEVICE_MAX || !header_safe(cfg->host) ||
        !header_safe(cfg->path) || !protocol_ok(cfg)) {
        return false;
    }
    n->cfg = *cfg;
    if (n->cfg.keepalive_s == 0u) {
        n->cfg.keepalive_s = HF_CFG_MQTT_KEEPALIVE_S;
    }
    if (n->cfg.connect_ms == 0u) {
        n->cfg.connect_ms = HF_CFG_NOTIFY_CONNECT_MS;
    }
    if (n->cfg.response_ms == 0u) {
        n->cfg.response_ms = HF_CFG_NOTIFY_RESPONSE_MS;
    }
    if (n->cfg.connect_ms > HF_NOTIFY_TIMEOUT_MAX_MS ||
        n->cfg.response_ms > HF_NOTIFY_TIMEOUT_MAX_MS) {
        return false;
    }
    /* The longest request there can be must fit, so that no event fails later for size. */
    static const hf_notify_event_t longest = {UINT32_MAX, UINT32_MAX, UINT64_MAX,
                                              HF_NOTIFY_LONG_PRESS};
    if (n->cfg.protocol == HF_NOTIFY_HTTP ? !build_request(n, &longest, UINT32_MAX)
                                          : !hf__notify_mqtt_check(n)) {
        return false;
    }
    n->rng = cfg->seed != 0u ? cfg->seed : 0x9E3779B9u;
    n->head = n->n = 0;
    n->next_seq = 1;
    n->missed = n->missed_report = n->missed_sent = 0;
    n->failures = n->delivered = n->given_up = n->retries = n->dup_resends = 0;
    n->uptime_ms = 0;
    n->clock_ms = now_ms;
    memset(&n->p, 0, sizeof n->p);
    n->started = hf_task_start(
        &n->task, n->cfg.protocol == HF_NOTIFY_HTTP ? notify_task : hf__notify_mqtt_task, "notify");
    return n->started;
}

void hf_notify_stop(hf_notify_t *n) {
    (void)hf_task_cancel(&n->task);
    n->started = false;
}

bool hf_notify_post(hf_notify_t *n, hf_notify_kind_t kind, uint32_t count, hf_ticks_ms_t now_ms) {
    if (!n->started) {
        return false;
    }
    if (n->n == HF_CFG_NOTIFY_OUTBOX) {
        n->missed++;
        n->missed_report++;
        return false;
    }
    hf_notify_event_t *ev = &n->q[(n->head + n->n) % HF_CFG_NOTIFY_OUTBOX];
    ev->seq = n->next_seq++;
    ev->count = count;
    ev->uptime_ms = hf__notify_uptime(n, now_ms);
    ev->kind = (uint8_t)kind;
    n->n++;
    hf_flag_set(&n->posted); /* wakes the task wherever this is called from */
    return true;
}

uint32_t hf_notify_pending(const hf_notify_t *n) {
    return n->n;
}

uint32_t hf_notify_delivered(const hf_notify_t *n) {
    return n->delivered;
}

uint32_t hf_notify_dup_resends(const hf_notify_t *n) {
    return n->dup_resends;
}
