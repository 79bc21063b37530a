/* What notify.c (the outbox, HTTP delivery) shares with notify_mqtt.c (MQTT delivery). */
#ifndef HANDOFF_NOTIFY_INTERNAL_H
#define HANDOFF_NOTIFY_INTERNAL_H

#include "handoff/notify.h"
#include "handoff/print.h"

/* A step function's answer: there may be more to read, but other tasks run first (a long or
 * endless reply must not hold up the loop). */
#define HF__NOTIFY_STEP_MORE 0x100u

/* How often (ms) an idle notify task looks at the clock, so the 64-bit uptime never misses a
 * wrap of the millisecond tick: well within half its period. */
#define HF__NOTIFY_CLOCK_MS 1800000u

void hf__notify_reason(hf_notify_t *n, const char *fmt, ...) HF__PRINTF(2, 3);
void hf__notify_deadline(hf_notify_t *n, uint32_t ms);
/* hf__notify_send_more(): the whole of req is sent. */
#define HF__NOTIFY_SENT 0x400u
/* Send more of req (from req_sent to req_len). @return HF__NOTIFY_SENT, HF__NOTIFY_STEP_MORE
 * when part of it went (call again at once), HF_NET_WANT_WRITE, or 0 when the send failed (reason
 * set). */
unsigned hf__notify_send_more(hf_notify_t *n);
/* A transport call failed with r < 0: the reason says so. @return 0. */
unsigned hf__notify_net_failed(hf_notify_t *n, int32_t r);
/* The head event is done with (delivered or given up): room in the outbox again. */
void hf__notify_pop(hf_notify_t *n);
/* One more failure: the backoff before the next attempt into n->delay_ms. */
void hf__notify_backoff(hf_notify_t *n);
/* Bring the 64-bit uptime to now_ms. */
uint64_t hf__notify_uptime(hf_notify_t *n, hf_ticks_ms_t now_ms);

/* MQTT (notify_mqtt.c): the delivery task, and the check at start that every packet fits. */
int hf__notify_mqtt_task(hf_task_t *self);
bool hf__notify_mqtt_check(hf_notify_t *n);

#endif
