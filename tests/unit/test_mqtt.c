/* mqtt.h and MQTT delivery (notify_mqtt.c): the packets to the byte, the decoder on every split
 * and on malformed input, and the client against a scripted broker in virtual time: CONNECT
 * and the status topic, QoS 1 with PUBACK matching, DUP resends after a reconnect, keepalive
 * pings at their exact times, a missing PINGRESP, a refused CONNACK, Home Assistant discovery. */
#include <stdio.h>

#include "hf_test.h"

/* ---- codec ---------------------------------------------------------------------------------- */

static void test_connect_bytes(void **state) {
    (void)state;
    hf_mqtt_connect_t c = {.client_id = "pico",
                           .keepalive_s = 60,
                           .will_topic = "t/status",
                           .will_message = "offline",
                           .will_qos = 1,
                           .will_retain = true};
    static const uint8_t want[] = {
        0x10, 35,  0,   4,   'M', 'Q', 'T', 'T', 4,   0x2C, 0, 60,  0,   4,   'p', 'i', 'c', 'o', 0,
        8,    't', '/', 's', 't', 'a', 't', 'u', 's', 0,    7, 'o', 'f', 'f', 'l', 'i', 'n', 'e'};
    uint8_t buf[64];
    assert_int_equal(hf_mqtt_build_connect(buf, sizeof buf, &c), sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    for (size_t cap = 0; cap < sizeof want; cap++) {
        assert_int_equal(hf_mqtt_build_connect(buf, cap, &c), 0);
    }
    /* clean session, user name and password, no will */
    hf_mqtt_connect_t u = {
        .client_id = "", .clean_session = true, .username = "u", .password = "pw"};
    static const uint8_t want_u[] = {0x10, 19, 0, 4, 'M', 'Q', 'T', 'T', 4,   0xC2, 0,
                                     0,    0,  0, 0, 1,   'u', 0,   2,   'p', 'w'};
    assert_int_equal(hf_mqtt_build_connect(buf, sizeof buf, &u), sizeof want_u);
    assert_memory_equal(buf, want_u, sizeof want_u);
    u.username = NULL; /* a password needs a user name */
    assert_int_equal(hf_mqtt_build_connect(buf, sizeof buf, &u), 0);
    c.will_qos = 3;
    assert_int_equal(hf_mqtt_build_connect(buf, sizeof buf, &c), 0);
}

static void test_publish_bytes(void **state) {
    (void)state;
    uint8_t buf[32];
    static const uint8_t q1_dup[] = {0x3A, 8, 0, 1, 'a', 0x12, 0x34, 'x', 'y', 'z'};
    assert_int_equal(hf_mqtt_build_publish(buf, sizeof buf, "a", "xyz", 3, 1, false, true, 0x1234),
                     sizeof q1_dup);
    assert_memory_equal(buf, q1_dup, sizeof q1_dup);
    static const uint8_t q0_retain[] = {0x31, 5, 0, 1, 'a', 'o', 'k'};
    assert_int_equal(hf_mqtt_build_publish(buf, sizeof buf, "a", "ok", 2, 0, true, false, 0),
                     sizeof q0_retain);
    assert_memory_equal(buf, q0_retain, sizeof q0_retain);
    /* out of range: QoS 2, QoS 1 without an identifier, DUP on QoS 0, an empty topic */
    assert_int_equal(hf_mqtt_build_publish(buf, sizeof buf, "a", "", 0, 2, false, false, 1), 0);
    assert_int_equal(hf_mqtt_build_publish(buf, sizeof buf, "a", "", 0, 1, false, false, 0), 0);
    assert_int_equal(hf_mqtt_build_publish(buf, sizeof buf, "a", "", 0, 0, false, true, 0), 0);
    assert_int_equal(hf_mqtt_build_publish(buf, sizeof buf, "", "", 0, 0, false, false, 0), 0);
    static const uint8_t ping[] = {0xC0, 0}, disc[] = {0xE0, 0};
    assert_int_equal(hf_mqtt_build_pingreq(buf, sizeof buf), 2);
    assert_memory_equal(buf, ping, 2);
    assert_int_equal(hf_mqtt_build_disconnect(buf, sizeof buf), 2);
    assert_memory_equal(buf, disc, 2);
    assert_int_equal(hf_mqtt_build_pingreq(buf, 1), 0);
}

/* The Remaining Length's encoding at each of its boundaries (section 2.2.3, table 2.4). */
static void test_remaining_length(void **state) {
    (void)state;
    static uint8_t payload[2100000], buf[2100016];
    static const struct {
        size_t remaining;
        uint8_t bytes[4];
        size_t n;
    } cases[] = {
        {5, {5}, 1},
        {127, {0x7F}, 1},
        {128, {0x80, 0x01}, 2},
        {16383, {0xFF, 0x7F}, 2},
        {16384, {0x80, 0x80, 0x01}, 3},
        {2097151, {0xFF, 0xFF, 0x7F}, 3},
        {2097152, {0x80, 0x80, 0x80, 0x01}, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t pl = cases[i].remaining - 3u; /* topic "a" with its length: 3 bytes */
        size_t len = hf_mqtt_build_publish(buf, sizeof buf, "a", payload, pl, 0, false, false, 0);
        assert_int_equal(len, 1u + cases[i].n + cases[i].remaining);
        assert_memory_equal(buf + 1, cases[i].bytes, cases[i].n);
    }
}

/* The decoder: the same packets however the bytes are split. */
typedef struct {
    uint8_t type, rc;
    bool sp;
    uint16_t id;
} pkt_t;

static size_t decode_all(const uint8_t *d, size_t len, const size_t *cuts, size_t n_cuts,
                         pkt_t *out, size_t max, const char **error) {
    hf_mqtt_parser_t p;
    hf_mqtt_parser_init(&p);
    size_t n = 0, at = 0;
    *error = NULL;
    for (size_t c = 0; c <= n_cuts; c++) {
        size_t end = c < n_cuts ? cuts[c] : len;
        while (at < end) {
            size_t used;
            hf_mqtt_result_t r = hf_mqtt_parse(&p, d + at, end - at, &used);
            assert_true(used <= end - at);
            at += used;
            if (r == HF_MQTT_BAD) {
                *error = p.error;
                return n;
            }
            if (r == HF_MQTT_PACKET && n < max) {
                out[n++] = (pkt_t){p.type, p.connack_rc, p.session_present, p.packet_id};
            }
        }
    }
    return n;
}

static void test_decode_splits(void **state) {
    (void)state;
    static const uint8_t stream[] = {0x20, 2,    1, 0, 0x40, 2,    0x12, 0x34, 0xD0,
                                     0,    0x20, 2, 0, 5,    0x40, 2,    0,    7};
    static const pkt_t want[] = {{HF_MQTT_CONNACK, 0, true, 0},
                                 {HF_MQTT_PUBACK, 0, false, 0x1234},
                                 {HF_MQTT_PINGRESP, 0, false, 0},
                                 {HF_MQTT_CONNACK, 5, false, 0},
                                 {HF_MQTT_PUBACK, 0, false, 7}};
    pkt_t got[8];
    const char *err;
    /* whole */
    size_t n = decode_all(stream, sizeof stream, NULL, 0, got, 8, &err);
    assert_null(err);
    assert_int_equal(n, 5);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(got[k].type, want[k].type);
        assert_int_equal(got[k].rc, want[k].rc);
        assert_int_equal(got[k].sp, want[k].sp);
        assert_int_equal(got[k].id, want[k].id);
    }
    /* split in two at every point, then byte by byte */
    size_t cuts[sizeof stream];
    for (size_t cut = 0; cut <= sizeof stream; cut++) {
        cuts[0] = cut;
        assert_int_equal(decode_all(stream, sizeof stream, cuts, 1, got, 8, &err), 5);
        assert_null(err);
        assert_int_equal(got[1].id, 0x1234);
    }
    for (size_t k = 0; k < sizeof stream; k++) {
        cuts[k] = k + 1u;
    }
    assert_int_equal(decode_all(stream, sizeof stream, cuts, sizeof stream, got, 8, &err), 5);
    assert_int_equal(got[4].id, 7);
}

static void test_decode_bad(void **state) {
    (void)state;
    static const struct {
        uint8_t bytes[8];
        size_t len;
        const char *why;
    } bad[] = {
        {{0x00}, 1, "fixed header: reserved packet type"},
        {{0xF0}, 1, "fixed header: reserved packet type"},
        {{0x30, 0}, 1, "fixed header: a packet type a server does not send to a publisher"},
        {{0x90, 3}, 1, "fixed header: a packet type a server does not send to a publisher"},
        {{0x22, 2}, 1, "fixed header: reserved flags set"},
        {{0x20, 3}, 2, "CONNACK: remaining length is not 2"},
        {{0x40, 0}, 2, "PUBACK: remaining length is not 2"},
        {{0xD0, 1}, 2, "PINGRESP: remaining length is not 0"},
        {{0x20, 0x80, 0x80, 0x80, 0x80}, 5, "fixed header: remaining length longer than 4 bytes"},
        {{0x20, 2, 2, 0}, 4, "CONNACK: reserved acknowledge flags set"},
        {{0x20, 2, 0, 6}, 4, "CONNACK: unknown return code"},
        {{0x20, 2, 1, 5}, 4, "CONNACK: session present with a refusal"},
        {{0x40, 2, 0, 0}, 4, "PUBACK: packet identifier 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pkt_t got[2];
        const char *err;
        assert_int_equal(decode_all(bad[i].bytes, bad[i].len, NULL, 0, got, 2, &err), 0);
        if (err == NULL || strcmp(err, bad[i].why) != 0) {
            fail_msg("case %zu: '%s', expected '%s'", i, err ? err : "(none)", bad[i].why);
        }
    }
    /* it stays bad */
    hf_mqtt_parser_t p;
    hf_mqtt_parser_init(&p);
    size_t used;
    assert_int_equal(hf_mqtt_parse(&p, "\x00", 1, &used), HF_MQTT_BAD);
    assert_int_equal(used, 0);
    assert_int_equal(hf_mqtt_parse(&p, "\xD0\x00", 2, &used), HF_MQTT_BAD);
    assert_string_equal(hf_mqtt_connack_reason(5), "not authorized");
    assert_string_equal(hf_mqtt_connack_reason(9), "unknown");
}

/* ---- a scripted broker ---------------------------------------------------------------------- */

#define MAX_PKTS 64

typedef struct {
    uint8_t first; /* type and flags */
    uint16_t len;
    uint8_t body[700];
    uint64_t t_us; /* when it was complete */
    unsigned conn; /* on which connection */
} sent_t;

static struct {
    hf_transport_t base;
    bool open, eof;
    unsigned n_conn;
    uint8_t connack_rc;
    bool puback, pingresp;  /* answer them */
    int drop_after_publish; /* close after this many QoS 1 PUBLISH (-1: never) */
    uint8_t in[1024];       /* what the device sent, not yet framed */
    size_t in_len;
    uint8_t out[256]; /* what the broker sends, not yet read */
    size_t out_len;
    sent_t pkts[MAX_PKTS];
    unsigned n_pkts;
} B;

static void answer(const uint8_t *d, size_t n) {
    assert_true(B.out_len + n <= sizeof B.out);
    memcpy(B.out + B.out_len, d, n);
    B.out_len += n;
}

/* A complete packet from the device: note it, and answer as scripted. */
static void on_device_packet(const uint8_t *p, size_t hdr, size_t rl) {
    assert_true(B.n_pkts < MAX_PKTS);
    sent_t *s = &B.pkts[B.n_pkts++];
    s->first = p[0];
    s->len = (uint16_t)rl;
    assert_true(rl <= sizeof s->body);
    memcpy(s->body, p + hdr, rl);
    s->t_us = hft_now();
    s->conn = B.n_conn;
    unsigned type = p[0] >> 4;
    if (type == HF_MQTT_CONNECT) {
        uint8_t ack[] = {0x20, 2, 0, B.connack_rc};
        answer(ack, 4);
    } else if (type == HF_MQTT_PUBLISH && (p[0] & 0x06u) == 0x02u) {
        if (B.drop_after_publish == 0) {
            B.eof = true;
            return;
        }
        B.drop_after_publish -= B.drop_after_publish > 0;
        if (B.puback) {
            size_t tl = (size_t)(p[hdr] << 8 | p[hdr + 1]);
            uint8_t ack[] = {0x40, 2, p[hdr + 2 + tl], p[hdr + 3 + tl]};
            answer(ack, 4);
        }
    } else if (type == HF_MQTT_PINGREQ && B.pingresp) {
        uint8_t resp[] = {0xD0, 0};
        answer(resp, 2);
    }
}

static int32_t b_connect(hf_transport_t *t) {
    (void)t;
    if (!B.open) {
        B.open = true;
        B.eof = false;
        B.in_len = B.out_len = 0;
        B.n_conn++;
    }
    return HF_NET_OK;
}

static int32_t b_send(hf_transport_t *t, const void *buf, size_t len) {
    (void)t;
    assert_true(B.open);
    if (B.eof) {
        return HF_NET_RESET;
    }
    size_t n = len < 50u ? len : 50u; /* partial sends */
    memcpy(B.in + B.in_len, buf, n);
    B.in_len += n;
    for (;;) { /* frame what is complete */
        size_t rl = 0, k = 1;
        unsigned shift = 0;
        while (k < B.in_len && (B.in[k] & 0x80u)) {
            rl |= (size_t)(B.in[k++] & 0x7Fu) << shift;
            shift += 7;
        }
        if (k >= B.in_len) {
            break;
        }
        rl |= (size_t)B.in[k++] << shift;
        if (B.in_len < k + rl) {
            break;
        }
        on_device_packet(B.in, k, rl);
        memmove(B.in, B.in + k + rl, B.in_len - k - rl);
        B.in_len -= k + rl;
    }
    return (int32_t)n;
}

static int32_t b_recv(hf_transport_t *t, void *buf, size_t cap) {
    (void)t;
    assert_true(B.open);
    if (B.out_len == 0u) {
        return B.eof ? 0 : HF_NET_AGAIN;
    }
    size_t n = B.out_len < cap ? B.out_len : cap;
    n = n > 3u ? 3u : n; /* in small pieces */
    memcpy(buf, B.out, n);
    memmove(B.out, B.out + n, B.out_len - n);
    B.out_len -= n;
    return (int32_t)n;
}

static void b_close(hf_transport_t *t) {
    (void)t;
    B.open = false;
}

static void b_watch(hf_transport_t *t, unsigned want) {
    (void)t;
    if ((want & HF_NET_WANT_WRITE) || B.out_len > 0u || B.eof) {
        hf_flag_set(&B.base.ready); /* ready now; otherwise never */
    }
}

static const hf_transport_ops_t broker_ops = {b_connect, b_send, b_recv, b_close, b_watch};

static hf_notify_t N;
#define SEED 999u

static void setup(void **state, const char *device, bool ha, uint16_t keepalive_s) {
    hft_start(hft_state_epoch(state));
    memset(&B, 0, sizeof B);
    B.base.ops = &broker_ops;
    B.puback = B.pingresp = true;
    B.drop_after_publish = -1;
    memset(&N, 0, sizeof N);
    hf_notify_cfg_t cfg = {.transport = &B.base,
                           .host = "broker",
                           .path = "/home/porch",
                           .device = device,
                           .boot_id = 77u,
                           .seed = SEED,
                           .protocol = HF_NOTIFY_MQTT,
                           .ha_discovery = ha,
                           .keepalive_s = keepalive_s,
                           .topic = "home/porch"};
    assert_true(hf_notify_start(&N, &cfg, hf_now_ms()));
}

static void line_is(unsigned k, const char *text, bool is_log) {
    const hft_lines_t *l = hft_lines();
    if (k >= l->n || strcmp(l->line[k].text, text) != 0 || l->line[k].is_log != is_log) {
        fail_msg("line %u: '%s', expected '%s'", k, k < l->n ? l->line[k].text : "(none)", text);
    }
}

/* PUBLISH k: its flags, topic and payload. */
static void publish_is(unsigned k, uint8_t flags, const char *topic, uint16_t id,
                       const char *payload) {
    assert_true(k < B.n_pkts);
    const sent_t *s = &B.pkts[k];
    assert_int_equal(s->first, 0x30u | flags);
    size_t tl = (size_t)(s->body[0] << 8 | s->body[1]);
    assert_int_equal(tl, strlen(topic));
    assert_memory_equal(s->body + 2, topic, tl);
    size_t at = 2u + tl;
    if (flags & 0x02u) {
        assert_int_equal(s->body[at] << 8 | s->body[at + 1], id);
        at += 2;
    }
    if (payload != NULL) {
        assert_int_equal(s->len - at, strlen(payload));
        assert_memory_equal(s->body + at, payload, s->len - at);
    }
}

static const char *body(uint32_t seq, uint32_t count, uint32_t uptime) {
    static char b[200];
    snprintf(b, sizeof b,
             "{\"device\":\"porch\",\"boot\":77,\"seq\":%lu,\"event\":\"press\",\"count\":%lu,"
             "\"uptime_ms\":%lu,\"missed\":0}",
             (unsigned long)seq, (unsigned long)count, (unsigned long)uptime);
    return b;
}

static uint32_t backoff(uint32_t failures, uint32_t *rng) {
    return hf_notify_backoff_ms(failures, rng);
}

/* ---- the client ----------------------------------------------------------------------------- */

static void test_session(void **state) {
    setup(state, "porch", false, 10);
    hft_run_ms(1000);
    /* CONNECT: client id, keepalive, the retained will on the status topic; then online */
    assert_int_equal(B.n_pkts, 2);
    assert_int_equal(B.pkts[0].first, 0x10);
    assert_int_equal(B.pkts[0].body[7], 0x2C); /* will, QoS 1, retained; session kept */
    assert_int_equal(B.pkts[0].body[9], 10);
    assert_memory_equal(B.pkts[0].body + 10, "\0\5porch\0\x11home/porch/status\0\7offline", 35);
    publish_is(1, 0x01, "home/porch/status", 0, "online");
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 2, hf_now_ms()));
    hft_run_ms(1001);
    publish_is(2, 0x02, "home/porch", 1, body(1, 1, 1000));
    publish_is(3, 0x02, "home/porch", 2, body(2, 2, 1000));
    assert_int_equal(hf_notify_delivered(&N), 2);
    assert_int_equal(hf_notify_pending(&N), 0);
    line_is(0, "Notify sent seq=1", false);
    line_is(1, "Notify sent seq=2", false);
    assert_int_equal(hft_lines()->n, 2);
    assert_int_equal(B.n_conn, 1);
}

