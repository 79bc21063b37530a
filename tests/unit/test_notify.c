/* notify.h: the outbox and its delivery task against a scripted transport, in virtual time:
 * order, one request in flight, exact retry times from the backoff, time-outs, statuses,
 * malformed replies, give-up, and the missed count after an overflow. */
#include <stdio.h>
#include <stdlib.h>

#include "hf_test.h"

/* ---- a scripted transport ------------------------------------------------------------------- */

/* What one connection does. */
typedef enum {
    C_OK = 0, /* connects at once */
    C_REFUSE, /* refused at once */
    C_NEVER,  /* stays connecting */
    C_LATE,   /* connects after connect_ms */
} conn_mode_t;

typedef struct {
    conn_mode_t conn;
    uint32_t connect_ms;
    const char *reply; /* NULL: never answers; "" closes at once */
    uint32_t reply_ms; /* after the request is complete */
    size_t chunk;      /* bytes per recv (0: as many as fit) */
    uint32_t stream;   /* after the reply: this many more bytes every ms, without end */
} script_t;

#define MAX_CONN 64

static struct {
    hf_transport_t base;
    const script_t *script;
    size_t n_script;
    bool open, connected, sent;
    hf_ticks_us_t t_open, t_sent;
    char req[HF_CFG_NOTIFY_REQUEST_MAX];
    size_t req_len, reply_pos, streamed;
    /* what happened */
    unsigned n_conn;
    uint64_t t_conn[MAX_CONN]; /* when each connection was opened (us since start) */
    char body[MAX_CONN][256];  /* the body each one sent, "" if none */
    hf_task_t timer;
    hf_ticks_us_t timer_at;
} F;

static const script_t ok_script = {C_OK, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                                   0,    0, 0};

static const script_t *cur(void) {
    unsigned i = F.n_conn - 1u;
    return i < F.n_script ? &F.script[i] : &ok_script;
}

static int fake_timer(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_TICK_US(F.timer_at);
    hf_flag_set(&F.base.ready);
    HF_TASK_END();
}

static bool reached(hf_ticks_us_t from, uint32_t ms) {
    return hf_ticks_reached(hf_now_us(), hf_ticks_add(from, (int32_t)(ms * 1000u)));
}

static int32_t f_connect(hf_transport_t *t) {
    (void)t;
    if (!F.open) {
        if (F.n_conn == MAX_CONN) {
            fail_msg("too many connections");
        }
        F.open = true;
        F.connected = F.sent = false;
        F.req_len = F.reply_pos = F.streamed = 0;
        F.t_open = hf_now_us();
        F.t_conn[F.n_conn] = hft_now();
        F.body[F.n_conn][0] = '\0';
        F.n_conn++;
        if (cur()->conn == C_REFUSE) {
            F.open = false;
            return HF_NET_REFUSED;
        }
        F.connected = cur()->conn == C_OK;
    }
    if (!F.connected && cur()->conn == C_LATE && reached(F.t_open, cur()->connect_ms)) {
        F.connected = true;
    }
    return F.connected ? HF_NET_OK : HF_NET_AGAIN;
}

static int32_t f_send(hf_transport_t *t, const void *buf, size_t len) {
    (void)t;
    assert_true(F.open && F.connected && !F.sent);
    size_t n = len < 40u ? len : 40u; /* partial sends */
    assert_true(F.req_len + n <= sizeof F.req);
    memcpy(F.req + F.req_len, buf, n);
    F.req_len += n;
    char *hdr_end = NULL;
    for (size_t i = 0; i + 4u <= F.req_len; i++) {
        if (memcmp(F.req + i, "\r\n\r\n", 4) == 0) {
            hdr_end = F.req + i + 4;
            break;
        }
    }
    if (hdr_end != NULL) {
        const char *cl = strstr(F.req, "Content-Length: ");
        size_t want = (size_t)strtoul(cl + 16, NULL, 10);
        size_t have = F.req_len - (size_t)(hdr_end - F.req);
        if (have == want) {
            F.sent = true;
            F.t_sent = hf_now_us();
            memcpy(F.body[F.n_conn - 1u], hdr_end, have);
            F.body[F.n_conn - 1u][have] = '\0';
        }
    }
    return (int32_t)n;
}

