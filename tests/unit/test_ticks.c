/* Wrap-safe tick arithmetic (ticks.h) and the loop's clocks: hf_now_us(), hf_now_ms(). */
#include "hf_test.h"

/* ---- hf_ticks_diff / hf_ticks_add / hf_ticks_reached: pure ------------------------------------
 */

typedef struct {
    uint32_t a, b;
    int32_t diff; /* a - b */
} diff_case_t;

static const diff_case_t diff_cases[] = {
    {0u, 0u, 0},
    {5u, 3u, 2},
    {3u, 5u, -2},
    {0xFFFFFFFFu, 0xFFFFFFFFu, 0},
    {0u, 0xFFFFFFFFu, 1},  /* one tick across the wrap */
    {0xFFFFFFFFu, 0u, -1}, /* one tick back across the wrap */
    {10u, 0xFFFFFFF6u, 20},
    {0xFFFFFFF6u, 10u, -20},
    {4293467296u, 4293467296u, 0},
    {1000000u, 4293467296u, 2500000}, /* 1.5 s before the wrap to 1 s after it */
    {4293467296u, 1000000u, -2500000},
    {0x7FFFFFFFu, 0u, INT32_MAX}, /* the largest positive distance */
    {0u, 0x7FFFFFFFu, -INT32_MAX},
    {0x80000000u, 0u, INT32_MIN}, /* exactly half the period: reads as the most negative */
    {0u, 0x80000000u, INT32_MIN},
    {0x80000001u, 0u, -INT32_MAX}, /* past half the period: seen as before */
    {0u, 0x80000001u, INT32_MAX},
    {0x80000000u, 0x7FFFFFFFu, 1},
    {0x7FFFFFFFu, 0x80000000u, -1},
    {0xFFFFFFFFu, 0x7FFFFFFFu, INT32_MIN},
    {0x7FFFFFFEu, 0xFFFFFFFFu, INT32_MAX},
};

static void test_diff_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof diff_cases / sizeof diff_cases[0]; i++) {
        const diff_case_t *c = &diff_cases[i];
        int32_t d = hf_ticks_diff(c->a, c->b);
        if (d != c->diff) {
            fail_msg("case %zu: hf_ticks_diff(%#x, %#x) = %ld, expected %ld", i, (unsigned)c->a,
                     (unsigned)c->b, (long)d, (long)c->diff);
        }
    }
}

static void test_diff_random_against_64bit(void **state) {
    (void)state;
    uint32_t seed = 0x1234567u;
    for (int i = 0; i < 200000; i++) {
        uint32_t b = hft_rand(&seed);
        /* any distance representable in int32 */
        int64_t d = (int64_t)(int32_t)hft_rand(&seed);
        uint32_t a = (uint32_t)((uint64_t)b + (uint64_t)d);
        assert_int_equal((int64_t)hf_ticks_diff(a, b), d);
        assert_int_equal((int64_t)hf_ticks_diff(b, a), d == INT32_MIN ? (int64_t)INT32_MIN : -d);
        assert_int_equal(hf_ticks_add(b, (int32_t)d), a);
        assert_int_equal(hf_ticks_reached(a, b), d >= 0);
    }
}

typedef struct {
    uint32_t t;
    int32_t delta;
    uint32_t sum;
} add_case_t;

static const add_case_t add_cases[] = {
    {0u, 0, 0u},
    {0u, 1, 1u},
    {0xFFFFFFFFu, 1, 0u},
    {0u, -1, 0xFFFFFFFFu},
    {4293467296u, 1500000, 0u},
    {4293467296u, 2500000, 1000000u},
    {1000000u, -2500000, 4293467296u},
    {0u, INT32_MAX, 0x7FFFFFFFu},
    {0u, INT32_MIN, 0x80000000u},
    {0x80000000u, INT32_MAX, 0xFFFFFFFFu},
    {0x80000000u, INT32_MIN, 0u},
    {0xFFFFFFFFu, INT32_MIN, 0x7FFFFFFFu},
    {0x7FFFFFFFu, INT32_MAX, 0xFFFFFFFEu},
};

static void test_add_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof add_cases / sizeof add_cases[0]; i++) {
        const add_case_t *c = &add_cases[i];
        assert_int_equal(hf_ticks_add(c->t, c->delta), c->sum);
        /* and back: the distance is recovered exactly, even at -2^31 */
        assert_int_equal(hf_ticks_diff(c->sum, c->t), c->delta);
    }
}

typedef struct {
    uint32_t a, b;
    int reached; /* a at or after b */
} reached_case_t;

