/* The ISR-side primitives (isr.h): flag, counter, edge queue, deferred calls; and pin names. */
#include "hf_test.h"

static int setup(void **state) {
    hft_start(hft_state_epoch(state));
    return 0;
}

/* ---- flag ----------------------------------------------------------------------------------- */

static void test_flag_set_take(void **state) {
    (void)state;
    hf_flag_t f = HF_FLAG_INIT;
    assert_false(hf_flag_is_set(&f));
    assert_false(hf_flag_take(&f));
    hf_flag_set(&f);
    assert_true(hf_flag_is_set(&f));
    assert_true(hf_flag_is_set(&f)); /* looking does not clear */
    assert_true(hf_flag_take(&f));
    assert_false(hf_flag_is_set(&f));
    assert_false(hf_flag_take(&f));
}

static void test_flag_sets_coalesce(void **state) {
    (void)state;
    hf_flag_t f = HF_FLAG_INIT;
    for (int i = 0; i < 5; i++) {
        hf_flag_set(&f);
    }
    assert_true(hf_flag_take(&f)); /* five sets, one wake-up */
    assert_false(hf_flag_take(&f));
    hf_flag_set(&f);
    assert_true(hf_flag_take(&f));
}

static void test_flag_clear(void **state) {
    (void)state;
    hf_flag_t f = HF_FLAG_INIT;
    hf_flag_clear(&f); /* clearing a clear flag */
    assert_false(hf_flag_is_set(&f));
    hf_flag_set(&f);
    hf_flag_set(&f);
    hf_flag_clear(&f);
    assert_false(hf_flag_is_set(&f));
    assert_false(hf_flag_take(&f));
    hf_flag_set(&f);
    assert_true(hf_flag_take(&f));
}

/* ---- counter -------------------------------------------------------------------------------- */

static void test_counter_add_take_peek(void **state) {
    (void)state;
    hf_counter_t c = HF_COUNTER_INIT;
    assert_int_equal(hf_counter_peek(&c), 0u);
    assert_int_equal(hf_counter_take(&c), 0u);
    hf_counter_add(&c, 1);
    hf_counter_add(&c, 5);
    assert_int_equal(hf_counter_peek(&c), 6u);
    assert_int_equal(hf_counter_peek(&c), 6u); /* peek does not reset */
    assert_int_equal(hf_counter_take(&c), 6u);
    assert_int_equal(hf_counter_peek(&c), 0u);
    assert_int_equal(hf_counter_take(&c), 0u);
    for (int i = 0; i < 1000; i++) {
        hf_counter_add(&c, 1);
    }
    hf_counter_add(&c, 0);
    assert_int_equal(hf_counter_take(&c), 1000u);
}

static void test_counter_wraps_at_2_32(void **state) {
    (void)state;
    hf_counter_t c = HF_COUNTER_INIT;
    hf_counter_add(&c, 0xFFFFFFFFu);
    assert_int_equal(hf_counter_peek(&c), 0xFFFFFFFFu);
    hf_counter_add(&c, 2);
    assert_int_equal(hf_counter_take(&c), 1u);
}

/* ---- edge queue ----------------------------------------------------------------------------- */

static void test_evq_init_capacity_check(void **state) {
    (void)state;
    static hf_edge_t slots[1024];
    hf_evq_t q;
    static const uint32_t bad[] = {0u, 1u, 3u, 5u, 6u, 7u, 12u, 100u, 1023u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (hf_evq_init(&q, slots, bad[i])) {
            fail_msg("hf_evq_init accepted capacity %u", (unsigned)bad[i]);
        }
    }
    static const uint32_t good[] = {2u, 4u, 8u, 16u, 256u, 1024u};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_true(hf_evq_init(&q, slots, good[i]));
        assert_int_equal(hf_evq_capacity(&q), good[i]);
        assert_true(hf_evq_empty(&q));
        assert_int_equal(hf_evq_count(&q), 0u);
        assert_int_equal(hf_evq_take_dropped(&q), 0u);
        hf_edge_t e;
        assert_false(hf_evq_pop(&q, &e));
    }
}

