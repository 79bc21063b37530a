/* On-target tests of the loop: sleeping tasks wake in deadline order and never early, awaits
 * time out, an interrupt ends a wait, cancel runs the FINALLY section, yields alternate, deferred
 * calls from an ISR run in order, and an idle loop sleeps (WFI) instead of spinning. */
#include "handoff/qemu_board.h"
#include "th.h"

static hf_ticks_us_t t_start;
static int order[8];
static unsigned n_order;
static int32_t late_us[4];

static void reset(void) {
    hf_loop_init();
    n_order = 0;
    t_start = hf_now_us();
}

/* Run the loop for at most @p ms, or until a task calls hf_loop_stop(). */
static void run_for_ms(uint32_t ms) {
    (void)hf_loop_run_until(hf_ticks_add(hf_now_us(), (int32_t)(ms * 1000u)));
}

/* ---- sleeping tasks ------------------------------------------------------------------------- */

static hf_task_t sleepers[3];
static const uint32_t sleep_ms[3] = {30, 10, 20};

static int sleeper(hf_task_t *self) {
    int i = (int)(self - sleepers);
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(sleep_ms[i]);
    late_us[i] = hf_ticks_diff(hf_now_us(), t_start + sleep_ms[i] * 1000u);
    order[n_order++] = i;
    HF_TASK_END();
}

static void test_sleep_order(void) {
    reset();
    for (int i = 0; i < 3; i++) {
        TH_CHECK(hf_task_start(&sleepers[i], sleeper, "sleeper"));
    }
    run_for_ms(40);
    TH_CHECK_EQ(n_order, 3);
    TH_CHECK_EQ(order[0], 1);
    TH_CHECK_EQ(order[1], 2);
    TH_CHECK_EQ(order[2], 0);
    for (int i = 0; i < 3; i++) {
        TH_CHECK(late_us[i] >= 0);   /* never early */
        TH_CHECK(late_us[i] < 1100); /* SysTick wakes the sleep every millisecond */
    }
}

/* ---- await with timeout, and an interrupt that ends the wait -------------------------------- */

static hf_flag_t flag = HF_FLAG_INIT;
static hf_task_t waiter;
static bool timed_out[2];
static hf_ticks_us_t woke_at[2], set_at;

static void set_flag_isr(void) {
    hf_qemu_test_timer(0, NULL); /* one shot */
    set_at = hf_port_now_us();
    hf_flag_set(&flag);
}

static int wait_twice(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag, 5);
    timed_out[0] = HF_TIMED_OUT();
    woke_at[0] = hf_now_us();
    hf_qemu_test_timer(2000000, set_flag_isr);
    HF_AWAIT_FLAG_TIMEOUT_MS(&flag, 50);
    timed_out[1] = HF_TIMED_OUT();
    woke_at[1] = hf_now_us();
    hf_loop_stop();
    HF_TASK_END();
}

static void test_await_timeout_and_irq(void) {
    reset();
    TH_CHECK(hf_task_start(&waiter, wait_twice, "waiter"));
    run_for_ms(100);
    TH_CHECK(hf_task_done(&waiter));
    TH_CHECK(timed_out[0]);
    TH_CHECK(hf_ticks_diff(woke_at[0], t_start) >= 5000);
    TH_CHECK(!timed_out[1]);
    /* Woken by the interrupt itself, not by the next SysTick: well within a millisecond. */
    TH_CHECK(hf_ticks_diff(woke_at[1], set_at) >= 0);
    TH_CHECK(hf_ticks_diff(woke_at[1], set_at) < 500);
}

/* ---- cancel --------------------------------------------------------------------------------- */

static hf_task_t victim, killer;
static int finally_runs;

static int blinker(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_gpio_write(HF_PIN_LED, 1);
    HF_AWAIT_MS(1000);
    order[n_order++] = 99; /* never reached */
    HF_FINALLY;
    hf_gpio_write(HF_PIN_LED, 0);
    finally_runs++;
    HF_TASK_END();
}

static int canceller(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(3);
    TH_CHECK(hf_task_cancel(&victim));
    TH_CHECK(!hf_task_cancel(&victim)); /* already ended */
    hf_loop_stop();
    HF_TASK_END();
}

