/**
 * @file notify.h
 * @brief Notifications over HTTP or MQTT: each event (a press, a reset, a long press) goes
 *        into a fixed outbox and a task delivers them one at a time, in order, retrying with
 *        exponential backoff, over a transport that POSIX sockets, lwIP and a TLS layer all
 *        fit. The LED never waits for the network: nothing here blocks.
 *
 * HTTP (cfg.protocol HF_NOTIFY_HTTP): one POST per event, `Connection: close`, with
 * `Authorization: Bearer TOKEN` when cfg.token is set.
 *
 * Delivery rules, per event, oldest first, one request in flight:
 * - a 2xx reply: delivered (`Notify sent seq=N`);
 * - connection refused or reset, a time-out (connect HF_CFG_NOTIFY_CONNECT_MS, then the whole
 *   reply HF_CFG_NOTIFY_RESPONSE_MS), a malformed reply, 408, 429 or 5xx: retried after a
 *   backoff of 250 ms doubling to 30 s, less a jitter of up to a quarter from a seedable PRNG
 *   (`Notify retry seq=N in M ms: reason`, through hf_log);
 * - any other status: that event is given up (`Notify gave up seq=N: HTTP 404`, hf_log).
 * When the outbox is full a new event is not queued but counted; the count travels in the
 * `missed` field of the next request until one is delivered, and when the outbox has room again
 * `Notify missed N` reports the overflow (hf_log).
 *
 * MQTT 3.1.1 (cfg.protocol HF_NOTIFY_MQTT, codec in mqtt.h): one connection kept open.
 * CONNECT with the device name as client id, cfg.keepalive_s, cfg.clean_session and a retained
 * last will `offline` (QoS 1) on TOPIC/status; after the CONNACK a retained `online` (QoS 0) on
 * TOPIC/status and, with cfg.ha_discovery, the Home Assistant discovery configs (retained,
 * QoS 0): an `event` entity homeassistant/event/NODE/press/config and a press-count `sensor`
 * homeassistant/sensor/NODE/count/config, NODE the device name with '.' as '_', both reading
 * TOPIC and available while TOPIC/status is `online`. Each event is a PUBLISH QoS 1 of the JSON
 * body to TOPIC, one in flight: delivered when the PUBACK with its packet identifier comes
 * (`Notify sent seq=N`). When the connection ends before that, the same PUBLISH (same packet
 * identifier and body) goes again with DUP set on the next connection, before any newer event
 * (`Notify resend seq=N with DUP`, hf_log; MQTT 3.1.1 section 4.4). A PINGREQ goes out when
 * nothing was sent for the keepalive interval; no PINGRESP within cfg.response_ms, no CONNACK
 * or PUBACK within it, a refused CONNACK, a malformed packet or a closed connection end the
 * connection, and it is made again after the backoff (`Notify retry seq=N in M ms: reason`, or
 * `Notify reconnect in M ms: reason` when no event waits).
 *
 * Body: {"device":"pico","boot":123,"seq":1,"event":"press","count":1,"uptime_ms":1000,
 * "missed":0} -- boot is chosen at boot (random), so (boot, seq) names an event uniquely: a
 * server removes duplicates (a reply lost after the server stored the event) with it.
 * uptime_ms is 64-bit: the milliseconds since hf_notify_start(), correct past the 49.7 days of
 * the 32-bit millisecond tick (the task looks at the clock at least every 30 minutes).
 *
 * All functions are loop only (none is @isr_ok): an ISR hands the event to the loop first
 * (flag, counter, edge queue), and the loop posts it.
 */
#ifndef HANDOFF_NOTIFY_H
#define HANDOFF_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "http.h"
#include "isr.h"
#include "loop.h"
#include "mqtt.h"
#include "ticks.h"

/* ---- transport ------------------------------------------------------------------------------ */

