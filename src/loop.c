/* The event loop: ready queue, wait list, timer heap, deferred calls, tickless sleep. */
#include "handoff/loop.h"

#include <stdatomic.h>
#include <stddef.h>

#include "handoff/isr.h"
#include "handoff/port.h"
#include "handoff/print.h"
#include "internal.h"

/*
 * Every live task is in exactly one place besides, possibly, the timer heap:
 *   READY    in the ready FIFO (ready_head .. ready_tail)
 *   WAITING  in the wait list; polled again after a signal from an ISR-side object or after
 *            any task made progress; in the heap too while a timed await is armed
 *   SLEEPING only in the heap
 *   RUNNING  its step is executing
 * The heap holds at most one entry per live task, and at most HF_CFG_MAX_TASKS tasks are alive,
 * so it can never overflow.
 */
static struct {
    hf_task_t *ready_head, *ready_tail;
    uint32_t ready_n;
    hf_task_t *wait_head, *wait_tail;
    hf_task_t *heap[HF_CFG_MAX_TASKS];
    uint32_t heap_n;
    uint32_t live;
    uint32_t timer_seq;
    hf_task_t *current;
    bool progress; /* a task step changed something a waiting condition may depend on */
    /* hf_now_ms() state */
    hf_ticks_us_t ms_last_us;
    uint32_t ms_rem_us;
    hf_ticks_ms_t ms;
    bool ms_started;
} L;

/* Set by ISR-side producers (hf__signal), cleared by the loop before it re-polls waiters.
 * A plain store on both sides: a producer's data is written before its store of 1, and the loop
 * clears the flag before it looks at the data, so a post is either seen by this poll or leaves
 * the flag set for the next one. */
static atomic_uint g_signal;
static atomic_uint g_stop;

void hf__signal(void) {
    atomic_store_explicit(&g_signal, 1u, memory_order_seq_cst);
    hf_port_wake();
}

/* ---- lists ---------------------------------------------------------------------------------- */

static void ready_push(hf_task_t *t) {
    t->state = HF__ST_READY;
    t->next = NULL;
    if (L.ready_tail != NULL) {
        L.ready_tail->next = t;
    } else {
        L.ready_head = t;
    }
    L.ready_tail = t;
    L.ready_n++;
}

static hf_task_t *ready_pop(void) {
    hf_task_t *t = L.ready_head;
    if (t != NULL) {
        L.ready_n--;
        L.ready_head = t->next;
        if (L.ready_head == NULL) {
            L.ready_tail = NULL;
        }
        t->next = NULL;
    }
    return t;
}

static void wait_push(hf_task_t *t) {
    t->state = HF__ST_WAITING;
    t->next = NULL;
    if (L.wait_tail != NULL) {
        L.wait_tail->next = t;
    } else {
        L.wait_head = t;
    }
    L.wait_tail = t;
}

/* Remove t from a singly linked list; O(n), used only by cancel and time-outs. */
static void list_unlink(hf_task_t **head, hf_task_t **tail, hf_task_t *t) {
    hf_task_t *prev = NULL;
    for (hf_task_t *p = *head; p != NULL; prev = p, p = p->next) {
        if (p == t) {
            if (prev != NULL) {
                prev->next = t->next;
            } else {
                *head = t->next;
            }
            if (*tail == t) {
                *tail = prev;
            }
            t->next = NULL;
            return;
        }
    }
}

/* Every waiting task goes to the back of the ready queue, in the order it started waiting. */
static void wait_all_to_ready(void) {
    hf_task_t *t = L.wait_head;
    L.wait_head = L.wait_tail = NULL;
    while (t != NULL) {
        hf_task_t *next = t->next;
        ready_push(t);
        t = next;
    }
}

/* ---- timer heap: a binary min-heap on (deadline, seq), positions kept in the tasks ---------- */

static bool heap_before(const hf_task_t *a, const hf_task_t *b) {
    int32_t d = hf_ticks_diff(a->deadline, b->deadline);
    return d < 0 || (d == 0 && hf_ticks_diff(a->seq, b->seq) < 0);
}

