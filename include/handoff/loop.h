/**
 * @file loop.h
 * @brief The event loop and its tasks: stackless coroutines that read like MicroPython's
 *        `async def`, timers, awaits with time-outs, and cancellation.
 *
 * A task is a function plus an hf_task_t (its resume point and scheduling state, 36 bytes on a
 * 32-bit core). Usually the hf_task_t is the first member of a struct holding the task's own
 * state:
 *
 * @code
 * typedef struct { hf_task_t task; int i; } blink_t;   // state that survives an await
 *
 * static int blink(hf_task_t *self) {
 *     blink_t *b = (blink_t *)self;
 *     HF_TASK_BEGIN(self);
 *     for (b->i = 0; b->i < 10; b->i++) {
 *         hf_gpio_write(HF_PIN_LED, b->i & 1);
 *         HF_AWAIT_MS(500);                             // await asyncio.sleep_ms(500)
 *     }
 *     HF_FINALLY;                                      // runs on completion and on cancel
 *     hf_gpio_write(HF_PIN_LED, 0);
 *     HF_TASK_END();
 * }
 * ...
 * static blink_t b;
 * hf_task_start(&b.task, blink, "blink");              // asyncio.create_task(blink())
 * hf_loop_run();                                       // asyncio.run(...)
 * @endcode
 *
 * Rules that come from being stackless (as in Contiki's protothreads):
 * - **Local variables do not survive an await.** Keep anything needed after an await in the
 *   task's struct (or in static storage).
 * - The task body is one big `switch`: do not put an await inside a `switch` of your own, and
 *   do not put two awaits on one source line.
 * - Awaits may appear only in the task function itself, not in functions it calls; to await a
 *   sub-sequence, make it a task and HF_AWAIT_TASK() it.
 * - The HF_FINALLY section runs when the task ends normally and when it is cancelled; it must not
 *   await.
 *
 * All functions here are loop only (call them from tasks, deferred calls or main before
 * hf_loop_run()), except where marked @isr_ok.
 */
#ifndef HANDOFF_LOOP_H
#define HANDOFF_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "config.h"
#include "isr.h"
#include "port.h"
#include "ticks.h"

typedef struct hf_task hf_task_t;

/* A task's position in the 1-based timer heap: 16 bits unless more tasks are configured. */
#if HF_CFG_MAX_TASKS > 65535u
typedef uint32_t hf__heap_pos_t;
#else
typedef uint16_t hf__heap_pos_t;
#endif

/** A task's step function: built with HF_TASK_BEGIN ... HF_TASK_END, returns an HF__ code. */
typedef int (*hf_task_fn_t)(hf_task_t *self);

/** A task: scheduling state only; treat the fields as private. */
struct hf_task {
    hf_task_fn_t fn;         /**< step function */
    const char *name;        /**< for reports (hog detection) */
    hf_task_t *next;         /**< link in the ready queue or the wait list */
    hf__node_t node;         /**< its node in the ready set (marked by a post); its state, flags */
    hf__node_t *_Atomic *on; /**< waiter field of the object it last awaited, or NULL */
    hf_ticks_us_t deadline;  /**< wake-up tick while in the timer heap */
    uint32_t seq;            /**< timer order among equal deadlines (first armed, first run) */
    uint16_t pc;             /**< resume point: a source line, 0 at start */
    hf__heap_pos_t heap_pos; /**< position in the 1-based timer heap, 0 when not in it */
};

/** Static initialiser for a task that has not started (hf_task_done() is true). */
#define HF_TASK_INIT                                                                               \
    { 0 }

/**
 * Start task @p t running @p fn from its beginning (asyncio.create_task). It first runs on the
 * loop's next round, after the tasks already ready.
 * Loop only (HF_REQUIRE: not in an interrupt handler). Starting a task that is still running,
 * or with no function, is misuse: HF_REQUIRE stops the program there (check.h); with
 * HF_CFG_CHECKS 0 it returns false instead and the task is not restarted.
 * @param name shown in reports; must outlive the task (a string literal)
 * @return false if HF_CFG_MAX_TASKS tasks are alive (nothing is started: the caller must
 *         handle it), true otherwise.
 */
bool hf_task_start(hf_task_t *t, hf_task_fn_t fn, const char *name);

/**
 * Cancel task @p t: it is taken off every queue and its HF_FINALLY section runs at once, here
 * (so an LED it drives is never left half-way); afterwards hf_task_done() is true. A task may
 * cancel itself: its step ends at its next await and then the FINALLY section runs.
 * @return true if the task was running, false if it had already ended (nothing happens).
 */