static const reached_case_t reached_cases[] = {
    {100u, 100u, 1},
    {101u, 100u, 1},
    {99u, 100u, 0},
    {0u, 0xFFFFFFFFu, 1},          /* just after the wrap */
    {0xFFFFFFFFu, 0u, 0},          /* just before */
    {5u, 0xFFFFFFF0u, 1},          /* deadline before the wrap, now after it */
    {0xFFFFFFF0u, 5u, 0},          /* deadline after the wrap, now before it */
    {1000000u, 4293467296u, 1},    /* 2.5 s after, across the wrap */
    {4293467296u, 1000000u, 0},    /* 2.5 s before */
    {0x7FFFFFFFu, 0u, 1},          /* 2^31 - 1 after: still after */
    {0x80000000u, 0u, 0},          /* 2^31 after: read as before (half-period limit) */
    {0x80000000u, 0x00000001u, 1}, /* 2^31 - 1 after */
    {0x00000000u, 0x80000001u, 1},
    {0x00000000u, 0x80000000u, 0},
};

static void test_reached_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof reached_cases / sizeof reached_cases[0]; i++) {
        const reached_case_t *c = &reached_cases[i];
        if (hf_ticks_reached(c->a, c->b) != c->reached) {
            fail_msg("case %zu: hf_ticks_reached(%#x, %#x) = %d, expected %d", i, (unsigned)c->a,
                     (unsigned)c->b, hf_ticks_reached(c->a, c->b), c->reached);
        }
    }
}

/* Walking a tick across the wrap one microsecond at a time, against a fixed deadline. */
static void test_reached_walk_across_wrap(void **state) {
    (void)state;
    const uint32_t deadline = 3u; /* 4 us after the wrap */
    uint32_t t = 0xFFFFFFF0u;
    for (int i = 0; i < 32; i++, t++) {
        int expected = i >= 19; /* 0xFFFFFFF0 + 19 = 3 */
        assert_int_equal(hf_ticks_reached(t, deadline), expected);
        assert_int_equal(hf_ticks_diff(t, deadline), i - 19);
    }
}

/* ---- hf_now_us / hf_now_ms in virtual time ----------------------------------------------------
 */

static void test_now_us_is_epoch_plus_elapsed(void **state) {
    hft_start(hft_state_epoch(state));
    assert_int_equal(hf_now_us(), hft_epoch());
    static const uint64_t steps_us[] = {1, 999, 1000, 1499999, 1500000, 1500001, 2750000, 5000000};
    for (size_t i = 0; i < sizeof steps_us / sizeof steps_us[0]; i++) {
        hft_run_us(steps_us[i]);
        assert_int_equal(hf_now_us(), (uint32_t)(hft_epoch() + steps_us[i]));
        assert_int_equal(hf_ticks_diff(hf_now_us(), hft_epoch()), (int32_t)steps_us[i]);
    }
}

static void test_now_ms_exact_across_us_wrap(void **state) {
    hft_start(hft_state_epoch(state));
    uint32_t ms0 = hf_now_ms();
    assert_int_equal(ms0, hft_expected_ms(hft_epoch(), 0));
    /* Uneven steps so the sub-millisecond remainder moves around; 6.4 s in all, across the
     * microsecond wrap at 1.5 s for the wrap epoch. */
    uint64_t t = 0;
    static const uint32_t steps_us[] = {1,      703,    999,    1000,    123457, 400000,
                                        975000, 1,      100,    250000,  649999, 1,
                                        999999, 777777, 222222, 1000000, 1000000};
    for (size_t i = 0; i < sizeof steps_us / sizeof steps_us[0]; i++) {
        t += steps_us[i];
        hft_run_us(t);
        assert_int_equal(hf_now_ms(), hft_expected_ms(hft_epoch(), t));
        /* whole milliseconds elapsed, independent of the epoch's sub-ms phase */
        assert_true(hf_now_ms() - ms0 >= (uint32_t)(t / 1000u));
        assert_true(hf_now_ms() - ms0 <= (uint32_t)(t / 1000u) + 1u);
    }
    /* at whole seconds the advance is exact for both epochs */
    hft_run_ms(7000);
    assert_int_equal(hf_now_ms() - ms0, 7000u);
    hft_run_ms(9000);
    assert_int_equal(hf_now_ms() - ms0, 9000u);
}

/* Asking often or rarely gives the same answer. */
static void test_now_ms_independent_of_call_rate(void **state) {
    uint32_t epoch = hft_state_epoch(state);
    uint32_t rare[8], often[8];
    hft_start(epoch);
    (void)hf_now_ms();
    for (int i = 0; i < 8; i++) {
        hft_run_us((uint64_t)(i + 1) * 777777u);
        rare[i] = hf_now_ms();
    }
    hft_start(epoch);
    (void)hf_now_ms();
    uint64_t t = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t end = (uint64_t)(i + 1) * 777777u;
        while (t + 3331u < end) {
            t += 3331u;
            hft_run_us(t);
            (void)hf_now_ms();
        }
        t = end;
        hft_run_us(t);
        often[i] = hf_now_ms();
    }
    for (int i = 0; i < 8; i++) {
        assert_int_equal(rare[i], often[i]);
        assert_int_equal(rare[i], hft_expected_ms(epoch, (uint64_t)(i + 1) * 777777u));
    }
}

/* A task waking every 250 ms sees hf_now_ms() advance by exactly 250 each time, across the
 * wrap, and hf_now_us() advance by exactly 250 000. */