static void heap_place(uint32_t i, hf_task_t *t) {
    L.heap[i] = t;
    t->heap_pos = (hf__heap_pos_t)(i + 1u);
}

static void heap_sift_up(uint32_t i) {
    hf_task_t *t = L.heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1u) / 2u;
        if (!heap_before(t, L.heap[parent])) {
            break;
        }
        heap_place(i, L.heap[parent]);
        i = parent;
    }
    heap_place(i, t);
}

static void heap_sift_down(uint32_t i) {
    hf_task_t *t = L.heap[i];
    for (;;) {
        uint32_t c = 2u * i + 1u;
        if (c >= L.heap_n) {
            break;
        }
        if (c + 1u < L.heap_n && heap_before(L.heap[c + 1u], L.heap[c])) {
            c++;
        }
        if (!heap_before(L.heap[c], t)) {
            break;
        }
        heap_place(i, L.heap[c]);
        i = c;
    }
    heap_place(i, t);
}

static void heap_remove(hf_task_t *t) {
    if (t->heap_pos == 0) {
        return;
    }
    uint32_t i = t->heap_pos - 1u;
    t->heap_pos = 0;
    L.heap_n--;
    if (i == L.heap_n) {
        return;
    }
    heap_place(i, L.heap[L.heap_n]);
    heap_sift_down(i);
    heap_sift_up(L.heap[i]->heap_pos - 1u);
}

static void heap_insert(hf_task_t *t) {
    t->seq = L.timer_seq++;
    heap_place(L.heap_n, t);
    L.heap_n++;
    heap_sift_up(L.heap_n - 1u);
}

/* ---- task API ------------------------------------------------------------------------------- */

static bool task_live(const hf_task_t *t) {
    return t->state != HF__ST_IDLE;
}

bool hf_task_start(hf_task_t *t, hf_task_fn_t fn, const char *name) {
    if (task_live(t) || fn == NULL || L.live >= HF_CFG_MAX_TASKS) {
        return false;
    }
    t->fn = fn;
    t->name = name != NULL ? name : "?";
    t->pc = 0;
    t->flags = 0;
    t->heap_pos = 0;
    L.live++;
    L.progress = true;
    ready_push(t);
    return true;
}

static void task_finish(hf_task_t *t) {
    heap_remove(t);
    t->state = HF__ST_IDLE;
    t->flags &= (uint8_t) ~(HF__F_ARMED | HF__F_CANCEL_REQ);
    t->next = NULL;
    L.live--;
    L.progress = true;
}

/* Run the FINALLY section of t (already off every list and out of the heap). */
static void task_run_cleanup(hf_task_t *t) {
    hf_task_t *outer = L.current;
    t->pc = HF__PC_FINALLY;
    t->state = HF__ST_RUNNING;
    L.current = t;
    (void)t->fn(t); /* an await inside FINALLY would return early: the task ends regardless */
    L.current = outer;
    t->flags |= HF__F_CANCELLED;
    task_finish(t);
}

bool hf_task_cancel(hf_task_t *t) {
    switch (t->state) {
    case HF__ST_IDLE:
        return false;
    case HF__ST_RUNNING:
        if (t == L.current) {
            t->flags |= HF__F_CANCEL_REQ;
            return true;
        }
        return false; /* running an outer cleanup already */
    case HF__ST_READY:
        list_unlink(&L.ready_head, &L.ready_tail, t);
        L.ready_n--;
        break;
    case HF__ST_WAITING:
        list_unlink(&L.wait_head, &L.wait_tail, t);
        break;
    default: /* sleeping: only in the heap */
        break;
    }
    heap_remove(t);
    task_run_cleanup(t);
    return true;
}

bool hf_task_done(const hf_task_t *t) {
    return !task_live(t);
}

bool hf_task_cancelled(const hf_task_t *t) {
    return !task_live(t) && (t->flags & HF__F_CANCELLED) != 0;
}

hf_task_t *hf_task_current(void) {
    return L.current;
}