/* PINGREQ exactly a keepalive after the last packet sent; no PINGRESP drops the connection. */
static void test_keepalive(void **state) {
    setup(state, "porch", false, 10);
    hft_run_ms(25000);
    assert_int_equal(B.n_pkts, 4); /* CONNECT, online, PINGREQ at 10 s and at 20 s */
    assert_int_equal(B.pkts[2].first, 0xC0);
    assert_int_equal(B.pkts[2].t_us, 10000000u);
    assert_int_equal(B.pkts[3].t_us, 20000000u);
    /* an event resets the keepalive's count */
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(36000);
    assert_int_equal(B.pkts[4].t_us, 25000000u);
    assert_int_equal(B.pkts[5].first, 0xC0);
    assert_int_equal(B.pkts[5].t_us, 35000000u);
    /* the broker stops answering pings: dropped after the response time-out, reconnected */
    B.pingresp = false;
    hft_run_ms(52000);
    assert_int_equal(B.pkts[6].t_us, 45000000u);
    uint32_t rng = SEED, d = backoff(1, &rng);
    char want[96];
    snprintf(want, sizeof want, "Notify reconnect in %lu ms: no PINGRESP within 5000 ms",
             (unsigned long)d);
    line_is(1, want, true);
    assert_int_equal(hft_lines()->line[1].t_us, 50000000u);
    assert_int_equal(B.n_conn, 2);
    assert_int_equal(B.pkts[7].first, 0x10);
    assert_int_equal(B.pkts[7].t_us, 50000000u + d * 1000u);
}

