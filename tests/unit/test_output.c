/* On/off patterns (output.h): the pure hf_pattern_t, and the hf_output_t player driving the LED
 * and a follower pin, checked against the simulator's recorded pin changes. */
#include "hf_test.h"

/* ---- hf_pattern_t: pure -----------------------------------------------------------------------
 */

/* Walk `p` from `base` one microsecond step `step_us` at a time up to `end_us`, checking that the
 * level is exp_level(t) everywhere and that hf_pattern_advance() reports a change exactly where
 * the level changes. */
typedef struct {
    uint32_t t_us; /* from here on (relative) ... */
    int level;     /* ... this level */
    bool running;
} span_t;

static void walk(hf_pattern_t *p, uint32_t base, const span_t *spans, size_t n_spans,
                 uint32_t end_us, uint32_t step_us) {
    int prev = hf_pattern_level(p);
    size_t s = 0;
    for (uint32_t t = 0; t <= end_us; t += step_us) {
        while (s + 1 < n_spans && spans[s + 1].t_us <= t) {
            s++;
        }
        bool changed = hf_pattern_advance(p, base + t);
        int level = hf_pattern_level(p);
        if (level != spans[s].level || hf_pattern_running(p) != spans[s].running ||
            changed != (level != prev)) {
            fail_msg("at +%lu us: level %d running %d changed %d, expected level %d running %d",
                     (unsigned long)t, level, hf_pattern_running(p), changed, spans[s].level,
                     spans[s].running);
        }
        prev = level;
    }
}

#define WALK(p, base, end_us, step_us, ...)                                                        \
    do {                                                                                           \
        static const span_t spans_[] = {__VA_ARGS__};                                              \
        walk((p), (base), spans_, sizeof spans_ / sizeof spans_[0], (end_us), (step_us));          \
    } while (0)

static void test_pattern_100_100_x3(void **state) {
    (void)state;
    static const uint16_t steps[] = {100, 100};
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        hf_pattern_t p;
        hf_pattern_start(&p, steps, 2, 3, base);
        assert_true(hf_pattern_running(&p));
        assert_int_equal(hf_pattern_level(&p), 1);
        assert_int_equal(hf_pattern_deadline(&p), base + 100000u);
        /* on at +0, +200, +400; off at +100, +300, +500; done at +600 */
        WALK(&p, base, 700000u, 500u, {0, 1, true}, {100000, 0, true}, {200000, 1, true},
             {300000, 0, true}, {400000, 1, true}, {500000, 0, true}, {600000, 0, false});
        /* the deadlines, and the exact end */
        hf_pattern_start(&p, steps, 2, 3, base);
        for (uint32_t k = 1; k <= 5; k++) {
            assert_int_equal(hf_pattern_deadline(&p), base + k * 100000u);
            assert_false(hf_pattern_advance(&p, base + k * 100000u - 1u));
            assert_true(hf_pattern_advance(&p, base + k * 100000u));
            assert_int_equal(hf_pattern_level(&p), (k & 1u) ? 0 : 1);
        }
        assert_int_equal(hf_pattern_deadline(&p), base + 600000u);
        assert_false(hf_pattern_advance(&p, base + 599999u));
        assert_true(hf_pattern_running(&p));
        assert_false(hf_pattern_advance(&p, base + 600000u)); /* off already: no change */
        assert_false(hf_pattern_running(&p));
        assert_int_equal(hf_pattern_level(&p), 0);
        assert_false(hf_pattern_advance(&p, base + 900000u));
    }
}

static void test_pattern_jumps(void **state) {
    (void)state;
    static const uint16_t steps[] = {100, 100};
    hf_pattern_t p;
    hf_pattern_start(&p, steps, 2, 3, HF_EPOCH_WRAP);
    assert_false(hf_pattern_advance(&p, HF_EPOCH_WRAP + 450000u)); /* on again: no change */
    assert_int_equal(hf_pattern_level(&p), 1);
    assert_int_equal(hf_pattern_deadline(&p), HF_EPOCH_WRAP + 500000u);
    assert_true(hf_pattern_advance(&p, HF_EPOCH_WRAP + 10000000u)); /* far past the end */
    assert_false(hf_pattern_running(&p));
    assert_int_equal(hf_pattern_level(&p), 0);
}