/* A task's deadline is its key in the heap: take it out before changing the key. */
void hf__sleep_until(hf_task_t *t, hf_ticks_us_t tick) {
    heap_remove(t);
    t->deadline = tick;
}

void hf__arm(hf_task_t *t, hf_ticks_us_t tick) {
    heap_remove(t);
    t->deadline = tick;
    t->flags = (uint8_t)((t->flags | HF__F_ARMED) & ~HF__F_TIMED_OUT);
}

int hf__armed_wait_over(hf_task_t *t, int cond) {
    if (cond) {
        t->flags &= (uint8_t) ~(HF__F_ARMED | HF__F_TIMED_OUT);
        return 1;
    }
    if (t->flags & HF__F_TIMED_OUT) {
        t->flags &= (uint8_t)~HF__F_ARMED;
        return 1;
    }
    return 0;
}

/* ---- time ----------------------------------------------------------------------------------- */

hf_ticks_us_t hf_now_us(void) {
    return hf_port_now_us();
}

/* Bring the millisecond tick up to the microsecond tick @p now (read by the caller). */
static hf_ticks_ms_t ms_advance(hf_ticks_us_t now) {
    if (!L.ms_started) {
        L.ms_started = true;
        L.ms_last_us = now;
        L.ms = now / 1000u;
        L.ms_rem_us = now % 1000u;
        return L.ms;
    }
    /* Accumulate elapsed microseconds so the millisecond tick stays exact across the
     * microsecond wrap (2^32 is not a multiple of 1000). */
    L.ms_rem_us += now - L.ms_last_us;
    L.ms_last_us = now;
    L.ms += L.ms_rem_us / 1000u;
    L.ms_rem_us %= 1000u;
    return L.ms;
}

hf_ticks_ms_t hf_now_ms(void) {
    return ms_advance(hf_port_now_us());
}

/* ---- the loop ------------------------------------------------------------------------------- */

void hf_loop_init(void) {
    L.ready_head = L.ready_tail = NULL;
    L.ready_n = 0;
    L.wait_head = L.wait_tail = NULL;
    L.heap_n = 0;
    L.live = 0;
    L.timer_seq = 0;
    L.current = NULL;
    L.progress = false;
    L.ms_started = false;
    hf__defer_reset();
    atomic_store(&g_signal, 0u);
    atomic_store(&g_stop, 0u);
}

void hf_loop_stop(void) {
    atomic_store_explicit(&g_stop, 1u, memory_order_seq_cst);
    hf_port_wake();
}

static void report_hog(hf_task_t *t, uint32_t us) {
    t->flags |= HF__F_HOG_REPORTED;
    hf_log("hog: task '%s' ran %lu.%03lu ms without awaiting (limit %lu.%03lu ms)", t->name,
           (unsigned long)(us / 1000u), (unsigned long)(us % 1000u),
           (unsigned long)(HF_CFG_HOG_US / 1000u), (unsigned long)(HF_CFG_HOG_US % 1000u));
}

/* Run one step of t, which starts at tick t0, and file it according to what it awaits next.
 * @return the tick at which the step ended (the next step's start: one clock read per step). */
static hf_ticks_us_t run_step(hf_task_t *t, hf_ticks_us_t t0) {
    t->state = HF__ST_RUNNING;
    L.current = t;
    int r = t->fn(t);
    while (r == HF__AGAIN && !(t->flags & HF__F_CANCEL_REQ)) {
        r = t->fn(t);
    }
    hf_ticks_us_t t1 = hf_port_now_us();
    uint32_t took = t1 - t0;
    L.current = NULL;
    if (took > HF_CFG_HOG_US && !(t->flags & HF__F_HOG_REPORTED)) {
        report_hog(t, took);
    }
    if (t->flags & HF__F_CANCEL_REQ) {
        heap_remove(t);
        if (r == HF__DONE) { /* it ran through FINALLY on its own: not twice */
            t->flags |= HF__F_CANCELLED;
            task_finish(t);
        } else {
            task_run_cleanup(t);
        }
        return t1;
    }
    if (r == HF__WAIT_IDLE) {
        r = HF__WAIT;
    } else {
        L.progress = true;
    }
    switch (r) {
    case HF__YIELD:
        heap_remove(t);
        ready_push(t);
        break;
    case HF__SLEEP:
        if (t->heap_pos == 0) {
            heap_insert(t);
        }
        t->state = HF__ST_SLEEPING;
        break;
    case HF__WAIT:
        if (!(t->flags & HF__F_ARMED)) {
            heap_remove(t);
        } else if (t->heap_pos == 0) {
            heap_insert(t); /* newly armed; a wait still under way keeps its place */
        }
        wait_push(t);
        break;
    default: /* HF__DONE */
        task_finish(t);
        break;
    }
    return t1;
}