/* A PUBLISH without its PUBACK goes again with DUP, same identifier and body, before newer
 * events; the missed count it carried stays. */
static void test_dup_resend(void **state) {
    setup(state, "porch", false, 60);
    B.drop_after_publish = 0; /* the broker goes away at the first PUBLISH */
    hft_run_ms(1000);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    hft_run_ms(1100);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 2, hf_now_ms()));
    B.drop_after_publish = -1;
    hft_run_ms(3000);
    uint32_t rng = SEED, d = backoff(1, &rng);
    char want[96];
    snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: connection closed by the broker",
             (unsigned long)d);
    line_is(0, want, true);
    line_is(1, "Notify resend seq=1 with DUP", true);
    line_is(2, "Notify sent seq=1", false);
    line_is(3, "Notify sent seq=2", false);
    /* connection 1: CONNECT, online, PUBLISH id 1; connection 2: CONNECT, online, DUP, id 2 */
    publish_is(2, 0x02, "home/porch", 1, body(1, 1, 1000));
    assert_int_equal(B.pkts[3].first, 0x10);
    assert_int_equal(B.pkts[3].conn, 2);
    publish_is(5, 0x0A, "home/porch", 1, body(1, 1, 1000));
    publish_is(6, 0x02, "home/porch", 2, body(2, 2, 1100));
    assert_int_equal(hf_notify_dup_resends(&N), 1);
    assert_int_equal(hf_notify_delivered(&N), 2);
}

