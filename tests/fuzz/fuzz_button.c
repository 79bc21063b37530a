/* libFuzzer target: the debouncer (hf_button_*) driven by edge streams made from the input,
 * checked against the invariants of tests/unit/button_check.h: presses only at qualifying
 * inactive->active transitions and never two within debounce_ms, a long press only while the
 * line is held, releases exactly settle_ms after the line went inactive, events in order; and
 * the same events whether time is advanced at every deadline or only at edges, from tick 0 and
 * across the 32-bit wrap.
 *
 * Input: byte 0 picks the timing and polarity; then two bytes per edge: a gap (its scale in the
 * first byte's top bits) and whether the level toggles or repeats (a merged edge). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "handoff/input.h"

static void check_failed(const char *file, int line, const char *what) {
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    abort();
}

#define assert_true(c)         ((c) ? (void)0 : check_failed(__FILE__, __LINE__, #c))
#define assert_false(c)        assert_true(!(c))
#define assert_int_equal(a, b) assert_true((uint64_t)(a) == (uint64_t)(b))
#define fail_msg(...)          (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), abort())

#include "button_check.h"

#define MAX_EDGES 1500
#define WRAP_BASE 4293467296u /* 1.5 s before the microsecond tick wraps */

static const hf_button_cfg_t cfgs[8] = {{200, 20, 1000}, {200, 0, 1000}, {50, 20, 300},
                                        {200, 20, 0},    {0, 5, 100},    {1, 1, 1},
                                        {200, 200, 200}, {0, 0, 0}};

/* gap scales: bounce, around settle, around debounce, around long press */
static const uint32_t scale_us[4] = {20u, 200u, 1500u, 4700u};

static edge_in_t edges[MAX_EDGES + 1];
static events_t lazy, eager, wrapped;

static bool same(const events_t *a, const events_t *b) {
    if (a->n != b->n) {
        return false;
    }
    for (unsigned i = 0; i < a->n; i++) {
        if (a->ev[i].type != b->ev[i].type || a->ev[i].t_us != b->ev[i].t_us) {
            return false;
        }
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1u) {
        return 0;
    }
    const hf_button_cfg_t *cfg = &cfgs[data[0] & 7u];
    hf_polarity_t pol = (data[0] & 8u) ? HF_ACTIVE_HIGH : HF_ACTIVE_LOW;
    uint8_t active = pol == HF_ACTIVE_HIGH ? 1u : 0u, inactive = (uint8_t)!active;
    uint8_t level = inactive;
    uint32_t t = 0;
    size_t n = 0;
    for (size_t i = 1; i + 1u < size && n < MAX_EDGES; i += 2) {
        t += (uint32_t)data[i] * scale_us[data[i + 1] >> 6]; /* at most 1.2 s per edge */
        if ((data[i + 1] & 0x3fu) != 0u) {
            level ^= 1u; /* else the same level again: two edges merged */
        }
        edges[n++] = (edge_in_t){t, level};
    }
    if (level != inactive) {
        edges[n++] = (edge_in_t){t + 1000u, inactive}; /* the invariants want it released */
    }
    uint32_t end = t + 5000000u; /* < 2^31: 1500 edges of at most 1.2 s */
    run_edges(cfg, pol, inactive, edges, n, end, 0u, false, &lazy);
    run_edges(cfg, pol, inactive, edges, n, end, 0u, true, &eager);
    run_edges(cfg, pol, inactive, edges, n, end, WRAP_BASE, true, &wrapped);
    assert_true(same(&lazy, &eager));
    assert_true(same(&wrapped, &eager));
    check_invariants(cfg, active, edges, n, &eager);
    return 0;
}