static int32_t f_recv(hf_transport_t *t, void *buf, size_t cap) {
    (void)t;
    assert_true(F.open && F.connected);
    const script_t *s = cur();
    if (!F.sent || s->reply == NULL || !reached(F.t_sent, s->reply_ms)) {
        return HF_NET_AGAIN;
    }
    size_t left = strlen(s->reply) - F.reply_pos;
    if (left == 0u && s->stream != 0u) { /* an endless body, at a rate */
        uint32_t ms = (uint32_t)(hf_now_us() - F.t_sent) / 1000u + 1u;
        size_t due = (size_t)ms * s->stream - F.streamed;
        size_t n = due < cap ? due : cap;
        if (n == 0u) {
            return HF_NET_AGAIN;
        }
        memset(buf, 'x', n);
        F.streamed += n;
        return (int32_t)n;
    }
    size_t n = s->chunk != 0u && s->chunk < left ? s->chunk : left;
    n = n < cap ? n : cap;
    memcpy(buf, s->reply + F.reply_pos, n);
    F.reply_pos += n;
    return (int32_t)n; /* 0 at the end: the server closed */
}

static void f_close(hf_transport_t *t) {
    (void)t;
    F.open = false;
    hf_task_cancel(&F.timer);
}

/* Readiness: now, at a known time (a timer task sets the flag), or never. */
static void f_watch(hf_transport_t *t, unsigned want) {
    (void)t;
    (void)want;
    const script_t *s = cur();
    hf_ticks_us_t at;
    if (!F.connected && s->conn == C_LATE) {
        at = hf_ticks_add(F.t_open, (int32_t)(s->connect_ms * 1000u));
    } else if (F.connected && F.sent && s->stream != 0u && F.reply_pos > 0u) {
        uint32_t ms = (uint32_t)(hf_now_us() - F.t_sent) / 1000u + 1u; /* the next millisecond */
        at = hf_ticks_add(F.t_sent, (int32_t)(ms * 1000u));
    } else if (F.connected && F.sent && s->reply != NULL) {
        at = hf_ticks_add(F.t_sent, (int32_t)(s->reply_ms * 1000u));
    } else if (F.connected && !F.sent) {
        at = hf_now_us();
    } else {
        return; /* never */
    }
    hf_task_cancel(&F.timer);
    F.timer_at = at;
    assert_true(hf_task_start(&F.timer, fake_timer, "fake_timer"));
}

static const hf_transport_ops_t fake_ops = {f_connect, f_send, f_recv, f_close, f_watch};

static hf_notify_t N;

#define SEED 12345u

/* A fresh board at the test's epoch, the fake transport with `script`, and a started notifier. */
static void setup(void **state, const script_t *script, size_t n) {
    hft_start(hft_state_epoch(state));
    memset(&F, 0, sizeof F);
    F.base.ops = &fake_ops;
    F.script = script;
    F.n_script = n;
    memset(&N, 0, sizeof N);
    hf_notify_cfg_t cfg = {.transport = &F.base,
                           .host = "127.0.0.1:8080",
                           .path = "/events",
                           .device = "pico",
                           .boot_id = 77u,
                           .seed = SEED};
    assert_true(hf_notify_start(&N, &cfg, hf_now_ms()));
}

/* The captured line k, checked to be `text` and a log line or not. */
static void line_is(unsigned k, const char *text, bool is_log) {
    const hft_lines_t *l = hft_lines();
    if (k >= l->n) {
        fail_msg("line %u missing (%u lines), expected '%s'", k, l->n, text);
    }
    if (strcmp(l->line[k].text, text) != 0 || l->line[k].is_log != is_log) {
        fail_msg("line %u: '%s' (log %d), expected '%s' (log %d)", k, l->line[k].text,
                 l->line[k].is_log, text, is_log);
    }
}