static void test_puback_timeout_and_refusal(void **state) {
    setup(state, "porch", false, 60);
    B.puback = false;
    hft_run_ms(1000);
    assert_true(hf_notify_post(&N, HF_NOTIFY_PRESS, 1, hf_now_ms()));
    B.connack_rc = HF_MQTT_REFUSED_AUTHORIZED;
    hft_run_ms(6500);
    uint32_t rng = SEED, d1 = backoff(1, &rng), d2 = backoff(2, &rng);
    char want[96];
    snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: no PUBACK within 5000 ms",
             (unsigned long)d1);
    line_is(0, want, true);
    assert_int_equal(hft_lines()->line[0].t_us, 6000000u);
    snprintf(want, sizeof want, "Notify retry seq=1 in %lu ms: CONNACK: not authorized",
             (unsigned long)d2);
    line_is(1, want, true);
    assert_int_equal(hf_notify_delivered(&N), 0);
    assert_int_equal(hf_notify_pending(&N), 1);
}

static void test_ha_discovery(void **state) {
    setup(state, "porch.1", true, 60);
    hft_run_ms(100);
    assert_int_equal(B.n_pkts, 4);
    publish_is(1, 0x01, "home/porch/status", 0, "online");
    publish_is(2, 0x01, "homeassistant/event/porch_1/press/config", 0,
               "{\"name\":\"Button\",\"unique_id\":\"porch_1_press\",\"event_types\":[\"press\","
               "\"reset\",\"long_press\"],\"value_template\":\"{{ {'event_type': "
               "value_json.event} | tojson }}\",\"state_topic\":\"home/porch\","
               "\"availability_topic\":\"home/porch/status\",\"device\":{\"identifiers\":["
               "\"handoff_porch_1\"],\"name\":\"porch.1\",\"manufacturer\":\"handoff\","
               "\"model\":\"handoff notify\"}}");
    publish_is(3, 0x01, "homeassistant/sensor/porch_1/count/config", 0, NULL);
    const sent_t *s = &B.pkts[3];
    char text[700];
    memcpy(text, s->body, s->len);
    text[s->len] = '\0';
    assert_non_null(strstr(text + 43, "\"unique_id\":\"porch_1_count\",\"state_class\":"
                                      "\"total_increasing\",\"value_template\":\"{{ "
                                      "value_json.count }}\",\"state_topic\":\"home/porch\""));
}

