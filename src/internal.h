/* Private interfaces between the core's modules. */
#ifndef HANDOFF_INTERNAL_H
#define HANDOFF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "handoff/isr.h"

/* ---- the ready set (isr.c): posts mark nodes, the loop takes them ---------------------------- */

/* Mark node @p n ready (once until the loop takes it) and wake the loop; a node already marked
 * is left as it is, and its poster wakes the loop. @isr_ok */
void hf__ready_mark(hf__node_t *n);

/* After a post has published its data: mark the task whose node the object's waiter field @p w
 * holds, or the polled waiters (hf__ready_poll) when it holds none, and wake the loop. @isr_ok */
void hf__post(hf__node_t *_Atomic *w);

/* The ready set's stack: the node marked last, linked through `next` to the ones marked before
 * it, up to &hf__ready_end; NULL when no node is marked. Posts push (hf__ready_mark); the loop
 * takes it whole (loop.c). */
extern hf__node_t *_Atomic hf__ready_head;

/* The loop's own nodes: the deferred-call queue, "re-check the polled waiters", and
 * hf_loop_stop(). Their state stays HF__ST_IDLE: never taken for a parked task's. */
enum { HF__OWN_DEFER, HF__OWN_POLL, HF__OWN_STOP, HF__OWN_N };
extern hf__node_t hf__ready_own[HF__OWN_N];
#define hf__ready_defer (hf__ready_own[HF__OWN_DEFER])
#define hf__ready_poll  (hf__ready_own[HF__OWN_POLL])
#define hf__ready_stop  (hf__ready_own[HF__OWN_STOP])

/* The end of the ready set's stack. */
extern hf__node_t hf__ready_end;

/* Empty the deferred-call queue and zero its failure count (hf_loop_init). */
void hf__defer_reset(void);

/* Run the deferred calls published so far, in FIFO order. @return how many ran. Loop only. */
uint32_t hf__defer_run(void);

#endif