bool hf_task_cancel(hf_task_t *t);

/** @return true when @p t has not started, has ended, or was cancelled. */
static inline bool hf_task_done(const hf_task_t *t);

/** @return true when @p t ended by hf_task_cancel() (until it is started again). */
static inline bool hf_task_cancelled(const hf_task_t *t);

/** @return the task whose step is running, or NULL outside task steps. */
hf_task_t *hf_task_current(void);

/** Forget all tasks, timers, deferred calls and pending signals: a fresh loop (for tests, and
 * for restarting an application). Tasks must not be running. A program need not call it before
 * its first run: the loop starts fresh from its zeroed static state (tests/unit/test_noinit.c). */
void hf_loop_init(void);

/** Run the loop until hf_loop_stop() (for a firmware main, forever). Loop only, and not while
 * the loop runs (from a task step or a deferred call): both are checked (check.h). */
void hf_loop_run(void);

/**
 * Run the loop until the tick @p deadline (at most 2^31 - 1 us ahead): everything due at or
 * before it runs, then it returns. Called again, it carries on where it stopped. Loop only, and
 * not while the loop runs: both are checked (check.h).
 * @return true if it returned because of hf_loop_stop(), false at the deadline.
 */
bool hf_loop_run_until(hf_ticks_us_t deadline);

/** Make hf_loop_run()/hf_loop_run_until() return after the current step. @isr_ok */
void hf_loop_stop(void);

/** Current microsecond tick (the port's clock). @isr_ok */
static inline hf_ticks_us_t hf_now_us(void) {
    return hf_port_now_us();
}

/** Current millisecond tick (time.ticks_ms()): counts whole milliseconds since start and wraps
 * every 2^32 ms. Loop only. */
hf_ticks_ms_t hf_now_ms(void);

/* ---- the await macros ----------------------------------------------------------------------- */

/** Open a task body; @p self is the hf_task_t * argument of the step function. */
#define HF_TASK_BEGIN(self)                                                                        \
    hf_task_t *const hf__t = (self);                                                               \
    int hf__fresh = 1; /* still at the await this step resumed: nothing done yet */                \
    (void)hf__fresh;                                                                               \
    switch (hf__t->pc) {                                                                           \
    case 0:

/** Mark the start of the clean-up section (asyncio's `finally`): runs when the body ends, returns
 * with HF_RETURN(), or the task is cancelled. Must not await. Optional; at most one. */
#define HF_FINALLY                                                                                 \
    HF__FALLTHROUGH;                                                                               \
    case HF__PC_FINALLY:                                                                           \
        hf__t->pc = HF__PC_FINALLY

/** Close a task body. */
#define HF_TASK_END()                                                                              \
    }                                                                                              \
    hf__t->pc = HF__PC_FINALLY;                                                                    \
    return HF__DONE

/** End the task now (`return` in an async def); the FINALLY section still runs. */
#define HF_RETURN()                                                                                \
    do {                                                                                           \
        hf__t->pc = HF__PC_FINALLY;                                                                \
        return HF__AGAIN;                                                                          \
    } while (0)

/** Let every other ready task run once, then continue (await asyncio.sleep_ms(0)). */
#define HF_YIELD()                                                                                 \
    do {                                                                                           \
        HF__LINE_OK();                                                                             \
        hf__t->pc = __LINE__;                                                                      \
        return HF__YIELD;                                                                          \
    case __LINE__:;                                                                                \
    } while (0)

/** Sleep until the microsecond tick @p tick (a deadline in the past resumes on the next round). */
#define HF_AWAIT_TICK_US(tick)                                                                     \
    do {                                                                                           \
        hf__sleep_until(hf__t, (tick));                                                            \
        HF__LINE_OK();                                                                             \
        hf__t->pc = __LINE__;                                                                      \
        return HF__SLEEP;                                                                          \
    case __LINE__:;                                                                                \
    } while (0)

/* The tick @p us microseconds (at most HF__MAX_US) or @p ms milliseconds (at most HF__MAX_MS)
 * from now; a longer one is a compile-time error when constant, a precondition otherwise. */
#define HF__AFTER_US(us) hf_ticks_add(hf_now_us(), (int32_t)HF__CHECKED(us, HF__MAX_US))
#define HF__AFTER_MS(ms) hf_ticks_add(hf_now_us(), (int32_t)(HF__CHECKED(ms, HF__MAX_MS) * 1000u))