static void test_cancel(void) {
    reset();
    hf_gpio_output(HF_PIN_LED, 0);
    finally_runs = 0;
    TH_CHECK(hf_task_start(&victim, blinker, "blinker"));
    TH_CHECK(hf_task_start(&killer, canceller, "canceller"));
    run_for_ms(50);
    TH_CHECK(hf_task_done(&victim));
    TH_CHECK(hf_task_cancelled(&victim));
    TH_CHECK_EQ(finally_runs, 1);
    TH_CHECK_EQ(hf_gpio_read(HF_PIN_LED), 0);
    TH_CHECK_EQ(n_order, 0);
}

/* ---- yields alternate; awaiting a task --------------------------------------------------------
 */

static hf_task_t ya, yb, joiner;

static int yielder(hf_task_t *self) {
    static int k[2];
    int id = self == &ya ? 0 : 1;
    HF_TASK_BEGIN(self);
    for (k[id] = 0; k[id] < 3; k[id]++) {
        order[n_order++] = id;
        HF_YIELD();
    }
    HF_TASK_END();
}

static int join_both(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_TASK(&ya);
    HF_AWAIT_TASK(&yb);
    order[n_order++] = 7;
    hf_loop_stop();
    HF_TASK_END();
}

static void test_yield_and_join(void) {
    reset();
    TH_CHECK(hf_task_start(&ya, yielder, "a"));
    TH_CHECK(hf_task_start(&yb, yielder, "b"));
    TH_CHECK(hf_task_start(&joiner, join_both, "join"));
    run_for_ms(10);
    static const int want[] = {0, 1, 0, 1, 0, 1, 7};
    TH_CHECK_EQ(n_order, 7);
    for (unsigned i = 0; i < 7 && i < n_order; i++) {
        TH_CHECK_EQ(order[i], want[i]);
    }
}

/* ---- deferred calls from an interrupt ------------------------------------------------------- */

static uint32_t defer_posted, defer_ran, defer_bad_order;

static void deferred(void *arg) {
    if ((uint32_t)(uintptr_t)arg != defer_ran) {
        defer_bad_order++;
    }
    defer_ran++;
}

static void defer_isr(void) {
    if (defer_posted < 50u && hf_defer(deferred, (void *)(uintptr_t)defer_posted)) {
        defer_posted++;
    }
}

static void test_defer_from_isr(void) {
    reset();
    defer_posted = defer_ran = defer_bad_order = 0;
    hf_qemu_test_timer(100000, defer_isr);
    run_for_ms(20);
    hf_qemu_test_timer(0, NULL);
    TH_CHECK_EQ(defer_posted, 50);
    TH_CHECK_EQ(defer_ran, 50);
    TH_CHECK_EQ(defer_bad_order, 0);
    TH_CHECK_EQ(hf_defer_failures(), 0);
}

/* ---- idle ------------------------------------------------------------------------------------ */

static hf_task_t idler;

static int idle_20ms(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(20);
    hf_loop_stop();
    HF_TASK_END();
}

static void test_idle_sleeps(void) {
    reset();
    TH_CHECK(hf_task_start(&idler, idle_20ms, "idle"));
    uint32_t sleeps = hf_cm_sleeps(), ticks = hf_cm_ticks();
    run_for_ms(100);
    uint32_t slept = hf_cm_sleeps() - sleeps, ticked = hf_cm_ticks() - ticks;
    hf_print("  20 ms idle: %lu WFI, %lu SysTick", (unsigned long)slept, (unsigned long)ticked);
    TH_CHECK(hf_task_done(&idler));
    TH_CHECK(slept >= 1u);
    TH_CHECK(slept <= ticked + 1u); /* at most one WFI per interrupt: no spinning */
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_print("loop tests on %s", HF_TARGET_NAME);
    TH_RUN(test_sleep_order);
    TH_RUN(test_await_timeout_and_irq);
    TH_RUN(test_cancel);
    TH_RUN(test_yield_and_join);
    TH_RUN(test_defer_from_isr);
    TH_RUN(test_idle_sleeps);
    return th_end();
}
