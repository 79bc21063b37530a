/* The event loop and its tasks (loop.h), in virtual time: scheduling order, exact wake-up times,
 * awaits with time-outs, cancellation and FINALLY, the task limit, the timer heap, stopping,
 * tickless sleep and hog reports. Every test runs at epoch 0 and across the microsecond wrap. */
#define _POSIX_C_SOURCE 200809L /* sigsetjmp */
#include <setjmp.h>

#include "hf_test.h"

/* ---- a trace of (code, virtual time) written by tasks ---------------------------------------- */

#define TRACE_MAX 4096

static struct {
    int code[TRACE_MAX];
    uint64_t t[TRACE_MAX];
    unsigned n;
} tr;

static void trace(int code) {
    if (tr.n < TRACE_MAX) {
        tr.code[tr.n] = code;
        tr.t[tr.n] = hft_now();
    }
    tr.n++;
}

typedef struct {
    int code;
    uint32_t t_ms;
} ev_t;

static void dump_trace(void) {
    for (unsigned i = 0; i < tr.n && i < TRACE_MAX; i++) {
        print_message("  trace[%u] = %d at %llu us\n", i, tr.code[i], (unsigned long long)tr.t[i]);
    }
}

/* The trace must be exactly `exp` (codes and times in ms). */
static void check_trace(const ev_t *exp, unsigned n) {
    bool same = tr.n == n;
    for (unsigned i = 0; same && i < n; i++) {
        same = tr.code[i] == exp[i].code && tr.t[i] == (uint64_t)exp[i].t_ms * 1000u;
    }
    if (!same) {
        dump_trace();
    }
    for (unsigned i = 0; i < n && i < tr.n; i++) {
        if (tr.code[i] != exp[i].code || tr.t[i] != (uint64_t)exp[i].t_ms * 1000u) {
            fail_msg("trace[%u] = (%d at %llu us), expected (%d at %lu ms)", i, tr.code[i],
                     (unsigned long long)tr.t[i], exp[i].code, (unsigned long)exp[i].t_ms);
        }
    }
    if (tr.n != n) {
        fail_msg("trace has %u entries, expected %u", tr.n, n);
    }
}

#define CHECK_TRACE(...)                                                                           \
    do {                                                                                           \
        static const ev_t exp_[] = {__VA_ARGS__};                                                  \
        check_trace(exp_, (unsigned)(sizeof exp_ / sizeof exp_[0]));                               \
    } while (0)

static void start(void **state) {
    hft_start(hft_state_epoch(state));
    tr.n = 0;
}

/* ---- a general-purpose task: logs code at start, sleeps ms, logs code + 1; FINALLY code + 9 -- */

typedef struct {
    hf_task_t task;
    int code;
    uint32_t ms;
} sleeper_t;

static int sleeper_fn(hf_task_t *self) {
    sleeper_t *s = (sleeper_t *)self;
    HF_TASK_BEGIN(self);
    trace(s->code);
    HF_AWAIT_MS(s->ms);
    trace(s->code + 1);
    HF_FINALLY;
    trace(s->code + 9);
    HF_TASK_END();
}

static void sleeper_start(sleeper_t *s, int code, uint32_t ms) {
    s->task = (hf_task_t)HF_TASK_INIT;
    s->code = code;
    s->ms = ms;
    assert_true(hf_task_start(&s->task, sleeper_fn, "sleeper"));
}

/* ---- start order ------------------------------------------------------------------------------
 */

static sleeper_t s_a, s_b, s_c, s_d;

static int starter_fn(hf_task_t *self) {
    sleeper_t *s = (sleeper_t *)self;
    HF_TASK_BEGIN(self);
    trace(s->code);
    sleeper_start(&s_d, 40, 10); /* started during a round: runs after the tasks already ready */
    HF_AWAIT_MS(s->ms);
    trace(s->code + 1);
    HF_TASK_END();
}

static void test_start_order_fifo(void **state) {
    start(state);
    sleeper_start(&s_c, 30, 10);
    s_a.task = (hf_task_t)HF_TASK_INIT;
    s_a.code = 10;
    s_a.ms = 10;
    assert_true(hf_task_start(&s_a.task, starter_fn, "starter"));
    sleeper_start(&s_b, 20, 10);
    assert_int_equal(tr.n, 0u); /* nothing runs before the loop does */
    hft_run_ms(100);
    /* equal deadlines (10 ms) wake in the order they were armed: C, A, B, then D */
    CHECK_TRACE({30, 0}, {10, 0}, {20, 0}, {40, 0}, {31, 10}, {39, 10}, {11, 10}, {21, 10},
                {29, 10}, {41, 10}, {49, 10});
}

/* ---- HF_AWAIT_MS / _US / _TICK_US: exact virtual times ----------------------------------------
 */

typedef struct {
    hf_task_t task;
    unsigned i;
} seq_t;

static const uint32_t delays_us[] = {0u,       1u,       999u, 1000u, 10000u,   250000u,
                                     1000000u, 1499999u, 1u,   0u,    2000000u, 37u};

static int delays_fn(hf_task_t *self) {
    seq_t *s = (seq_t *)self;
    HF_TASK_BEGIN(self);
    trace(0);
    for (s->i = 0; s->i < sizeof delays_us / sizeof delays_us[0]; s->i++) {
        if (delays_us[s->i] % 1000u == 0u) {
            HF_AWAIT_MS(delays_us[s->i] / 1000u);
        } else {
            HF_AWAIT_US(delays_us[s->i]);
        }
        trace((int)s->i + 1);
    }
    /* an absolute tick in the past resumes on the next round, at once */
    HF_AWAIT_TICK_US(hft_tick_ms(1));
    trace(100);
    HF_AWAIT_TICK_US(hft_tick_ms(6000));
    trace(101);
    HF_TASK_END();
}

static void test_await_exact_times(void **state) {
    static seq_t s;
    start(state);
    s.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&s.task, delays_fn, "delays"));
    hft_run_ms(10000);
    assert_true(hf_task_done(&s.task));
    unsigned n = sizeof delays_us / sizeof delays_us[0];
    assert_int_equal(tr.n, n + 3u);
    uint64_t t = 0;
    assert_int_equal(tr.t[0], 0u);
    for (unsigned i = 0; i < n; i++) {
        t += delays_us[i];
        assert_int_equal(tr.code[i + 1], (int)i + 1);
        assert_int_equal(tr.t[i + 1], t);
    }
    assert_int_equal(t, 4762037u);
    assert_int_equal(tr.code[n + 1], 100);
    assert_int_equal(tr.t[n + 1], t);
    assert_int_equal(tr.code[n + 2], 101);
    assert_int_equal(tr.t[n + 2], 6000000u);
}

/* The loop returns at each deadline of hf_loop_run_until, with the sleeping task not yet due. */
static void test_run_until_returns_at_deadline(void **state) {
    start(state);
    sleeper_start(&s_a, 10, 1000);
    hft_run_ms(400);
    CHECK_TRACE({10, 0});
    hft_run_us(999999);
    CHECK_TRACE({10, 0});
    hft_run_ms(1000);
    CHECK_TRACE({10, 0}, {11, 1000}, {19, 1000});
    /* a deadline already passed returns at once, and time does not move */
    assert_false(hf_loop_run_until(hft_tick_ms(500)));
    assert_int_equal(hft_now(), 1000000u);
    /* an empty loop still advances to the deadline */
    hft_run_ms(3000);
}

/* ---- HF_YIELD -----------------------------------------------------------------------------------
 */

typedef struct {
    hf_task_t task;
    int code;
    int i;
} yielder_t;

static int yielder_fn(hf_task_t *self) {
    yielder_t *y = (yielder_t *)self;
    HF_TASK_BEGIN(self);
    for (y->i = 0; y->i < 3; y->i++) {
        trace(y->code + y->i);
        HF_YIELD();
    }
    trace(y->code + 9);
    HF_TASK_END();
}

static void test_yield_round_robin(void **state) {
    static yielder_t a, b, c;
    start(state);
    a = (yielder_t){HF_TASK_INIT, 10, 0};
    b = (yielder_t){HF_TASK_INIT, 20, 0};
    c = (yielder_t){HF_TASK_INIT, 30, 0};
    assert_true(hf_task_start(&a.task, yielder_fn, "a"));
    assert_true(hf_task_start(&b.task, yielder_fn, "b"));
    assert_true(hf_task_start(&c.task, yielder_fn, "c"));
    hft_run_ms(5);
    CHECK_TRACE({10, 0}, {20, 0}, {30, 0}, {11, 0}, {21, 0}, {31, 0}, {12, 0}, {22, 0}, {32, 0},
                {19, 0}, {29, 0}, {39, 0});
}

