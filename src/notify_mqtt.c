/* Notifications over MQTT 3.1.1: one kept connection, QoS 1 PUBLISH per event from the outbox,
 * DUP resends after a reconnect, keepalive pings, the status topic and Home Assistant
 * discovery. The packets are mqtt.h's. */
#include <stdio.h>
#include <string.h>

#include "notify_internal.h"

enum {
    M_CONNECT = 0, /* the transport connects (TLS included) */
    M_SEND,        /* req is being sent; then after_send */
    M_CONNACK,     /* CONNECT sent, awaiting the CONNACK */
    M_READY,       /* connected: choose what to send next */
    M_PUBACK,      /* the head event's PUBLISH sent, awaiting its PUBACK */
    M_IDLE,        /* nothing to send: await an event, or the keepalive's time for a PINGREQ */
    M_PINGRESP     /* PINGREQ sent, awaiting the PINGRESP */
};

#define STATUS_SUFFIX "/status"
/* Bytes a PUBLISH needs before its payload beyond its topic: the first byte, up to 4 of
 * Remaining Length, 2 of topic length, 2 of packet identifier. */
#define PUBLISH_HEAD 9u
/* receive(): a packet was taken, stepping goes on. */
#define GO_ON 0x200u

/* The topic of the status, of a discovery config, into buf. @return false if it does not fit. */
static bool status_topic(const hf_notify_t *n, char *buf, size_t cap) {
    int r = snprintf(buf, cap, "%s" STATUS_SUFFIX, n->cfg.topic);
    return r > 0 && (size_t)r < cap;
}

/* Home Assistant's node_id: [a-zA-Z0-9_-] (the device name, '.' as '_'). */
static void node_id(const hf_notify_t *n, char *buf, size_t cap) {
    size_t i = 0;
    for (; n->cfg.device[i] != '\0' && i + 1u < cap; i++) {
        buf[i] = n->cfg.device[i] == '.' ? '_' : n->cfg.device[i];
    }
    buf[i] = '\0';
}

/* The PUBLISH of a payload already written at req + PUBLISH_HEAD + strlen(topic), moved into
 * place behind its header. @return its length, or 0 when it does not fit. */
static size_t publish_in_place(hf_notify_t *n, const char *topic, int payload_len, unsigned qos,
                               bool retain, bool dup, uint16_t id) {
    size_t at = PUBLISH_HEAD + strlen(topic);
    if (payload_len < 0 || at + (size_t)payload_len >= sizeof n->req) {
        return 0;
    }
    size_t len = hf_mqtt_build_publish((uint8_t *)n->req, sizeof n->req, topic, n->req + at,
                                       (size_t)payload_len, qos, retain, dup, id);
    n->req_len = (uint16_t)len;
    return len;
}

/* Where a payload is written before publish_in_place(), and the room there. */
#define PAYLOAD_AT(n, topic) ((n)->req + PUBLISH_HEAD + strlen(topic))
#define PAYLOAD_CAP(n, topic)                                                                      \
    (sizeof(n)->req > PUBLISH_HEAD + strlen(topic) ? sizeof(n)->req - PUBLISH_HEAD - strlen(topic) \
                                                   : 0u)

/* Announcement i after the CONNACK into req: 0 `online` on the status topic, then with
 * ha_discovery 1 the event entity's config and 2 the count sensor's. @return its length, or 0
 * when it does not fit. */
