/* ISR-side primitives: the ready set, flag, counter, edge queue, deferred call.
 * The HF_TEST_BROKEN_* macros build a queue with its publish or release order wrong, or a post
 * that marks its task before it publishes, for tests/hunt to prove that it catches such a fault;
 * never defined in a real build. */
#include "handoff/isr.h"

#include <stddef.h>
#include <string.h>

#include "handoff/check.h"
#include "internal.h"

/* Read-modify-write helpers. With atomic RMW (Cortex-M3 and up, x86) they are single atomic
 * instructions or LDREX/STREX loops; on ARMv6-M they run inside the port's critical section,
 * which is correct because the only concurrency there is interrupts on one core. */
static uint32_t rmw_exchange(atomic_uint *v, uint32_t x) {
#if HF_CFG_ATOMIC_RMW
    return atomic_exchange_explicit(v, x, memory_order_acq_rel);
#else
    hf_irq_state_t s = hf_port_critical_enter();
    uint32_t old = atomic_load_explicit(v, memory_order_relaxed);
    atomic_store_explicit(v, x, memory_order_relaxed);
    hf_port_critical_exit(s);
    return old;
#endif
}

static void rmw_add(atomic_uint *v, uint32_t n) {
#if HF_CFG_ATOMIC_RMW
    atomic_fetch_add_explicit(v, n, memory_order_release);
#else
    hf_irq_state_t s = hf_port_critical_enter();
    atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) + n,
                          memory_order_relaxed);
    hf_port_critical_exit(s);
#endif
}

/* ---- the ready set -------------------------------------------------------------------------- */
/* A lock-free stack of marked nodes (R. Treiber's, push only, taken whole). A node's `next` is
 * NULL while it is unmarked; marking it claims it with a compare-and-swap from NULL, so a node
 * is in the stack at most once, and only the poster that claimed it links it. The loop takes
 * the whole stack with one exchange (no pop, hence no ABA), reverses it in place into the order
 * of marking while the nodes are still marked (no poster touches a marked node), and
 * (loop.c, take_marked) unmarks each node just before it acts on it: a post that lands after the
 * unmark marks it again, so the task runs once more, never zero times. The end of the stack is
 * END, never NULL, so that a linked node stays marked. Without atomic read-modify-write the claim
 * and the push run in the critical section. */

hf__node_t hf__ready_own[HF__OWN_N];

hf__node_t hf__ready_end; /* its address ends the stack */

hf__node_t *_Atomic hf__ready_head; /* the last node marked, NULL when none */

#define END (&hf__ready_end)

void hf__ready_mark(hf__node_t *n) {
    /* A node already marked needs no wake-up either: the poster that marked it wakes the loop
     * once it has linked it, and the loop has not yet unmarked it, so the task is still to run
     * and will see this post's data. */
#if HF_CFG_ATOMIC_RMW
    hf__node_t *expect = NULL;
    if (!atomic_compare_exchange_strong_explicit(&n->next, &expect, END, memory_order_seq_cst,
                                                 memory_order_relaxed)) {
        return;
    }
    hf__node_t *old = atomic_load_explicit(&hf__ready_head, memory_order_relaxed);
    do {
        atomic_store_explicit(&n->next, old != NULL ? old : END, memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&hf__ready_head, &old, n, memory_order_release,
                                                    memory_order_relaxed));
#else
    hf_irq_state_t s = hf_port_critical_enter();
    bool marked = atomic_load_explicit(&n->next, memory_order_relaxed) != NULL;
    if (!marked) {
        hf__node_t *old = atomic_load_explicit(&hf__ready_head, memory_order_relaxed);
        atomic_store_explicit(&n->next, old != NULL ? old : END, memory_order_relaxed);
        atomic_store_explicit(&hf__ready_head, n, memory_order_relaxed);
    }
    hf_port_critical_exit(s);
    if (marked) {
        return;
    }
#endif
    hf_port_wake();
}

void hf__post(hf__node_t *_Atomic *w) {
    /* The data store before this fence, the waiter load after it: with the fence after the
     * registration store in hf__park_on(), either this post sees the waiter or the waiter's
     * check sees the data (Dekker). */
    atomic_thread_fence(memory_order_seq_cst);
    hf__node_t *n = atomic_load_explicit(w, memory_order_relaxed);
    hf__ready_mark(n != NULL ? n : &hf__ready_poll);
}

