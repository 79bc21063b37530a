/**
 * @file isr.h
 * @brief What an interrupt handler may call: flag, counter, edge queue, deferred call.
 *
 * Every producer function here is @isr_ok: lock-free (or, on cores without atomic
 * read-modify-write such as the Cortex-M0+, a few instructions inside the port's critical
 * section), non-blocking, heap-free. Each object knows the one task that awaits it
 * (HF_AWAIT_FLAG, HF_AWAIT_COUNTER, HF_AWAIT_EVQ register it): a post publishes its data, marks
 * that task in the loop's ready set and wakes the loop, which then runs exactly the marked
 * tasks. A post to an object that no task awaits marks the loop's polled waiters
 * (HF_AWAIT_UNTIL) for a re-check instead. The consumer side (take, pop, ...) belongs to the
 * loop.
 *
 * Every object has a static initialiser, so a whole application can live in .bss.
 */
#ifndef HANDOFF_ISR_H
#define HANDOFF_ISR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "port.h"
#include "ticks.h"

/* ---- readiness ------------------------------------------------------------------------------ */

/**
 * A node of the loop's ready set (private): each task has one, and so does each of the loop's
 * own sources. `next` is NULL while the node is not marked; a post links a marked node into a
 * lock-free stack that the loop takes whole. Objects point at the node of the task awaiting
 * them. `state` and `flags` are the loop's alone (a task's HF__ST_* state and HF__F_* flags,
 * loop.h): the state is kept beside the mark so that one load tells the loop what a marked node
 * asks of it, and the flags fill the space the pointer's alignment leaves.
 */
typedef struct hf__node {
    struct hf__node *_Atomic next;
    uint8_t state;
    uint8_t flags;
} hf__node_t;

/* ---- flag ----------------------------------------------------------------------------------- */

/**
 * A flag with MicroPython ThreadSafeFlag semantics: set from an ISR, awaited by one task
 * (HF_AWAIT_FLAG), and waiting clears it. Several sets before the wait coalesce into one
 * wake-up: a flag says "something happened", not how often. Use hf_counter_t to know how many,
 * or hf_evq_t to know when.
 */
typedef struct {
    atomic_uint set;
    hf__node_t *_Atomic waiter; /**< the task awaiting it (HF_AWAIT_FLAG), or NULL */
} hf_flag_t;

/** Static initialiser: a clear flag that no task awaits yet. */
#define HF_FLAG_INIT                                                                               \
    { 0, NULL }

/** Set the flag, mark the task awaiting it ready and wake the loop. @isr_ok */
void hf_flag_set(hf_flag_t *f);

/** Take the flag: @return true if it was set, and clear it, as one atomic step. Loop only. */
bool hf_flag_take(hf_flag_t *f);

/** @return true if the flag is set (does not clear it). @isr_ok */
static inline bool hf_flag_is_set(const hf_flag_t *f) {
    return atomic_load_explicit(&f->set, memory_order_acquire) != 0u;
}

/** Clear the flag, discarding any set since it was last taken. Loop only. */
static inline void hf_flag_clear(hf_flag_t *f) {
    atomic_store_explicit(&f->set, 0u, memory_order_release);
}

/* ---- counter -------------------------------------------------------------------------------- */

/**
 * A lossless event count: ISRs add, the loop takes-and-clears atomically and learns how many
 * events happened since it last looked. Wraps at 2^32 (more than four billion events between
 * two looks).
 */
typedef struct {
    atomic_uint count;
    hf__node_t *_Atomic waiter; /**< the task awaiting it (HF_AWAIT_COUNTER), or NULL */
} hf_counter_t;

/** Static initialiser: zero, no task awaiting it yet. */
#define HF_COUNTER_INIT                                                                            \
    { 0, NULL }

/** Add @p n to the count, mark the task awaiting it ready and wake the loop. @isr_ok */
void hf_counter_add(hf_counter_t *c, uint32_t n);

/** @return the count since the last take, and reset it to 0, as one atomic step. Loop only. */
uint32_t hf_counter_take(hf_counter_t *c);

/** @return the current count without resetting it. @isr_ok */
static inline uint32_t hf_counter_peek(const hf_counter_t *c) {
    return atomic_load_explicit(&c->count, memory_order_acquire);
}

/* ---- edge queue ----------------------------------------------------------------------------- */

/** One timestamped edge: 8 bytes. */
typedef struct {
    hf_ticks_us_t t_us; /**< tick at which the edge was seen */
    hf_pin_t pin;       /**< pin that changed */
    uint8_t level;      /**< level after the edge, 0 or 1 */
    uint16_t reserved;  /**< zero */
} hf_edge_t;