/** Sleep @p us microseconds from now (await asyncio.sleep_us); up to 2147483647 us. */
#define HF_AWAIT_US(us) HF_AWAIT_TICK_US(HF__AFTER_US(us))

/** Sleep @p ms milliseconds from now (await asyncio.sleep_ms); up to 2147483 ms. */
#define HF_AWAIT_MS(ms) HF_AWAIT_TICK_US(HF__AFTER_MS(ms))

/* Every await but a sleep: run @p setup, store the resume point, then (now, and each time the
 * task resumes here) test @p done; while it is false, return @p result (HF__WAIT or HF__PARK),
 * plus HF__IDLE when the step did nothing else. */
#define HF__AWAIT(setup, done, result)                                                             \
    do {                                                                                           \
        setup;                                                                                     \
        HF__LINE_OK();                                                                             \
        hf__t->pc = __LINE__;                                                                      \
        hf__fresh = 0;                                                                             \
        HF__FALLTHROUGH;                                                                           \
    case __LINE__:                                                                                 \
        if (!(done))                                                                               \
            return (result) + hf__fresh * HF__IDLE;                                                \
    } while (0)

/** Wait until @p cond is true: the polled await. It is checked now, and again whenever an
 * ISR-side object was posted or any task step made progress (did more than find its own
 * condition false), so a condition on variables that other tasks change works; it may have
 * side effects only when true. To wait for one ISR-side object, HF_AWAIT_FLAG, HF_AWAIT_EVQ and
 * HF_AWAIT_COUNTER cost less: the task runs exactly when its object is posted. */
#define HF_AWAIT_UNTIL(cond) HF__AWAIT((void)0, cond, HF__WAIT)

/** Like HF_AWAIT_UNTIL, giving up at the microsecond tick @p tick: afterwards HF_TIMED_OUT() is
 * true if @p cond was still false then. */
#define HF_AWAIT_UNTIL_TICK_US(cond, tick)                                                         \
    HF__AWAIT(hf__arm(hf__t, (tick)), hf__armed_wait_over(hf__t, (cond) ? 1 : 0), HF__WAIT)

/** HF_AWAIT_UNTIL with a time-out of @p ms milliseconds (asyncio.wait_for_ms); see
 * HF_TIMED_OUT(). */
#define HF_AWAIT_UNTIL_TIMEOUT_MS(cond, ms) HF_AWAIT_UNTIL_TICK_US(cond, HF__AFTER_MS(ms))

/** True after a timed await that ended by its time-out, false after one that ended by its
 * condition. */
#define HF_TIMED_OUT() ((hf__t->node.flags & HF__F_TIMED_OUT) != 0)

/* An await on one ISR-side object whose waiter field is @p w: the task registers as the
 * object's waiter, then checks @p cond; it runs again only when the object is posted (or its
 * time-out comes). */
#define HF__AWAIT_OBJ(w, cond) HF__AWAIT(HF__PARK_ON(w), cond, HF__PARK)
#define HF__AWAIT_OBJ_TICK_US(w, cond, tick)                                                       \
    HF__AWAIT((hf__arm(hf__t, (tick)), HF__PARK_ON(w)),                                            \
              hf__armed_wait_over(hf__t, (cond) ? 1 : 0), HF__PARK)
/* Register as the waiter of @p w; a task that awaits the same object again is registered
 * already, and its earlier registration's fence still stands (isr.c). */
#define HF__PARK_ON(w)                                                                             \
    (atomic_load_explicit((w), memory_order_relaxed) == &hf__t->node ? (void)0                     \
                                                                     : hf__park_on(hf__t, (w)))

/** Wait for flag @p f and take (clear) it (await ThreadSafeFlag.wait()). One task at a time
 * awaits a given flag (the flag knows its one waiter). */
#define HF_AWAIT_FLAG(f) HF__AWAIT_OBJ(&(f)->waiter, HF__FLAG_TAKE(f))
/** HF_AWAIT_FLAG, giving up at the microsecond tick @p tick; see HF_TIMED_OUT(). */
#define HF_AWAIT_FLAG_TICK_US(f, tick) HF__AWAIT_OBJ_TICK_US(&(f)->waiter, HF__FLAG_TAKE(f), tick)
/* hf_flag_take() inline where the core has atomic read-modify-write: an await finds its flag
 * clear each time it starts, and takes it in one exchange when it is set. */
#if HF_CFG_ATOMIC_RMW
#define HF__FLAG_TAKE(f)                                                                           \
    (hf_flag_is_set(f) && atomic_exchange_explicit(&(f)->set, 0u, memory_order_acq_rel) != 0u)