/* Move every task whose deadline has come to the ready queue. */
static void expire_timers(hf_ticks_us_t now) {
    while (L.heap_n > 0 && hf_ticks_reached(now, L.heap[0]->deadline)) {
        hf_task_t *t = L.heap[0];
        heap_remove(t);
        if (t->state == HF__ST_WAITING) {
            list_unlink(&L.wait_head, &L.wait_tail, t);
            t->flags |= HF__F_TIMED_OUT;
            ready_push(t);
        } else if (t->state == HF__ST_READY) {
            t->flags |= HF__F_TIMED_OUT; /* a waiter already queued to re-check: it times out */
        } else {
            ready_push(t);
        }
    }
}

static bool take_signal(void) {
    if (atomic_load_explicit(&g_signal, memory_order_seq_cst) == 0u) {
        return false;
    }
    atomic_store_explicit(&g_signal, 0u, memory_order_seq_cst);
    return true;
}

/* The loop proper. With has_limit, returns once nothing is due at or before limit. */
static bool loop_run(bool has_limit, hf_ticks_us_t limit) {
    hf_ticks_us_t now = 0;
    bool now_fresh = false; /* now is the end of the last task step, read moments ago */
    for (;;) {
        if (atomic_load_explicit(&g_stop, memory_order_acquire) != 0u) {
            atomic_store(&g_stop, 0u);
            return true;
        }
        if (hf__defer_run() > 0) {
            L.progress = true;
            now_fresh = false; /* deferred calls take their own time */
        }
        bool signalled = take_signal();
        if (signalled || L.progress) {
            L.progress = false;
            wait_all_to_ready();
        }
        if (!now_fresh) {
            now = hf_port_now_us();
        }
        now_fresh = false;
        (void)ms_advance(now); /* keep the millisecond tick in step with every wrap */
        /* Run only what was due by the limit. */
        expire_timers(has_limit && hf_ticks_diff(now, limit) > 0 ? limit : now);
        if (L.ready_head != NULL) {
            /* One round: each task that is ready now runs once; tasks made ready during the
             * round (a yield, a start) wait for the next one, after timers and signals. */
            for (uint32_t n = L.ready_n; n > 0 && L.ready_head != NULL; n--) {
                now = run_step(ready_pop(), now);
            }
            now_fresh = true;
            continue;
        }
        if (L.progress || atomic_load_explicit(&g_signal, memory_order_seq_cst) != 0u) {
            continue;
        }
        /* Nothing ran since now was read: it is still the time to judge by. */
        if (has_limit && hf_ticks_reached(now, limit)) {
            return false;
        }
        /* With no timer, still wake within half the tick period, so that hf_now_ms() sees
         * every wrap of the microsecond counter. */
        bool has_deadline = true;
        hf_ticks_us_t deadline = L.heap_n > 0 ? L.heap[0]->deadline : hf_ticks_add(now, INT32_MAX);
        if (has_limit && (!has_deadline || hf_ticks_diff(limit, deadline) < 0)) {
            deadline = limit;
            has_deadline = true;
        }
        /* An ISR that posts after the checks above calls hf_port_wake(), which makes this
         * sleep return at once: see the port's comment on lost wake-ups. */
        hf_port_sleep(deadline, has_deadline);
    }
}

void hf_loop_run(void) {
    (void)loop_run(false, 0);
}

bool hf_loop_run_until(hf_ticks_us_t deadline) {
    return loop_run(true, deadline);
}