static size_t build_announce(hf_notify_t *n, unsigned i) {
    char topic[HF_HTTP_PATH_MAX + sizeof STATUS_SUFFIX + 48u], node[HF_NOTIFY_DEVICE_MAX + 1u];
    if (!status_topic(n, topic, sizeof topic)) {
        return 0;
    }
    if (i == 0u) {
        memcpy(PAYLOAD_AT(n, topic), "online", 6);
        return publish_in_place(n, topic, 6, 0, true, false, 0);
    }
    node_id(n, node, sizeof node);
    char avail[sizeof topic];
    memcpy(avail, topic, sizeof avail);
    snprintf(topic, sizeof topic, "homeassistant/%s/%s/%s/config", i == 1u ? "event" : "sensor",
             node, i == 1u ? "press" : "count");
    const char *entity =
        i == 1u ? "\"event_types\":[\"press\",\"reset\",\"long_press\"],\"value_template\":\"{{ "
                  "{'event_type': value_json.event} | tojson }}\""
                : "\"state_class\":\"total_increasing\",\"value_template\":\"{{ "
                  "value_json.count }}\"";
    int len =
        snprintf(PAYLOAD_AT(n, topic), PAYLOAD_CAP(n, topic),
                 "{\"name\":\"%s\",\"unique_id\":\"%s_%s\",%s,\"state_topic\":\"%s\","
                 "\"availability_topic\":\"%s\",\"device\":{\"identifiers\":[\"handoff_%s\"],"
                 "\"name\":\"%s\",\"manufacturer\":\"handoff\",\"model\":\"handoff notify\"}}",
                 i == 1u ? "Button" : "Press count", node, i == 1u ? "press" : "count", entity,
                 n->cfg.topic, avail, node, n->cfg.device);
    if (len < 0 || (size_t)len >= PAYLOAD_CAP(n, topic)) {
        return 0;
    }
    return publish_in_place(n, topic, len, 0, true, false, 0);
}

static unsigned announcements(const hf_notify_t *n) {
    return n->cfg.ha_discovery ? 3u : 1u;
}

/* The PUBLISH of the head event into req: the first time with a new packet identifier and the
 * missed count of now, afterwards the same again with DUP. */
static size_t build_event(hf_notify_t *n) {
    bool dup = n->p.mqtt.packet_id != 0u;
    if (!dup) {
        n->p.mqtt.next_id =
            (uint16_t)(n->p.mqtt.next_id == UINT16_MAX ? 1u : n->p.mqtt.next_id + 1u);
        n->p.mqtt.packet_id = n->p.mqtt.next_id;
        n->missed_sent = n->missed;
    }
    size_t bl = hf_notify_body(PAYLOAD_AT(n, n->cfg.topic), PAYLOAD_CAP(n, n->cfg.topic),
                               n->cfg.device, n->cfg.boot_id, &n->q[n->head], n->missed_sent);
    return bl == 0u
               ? 0u
               : publish_in_place(n, n->cfg.topic, (int)bl, 1, false, dup, n->p.mqtt.packet_id);
}

static size_t build_connect(hf_notify_t *n) {
    char will[HF_HTTP_PATH_MAX + sizeof STATUS_SUFFIX + 1u];
    if (!status_topic(n, will, sizeof will)) {
        return 0;
    }
    hf_mqtt_connect_t c = {
        .client_id = n->cfg.device,
        .keepalive_s = n->cfg.keepalive_s,
        .clean_session = n->cfg.clean_session,
        .will_topic = will,
        .will_message = "offline",
        .will_qos = 1,
        .will_retain = true,
    };
    size_t len = hf_mqtt_build_connect((uint8_t *)n->req, sizeof n->req, &c);
    n->req_len = (uint16_t)len;
    return len;
}

bool hf__notify_mqtt_check(hf_notify_t *n) {
    static const hf_notify_event_t longest = {UINT32_MAX, UINT32_MAX, UINT64_MAX,
                                              HF_NOTIFY_LONG_PRESS};
    bool ok = build_connect(n) != 0u;
    for (unsigned i = 0; i < announcements(n); i++) {
        ok = ok && build_announce(n, i) != 0u;
    }
    hf_notify_event_t head = n->q[0];
    uint32_t missed = n->missed;
    n->q[0] = longest;
    n->missed = UINT32_MAX;
    n->head = 0;
    n->p.mqtt.packet_id = 0;
    ok = ok && build_event(n) != 0u;
    n->q[0] = head;
    n->missed = missed;
    return ok;
}

/* ---- the connection's steps ----------------------------------------------------------------- */

