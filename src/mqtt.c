/* MQTT 3.1.1 client codec: packet builders and the decoder of a server's packets. */
#include "handoff/mqtt.h"

#include <string.h>

/* ---- builders ------------------------------------------------------------------------------- */

/* A packet being written: pos runs past cap when it does not fit (then nothing more is
 * written, and the builder returns 0). */
typedef struct {
    uint8_t *buf;
    size_t cap, pos;
} out_t;

static void put(out_t *o, const void *data, size_t len) {
    if (len <= o->cap && o->pos <= o->cap - len) {
        memmove(o->buf + o->pos, data, len); /* a payload may be built in place */
    }
    o->pos = o->pos + len < o->pos ? SIZE_MAX : o->pos + len;
}

static void put_u8(out_t *o, unsigned v) {
    uint8_t b = (uint8_t)v;
    put(o, &b, 1);
}

static void put_u16(out_t *o, unsigned v) {
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(o, b, 2);
}

/* A UTF-8 string: two length bytes, then the bytes (section 1.5.3). */
static bool put_str(out_t *o, const char *s) {
    size_t n = strlen(s);
    if (n > UINT16_MAX) {
        return false;
    }
    put_u16(o, (unsigned)n);
    put(o, s, n);
    return true;
}

/* The fixed header: the first byte and the Remaining Length (section 2.2.3), at most 4 bytes
 * for up to 268435455. */
static bool put_header(out_t *o, unsigned first, size_t remaining) {
    if (remaining > 268435455u) {
        return false;
    }
    put_u8(o, first);
    do {
        unsigned b = (unsigned)(remaining % 128u);
        remaining /= 128u;
        put_u8(o, remaining > 0u ? b | 0x80u : b);
    } while (remaining > 0u);
    return true;
}

static size_t finish(const out_t *o) {
    return o->pos <= o->cap ? o->pos : 0u;
}

size_t hf_mqtt_build_connect(uint8_t *buf, size_t cap, const hf_mqtt_connect_t *c) {
    bool will = c->will_topic != NULL;
    if (c->client_id == NULL || c->will_qos > 2u || (c->password != NULL && c->username == NULL) ||
        (will && c->will_message == NULL)) {
        return 0;
    }
    /* the variable header: "MQTT", level 4, flags, keepalive (section 3.1.2) */
    size_t remaining = 10u + 2u + strlen(c->client_id);
    if (will) {
        remaining += 4u + strlen(c->will_topic) + strlen(c->will_message);
    }
    remaining += c->username != NULL ? 2u + strlen(c->username) : 0u;
    remaining += c->password != NULL ? 2u + strlen(c->password) : 0u;
    unsigned flags =
        (c->clean_session ? 0x02u : 0u) |
        (will ? 0x04u | (unsigned)c->will_qos << 3 | (c->will_retain ? 0x20u : 0u) : 0u) |
        (c->password != NULL ? 0x40u : 0u) | (c->username != NULL ? 0x80u : 0u);
    out_t o = {buf, cap, 0};
    bool ok = put_header(&o, HF_MQTT_CONNECT << 4, remaining) && put_str(&o, "MQTT");
    put_u8(&o, 4u);
    put_u8(&o, flags);
    put_u16(&o, c->keepalive_s);
    ok = ok && put_str(&o, c->client_id);
    if (will) {
        ok = ok && put_str(&o, c->will_topic) && put_str(&o, c->will_message);
    }
    ok = ok && (c->username == NULL || put_str(&o, c->username));
    ok = ok && (c->password == NULL || put_str(&o, c->password));
    return ok ? finish(&o) : 0u;
}

size_t hf_mqtt_build_publish(uint8_t *buf, size_t cap, const char *topic, const void *payload,
                             size_t payload_len, unsigned qos, bool retain, bool dup,
                             uint16_t packet_id) {
    size_t tl = strlen(topic);
    if (qos > 1u || tl == 0u || (qos == 1u && packet_id == 0u) || (qos == 0u && dup) ||
        payload_len > 268435455u) {
        return 0;
    }
    size_t remaining = 2u + tl + (qos > 0u ? 2u : 0u) + payload_len;
    unsigned first = HF_MQTT_PUBLISH << 4 | (dup ? 0x08u : 0u) | qos << 1 | (retain ? 1u : 0u);
    out_t o = {buf, cap, 0};
    if (!put_header(&o, first, remaining) || !put_str(&o, topic)) {
        return 0;
    }
    if (qos > 0u) {
        put_u16(&o, packet_id);
    }
    put(&o, payload, payload_len);
    return finish(&o);
}

static size_t build_empty(uint8_t *buf, size_t cap, unsigned type) {
    if (cap < 2u) {
        return 0;
    }
    buf[0] = (uint8_t)(type << 4);
    buf[1] = 0;
    return 2;
}

size_t hf_mqtt_build_pingreq(uint8_t *buf, size_t cap) {
    return build_empty(buf, cap, HF_MQTT_PINGREQ);
}

