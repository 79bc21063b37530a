/**
 * @file config.h
 * @brief Compile-time options: the defaults, and the checks of every value.
 *
 * The options of a program come from one user header, `handoff_config.h`, found on the include
 * path (as lwbtn's `lwbtn_opts.h` or QP/C's `qp_config.h`): put it in the program's own include
 * directory and build the library with the same path, e.g.
 *
 * @code
 * // handoff_config.h
 * #define HF_CFG_MAX_TASKS 24u
 * #define HF_CFG_NOTIFY_OUTBOX 8u
 * @endcode
 *
 * Each option not set there (or with -D) takes the default below. Values are plain integer
 * literals. A value out of range stops the build with #error. Options that change the layout of
 * a public struct (HF_CFG_MAX_TASKS above or below 65536, HF_CFG_HTTP_LINE_MAX,
 * HF_CFG_NOTIFY_OUTBOX, HF_CFG_NOTIFY_REQUEST_MAX) are also encoded in the name of a symbol that
 * the library defines and every file including loop.h refers to (HF__CFG_SYMBOL), so that a
 * file built with other values than the library fails to link: "undefined reference to
 * hf__config_...", naming the values the file was built with.
 */
#ifndef HANDOFF_CONFIG_H
#define HANDOFF_CONFIG_H

#if defined(__has_include)
#if __has_include("handoff_config.h")
#include "handoff_config.h"
#endif
#endif

/** 1: preconditions are checked (HF_REQUIRE, check.h) and misuse stops the program with its
 * file:line; 0: the run-time checks compile to nothing. */
#ifndef HF_CFG_CHECKS
#define HF_CFG_CHECKS 1
#endif

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

/** Longest device name in a notify body, in bytes. */
#ifndef HF_CFG_NOTIFY_DEVICE_MAX
#define HF_CFG_NOTIFY_DEVICE_MAX 32u
#endif

/** Reads of the transport in one step of the notify task before it lets other tasks run. */
#ifndef HF_CFG_NOTIFY_READS_PER_STEP
#define HF_CFG_NOTIFY_READS_PER_STEP 8u
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

/* ---- input ---------------------------------------------------------------------------------- */

/** With no button deadline pending, the input task still looks again within this many
 * microseconds, so that every button's clock keeps up with the tick's wrap. */
#ifndef HF_CFG_INPUT_IDLE_US
#define HF_CFG_INPUT_IDLE_US 1073741824u
#endif

/* ---- range checks -----------------------------------------------------------------------------
 */

#if HF_CFG_CHECKS != 0 && HF_CFG_CHECKS != 1
#error "HF_CFG_CHECKS must be 0 or 1"
#endif
#if HF_CFG_NOTIFY != 0 && HF_CFG_NOTIFY != 1
#error "HF_CFG_NOTIFY must be 0 or 1"
#endif
#if HF_CFG_ATOMIC_RMW != 0 && HF_CFG_ATOMIC_RMW != 1
#error "HF_CFG_ATOMIC_RMW must be 0 or 1"
#endif
#if HF_CFG_HOG_US < 1 || HF_CFG_HOG_US > 2147483647
#error "HF_CFG_HOG_US must be 1 to 2147483647 (microseconds)"
#endif
#if HF_CFG_MAX_TASKS < 1 || HF_CFG_MAX_TASKS > 1048576
#error "HF_CFG_MAX_TASKS must be 1 to 1048576"
#endif
#if HF_CFG_DEFER_CAP < 2 || HF_CFG_DEFER_CAP > 65536 || (HF_CFG_DEFER_CAP & (HF_CFG_DEFER_CAP - 1))
#error "HF_CFG_DEFER_CAP must be a power of two, 2 to 65536"
#endif
#if HF_CFG_PRINT_MAX < 16 || HF_CFG_PRINT_MAX > 4096
#error "HF_CFG_PRINT_MAX must be 16 to 4096"
#endif
#if HF_CFG_HTTP_LINE_MAX < 64 || HF_CFG_HTTP_LINE_MAX > 65535
#error "HF_CFG_HTTP_LINE_MAX must be 64 to 65535"
#endif
#if HF_CFG_HTTP_HEADERS_MAX < 1 || HF_CFG_HTTP_HEADERS_MAX > 65535
#error "HF_CFG_HTTP_HEADERS_MAX must be 1 to 65535"
#endif
#if HF_CFG_NOTIFY_OUTBOX < 1 || HF_CFG_NOTIFY_OUTBOX > 65535
#error "HF_CFG_NOTIFY_OUTBOX must be 1 to 65535"
#endif
#if HF_CFG_NOTIFY_REQUEST_MAX < 256 || HF_CFG_NOTIFY_REQUEST_MAX > 65535
#error "HF_CFG_NOTIFY_REQUEST_MAX must be 256 to 65535"
#endif
#if HF_CFG_NOTIFY_DEVICE_MAX < 1 || HF_CFG_NOTIFY_DEVICE_MAX > 255
#error "HF_CFG_NOTIFY_DEVICE_MAX must be 1 to 255"
#endif
#if HF_CFG_NOTIFY_READS_PER_STEP < 1 || HF_CFG_NOTIFY_READS_PER_STEP > 1024
#error "HF_CFG_NOTIFY_READS_PER_STEP must be 1 to 1024"
#endif
#if HF_CFG_NOTIFY_CONNECT_MS < 1 || HF_CFG_NOTIFY_CONNECT_MS > 2147483
#error "HF_CFG_NOTIFY_CONNECT_MS must be 1 to 2147483 (milliseconds)"
#endif
#if HF_CFG_NOTIFY_RESPONSE_MS < 1 || HF_CFG_NOTIFY_RESPONSE_MS > 2147483
#error "HF_CFG_NOTIFY_RESPONSE_MS must be 1 to 2147483 (milliseconds)"
#endif
#if HF_CFG_NOTIFY_BACKOFF_MIN_MS < 1 || HF_CFG_NOTIFY_BACKOFF_MIN_MS > HF_CFG_NOTIFY_BACKOFF_MAX_MS
#error "HF_CFG_NOTIFY_BACKOFF_MIN_MS must be 1 to HF_CFG_NOTIFY_BACKOFF_MAX_MS"
#endif
#if HF_CFG_NOTIFY_BACKOFF_MAX_MS > 2147483
#error "HF_CFG_NOTIFY_BACKOFF_MAX_MS must be at most 2147483 (milliseconds)"
#endif
#if HF_CFG_INPUT_IDLE_US < 1000 || HF_CFG_INPUT_IDLE_US > 2147483647
#error "HF_CFG_INPUT_IDLE_US must be 1000 to 2147483647 (microseconds)"
#endif

/* ---- the layout check ------------------------------------------------------------------------ */

#define HF__CFG_CAT2(a, b, c, d, e) a##b##_l##c##_o##d##_r##e
#define HF__CFG_CAT(a, b, c, d, e)  HF__CFG_CAT2(a, b, c, d, e)
#if HF_CFG_MAX_TASKS > 65535
#define HF__CFG_TASK_POS t32
#else
#define HF__CFG_TASK_POS t16
#endif
/* The symbol named after the layout-changing options (see above); defined in src/loop.c. */
#define HF__CFG_SYMBOL                                                                             \
    HF__CFG_CAT(hf__config_, HF__CFG_TASK_POS, HF_CFG_HTTP_LINE_MAX, HF_CFG_NOTIFY_OUTBOX,         \
                HF_CFG_NOTIFY_REQUEST_MAX)

#endif
