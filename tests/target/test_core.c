/* On-target unit tests of the core's pure parts, compiled for the Cortex-M33 and Cortex-M0+:
 * tick arithmetic across the wrap, flag, counter, edge queue (including the M0+'s
 * critical-section read-modify-writes), the debouncer, output patterns and pins. */
#include "th.h"

static void test_ticks_wrap(void) {
    uint32_t before = 0xFFFFFF00u, after = 0x00000100u;
    TH_CHECK_EQ(hf_ticks_diff(after, before), 0x200);
    TH_CHECK(hf_ticks_diff(before, after) == -0x200);
    TH_CHECK_EQ(hf_ticks_add(before, 0x200), after);
    TH_CHECK(hf_ticks_reached(after, before));
    TH_CHECK(!hf_ticks_reached(before, after));
    TH_CHECK(hf_ticks_diff(0x80000000u, 0u) < 0); /* half a period apart: the far side */
    TH_CHECK_EQ(hf_ticks_diff(0x7FFFFFFFu, 0u), 0x7FFFFFFF);
}

static void test_time_advances(void) {
    hf_ticks_us_t a = hf_port_now_us();
    uint32_t ticks = hf_cm_ticks();
    hf_port_delay_us(2500);
    hf_ticks_us_t b = hf_port_now_us();
    TH_CHECK(hf_ticks_diff(b, a) >= 2500);
    TH_CHECK(hf_ticks_diff(b, a) < 2600);
    TH_CHECK(hf_cm_ticks() - ticks >= 2u);
    /* Monotonic across many SysTick periods, read back to back. */
    hf_ticks_us_t prev = hf_port_now_us();
    for (int i = 0; i < 20000; i++) {
        hf_ticks_us_t now = hf_port_now_us();
        TH_CHECK(hf_ticks_diff(now, prev) >= 0);
        prev = now;
    }
}

static void test_flag(void) {
    static hf_flag_t f = HF_FLAG_INIT;
    TH_CHECK(!hf_flag_take(&f));
    hf_flag_set(&f);
    hf_flag_set(&f);
    TH_CHECK(hf_flag_is_set(&f));
    TH_CHECK(hf_flag_take(&f)); /* two sets coalesce into one take */
    TH_CHECK(!hf_flag_take(&f));
    hf_flag_set(&f);
    hf_flag_clear(&f);
    TH_CHECK(!hf_flag_is_set(&f));
}

static void test_counter(void) {
    static hf_counter_t c = HF_COUNTER_INIT;
    for (uint32_t i = 0; i < 1000; i++) {
        hf_counter_add(&c, 3);
    }
    TH_CHECK_EQ(hf_counter_peek(&c), 3000);
    TH_CHECK_EQ(hf_counter_take(&c), 3000);
    TH_CHECK_EQ(hf_counter_take(&c), 0);
    hf_counter_add(&c, 0xFFFFFFFFu);
    hf_counter_add(&c, 2);
    TH_CHECK_EQ(hf_counter_take(&c), 1); /* wraps at 2^32 */
}

HF_EVQ_DEFINE(q8, 8);

static void test_evq(void) {
    static hf_edge_t slots[6];
    hf_evq_t bad;
    TH_CHECK(!hf_evq_init(&bad, slots, 6));
    TH_CHECK(!hf_evq_init(&bad, slots, 1));
    hf_edge_t e;
    /* Many laps of the ring: FIFO, counted, dropped when full and only then. */
    uint32_t next_in = 0, next_out = 0, dropped = 0;
    for (int round = 0; round < 500; round++) {
        int n = round % 11;
        for (int i = 0; i < n; i++) {
            bool room = hf_evq_count(&q8) < 8u;
            bool ok = hf_evq_push(&q8, next_in, (hf_pin_t)(next_in % 30u), (uint8_t)(next_in & 1u));
            TH_CHECK(ok == room);
            if (ok) {
                next_in++;
            } else {
                dropped++;
            }
        }
        while (hf_evq_pop(&q8, &e)) {
            TH_CHECK_EQ(e.t_us, next_out);
            TH_CHECK_EQ(e.pin, next_out % 30u);
            TH_CHECK_EQ(e.level, next_out & 1u);
            next_out++;
        }
        TH_CHECK(hf_evq_empty(&q8));
    }
    TH_CHECK_EQ(next_in, next_out);
    TH_CHECK(dropped > 0u);
    TH_CHECK(hf_evq_dropped_pending(&q8));
    TH_CHECK_EQ(hf_evq_take_dropped(&q8), dropped);
    TH_CHECK(!hf_evq_dropped_pending(&q8));
}