static void body_is(unsigned conn, uint32_t seq, uint32_t count, uint32_t uptime, uint32_t missed) {
    char want[256];
    snprintf(want, sizeof want,
             "{\"device\":\"pico\",\"boot\":77,\"seq\":%lu,\"event\":\"press\",\"count\":%lu,"
             "\"uptime_ms\":%lu,\"missed\":%lu}",
             (unsigned long)seq, (unsigned long)count, (unsigned long)uptime,
             (unsigned long)missed);
    assert_string_equal(F.body[conn], want);
}

/* ---- pure parts ----------------------------------------------------------------------------- */

static void test_body(void **state) {
    (void)state;
    hf_notify_event_t ev = {3, 41, 123456, HF_NOTIFY_LONG_PRESS};
    char buf[256];
    static const char want[] = "{\"device\":\"a\\\"b\\\\c\\u0001\",\"boot\":4294967295,\"seq\":3,"
                               "\"event\":\"long_press\",\"count\":41,\"uptime_ms\":123456,"
                               "\"missed\":2}";
    assert_int_equal(hf_notify_body(buf, sizeof buf, "a\"b\\c\x01", UINT32_MAX, &ev, 2),
                     sizeof want - 1u);
    assert_string_equal(buf, want);
    for (size_t cap = 0; cap < sizeof want; cap++) {
        assert_int_equal(hf_notify_body(buf, cap, "a\"b\\c\x01", UINT32_MAX, &ev, 2), 0);
    }
    assert_string_equal(hf_notify_kind_name(HF_NOTIFY_PRESS), "press");
    assert_string_equal(hf_notify_kind_name(HF_NOTIFY_RESET), "reset");
}

static void test_backoff(void **state) {
    (void)state;
    static const uint32_t nominal[] = {250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
    static const uint32_t seeds[] = {1u, 2u, SEED, 0xDEADBEEFu};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        uint32_t a = seeds[s], b = seeds[s];
        for (uint32_t f = 1; f <= 40; f++) {
            uint32_t nom = nominal[f <= 9 ? f - 1 : 8];
            uint32_t d = hf_notify_backoff_ms(f, &a);
            if (d > nom || d < nom - nom / 4u) {
                fail_msg("seed %lu, failure %lu: %lu ms, not in [%lu, %lu]",
                         (unsigned long)seeds[s], (unsigned long)f, (unsigned long)d,
                         (unsigned long)(nom - nom / 4u), (unsigned long)nom);
            }
            assert_int_equal(d, hf_notify_backoff_ms(f, &b)); /* same seed, same schedule */
        }
    }
    /* the jitter spreads over its whole range */
    uint32_t r = SEED, lo = UINT32_MAX, hi = 0;
    for (int i = 0; i < 2000; i++) {
        uint32_t d = hf_notify_backoff_ms(8, &r);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo < 22600u && hi > 29900u);
}

/* ---- delivery ------------------------------------------------------------------------------- */

static void test_in_order_one_in_flight(void **state) {
    static const script_t slow[] = {
        {C_OK, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 300, 0, 0},
        {C_LATE, 100, "HTTP/1.1 204 No Content\r\n\r\n", 50, 1, 0},
    };
    setup(state, slow, 2);
    hft_run_ms(1000);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(1100);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 2, hf_now_ms()));
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 3, hf_now_ms()));
    assert_int_equal(hf_notify_pending(&N), 3);
    hft_run_ms(3000);
    assert_int_equal(hf_notify_pending(&N), 0);
    assert_int_equal(hf_notify_delivered(&N), 3);
    /* one connection at a time (f_connect asserts it is not open), each after the last ends */
    assert_int_equal(F.n_conn, 3);
    assert_int_equal(F.t_conn[0], 1000000u);
    assert_int_equal(F.t_conn[1], 1300000u); /* the first reply came 300 ms after its request */
    assert_int_equal(F.t_conn[2], 1450000u); /* 100 ms to connect, reply 50 ms later */
    body_is(0, 1, 1, 1000, 0);
    body_is(1, 2, 2, 1100, 0);
    body_is(2, 3, 3, 1100, 0);
    assert_int_equal(hft_lines()->n, 3);
    line_is(0, "Notify sent seq=1", false);
    line_is(1, "Notify sent seq=2", false);
    line_is(2, "Notify sent seq=3", false);
    assert_int_equal(hft_lines()->line[2].t_us, 1450000u);
    assert_false(F.open);
}