/**
 * A single-producer / single-consumer ring of timestamped edges. The producer (one interrupt
 * handler) pushes; the loop pops. It needs only ordered loads and stores, no read-modify-write,
 * so it is lock-free on every core including the Cortex-M0+.
 *
 * When the ring is full the *new* edge is dropped and a drop count is incremented; the loop reads
 * and resets it with hf_evq_take_dropped() and should report it (nothing is lost silently).
 *
 * Several interrupt sources: give each producer its own queue (a task may await one with
 * HF_AWAIT_EVQ, or any of them with HF_AWAIT_UNTIL). One GPIO interrupt handler serving many pins
 * is one producer: on the RP2040/RP2350 all pins share the IO_BANK0 interrupt, and on the host all
 * pins share one signal. Producers that can preempt each other (two interrupt priorities, or a
 * thread and a signal) must not share a queue; use hf_defer() where many producers need one FIFO.
 */
typedef struct {
    hf_edge_t *buf;
    uint32_t mask;              /**< capacity - 1 */
    atomic_uint head;           /**< next slot to write; written by the producer only */
    atomic_uint tail;           /**< next slot to read; written by the consumer only */
    atomic_uint dropped;        /**< edges dropped when full; written by the producer only */
    uint32_t dropped_seen;      /**< consumer's copy of dropped at its last take */
    hf__node_t *_Atomic waiter; /**< the task awaiting it (HF_AWAIT_EVQ), or NULL */
} hf_evq_t;

/**
 * Define a static queue @p name with room for @p capacity edges (a power of two, at least 2):
 * `HF_EVQ_DEFINE(buttons, 32);` at file scope. The storage is static (in .bss).
 */
#define HF_EVQ_DEFINE(name, capacity)                                                              \
    _Static_assert((capacity) >= 2 && ((capacity) & ((capacity)-1)) == 0,                          \
                   "edge queue capacity must be a power of two, at least 2");                      \
    static hf_edge_t name##_slots_[(capacity)];                                                    \
    static hf_evq_t name = {name##_slots_, (capacity)-1u, 0, 0, 0, 0, NULL}

/**
 * Initialise @p q over caller-owned @p slots. @return false (and leaves @p q unusable) unless
 * @p capacity is a power of two of at least 2. Loop only, before interrupts use it.
 */
bool hf_evq_init(hf_evq_t *q, hf_edge_t *slots, uint32_t capacity);

/** Push one edge; marks the task awaiting the queue ready and wakes the loop. @return false when
 * full (edge dropped and counted). @isr_ok (from this queue's one producer). */
bool hf_evq_push(hf_evq_t *q, hf_ticks_us_t t_us, hf_pin_t pin, uint8_t level);

/** Pop the oldest edge into @p out. @return false when empty. Loop only (the one consumer). */
bool hf_evq_pop(hf_evq_t *q, hf_edge_t *out);

/** @return the number of edges waiting. @isr_ok */
static inline uint32_t hf_evq_count(const hf_evq_t *q) {
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    return atomic_load_explicit(&q->head, memory_order_acquire) - tail;
}

/** @return true when no edge is waiting. @isr_ok */
static inline bool hf_evq_empty(const hf_evq_t *q) {
    return hf_evq_count(q) == 0u;
}

/** @return the capacity. @isr_ok */
static inline uint32_t hf_evq_capacity(const hf_evq_t *q) {
    return q->mask + 1u;
}

/** @return true when edges were dropped since the last hf_evq_take_dropped() (a peek). @isr_ok */
static inline bool hf_evq_dropped_pending(const hf_evq_t *q) {
    return atomic_load_explicit(&q->dropped, memory_order_acquire) != q->dropped_seen;
}

/** @return how many edges were dropped since the last call, and start counting afresh. Loop
 * only. */
uint32_t hf_evq_take_dropped(hf_evq_t *q);

/**
 * Ready-made interrupt handler that pushes each edge into the hf_evq_t given as @p arg:
 * `hf_gpio_irq(14, HF_EDGE_BOTH, hf_evq_isr, &buttons);`. @isr_ok
 */
void hf_evq_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us);

/* ---- deferred call -------------------------------------------------------------------------- */

/** A function to run later on the loop. */
typedef void (*hf_defer_fn_t)(void *arg);

/**
 * Queue @p fn(@p arg) to run on the loop, in FIFO order, like micropython.schedule(), and wake
 * the loop (the queue is the loop's own source in the ready set: the loop runs the calls before
 * the tasks). Safe from any number of ISRs at any priority and from other threads on the host
 * (a bounded multi-producer queue of HF_CFG_DEFER_CAP slots).
 * @return false when the queue is full: the call is not queued and hf_defer_failures() counts
 * it. Never blocks, never drops silently. @isr_ok
 */
bool hf_defer(hf_defer_fn_t fn, void *arg);

/** @return how many hf_defer() calls failed because the queue was full, since start. @isr_ok */
uint32_t hf_defer_failures(void);

#endif
