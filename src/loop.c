/* The event loop: ready queue, wait list, timer heap, deferred calls, tickless sleep. */
#include "handoff/loop.h"

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "handoff/check.h"
#include "handoff/isr.h"
#include "handoff/port.h"
#include "handoff/print.h"
#include "internal.h"

/*
 * Every live task is in exactly one place besides, possibly, the timer heap:
 *   READY    in the ready FIFO (L.ready)
 *   WAITING  in the wait list (HF_AWAIT_UNTIL); polled again after any post or after any task
 *            made progress
 *   PARKED   awaiting one ISR-side object, in no list: the object's post marks the task's node
 *            in the ready set (isr.c), and the loop moves exactly the marked tasks to READY
 *   SLEEPING only in the heap
 *   RUNNING  its step is executing
 * A task is in the timer heap exactly while it sleeps or a timed await of its is under way: the
 * await macros put it there (hf__sleep_until, hf__arm), its time coming or the end of the wait
 * (hf__armed_wait_over) or of the task takes it out. So the heap holds at most one entry per
 * live task, and at most HF_CFG_MAX_TASKS tasks are alive: it can never overflow.
 */
/* A FIFO of tasks linked through hf_task_t.next. */
typedef struct {
    hf_task_t *head, *tail;
} list_t;

static struct {
    /* hot, small fields first: 16-bit Thumb loads and stores reach only small offsets */
    bool progress;  /* a task step changed something a waiting condition may depend on */
    bool running;   /* inside hf_loop_run() or hf_loop_run_until() */
    bool has_limit; /* hf_loop_run_until() runs, up to `limit` */
    list_t ready, wait;
    uint32_t ready_n;
    uint32_t heap_n;
    uint32_t live;
    uint32_t timer_seq;
    hf_task_t *current;
    /* The loop looks at its timers, its millisecond tick and its limit when the clock reaches
     * this tick (on_due). Either the clock has reached it already, or it is no later than the
     * earliest deadline in the heap, the tick by which the millisecond tick must be brought up
     * (KEEP_MS_US after ms_last_us) and the limit of hf_loop_run_until(). It may be earlier than
     * all three: a pass that reaches it finds nothing to do and sets it again. One comparison
     * per pass. Every comparison with it is made while it is ahead of the clock, where both
     * ticks lie within 2^31 us of the clock. */
    hf_ticks_us_t due;
    /* hf_now_ms() state: all zero at start, which makes the first reading now / 1000 */
    hf_ticks_us_t ms_last_us;
    uint32_t ms_rem_us;
    hf_ticks_ms_t ms;
    hf_ticks_us_t limit;
    hf_task_t *heap[HF_CFG_MAX_TASKS + 1u]; /* 1-based: heap[1] is the earliest */
} L;

/* The library's layout options, by name (config.h): a program built with others does not link. */
const char HF__CFG_SYMBOL = 1;

/* ---- lists ---------------------------------------------------------------------------------- */

static void list_push(list_t *l, hf_task_t *t, uint8_t state) {
    t->node.state = state;
    t->next = NULL;
    if (l->tail != NULL) {
        l->tail->next = t;
    } else {
        l->head = t;
    }
    l->tail = t;
}

static void ready_push(hf_task_t *t) {
    list_push(&L.ready, t, HF__ST_READY);
    L.ready_n++;
}

static hf_task_t *ready_pop(void) {
    hf_task_t *t = L.ready.head; /* the caller knows the queue is not empty */
    L.ready_n--;
    L.ready.head = t->next;
    if (L.ready.head == NULL) {
        L.ready.tail = NULL;
    }
    return t;
}

/* Remove t from a list it is in; O(n), used only by cancel and time-outs. */
static void list_unlink(list_t *l, hf_task_t *t) {
    hf_task_t *prev = NULL;
    hf_task_t **link = &l->head;
    while (*link != t) {
        HF_REQUIRE(*link != NULL); /* t is not on this list */
        prev = *link;
        link = &prev->next;
    }
    *link = t->next;
    if (l->tail == t) {
        l->tail = prev;
    }
}

/* Every waiting task goes to the back of the ready queue, in the order it started waiting. */
static void wait_all_to_ready(void) {
    hf_task_t *t = L.wait.head;
    L.wait.head = L.wait.tail = NULL;
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
    t->heap_pos = (hf__heap_pos_t)i;
}

