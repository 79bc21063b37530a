/* The millisecond tick wrapping at 2^32 ms (49.7 days): hf_ticks_diff/add/reached on ms values
 * across the boundary, and the loop's hf_now_ms(), HF_AWAIT_MS, ms deadlines and time-outs
 * across it, reached by running 49.7 days of virtual time. Label "wrap". */
#include "hf_test.h"

#define MS_PERIOD_US (4294967296ull * 1000u) /* the ms tick wraps when epoch + elapsed hits it */
#define STRIDE_US    (1800u * 1000000u)      /* 30 min: a loop run stays within 2^31 us */

/* ---- pure: ms-derived values across 2^32 ------------------------------------------------------
 */

typedef struct {
    uint32_t now_ms;
    int32_t delay_ms;
    uint32_t deadline_ms; /* now + delay, wrapped */
} ms_case_t;

static const ms_case_t ms_cases[] = {
    {0xFFFFFFFFu - 499u, 1000, 500u}, /* 500 ms before the wrap, a 1 s delay */
    {0xFFFFFFFFu, 1, 0u},             /* the last millisecond */
    {0xFFFFFC18u, 1000, 0u},          /* exactly onto 0 */
    {0xFF000000u, 0x02000000, 0x01000000u},
    {0u, -1, 0xFFFFFFFFu},                   /* back across the wrap */
    {0xFFFFFFFFu - 86399999u, 86400000, 0u}, /* a day, ending at the wrap */
    {0x80000000u, INT32_MAX, 0xFFFFFFFFu},
};

static void test_ms_values_across_wrap(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof ms_cases / sizeof ms_cases[0]; i++) {
        const ms_case_t *c = &ms_cases[i];
        uint32_t deadline = hf_ticks_add(c->now_ms, c->delay_ms);
        assert_int_equal(deadline, c->deadline_ms);
        assert_int_equal(hf_ticks_diff(deadline, c->now_ms), c->delay_ms);
        assert_int_equal(hf_ticks_reached(c->now_ms, deadline), c->delay_ms <= 0);
        assert_true(hf_ticks_reached(deadline, c->now_ms) == (c->delay_ms >= 0));
        /* one millisecond short of the deadline, and the deadline itself */
        if (c->delay_ms > 0) {
            assert_false(hf_ticks_reached(hf_ticks_add(deadline, -1), deadline));
            assert_true(hf_ticks_reached(hf_ticks_add(c->now_ms, c->delay_ms), deadline));
        }
    }
}

/* ---- the loop across the ms wrap ----------------------------------------------------------- */

/* Run the loop to `us` after the start in strides short enough for hf_loop_run_until(),
 * checking hf_now_ms() at every stride. */
static void run_long_to(uint64_t us) {
    while (hft_now() < us) {
        uint64_t next = hft_now() + STRIDE_US < us ? hft_now() + STRIDE_US : us;
        hft_run_us(next);
        assert_int_equal(hf_now_ms(), hft_expected_ms(hft_epoch(), next));
    }
}

#define STEPS 16

typedef struct {
    hf_task_t task;
    int i;
    uint32_t ms[STEPS + 1];
    uint64_t at[STEPS + 1];
    uint32_t deadline_ms;
    uint64_t deadline_from, deadline_reached;
    uint64_t timeout_from, timeout_at;
    bool timed_out;
} walker_t;

static hf_flag_t never_set;

/* From 2 s before the ms wrap: 16 sleeps of 250 ms; then a 1000 ms deadline kept in ms ticks
 * and polled every millisecond; then a flag wait that times out after 1500 ms. */
