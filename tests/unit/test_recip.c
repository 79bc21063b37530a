/* The generic Cortex-M time source's division by a multiply (ports/cortexm/recip.c): for the
 * core clocks of common boards, every count of one SysTick period converts to the microseconds
 * a division gives, and where no exact multiplier exists the division is used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "recip.h"

static void check_clock(uint32_t hz) {
    uint32_t d = hz / 1000000u, xmax = hz / 1000u - 1u;
    hf_cm_recip_t r;
    bool exact = hf_cm_recip_pick(d, xmax, &r);
    assert_true(exact == (r.mul != 0u));
    for (uint32_t x = 0; x <= xmax; x++) {
        if (hf_cm_recip_div(x, d, &r) != x / d) {
            fail_msg("%lu Hz: %lu cycles give %lu us, not %lu", (unsigned long)hz, (unsigned long)x,
                     (unsigned long)hf_cm_recip_div(x, d, &r), (unsigned long)(x / d));
        }
    }
}

/* The QEMU boards (16 and 20 MHz) and the usual Cortex-M clocks, RP2040 and RP2350 included. */
static void test_exact_for_board_clocks(void **state) {
    (void)state;
    static const uint32_t hz[] = {1000000u,   8000000u,   12000000u,  16000000u,  20000000u,
                                  48000000u,  64000000u,  72000000u,  125000000u, 133000000u,
                                  150000000u, 168000000u, 200000000u, 480000000u};
    for (size_t i = 0; i < sizeof hz / sizeof hz[0]; i++) {
        check_clock(hz[i]);
    }
}

/* The slow QEMU board clocks must get a multiplier: that is what the M0+ saves its division by. */
static void test_multiplier_found_where_it_matters(void **state) {
    (void)state;
    hf_cm_recip_t r;
    assert_true(hf_cm_recip_pick(16u, 15999u, &r));
    assert_true(hf_cm_recip_pick(20u, 19999u, &r));
    assert_false(hf_cm_recip_pick(0u, 100u, &r)); /* no divisor: divide (and never by 0) */
    assert_int_equal(r.mul, 0u);
}

/* A range too large for a 32-bit product: no multiplier, and the division still answers. */
static void test_falls_back_to_division(void **state) {
    (void)state;
    hf_cm_recip_t r;
    assert_false(hf_cm_recip_pick(3u, 0xFFFFFFFFu, &r));
    assert_int_equal(hf_cm_recip_div(0xFFFFFFFFu, 3u, &r), 0xFFFFFFFFu / 3u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_for_board_clocks),
        cmocka_unit_test(test_multiplier_found_where_it_matters),
        cmocka_unit_test(test_falls_back_to_division),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