static void start_send(hf_notify_t *n, uint8_t after) {
    n->req_sent = 0;
    n->p.mqtt.after_send = after;
    n->phase = M_SEND;
    hf__notify_deadline(n, n->cfg.response_ms);
}

/* The idle phase: its deadline is the keepalive's, counted from the last packet sent. */
static void go_idle(hf_notify_t *n) {
    n->phase = M_IDLE;
    n->deadline = hf_ticks_add(n->p.mqtt.last_tx, (int32_t)(n->cfg.keepalive_s * 1000000u));
}

/* Connected: the next announcement, else the head event, else idle. */
static void next_packet(hf_notify_t *n) {
    if (n->p.mqtt.announce < announcements(n)) {
        (void)build_announce(n, n->p.mqtt.announce++); /* fits: checked at start */
        start_send(n, M_READY);
    } else if (n->n > 0u) {
        if (n->p.mqtt.packet_id != 0u) {
            n->dup_resends++;
            hf_log("Notify resend seq=%lu with DUP", (unsigned long)n->q[n->head].seq);
        }
        (void)build_event(n);
        start_send(n, M_PUBACK);
    } else {
        go_idle(n);
    }
}

/* A packet from the broker. @return false when it ends the connection (reason set). */
static bool on_packet(hf_notify_t *n) {
    const hf_mqtt_parser_t *p = &n->p.mqtt.parser;
    if (p->type == HF_MQTT_CONNACK) {
        if (n->phase != M_CONNACK) {
            hf__notify_reason(n, "bad reply: a second CONNACK");
            return false;
        }
        if (p->connack_rc != HF_MQTT_ACCEPTED) {
            hf__notify_reason(n, "CONNACK: %s", hf_mqtt_connack_reason(p->connack_rc));
            return false;
        }
        n->phase = M_READY;
    } else if (p->type == HF_MQTT_PUBACK) {
        if (n->phase == M_PUBACK && p->packet_id == n->p.mqtt.packet_id) {
            n->missed -= n->missed_sent;
            n->delivered++;
            hf_print("Notify sent seq=%lu", (unsigned long)n->q[n->head].seq);
            n->p.mqtt.packet_id = 0;
            hf__notify_pop(n);
            n->phase = M_READY;
        } /* else the PUBACK of an earlier connection's send: nothing waits for it */
    } else if (n->phase == M_PINGRESP) { /* PINGRESP */
        n->failures = 0;
        n->phase = M_READY;
    }
    return true;
}

/* Read and decode what the broker sent. @return what to wait for, 0 when the connection is
 * over (reason set), HF__NOTIFY_STEP_MORE when other tasks go first, or GO_ON. */
static unsigned receive(hf_notify_t *n, unsigned *reads) {
    hf_transport_t *t = n->cfg.transport;
    uint8_t buf[64];
    if ((*reads)++ == HF_CFG_NOTIFY_READS_PER_STEP) {
        return HF__NOTIFY_STEP_MORE;
    }
    int32_t r = t->ops->recv(t, buf, sizeof buf);
    if (r == HF_NET_AGAIN) {
        return HF_NET_WANT_READ;
    }
    if (r < 0) {
        return hf__notify_net_failed(n, r);
    }
    if (r == 0) {
        hf__notify_reason(n, "connection closed by the broker");
        return 0;
    }
    for (size_t at = 0, used; at < (size_t)r; at += used) {
        hf_mqtt_result_t m = hf_mqtt_parse(&n->p.mqtt.parser, buf + at, (size_t)r - at, &used);
        if (m == HF_MQTT_BAD) {
            hf__notify_reason(n, "bad reply: %s", n->p.mqtt.parser.error);
            return 0;
        }
        if (m == HF_MQTT_PACKET && !on_packet(n)) {
            return 0;
        }
    }
    return GO_ON;
}

/* Do every step that can be done now. @return what to wait for (HF_NET_WANT_*),
 * HF__NOTIFY_STEP_MORE, or 0 when the connection is over: n->reason says why. */