static void test_pattern_zero_length_steps(void **state) {
    (void)state;
    hf_pattern_t p;
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        /* a zero-length off step joins the two on steps */
        static const uint16_t join[] = {100, 0, 100, 100};
        hf_pattern_start(&p, join, 4, 1, base);
        WALK(&p, base, 400000u, 1000u, {0, 1, true}, {200000, 0, true}, {300000, 0, false});
        /* a leading zero-length on step: starts off */
        static const uint16_t lead[] = {0, 100, 50};
        hf_pattern_start(&p, lead, 3, 2, base);
        assert_true(hf_pattern_running(&p));
        assert_int_equal(hf_pattern_level(&p), 0);
        assert_int_equal(hf_pattern_deadline(&p), base + 100000u);
        WALK(&p, base, 400000u, 1000u, {0, 0, true}, {100000, 1, true}, {150000, 0, true},
             {250000, 1, true}, {300000, 0, false});
        /* a trailing zero-length off step: the plays join into one long on */
        static const uint16_t trail[] = {100, 0};
        hf_pattern_start(&p, trail, 2, 2, base);
        WALK(&p, base, 300000u, 1000u, {0, 1, true}, {200000, 0, false});
        /* an odd number of steps: the second play starts with on after an on */
        static const uint16_t odd[] = {100, 50, 30};
        hf_pattern_start(&p, odd, 3, 2, base);
        WALK(&p, base, 400000u, 1000u, {0, 1, true}, {100000, 0, true}, {150000, 1, true},
             {280000, 0, true}, {330000, 1, true}, {360000, 0, false});
        /* all zero, or empty: over at once */
        static const uint16_t zeros[] = {0, 0, 0};
        hf_pattern_start(&p, zeros, 3, 0, base);
        assert_false(hf_pattern_running(&p));
        assert_int_equal(hf_pattern_level(&p), 0);
        hf_pattern_start(&p, zeros, 0, 1, base);
        assert_false(hf_pattern_running(&p));
        assert_int_equal(hf_pattern_level(&p), 0);
    }
}

static void test_pattern_repeat_forever_and_255(void **state) {
    (void)state;
    static const uint16_t steps[] = {100, 100};
    hf_pattern_t p;
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        hf_pattern_start(&p, steps, 2, 0, base); /* forever: well past 255 plays */
        for (uint32_t t = 0; t <= 120000000u; t += 50000u) {
            (void)hf_pattern_advance(&p, base + t);
            assert_true(hf_pattern_running(&p));
            assert_int_equal(hf_pattern_level(&p), (t / 100000u) % 2u == 0u ? 1 : 0);
        }
        assert_true(hf_pattern_advance(&p, base + 120150000u)); /* one big jump */
        assert_int_equal(hf_pattern_level(&p), 0);
        assert_true(hf_pattern_running(&p));
        /* 255 plays, the most that is not forever */
        static const uint16_t short_steps[] = {1, 1};
        hf_pattern_start(&p, short_steps, 2, 255, base);
        (void)hf_pattern_advance(&p, base + 509999u);
        assert_true(hf_pattern_running(&p));
        assert_int_equal(hf_pattern_level(&p), 0); /* the last off step */
        assert_false(hf_pattern_advance(&p, base + 510000u));
        assert_false(hf_pattern_running(&p));
    }
}

static void test_pattern_stop(void **state) {
    (void)state;
    static const uint16_t steps[] = {100, 100};
    hf_pattern_t p;
    hf_pattern_start(&p, steps, 2, 0, 0);
    (void)hf_pattern_advance(&p, 50000u);
    assert_int_equal(hf_pattern_level(&p), 1);
    hf_pattern_stop(&p);
    assert_false(hf_pattern_running(&p));
    assert_int_equal(hf_pattern_level(&p), 0);
    assert_false(hf_pattern_advance(&p, 150000u));
    assert_false(hf_pattern_advance(&p, 250000u));
    assert_int_equal(hf_pattern_level(&p), 0);
    /* started again from where it stands */
    hf_pattern_start(&p, steps, 2, 1, 300000u);
    assert_int_equal(hf_pattern_level(&p), 1);
    assert_true(hf_pattern_advance(&p, 400000u));
    assert_int_equal(hf_pattern_level(&p), 0);
}

/* ---- hf_train_t: pure --------------------------------------------------------------------------
 * A train is run from its last request to its end; its changes (ms after `base`, level) must be
 * exactly the expected ones. */

static const hf_flash_cfg_t cfg3 = {100, 100, 50, 6}; /* on 100, off 100, min 50, 6 owed */

typedef struct {
    uint32_t t_ms;
    int level;
} edge_t;

static void run_train(hf_train_t *t, uint32_t base, uint32_t from_ms, const edge_t *exp,
                      size_t n_exp) {
    edge_t got[64];
    size_t n = 0;
    int level = hf_train_level(t);
    /* step 1 ms at a time, so a change is seen exactly where it happens */
    for (uint32_t ms = from_ms + 1u; hf_train_running(t) && ms < 100000u; ms++) {
        bool changed = hf_train_advance(t, base + ms * 1000u);
        assert_int_equal(changed, hf_train_level(t) != level);
        if (changed) {
            level = hf_train_level(t);
            assert_true(n < 64);
            got[n].t_ms = ms;
            got[n++].level = level;
        }
    }
    assert_false(hf_train_running(t));
    bool same = n == n_exp;
    for (size_t i = 0; same && i < n; i++) {
        same = got[i].t_ms == exp[i].t_ms && got[i].level == exp[i].level;
    }
    if (!same) {
        for (size_t i = 0; i < n; i++) {
            print_message("  got %d at %lu ms\n", got[i].level, (unsigned long)got[i].t_ms);
        }
        for (size_t i = 0; i < n_exp; i++) {
            print_message("  expected %d at %lu ms\n", exp[i].level, (unsigned long)exp[i].t_ms);
        }
        fail();
    }
}