/* A sleep of 0 ms while another task yields: the timer's task is ready again in the next round,
 * behind the task that yielded in the round before. */
static void test_yield_lets_due_timer_in(void **state) {
    static yielder_t a;
    start(state);
    sleeper_start(&s_a, 50, 0); /* due at once after its first step */
    a = (yielder_t){HF_TASK_INIT, 10, 0};
    assert_true(hf_task_start(&a.task, yielder_fn, "a"));
    hft_run_ms(1);
    CHECK_TRACE({50, 0}, {10, 0}, {11, 0}, {51, 0}, {59, 0}, {12, 0}, {19, 0});
}

/* ---- HF_AWAIT_FLAG woken by an interrupt --------------------------------------------------------
 */

static hf_flag_t flag_a, flag_b;

static void isr_set_flag(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)pin;
    (void)level;
    (void)t_us;
    hf_flag_set((hf_flag_t *)arg);
}

static void setup_button(hf_pin_t pin, hf_flag_t *f) {
    hf_flag_clear(f);
    assert_true(hf_gpio_input(pin, HF_PULL_UP));
    assert_true(hf_gpio_irq(pin, HF_EDGE_BOTH, isr_set_flag, f));
}

static int flag_waiter_fn(hf_task_t *self) {
    seq_t *s = (seq_t *)self;
    HF_TASK_BEGIN(self);
    for (s->i = 0; s->i < 4; s->i++) {
        HF_AWAIT_FLAG(&flag_a);
        trace((int)s->i);
    }
    HF_TASK_END();
}

static void test_await_flag_woken_by_isr(void **state) {
    static seq_t s;
    start(state);
    setup_button(14, &flag_a);
    s.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&s.task, flag_waiter_fn, "flag"));
    hft_run_ms(100);
    assert_int_equal(tr.n, 0u);
    hf_sim_drive(14, 0);
    assert_int_equal(tr.n, 0u); /* the handler only sets the flag; the task runs on the loop */
    assert_true(hf_flag_is_set(&flag_a));
    hft_run_ms(300);
    assert_false(hf_flag_is_set(&flag_a)); /* waiting cleared it */
    hf_sim_drive(14, 1);
    hf_sim_drive(14, 0); /* two sets before the task runs: one wake-up */
    hft_run_ms(700);
    hf_sim_drive(14, 1);
    hft_run_ms(1000);
    CHECK_TRACE({0, 100}, {1, 300}, {2, 700});
    assert_false(hf_task_done(&s.task));
    /* set before the await: no waiting at all */
    hf_flag_set(&flag_a);
    hft_run_ms(1200);
    CHECK_TRACE({0, 100}, {1, 300}, {2, 700}, {3, 1000});
    assert_true(hf_task_done(&s.task));
}

/* ---- readiness: a post runs exactly the task awaiting its object --------------------------- */

typedef struct {
    hf_task_t task;
    unsigned steps; /* how many times its step function ran */
    uint32_t i;
} counted_t;

static hf_flag_t flag_c;

/* Awaits flag_a once, traces 1; counts its steps. */
static int count_flag_a_fn(hf_task_t *self) {
    counted_t *c = (counted_t *)self;
    c->steps++;
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG(&flag_a);
    trace(1);
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

/* Polls flag_b (HF_AWAIT_UNTIL), traces 2. */
static int poll_flag_b_fn(hf_task_t *self) {
    counted_t *c = (counted_t *)self;
    c->steps++;
    HF_TASK_BEGIN(self);
    HF_AWAIT_UNTIL(hf_flag_take(&flag_b));
    trace(2);
    HF_TASK_END();
}

static void test_post_nobody_awaits(void **state) {
    static counted_t parked, polled;
    start(state);
    hf_flag_clear(&flag_a);
    hf_flag_clear(&flag_b);
    hf_flag_clear(&flag_c);
    parked = (counted_t){HF_TASK_INIT, 0, 0};
    polled = (counted_t){HF_TASK_INIT, 0, 0};
    assert_true(hf_task_start(&parked.task, count_flag_a_fn, "parked"));
    assert_true(hf_task_start(&polled.task, poll_flag_b_fn, "polled"));
    hft_run_ms(10);
    assert_int_equal(parked.steps, 1u);
    unsigned polled_steps = polled.steps;
    /* flag_c: no task awaits it. The loop wakes, checks the polled waiter, runs nobody else. */
    hf_flag_set(&flag_c);
    hft_run_ms(20);
    assert_int_equal(parked.steps, 1u);
    assert_int_equal(polled.steps, polled_steps + 1u);
    assert_int_equal(tr.n, 0u);
    /* flag_b: awaited only by a polled condition, which sees it */
    hf_flag_set(&flag_b);
    hft_run_ms(30);
    assert_int_equal(parked.steps, 1u);
    CHECK_TRACE({2, 20});
    assert_true(hf_task_done(&polled.task));
    /* flag_a: its one waiter runs once */
    hf_flag_set(&flag_a);
    hft_run_ms(40);
    assert_int_equal(parked.steps, 2u);
    CHECK_TRACE({2, 20}, {1, 30}, {9, 30});
    /* the task ended: the flag no longer knows it, a post runs nothing */
    assert_null(atomic_load(&flag_a.waiter));
    hf_flag_set(&flag_a);
    hft_run_ms(50);
    assert_int_equal(parked.steps, 2u);
    assert_true(hf_flag_take(&flag_a));
}

/* Awaits flag_a, then flag_b, then flag_a: traces 10 + round at each. */
static int two_objects_fn(hf_task_t *self) {
    counted_t *c = (counted_t *)self;
    c->steps++;
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG(&flag_a);
    trace(10);
    HF_AWAIT_FLAG(&flag_b);
    trace(11);
    HF_AWAIT_FLAG(&flag_a);
    trace(12);
    HF_TASK_END();
}

static void test_two_objects_one_task(void **state) {
    static counted_t c;
    start(state);
    hf_flag_clear(&flag_a);
    hf_flag_clear(&flag_b);
    c = (counted_t){HF_TASK_INIT, 0, 0};
    assert_true(hf_task_start(&c.task, two_objects_fn, "two"));
    hft_run_ms(10);
    assert_ptr_equal(atomic_load(&flag_a.waiter), &c.task.node);
    hf_flag_set(&flag_b); /* not what it awaits now: it stays parked, the flag stays set */
    hft_run_ms(20);
    assert_int_equal(c.steps, 1u);
    hf_flag_set(&flag_a);
    hft_run_ms(30); /* 10; then flag_b, set at 10 ms, lets it through at once: 11 */
    CHECK_TRACE({10, 20}, {11, 20});
    assert_int_equal(c.steps, 2u);
    /* back on flag_a, flag_b forgets it */
    assert_ptr_equal(atomic_load(&flag_a.waiter), &c.task.node);
    assert_null(atomic_load(&flag_b.waiter));
    hf_flag_set(&flag_b);
    hft_run_ms(40);
    assert_int_equal(c.steps, 2u);
    hf_flag_set(&flag_a);
    hft_run_ms(50);
    CHECK_TRACE({10, 20}, {11, 20}, {12, 40});
    assert_int_equal(c.steps, 3u);
    hf_flag_clear(&flag_b);
}

static void test_cancel_while_marked(void **state) {
    static counted_t c;
    start(state);
    hf_flag_clear(&flag_a);
    c = (counted_t){HF_TASK_INIT, 0, 0};
    assert_true(hf_task_start(&c.task, count_flag_a_fn, "victim"));
    hft_run_ms(10);
    hf_flag_set(&flag_a); /* marked ready, and before the loop takes the mark: */
    assert_true(hf_task_cancel(&c.task));
    CHECK_TRACE({9, 10}); /* FINALLY ran at once; the body never saw the flag */
    assert_true(hf_task_cancelled(&c.task));
    hft_run_ms(20);                /* the mark is taken and ignored */
    assert_int_equal(c.steps, 2u); /* the step that parked, and FINALLY */
    CHECK_TRACE({9, 10});
    /* started again, it is marked by the next post as usual */
    assert_true(hf_task_start(&c.task, count_flag_a_fn, "victim"));
    hft_run_ms(30); /* the flag, still set, lets it through at once */
    CHECK_TRACE({9, 10}, {1, 20}, {9, 20});
    assert_true(hf_task_start(&c.task, count_flag_a_fn, "victim"));
    hft_run_ms(40);
    hf_flag_set(&flag_a);
    hft_run_ms(50);
    CHECK_TRACE({9, 10}, {1, 20}, {9, 20}, {1, 40}, {9, 40});
}

/* Awaits flag_a three times; after the first, raises the interrupt that sets flag_a from inside
 * its own step (while it runs), before it awaits the flag again. */
static int self_post_fn(hf_task_t *self) {
    counted_t *c = (counted_t *)self;
    c->steps++;
    HF_TASK_BEGIN(self);
    for (c->i = 0; c->i < 3; c->i++) {
        HF_AWAIT_FLAG(&flag_a);
        trace((int)c->i);
        if (c->i == 0) {
            hf_sim_drive(14, 0); /* the handler runs here and marks this running task */
            HF_AWAIT_MS(5);
        }
    }
    HF_TASK_END();
}

static void test_post_during_own_step(void **state) {
    static counted_t c;
    start(state);
    setup_button(14, &flag_a);
    c = (counted_t){HF_TASK_INIT, 0, 0};
    assert_true(hf_task_start(&c.task, self_post_fn, "self"));
    hft_run_ms(10);
    hf_flag_set(&flag_a);
    hft_run_ms(30); /* 0 at 10 ms; the post made during that step is not lost: 1 at 15 ms */
    CHECK_TRACE({0, 10}, {1, 15});
    unsigned steps = c.steps;
    hft_run_ms(40); /* nothing more is posted: the task does not run */
    assert_int_equal(c.steps, steps);
    hf_sim_drive(14, 1);
    hft_run_ms(50);
    CHECK_TRACE({0, 10}, {1, 15}, {2, 40});
    assert_true(hf_task_done(&c.task));
}

/* A deferred call that posts, with no task ready: the loop sleeps without a last look at the
 * ready set, and the post's wake-up must end that sleep at once, not at the loop's limit. */
static void defer_set_flag_a(void *arg) {
    (void)arg;
    hf_flag_set(&flag_a);
}

static void isr_defer_set_flag_a(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg, (void)pin, (void)level, (void)t_us;
    assert_true(hf_defer(defer_set_flag_a, NULL));
}

static void test_deferred_call_posts(void **state) {
    static counted_t c;
    static hf_sim_event_t ev[1];
    static hf_scenario_t sc;
    start(state);
    hf_flag_clear(&flag_a);
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_irq(14, HF_EDGE_FALL, isr_defer_set_flag_a, NULL));
    c = (counted_t){HF_TASK_INIT, 0, 0};
    assert_true(hf_task_start(&c.task, count_flag_a_fn, "deferred"));
    hft_run_ms(10);
    assert_true(hf_defer(defer_set_flag_a, NULL)); /* from the main program */
    hft_run_ms(500);
    CHECK_TRACE({1, 10}, {9, 10}); /* it traces 9 in its FINALLY */
    assert_true(hf_task_done(&c.task));
    assert_true(hf_task_start(&c.task, count_flag_a_fn, "deferred"));
    hft_run_ms(600);
    hf_sim_drive(14, 0); /* from an interrupt handler, between two runs of the loop */
    hft_run_ms(900);
    CHECK_TRACE({1, 10}, {9, 10}, {1, 600}, {9, 600});
    assert_true(hf_task_start(&c.task, count_flag_a_fn, "deferred"));
    hf_sim_drive(14, 1);
    ev[0] = (hf_sim_event_t){950000u, 14, 0, 1}; /* while the loop sleeps */
    sc = (hf_scenario_t){ev, 1, 10000000u};
    hf_sim_play(&sc, NULL);
    hft_run_ms(1500);
    CHECK_TRACE({1, 10}, {9, 10}, {1, 600}, {9, 600}, {1, 950}, {9, 950});
    assert_true(hf_task_done(&c.task));
}