/** Results of transport calls: >= 0 is success (a byte count for send and recv). */
typedef enum {
    HF_NET_OK = 0,             /**< connected */
    HF_NET_AGAIN = -1,         /**< not now: watch, await the ready flag, then call again */
    HF_NET_REFUSED = -2,       /**< the peer refused the connection */
    HF_NET_RESET = -3,         /**< the peer reset the connection */
    HF_NET_ERROR = -4,         /**< any other failure (unreachable, out of memory, ...) */
    HF_NET_TLS_UNTRUSTED = -5, /**< TLS: the server's certificate does not chain to the CA */
    HF_NET_TLS_HOST = -6,      /**< TLS: the certificate is not for the URL's host name */
    HF_NET_TLS_EXPIRED = -7,   /**< TLS: the certificate has expired (or is not yet valid) */
    HF_NET_TLS_HANDSHAKE = -8  /**< TLS: any other failure of the handshake or a record */
} hf_net_result_t;

/** @return the words a log line gives @p r (an hf_net_result_t < 0): "connection refused",
 * "certificate not trusted", "host name mismatch", "certificate expired", "handshake
 * failed", ... */
const char *hf_net_reason(int32_t r);

/** What a task waits for, for hf_transport_ops_t.watch. */
enum { HF_NET_WANT_READ = 1u, HF_NET_WANT_WRITE = 2u };

typedef struct hf_transport hf_transport_t;

/**
 * A non-blocking stream connection to one fixed peer (chosen when the transport was set up).
 * Every call returns at once. When one returns HF_NET_AGAIN the caller calls watch() and awaits
 * the transport's `ready` flag (HF_AWAIT_FLAG), then calls again.
 *
 * Fitting lwIP's raw TCP API: connect() calls tcp_connect() the first time and afterwards
 * reports what the connected/err callbacks recorded; recv() copies out of the pbufs the recv
 * callback queued (and calls tcp_recved()); send() is tcp_write() + tcp_output() within
 * tcp_sndbuf(); close() is tcp_close() (tcp_abort() on failure). Each callback sets `ready`
 * with hf_flag_set() (@isr_ok), so watch() may do nothing there. On POSIX, watch() asks the
 * port's ppoll() to set `ready` when the socket becomes readable or writable.
 */
typedef struct {
    /** Connect, or report the connection under way. @return HF_NET_OK once connected,
     * HF_NET_AGAIN while connecting, or an error (the connection is then closed). */
    int32_t (*connect)(hf_transport_t *t);
    /** Send up to @p len bytes. @return bytes taken (> 0), HF_NET_AGAIN, or an error. */
    int32_t (*send)(hf_transport_t *t, const void *buf, size_t len);
    /** Receive up to @p cap bytes. @return bytes (> 0), 0 when the peer has closed its side,
     * HF_NET_AGAIN, or an error. */
    int32_t (*recv)(hf_transport_t *t, void *buf, size_t cap);
    /** Close the connection (nothing when there is none); the next connect() starts afresh. */
    void (*close)(hf_transport_t *t);
    /** Set `ready` when the connection can make progress in direction @p want
     * (HF_NET_WANT_READ, HF_NET_WANT_WRITE) or fails. */
    void (*watch)(hf_transport_t *t, unsigned want);
} hf_transport_ops_t;

/** A transport: its operations and the flag it sets on readiness. Embed it first in the
 * transport's own struct. */
struct hf_transport {
    const hf_transport_ops_t *ops;
    hf_flag_t ready;
    /** The flag readiness sets: NULL for `ready`. A layer worn over this transport (TLS) points
     * it at the layer's own `ready`, so the task awaiting the layer wakes. */
    hf_flag_t *wake;
};

/** @return the flag @p t sets on readiness (its `wake`, or its `ready`). */
static inline hf_flag_t *hf_transport_flag(hf_transport_t *t) {
    return t->wake != NULL ? t->wake : &t->ready;
}

/* ---- notify --------------------------------------------------------------------------------- */

/** Events a notification reports. */
typedef enum {
    HF_NOTIFY_PRESS = 0,  /**< "press" */
    HF_NOTIFY_RESET,      /**< "reset" */
    HF_NOTIFY_LONG_PRESS, /**< "long_press" */
} hf_notify_kind_t;