static void test_evq_fifo(void **state) {
    (void)state;
    hf_edge_t slots[8];
    hf_evq_t q;
    assert_true(hf_evq_init(&q, slots, 8));
    static const hf_edge_t in[] = {
        {100u, 14, 0, 0},       {250u, 15, 1, 0}, {0xFFFFFFFFu, 3, 1, 0},
        {7u, HF_PIN_LED, 0, 0}, {7u, 29, 1, 0},
    };
    for (size_t i = 0; i < 5; i++) {
        assert_true(hf_evq_push(&q, in[i].t_us, in[i].pin, in[i].level));
        assert_int_equal(hf_evq_count(&q), i + 1u);
        assert_false(hf_evq_empty(&q));
    }
    for (size_t i = 0; i < 5; i++) {
        hf_edge_t e;
        memset(&e, 0xA5, sizeof e);
        assert_true(hf_evq_pop(&q, &e));
        assert_int_equal(e.t_us, in[i].t_us);
        assert_int_equal(e.pin, in[i].pin);
        assert_int_equal(e.level, in[i].level);
        assert_int_equal(e.reserved, 0);
        assert_int_equal(hf_evq_count(&q), 4u - i);
    }
    hf_edge_t e;
    assert_false(hf_evq_pop(&q, &e));
    assert_true(hf_evq_empty(&q));
    assert_int_equal(hf_evq_take_dropped(&q), 0u);
}

static void test_evq_full_drops_new_edge(void **state) {
    (void)state;
    hf_edge_t slots[4];
    hf_evq_t q;
    assert_true(hf_evq_init(&q, slots, 4));
    for (uint32_t i = 0; i < 4; i++) {
        assert_true(hf_evq_push(&q, 1000u + i, 14, (uint8_t)(i & 1u)));
    }
    assert_int_equal(hf_evq_count(&q), 4u);
    assert_false(hf_evq_push(&q, 2000u, 14, 1)); /* full: the new edge is dropped */
    assert_false(hf_evq_push(&q, 2001u, 14, 0));
    assert_false(hf_evq_push(&q, 2002u, 14, 1));
    assert_int_equal(hf_evq_count(&q), 4u);
    assert_int_equal(hf_evq_take_dropped(&q), 3u);
    assert_int_equal(hf_evq_take_dropped(&q), 0u); /* read and reset */
    /* the oldest four are kept, in order */
    for (uint32_t i = 0; i < 4; i++) {
        hf_edge_t e;
        assert_true(hf_evq_pop(&q, &e));
        assert_int_equal(e.t_us, 1000u + i);
        assert_int_equal(e.level, i & 1u);
    }
    hf_edge_t e;
    assert_false(hf_evq_pop(&q, &e));
    /* room again; one pop makes room for exactly one push */
    for (uint32_t i = 0; i < 4; i++) {
        assert_true(hf_evq_push(&q, 3000u + i, 15, 1));
    }
    assert_false(hf_evq_push(&q, 4000u, 15, 1));
    assert_true(hf_evq_pop(&q, &e));
    assert_int_equal(e.t_us, 3000u);
    assert_true(hf_evq_push(&q, 4001u, 15, 0));
    assert_false(hf_evq_push(&q, 4002u, 15, 0));
    assert_int_equal(hf_evq_take_dropped(&q), 2u);
    static const uint32_t rest[] = {3001u, 3002u, 3003u, 4001u};
    for (size_t i = 0; i < 4; i++) {
        assert_true(hf_evq_pop(&q, &e));
        assert_int_equal(e.t_us, rest[i]);
    }
    assert_true(hf_evq_empty(&q));
    assert_int_equal(hf_evq_take_dropped(&q), 0u);
}