/* ---- the loop's next due time (L.due) at the edges of the tick's range ---------------------- */

static hf_flag_t due_flag, due_go;
static uint64_t due_woke_at;

static int due_sleeper_fn(hf_task_t *self) { /* a 1 s timer */
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(1000);
    due_woke_at = hft_now();
    HF_TASK_END();
}

static int due_waiter_fn(hf_task_t *self) { /* the earliest timer, gone when the flag comes */
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG_TIMEOUT_MS(&due_flag, 5);
    HF_TASK_END();
}

static int due_longest_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG(&due_go);
    hf_port_delay_us(5000);  /* the round passes the removed timer's 5 ms */
    HF_AWAIT_MS(HF__MAX_MS); /* the longest sleep there is */
    HF_TASK_END();
}

/* A timer removed early leaves the loop's next look early and then behind the clock; a sleep of
 * the longest length set after that must not take the place of the earlier timers. */
static void test_longest_sleep_after_removed_timer(void **state) {
    static hf_task_t a, b, c;
    start(state);
    hf_flag_clear(&due_flag);
    hf_flag_clear(&due_go);
    due_woke_at = 0;
    a = b = c = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&a, due_sleeper_fn, "1 s"));
    assert_true(hf_task_start(&b, due_waiter_fn, "5 ms"));
    assert_true(hf_task_start(&c, due_longest_fn, "longest"));
    hft_run_ms(1);
    hf_flag_set(&due_flag);
    hf_flag_set(&due_go);
    hft_run_ms(2000); /* returns at its limit, not 35 minutes later */
    assert_int_equal(due_woke_at, 1000000u);
    assert_true(hf_task_done(&a));
    assert_true(hf_task_done(&b));
    assert_false(hf_task_done(&c));
    (void)hf_task_cancel(&c);
}

static int due_once_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_YIELD();
    trace(1);
    HF_TASK_END();
}

/* A limit long past (up to 2^31 - 1 us back) returns once nothing due is left, at once. */
static void test_run_until_limit_long_past(void **state) {
    static hf_task_t t;
    start(state);
    hft_run_us(3u << 29); /* 1.5 * 2^30 us in */
    (void)hf_now_ms();
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, due_once_fn, "once"));
    uint64_t t0 = hft_now();
    assert_false(hf_loop_run_until(hft_tick_us(0)));
    assert_int_equal(hft_now(), t0);
    assert_true(hf_task_done(&t)); /* what was ready ran, then it returned */
    assert_int_equal(tr.n, 1u);
    assert_int_equal(tr.t[0], t0);
}

static int self_cancel_reads_ms_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(1);
    hf_port_delay_us(6000); /* past the other task's 5 ms timer */
    hf_task_cancel(self);
    HF_YIELD();
    HF_FINALLY;
    hf_port_delay_us(1500); /* the clock moves on after the step's end was read */
    (void)hf_now_ms();
    HF_TASK_END();
}

static int due_5ms_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(5);
    HF_TASK_END();
}

/* A FINALLY run after the step's end was read (a task that cancelled itself) reads the clock:
 * the loop's next time must not be behind that reading, or the millisecond tick jumps. */
static void test_now_ms_after_self_cancel(void **state) {
    static hf_task_t a, b;
    start(state);
    a = b = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&a, self_cancel_reads_ms_fn, "self-cancel"));
    assert_true(hf_task_start(&b, due_5ms_fn, "5 ms"));
    hft_run_ms(20);
    assert_int_equal(hf_now_ms(), hft_expected_ms(hft_epoch(), hft_now()));
}

/* ---- timed awaits ---------------------------------------------------------------------------- */

/* Each round: a 500 ms timed wait for flag_a, then trace (round*10 + timed_out). */
static int timed_fn(hf_task_t *self) {
    seq_t *s = (seq_t *)self;
    HF_TASK_BEGIN(self);
    for (s->i = 0; s->i < 6; s->i++) {
        HF_AWAIT_FLAG_TIMEOUT_MS(&flag_a, 500);
        trace((int)s->i * 10 + (HF_TIMED_OUT() ? 1 : 0));
    }
    /* a time-out of 0 with the condition false: over at once, timed out */
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag_b, 0);
    trace(HF_TIMED_OUT() ? 71 : 70);
    /* the condition already true: no wait, not timed out (the earlier time-out is forgotten) */
    HF_AWAIT_UNTIL_TIMEOUT_MS(1, 0);
    trace(HF_TIMED_OUT() ? 81 : 80);
    /* the stale time-outs of the rounds above must not end this sleep early */
    HF_AWAIT_MS(1000);
    trace(90);
    HF_TASK_END();
}