/** Longest time-out (ms): half the microsecond tick's period. */
#define HF_NOTIFY_TIMEOUT_MAX_MS 2147483u

/** Longest device name (bytes): HF_CFG_NOTIFY_DEVICE_MAX. */
#define HF_NOTIFY_DEVICE_MAX HF_CFG_NOTIFY_DEVICE_MAX

/** Longest MQTT keepalive (s): the reach of the microsecond tick. */
#define HF_NOTIFY_KEEPALIVE_MAX_S 2147u

/** Longest bearer token (bytes). */
#define HF_NOTIFY_TOKEN_MAX 512u

/** How events are delivered. */
typedef enum {
    HF_NOTIFY_HTTP = 0, /**< a POST per event */
    HF_NOTIFY_MQTT      /**< a PUBLISH QoS 1 per event over one kept connection */
} hf_notify_protocol_t;

/** Where and how to deliver. The strings must outlive the notifier; host and path are printable
 * ASCII without spaces (they go into the request's header). */
typedef struct {
    hf_transport_t *transport; /**< connected to the URL's host and port */
    const char *host;          /**< the Host header ("example.org:8080") */
    const char *path;          /**< the request target ("/events") */
    const char *device;        /**< the device's name in the body, 1..HF_NOTIFY_DEVICE_MAX */
    uint32_t boot_id;          /**< chosen at boot (random): with seq, names an event */
    uint32_t seed;             /**< seed of the backoff jitter; 0 takes a fixed one */
    uint32_t connect_ms;       /**< connect time-out, up to HF_NOTIFY_TIMEOUT_MAX_MS; 0: default */
    uint32_t response_ms;      /**< time-out for the whole reply after connecting (HTTP), for a
                                    CONNACK, PUBACK or PINGRESP (MQTT); 0: default */
    uint8_t protocol;          /**< hf_notify_protocol_t */
    bool clean_session;        /**< MQTT: CONNECT's clean session flag; false keeps the session
                                    so that a DUP resend meets it (section 4.4) */
    bool ha_discovery;         /**< MQTT: publish the Home Assistant discovery configs */
    uint16_t keepalive_s; /**< MQTT: 1..HF_NOTIFY_KEEPALIVE_MAX_S; 0: HF_CFG_MQTT_KEEPALIVE_S */
    const char *token;    /**< HTTP: bearer token (visible ASCII, no spaces, at most
                               HF_NOTIFY_TOKEN_MAX), or NULL. Never printed nor logged */
    const char *topic;    /**< MQTT: the events' topic (no '+', '#', '"', '\\'); the
                               status is on TOPIC/status */
} hf_notify_cfg_t;

/** One queued event. */
typedef struct {
    uint32_t seq;       /**< 1, 2, ... in the order posted (missed events take no number) */
    uint32_t count;     /**< the application's counter at the event */
    uint64_t uptime_ms; /**< milliseconds since hf_notify_start() */
    uint8_t kind;       /**< hf_notify_kind_t */
} hf_notify_event_t;

/** A notifier: the outbox and its delivery task (about 2 KB on a 32-bit core with the
 * defaults). Treat the fields as private; read them through the functions below. */