/* Many laps around a small ring, with fill levels from 0 to full, against a model. */
static void test_evq_many_laps(void **state) {
    (void)state;
    hf_edge_t slots[8];
    hf_evq_t q;
    assert_true(hf_evq_init(&q, slots, 8));
    uint32_t seed = 0xC0FFEEu;
    uint32_t next_in = 0, next_out = 0, dropped = 0;
    for (int round = 0; round < 20000; round++) {
        uint32_t pushes = hft_rand(&seed) % 11u;
        for (uint32_t i = 0; i < pushes; i++) {
            bool room = next_in - next_out < 8u;
            bool ok = hf_evq_push(&q, next_in, (hf_pin_t)(next_in % 30u), (uint8_t)(next_in & 1u));
            assert_int_equal(ok, room);
            if (ok) {
                next_in++;
            } else {
                dropped++;
            }
        }
        assert_int_equal(hf_evq_count(&q), next_in - next_out);
        uint32_t pops = hft_rand(&seed) % 11u;
        for (uint32_t i = 0; i < pops; i++) {
            hf_edge_t e;
            bool ok = hf_evq_pop(&q, &e);
            assert_int_equal(ok, next_out != next_in);
            if (ok) {
                assert_int_equal(e.t_us, next_out);
                assert_int_equal(e.pin, next_out % 30u);
                assert_int_equal(e.level, next_out & 1u);
                next_out++;
            }
        }
        if (round % 97 == 0) {
            assert_int_equal(hf_evq_take_dropped(&q), dropped);
            dropped = 0;
        }
    }
    assert_true(next_out > 50000u); /* many laps of an 8-slot ring */
    assert_int_equal(hf_evq_take_dropped(&q), dropped);
}

/* White box: the free-running 32-bit indices wrap without losing the fill level. */
static void test_evq_index_wrap(void **state) {
    (void)state;
    hf_edge_t slots[4];
    hf_evq_t q;
    assert_true(hf_evq_init(&q, slots, 4));
    atomic_store(&q.head, 0xFFFFFFFEu);
    atomic_store(&q.tail, 0xFFFFFFFEu);
    assert_true(hf_evq_empty(&q));
    for (uint32_t i = 0; i < 4; i++) {
        assert_true(hf_evq_push(&q, i, 1, 1));
        assert_int_equal(hf_evq_count(&q), i + 1u);
    }
    assert_false(hf_evq_push(&q, 99u, 1, 1));
    for (uint32_t i = 0; i < 4; i++) {
        hf_edge_t e;
        assert_true(hf_evq_pop(&q, &e));
        assert_int_equal(e.t_us, i);
    }
    assert_true(hf_evq_empty(&q));
    assert_int_equal(hf_evq_take_dropped(&q), 1u);
}

HF_EVQ_DEFINE(static_q, 16);

static void test_evq_define_static(void **state) {
    (void)state;
    assert_int_equal(hf_evq_capacity(&static_q), 16u);
    assert_true(hf_evq_empty(&static_q));
    assert_int_equal(hf_evq_take_dropped(&static_q), 0u);
    for (uint32_t i = 0; i < 17; i++) {
        assert_int_equal(hf_evq_push(&static_q, i * 10u, 14, (uint8_t)(i & 1u)), i < 16u);
    }
    assert_int_equal(hf_evq_count(&static_q), 16u);
    assert_int_equal(hf_evq_take_dropped(&static_q), 1u);
    for (uint32_t i = 0; i < 16; i++) {
        hf_edge_t e;
        assert_true(hf_evq_pop(&static_q, &e));
        assert_int_equal(e.t_us, i * 10u);
        assert_int_equal(e.pin, 14);
    }
    assert_true(hf_evq_empty(&static_q));
}

/* hf_evq_isr as the pin interrupt handler: each driven edge arrives with its pin, level and the
 * tick at which it was driven; edges the handler was not asked for are not queued. */
HF_EVQ_DEFINE(isr_q, 8);