static void test_await_flag_timeout(void **state) {
    static seq_t s;
    start(state);
    setup_button(14, &flag_a);
    hf_flag_clear(&flag_b);
    s.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&s.task, timed_fn, "timed"));
    hft_run_ms(700); /* round 0 times out at 500; round 1 waits until 1000 */
    hf_sim_drive(14, 0);
    hft_run_us(1199999); /* round 2 started at 700 */
    hf_sim_drive(14, 1);
    hft_run_ms(1699); /* round 3 started at 1199.999: times out at 1699.999 */
    hft_run_us(1699999);
    hf_sim_drive(14, 0); /* round 4 started at 1699.999: woken at once */
    hft_run_ms(1800);
    hf_flag_set(&flag_a); /* round 5 started at 1699.999: woken at 1800 */
    hft_run_ms(5000);
    assert_true(hf_task_done(&s.task));
    assert_int_equal(tr.n, 9u);
    static const struct {
        int code;
        uint64_t t_us;
    } exp[] = {{1, 500000},   {10, 700000},  {20, 1199999}, {31, 1699999}, {40, 1699999},
               {50, 1800000}, {71, 1800000}, {80, 1800000}, {90, 2800000}};
    for (unsigned i = 0; i < 9; i++) {
        assert_int_equal(tr.code[i], exp[i].code);
        assert_int_equal(tr.t[i], exp[i].t_us);
    }
}

/* A waiter whose time-out comes due while it is already queued to re-check its condition (a
 * task's busy step pushed time past the deadline and made progress): it times out at that
 * moment, and the timer heap stays valid for what follows. */
static int busy_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(460);
    hf_port_delay_us(40000); /* to 500 ms, under the hog limit */
    trace(1);
    HF_AWAIT_MS(150);
    trace(2);
    HF_TASK_END();
}

static int queued_waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag_a, 500);
    trace(HF_TIMED_OUT() ? 11 : 10);
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag_a, 200);
    trace(HF_TIMED_OUT() ? 21 : 20);
    HF_AWAIT_MS(100);
    trace(30);
    HF_TASK_END();
}

static void test_timeout_while_queued(void **state) {
    static hf_task_t busy, waiter;
    start(state);
    hf_flag_clear(&flag_a);
    busy = (hf_task_t)HF_TASK_INIT;
    waiter = (hf_task_t)HF_TASK_INIT;
    sleeper_start(&s_a, 100, 600); /* another timer in the heap throughout */
    assert_true(hf_task_start(&busy, busy_fn, "busy"));
    assert_true(hf_task_start(&waiter, queued_waiter_fn, "waiter"));
    hft_run_ms(2000);
    CHECK_TRACE({100, 0}, {1, 500}, {11, 500}, {101, 600}, {109, 600}, {2, 650}, {21, 700},
                {30, 800});
    assert_int_equal(hft_lines()->n, 0u);
}

/* The condition and the time-out due at the same moment: the condition wins. */
static int setter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(500);
    hf_flag_set(&flag_a);
    trace(1);
    HF_TASK_END();
}

static int race_waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag_a, 500);
    trace(HF_TIMED_OUT() ? 11 : 10);
    HF_TASK_END();
}

static void test_condition_and_timeout_at_same_time(void **state) {
    static hf_task_t setter, waiter;
    start(state);
    hf_flag_clear(&flag_a);
    setter = (hf_task_t)HF_TASK_INIT;
    waiter = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&setter, setter_fn, "setter")); /* armed first: runs first */
    assert_true(hf_task_start(&waiter, race_waiter_fn, "waiter"));
    hft_run_ms(1000);
    CHECK_TRACE({1, 500}, {10, 500});
}

/* ---- HF_AWAIT_COUNTER and HF_AWAIT_EVQ(_TIMEOUT_MS), fed by pin interrupts --------------------
 */

static hf_counter_t edge_count;
HF_EVQ_DEFINE(loop_q, 8);

static void isr_count(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)pin;
    (void)level;
    (void)t_us;
    hf_counter_add((hf_counter_t *)arg, 1);
}

static int counter_fn(hf_task_t *self) {
    seq_t *s = (seq_t *)self;
    HF_TASK_BEGIN(self);
    for (s->i = 0; s->i < 2; s->i++) {
        HF_AWAIT_COUNTER(&edge_count);
        trace(100 + (int)hf_counter_take(&edge_count));
    }
    HF_TASK_END();
}

static int evq_fn(hf_task_t *self) {
    seq_t *s = (seq_t *)self;
    HF_TASK_BEGIN(self);
    for (s->i = 0; s->i < 3; s->i++) {
        HF_AWAIT_EVQ_TIMEOUT_MS(&loop_q, 200);
        if (HF_TIMED_OUT()) {
            trace(1);
        }
        {
            hf_edge_t e;
            while (hf_evq_pop(&loop_q, &e)) {
                assert_int_equal(e.t_us, hf_now_us()); /* popped at the moment of the edge */
                trace(200 + e.level);
            }
        }
    }
    HF_AWAIT_EVQ(&loop_q);
    trace(300);
    HF_TASK_END();
}

static void test_await_counter_and_evq(void **state) {
    static seq_t c, q;
    hf_edge_t e;
    start(state);
    (void)hf_counter_take(&edge_count);
    while (hf_evq_pop(&loop_q, &e)) {
    }
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_input(15, HF_PULL_UP));
    assert_true(hf_gpio_irq(14, HF_EDGE_BOTH, isr_count, &edge_count));
    assert_true(hf_gpio_irq(15, HF_EDGE_BOTH, hf_evq_isr, &loop_q));
    c.task = (hf_task_t)HF_TASK_INIT;
    q.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&c.task, counter_fn, "counter"));
    assert_true(hf_task_start(&q.task, evq_fn, "evq"));
    hft_run_ms(50);
    hf_sim_drive(14, 0);
    hf_sim_drive(14, 1);
    hf_sim_drive(14, 0); /* three edges before the task runs: counted, not coalesced */
    hft_run_ms(300);
    hf_sim_drive(15, 0); /* the evq task's second wait started at 200 */
    hft_run_ms(320);
    hf_sim_drive(14, 1);
    hft_run_ms(1000);
    hf_sim_drive(15, 1);
    hft_run_ms(1100);
    CHECK_TRACE({103, 50}, {1, 200}, {200, 300}, {101, 320}, {1, 500}, {300, 1000});
    assert_true(hf_task_done(&c.task));
    assert_true(hf_task_done(&q.task));
    assert_int_equal(hf_evq_count(&loop_q), 1u); /* HF_AWAIT_EVQ does not pop */
}

/* ---- HF_AWAIT_UNTIL on another task's variable; HF_AWAIT_TASK ----------------------------------
 */

static int shared;

static int producer_fn(hf_task_t *self) {
    seq_t *s = (seq_t *)self;
    HF_TASK_BEGIN(self);
    for (s->i = 0; s->i < 5; s->i++) {
        HF_AWAIT_MS(100);
        shared++;
        trace(100 + shared);
    }
    HF_TASK_END();
}

static int until_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_UNTIL(shared >= 3);
    trace(1);
    HF_AWAIT_UNTIL(shared >= 3); /* already true: no wait */
    trace(2);
    HF_AWAIT_UNTIL_TIMEOUT_MS(shared >= 10, 150);
    trace(HF_TIMED_OUT() ? 31 : 30);
    HF_TASK_END();
}

static void test_await_until_other_task(void **state) {
    static seq_t prod;
    static hf_task_t waiter;
    start(state);
    shared = 0;
    waiter = (hf_task_t)HF_TASK_INIT;
    prod.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&waiter, until_fn, "until"));
    assert_true(hf_task_start(&prod.task, producer_fn, "producer"));
    hft_run_ms(1000);
    CHECK_TRACE({101, 100}, {102, 200}, {103, 300}, {1, 300}, {2, 300}, {104, 400}, {31, 450},
                {105, 500});
}

