/* The debouncer driven by a list of edges, and the invariants its events must keep whatever the
 * edges: shared by the unit test (tests/unit/test_input.c) and the fuzz target
 * (tests/fuzz/fuzz_button.c). Header-only; the includer provides cmocka's assert_true,
 * assert_false, assert_int_equal and fail_msg (the fuzz target maps them to abort()). */
#ifndef HF_BUTTON_CHECK_H
#define HF_BUTTON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handoff/input.h"

typedef struct {
    uint32_t t_us; /* relative to the start; END_EDGES ends the list */
    uint8_t level;
} edge_in_t;

typedef struct {
    hf_btn_event_t type; /* HF_BTN_NONE ends the list */
    uint32_t t_us;       /* relative to the start */
} ev_out_t;

#define MAX_EVENTS 8192

typedef struct {
    ev_out_t ev[MAX_EVENTS];
    unsigned n;
} events_t;

static inline void collect(events_t *out, const hf_btn_ev_t *ev, unsigned n, uint32_t base) {
    assert_true(n <= HF_BUTTON_MAX_EVENTS);
    for (unsigned i = 0; i < n; i++) {
        assert_true(out->n < MAX_EVENTS);
        out->ev[out->n].type = ev[i].type;
        out->ev[out->n].t_us = ev[i].t_us - base;
        out->n++;
    }
}

/* Advance to every deadline up to `until` (relative), like the input task does. */
static inline void advance_eagerly(hf_button_t *b, uint32_t base, uint32_t until, events_t *out) {
    hf_ticks_us_t at;
    for (int guard = 0; hf_button_deadline(b, &at) && hf_ticks_reached(base + until, at); guard++) {
        hf_btn_ev_t ev[HF_BUTTON_MAX_EVENTS];
        assert_true(guard < 4);
        assert_true(hf_ticks_reached(at, base)); /* never a deadline before the start */
        collect(out, ev, hf_button_advance(b, at, ev), base);
    }
}

/* Feed `edges` to a button created at tick `base`. eager: advance at each deadline as well
 * (the input task's way); otherwise only edges and one final advance. */
static inline void run_edges(const hf_button_cfg_t *cfg, hf_polarity_t pol, uint8_t init_level,
                             const edge_in_t *edges, size_t n_edges, uint32_t end_us, uint32_t base,
                             bool eager, events_t *out) {
    hf_button_t b;
    hf_btn_ev_t ev[HF_BUTTON_MAX_EVENTS];
    out->n = 0;
    hf_button_init(&b, 14, pol, cfg, init_level, base);
    for (size_t i = 0; i < n_edges; i++) {
        if (eager) {
            advance_eagerly(&b, base, edges[i].t_us, out);
        }
        collect(out, ev, hf_button_edge(&b, base + edges[i].t_us, edges[i].level, ev), base);
    }
    if (eager) {
        advance_eagerly(&b, base, end_us, out);
    }
    collect(out, ev, hf_button_advance(&b, base + end_us, ev), base);
    /* events come in time order */
    for (unsigned i = 1; i < out->n; i++) {
        assert_true(out->ev[i].t_us >= out->ev[i - 1].t_us);
    }
}

/* The level just before tick t (after every edge strictly before t). */
static inline uint8_t level_before(const edge_in_t *e, size_t n, uint8_t init, uint32_t t) {
    size_t lo = 0, hi = n; /* first edge with time >= t */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2u;
        if (e[mid].t_us < t) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    return lo == 0 ? init : e[lo - 1u].level;
}