static void test_retry_schedule(void **state) {
    static const script_t refused[] = {{C_REFUSE, 0, NULL, 0, 0, 0},
                                       {C_REFUSE, 0, NULL, 0, 0, 0},
                                       {C_REFUSE, 0, NULL, 0, 0, 0},
                                       {C_REFUSE, 0, NULL, 0, 0, 0},
                                       {C_REFUSE, 0, NULL, 0, 0, 0}};
    setup(state, refused, 5);
    hft_run_ms(500);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(60000);
    assert_int_equal(hf_notify_delivered(&N), 1);
    assert_int_equal(F.n_conn, 6);
    uint32_t rng = SEED;
    uint64_t t = 500000u;
    for (unsigned k = 0; k < 5; k++) {
        assert_int_equal(F.t_conn[k], t);
        uint32_t d = hf_notify_backoff_ms(k + 1u, &rng); /* the task's draws, in order */
        char want[96];
        snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: connection refused",
                 (unsigned long)d);
        line_is(k, want, true);
        t += (uint64_t)d * 1000u;
    }
    assert_int_equal(F.t_conn[5], t); /* exactly when the last delay ended */
    line_is(5, "Notify sent seq=1", false);
}

static void test_statuses(void **state) {
    static const struct {
        const char *reply;
        const char *line; /* the second line; the first is about seq=1 */
        bool retried;
    } cases[] = {
        {"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n", "HTTP 408", true},
        {"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n", "HTTP 429", true},
        {"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", "HTTP 500", true},
        {"HTTP/1.1 503 Service Unavailable\r\n\r\n", "HTTP 503", true},
        {"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", "HTTP 404", false},
        {"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "HTTP 400", false},
        {"HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n", "HTTP 301", false},
        {"\x17garbage\x01", "bad reply: status line: control character", true},
        {"HTTP/1.1 200 OK\r\nContent-Le", "bad reply: connection closed in the headers", true},
        {"", "bad reply: connection closed before any reply", true},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n",
         "bad reply: chunk size: not a hex number", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const script_t script[] = {{C_OK, 0, cases[i].reply, 10, 3, 0}};
        setup(state, script, 1);
        assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
        assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 2, hf_now_ms()));
        hft_run_ms(2000);
        char want[128];
        uint32_t rng = SEED;
        if (cases[i].retried) {
            snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: %s",
                     (unsigned long)hf_notify_backoff_ms(1, &rng), cases[i].line);
            line_is(0, want, true);
            line_is(1, "Notify sent seq=1", false);
            line_is(2, "Notify sent seq=2", false);
            assert_int_equal(F.n_conn, 3);
            body_is(1, 1, 1, 0, 0); /* the same event again */
        } else {
            snprintf(want, sizeof want, "Notify gave up seq=1: %s", cases[i].line);
            line_is(0, want, true);
            line_is(1, "Notify sent seq=2", false);
            assert_int_equal(F.n_conn, 2);
            assert_int_equal(F.t_conn[1], 10000u); /* the next event goes at once, no backoff */
            body_is(1, 2, 2, 0, 0);
        }
        assert_int_equal(hf_notify_pending(&N), 0);
        hf_notify_stop(&N);
    }
}

static void test_timeouts(void **state) {
    static const script_t script[] = {
        {C_NEVER, 0, NULL, 0, 0, 0}, /* connect time-out */
        {C_OK, 0, NULL, 0, 0, 0},    /* reply time-out */
        {C_LATE, 2999, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 4999, 0, 0}, /* in time */
    };
    setup(state, script, 3);
    hft_run_ms(1000);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(20000);
    uint32_t rng = SEED;
    uint32_t d1 = hf_notify_backoff_ms(1, &rng), d2 = hf_notify_backoff_ms(2, &rng);
    char want[96];
    snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: no connection within 3000 ms",
             (unsigned long)d1);
    line_is(0, want, true);
    assert_int_equal(hft_lines()->line[0].t_us, 4000000u);
    snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: no complete reply within 5000 ms",
             (unsigned long)d2);
    line_is(1, want, true);
    assert_int_equal(F.t_conn[1], 4000000u + d1 * 1000u);
    assert_int_equal(hft_lines()->line[1].t_us, F.t_conn[1] + 5000000u);
    line_is(2, "Notify sent seq=1", false);
    assert_int_equal(hft_lines()->line[2].t_us, F.t_conn[2] + 2999000u + 4999000u);
    assert_int_equal(hft_lines()->n, 3);
}