#define RUN_TRAIN(t, base, from, ...)                                                              \
    do {                                                                                           \
        static const edge_t exp_[] = {__VA_ARGS__};                                                \
        run_train(t, base, from, exp_, sizeof exp_ / sizeof exp_[0]);                              \
    } while (0)

#define MS(x) (base + (uint32_t)(x)*1000u)

static void test_train_from_off(void **state) {
    (void)state;
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        hf_train_t t = HF_TRAIN_INIT;
        assert_int_equal(hf_train_add(&t, &cfg3, 0, 0, UINT32_MAX, MS(0)), 0); /* nothing */
        assert_false(hf_train_running(&t));
        /* settled off: on at once, three flashes, the end 100 ms after the last */
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, UINT32_MAX, MS(0)), 3);
        assert_true(hf_train_running(&t));
        assert_int_equal(hf_train_level(&t), 1);
        assert_int_equal(hf_train_owed(&t), 2);
        assert_int_equal(hf_train_deadline(&t), MS(100));
        RUN_TRAIN(&t, base, 0, {100, 0}, {200, 1}, {300, 0}, {400, 1}, {500, 0});
        /* off for exactly min_ms: on at once as well */
        t = (hf_train_t)HF_TRAIN_INIT;
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 50000u, MS(0)), 3);
        assert_int_equal(hf_train_level(&t), 1);
        RUN_TRAIN(&t, base, 0, {100, 0}, {200, 1}, {300, 0}, {400, 1}, {500, 0});
        /* off for less than min_ms: that change answers; the first flash after off_ms */
        t = (hf_train_t)HF_TRAIN_INIT;
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 49999u, MS(0)), 3);
        assert_int_equal(hf_train_level(&t), 0);
        assert_int_equal(hf_train_owed(&t), 3);
        assert_int_equal(hf_train_deadline(&t), MS(100) - 49999u);
        RUN_TRAIN(&t, base, 0, {51, 1}, {151, 0}, {251, 1}, {351, 0}, {451, 1}, {551, 0});
    }
}

static void test_train_taken_over_on(void **state) {
    (void)state;
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        hf_train_t t = HF_TRAIN_INIT;
        /* on for 10 ms: that is the first flash; it ends 100 ms after it began */
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 1, 10000u, MS(0)), 3);
        assert_int_equal(hf_train_level(&t), 1);
        assert_int_equal(hf_train_owed(&t), 2);
        assert_int_equal(hf_train_deadline(&t), MS(90));
        RUN_TRAIN(&t, base, 0, {90, 0}, {190, 1}, {290, 0}, {390, 1}, {490, 0});
        /* on for 50 .. 199 ms: a flash to the eye, cut now, and it counts */
        uint32_t ages[] = {50000u, 150000u, 199999u};
        for (unsigned i = 0; i < 3; i++) {
            t = (hf_train_t)HF_TRAIN_INIT;
            assert_int_equal(hf_train_add(&t, &cfg3, 3, 1, ages[i], MS(0)), 3);
            assert_int_equal(hf_train_level(&t), 0);
            assert_int_equal(hf_train_owed(&t), 2);
            RUN_TRAIN(&t, base, 0, {100, 1}, {200, 0}, {300, 1}, {400, 0});
        }
        /* on for 200 ms or more: a glow, cut now; three flashes follow */
        t = (hf_train_t)HF_TRAIN_INIT;
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 1, 200000u, MS(0)), 3);
        assert_int_equal(hf_train_level(&t), 0);
        assert_int_equal(hf_train_owed(&t), 3);
        RUN_TRAIN(&t, base, 0, {100, 1}, {200, 0}, {300, 1}, {400, 0}, {500, 1}, {600, 0});
        t = (hf_train_t)HF_TRAIN_INIT;
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 1, UINT32_MAX, MS(0)), 3);
        assert_int_equal(hf_train_owed(&t), 3);
    }
}

/* More flashes asked while the train runs: the level changes at the request unless it changed
 * less than min_ms before; a flash cut short still counts. */