#else
#define HF__FLAG_TAKE(f) (hf_flag_is_set(f) && hf_flag_take(f))
#endif
/** HF_AWAIT_FLAG with a time-out; see HF_TIMED_OUT(). */
#define HF_AWAIT_FLAG_TIMEOUT_MS(f, ms) HF_AWAIT_FLAG_TICK_US(f, HF__AFTER_MS(ms))

/** Wait until edge queue @p q holds at least one edge (it is not popped). One task at a time
 * awaits a given queue. */
#define HF_AWAIT_EVQ(q) HF__AWAIT_OBJ(&(q)->waiter, !hf_evq_empty(q))
/** HF_AWAIT_EVQ, giving up at the microsecond tick @p tick; see HF_TIMED_OUT(). */
#define HF_AWAIT_EVQ_TICK_US(q, tick) HF__AWAIT_OBJ_TICK_US(&(q)->waiter, !hf_evq_empty(q), tick)
/** HF_AWAIT_EVQ with a time-out; see HF_TIMED_OUT(). */
#define HF_AWAIT_EVQ_TIMEOUT_MS(q, ms) HF_AWAIT_EVQ_TICK_US(q, HF__AFTER_MS(ms))

/** Wait until counter @p c is non-zero (it is not taken). One task at a time awaits a given
 * counter. */
#define HF_AWAIT_COUNTER(c) HF__AWAIT_OBJ(&(c)->waiter, hf_counter_peek(c) != 0)

/** Wait until task @p other has ended (await task). */
#define HF_AWAIT_TASK(other) HF_AWAIT_UNTIL(hf_task_done(other))
/** HF_AWAIT_TASK with a time-out; the other task keeps running. See HF_TIMED_OUT(). */
#define HF_AWAIT_TASK_TIMEOUT_MS(other, ms) HF_AWAIT_UNTIL_TIMEOUT_MS(hf_task_done(other), ms)

/* ---- internal ------------------------------------------------------------------------------- */

/* Step results. HF__WAIT: at a polled await (HF_AWAIT_UNTIL); HF__PARK: at an await on one
 * object. HF__IDLE is added when the step resumed at an await whose condition is still false,
 * having done nothing else; without it the task made progress, so polled conditions are
 * checked again. */
enum { HF__DONE = 0, HF__YIELD, HF__SLEEP, HF__WAIT, HF__PARK, HF__AGAIN, HF__IDLE = 8 };
/* HF__ST_WAITING: in the list of polled waiters; HF__ST_PARKED: awaiting one object, in no list
 * (its post marks it). */
enum {
    HF__ST_IDLE = 0,
    HF__ST_READY,
    HF__ST_SLEEPING,
    HF__ST_WAITING,
    HF__ST_PARKED,
    HF__ST_RUNNING
};
enum {
    HF__F_TIMED_OUT = 1u << 0,  /* the last timed await ended by its time-out */
    HF__F_CANCELLED = 1u << 1,  /* ended by hf_task_cancel() */
    HF__F_CANCEL_REQ = 1u << 2, /* cancelled itself while running */
    HF__F_HOG_REPORTED = 1u << 3
};
#define HF__PC_FINALLY 0xFFFFu
/* An await stores its line as the resume point: lines from 65535 on would collide with (or wrap
 * past) the FINALLY marker. */
#define HF__LINE_OK()                                                                              \
    _Static_assert(__LINE__ < HF__PC_FINALLY, "an await on line 65535 or later collides with "     \
                                              "the FINALLY marker: split the file")

#if defined(__has_attribute)
#if __has_attribute(fallthrough)
#define HF__FALLTHROUGH __attribute__((fallthrough))
#endif
#endif
#ifndef HF__FALLTHROUGH
#define HF__FALLTHROUGH ((void)0)
#endif

static inline bool hf_task_done(const hf_task_t *t) {
    return t->node.state == HF__ST_IDLE;
}

static inline bool hf_task_cancelled(const hf_task_t *t) {
    return t->node.state == HF__ST_IDLE && (t->node.flags & HF__F_CANCELLED) != 0;
}

void hf__sleep_until(hf_task_t *t, hf_ticks_us_t tick);
void hf__arm(hf_task_t *t, hf_ticks_us_t tick);
int hf__armed_wait_over(hf_task_t *t, int cond);
void hf__park_on(hf_task_t *t, hf__node_t *_Atomic *w);

#endif