/* A reply whose body never ends (no length, the connection stays open, 2000 bytes every ms)
 * times out like a silent one, read a few chunks per step. */
static void test_endless_body(void **state) {
    static const script_t script[] = {{C_OK, 0, "HTTP/1.1 200 OK\r\n\r\n", 0, 0, 2000}};
    setup(state, script, 1);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(5100); /* before the retry: at least 187 ms later */
    uint32_t rng = SEED;
    char want[96];
    snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: no complete reply within 5000 ms",
             (unsigned long)hf_notify_backoff_ms(1, &rng));
    line_is(0, want, true);
    assert_int_equal(hft_lines()->line[0].t_us, 5000000u);
    assert_true(F.streamed >= 5000u * 2000u); /* it kept reading until the deadline */
    assert_true(hf_notify_pending(&N) == 1);
}

/* 40 events while the server refuses: 32 queued, 8 missed; the first delivered request says
 * missed 8, and 2 more missed while it is in flight travel in the next one. */
static void test_overflow_missed(void **state) {
    static const script_t script[] = {
        {C_REFUSE, 0, NULL, 0, 0, 0},
        {C_REFUSE, 0, NULL, 0, 0, 0},
        {C_OK, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 100, 0, 0},
    };
    setup(state, script, 3);
    for (uint32_t i = 1; i <= 40; i++) {
        bool queued = hf_notify_post(&N, HF_NOTIFY_PRESS, i, hf_now_ms());
        assert_int_equal(queued, i <= HF_CFG_NOTIFY_OUTBOX);
    }
    assert_int_equal(hf_notify_pending(&N), HF_CFG_NOTIFY_OUTBOX);
    /* run to just after the third attempt starts: its request carries missed 8 */
    uint32_t rng = SEED;
    uint64_t third =
        (uint64_t)(hf_notify_backoff_ms(1, &rng) + hf_notify_backoff_ms(2, &rng)) * 1000u;
    hft_run_us(third + 50000u);
    assert_int_equal(F.n_conn, 3);
    body_is(2, 1, 1, 0, 8);
    assert_false(hf_notify_post(&N, HF_NOTIFY_PRESS, 41, hf_now_ms()));
    assert_false(hf_notify_post(&N, HF_NOTIFY_PRESS, 42, hf_now_ms()));
    hft_run_ms(10000);
    assert_int_equal(hf_notify_delivered(&N), HF_CFG_NOTIFY_OUTBOX);
    assert_int_equal(F.n_conn, 2u + HF_CFG_NOTIFY_OUTBOX);
    body_is(3, 2, 2, 0, 2);
    for (unsigned k = 4; k < F.n_conn; k++) {
        body_is(k, k - 1u, k - 1u, 0, 0);
    }
    /* the report: once, when the outbox first had room again */
    line_is(2, "Notify sent seq=1", false);
    line_is(3, "Notify missed 10", true);
    line_is(4, "Notify sent seq=2", false);
    unsigned missed_lines = 0;
    for (unsigned k = 0; k < hft_lines()->n; k++) {
        missed_lines += strncmp(hft_lines()->line[k].text, "Notify missed", 13) == 0;
    }
    assert_int_equal(missed_lines, 1);
    /* afterwards: queued again, missed 0, seq goes on from 33 */
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 43, hf_now_ms()));
    hft_run_ms(11000);
    body_is(F.n_conn - 1u, 33, 43, 10000, 0);
}