static void test_train_requests_while_running(void **state) {
    (void)state;
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        hf_train_t t = HF_TRAIN_INIT;
        /* in a flash, 50 ms after it began: cut (it counts), three more */
        (void)hf_train_add(&t, &cfg3, 3, 0, UINT32_MAX, MS(0));
        (void)hf_train_advance(&t, MS(250));
        assert_int_equal(hf_train_level(&t), 1); /* the second flash, since 200 */
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(250)), 3);
        assert_int_equal(hf_train_level(&t), 0);
        assert_int_equal(hf_train_owed(&t), 4);
        RUN_TRAIN(&t, base, 250, {350, 1}, {450, 0}, {550, 1}, {650, 0}, {750, 1}, {850, 0},
                  {950, 1}, {1050, 0});
        /* in a flash, 49 ms after it began: no change; the flash ends as planned */
        t = (hf_train_t)HF_TRAIN_INIT;
        (void)hf_train_add(&t, &cfg3, 3, 0, UINT32_MAX, MS(0));
        (void)hf_train_advance(&t, MS(249));
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 1, UINT32_MAX, MS(249)), 3);
        assert_int_equal(hf_train_level(&t), 1);
        assert_int_equal(hf_train_owed(&t), 4);
        RUN_TRAIN(&t, base, 249, {300, 0}, {400, 1}, {500, 0}, {600, 1}, {700, 0}, {800, 1},
                  {900, 0}, {1000, 1}, {1100, 0});
        /* off for 50 ms: on at once */
        t = (hf_train_t)HF_TRAIN_INIT;
        (void)hf_train_add(&t, &cfg3, 3, 0, UINT32_MAX, MS(0));
        (void)hf_train_advance(&t, MS(150));
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(150)), 3);
        assert_int_equal(hf_train_level(&t), 1);
        RUN_TRAIN(&t, base, 150, {250, 0}, {350, 1}, {450, 0}, {550, 1}, {650, 0}, {750, 1},
                  {850, 0}, {950, 1}, {1050, 0});
        /* off for 49 ms: no change; the next flash as planned */
        t = (hf_train_t)HF_TRAIN_INIT;
        (void)hf_train_add(&t, &cfg3, 3, 0, UINT32_MAX, MS(0));
        (void)hf_train_advance(&t, MS(149));
        assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(149)), 3);
        assert_int_equal(hf_train_level(&t), 0);
        RUN_TRAIN(&t, base, 149, {200, 1}, {300, 0}, {400, 1}, {500, 0}, {600, 1}, {700, 0},
                  {800, 1}, {900, 0}, {1000, 1}, {1100, 0});
        /* in the last off time: on at once, the end moves */
        t = (hf_train_t)HF_TRAIN_INIT;
        (void)hf_train_add(&t, &cfg3, 1, 0, UINT32_MAX, MS(0));
        (void)hf_train_advance(&t, MS(199));
        assert_true(hf_train_running(&t));
        assert_int_equal(hf_train_add(&t, &cfg3, 1, 0, 0, MS(199)), 1);
        RUN_TRAIN(&t, base, 199, {299, 0});
    }
}

/* At most max_owed flashes are owed: requests beyond that add fewer, or none, but still change
 * the level at once. */
static void test_train_cap(void **state) {
    (void)state;
    uint32_t base = 0;
    hf_train_t t = HF_TRAIN_INIT;
    assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, UINT32_MAX, MS(0)), 3); /* 2 owed */
    assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(60)), 3);         /* cut: 5 owed */
    assert_int_equal(hf_train_owed(&t), 5);
    assert_int_equal(hf_train_level(&t), 0);
    assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(120)), 2); /* on: 6 owed after it */
    assert_int_equal(hf_train_owed(&t), 6);
    assert_int_equal(hf_train_level(&t), 1);
    assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(180)), 0); /* cut, none added */
    assert_int_equal(hf_train_level(&t), 0);
    assert_int_equal(hf_train_owed(&t), 6);
    assert_int_equal(hf_train_add(&t, &cfg3, 3, 0, 0, MS(240)), 1); /* on: one begins */
    assert_int_equal(hf_train_owed(&t), 6);
    /* 6 owed after the flash of 240: 7 more flashes, the end at 240 + 7 * 200 */
    RUN_TRAIN(&t, base, 240, {340, 0}, {440, 1}, {540, 0}, {640, 1}, {740, 0}, {840, 1}, {940, 0},
              {1040, 1}, {1140, 0}, {1240, 1}, {1340, 0}, {1440, 1}, {1540, 0});
    /* a wide cap */
    static const hf_flash_cfg_t wide = {1, 1, 1, 65535u};
    t = (hf_train_t)HF_TRAIN_INIT;
    assert_int_equal(hf_train_add(&t, &wide, 65535u, 0, UINT32_MAX, MS(0)), 65535u);
    assert_int_equal(hf_train_owed(&t), 65534u);
    assert_int_equal(hf_train_add(&t, &wide, 65535u, 1, 0, MS(0)), 1); /* on for 0 ms: no cut */
    assert_int_equal(hf_train_owed(&t), 65535u);
    (void)hf_train_advance(&t, MS(1));
    assert_int_equal(hf_train_add(&t, &wide, 5, 0, 0, MS(1) + 999u), 0);
    assert_int_equal(hf_train_add(&t, &wide, 5, 0, 0, MS(2)), 1);
}