size_t hf_mqtt_build_disconnect(uint8_t *buf, size_t cap) {
    return build_empty(buf, cap, HF_MQTT_DISCONNECT);
}

/* ---- decoder -------------------------------------------------------------------------------- */

static const char *const connack_reasons[] = {
    "accepted",           "unacceptable protocol version", "identifier rejected",
    "server unavailable", "bad user name or password",     "not authorized"};

const char *hf_mqtt_connack_reason(unsigned rc) {
    return rc < sizeof connack_reasons / sizeof connack_reasons[0] ? connack_reasons[rc]
                                                                   : "unknown";
}

void hf_mqtt_parser_init(hf_mqtt_parser_t *p) {
    memset(p, 0, sizeof *p);
    p->state = HF__MQTT_TYPE;
}

static hf_mqtt_result_t bad(hf_mqtt_parser_t *p, const char *why) {
    p->state = HF__MQTT_BAD;
    p->error = why;
    return HF_MQTT_BAD;
}

/* The first byte of a packet: one the server may send this client, with its flags 0. */
static hf_mqtt_result_t on_type(hf_mqtt_parser_t *p, uint8_t b) {
    unsigned type = b >> 4;
    if (type == 0u || type == 15u) {
        return bad(p, "fixed header: reserved packet type");
    }
    if (type != HF_MQTT_CONNACK && type != HF_MQTT_PUBACK && type != HF_MQTT_PINGRESP) {
        return bad(p, "fixed header: a packet type a server does not send to a publisher");
    }
    if ((b & 0x0Fu) != 0u) {
        return bad(p, "fixed header: reserved flags set");
    }
    p->type = (uint8_t)type;
    p->connack_rc = 0;
    p->session_present = false;
    p->packet_id = 0;
    p->remain = 0;
    p->shift = 0;
    p->got = 0;
    p->state = HF__MQTT_LENGTH;
    return HF_MQTT_MORE;
}

/* The packet's body is in var[]: check it and fill the public fields. */
static hf_mqtt_result_t complete(hf_mqtt_parser_t *p) {
    p->state = HF__MQTT_TYPE;
    if (p->type == HF_MQTT_CONNACK) {
        if ((p->var[0] & 0xFEu) != 0u) {
            return bad(p, "CONNACK: reserved acknowledge flags set");
        }
        if (p->var[1] > HF_MQTT_REFUSED_AUTHORIZED) {
            return bad(p, "CONNACK: unknown return code");
        }
        if (p->var[1] != HF_MQTT_ACCEPTED && (p->var[0] & 1u) != 0u) {
            return bad(p, "CONNACK: session present with a refusal");
        }
        p->session_present = (p->var[0] & 1u) != 0u;
        p->connack_rc = p->var[1];
    } else if (p->type == HF_MQTT_PUBACK) {
        p->packet_id = (uint16_t)(p->var[0] << 8 | p->var[1]);
        if (p->packet_id == 0u) {
            return bad(p, "PUBACK: packet identifier 0");
        }
    }
    return HF_MQTT_PACKET;
}

/* The Remaining Length is known: it must be the packet type's. */
static hf_mqtt_result_t on_length(hf_mqtt_parser_t *p) {
    uint32_t want = p->type == HF_MQTT_PINGRESP ? 0u : 2u;
    if (p->remain != want) {
        return bad(p, p->type == HF_MQTT_CONNACK  ? "CONNACK: remaining length is not 2"
                      : p->type == HF_MQTT_PUBACK ? "PUBACK: remaining length is not 2"
                                                  : "PINGRESP: remaining length is not 0");
    }
    p->state = HF__MQTT_BODY;
    return want == 0u ? complete(p) : HF_MQTT_MORE;
}

hf_mqtt_result_t hf_mqtt_parse(hf_mqtt_parser_t *p, const void *data, size_t len, size_t *used) {
    const uint8_t *d = data;
    size_t i = 0;
    hf_mqtt_result_t r = p->state == HF__MQTT_BAD ? HF_MQTT_BAD : HF_MQTT_MORE;
    while (r == HF_MQTT_MORE && i < len) {
        uint8_t b = d[i++];
        switch (p->state) {
        case HF__MQTT_TYPE:
            r = on_type(p, b);
            break;
        case HF__MQTT_LENGTH:
            p->remain |= (uint32_t)(b & 0x7Fu) << (7u * p->shift);
            if ((b & 0x80u) == 0u) {
                r = on_length(p);
            } else if (++p->shift == 4u) {
                r = bad(p, "fixed header: remaining length longer than 4 bytes");
            }
            break;
        default: /* HF__MQTT_BODY */
            p->var[p->got++] = b;
            if (p->got == p->remain) {
                r = complete(p);
            }
            break;
        }
    }
    if (r == HF_MQTT_BAD && i > 0u) {
        i--; /* the bad byte is not consumed */
    }
    *used = i;
    return r;
}