static int parent_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    sleeper_start(&s_b, 20, 250);
    HF_AWAIT_TASK(&s_b.task);
    trace(1);
    HF_AWAIT_TASK(&s_b.task); /* already over */
    trace(2);
    sleeper_start(&s_c, 30, 250);
    HF_AWAIT_TASK_TIMEOUT_MS(&s_c.task, 100);
    trace(HF_TIMED_OUT() ? 61 : 60);
    HF_AWAIT_TASK_TIMEOUT_MS(&s_c.task, 1000);
    trace(HF_TIMED_OUT() ? 71 : 70);
    HF_TASK_END();
}

static void test_await_task(void **state) {
    static hf_task_t parent;
    start(state);
    parent = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&parent, parent_fn, "parent"));
    hft_run_ms(2000);
    CHECK_TRACE({20, 0}, {21, 250}, {29, 250}, {1, 250}, {2, 250}, {30, 250}, {61, 350}, {31, 500},
                {39, 500}, {70, 500});
}

/* ---- cancellation ---------------------------------------------------------------------------- */

/* Cancel a sleeping task from outside the loop: FINALLY runs at once, the body never resumes. */
static void test_cancel_sleeping(void **state) {
    start(state);
    sleeper_start(&s_a, 10, 1000);
    sleeper_start(&s_b, 20, 1500);
    hft_run_ms(100);
    assert_false(hf_task_done(&s_a.task));
    assert_true(hf_task_cancel(&s_a.task));
    CHECK_TRACE({10, 0}, {20, 0}, {19, 100}); /* at once, before the loop runs again */
    assert_true(hf_task_done(&s_a.task));
    assert_true(hf_task_cancelled(&s_a.task));
    assert_false(hf_task_cancel(&s_a.task)); /* already over */
    hft_run_ms(3000);
    CHECK_TRACE({10, 0}, {20, 0}, {19, 100}, {21, 1500}, {29, 1500});
    assert_false(hf_task_cancelled(&s_b.task)); /* ended normally */
    /* started again: not cancelled any more, runs from the beginning */
    s_a.ms = 10;
    assert_true(hf_task_start(&s_a.task, sleeper_fn, "sleeper"));
    assert_false(hf_task_cancelled(&s_a.task));
    hft_run_ms(3100);
    CHECK_TRACE({10, 0}, {20, 0}, {19, 100}, {21, 1500}, {29, 1500}, {10, 3000}, {11, 3010},
                {19, 3010});
    assert_false(hf_task_cancelled(&s_a.task));
}

static int wait_flag_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(1);
    HF_AWAIT_FLAG(&flag_a);
    trace(2);
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

static int wait_flag_timeout_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(11);
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag_b, 300);
    trace(12);
    HF_FINALLY;
    trace(19);
    HF_TASK_END();
}

/* Cancel waiting tasks (untimed and timed): later sets and deadlines do nothing. */
static void test_cancel_waiting(void **state) {
    static hf_task_t w1, w2;
    start(state);
    setup_button(14, &flag_a);
    hf_flag_clear(&flag_b);
    w1 = (hf_task_t)HF_TASK_INIT;
    w2 = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&w1, wait_flag_fn, "w1"));
    assert_true(hf_task_start(&w2, wait_flag_timeout_fn, "w2"));
    sleeper_start(&s_c, 30, 400); /* a timer behind the timed waiter's in the heap */
    hft_run_ms(100);
    assert_true(hf_task_cancel(&w1));
    assert_true(hf_task_cancel(&w2));
    CHECK_TRACE({1, 0}, {11, 0}, {30, 0}, {9, 100}, {19, 100});
    hf_sim_drive(14, 0);
    hf_flag_set(&flag_b);
    hft_run_ms(1000);
    CHECK_TRACE({1, 0}, {11, 0}, {30, 0}, {9, 100}, {19, 100}, {31, 400}, {39, 400});
    assert_true(hf_task_cancelled(&w1));
    assert_true(hf_task_cancelled(&w2));
    assert_true(hf_flag_is_set(&flag_a)); /* nobody took it */
}

/* Cancel a ready task: one started but not yet run (its body never runs, FINALLY does), and one
 * queued by a yield, cancelled by another task in the same round. */
static yielder_t y_victim;

static int y_victim_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        trace(1);
        HF_YIELD();
    }
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

static int y_killer_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(20);
    HF_YIELD();
    trace(21);
    assert_true(hf_task_cancel(&y_victim.task));
    assert_true(hf_task_current() == self); /* back to the canceller after the FINALLY */
    trace(22);
    HF_TASK_END();
}

static void test_cancel_ready(void **state) {
    static hf_task_t killer;
    start(state);
    sleeper_start(&s_a, 10, 100);
    assert_true(hf_task_cancel(&s_a.task)); /* never ran */
    CHECK_TRACE({19, 0});
    assert_true(hf_task_cancelled(&s_a.task));
    y_victim = (yielder_t){HF_TASK_INIT, 0, 0};
    killer = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&y_victim.task, y_victim_fn, "victim"));
    assert_true(hf_task_start(&killer, y_killer_fn, "killer"));
    hft_run_ms(500);
    CHECK_TRACE({19, 0}, {1, 0}, {20, 0}, {1, 0}, {21, 0}, {9, 0}, {22, 0});
    assert_true(hf_task_cancelled(&y_victim.task));
    assert_true(hf_task_done(&killer));
    assert_false(hf_task_cancelled(&killer));
}

/* hf_task_current() inside a FINALLY run by hf_task_cancel is the cancelled task. */
static hf_task_t *current_in_finally;

static int report_current_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(1000);
    HF_FINALLY;
    current_in_finally = hf_task_current();
    HF_TASK_END();
}

static void test_task_current(void **state) {
    static hf_task_t t;
    start(state);
    assert_null(hf_task_current());
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, report_current_fn, "current"));
    hft_run_ms(10);
    current_in_finally = NULL;
    assert_true(hf_task_cancel(&t));
    assert_ptr_equal(current_in_finally, &t);
    assert_null(hf_task_current());
}

/* Never started and already ended tasks: nothing to cancel. */
static void test_cancel_idle(void **state) {
    start(state);
    hf_task_t never = HF_TASK_INIT;
    assert_true(hf_task_done(&never));
    assert_false(hf_task_cancelled(&never));
    assert_false(hf_task_cancel(&never));
    assert_false(hf_task_cancelled(&never));
    sleeper_start(&s_a, 10, 5);
    hft_run_ms(10);
    assert_true(hf_task_done(&s_a.task));
    assert_false(hf_task_cancel(&s_a.task));
    assert_false(hf_task_cancelled(&s_a.task));
    CHECK_TRACE({10, 0}, {11, 5}, {19, 5});
}

/* A task cancelling itself: the step goes on to its next await, then FINALLY runs, once. */
static int self_cancel_await_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(1);
    HF_AWAIT_MS(100);
    trace(2);
    assert_true(hf_task_cancel(self));
    trace(3);
    HF_AWAIT_MS(100);
    trace(4); /* never */
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

static void test_cancel_self_then_await(void **state) {
    static hf_task_t t;
    start(state);
    t = (hf_task_t)HF_TASK_INIT;
    sleeper_start(&s_b, 20, 150);
    assert_true(hf_task_start(&t, self_cancel_await_fn, "self"));
    hft_run_ms(1000);
    CHECK_TRACE({20, 0}, {1, 0}, {2, 100}, {3, 100}, {9, 100}, {21, 150}, {29, 150});
    assert_true(hf_task_done(&t));
    assert_true(hf_task_cancelled(&t));
}

static int self_cancel_return_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(1);
    assert_true(hf_task_cancel(self));
    HF_RETURN();
    trace(2); /* never */
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

static void test_cancel_self_then_return(void **state) {
    static hf_task_t t;
    start(state);
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, self_cancel_return_fn, "self"));
    hft_run_ms(10);
    CHECK_TRACE({1, 0}, {9, 0});
    assert_true(hf_task_cancelled(&t));
}

/* Cancelling itself in a step that then runs to the end of the body: FINALLY must run once
 * (the body falls through FINALLY on its way to the end; the cancellation must not run it a
 * second time). */
static int self_cancel_end_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(1);
    assert_true(hf_task_cancel(self));
    trace(2);
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