/* ---- hf_output_t: the player ------------------------------------------------------------------
 */

#define BUZZER 15
#define OTHER  16

static hf_output_t out;
static size_t mark; /* index of the first change after setup */

static void player_start(void **state, hf_pin_t follower) {
    hft_start(hft_state_epoch(state));
    assert_true(hf_gpio_output(HF_PIN_LED, 0));
    assert_true(hf_gpio_output(BUZZER, 0));
    assert_true(hf_gpio_output(OTHER, 0));
    hf_output_init(&out, HF_PIN_LED, follower);
    assert_false(hf_output_busy(&out));
    mark = hft_changes_count();
}

typedef struct {
    uint32_t t_ms;
    hf_pin_t pin;
    uint8_t level;
} change_t;

#define LED HF_PIN_LED

/* The pin changes since setup must be exactly `exp`, in order. */
static void check_changes(const change_t *exp, size_t n_exp) {
    size_t n;
    const hf_sim_change_t *c = hf_sim_changes(&n);
    bool same = n - mark == n_exp;
    for (size_t i = 0; same && i < n_exp; i++) {
        const hf_sim_change_t *x = &c[mark + i];
        same = x->t_us == (uint64_t)exp[i].t_ms * 1000u && x->pin == exp[i].pin &&
               x->level == exp[i].level;
    }
    if (!same) {
        char name[8];
        for (size_t i = mark; i < n; i++) {
            print_message("  got %s=%u at %llu us\n", hf_pin_name(c[i].pin, name), c[i].level,
                          (unsigned long long)c[i].t_us);
        }
        for (size_t i = 0; i < n_exp; i++) {
            print_message("  expected %s=%u at %lu ms\n", hf_pin_name(exp[i].pin, name),
                          exp[i].level, (unsigned long)exp[i].t_ms);
        }
        fail();
    }
}

#define CHECK_CHANGES(...)                                                                         \
    do {                                                                                           \
        static const change_t exp_[] = {__VA_ARGS__};                                              \
        check_changes(exp_, sizeof exp_ / sizeof exp_[0]);                                         \
    } while (0)

static const uint16_t flash[] = {100, 100};

/* A task recording when the player's task ends. */
static hf_task_t watcher;
static uint64_t watched_end;

static int watcher_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_TASK(&out.task);
    watched_end = hft_now();
    HF_TASK_END();
}

static void test_player_three_flashes(void **state) {
    player_start(state, BUZZER);
    hft_run_ms(1000);
    assert_true(hf_output_play(&out, flash, 2, 3));
    /* high at the very moment of the call */
    assert_int_equal(hf_gpio_read(LED), 1);
    assert_int_equal(hf_gpio_read(BUZZER), 1);
    assert_true(hf_output_busy(&out));
    watcher = (hf_task_t)HF_TASK_INIT;
    watched_end = 0;
    assert_true(hf_task_start(&watcher, watcher_fn, "watcher"));
    hft_run_ms(1599);
    assert_true(hf_output_busy(&out));
    hft_run_ms(3000);
    assert_false(hf_output_busy(&out));
    assert_int_equal(watched_end, 1600000u);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1100, LED, 0}, {1100, BUZZER, 0},
                  {1200, LED, 1}, {1200, BUZZER, 1}, {1300, LED, 0}, {1300, BUZZER, 0},
                  {1400, LED, 1}, {1400, BUZZER, 1}, {1500, LED, 0}, {1500, BUZZER, 0});
    assert_false(hf_output_cancel(&out)); /* over: nothing to cancel */
}

static void test_player_cancel_mid_pattern(void **state) {
    player_start(state, BUZZER);
    hft_run_ms(1000);
    assert_true(hf_output_play(&out, flash, 2, 3));
    hft_run_ms(1250); /* on */
    assert_true(hf_output_cancel(&out));
    assert_int_equal(hf_gpio_read(LED), 0); /* at once */
    assert_int_equal(hf_gpio_read(BUZZER), 0);
    assert_false(hf_output_busy(&out));
    assert_false(hf_output_cancel(&out));
    hft_run_ms(3000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1100, LED, 0}, {1100, BUZZER, 0},
                  {1200, LED, 1}, {1200, BUZZER, 1}, {1250, LED, 0}, {1250, BUZZER, 0});
    /* cancelled while off: no change, still reported as cancelled */
    assert_true(hf_output_play(&out, flash, 2, 3));
    hft_run_ms(3150);
    assert_true(hf_output_cancel(&out));
    hft_run_ms(4000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1100, LED, 0}, {1100, BUZZER, 0},
                  {1200, LED, 1}, {1200, BUZZER, 1}, {1250, LED, 0}, {1250, BUZZER, 0},
                  {3000, LED, 1}, {3000, BUZZER, 1}, {3100, LED, 0}, {3100, BUZZER, 0});
}