/* ---- flag ----------------------------------------------------------------------------------- */

void hf_flag_set(hf_flag_t *f) {
#ifdef HF_TEST_BROKEN_MARK_EARLY /* broken: the task is marked before the flag is set */
    hf__post(&f->waiter);
    atomic_store_explicit(&f->set, 1u, memory_order_release);
#else
    atomic_store_explicit(&f->set, 1u, memory_order_release);
    hf__post(&f->waiter);
#endif
}

bool hf_flag_take(hf_flag_t *f) {
    /* Cheap check first: the common case in a polled wait is "not set". */
    if (atomic_load_explicit(&f->set, memory_order_acquire) == 0u) {
        return false;
    }
    return rmw_exchange(&f->set, 0u) != 0u;
}

/* ---- counter -------------------------------------------------------------------------------- */

void hf_counter_add(hf_counter_t *c, uint32_t n) {
    rmw_add(&c->count, n);
    hf__post(&c->waiter);
}

uint32_t hf_counter_take(hf_counter_t *c) {
    return rmw_exchange(&c->count, 0u);
}

/* ---- edge queue ----------------------------------------------------------------------------- */
/* Lamport's ring with free-running 32-bit indices: head - tail is the fill level, even across
 * the wrap. The producer writes the slot, then publishes head with a release store; the
 * consumer reads head with an acquire load, then the slot, then publishes tail with a release
 * store, which lets the producer reuse the slot. No read-modify-write anywhere. */

bool hf_evq_init(hf_evq_t *q, hf_edge_t *slots, uint32_t capacity) {
    bool ok = capacity >= 2u && (capacity & (capacity - 1u)) == 0u && slots != NULL;
    /* before any interrupt uses it: a plain initialisation */
    *q = (hf_evq_t){ok ? slots : NULL, ok ? capacity - 1u : 0u, 0, 0, 0, 0, NULL};
    return ok;
}

bool hf_evq_push(hf_evq_t *q, hf_ticks_us_t t_us, hf_pin_t pin, uint8_t level) {
    uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    if (head - tail > q->mask) {
        /* Only this producer writes dropped: a load and a store suffice. */
        atomic_store_explicit(&q->dropped,
                              atomic_load_explicit(&q->dropped, memory_order_relaxed) + 1u,
                              memory_order_release);
        hf__post(&q->waiter);
        return false;
    }
    hf_edge_t *e = &q->buf[head & q->mask];
#ifdef HF_TEST_BROKEN_EVQ_PUBLISH /* broken: the slot is published before it is written */
    atomic_store_explicit(&q->head, head + 1u, memory_order_release);
#endif
    e->t_us = t_us;
    e->pin = pin;
    e->level = level;
    e->reserved = 0;
#ifndef HF_TEST_BROKEN_EVQ_PUBLISH
    atomic_store_explicit(&q->head, head + 1u, memory_order_release);
#endif
    hf__post(&q->waiter);
    return true;
}

bool hf_evq_pop(hf_evq_t *q, hf_edge_t *out) {
    HF_REQUIRE_LOOP();
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    if (head == tail) {
        return false;
    }
#ifdef HF_TEST_BROKEN_EVQ_RELEASE /* broken: the slot is handed back before it is read */
    atomic_store_explicit(&q->tail, tail + 1u, memory_order_release);
    *out = q->buf[tail & q->mask];
#else
    *out = q->buf[tail & q->mask];
    atomic_store_explicit(&q->tail, tail + 1u, memory_order_release);
#endif
    return true;
}

uint32_t hf_evq_take_dropped(hf_evq_t *q) {
    uint32_t d = atomic_load_explicit(&q->dropped, memory_order_acquire);
    uint32_t n = d - q->dropped_seen;
    q->dropped_seen = d;
    return n;
}

void hf_evq_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)hf_evq_push((hf_evq_t *)arg, t_us, pin, level);
}

