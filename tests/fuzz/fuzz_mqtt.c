/* libFuzzer target: the MQTT decoder (mqtt.h) on any bytes from a server.
 *
 * The bytes are decoded whole, split in two at every point (inputs up to 128 bytes), and one
 * byte at a time. Each way must give the same packets (type, return code, session present,
 * packet identifier), the same end (more, or bad with the same reason) after the same number
 * of bytes, stay within its buffers (ASan) and defined behaviour (UBSan), never consume more
 * than it was given, and give a reason with every error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handoff/mqtt.h"

#define MAX_PACKETS 64

typedef struct {
    hf_mqtt_result_t end;
    const char *error;
    size_t used, n;
    uint32_t packets[MAX_PACKETS]; /* type, rc, session present and identifier, packed */
} outcome_t;

static void feed(hf_mqtt_parser_t *p, outcome_t *o, const uint8_t *d, size_t len) {
    size_t at = 0;
    while (at < len && o->end != HF_MQTT_BAD) {
        size_t used = SIZE_MAX;
        hf_mqtt_result_t r = hf_mqtt_parse(p, d + at, len - at, &used);
        if (used > len - at || (r == HF_MQTT_MORE && used != len - at) ||
            (r == HF_MQTT_PACKET && used == 0)) {
            abort();
        }
        at += used;
        o->used += used;
        if (r == HF_MQTT_PACKET) {
            if (p->type != HF_MQTT_CONNACK && p->type != HF_MQTT_PUBACK &&
                p->type != HF_MQTT_PINGRESP) {
                abort();
            }
            if (o->n < MAX_PACKETS) {
                o->packets[o->n] = (uint32_t)p->type << 24 | (uint32_t)p->connack_rc << 20 |
                                   (uint32_t)p->session_present << 16 | p->packet_id;
            }
            o->n++;
        } else if (r == HF_MQTT_BAD) {
            o->end = HF_MQTT_BAD;
            o->error = p->error;
            if (o->error == NULL || o->error[0] == '\0') {
                abort();
            }
        }
    }
}

static outcome_t decode(const uint8_t *d, size_t size, size_t cut, size_t step) {
    hf_mqtt_parser_t p;
    hf_mqtt_parser_init(&p);
    outcome_t o;
    memset(&o, 0, sizeof o);
    o.end = HF_MQTT_MORE;
    if (step != 0) {
        for (size_t at = 0; at < size; at += step) {
            feed(&p, &o, d + at, size - at < step ? size - at : step);
        }
    } else {
        feed(&p, &o, d, cut);
        feed(&p, &o, d + cut, size - cut);
    }
    return o;
}

static void same(const outcome_t *a, const outcome_t *b) {
    size_t n = a->n < MAX_PACKETS ? a->n : MAX_PACKETS;
    if (a->end != b->end || a->error != b->error || a->used != b->used || a->n != b->n ||
        memcmp(a->packets, b->packets, n * sizeof a->packets[0]) != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    outcome_t whole = decode(data, size, size, 0);
    if (size <= 128) {
        for (size_t cut = 0; cut <= size; cut++) {
            outcome_t split = decode(data, size, cut, 0);
            same(&whole, &split);
        }
    }
    outcome_t bytes = decode(data, size, 0, 1);
    same(&whole, &bytes);
    return 0;
}