/* Cancelled from a task, between two steps of the player. */
static int canceller_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(1430);
    assert_true(hf_output_cancel(&out));
    HF_TASK_END();
}

static void test_player_cancel_from_task(void **state) {
    static hf_task_t canceller;
    player_start(state, BUZZER);
    canceller = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&canceller, canceller_fn, "canceller"));
    hft_run_ms(1000);
    assert_true(hf_output_play(&out, flash, 2, 3));
    hft_run_ms(3000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1100, LED, 0}, {1100, BUZZER, 0},
                  {1200, LED, 1}, {1200, BUZZER, 1}, {1300, LED, 0}, {1300, BUZZER, 0},
                  {1400, LED, 1}, {1400, BUZZER, 1}, {1430, LED, 0}, {1430, BUZZER, 0});
}

static void test_player_replace(void **state) {
    static const uint16_t other[] = {300, 100};
    player_start(state, BUZZER);
    hft_run_ms(1000);
    assert_true(hf_output_play(&out, flash, 2, 3));
    hft_run_ms(1250); /* on: the new pattern starts on, so the pins stay on (no glitch) */
    assert_true(hf_output_play(&out, other, 2, 1));
    assert_true(hf_output_busy(&out));
    watcher = (hf_task_t)HF_TASK_INIT;
    watched_end = 0;
    assert_true(hf_task_start(&watcher, watcher_fn, "watcher"));
    hft_run_ms(2150); /* over at 1650: played again from idle */
    assert_int_equal(watched_end, 1650000u);
    assert_true(hf_output_play(&out, flash, 2, 1));
    hft_run_ms(2170);
    assert_true(hf_output_play(&out, other, 2, 1)); /* replaced while on, from main */
    hft_run_ms(4000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1100, LED, 0}, {1100, BUZZER, 0},
                  {1200, LED, 1}, {1200, BUZZER, 1}, {1550, LED, 0}, {1550, BUZZER, 0},
                  {2150, LED, 1}, {2150, BUZZER, 1}, {2470, LED, 0}, {2470, BUZZER, 0});
    assert_false(hf_output_busy(&out));
}

static void test_player_follower_mute_unmute(void **state) {
    player_start(state, BUZZER);
    hft_run_ms(1000);
    assert_true(hf_output_play(&out, flash, 2, 3));
    hft_run_ms(1050);
    hf_output_set_follower(&out, HF_PIN_NONE); /* mute while on: the buzzer stops at once */
    hft_run_ms(1250);
    hf_output_set_follower(&out, BUZZER); /* unmute while on: it sounds at once */
    hf_output_set_follower(&out, BUZZER); /* the same pin: nothing */
    hft_run_ms(1450);
    hf_output_set_follower(&out, OTHER); /* moved while on */
    hft_run_ms(3000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1050, BUZZER, 0}, {1100, LED, 0},
                  {1200, LED, 1}, {1250, BUZZER, 1}, {1300, LED, 0}, {1300, BUZZER, 0},
                  {1400, LED, 1}, {1400, BUZZER, 1}, {1450, BUZZER, 0}, {1450, OTHER, 1},
                  {1500, LED, 0}, {1500, OTHER, 0});
    /* nothing playing: a new follower takes level 0 */
    hf_output_set_follower(&out, BUZZER);
    assert_int_equal(hf_gpio_read(BUZZER), 0);
    /* muted from the start */
    hf_output_set_follower(&out, HF_PIN_NONE);
    assert_true(hf_output_play(&out, flash, 2, 1));
    hft_run_ms(4000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1050, BUZZER, 0}, {1100, LED, 0},
                  {1200, LED, 1}, {1250, BUZZER, 1}, {1300, LED, 0}, {1300, BUZZER, 0},
                  {1400, LED, 1}, {1400, BUZZER, 1}, {1450, BUZZER, 0}, {1450, OTHER, 1},
                  {1500, LED, 0}, {1500, OTHER, 0}, {3000, LED, 1}, {3100, LED, 0});
}

/* A task starts the alert and awaits its end (the lesson's alert_flash), with a time-out too. */
static uint64_t t_started, t_timed_out, t_done;

static int alert_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(500);
    assert_true(hf_output_play(&out, flash, 2, 3));
    t_started = hft_now();
    HF_AWAIT_TASK_TIMEOUT_MS(&out.task, 250);
    if (HF_TIMED_OUT()) {
        t_timed_out = hft_now();
    }
    HF_AWAIT_TASK(&out.task);
    t_done = hft_now();
    HF_TASK_END();
}