static void test_evq_isr_from_pin_interrupts(void **state) {
    hft_start(hft_state_epoch(state));
    while (hf_evq_pop(&isr_q, &(hf_edge_t){0})) {
    }
    (void)hf_evq_take_dropped(&isr_q);
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_input(15, HF_PULL_DOWN));
    assert_true(hf_gpio_irq(14, HF_EDGE_BOTH, hf_evq_isr, &isr_q));
    assert_true(hf_gpio_irq(15, HF_EDGE_RISE, hf_evq_isr, &isr_q));
    static const struct {
        uint32_t t_ms;
        hf_pin_t pin;
        uint8_t level;
        bool queued;
    } drive[] = {
        {100, 14, 0, true},   {100, 14, 1, true},
        {1499, 15, 1, true},  {1500, 15, 0, false}, /* a falling edge of a rise-only pin */
        {1500, 14, 1, false},                       /* no change: no edge */
        {1501, 14, 0, true},  {3000, 15, 1, true},
    };
    size_t queued = 0;
    for (size_t i = 0; i < sizeof drive / sizeof drive[0]; i++) {
        hft_run_ms(drive[i].t_ms);
        hf_sim_drive(drive[i].pin, drive[i].level);
        queued += drive[i].queued;
        assert_int_equal(hf_evq_count(&isr_q), queued);
    }
    for (size_t i = 0; i < sizeof drive / sizeof drive[0]; i++) {
        if (!drive[i].queued) {
            continue;
        }
        hf_edge_t e;
        assert_true(hf_evq_pop(&isr_q, &e));
        assert_int_equal(e.t_us, hft_tick_ms(drive[i].t_ms));
        assert_int_equal(e.pin, drive[i].pin);
        assert_int_equal(e.level, drive[i].level);
    }
    assert_true(hf_evq_empty(&isr_q));
    assert_int_equal(hf_sim_irqs_delivered(), queued);
}

/* ---- deferred calls ------------------------------------------------------------------------- */

#define LOG_MAX 256
static struct {
    int v[LOG_MAX];
    uint64_t t[LOG_MAX];
    unsigned n;
} calls;

static void log_call(void *arg) {
    if (calls.n < LOG_MAX) {
        calls.v[calls.n] = (int)(intptr_t)arg;
        calls.t[calls.n] = hft_now();
    }
    calls.n++;
}

static void test_defer_fifo_runs_on_loop(void **state) {
    hft_start(hft_state_epoch(state));
    calls.n = 0;
    for (intptr_t i = 1; i <= 5; i++) {
        assert_true(hf_defer(log_call, (void *)i));
    }
    assert_int_equal(calls.n, 0u); /* queued, not run */
    hft_run_ms(250);
    assert_int_equal(calls.n, 5u);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(calls.v[i], (int)i + 1);
        assert_int_equal(calls.t[i], 0u); /* run at once, not at the deadline */
    }
    assert_int_equal(hf_defer_failures(), 0u);
    /* queued later: run at that time */
    assert_true(hf_defer(log_call, (void *)(intptr_t)6));
    hft_run_ms(500);
    assert_int_equal(calls.n, 6u);
    assert_int_equal(calls.v[5], 6);
    assert_int_equal(calls.t[5], 250000u);
}

static void test_defer_full_queue(void **state) {
    hft_start(hft_state_epoch(state));
    calls.n = 0;
    for (intptr_t i = 0; i < (intptr_t)HF_CFG_DEFER_CAP; i++) {
        assert_true(hf_defer(log_call, (void *)i));
    }
    assert_false(hf_defer(log_call, (void *)(intptr_t)100));
    assert_false(hf_defer(log_call, (void *)(intptr_t)101));
    assert_int_equal(hf_defer_failures(), 2u);
    hft_run_ms(1);
    assert_int_equal(calls.n, HF_CFG_DEFER_CAP);
    for (unsigned i = 0; i < HF_CFG_DEFER_CAP; i++) {
        assert_int_equal(calls.v[i], (int)i); /* the refused calls never run */
    }
    /* empty again: a full queue's worth fits once more; failures are counted since start */
    for (intptr_t i = 0; i < (intptr_t)HF_CFG_DEFER_CAP; i++) {
        assert_true(hf_defer(log_call, (void *)(i + 1000)));
    }
    assert_false(hf_defer(log_call, (void *)(intptr_t)-1));
    assert_int_equal(hf_defer_failures(), 3u);
    hft_run_ms(2);
    assert_int_equal(calls.n, 2u * HF_CFG_DEFER_CAP);
    assert_int_equal(calls.v[HF_CFG_DEFER_CAP], 1000);
    assert_int_equal(calls.v[2u * HF_CFG_DEFER_CAP - 1u], 1000 + (int)HF_CFG_DEFER_CAP - 1);
    /* hf_loop_init starts afresh */
    hf_loop_init();
    assert_int_equal(hf_defer_failures(), 0u);
}

