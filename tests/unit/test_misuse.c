/* Misuse is caught (check.h): each precondition the library checks at run time fails at the
 * file:line of its HF_REQUIRE, found in the source by its text, or at the caller's own line for
 * an await whose length is only known at run time. The host port reports the place and calls
 * the hook set with hf_sim_on_fault(), which here jumps back into the test instead of aborting.
 * The compile-time checks (constant sleeps, edge queue capacity, the FINALLY line) are
 * tests/misuse. */
#define _POSIX_C_SOURCE 200809L /* sigsetjmp */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "hf_test.h"

static sigjmp_buf back;
static const char *fault_file;
static int fault_line;

static void on_fault(const char *file, int line) {
    fault_file = file;
    fault_line = line;
    siglongjmp(back, 1);
}

/* The line of @p path (relative to the source tree) that contains @p text; exactly one. */
static int line_of(const char *path, const char *text) {
    char full[512];
    snprintf(full, sizeof full, "%s/%s", HF_SOURCE_DIR, path);
    FILE *f = fopen(full, "r");
    if (f == NULL) {
        fail_msg("cannot read %s", full);
    }
    char buf[512];
    int n = 0, found = 0, hits = 0;
    while (fgets(buf, sizeof buf, f) != NULL) {
        n++;
        if (strstr(buf, text) != NULL) {
            found = n;
            hits++;
        }
    }
    fclose(f);
    if (hits != 1) {
        fail_msg("'%s' is on %d lines of %s, expected 1", text, hits, path);
    }
    return found;
}

/* The fault must have come from @p path (the end of the reported file name) at @p line. */
static void check_place(const char *path, int line) {
    assert_non_null(fault_file);
    size_t lf = strlen(fault_file), lp = strlen(path);
    if (lf < lp || strcmp(fault_file + lf - lp, path) != 0 || fault_line != line) {
        fail_msg("fault at %s:%d, expected %s:%d", fault_file, fault_line, path, line);
    }
}

#define EXPECT_FAULT(stmt)                                                                         \
    do {                                                                                           \
        fault_file = NULL;                                                                         \
        if (sigsetjmp(back, 1) == 0) {                                                             \
            stmt;                                                                                  \
            fail_msg("no fault from: %s", #stmt);                                                  \
        }                                                                                          \
    } while (0)

static void start(void) {
    hft_start(0);
    hf_sim_on_fault(on_fault);
}

static int idle_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_MS(1000);
    }
    HF_TASK_END();
}

static void test_start_running_task(void **state) {
    (void)state;
    static hf_task_t t;
    start();
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, idle_fn, "t"));
    EXPECT_FAULT(hf_task_start(&t, idle_fn, "t"));
    check_place("src/loop.c", line_of("src/loop.c", "HF_REQUIRE(hf_task_done(t));"));
}

static hf_task_t from_isr_task;

static void start_from_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg;
    (void)pin;
    (void)level;
    (void)t_us;
    (void)hf_task_start(&from_isr_task, idle_fn, "isr");
}

static void pop_from_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)pin;
    (void)level;
    (void)t_us;
    hf_edge_t e;
    (void)hf_evq_pop((hf_evq_t *)arg, &e);
}

/* The loop run again from inside itself: from a task step, and from a deferred call. */
static int nested_run_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    (void)hf_loop_run_until(hf_now_us() + 1000u);
    HF_TASK_END();
}

static void nested_run_call(void *arg) {
    (void)arg;
    hf_loop_run();
}

static void test_loop_run_nested(void **state) {
    (void)state;
    static hf_task_t t;
    start();
    t = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&t, nested_run_fn, "nested"));
    int line = line_of("src/loop.c", "HF_REQUIRE(!L.running);");
    EXPECT_FAULT(hft_run_ms(10));
    check_place("src/loop.c", line);
    start(); /* a fresh loop: the jump left the first one running */
    assert_true(hf_defer(nested_run_call, NULL));
    EXPECT_FAULT(hft_run_ms(10));
    check_place("src/loop.c", line);
    start();
    hft_run_ms(10); /* and a loop run in turn, not nested, is fine */
    hft_run_ms(20);
}

static void test_loop_only_from_isr(void **state) {
    (void)state;
    HF_EVQ_DEFINE(q, 4);
    start();
    from_isr_task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_irq(14, HF_EDGE_FALL, start_from_isr, NULL));
    EXPECT_FAULT(hf_sim_drive(14, 0));
    check_place("src/loop.c",
                line_of("src/loop.c", "HF_REQUIRE(hf_task_done(t));") - 1); /* REQUIRE_LOOP */
    assert_false(hf_port_in_isr()); /* the jump out of the handler left interrupt context */
    hf_sim_drive(14, 1);
    assert_true(hf_gpio_irq(14, HF_EDGE_FALL, pop_from_isr, &q));
    EXPECT_FAULT(hf_sim_drive(14, 0));
    check_place("src/isr.c", line_of("src/isr.c", "HF_REQUIRE_LOOP();"));
}

static void test_unlink_task_not_on_list(void **state) {
    (void)state;
    static hf_task_t a, copy;
    start();
    a = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_task_start(&a, idle_fn, "a")); /* in the ready queue */
    copy = a;                                     /* says "ready", but is on no list */
    EXPECT_FAULT(hf_task_cancel(&copy));
    check_place("src/loop.c", line_of("src/loop.c", "HF_REQUIRE(*link != NULL);"));
}

static uint32_t sleep_ms;
static int sleep_line;

static int long_sleep_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    sleep_line = __LINE__ + 1;
    HF_AWAIT_MS(sleep_ms);
    HF_TASK_END();
}

static void test_sleep_beyond_tick(void **state) {
    (void)state;
    static hf_task_t t;
    start();
    t = (hf_task_t)HF_TASK_INIT;
    sleep_ms = HF__MAX_MS; /* the longest: fine */
    assert_true(hf_task_start(&t, long_sleep_fn, "long"));
    assert_false(hf_loop_run_until(hft_tick_ms(1)));
    assert_true(hf_task_cancel(&t));
    sleep_ms = HF__MAX_MS + 1u; /* 35.8 minutes and 1 ms: beyond the tick's half period */
    assert_true(hf_task_start(&t, long_sleep_fn, "long"));
    EXPECT_FAULT(hf_loop_run_until(hft_tick_ms(2)));
    check_place("tests/unit/test_misuse.c", sleep_line);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_running_task), cmocka_unit_test(test_loop_only_from_isr),
        cmocka_unit_test(test_loop_run_nested),    cmocka_unit_test(test_unlink_task_not_on_list),
        cmocka_unit_test(test_sleep_beyond_tick),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
