/* Shared helpers for the cmocka unit tests: virtual time, the two epochs every timing test runs
 * at, and capture of printed lines. Header-only (static inline), included once per test. */
#ifndef HF_TEST_H
#define HF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "handoff/handoff.h"
#include "handoff/sim.h"

/* Every timing test runs twice: from tick 0, and from 1.5 s before the 32-bit microsecond tick
 * wraps (2^32 - 1 500 000), so the wrap happens during the test. Results must be identical. */
#define HF_EPOCH_ZERO 0u
#define HF_EPOCH_WRAP 4293467296u

static const uint32_t hf_epochs[2] = {HF_EPOCH_ZERO, HF_EPOCH_WRAP};

/* A cmocka test entry for `fn` run at epoch number i (0: tick 0, 1: near the wrap). */
#define HFT_AT_EPOCH(fn, i) cmocka_unit_test_prestate(fn, (void *)&hf_epochs[i])

/* The epoch of the current test, set by hft_start(). */
static inline uint32_t *hft_epoch_ptr(void) {
    static uint32_t epoch;
    return &epoch;
}

static inline uint32_t hft_epoch(void) {
    return *hft_epoch_ptr();
}

/* The epoch given to a test by cmocka_unit_test_prestate(fn, &hf_epochs[i]). */
static inline uint32_t hft_state_epoch(void **state) {
    return state != NULL && *state != NULL ? *(const uint32_t *)*state : HF_EPOCH_ZERO;
}

/* ---- captured lines ------------------------------------------------------------------------- */

#define HFT_MAX_LINES 64
#define HFT_LINE_LEN  160

typedef struct {
    char text[HFT_LINE_LEN];
    bool is_log;
    uint64_t t_us; /* virtual time since start when written */
} hft_line_t;

typedef struct {
    hft_line_t line[HFT_MAX_LINES];
    unsigned n;
} hft_lines_t;

static inline hft_lines_t *hft_lines(void) {
    static hft_lines_t lines;
    return &lines;
}

static inline void hft_capture_fn(const char *line, size_t len, bool is_log) {
    hft_lines_t *l = hft_lines();
    if (l->n < HFT_MAX_LINES) {
        size_t n = len < HFT_LINE_LEN - 1u ? len : HFT_LINE_LEN - 1u;
        memcpy(l->line[l->n].text, line, n);
        l->line[l->n].text[n] = '\0';
        l->line[l->n].is_log = is_log;
        l->line[l->n].t_us = hf_sim_elapsed_us();
    }
    l->n++;
}

/* ---- virtual time --------------------------------------------------------------------------- */

/* A fresh board in virtual time starting at tick `epoch`, a fresh loop, lines captured. */
static inline void hft_start(uint32_t epoch) {
    *hft_epoch_ptr() = epoch;
    hft_lines()->n = 0;
    hf_sim_reset(true, epoch);
    hf_loop_init();
    hf_sim_capture(hft_capture_fn);
}

/* The tick `us` microseconds after the start (wraps like the counter). */
static inline hf_ticks_us_t hft_tick_us(uint64_t us) {
    return hft_epoch() + (uint32_t)us;
}

static inline hf_ticks_us_t hft_tick_ms(uint64_t ms) {
    return hft_tick_us(ms * 1000u);
}

/* The exact millisecond tick for a run that started at tick `epoch` and is `elapsed_us` in:
 * whole milliseconds of the (unwrapped) microsecond count, modulo 2^32. */
static inline uint32_t hft_expected_ms(uint32_t epoch, uint64_t elapsed_us) {
    return (uint32_t)(((uint64_t)epoch + elapsed_us) / 1000u);
}

/* Virtual time since the start, in microseconds. */
static inline uint64_t hft_now(void) {
    return hf_sim_elapsed_us();
}

/* Run the loop until `us` after the start; it must return at that deadline (not stopped), and
 * virtual time must then be exactly there. */
static inline void hft_run_us(uint64_t us) {
    assert_true(us >= hft_now());
    assert_false(hf_loop_run_until(hft_tick_us(us)));
    assert_int_equal(hft_now(), us);
}

static inline void hft_run_ms(uint64_t ms) {
    hft_run_us(ms * 1000u);
}

/* Changes of `pin` recorded at or after index `from` of hf_sim_changes(), into t_us[]/level[]
 * (at most max). @return how many. */
static inline size_t hft_pin_changes(hf_pin_t pin, size_t from, uint64_t *t_us, uint8_t *level,
                                     size_t max) {
    size_t n;
    const hf_sim_change_t *c = hf_sim_changes(&n);
    size_t k = 0;
    for (size_t i = from; i < n; i++) {
        if (c[i].pin == pin) {
            if (k < max) {
                t_us[k] = c[i].t_us;
                level[k] = c[i].level;
            }
            k++;
        }
    }
    return k;
}

static inline size_t hft_changes_count(void) {
    size_t n;
    (void)hf_sim_changes(&n);
    return n;
}

/* A small deterministic generator (xorshift32): the same sequence on every run. */
static inline uint32_t hft_rand(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

#endif