static void test_button(void) {
    hf_button_t b;
    hf_btn_ev_t ev[HF_BUTTON_MAX_EVENTS];
    const uint32_t ms = 1000u;
    /* Start near the wrap of the microsecond tick. */
    const hf_ticks_us_t t0 = 0xFFFFFFFFu - 500u * ms;
    hf_button_init(&b, 14, HF_ACTIVE_LOW, NULL, 1, t0);
    unsigned n = hf_button_edge(&b, t0 + 100u * ms, 0, ev);
    TH_CHECK_EQ(n, 1);
    TH_CHECK_EQ(ev[0].type, HF_BTN_PRESS);
    TH_CHECK_EQ(ev[0].t_us, t0 + 100u * ms);
    /* Bounce: edges within microseconds are not presses. */
    TH_CHECK_EQ(hf_button_edge(&b, t0 + 100u * ms + 300u, 1, ev), 0);
    TH_CHECK_EQ(hf_button_edge(&b, t0 + 100u * ms + 600u, 0, ev), 0);
    TH_CHECK(hf_button_is_pressed(&b));
    /* Held: a long press is due 1000 ms after the press. */
    hf_ticks_us_t at;
    TH_CHECK(hf_button_deadline(&b, &at));
    n = hf_button_advance(&b, t0 + 1100u * ms, ev);
    TH_CHECK_EQ(n, 1);
    TH_CHECK_EQ(ev[0].type, HF_BTN_LONG_PRESS);
    TH_CHECK_EQ(ev[0].t_us, t0 + 1100u * ms);
    /* Release, and a second press 150 ms after the first is refused by the 200 ms rule. */
    hf_button_init(&b, 14, HF_ACTIVE_LOW, NULL, 1, t0);
    TH_CHECK_EQ(hf_button_edge(&b, t0, 0, ev), 1);
    (void)hf_button_edge(&b, t0 + 50u * ms, 1, ev);
    TH_CHECK_EQ(hf_button_edge(&b, t0 + 150u * ms, 0, ev) > 0 && ev[0].type == HF_BTN_PRESS, 0);
    (void)hf_button_edge(&b, t0 + 250u * ms, 1, ev);
    n = hf_button_edge(&b, t0 + 400u * ms, 0, ev);
    TH_CHECK(n >= 1u && ev[n - 1u].type == HF_BTN_PRESS);
}

static void test_pattern(void) {
    static const uint16_t steps[] = {100, 100};
    hf_pattern_t p;
    hf_ticks_us_t t = 0xFFFFFFFFu - 150000u; /* crosses the wrap */
    hf_pattern_start(&p, steps, 2, 3, t);
    int changes = 0, level = hf_pattern_level(&p);
    TH_CHECK_EQ(level, 1);
    while (hf_pattern_running(&p)) {
        t = hf_pattern_deadline(&p);
        (void)hf_pattern_advance(&p, t);
        if (hf_pattern_level(&p) != level) {
            level = hf_pattern_level(&p);
            changes++;
        }
    }
    TH_CHECK_EQ(changes, 5); /* on off on off on off: five changes after the first on */
    TH_CHECK_EQ(level, 0);
}

static void test_pins(void) {
    TH_CHECK(hf_gpio_output(HF_PIN_LED, 1));
    TH_CHECK_EQ(hf_gpio_read(HF_PIN_LED), 1);
    TH_CHECK(!hf_gpio_input(HF_PIN_LED, HF_PULL_UP));
    TH_CHECK(!hf_gpio_input(40, HF_PULL_UP));
    hf_gpio_write(HF_PIN_NONE, 1); /* a pin the board lacks: ignored */
    TH_CHECK_EQ(hf_gpio_read(HF_PIN_NONE), 0);
    TH_CHECK_EQ(hf_gpio_read(HF_PIN_LED), 1);
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_print("core tests on %s, %lu MHz", HF_TARGET_NAME, (unsigned long)(hf_cm_cpu_hz / 1000000u));
    TH_RUN(test_ticks_wrap);
    TH_RUN(test_time_advances);
    TH_RUN(test_flag);
    TH_RUN(test_counter);
    TH_RUN(test_evq);
    TH_RUN(test_button);
    TH_RUN(test_pattern);
    TH_RUN(test_pins);
    return th_end();
}