static unsigned mqtt_step(hf_notify_t *n) {
    hf_transport_t *t = n->cfg.transport;
    for (unsigned reads = 0;;) {
        int32_t r;
        unsigned w;
        switch (n->phase) {
        case M_CONNECT:
            r = t->ops->connect(t);
            if (r == HF_NET_AGAIN) {
                return HF_NET_WANT_WRITE;
            }
            if (r < 0) {
                return hf__notify_net_failed(n, r);
            }
            (void)build_connect(n); /* fits: checked at start */
            start_send(n, M_CONNACK);
            break;
        case M_SEND:
            w = hf__notify_send_more(n);
            if (w == HF__NOTIFY_SENT) {
                n->p.mqtt.last_tx = hf_now_us();
                n->phase = n->p.mqtt.after_send; /* waits keep the send's deadline */
            } else if (w != HF__NOTIFY_STEP_MORE) {
                return w;
            }
            break;
        case M_READY:
            next_packet(n);
            break;
        default: /* M_CONNACK, M_PUBACK, M_IDLE, M_PINGRESP: read */
            if (n->phase == M_IDLE && n->n > 0u) {
                n->phase = M_READY;
                break;
            }
            w = receive(n, &reads);
            if (w != GO_ON) {
                return w;
            }
            break;
        }
    }
}

/* The phase's deadline passed. @return true when that is the keepalive's time (a PINGREQ goes
 * out), false when the connection is over (reason set). */
static bool mqtt_deadline(hf_notify_t *n) {
    static const char *const awaited[] = {
        [M_CONNACK] = "CONNACK", [M_PUBACK] = "PUBACK", [M_PINGRESP] = "PINGRESP"};
    if (n->phase == M_IDLE) {
        n->req_len = (uint16_t)hf_mqtt_build_pingreq((uint8_t *)n->req, sizeof n->req);
        start_send(n, M_PINGRESP);
        return true;
    }
    if (n->phase == M_CONNECT) {
        hf__notify_reason(n, "no connection within %lu ms", (unsigned long)n->cfg.connect_ms);
    } else if (n->phase == M_SEND) {
        hf__notify_reason(n, "could not send within %lu ms", (unsigned long)n->cfg.response_ms);
    } else {
        hf__notify_reason(n, "no %s within %lu ms", awaited[n->phase],
                          (unsigned long)n->cfg.response_ms);
    }
    return false;
}

int hf__notify_mqtt_task(hf_task_t *self) {
    hf_notify_t *n = (hf_notify_t *)self;
    hf_transport_t *t = n->cfg.transport;
    unsigned want;
    HF_TASK_BEGIN(self);
    for (;;) {
        n->phase = M_CONNECT;
        n->reason[0] = '\0';
        n->p.mqtt.announce = 0;
        hf_mqtt_parser_init(&n->p.mqtt.parser);
        hf_flag_clear(&t->ready);
        hf__notify_deadline(n, n->cfg.connect_ms);
        while ((want = mqtt_step(n)) != 0u) {
            if (want == HF__NOTIFY_STEP_MORE) {
                HF_YIELD();
            } else {
                t->ops->watch(t, want);
                HF_AWAIT_UNTIL_TICK_US(hf_flag_take(&t->ready) || (n->phase == M_IDLE && n->n > 0u),
                                       n->deadline);
            }
            (void)hf__notify_uptime(n, hf_now_ms());
            if (hf_ticks_reached(hf_now_us(), n->deadline) && !mqtt_deadline(n)) {
                break;
            }
        }
        t->ops->close(t);
        hf__notify_backoff(n);
        if (n->n > 0u) {
            hf_log("Notify retry seq=%lu in %lu ms: %s", (unsigned long)n->q[n->head].seq,
                   (unsigned long)n->delay_ms, n->reason);
        } else {
            hf_log("Notify reconnect in %lu ms: %s", (unsigned long)n->delay_ms, n->reason);
        }
        HF_AWAIT_MS(n->delay_ms);
    }
    HF_FINALLY;
    t->ops->close(t);
    HF_TASK_END();
}