static void test_not_started_and_stop(void **state) {
    hft_start(hft_state_epoch(state));
    static hf_notify_t idle;
    memset(&idle, 0, sizeof idle);
    assert_false(hf_notify_post(&idle, HF_NOTIFY_PRESS, 1, 0));
    assert_int_equal(hf_notify_pending(&idle), 0);
    /* a device name too long, or no transport: not started */
    memset(&F, 0, sizeof F);
    F.base.ops = &fake_ops;
    hf_notify_cfg_t cfg = {.transport = &F.base,
                           .host = "h",
                           .path = "/",
                           .device = "0123456789012345678901234567890123",
                           .boot_id = 1,
                           .seed = 1};
    assert_false(hf_notify_start(&idle, &cfg, 0));
    cfg.device = "";
    assert_false(hf_notify_start(&idle, &cfg, 0));
    cfg.device = "ok";
    cfg.path = "/a\r\nX-Injected: 1"; /* would add a header */
    assert_false(hf_notify_start(&idle, &cfg, 0));
    cfg.path = "/a b";
    assert_false(hf_notify_start(&idle, &cfg, 0));
    cfg.path = "/";
    cfg.response_ms = HF_NOTIFY_TIMEOUT_MAX_MS + 1u; /* the tick could not hold its deadline */
    assert_false(hf_notify_start(&idle, &cfg, 0));
    cfg.response_ms = HF_NOTIFY_TIMEOUT_MAX_MS;
    cfg.host = "";
    assert_true(hf_notify_start(&idle, &cfg, 0)); /* an empty Host is allowed (HTTP/1.1 5.4) */
    hf_notify_stop(&idle);
    cfg.transport = NULL;
    assert_false(hf_notify_start(&idle, &cfg, 0));
    /* stop in the middle of an attempt closes its connection; the event stays queued */
    static const script_t never[] = {{C_OK, 0, NULL, 0, 0, 0}};
    setup(state, never, 1);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(100);
    assert_true(F.open);
    hf_notify_stop(&N);
    assert_false(F.open);
    assert_int_equal(hf_notify_pending(&N), 1);
    assert_false(hf_notify_post(&N, HF_NOTIFY_PRESS, 2, hf_now_ms()));
}

/* uptime_ms is 64-bit: 60 days idle (past the 49.7 days of the millisecond tick), then a press
 * reports the whole time; and a bearer token goes into the request's header. */
static void test_uptime_64_and_token(void **state) {
    setup(state, NULL, 0);
    hf_notify_stop(&N);
    hf_notify_cfg_t cfg = N.cfg;
    cfg.token = "s3cr3t";
    assert_true(hf_notify_start(&N, &cfg, hf_now_ms()));
    const uint64_t days60_ms = 60ull * 24u * 3600u * 1000u;
    for (uint64_t ms = 600000; ms <= days60_ms; ms += 600000) { /* 10-minute steps */
        hft_run_ms(ms);
    }
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(days60_ms + 1000u);
    char want[256];
    snprintf(want, sizeof want,
             "{\"device\":\"pico\",\"boot\":77,\"seq\":1,\"event\":\"press\",\"count\":1,"
             "\"uptime_ms\":%llu,\"missed\":0}",
             (unsigned long long)days60_ms);
    assert_string_equal(F.body[0], want);
    assert_non_null(strstr(F.req, "\r\nAuthorization: Bearer s3cr3t\r\n"));
    cfg.token = "two words"; /* would break the header */
    hf_notify_stop(&N);
    assert_false(hf_notify_start(&N, &cfg, hf_now_ms()));
    cfg.token = "";
    assert_false(hf_notify_start(&N, &cfg, hf_now_ms()));
}

#define BOTH(fn) HFT_AT_EPOCH(fn, 0), HFT_AT_EPOCH(fn, 1)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_backoff),
        BOTH(test_in_order_one_in_flight),
        BOTH(test_retry_schedule),
        BOTH(test_statuses),
        BOTH(test_timeouts),
        BOTH(test_endless_body),
        BOTH(test_overflow_missed),
        BOTH(test_not_started_and_stop),
        BOTH(test_uptime_64_and_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