static void test_player_await_task(void **state) {
    static hf_task_t alert;
    player_start(state, HF_PIN_NONE);
    t_started = t_timed_out = t_done = 0;
    alert = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&alert, alert_fn, "alert"));
    hft_run_ms(2000);
    assert_true(hf_task_done(&alert));
    assert_int_equal(t_started, 500000u);
    assert_int_equal(t_timed_out, 750000u);
    assert_int_equal(t_done, 1100000u);
    CHECK_CHANGES({500, LED, 1}, {600, LED, 0}, {700, LED, 1}, {800, LED, 0}, {900, LED, 1},
                  {1000, LED, 0});
}

/* repeat 0 plays until cancelled: exactly one change per 100 ms, then off at the cancel. */
static void test_player_forever(void **state) {
    player_start(state, BUZZER);
    assert_true(hf_output_play(&out, flash, 2, 0));
    hft_run_ms(10050);
    assert_true(hf_output_busy(&out));
    assert_true(hf_output_cancel(&out));
    hft_run_ms(11000);
    uint64_t t[128];
    uint8_t lv[128];
    size_t n = hft_pin_changes(LED, mark, t, lv, 128);
    assert_int_equal(n, 102u);
    for (size_t i = 0; i < 101; i++) {
        assert_int_equal(t[i], (uint64_t)i * 100000u);
        assert_int_equal(lv[i], i % 2u == 0u ? 1 : 0);
    }
    assert_int_equal(t[101], 10050000u);
    assert_int_equal(lv[101], 0);
    assert_int_equal(hft_pin_changes(BUZZER, mark, t, lv, 128), 102u);
}

/* Patterns with zero-length steps through the player; an empty pattern is over at once. */
static void test_player_zero_steps_and_empty(void **state) {
    static const uint16_t lead[] = {0, 100, 50};
    static const uint16_t zeros[] = {0, 0};
    player_start(state, BUZZER);
    hft_run_ms(1000);
    assert_true(hf_output_play(&out, lead, 3, 1)); /* starts with a zero-length on: off */
    assert_int_equal(hf_gpio_read(LED), 0);
    hft_run_ms(1200);
    assert_false(hf_output_busy(&out));
    assert_true(hf_output_play(&out, flash, 2, 0));
    hft_run_ms(1250);
    assert_true(hf_output_play(&out, zeros, 2, 3)); /* replaces, and is over at once */
    assert_false(hf_output_busy(&out));
    hft_run_ms(2000);
    CHECK_CHANGES({1100, LED, 1}, {1100, BUZZER, 1}, {1150, LED, 0}, {1150, BUZZER, 0},
                  {1200, LED, 1}, {1200, BUZZER, 1}, {1250, LED, 0}, {1250, BUZZER, 0});
}

/* No room for the player's task: refused, nothing driven. */
static int idle_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(1000);
    HF_TASK_END();
}

static void test_player_refused_when_tasks_full(void **state) {
    static hf_task_t tasks[HF_CFG_MAX_TASKS];
    player_start(state, BUZZER);
    for (unsigned i = 0; i < HF_CFG_MAX_TASKS; i++) {
        tasks[i] = (hf_task_t)HF_TASK_INIT;
        assert_true(hf_task_start(&tasks[i], idle_fn, "idle"));
    }
    hft_run_ms(100);
    assert_false(hf_output_play(&out, flash, 2, 3));
    assert_false(hf_output_busy(&out));
    assert_int_equal(hf_gpio_read(LED), 0);
    hft_run_ms(1000); /* all idle tasks end at 1000 */
    assert_true(hf_output_play(&out, flash, 2, 1));
    hft_run_ms(2000);
    CHECK_CHANGES({1000, LED, 1}, {1000, BUZZER, 1}, {1100, LED, 0}, {1100, BUZZER, 0});
}

/* The flash train on the player: it takes the LED over from an idle pattern as it is, changes it
 * at each request (or not, within min_ms of a change), and finishes by the same rule. */
static const uint16_t idle700[] = {700, 700};