typedef struct {
    hf_task_t task; /* first member */
    hf_notify_cfg_t cfg;
    hf_flag_t posted; /* an event was queued */
    hf_notify_event_t q[HF_CFG_NOTIFY_OUTBOX];
    uint32_t head, n;       /* oldest queued event, number queued */
    uint32_t next_seq;      /* seq of the next event posted */
    uint32_t missed;        /* not queued since the last delivered request carried the count */
    uint32_t missed_report; /* not queued in this overflow, for "Notify missed N" */
    uint32_t missed_sent;   /* the missed value in the request in flight */
    uint32_t failures;      /* consecutive failed attempts */
    uint32_t rng;           /* jitter PRNG state */
    uint32_t delay_ms;      /* the backoff before the next attempt */
    uint32_t delivered, given_up, retries, dup_resends;
    uint64_t uptime_ms;     /* at clock_ms */
    hf_ticks_ms_t clock_ms; /* the millisecond tick uptime_ms was last brought to */
    hf_ticks_us_t deadline; /* of the current phase of the attempt */
    uint16_t req_len, req_sent;
    uint16_t status; /* the reply's status, 0 when the attempt failed before one */
    uint8_t phase;
    bool started;
    char reason[96]; /* why the attempt failed, when it did */
    union {
        hf_http_parser_t http;
        struct {
            hf_mqtt_parser_t parser;
            hf_ticks_us_t last_tx; /* when a packet was last sent: the keepalive counts from it */
            uint16_t packet_id;    /* of the head event's PUBLISH; 0 until it was first sent */
            uint16_t next_id;      /* the last packet identifier given */
            uint8_t after_send;    /* the phase once req is sent */
            uint8_t announce;      /* the next announcement after the CONNACK */
        } mqtt;
    } p;
    char req[HF_CFG_NOTIFY_REQUEST_MAX];
} hf_notify_t;

/**
 * Start delivering: the outbox is emptied, seq restarts at 1 and the task starts.
 * @param now_ms the millisecond tick that uptime_ms counts from (hf_now_ms())
 * @return false when @p cfg is unusable (no transport, device name empty or too long, or the
 *         longest request or packet does not fit HF_CFG_NOTIFY_REQUEST_MAX, host, path or token
 *         has a space or a control character, a time-out is over HF_NOTIFY_TIMEOUT_MAX_MS;
 *         for MQTT: no topic, a topic with '+', '#', '"' or '\\', a token, a keepalive over
 *         HF_NOTIFY_KEEPALIVE_MAX_S) or the task cannot start.
 */
bool hf_notify_start(hf_notify_t *n, const hf_notify_cfg_t *cfg, hf_ticks_ms_t now_ms);

/** Stop the task (an attempt under way is abandoned and its connection closed); the outbox
 * keeps its events. */
void hf_notify_stop(hf_notify_t *n);

/**
 * Queue an event for delivery.
 * @param count  the application's counter to report
 * @param now_ms the current millisecond tick (hf_now_ms())
 * @return true when queued; false when the outbox is full (the event is counted as missed) or
 *         the notifier was never started (nothing happens).
 */
bool hf_notify_post(hf_notify_t *n, hf_notify_kind_t kind, uint32_t count, hf_ticks_ms_t now_ms);

/** @return events waiting in the outbox, the one in flight included. */
uint32_t hf_notify_pending(const hf_notify_t *n);

/** @return events delivered (2xx, or PUBACK) since start. */
uint32_t hf_notify_delivered(const hf_notify_t *n);

/** @return MQTT PUBLISH packets sent again with DUP since start. */
uint32_t hf_notify_dup_resends(const hf_notify_t *n);

/** @return the name of @p kind as it appears in the body ("press", "reset", "long_press"). */
const char *hf_notify_kind_name(hf_notify_kind_t kind);

/**
 * Pure: the delay before the next attempt after @p failures (1, 2, ...) consecutive failures:
 * nominal HF_CFG_NOTIFY_BACKOFF_MIN_MS * 2^(failures-1), at most HF_CFG_NOTIFY_BACKOFF_MAX_MS,
 * less a jitter drawn from @p rng (xorshift32; its state advances) of 0 .. nominal/4.
 */
uint32_t hf_notify_backoff_ms(uint32_t failures, uint32_t *rng);

/**
 * Pure: write the JSON body of @p ev into @p buf (the device name escaped as a JSON string).
 * @return its length, or 0 when it does not fit @p cap (a terminator included).
 */
size_t hf_notify_body(char *buf, size_t cap, const char *device, uint32_t boot_id,
                      const hf_notify_event_t *ev, uint32_t missed);

/**
 * Provided by the board (port): fill @p cfg with the configured notification target (on the
 * host: --notify-url and --device; on a Wi-Fi board: its configuration), or return false when
 * notifications are not configured. The transport is the board's. Loop only.
 */
bool hf_board_notify(hf_notify_cfg_t *cfg);

#endif