static void test_defer_many_laps(void **state) {
    hft_start(hft_state_epoch(state));
    int expect = 0;
    for (int round = 0; round < 200; round++) {
        calls.n = 0;
        unsigned k = (unsigned)(round % (int)HF_CFG_DEFER_CAP) + 1u;
        for (unsigned i = 0; i < k; i++) {
            assert_true(hf_defer(log_call, (void *)(intptr_t)(expect + (int)i)));
        }
        hft_run_us((uint64_t)round + 1u);
        assert_int_equal(calls.n, k);
        for (unsigned i = 0; i < k; i++) {
            assert_int_equal(calls.v[i], expect + (int)i);
        }
        expect += (int)k;
    }
    assert_int_equal(hf_defer_failures(), 0u);
}

/* A deferred call that defers: the new call runs after those already queued, in the same run. */
static void chain_call(void *arg) {
    int v = (int)(intptr_t)arg;
    log_call(arg);
    if (v < 10) {
        assert_true(hf_defer(chain_call, (void *)(intptr_t)(v + 10)));
    }
}

static void test_defer_from_deferred_call(void **state) {
    hft_start(hft_state_epoch(state));
    calls.n = 0;
    assert_true(hf_defer(chain_call, (void *)(intptr_t)1));
    assert_true(hf_defer(chain_call, (void *)(intptr_t)2));
    assert_true(hf_defer(chain_call, (void *)(intptr_t)3));
    hft_run_ms(10);
    static const int expected[] = {1, 2, 3, 11, 12, 13};
    assert_int_equal(calls.n, 6u);
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(calls.v[i], expected[i]);
        assert_int_equal(calls.t[i], 0u);
    }
}

/* Deferred from an interrupt handler: runs on the loop at the time of the edge, and a task
 * waiting on what the deferred call changed wakes at that time too. */
static volatile int deferred_value;
static hf_task_t waiter;
static uint64_t waiter_woke_at;

static void set_value(void *arg) {
    deferred_value = (int)(intptr_t)arg;
    log_call(arg);
}

static void isr_defer(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg;
    (void)t_us;
    (void)hf_defer(set_value, (void *)(intptr_t)(pin * 10 + level));
}

static int waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_UNTIL(deferred_value == 140);
    waiter_woke_at = hft_now();
    HF_TASK_END();
}

static void test_defer_from_isr(void **state) {
    hft_start(hft_state_epoch(state));
    calls.n = 0;
    deferred_value = 0;
    waiter = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_gpio_input(14, HF_PULL_UP));
    assert_true(hf_gpio_irq(14, HF_EDGE_BOTH, isr_defer, NULL));
    assert_true(hf_task_start(&waiter, waiter_fn, "waiter"));
    hft_run_ms(700);
    assert_false(hf_task_done(&waiter));
    hf_sim_drive(14, 0);
    assert_int_equal(calls.n, 0u); /* not in the handler: on the loop */
    hft_run_ms(900);
    assert_int_equal(calls.n, 1u);
    assert_int_equal(calls.v[0], 140);
    assert_int_equal(calls.t[0], 700000u);
    assert_true(hf_task_done(&waiter));
    assert_int_equal(waiter_woke_at, 700000u);
    hf_sim_drive(14, 1);
    hft_run_ms(1000);
    assert_int_equal(calls.n, 2u);
    assert_int_equal(calls.v[1], 141);
    assert_int_equal(calls.t[1], 900000u);
}

/* ---- pin names ------------------------------------------------------------------------------ */