static int walker_fn(hf_task_t *self) {
    walker_t *w = (walker_t *)self;
    HF_TASK_BEGIN(self);
    for (w->i = 0; w->i <= STEPS; w->i++) {
        w->ms[w->i] = hf_now_ms();
        w->at[w->i] = hft_now();
        if (w->i < STEPS) {
            HF_AWAIT_MS(250);
        }
    }
    w->deadline_from = hft_now();
    w->deadline_ms = hf_ticks_add(hf_now_ms(), 1000);
    while (!hf_ticks_reached(hf_now_ms(), w->deadline_ms)) {
        HF_AWAIT_MS(1);
    }
    w->deadline_reached = hft_now();
    w->timeout_from = hft_now();
    HF_AWAIT_FLAG_TIMEOUT_MS(&never_set, 1500);
    w->timed_out = HF_TIMED_OUT();
    w->timeout_at = hft_now();
    HF_TASK_END();
}

static walker_t walker;

/* Start the walker `lead_us` before the ms tick wraps (after 49.7 days of virtual time). */
static void walk_across_ms_wrap(uint32_t epoch, uint64_t lead_us) {
    hft_start(epoch);
    hf_flag_clear(&never_set);
    uint64_t wrap_at = MS_PERIOD_US - epoch; /* elapsed time at which the ms tick reads 0 */
    run_long_to(wrap_at - lead_us);
    assert_true(hf_now_ms() > 0xFFFFFFFFu - (uint32_t)(lead_us / 1000u) - 1u);
    walker.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&walker.task, walker_fn, "walker"));
    hft_run_us(hft_now() + 10u * 1000000u);
    assert_true(hf_task_done(&walker.task));
}

static void check_walk(void) {
    uint64_t start = walker.at[0];
    bool wrapped = false;
    for (int i = 0; i <= STEPS; i++) {
        assert_int_equal(walker.at[i], start + (uint64_t)i * 250000u);
        assert_int_equal(walker.ms[i], hft_expected_ms(hft_epoch(), walker.at[i]));
        if (i > 0) {
            assert_int_equal(hf_ticks_diff(walker.ms[i], walker.ms[i - 1]), 250);
            wrapped |= walker.ms[i] < walker.ms[i - 1];
        }
    }
    assert_true(wrapped); /* the walk went through 2^32 ms */
    /* the ms deadline: reached exactly 1000 ms later, to the millisecond poll */
    assert_int_equal(walker.deadline_reached - walker.deadline_from, 1000000u);
    assert_int_equal(hf_ticks_diff(hft_expected_ms(hft_epoch(), walker.deadline_reached),
                                   hft_expected_ms(hft_epoch(), walker.deadline_from)),
                     1000);
    /* the time-out */
    assert_true(walker.timed_out);
    assert_int_equal(walker.timeout_at - walker.timeout_from, 1500000u);
}

/* The 250 ms walk crosses the wrap at its 8th step; the deadline and the time-out come after. */
static void test_await_ms_across_ms_wrap(void **state) {
    walk_across_ms_wrap(hft_state_epoch(state), 2000000u);
    check_walk();
}

/* The same, started 4.6 s before the wrap: the walk ends before it, the 1000 ms ms-deadline
 * (from 0.6 s before) and then the time-out cross it. */
static void test_ms_deadline_across_ms_wrap(void **state) {
    walk_across_ms_wrap(hft_state_epoch(state), 4600000u);
    uint64_t wrap_at = MS_PERIOD_US - hft_epoch();
    assert_true(walker.deadline_from < wrap_at && walker.deadline_reached > wrap_at);
    assert_true(walker.deadline_ms < 1000u); /* the deadline itself is past the wrap */
    assert_int_equal(walker.deadline_reached - walker.deadline_from, 1000000u);
    assert_true(walker.timed_out);
    assert_int_equal(walker.timeout_at - walker.timeout_from, 1500000u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ms_values_across_wrap),
        HFT_AT_EPOCH(test_await_ms_across_ms_wrap, 0),
        HFT_AT_EPOCH(test_await_ms_across_ms_wrap, 1),
        HFT_AT_EPOCH(test_ms_deadline_across_ms_wrap, 0),
        HFT_AT_EPOCH(test_ms_deadline_across_ms_wrap, 1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) != 0;
}