static void test_cancel_self_then_end(void **state) {
    static hf_task_t t;
    start(state);
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, self_cancel_end_fn, "self"));
    hft_run_ms(10);
    assert_true(hf_task_done(&t));
    CHECK_TRACE({1, 0}, {2, 0}, {9, 0});
}

/* HF_RETURN ends the task and runs FINALLY; it is not a cancellation. */
typedef struct {
    hf_task_t task;
    int early;
} ret_t;

static int return_fn(hf_task_t *self) {
    ret_t *r = (ret_t *)self;
    HF_TASK_BEGIN(self);
    trace(1);
    if (r->early) {
        HF_RETURN();
    }
    HF_AWAIT_MS(200);
    trace(2);
    HF_RETURN();
    trace(3); /* never */
    HF_FINALLY;
    trace(9);
    HF_TASK_END();
}

static void test_return_runs_finally(void **state) {
    static ret_t a, b;
    start(state);
    a = (ret_t){HF_TASK_INIT, 1};
    b = (ret_t){HF_TASK_INIT, 0};
    assert_true(hf_task_start(&a.task, return_fn, "early"));
    hft_run_ms(100);
    CHECK_TRACE({1, 0}, {9, 0});
    assert_true(hf_task_done(&a.task));
    assert_false(hf_task_cancelled(&a.task));
    assert_true(hf_task_start(&b.task, return_fn, "late"));
    hft_run_ms(1000);
    CHECK_TRACE({1, 0}, {9, 0}, {1, 100}, {2, 300}, {9, 300});
    assert_false(hf_task_cancelled(&b.task));
}

/* ---- hf_task_start refusals and restarts ------------------------------------------------------
 */

static int other_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    trace(666);
    HF_TASK_END();
}

/* hf_task_start() refuses @p t: with HF_CFG_CHECKS its precondition stops it (the fault is caught
 * here, misuse.c checks where it is reported), without them it returns false; either way the
 * task and the loop are unchanged. */
static sigjmp_buf refused_at;

static void on_refused(const char *file, int line) {
    (void)file;
    (void)line;
    siglongjmp(refused_at, 1);
}

static bool start_refused(hf_task_t *t, hf_task_fn_t fn, const char *name) {
    volatile bool refused = true;
    hf_sim_on_fault(on_refused);
    if (sigsetjmp(refused_at, 1) == 0) {
        refused = !hf_task_start(t, fn, name);
    }
    hf_sim_on_fault(NULL);
    return refused;
}

static void test_start_refuses_running_task(void **state) {
    start(state);
    sleeper_start(&s_a, 10, 300);
    assert_true(start_refused(&s_a.task, other_fn, "other")); /* ready */
    hft_run_ms(100);
    assert_true(start_refused(&s_a.task, other_fn, "other")); /* sleeping */
    assert_true(start_refused(&s_a.task, sleeper_fn, "again"));
    hft_run_ms(1000);
    CHECK_TRACE({10, 0}, {11, 300}, {19, 300}); /* unaffected, not restarted */
    /* ended: it may start again, from its beginning */
    assert_true(hf_task_start(&s_a.task, sleeper_fn, "again"));
    assert_true(start_refused(&s_a.task, sleeper_fn, "again"));
    hft_run_ms(2000);
    CHECK_TRACE({10, 0}, {11, 300}, {19, 300}, {10, 1000}, {11, 1300}, {19, 1300});
    hf_task_t t = HF_TASK_INIT;
    assert_true(start_refused(&t, NULL, "null"));
    assert_true(hf_task_done(&t));
}

static void test_start_refuses_beyond_max_tasks(void **state) {
    static sleeper_t many[HF_CFG_MAX_TASKS + 1u];
    start(state);
    assert_int_equal(HF_CFG_MAX_TASKS, 16u);
    for (unsigned i = 0; i < HF_CFG_MAX_TASKS; i++) {
        sleeper_start(&many[i], (int)(i * 10u), 1000u + i);
    }
    sleeper_t *extra = &many[HF_CFG_MAX_TASKS];
    extra->task = (hf_task_t)HF_TASK_INIT;
    extra->code = 1000;
    extra->ms = 1;
    assert_true(start_refused(&extra->task, sleeper_fn, "extra"));
    assert_true(hf_task_done(&extra->task));
    hft_run_ms(500);
    assert_true(start_refused(&extra->task, sleeper_fn, "extra"));
    assert_true(hf_task_cancel(&many[3].task)); /* one slot free */
    assert_true(hf_task_start(&extra->task, sleeper_fn, "extra"));
    hf_task_t t = HF_TASK_INIT;
    assert_true(start_refused(&t, other_fn, "other")); /* full again */
    hft_run_ms(2000);
    assert_int_equal(tr.n, 16u + 1u + 1u + 15u * 2u + 2u);
    for (unsigned i = 0; i < HF_CFG_MAX_TASKS; i++) {
        assert_true(hf_task_done(&many[i].task));
    }
    /* all over: the full number may start again */
    for (unsigned i = 0; i < HF_CFG_MAX_TASKS; i++) {
        sleeper_start(&many[i], 0, 1);
    }
    assert_true(start_refused(&extra->task, sleeper_fn, "extra"));
    hft_run_ms(2100);
}

/* ---- timer order ------------------------------------------------------------------------------
 */

/* Equal deadlines run in the order they were armed, not the order the tasks started. */
typedef struct {
    hf_task_t task;
    int code;
    uint32_t first_ms;
} tie_t;

static int tie_fn(hf_task_t *self) {
    tie_t *t = (tie_t *)self;
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(t->first_ms);
    HF_AWAIT_TICK_US(hft_tick_ms(1000));
    trace(t->code);
    HF_TASK_END();
}

static void test_equal_deadlines_in_arm_order(void **state) {
    static tie_t ties[10];
    /* first sleeps; the arm time of the shared 1000 ms deadline is 0 + first_ms */
    static const uint32_t first_ms[10] = {300, 0, 100, 900, 450, 450, 0, 999, 1, 100};
    start(state);
    for (int i = 0; i < 10; i++) {
        ties[i] = (tie_t){HF_TASK_INIT, i, first_ms[i]};
        assert_true(hf_task_start(&ties[i].task, tie_fn, "tie"));
    }
    hft_run_ms(2000);
    /* armed: 0 ms: 1, 6 (start order); 1 ms: 8; 100: 2, 9; 300: 0; 450: 4, 5; 900: 3; 999: 7 */
    CHECK_TRACE({1, 1000}, {6, 1000}, {8, 1000}, {2, 1000}, {9, 1000}, {0, 1000}, {4, 1000},
                {5, 1000}, {3, 1000}, {7, 1000});
}

/* Many tasks with pseudo-random sleeps on a coarse grid (so deadlines often tie), some cancelled
 * and restarted mid-sleep: every task wakes exactly at its deadline, wake-ups come in time order
 * and, at equal times, in the order the sleeps were armed. */
#define RT_TASKS  15
#define RT_ROUNDS 60

typedef struct {
    hf_task_t task;
    int id;
    uint32_t seed;
    int n;
    uint64_t expect;
    uint32_t armno;
} rt_t;

static rt_t rts[RT_TASKS];
static struct {
    uint64_t last_t;
    uint32_t last_arm;
    uint32_t arm_counter;
    unsigned wakes, bad, finished, cancels;
    uint32_t ctl_seed;
    int ctl_i;
    uint32_t digest;
} rt;

static int rt_fn(hf_task_t *self) {
    rt_t *r = (rt_t *)self;
    HF_TASK_BEGIN(self);
    for (r->n = 0; r->n < RT_ROUNDS; r->n++) {
        {
            uint32_t d = (hft_rand(&r->seed) % 12u) * 5000u;
            if (hft_rand(&r->seed) % 16u == 0u) {
                d += 2500u; /* now and then off the grid */
            }
            r->expect = hft_now() + d;
            r->armno = rt.arm_counter++;
            HF_AWAIT_US(d);
        }
        if (hft_now() != r->expect || hft_now() < rt.last_t ||
            (hft_now() == rt.last_t && r->armno <= rt.last_arm)) {
            rt.bad++;
        }
        rt.last_t = hft_now();
        rt.last_arm = r->armno;
        rt.wakes++;
        rt.digest = rt.digest * 31u + (uint32_t)r->id * 7u + (uint32_t)hft_now();
    }
    rt.finished++;
    HF_TASK_END();
}

