/* A program that never calls hf_loop_init(), as a firmware main on the Cortex-M and Pico SDK
 * boards does not: the loop starts from its zeroed static state, and deferred calls, posts and
 * hf_loop_stop() all reach it. One process, so that nothing has initialised the loop before. */
#include "hf_test.h"

static int deferred_ran;
static uint64_t deferred_at;

static void on_defer(void *arg) {
    (void)arg;
    deferred_ran++;
    deferred_at = hft_now();
}

static hf_flag_t flag = HF_FLAG_INIT;
static uint64_t flag_at;

static int stopper_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(10);
    assert_true(hf_defer(on_defer, NULL));
    hf_flag_set(&flag);
    HF_AWAIT_MS(10);
    hf_loop_stop();
    HF_AWAIT_MS(1000);
    HF_TASK_END();
}

static int flag_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG(&flag);
    flag_at = hft_now();
    HF_TASK_END();
}

static void test_loop_without_init(void **state) {
    (void)state;
    static hf_task_t stopper = HF_TASK_INIT, waiter = HF_TASK_INIT;
    hf_sim_reset(true, 0); /* the board only: no hf_loop_init() */
    assert_true(hf_task_start(&stopper, stopper_fn, "stopper"));
    assert_true(hf_task_start(&waiter, flag_fn, "flag"));
    assert_true(hf_loop_run_until(500000u)); /* stopped, not at the limit */
    assert_int_equal(hft_now(), 20000u);
    assert_int_equal(deferred_ran, 1);
    assert_int_equal(deferred_at, 10000u);
    assert_int_equal(flag_at, 10000u);
    assert_true(hf_task_done(&waiter));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_loop_without_init)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