static void test_start_checks(void **state) {
    setup(state, "porch", false, 60);
    hf_notify_stop(&N);
    hf_notify_cfg_t cfg = N.cfg;
    static hf_notify_t M;
    cfg.topic = "a/+";
    assert_false(hf_notify_start(&M, &cfg, 0));
    cfg.topic = "a\"b";
    assert_false(hf_notify_start(&M, &cfg, 0));
    cfg.topic = "ok";
    cfg.token = "secret"; /* only for HTTP */
    assert_false(hf_notify_start(&M, &cfg, 0));
    cfg.token = NULL;
    cfg.keepalive_s = HF_NOTIFY_KEEPALIVE_MAX_S + 1u;
    assert_false(hf_notify_start(&M, &cfg, 0));
    cfg.keepalive_s = 0;
    static char long_topic[HF_HTTP_PATH_MAX + 1];
    memset(long_topic, 't', sizeof long_topic - 1u);
    cfg.topic = long_topic; /* the longest topic with the longest device name: the discovery
                               configs, which name both several times, still fit the default
                               HF_CFG_NOTIFY_REQUEST_MAX */
    cfg.device = "d0123456789012345678901234567890";
    cfg.ha_discovery = true;
    assert_true(hf_notify_start(&M, &cfg, 0));
    hf_notify_stop(&M);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_bytes),
        cmocka_unit_test(test_publish_bytes),
        cmocka_unit_test(test_remaining_length),
        cmocka_unit_test(test_decode_splits),
        cmocka_unit_test(test_decode_bad),
        HFT_AT_EPOCH(test_session, 0),
        HFT_AT_EPOCH(test_session, 1),
        HFT_AT_EPOCH(test_keepalive, 0),
        HFT_AT_EPOCH(test_keepalive, 1),
        HFT_AT_EPOCH(test_dup_resend, 0),
        HFT_AT_EPOCH(test_dup_resend, 1),
        HFT_AT_EPOCH(test_puback_timeout_and_refusal, 0),
        HFT_AT_EPOCH(test_puback_timeout_and_refusal, 1),
        HFT_AT_EPOCH(test_ha_discovery, 0),
        cmocka_unit_test(test_start_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