static hf_task_t rt_ctl;

static int rt_ctl_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (rt.ctl_i = 0; rt.ctl_i < 40; rt.ctl_i++) {
        HF_AWAIT_US(7000u + hft_rand(&rt.ctl_seed) % 13u * 1000u);
        {
            rt_t *r = &rts[hft_rand(&rt.ctl_seed) % RT_TASKS];
            if (hf_task_cancel(&r->task)) {
                rt.cancels++;
                r->seed = hft_rand(&rt.ctl_seed) | 1u;
                assert_true(hf_task_start(&r->task, rt_fn, "rt"));
            }
        }
    }
    HF_TASK_END();
}

static void run_random_timers(uint32_t epoch, uint32_t *digest, unsigned *wakes) {
    hft_start(epoch);
    memset(&rt, 0, sizeof rt);
    rt.ctl_seed = 0xBADC0DEu;
    for (int i = 0; i < RT_TASKS; i++) {
        rts[i] = (rt_t){HF_TASK_INIT, i, 0x9E3779B9u * (uint32_t)(i + 1), 0, 0, 0};
        assert_true(hf_task_start(&rts[i].task, rt_fn, "rt"));
    }
    rt_ctl = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&rt_ctl, rt_ctl_fn, "ctl"));
    hft_run_ms(60000);
    for (int i = 0; i < RT_TASKS; i++) {
        assert_true(hf_task_done(&rts[i].task));
    }
    assert_int_equal(rt.bad, 0u);
    assert_int_equal(rt.finished, RT_TASKS); /* restarted ones finish too */
    assert_true(rt.cancels > 10u);
    assert_true(rt.wakes >= RT_TASKS * RT_ROUNDS);
    *digest = rt.digest;
    *wakes = rt.wakes;
}

static void test_timer_heap_random(void **state) {
    (void)state;
    uint32_t d0, d1;
    unsigned w0, w1;
    run_random_timers(HF_EPOCH_ZERO, &d0, &w0);
    run_random_timers(HF_EPOCH_WRAP, &d1, &w1);
    /* identical runs at both epochs (the digest mixes relative wake times and task ids) */
    assert_int_equal(w0, w1);
    assert_int_equal(d0, d1);
}

/* ---- hf_loop_stop -----------------------------------------------------------------------------
 */

static int stopper_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(300);
    trace(1);
    hf_loop_stop();
    HF_AWAIT_MS(100);
    trace(2);
    HF_TASK_END();
}

static void stop_call(void *arg) {
    (void)arg;
    trace(50);
    hf_loop_stop();
}

static void isr_stop(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg;
    (void)pin;
    (void)level;
    (void)t_us;
    hf_loop_stop();
}

static void test_loop_stop(void **state) {
    static hf_task_t t;
    start(state);
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, stopper_fn, "stopper"));
    sleeper_start(&s_a, 10, 1000);
    assert_true(hf_loop_run_until(hft_tick_ms(2000)));
    assert_int_equal(hft_now(), 300000u);
    CHECK_TRACE({10, 0}, {1, 300});
    /* carries on where it stopped */
    assert_false(hf_loop_run_until(hft_tick_ms(2000)));
    assert_int_equal(hft_now(), 2000000u);
    CHECK_TRACE({10, 0}, {1, 300}, {2, 400}, {11, 1000}, {19, 1000});
    /* from a deferred call */
    assert_true(hf_defer(stop_call, NULL));
    assert_true(hf_loop_run_until(hft_tick_ms(3000)));
    assert_int_equal(hft_now(), 2000000u);
    /* before the loop runs: it returns at once and runs nothing */
    sleeper_start(&s_b, 20, 10);
    hf_loop_stop();
    assert_true(hf_loop_run_until(hft_tick_ms(3000)));
    assert_int_equal(hft_now(), 2000000u);
    CHECK_TRACE({10, 0}, {1, 300}, {2, 400}, {11, 1000}, {19, 1000}, {50, 2000});
    /* from an interrupt handler, while the loop sleeps */
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_irq(14, HF_EDGE_FALL, isr_stop, NULL));
    hft_run_ms(2500);
    CHECK_TRACE({10, 0}, {1, 300}, {2, 400}, {11, 1000}, {19, 1000}, {50, 2000}, {20, 2000},
                {21, 2010}, {29, 2010});
    hf_sim_drive(14, 0);
    assert_true(hf_loop_run_until(hft_tick_ms(3000)));
    assert_int_equal(hft_now(), 2500000u);
    hft_run_ms(3000); /* and the stop was consumed */
}

/* ---- tickless: the loop runs only when something is due ---------------------------------------
 */

typedef struct {
    hf_task_t task;
    int i;
    unsigned steps;
} counting_t;

static int counting_sleep_fn(hf_task_t *self) {
    counting_t *c = (counting_t *)self;
    c->steps++;
    HF_TASK_BEGIN(self);
    for (c->i = 0; c->i < 5; c->i++) {
        HF_AWAIT_MS(1000);
    }
    HF_TASK_END();
}

static unsigned polls;

static bool polled_flag(void) {
    polls++;
    return hf_flag_take(&flag_a);
}

static int counting_wait_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_UNTIL(polled_flag());
    trace(1);
    HF_TASK_END();
}

static void test_tickless(void **state) {
    static counting_t c;
    static hf_task_t w;
    start(state);
    hf_flag_clear(&flag_a);
    hf_flag_clear(&flag_b);
    polls = 0;
    c = (counting_t){HF_TASK_INIT, 0, 0};
    assert_true(hf_task_start(&c.task, counting_sleep_fn, "sleep"));
    hft_run_ms(10000);
    assert_int_equal(c.steps, 6u); /* the first step and five wake-ups: nothing more */
    assert_true(hf_task_done(&c.task));
    /* a waiter is polled only after a signal or progress, not while the loop sleeps */
    w = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&w, counting_wait_fn, "wait"));
    hft_run_ms(20000);
    unsigned idle_polls = polls;
    assert_true(idle_polls >= 1u && idle_polls <= 2u);
    hft_run_ms(40000);
    assert_int_equal(polls, idle_polls);
    hf_flag_set(&flag_b); /* an unrelated signal: one more look */
    hft_run_ms(41000);
    assert_int_equal(polls, idle_polls + 1u);
    assert_int_equal(tr.n, 0u);
    hf_flag_set(&flag_a);
    hft_run_ms(42000);
    assert_int_equal(polls, idle_polls + 2u);
    CHECK_TRACE({1, 41000});
}

/* ---- hog detection ----------------------------------------------------------------------------
 */

typedef struct {
    hf_task_t task;
    uint32_t us;
} hog_t;

static int hog_fn(hf_task_t *self) {
    hog_t *h = (hog_t *)self;
    HF_TASK_BEGIN(self);
    hf_port_delay_us(h->us);
    trace(1);
    HF_AWAIT_MS(10);
    hf_port_delay_us(h->us);
    trace(2);
    HF_AWAIT_MS(10);
    trace(3);
    HF_TASK_END();
}

static void test_hog_reported_once(void **state) {
    static hog_t hog;
    start(state);
    hog = (hog_t){HF_TASK_INIT, 300000u};
    sleeper_start(&s_a, 10, 100); /* due during the hog: runs late, right after it */
    assert_true(hf_task_start(&hog.task, hog_fn, "hogger"));
    hft_run_ms(2000);
    CHECK_TRACE({10, 0}, {1, 300}, {11, 300}, {19, 300}, {2, 610}, {3, 620});
    hft_lines_t *l = hft_lines();
    assert_int_equal(l->n, 1u);
    assert_true(l->line[0].is_log);
    assert_int_equal(l->line[0].t_us, 300000u);
    assert_non_null(strstr(l->line[0].text, "'hogger'"));
    assert_non_null(strstr(l->line[0].text, "300.000 ms"));
    assert_null(strstr(l->line[0].text, "sleeper"));
}