/* ---- deferred calls ------------------------------------------------------------------------- */
/* A bounded multi-producer / single-consumer queue. With atomic RMW it is D. Vyukov's bounded
 * queue: each slot carries a sequence number; a producer claims a position with a CAS on
 * `enq`, fills the slot and publishes it by storing seq = pos + 1; the consumer takes slot `deq`
 * when its seq says it is published, and frees it for the next lap with seq = pos + capacity.
 * A producer preempted between its claim and its publish only delays the slots behind it; its
 * own publish wakes the loop again, so nothing is lost. Without RMW the claim runs inside the
 * critical section. */

typedef struct {
    atomic_uint seq; /* stored minus the slot's index, so that all-zero .bss is the empty queue */
    hf_defer_fn_t fn;
    void *arg;
} defer_slot_t;

static struct {
    defer_slot_t slot[HF_CFG_DEFER_CAP];
    atomic_uint enq;
    atomic_uint failures;
    uint32_t deq;
} D;

#define DEFER_MASK (HF_CFG_DEFER_CAP - 1u)

static uint32_t slot_seq(uint32_t pos) {
    return atomic_load_explicit(&D.slot[pos & DEFER_MASK].seq, memory_order_acquire) +
           (pos & DEFER_MASK);
}

static void slot_publish(uint32_t pos, uint32_t seq) {
    atomic_store_explicit(&D.slot[pos & DEFER_MASK].seq, seq - (pos & DEFER_MASK),
                          memory_order_release);
}

void hf__defer_reset(void) {
    memset(&D, 0, sizeof D);
}

static bool defer_claim(uint32_t *pos_out) {
#if HF_CFG_ATOMIC_RMW
    uint32_t pos = atomic_load_explicit(&D.enq, memory_order_relaxed);
    for (;;) {
        int32_t dif = hf_ticks_diff(slot_seq(pos), pos);
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&D.enq, &pos, pos + 1u, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                *pos_out = pos;
                return true;
            }
        } else if (dif < 0) {
            return false; /* the slot one lap back is still unread: full */
        } else {
            pos = atomic_load_explicit(&D.enq, memory_order_relaxed);
        }
    }
#else
    bool ok = false;
    hf_irq_state_t st = hf_port_critical_enter();
    uint32_t pos = atomic_load_explicit(&D.enq, memory_order_relaxed);
    if (slot_seq(pos) == pos) {
        atomic_store_explicit(&D.enq, pos + 1u, memory_order_relaxed);
        *pos_out = pos;
        ok = true;
    }
    hf_port_critical_exit(st);
    return ok;
#endif
}

bool hf_defer(hf_defer_fn_t fn, void *arg) {
    uint32_t pos;
    if (fn == NULL || !defer_claim(&pos)) {
        rmw_add(&D.failures, 1u);
        hf__ready_mark(&hf__ready_poll);
        return false;
    }
    defer_slot_t *s = &D.slot[pos & DEFER_MASK];
#ifdef HF_TEST_BROKEN_DEFER_PUBLISH /* broken: the slot is published before it is written */
    slot_publish(pos, pos + 1u);
#endif
    s->fn = fn;
    s->arg = arg;
#ifndef HF_TEST_BROKEN_DEFER_PUBLISH
    slot_publish(pos, pos + 1u);
#endif
    hf__ready_mark(&hf__ready_defer);
    return true;
}

uint32_t hf_defer_failures(void) {
    return atomic_load_explicit(&D.failures, memory_order_acquire);
}

/* Run the deferred calls published so far, in order. @return how many ran. Loop only. */
uint32_t hf__defer_run(void) {
    uint32_t ran = 0;
    for (;;) {
        if (slot_seq(D.deq) != D.deq + 1u) {
            return ran; /* empty, or the next producer has not published yet */
        }
        defer_slot_t *s = &D.slot[D.deq & DEFER_MASK];
#ifdef HF_TEST_BROKEN_DEFER_RELEASE /* broken: the slot is handed back before it is read */
        slot_publish(D.deq, D.deq + HF_CFG_DEFER_CAP);
#endif
        hf_defer_fn_t fn = s->fn;
        void *arg = s->arg;
#ifndef HF_TEST_BROKEN_DEFER_RELEASE
        slot_publish(D.deq, D.deq + HF_CFG_DEFER_CAP);
#endif
        D.deq++;
        fn(arg);
        ran++;
    }
}