static inline void check_invariants(const hf_button_cfg_t *cfg, uint8_t active, const edge_in_t *e,
                                    size_t n, const events_t *ev) {
    const uint32_t debounce = cfg->debounce_ms * 1000u, settle = cfg->settle_ms * 1000u,
                   long_us = cfg->long_ms * 1000u;
    const uint8_t inactive = (uint8_t)!active;
    unsigned presses = 0, releases = 0, longs = 0;
    /* (1) the event grammar: press [long] release, press [long] release, ... */
    bool pressed = false, long_seen = false;
    uint32_t last_press = 0;
    for (unsigned i = 0; i < ev->n; i++) {
        const ev_out_t *x = &ev->ev[i];
        switch (x->type) {
        case HF_BTN_PRESS:
            assert_false(pressed);
            /* (2) never two presses within debounce_ms */
            if (presses > 0) {
                assert_true(x->t_us - last_press > debounce);
            }
            pressed = true;
            long_seen = false;
            last_press = x->t_us;
            presses++;
            break;
        case HF_BTN_LONG_PRESS:
            assert_true(pressed);
            assert_false(long_seen);
            assert_int_equal(x->t_us, last_press + long_us);
            /* (3) a long press only while the line is active */
            assert_int_equal(level_before(e, n, inactive, x->t_us), active);
            long_seen = true;
            longs++;
            break;
        case HF_BTN_RELEASE: {
            assert_true(pressed);
            pressed = false;
            releases++;
            /* (4) released: the line went inactive exactly settle_ms before, and stayed so */
            uint32_t from = x->t_us - settle;
            bool found = false;
            for (size_t k = 0; k < n; k++) {
                uint8_t before = k == 0 ? inactive : e[k - 1].level;
                /* an edge to inactive, or a merged edge (which passes through inactive) */
                if (e[k].t_us == from && (e[k].level == inactive || e[k].level == before)) {
                    found = true;
                }
                if (e[k].t_us > from && e[k].t_us < x->t_us) {
                    fail_msg("edge at %lu us inside the settle time before the release at %lu",
                             (unsigned long)e[k].t_us, (unsigned long)x->t_us);
                }
            }
            assert_true(found);
            break;
        }
        default:
            fail_msg("unexpected event type %d", (int)x->type);
        }
    }
    assert_false(pressed); /* the line ends inactive: every press is released */
    assert_int_equal(presses, releases);

    /* (5) presses: exactly the inactive->active transitions after >= settle_ms inactive that come
     * more than debounce_ms after the previous accepted press; so no more presses than such
     * transitions. Merged edges are a transition out of the level and back at the same tick. */
    unsigned qualifying = 0, expected_presses = 0, pi = 0;
    bool any = false, settled_since_start = true;
    uint32_t inactive_since = 0, accepted = 0;
    uint8_t level = inactive;
    const ev_out_t *press_at[MAX_EVENTS / 2];
    unsigned np = 0;
    for (unsigned i = 0; i < ev->n; i++) {
        if (ev->ev[i].type == HF_BTN_PRESS) {
            press_at[np++] = &ev->ev[i];
        }
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t t = e[k].t_us;
        uint8_t seq[2];
        unsigned ns = 0;
        if (e[k].level == level) {
            seq[ns++] = (uint8_t)!level; /* merged: out and back */
        }
        seq[ns++] = e[k].level;
        for (unsigned s = 0; s < ns; s++) {
            if (seq[s] == level) {
                continue;
            }
            level = seq[s];
            if (level == inactive) {
                inactive_since = t;
                continue;
            }
            bool ok = settled_since_start || t - inactive_since >= settle;
            settled_since_start = false;
            if (!ok) {
                continue;
            }
            qualifying++;
            if (!any || t - accepted > debounce) {
                any = true;
                accepted = t;
                expected_presses++;
                assert_true(pi < np);
                assert_int_equal(press_at[pi]->t_us, t);
                pi++;
            }
        }
    }
    assert_int_equal(presses, expected_presses);
    assert_true(presses <= qualifying);

    /* (6) long presses: after every press whose line is still active long_ms later with no
     * release reported in between */
    if (long_us != 0u) {
        unsigned expected_longs = 0;
        for (unsigned i = 0; i < ev->n; i++) {
            if (ev->ev[i].type != HF_BTN_PRESS) {
                continue;
            }
            uint32_t lt = ev->ev[i].t_us + long_us;
            bool released = false;
            for (unsigned j = i + 1; j < ev->n && ev->ev[j].type != HF_BTN_PRESS; j++) {
                if (ev->ev[j].type == HF_BTN_RELEASE && ev->ev[j].t_us <= lt) {
                    released = true;
                }
            }
            if (!released && level_before(e, n, inactive, lt) == active) {
                expected_longs++;
            }
        }
        assert_int_equal(longs, expected_longs);
    } else {
        assert_int_equal(longs, 0u);
    }
}

#endif