static void test_hog_limit(void **state) {
    static hog_t at_limit, over, other;
    start(state);
    at_limit = (hog_t){HF_TASK_INIT, HF_CFG_HOG_US};
    over = (hog_t){HF_TASK_INIT, HF_CFG_HOG_US + 1u};
    other = (hog_t){HF_TASK_INIT, 120000u};
    assert_true(hf_task_start(&at_limit.task, hog_fn, "at_limit"));
    hft_run_ms(1000);
    assert_int_equal(hft_lines()->n, 0u); /* exactly the limit is allowed */
    assert_true(hf_task_start(&over.task, hog_fn, "over"));
    assert_true(hf_task_start(&other.task, hog_fn, "other"));
    hft_run_ms(2000);
    hft_lines_t *l = hft_lines();
    assert_int_equal(l->n, 2u); /* each hogging task once */
    assert_true(l->line[0].is_log);
    assert_true(l->line[1].is_log);
    assert_non_null(strstr(l->line[0].text, "'over'"));
    assert_non_null(strstr(l->line[0].text, "50.001 ms"));
    assert_int_equal(l->line[0].t_us, 1050001u);
    assert_non_null(strstr(l->line[1].text, "'other'"));
    assert_non_null(strstr(l->line[1].text, "120.000 ms"));
    assert_int_equal(l->line[1].t_us, 1170001u);
}

/* ---- hf_print / hf_log: whole lines through the port, cut at HF_CFG_PRINT_MAX - 1 ------------ */

static void test_print_and_log_lines(void **state) {
    start(state);
    char long_line[300];
    memset(long_line, 'x', sizeof long_line);
    long_line[sizeof long_line - 1] = '\0';
    hft_run_ms(1234);
    hf_print("Button pressed %d times", 3);
    hf_log("drop: %u edges", 2u);
    hf_print("%.*s", (int)HF_CFG_PRINT_MAX - 1, long_line); /* fits exactly */
    hf_print("%.*s", (int)HF_CFG_PRINT_MAX, long_line);     /* one too many: cut */
    hf_print("%s", long_line);
    hf_print("%s", "");
    hft_lines_t *l = hft_lines();
    assert_int_equal(l->n, 6u);
    assert_string_equal(l->line[0].text, "Button pressed 3 times");
    assert_false(l->line[0].is_log);
    assert_int_equal(l->line[0].t_us, 1234000u);
    assert_string_equal(l->line[1].text, "drop: 2 edges");
    assert_true(l->line[1].is_log);
    char exp[HF_CFG_PRINT_MAX];
    memset(exp, 'x', HF_CFG_PRINT_MAX - 1u);
    exp[HF_CFG_PRINT_MAX - 1u] = '\0';
    assert_string_equal(l->line[2].text, exp);
    memcpy(exp + HF_CFG_PRINT_MAX - 4u, "...", 4u); /* 124 characters and "..." */
    assert_int_equal(strlen(exp), HF_CFG_PRINT_MAX - 1u);
    assert_string_equal(l->line[3].text, exp);
    assert_string_equal(l->line[4].text, exp);
    assert_string_equal(l->line[5].text, "");
    assert_false(l->line[5].is_log);
}

/* ---- hf_loop_run() with a task always ready: timers keep firing for hours -------------------- */

typedef struct {
    hf_task_t task;
    uint32_t wakes;
    uint64_t last_us, worst_lag; /* virtual microseconds: exact and repeatable */
} ticker_t;

static ticker_t s_ticker;
static hf_task_t s_busy;

static int busy_step_fn(hf_task_t *self) { /* 40 ms of work per step, then yield: never idle */
    HF_TASK_BEGIN(self);
    for (;;) {
        hf_port_delay_us(40000u);
        HF_YIELD();
    }
    HF_TASK_END();
}

static int ticker_fn(hf_task_t *self) { /* wakes every 1000 ms; stops the loop after 3 hours */
    ticker_t *k = (ticker_t *)self;
    HF_TASK_BEGIN(self);
    while (k->wakes < 3u * 3600u) {
        HF_AWAIT_MS(1000);
        k->wakes++;
        uint64_t late = hft_now() - k->last_us - 1000000u;
        if (late > k->worst_lag) {
            k->worst_lag = late;
        }
        k->last_us = hft_now();
    }
    hf_loop_stop();
    HF_TASK_END();
}

/* Three hours of a busy task (more than the 71.6 minutes of one microsecond-tick period, twice
 * over the 35.8 minutes of half of it) beside a 1 s ticker under hf_loop_run(): the ticker is
 * never later than one busy step. */
static void test_run_forever_with_busy_task(void **state) {
    start(state);
    s_ticker = (ticker_t){HF_TASK_INIT, 0, 0, 0};
    s_busy = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&s_ticker.task, ticker_fn, "ticker"));
    assert_true(hf_task_start(&s_busy, busy_step_fn, "busy"));
    hf_loop_run();
    assert_int_equal(s_ticker.wakes, 3u * 3600u);
    assert_true(s_ticker.worst_lag <= 40000u);
    assert_true(hft_now() >= 3ull * 3600u * 1000000u);
    assert_true(hft_now() <= 3ull * 3600u * 1000000u + 3u * 3600u * 40000u);
    (void)hf_task_cancel(&s_busy);
}

int main(void) {
#define LOOP_TESTS(i)                                                                              \
    HFT_AT_EPOCH(test_start_order_fifo, i), HFT_AT_EPOCH(test_await_exact_times, i),               \
        HFT_AT_EPOCH(test_run_until_returns_at_deadline, i),                                       \
        HFT_AT_EPOCH(test_yield_round_robin, i), HFT_AT_EPOCH(test_yield_lets_due_timer_in, i),    \
        HFT_AT_EPOCH(test_await_flag_woken_by_isr, i), HFT_AT_EPOCH(test_post_nobody_awaits, i),   \
        HFT_AT_EPOCH(test_two_objects_one_task, i), HFT_AT_EPOCH(test_cancel_while_marked, i),     \
        HFT_AT_EPOCH(test_post_during_own_step, i), HFT_AT_EPOCH(test_deferred_call_posts, i),     \
        HFT_AT_EPOCH(test_longest_sleep_after_removed_timer, i),                                   \
        HFT_AT_EPOCH(test_run_until_limit_long_past, i),                                           \
        HFT_AT_EPOCH(test_now_ms_after_self_cancel, i), HFT_AT_EPOCH(test_await_flag_timeout, i),  \
        HFT_AT_EPOCH(test_timeout_while_queued, i),                                                \
        HFT_AT_EPOCH(test_condition_and_timeout_at_same_time, i),                                  \
        HFT_AT_EPOCH(test_await_counter_and_evq, i), HFT_AT_EPOCH(test_await_until_other_task, i), \
        HFT_AT_EPOCH(test_await_task, i), HFT_AT_EPOCH(test_cancel_sleeping, i),                   \
        HFT_AT_EPOCH(test_cancel_waiting, i), HFT_AT_EPOCH(test_cancel_ready, i),                  \
        HFT_AT_EPOCH(test_task_current, i), HFT_AT_EPOCH(test_cancel_idle, i),                     \
        HFT_AT_EPOCH(test_cancel_self_then_await, i),                                              \
        HFT_AT_EPOCH(test_cancel_self_then_return, i), HFT_AT_EPOCH(test_cancel_self_then_end, i), \
        HFT_AT_EPOCH(test_return_runs_finally, i),                                                 \
        HFT_AT_EPOCH(test_start_refuses_running_task, i),                                          \
        HFT_AT_EPOCH(test_start_refuses_beyond_max_tasks, i),                                      \
        HFT_AT_EPOCH(test_equal_deadlines_in_arm_order, i), HFT_AT_EPOCH(test_loop_stop, i),       \
        HFT_AT_EPOCH(test_tickless, i), HFT_AT_EPOCH(test_hog_reported_once, i),                   \
        HFT_AT_EPOCH(test_hog_limit, i), HFT_AT_EPOCH(test_print_and_log_lines, i),                \
        HFT_AT_EPOCH(test_run_forever_with_busy_task, i)
    const struct CMUnitTest epoch0[] = {LOOP_TESTS(0)};
    const struct CMUnitTest epoch_wrap[] = {LOOP_TESTS(1)};
    const struct CMUnitTest both[] = {cmocka_unit_test(test_timer_heap_random)};
    int failed = 0;
    failed += cmocka_run_group_tests(epoch0, NULL, NULL);
    failed += cmocka_run_group_tests(epoch_wrap, NULL, NULL);
    failed += cmocka_run_group_tests(both, NULL, NULL);
    return failed != 0;
}