/* Move the task at position i (1-based: the parent of i is i / 2, its children 2i and 2i + 1)
 * up or down to where it belongs. */
static void heap_fix(uint32_t i) {
    hf_task_t *t = L.heap[i];
    while (i > 1u && heap_before(t, L.heap[i / 2u])) {
        heap_place(i, L.heap[i / 2u]);
        i /= 2u;
    }
    for (;;) { /* after a move up, the first comparison ends this: t is before both children */
        uint32_t c = 2u * i;
        if (c > L.heap_n) {
            break;
        }
        if (c < L.heap_n && heap_before(L.heap[c + 1u], L.heap[c])) {
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
    uint32_t i = t->heap_pos;
    if (i == 0u) {
        return;
    }
    t->heap_pos = 0;
    if (i < L.heap_n) { /* the last entry fills the hole */
        heap_place(i, L.heap[L.heap_n]);
        L.heap_n--;
        heap_fix(i);
    } else {
        L.heap_n--;
    }
}

static void heap_insert(hf_task_t *t) {
    t->seq = L.timer_seq++;
    heap_place(++L.heap_n, t);
    heap_fix(L.heap_n);
    /* Bring L.due forward to an earlier deadline. The comparison is valid only while L.due is
     * ahead of the clock (then both lie within 2^31 us of it); once the clock has reached L.due
     * (a removal leaves it early, which is allowed, and a round may pass it), the loop's next
     * pass sets it from the heap anyway. */
    if (hf_ticks_diff(t->deadline, L.due) < 0 && !hf_ticks_reached(hf_port_now_us(), L.due)) {
        L.due = t->deadline;
    }
}

/* ---- task API ------------------------------------------------------------------------------- */

bool hf_task_start(hf_task_t *t, hf_task_fn_t fn, const char *name) {
    HF_REQUIRE_LOOP();
    HF_REQUIRE(hf_task_done(t)); /* still running: cancel it, or await it, first */
    HF_REQUIRE(fn != NULL);
    if (!hf_task_done(t) || fn == NULL || L.live >= HF_CFG_MAX_TASKS) {
        return false;
    }
    t->fn = fn;
    t->name = name != NULL ? name : "?";
    t->pc = 0;
    t->node.flags = 0;
    t->heap_pos = 0;
    L.live++;
    L.progress = true;
    ready_push(t);
    return true;
}

/* The task no longer awaits the object it registered with: the object forgets it (unless another
 * task awaits it now), so that a post never marks a task that has moved on or ended. */
static void park_off(hf_task_t *t) {
    /* only the loop writes waiter fields: a load and a store suffice */
    if (t->on != NULL && atomic_load_explicit(t->on, memory_order_relaxed) == &t->node) {
        atomic_store_explicit(t->on, NULL, memory_order_relaxed);
    }
    t->on = NULL;
}

void hf__park_on(hf_task_t *t, hf__node_t *_Atomic *w) {
    if (atomic_load_explicit(w, memory_order_relaxed) != &t->node) {
        if (t->on != w) {
            park_off(t);
            t->on = w;
        }
        atomic_store_explicit(w, &t->node, memory_order_seq_cst);
        /* the registration before the check of the object (Dekker with hf__post) */
        atomic_thread_fence(memory_order_seq_cst);
    }
}

static void task_finish(hf_task_t *t) {
    park_off(t);
    heap_remove(t);
    t->node.state = HF__ST_IDLE;
    t->node.flags &= (uint8_t)~HF__F_CANCEL_REQ;
    L.live--;
    L.progress = true;
}

/* Run the FINALLY section of t, which is off every list; it leaves the heap at the end. */
static void task_run_cleanup(hf_task_t *t) {
    hf_task_t *outer = L.current;
    t->pc = HF__PC_FINALLY;
    t->node.state = HF__ST_RUNNING;
    L.current = t;
    (void)t->fn(t); /* an await inside FINALLY would return early: the task ends regardless */
    L.current = outer;
    t->node.flags |= HF__F_CANCELLED;
    task_finish(t);
}

bool hf_task_cancel(hf_task_t *t) {
    HF_REQUIRE_LOOP();
    if (t->node.state == HF__ST_RUNNING) {
        if (t != L.current) {
            return false; /* running an outer cleanup already */
        }
        t->node.flags |= HF__F_CANCEL_REQ;
        return true;
    }
    if (t->node.state == HF__ST_IDLE) {
        return false;
    }
    if (t->node.state == HF__ST_READY) {
        list_unlink(&L.ready, t);
        L.ready_n--;
    } else if (t->node.state == HF__ST_WAITING) {
        list_unlink(&L.wait, t);
    } /* else sleeping or parked: only in the heap, if anywhere (a mark left in the ready set
       * finds it idle, and is ignored) */
    task_run_cleanup(t);
    return true;
}

hf_task_t *hf_task_current(void) {
    return L.current;
}

/* A task's deadline is its key in the heap: take it out before changing the key. */
void hf__sleep_until(hf_task_t *t, hf_ticks_us_t tick) {
    heap_remove(t);
    t->deadline = tick;
    heap_insert(t);
}

void hf__arm(hf_task_t *t, hf_ticks_us_t tick) {
    hf__sleep_until(t, tick);
    t->node.flags &= (uint8_t)~HF__F_TIMED_OUT;
}

int hf__armed_wait_over(hf_task_t *t, int cond) {
    if (cond) {
        t->node.flags &= (uint8_t)~HF__F_TIMED_OUT; /* the condition wins over a time-out */
    } else if (!(t->node.flags & HF__F_TIMED_OUT)) {
        return 0;
    }
    heap_remove(t); /* still there when the condition came first */
    return 1;
}

/* ---- time ----------------------------------------------------------------------------------- */

/* Bring the millisecond tick up to the microsecond tick @p now (read by the caller).
 * Elapsed microseconds are accumulated so that the millisecond tick stays exact across the
 * microsecond wrap (2^32 is not a multiple of 1000). From the all-zero state the first call
 * gives now / 1000. */
static hf_ticks_ms_t ms_advance(hf_ticks_us_t now) {
    L.ms_rem_us += now - L.ms_last_us;
    L.ms_last_us = now;
    L.ms += L.ms_rem_us / 1000u;
    L.ms_rem_us %= 1000u;
    return L.ms;
}

/* The loop brings the millisecond tick up at least this often (through L.due), so that no wrap
 * of the microsecond tick goes unseen between two calls of hf_now_ms(), however far apart. */
#define KEEP_MS_US (1u << 30)

/* Set L.due from the heap and the millisecond tick (see L.due). */
static void set_due(void) {
    L.due = L.ms_last_us + KEEP_MS_US;
    if (L.heap_n > 0 && hf_ticks_diff(L.heap[1]->deadline, L.due) < 0) {
        L.due = L.heap[1]->deadline;
    }
}

hf_ticks_ms_t hf_now_ms(void) {
    return ms_advance(hf_port_now_us());
}

/* ---- the loop ------------------------------------------------------------------------------- */

/* Take the ready set's whole stack: the node marked last, or NULL. One exchange, no pop, hence
 * no ABA (isr.c). */
static hf__node_t *ready_take_all(void) {
#if HF_CFG_ATOMIC_RMW
    return atomic_exchange_explicit(&hf__ready_head, NULL, memory_order_acquire);
#else
    hf_irq_state_t s = hf_port_critical_enter();
    hf__node_t *n = atomic_load_explicit(&hf__ready_head, memory_order_relaxed);
    atomic_store_explicit(&hf__ready_head, NULL, memory_order_relaxed);
    hf_port_critical_exit(s);
    return n;
#endif
}

void hf_loop_init(void) {
    memset(&L, 0, sizeof L);
    hf__defer_reset();
    hf__node_t *n = ready_take_all(); /* forget every mark */
    while (n != NULL && n != &hf__ready_end) {
        hf__node_t *next = atomic_load_explicit(&n->next, memory_order_relaxed);
        atomic_store_explicit(&n->next, NULL, memory_order_relaxed);
        n = next;
    }
}

void hf_loop_stop(void) {
    /* the loop finds the request where it finds every post */
    hf__ready_mark(&hf__ready_stop);
}

static void report_hog(hf_task_t *t, uint32_t us) {
    t->node.flags |= HF__F_HOG_REPORTED;
    hf_log("hog: task '%s' ran %lu.%03lu ms without awaiting (limit %lu.%03lu ms)", t->name,
           (unsigned long)(us / 1000u), (unsigned long)(us % 1000u),
           (unsigned long)(HF_CFG_HOG_US / 1000u), (unsigned long)(HF_CFG_HOG_US % 1000u));
}

/* Run one step of t, which starts at tick t0, and file it according to what it awaits next.
 * @return the tick at which the step ended (the next step's start: one clock read per step). */
static hf_ticks_us_t run_step(hf_task_t *t, hf_ticks_us_t t0) {
    t->node.state = HF__ST_RUNNING;
    L.current = t;
    int r;
    do {
        r = t->fn(t);
    } while (r == HF__AGAIN && !(t->node.flags & HF__F_CANCEL_REQ));
    hf_ticks_us_t t1 = hf_port_now_us(); /* L.current stays t until the round ends */
    if (t1 - t0 > HF_CFG_HOG_US && !(t->node.flags & HF__F_HOG_REPORTED)) {
        L.current = NULL; /* the report runs outside the step */
        report_hog(t, t1 - t0);
    }
    if (t->node.flags & HF__F_CANCEL_REQ) {
        if (r == HF__DONE) { /* it ran through FINALLY on its own: not twice */
            t->node.flags |= HF__F_CANCELLED;
            task_finish(t);
            return t1;
        }
        task_run_cleanup(t);
        return hf_port_now_us(); /* after the FINALLY, which may have read the clock */
    }
    if (!(r & HF__IDLE)) {
        L.progress = true;
    }
    r &= ~HF__IDLE;
    if (r == HF__PARK) { /* the common case first */
        t->node.state = HF__ST_PARKED;
        return t1;
    }
    switch (r) {
    case HF__SLEEP:
        t->node.state = HF__ST_SLEEPING;
        break;
    case HF__WAIT:
        list_push(&L.wait, t, HF__ST_WAITING);
        break;
    case HF__YIELD:
        ready_push(t);
        break;
    default: /* HF__DONE */
        task_finish(t);
        break;
    }
    return t1;
}

/* The clock reached L.due at @p now: bring the millisecond tick up if it is KEEP_MS_US behind,
 * move every task whose deadline has come by @p until (now, or the loop's limit if earlier) to
 * the ready queue, and set L.due again: no later than the limit, and to now once the limit is
 * reached (so that every pass comes back here until the loop returns).
 * @return true when the loop has a limit and now has reached it. */
static bool on_due(hf_ticks_us_t now) {
    if (now - L.ms_last_us >= KEEP_MS_US) {
        (void)ms_advance(now);
    }
    bool at_limit = L.has_limit && hf_ticks_reached(now, L.limit);
    hf_ticks_us_t until = at_limit ? L.limit : now; /* run only what was due by the limit */
    while (L.heap_n > 0 && hf_ticks_reached(until, L.heap[1]->deadline)) {
        hf_task_t *t = L.heap[1];
        heap_remove(t);
        if (t->node.state != HF__ST_SLEEPING) {
            t->node.flags |= HF__F_TIMED_OUT; /* a timed await; a waiter already queued to re-check
                                               * (READY) times out there */
        }
        if (t->node.state == HF__ST_WAITING) {
            list_unlink(&L.wait, t);
        }
        if (t->node.state != HF__ST_READY) {
            ready_push(t);
        }
    }
    set_due();
    if (at_limit) {
        L.due = now; /* every pass looks again until the loop returns */
    } else if (L.has_limit && hf_ticks_diff(L.limit, L.due) < 0) {
        L.due = L.limit; /* ahead of the clock, as L.due is: the comparison is valid */
    }
    return at_limit;
}

enum { TOOK_DEFERRED = 1, TOOK_STOP = 2 };

/* Take the ready set, which is not empty: the deferred calls run now, a parked task that was
 * marked becomes ready, in the order of marking. Any post is also a reason to check the polled
 * waiters again. The stack is reversed in place into the order of marking while its nodes are
 * still marked (no poster touches a marked node); each node is unmarked just before the loop
 * acts on it: a post that lands after the unmark marks it again, so the task runs once more,
 * never zero times.
 * @return TOOK_DEFERRED when deferred calls ran (they take their own time: the clock must be
 *         read again), plus TOOK_STOP when hf_loop_stop() was called. */
static unsigned take_marked(void) {
    hf__node_t *n = ready_take_all();
    hf__node_t *fifo = &hf__ready_end;
    while (n != &hf__ready_end) {
        hf__node_t *next = atomic_load_explicit(&n->next, memory_order_relaxed);
        atomic_store_explicit(&n->next, fifo, memory_order_relaxed);
        fifo = n;
        n = next;
    }
    unsigned took = 0;
    L.progress = true;
    for (n = fifo; n != &hf__ready_end;) {
        hf__node_t *next = atomic_load_explicit(&n->next, memory_order_relaxed);
        atomic_store_explicit(&n->next, NULL, memory_order_relaxed);
        /* the unmark before the task's next look at its object (Dekker with hf__post) */
        atomic_thread_fence(memory_order_seq_cst);
        if (n->state == HF__ST_PARKED) { /* the loop's own nodes are never in that state */
            ready_push((hf_task_t *)(void *)((char *)n - offsetof(hf_task_t, node)));
        } else if (n == &hf__ready_defer) {
            (void)hf__defer_run();
            took |= TOOK_DEFERRED;
        } else if (n == &hf__ready_stop) {
            took |= TOOK_STOP;
        } /* else hf__ready_poll (the polled waiters are checked again: progress), or a task no
           * longer parked (it timed out, was cancelled or ended) */
        n = next;
    }
    return took;
}

/* @return true when some node of the ready set is marked. A peek: a mark that it misses wakes
 * the sleep that follows (the port's handshake). */
static bool ready_pending(void) {
    return atomic_load_explicit(&hf__ready_head, memory_order_relaxed) != NULL;
}

/* The loop proper: returns true at hf_loop_stop(); with has_limit, false once nothing is due
 * at or before limit. `now` is always a recent reading of the clock: taken at the start, after
 * each sleep and after deferred calls, and the end of the last task step after a round.
 * Each pass costs four loads when there is nothing to do: the ready set, the polled waiters,
 * L.due (the earliest timer, the millisecond tick and the limit in one), the ready queue. */
static bool loop_run(bool has_limit, hf_ticks_us_t limit) {
    HF_REQUIRE_LOOP();
    HF_REQUIRE(!L.running); /* not from a task step or a deferred call: the loop runs already */
    L.running = true;
    L.has_limit = has_limit;
    L.limit = limit;
    hf_ticks_us_t now = hf_port_now_us();
    L.due = now; /* the first pass looks at the timers and the millisecond tick */
    for (;;) {
        if (ready_pending()) {
            unsigned took = take_marked();
            if (took != 0u) { /* the loop's own nodes: rare */
                if (took & TOOK_STOP) {
                    L.running = false;
                    return true;
                }
                now = hf_port_now_us(); /* TOOK_DEFERRED */
            }
        }
        /* Polled conditions are checked again after progress (a post counts as progress). */
        if (L.wait.head != NULL && L.progress) {
            L.progress = false;
            wait_all_to_ready();
        }
        /* Until the clock reaches L.due, it has not reached the limit; after, on_due() says. */
        bool at_limit = false;
        if (hf_ticks_reached(now, L.due)) {
            at_limit = on_due(now);
        }
        if (L.ready.head != NULL) {
            /* One round: each task that is ready now runs once; tasks made ready during the
             * round (a yield, a start) wait for the next one, after timers and signals. */
            for (uint32_t n = L.ready_n; n > 0 && L.ready.head != NULL; n--) {
                now = run_step(ready_pop(), now);
            }
            L.current = NULL; /* only the loop ran between the round's steps */
            continue;
        }
        /* Nothing ran since now was read: it is still the time to judge by. */
        if (at_limit) {
            L.running = false;
            return false;
        }
        /* L.due is at most KEEP_MS_US ahead: a loop with nothing to do still wakes often enough
         * to keep the millisecond tick. A post since the look at the top (by a deferred call,
         * say) called hf_port_wake(), which makes this sleep return at once; so does an ISR that
         * posts after it: see the port's comment on lost wake-ups. */
        hf_ticks_us_t deadline = L.due;
        hf_port_sleep(deadline, true);
        now = hf_port_now_us();
    }
}

void hf_loop_run(void) {
    (void)loop_run(false, 0);
}

bool hf_loop_run_until(hf_ticks_us_t deadline) {
    return loop_run(true, deadline);
}
