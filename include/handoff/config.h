/**
 * @file config.h
 * @brief Compile-time options. Each one can be overridden with -D or before including handoff.h.
 */
#ifndef HANDOFF_CONFIG_H
#define HANDOFF_CONFIG_H

/** A task step that runs longer than this (microseconds) is reported once through the log. */
#ifndef HF_CFG_HOG_US
#define HF_CFG_HOG_US 50000u
#endif

/** Most tasks alive at once; sizes the timer heap (one pointer each). hf_task_start() refuses more.
 * Above 65535, each hf_task_t keeps a 32-bit heap position instead of a 16-bit one. */
#ifndef HF_CFG_MAX_TASKS
#define HF_CFG_MAX_TASKS 16u
#endif

/** Slots in the deferred-call queue (hf_defer); a power of two. */
#ifndef HF_CFG_DEFER_CAP
#define HF_CFG_DEFER_CAP 16u
#endif

/** Longest line hf_print() formats, terminator included; longer lines are cut and marked "...". */
#ifndef HF_CFG_PRINT_MAX
#define HF_CFG_PRINT_MAX 128u
#endif

/** 1 when the board can send notifications (notify.h): the host, a Pico W built with WIFI_SSID.
 * Ports without a network build with 0, and programs then leave their notifier out (an outbox
 * is about 2 KB of RAM). */
#ifndef HF_CFG_NOTIFY
#define HF_CFG_NOTIFY 1
#endif

/** 1 when the core has atomic read-modify-write (LDREX/STREX or x86 LOCK); 0 on ARMv6-M (M0/M0+),
 * where read-modify-writes go through the port's critical section instead. */
#ifndef HF_CFG_ATOMIC_RMW
#if defined(__ARM_ARCH_6M__)
#define HF_CFG_ATOMIC_RMW 0
#else
#define HF_CFG_ATOMIC_RMW 1
#endif
#endif

/* ---- notify (HTTP) -------------------------------------------------------------------------- */

/** Longest status, header, chunk-size or trailer line the HTTP parser takes, CRLF included. */
#ifndef HF_CFG_HTTP_LINE_MAX
#define HF_CFG_HTTP_LINE_MAX 256u
#endif

/** Most header plus trailer lines in one HTTP response; more is malformed. */
#ifndef HF_CFG_HTTP_HEADERS_MAX
#define HF_CFG_HTTP_HEADERS_MAX 64u
#endif

/** Events the notify outbox holds awaiting delivery (the one in flight included). */
#ifndef HF_CFG_NOTIFY_OUTBOX
#define HF_CFG_NOTIFY_OUTBOX 32u
#endif

/** Bytes for one notify request (headers and body); hf_notify_start() checks the longest fits. */
#ifndef HF_CFG_NOTIFY_REQUEST_MAX
#define HF_CFG_NOTIFY_REQUEST_MAX 1024u
#endif

/** Default time-out for a notify connection to be established, in ms. */
#ifndef HF_CFG_NOTIFY_CONNECT_MS
#define HF_CFG_NOTIFY_CONNECT_MS 3000u
#endif

/** Default time-out for the whole reply once the request is sent, in ms. */
#ifndef HF_CFG_NOTIFY_RESPONSE_MS
#define HF_CFG_NOTIFY_RESPONSE_MS 5000u
#endif

/** Default MQTT keepalive, in s: a PINGREQ goes out when nothing was sent for this long. */
#ifndef HF_CFG_MQTT_KEEPALIVE_S
#define HF_CFG_MQTT_KEEPALIVE_S 60u
#endif

/** First retry delay after a failed notify attempt, in ms; it doubles with each failure. */
#ifndef HF_CFG_NOTIFY_BACKOFF_MIN_MS
#define HF_CFG_NOTIFY_BACKOFF_MIN_MS 250u
#endif

/** Longest retry delay, in ms. */
#ifndef HF_CFG_NOTIFY_BACKOFF_MAX_MS
#define HF_CFG_NOTIFY_BACKOFF_MAX_MS 30000u
#endif

#endif