static void test_player_flash_takes_over(void **state) {
    player_start(state, HF_PIN_NONE);
    assert_true(hf_output_play(&out, idle700, 2, 0)); /* on at 0, off at 700, on at 1400 */
    hft_run_ms(1450);
    assert_true(hf_output_changed_within(&out, 51)); /* on since 1400 */
    assert_false(hf_output_changed_within(&out, 50));
    /* lit for 50 ms: a flash to the eye, cut now, and it counts: two more follow */
    assert_int_equal(hf_output_flash(&out, &cfg3, 3), 3);
    assert_int_equal(hf_gpio_read(LED), 0);
    assert_true(hf_output_flashing(&out));
    assert_int_equal(hf_output_owed(&out), 2);
    hft_run_ms(1555);
    /* on since 1550 (5 ms): no change now; three more */
    assert_int_equal(hf_output_flash(&out, &cfg3, 3), 3);
    assert_int_equal(hf_gpio_read(LED), 1);
    assert_int_equal(hf_output_owed(&out), 4);
    hft_run_ms(1700);
    /* off since 1650, for 50 ms: on at once */
    assert_int_equal(hf_output_flash(&out, &cfg3, 1), 1);
    assert_int_equal(hf_gpio_read(LED), 1);
    hft_run_ms(5000);
    assert_false(hf_output_flashing(&out));
    assert_false(hf_output_busy(&out));
    assert_int_equal(hf_output_owed(&out), 0);
    CHECK_CHANGES({0, LED, 1}, {700, LED, 0}, {1400, LED, 1}, {1450, LED, 0}, {1550, LED, 1},
                  {1650, LED, 0}, {1700, LED, 1}, {1800, LED, 0}, {1900, LED, 1}, {2000, LED, 0},
                  {2100, LED, 1}, {2200, LED, 0}, {2300, LED, 1}, {2400, LED, 0}, {2500, LED, 1},
                  {2600, LED, 0});
    assert_true(hf_output_changed_within(&out, 65535)); /* 2.4 s ago: still remembered */
    assert_true(hf_output_changed_within(&out, 2401));
    assert_false(hf_output_changed_within(&out, 2400));
    hft_run_ms(70000); /* longer ago than anyone may ask */
    assert_false(hf_output_changed_within(&out, 65535));
    assert_int_equal(hf_output_flash(&out, &cfg3, 0), 0); /* nothing asked: nothing plays */
    assert_false(hf_output_busy(&out));
}

static void test_player_finish(void **state) {
    player_start(state, BUZZER);
    assert_int_equal(hf_output_flash(&out, &cfg3, 3), 3); /* on at 0 */
    hft_run_ms(210);
    hf_output_finish(&out); /* on since 200, for 10 ms: that flash ends as planned, at 300 */
    assert_int_equal(hf_gpio_read(LED), 1);
    assert_int_equal(hf_output_owed(&out), 0);
    hft_run_ms(1000);
    assert_false(hf_output_flashing(&out));
    hf_output_finish(&out);                               /* nothing plays: nothing happens */
    assert_int_equal(hf_output_flash(&out, &cfg3, 3), 3); /* on at 1000 */
    hft_run_ms(1060);
    hf_output_finish(&out); /* on for 60 ms: off at once */
    assert_int_equal(hf_gpio_read(LED), 0);
    assert_int_equal(hf_gpio_read(BUZZER), 0);
    assert_true(hf_output_flashing(&out)); /* until its off time is over */
    hft_run_ms(1159);
    assert_true(hf_output_flashing(&out));
    hft_run_ms(1160);
    assert_false(hf_output_flashing(&out));
    assert_false(hf_output_cancel(&out));
    CHECK_CHANGES({0, LED, 1}, {0, BUZZER, 1}, {100, LED, 0}, {100, BUZZER, 0}, {200, LED, 1},
                  {200, BUZZER, 1}, {300, LED, 0}, {300, BUZZER, 0}, {1000, LED, 1},
                  {1000, BUZZER, 1}, {1060, LED, 0}, {1060, BUZZER, 0});
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_pattern_100_100_x3),
        cmocka_unit_test(test_pattern_jumps),
        cmocka_unit_test(test_pattern_zero_length_steps),
        cmocka_unit_test(test_pattern_repeat_forever_and_255),
        cmocka_unit_test(test_pattern_stop),
        cmocka_unit_test(test_train_from_off),
        cmocka_unit_test(test_train_taken_over_on),
        cmocka_unit_test(test_train_requests_while_running),
        cmocka_unit_test(test_train_cap),
    };
#define PLAYER_TESTS(i)                                                                            \
    HFT_AT_EPOCH(test_player_three_flashes, i), HFT_AT_EPOCH(test_player_cancel_mid_pattern, i),   \
        HFT_AT_EPOCH(test_player_cancel_from_task, i), HFT_AT_EPOCH(test_player_replace, i),       \
        HFT_AT_EPOCH(test_player_follower_mute_unmute, i),                                         \
        HFT_AT_EPOCH(test_player_await_task, i), HFT_AT_EPOCH(test_player_forever, i),             \
        HFT_AT_EPOCH(test_player_zero_steps_and_empty, i),                                         \
        HFT_AT_EPOCH(test_player_refused_when_tasks_full, i),                                      \
        HFT_AT_EPOCH(test_player_flash_takes_over, i), HFT_AT_EPOCH(test_player_finish, i)
    const struct CMUnitTest player_epoch0[] = {PLAYER_TESTS(0)};
    const struct CMUnitTest player_epoch_wrap[] = {PLAYER_TESTS(1)};
    int failed = 0;
    failed += cmocka_run_group_tests(pure, NULL, NULL);
    failed += cmocka_run_group_tests(player_epoch0, NULL, NULL);
    failed += cmocka_run_group_tests(player_epoch_wrap, NULL, NULL);
    return failed != 0;
}