static void test_pin_parse(void **state) {
    (void)state;
    static const struct {
        const char *name;
        hf_pin_t pin;
    } cases[] = {
        {"GP0", 0},
        {"GP1", 1},
        {"GP9", 9},
        {"GP10", 10},
        {"GP14", 14},
        {"GP29", 29},
        {"LED", HF_PIN_LED},
        {"GP30", HF_PIN_NONE},
        {"GP99", HF_PIN_NONE},
        {"GP014", HF_PIN_NONE},
        {"GP00", HF_PIN_NONE},
        {"gp1", HF_PIN_NONE},
        {"Gp1", HF_PIN_NONE},
        {"GP", HF_PIN_NONE},
        {"G", HF_PIN_NONE},
        {"", HF_PIN_NONE},
        {"GP-1", HF_PIN_NONE},
        {"GP+1", HF_PIN_NONE},
        {"GP1a", HF_PIN_NONE},
        {"GP 1", HF_PIN_NONE},
        {" GP1", HF_PIN_NONE},
        {"GP1 ", HF_PIN_NONE},
        {"GP256", HF_PIN_NONE},
        {"GP4294967310", HF_PIN_NONE}, /* would wrap to 14 in 32 bits */
        {"GP99999999999999999999", HF_PIN_NONE},
        {"LED0", HF_PIN_NONE},
        {"led", HF_PIN_NONE},
        {"LE", HF_PIN_NONE},
        {"GP25", 25},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hf_pin_t got = hf_pin_parse(cases[i].name);
        if (got != cases[i].pin) {
            fail_msg("hf_pin_parse(\"%s\") = %u, expected %u", cases[i].name, got, cases[i].pin);
        }
    }
}

static void test_pin_name(void **state) {
    (void)state;
    char buf[8];
    assert_string_equal(hf_pin_name(0, buf), "GP0");
    assert_string_equal(hf_pin_name(9, buf), "GP9");
    assert_string_equal(hf_pin_name(10, buf), "GP10");
    assert_string_equal(hf_pin_name(29, buf), "GP29");
    assert_string_equal(hf_pin_name(HF_PIN_LED, buf), "LED");
    assert_string_equal(hf_pin_name(30, buf), "?");
    assert_string_equal(hf_pin_name(HF_PIN_NONE, buf), "?");
    assert_ptr_equal(hf_pin_name(3, buf), buf);
    /* every pin survives a round trip */
    for (unsigned p = 0; p <= HF_PIN_GPIO_MAX; p++) {
        assert_int_equal(hf_pin_parse(hf_pin_name((hf_pin_t)p, buf)), p);
    }
    assert_int_equal(hf_pin_parse(hf_pin_name(HF_PIN_LED, buf)), HF_PIN_LED);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test_setup(test_flag_set_take, setup),
        cmocka_unit_test_setup(test_flag_sets_coalesce, setup),
        cmocka_unit_test_setup(test_flag_clear, setup),
        cmocka_unit_test_setup(test_counter_add_take_peek, setup),
        cmocka_unit_test_setup(test_counter_wraps_at_2_32, setup),
        cmocka_unit_test_setup(test_evq_init_capacity_check, setup),
        cmocka_unit_test_setup(test_evq_fifo, setup),
        cmocka_unit_test_setup(test_evq_full_drops_new_edge, setup),
        cmocka_unit_test_setup(test_evq_many_laps, setup),
        cmocka_unit_test_setup(test_evq_index_wrap, setup),
        cmocka_unit_test_setup(test_evq_define_static, setup),
        cmocka_unit_test(test_pin_parse),
        cmocka_unit_test(test_pin_name),
    };
#define TIMED_TESTS(i)                                                                             \
    HFT_AT_EPOCH(test_evq_isr_from_pin_interrupts, i),                                             \
        HFT_AT_EPOCH(test_defer_fifo_runs_on_loop, i), HFT_AT_EPOCH(test_defer_full_queue, i),     \
        HFT_AT_EPOCH(test_defer_many_laps, i), HFT_AT_EPOCH(test_defer_from_deferred_call, i),     \
        HFT_AT_EPOCH(test_defer_from_isr, i)
    const struct CMUnitTest timed_epoch0[] = {TIMED_TESTS(0)};
    const struct CMUnitTest timed_epoch_wrap[] = {TIMED_TESTS(1)};
    int failed = 0;
    failed += cmocka_run_group_tests(pure, NULL, NULL);
    failed += cmocka_run_group_tests(timed_epoch0, NULL, NULL);
    failed += cmocka_run_group_tests(timed_epoch_wrap, NULL, NULL);
    return failed != 0;
}
