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

/* Take every marked node. @return the first one marked, linked through `next` in the order they
 * were marked up to &hf__ready_end; each is still marked, and the caller unmarks it (stores
 * NULL in its `next`, then a seq_cst fence) before it acts on it. Loop only. */
hf__node_t *hf__ready_take(void);

/* @return true when some node is marked. Loop only. */
bool hf__ready_pending(void);

/* The loop's own nodes: the deferred-call queue, and "re-check the polled waiters". */
extern hf__node_t hf__ready_defer, hf__ready_poll;

/* The end of a list that hf__ready_take() returns. */
extern hf__node_t hf__ready_end;

/* Forget every mark, unmarking the nodes (hf_loop_init). */
void hf__ready_reset(void);

/* Empty the deferred-call queue and zero its failure count (hf_loop_init). */
void hf__defer_reset(void);

/* Run the deferred calls published so far, in FIFO order. @return how many ran. Loop only. */
uint32_t hf__defer_run(void);

#endif