typedef struct {
    hf_task_t task;
    int i;
    uint32_t ms[32];
    uint32_t us[32];
    uint64_t at[32];
} ms_task_t;

static int ms_task_fn(hf_task_t *self) {
    ms_task_t *m = (ms_task_t *)self;
    HF_TASK_BEGIN(self);
    for (m->i = 0; m->i < 32; m->i++) {
        m->ms[m->i] = hf_now_ms();
        m->us[m->i] = hf_now_us();
        m->at[m->i] = hft_now();
        HF_AWAIT_MS(250);
    }
    HF_TASK_END();
}

static void test_now_ms_in_task_every_250ms(void **state) {
    static ms_task_t m;
    hft_start(hft_state_epoch(state));
    m.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&m.task, ms_task_fn, "ms"));
    hft_run_ms(10000);
    assert_true(hf_task_done(&m.task));
    for (int i = 0; i < 32; i++) {
        assert_int_equal(m.at[i], (uint64_t)i * 250000u);
        assert_int_equal(m.us[i], hft_tick_ms((uint64_t)i * 250u));
        assert_int_equal(m.ms[i], hft_expected_ms(hft_epoch(), (uint64_t)i * 250000u));
        if (i > 0) {
            assert_int_equal(m.ms[i] - m.ms[i - 1], 250u);
        }
    }
}

/* An idle loop (a task awaiting an interrupt, no timer at all) that sleeps longer than one
 * microsecond-tick period (2^32 us, 71.6 minutes) must still count the milliseconds exactly:
 * hf_now_ms() counts whole milliseconds since start. Driven by a scenario (the only way for
 * virtual time to make one jump that long). */
static hf_flag_t idle_flag;
static hf_task_t idle_task;
static uint32_t idle_ms0, idle_ms1;
static uint64_t idle_woke_at;

static void idle_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)pin;
    (void)level;
    (void)t_us;
    hf_flag_set((hf_flag_t *)arg);
}

static int idle_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    idle_ms0 = hf_now_ms();
    HF_AWAIT_FLAG(&idle_flag);
    idle_ms1 = hf_now_ms();
    idle_woke_at = hft_now();
    hf_loop_stop();
    HF_TASK_END();
}

static void test_now_ms_exact_after_idle_longer_than_us_wrap(void **state) {
    static hf_sim_event_t ev[1];
    static hf_scenario_t sc;
    const uint64_t edge_us = 2ull * 3600u * 1000000u; /* two hours of idle */
    hft_start(hft_state_epoch(state));
    hf_flag_clear(&idle_flag);
    idle_task = (hf_task_t)HF_TASK_INIT;
    ev[0] = (hf_sim_event_t){edge_us, 14, 0, 1};
    sc = (hf_scenario_t){ev, 1, edge_us + 3600u * 1000000u};
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_irq(14, HF_EDGE_FALL, idle_isr, &idle_flag));
    assert_true(hf_task_start(&idle_task, idle_fn, "idle"));
    hf_sim_play(&sc, NULL);
    hf_loop_run();
    uint64_t woke = idle_woke_at;
    uint32_t ms0 = idle_ms0, ms1 = idle_ms1;
    hf_sim_reset(true, hft_epoch()); /* forget the scenario before anything can pass its end */
    assert_int_equal(woke, edge_us);
    assert_int_equal(ms0, hft_expected_ms(hft_epoch(), 0));
    if (ms1 - ms0 != (uint32_t)(edge_us / 1000u)) {
        fail_msg("hf_now_ms() advanced %lu ms over %lu ms of idle sleep (%ld ms lost)",
                 (unsigned long)(ms1 - ms0), (unsigned long)(edge_us / 1000u),
                 (long)(edge_us / 1000u) - (long)(ms1 - ms0));
    }
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_diff_table),
        cmocka_unit_test(test_diff_random_against_64bit),
        cmocka_unit_test(test_add_table),
        cmocka_unit_test(test_reached_table),
        cmocka_unit_test(test_reached_walk_across_wrap),
    };
#define CLOCK_TESTS(i)                                                                             \
    HFT_AT_EPOCH(test_now_us_is_epoch_plus_elapsed, i),                                            \
        HFT_AT_EPOCH(test_now_ms_exact_across_us_wrap, i),                                         \
        HFT_AT_EPOCH(test_now_ms_independent_of_call_rate, i),                                     \
        HFT_AT_EPOCH(test_now_ms_in_task_every_250ms, i),                                          \
        HFT_AT_EPOCH(test_now_ms_exact_after_idle_longer_than_us_wrap, i)
    const struct CMUnitTest clock_epoch0[] = {CLOCK_TESTS(0)};
    const struct CMUnitTest clock_epoch_wrap[] = {CLOCK_TESTS(1)};
    int failed = 0;
    failed += cmocka_run_group_tests(pure, NULL, NULL);
    failed += cmocka_run_group_tests(clock_epoch0, NULL, NULL);
    failed += cmocka_run_group_tests(clock_epoch_wrap, NULL, NULL);
    return failed != 0;
}
