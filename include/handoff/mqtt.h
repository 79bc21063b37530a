/**
 * @file mqtt.h
 * @brief A sans-I/O MQTT 3.1.1 client codec (OASIS standard, 29 October 2014): builders for
 *        the packets a publishing client sends (CONNECT, PUBLISH, PINGREQ, DISCONNECT) and an
 *        incremental decoder for what a server sends it (CONNACK, PUBACK, PINGRESP). No
 *        sockets, no clock, no heap: bytes in, results out, like http.h.
 *
 * The decoder takes the server's bytes split anywhere (one at a time, or all at once) and
 * reaches the same packets. A client that never subscribes receives nothing else: any other
 * packet type, a reserved flag bit set (section 2.2.2), a remaining length other than the
 * packet's (section 3), a Remaining Length field longer than 4 bytes (section 2.2.3), a
 * CONNACK with an unknown return code or a session present with a refusal (section 3.2.2),
 * or a PUBACK for packet identifier 0 (section 2.3.1) ends the decode with HF_MQTT_BAD and a
 * reason naming the place; the client then closes the connection, as the standard asks.
 *
 * All functions are pure and loop only (not @isr_ok).
 */
#ifndef HANDOFF_MQTT_H
#define HANDOFF_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Control packet types (section 2.2.1). */
typedef enum {
    HF_MQTT_CONNECT = 1,
    HF_MQTT_CONNACK = 2,
    HF_MQTT_PUBLISH = 3,
    HF_MQTT_PUBACK = 4,
    HF_MQTT_PINGREQ = 12,
    HF_MQTT_PINGRESP = 13,
    HF_MQTT_DISCONNECT = 14
} hf_mqtt_type_t;

/** CONNACK return codes (section 3.2.2.3): 0 accepts, 1..5 refuse. */
typedef enum {
    HF_MQTT_ACCEPTED = 0,
    HF_MQTT_REFUSED_VERSION = 1,     /**< unacceptable protocol version */
    HF_MQTT_REFUSED_IDENTIFIER = 2,  /**< identifier rejected */
    HF_MQTT_REFUSED_UNAVAILABLE = 3, /**< server unavailable */
    HF_MQTT_REFUSED_CREDENTIALS = 4, /**< bad user name or password */
    HF_MQTT_REFUSED_AUTHORIZED = 5   /**< not authorized */
} hf_mqtt_connack_rc_t;

/** What a CONNECT carries (section 3.1). Strings are NUL-terminated UTF-8 of at most 65535
 * bytes; NULL leaves an optional one out. */
typedef struct {
    const char *client_id;  /**< 1..23 bytes of [0-9a-zA-Z] is what every server must take;
                                 mosquitto takes up to 65535 of any UTF-8 */
    uint16_t keepalive_s;   /**< seconds; 0 turns the keepalive off */
    bool clean_session;     /**< true: the server forgets the session when it ends */
    const char *will_topic; /**< the last will's topic, or NULL for none */
    const char *will_message;
    uint8_t will_qos; /**< 0..2 */
    bool will_retain;
    const char *username; /**< or NULL */
    const char *password; /**< or NULL (needs a username, section 3.1.2.9) */
} hf_mqtt_connect_t;

/**
 * Build a CONNECT packet (protocol level 4, "MQTT") into @p buf.
 * @return its length, or 0 when it does not fit @p cap, a string is too long, will_qos is
 *         over 2, or a password comes without a username.
 */
size_t hf_mqtt_build_connect(uint8_t *buf, size_t cap, const hf_mqtt_connect_t *c);

/**
 * Build a PUBLISH packet into @p buf.
 * @param topic     the topic name, 1..65535 bytes, no wildcard (the caller checks)
 * @param qos       0 or 1 (2 is not supported by this client)
 * @param dup       true on a re-delivery of a QoS 1 message (section 3.3.1.1); false for QoS 0
 * @param packet_id 1..65535 for QoS 1, ignored for QoS 0
 * @param payload   may lie in @p buf itself at offset 9 + strlen(topic) or later (a payload
 *                  built in place: it is moved back behind the header)
 * @return its length, or 0 when it does not fit @p cap or an argument is out of range.
 */
size_t hf_mqtt_build_publish(uint8_t *buf, size_t cap, const char *topic, const void *payload,
                             size_t payload_len, unsigned qos, bool retain, bool dup,
                             uint16_t packet_id);

/** Build a PINGREQ (2 bytes). @return 2, or 0 when @p cap is less. */
size_t hf_mqtt_build_pingreq(uint8_t *buf, size_t cap);

/** Build a DISCONNECT (2 bytes): a clean end, the server then drops the last will.
 * @return 2, or 0 when @p cap is less. */
size_t hf_mqtt_build_disconnect(uint8_t *buf, size_t cap);

/** Result of feeding the decoder. */
typedef enum {
    HF_MQTT_MORE = 0,   /**< no complete packet yet: feed more */
    HF_MQTT_PACKET = 1, /**< a packet is complete: see type and its fields */
    HF_MQTT_BAD = -1    /**< malformed or unexpected: see error; the decoder stays so */
} hf_mqtt_result_t;

/** The decoder of a server's packets: 20 bytes on a 32-bit core. type, connack_rc,
 * session_present, packet_id and error are public; treat the other fields as private. */
typedef struct {
    uint8_t type;         /**< after HF_MQTT_PACKET: CONNACK, PUBACK or PINGRESP */
    uint8_t connack_rc;   /**< CONNACK: hf_mqtt_connack_rc_t */
    bool session_present; /**< CONNACK: the server had a session for this client */
    uint16_t packet_id;   /**< PUBACK: the acknowledged packet identifier */
    const char *error;    /**< with HF_MQTT_BAD: what was wrong (a static string) */
    uint32_t remain;      /* bytes of the Remaining Length (while reading it: the value) */
    uint8_t state;        /* HF__MQTT_* */
    uint8_t shift;        /* Remaining Length: bytes of it read so far */
    uint8_t got;          /* bytes of the variable header read */
    uint8_t var[2];       /* the variable header */
} hf_mqtt_parser_t;

/** Start decoding a new connection's packets. */
void hf_mqtt_parser_init(hf_mqtt_parser_t *p);

/**
 * Feed @p len bytes from the server.
 * @param used receives how many were consumed: up to the end of the packet completed
 *             (HF_MQTT_PACKET: feed the rest again), all of them (HF_MQTT_MORE), or up to the
 *             bad byte (HF_MQTT_BAD).
 * @return HF_MQTT_MORE, HF_MQTT_PACKET (the next call starts a new packet) or HF_MQTT_BAD
 *         (again on every later call, until hf_mqtt_parser_init()).
 */
hf_mqtt_result_t hf_mqtt_parse(hf_mqtt_parser_t *p, const void *data, size_t len, size_t *used);

/** @return a CONNACK return code's meaning ("not authorized", ...), "unknown" past 5. */
const char *hf_mqtt_connack_reason(unsigned rc);

/* ---- internal ------------------------------------------------------------------------------- */

enum { HF__MQTT_TYPE = 0, HF__MQTT_LENGTH, HF__MQTT_BODY, HF__MQTT_BAD };

#endif
