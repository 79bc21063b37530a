/* Debounced buttons (input.h): the pure debouncer as tables of edges in, events out; the
 * hf_input_t task end to end through pin interrupts and an edge queue; randomized invariants. */
#include <stdlib.h>

#include "hf_test.h"

#include "button_check.h"

/* ---- tables --------------------------------------------------------------------------------- */

#define END_EDGES 0xFFFFFFFFu

#define E(ms, lv)                                                                                  \
    { (uint32_t)((ms)*1000.0 + 0.5), (lv) }
#define P(ms)                                                                                      \
    { HF_BTN_PRESS, (uint32_t)((ms)*1000.0 + 0.5) }
#define R(ms)                                                                                      \
    { HF_BTN_RELEASE, (uint32_t)((ms)*1000.0 + 0.5) }
#define L(ms)                                                                                      \
    { HF_BTN_LONG_PRESS, (uint32_t)((ms)*1000.0 + 0.5) }
#define EDGES(...)                                                                                 \
    {                                                                                              \
        __VA_ARGS__, {                                                                             \
            END_EDGES, 0                                                                           \
        }                                                                                          \
    }
#define NO_EDGES                                                                                   \
    {                                                                                              \
        { END_EDGES, 0 }                                                                           \
    }
#define EVENTS(...)                                                                                \
    {                                                                                              \
        __VA_ARGS__, {                                                                             \
            HF_BTN_NONE, 0                                                                         \
        }                                                                                          \
    }
#define NO_EVENTS                                                                                  \
    {                                                                                              \
        { HF_BTN_NONE, 0 }                                                                         \
    }
#define CFG(d, s, l)                                                                               \
    { (d), (s), (l) }

typedef struct {
    const char *name;
    hf_button_cfg_t cfg;
    hf_polarity_t polarity;
    uint8_t init_level; /* the line at t = 0, when hf_button_init is called */
    edge_in_t edges[24];
    uint32_t end_ms; /* time is advanced to here after the last edge */
    ev_out_t exp[12];
} btn_case_t;

static const btn_case_t cases[] = {
    {"clean press", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(300, 1)), 3000,
     EVENTS(P(100), R(320))},
    {"bounces within 5 ms count once", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(101, 1), E(102, 0), E(103, 1), E(104, 0), E(400, 1), E(401, 0), E(402.5, 1),
           E(404, 0), E(405, 1)),
     3000, EVENTS(P(100), R(425))},
    {"two presses 150 ms apart count once", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(150, 1), E(250, 0), E(300, 1)), 3000, EVENTS(P(100), R(170))},
    {"two presses 250 ms apart count twice", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(150, 1), E(350, 0), E(400, 1)), 3000,
     EVENTS(P(100), R(170), P(350), R(420))},
    {"exactly debounce_ms after a press: rejected", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(150, 1), E(300, 0), E(350, 1)), 3000, EVENTS(P(100), R(170))},
    {"1 us more than debounce_ms: accepted", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(150, 1), E(300.001, 0), E(350, 1)), 3000,
     EVENTS(P(100), R(170), P(300.001), R(370))},
    {"held 600 ms, release chatters for 10 ms: one press (rule b)", CFG(200, 20, 1000),
     HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(700, 1), E(702, 0), E(704, 1), E(707, 0), E(710, 1)),
     3000, EVENTS(P(100), R(730))},
    {"settle boundary: 19.999 ms released rejected, 20 ms accepted", CFG(200, 20, 1000),
     HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(400, 1), E(419.999, 0), E(430, 1), E(450, 0), E(500, 1)),
     3000, EVENTS(P(100), R(450), P(450), R(520))},
    {"long press at +1000 ms while held", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(1500, 1)), 3000, EVENTS(P(100), L(1100), R(1520))},
    {"released before long_ms: no long press", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(1000, 1)), 3000, EVENTS(P(100), R(1020))},
    {"released 10 ms before long_ms, release reported after it: no long press", CFG(200, 20, 1000),
     HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(1090, 1)), 3000, EVENTS(P(100), R(1110))},
    {"held exactly long_ms, released at that tick: long press", CFG(200, 20, 1000), HF_ACTIVE_LOW,
     1, EDGES(E(100, 0), E(1100, 1)), 3000, EVENTS(P(100), L(1100), R(1120))},
    {"chatter shorter than settle during a hold keeps the long press", CFG(200, 20, 1000),
     HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(500, 1), E(505, 0), E(800, 1), E(819.999, 0), E(1500, 1)),
     3000, EVENTS(P(100), L(1100), R(1520))},
    {"line inactive at the long-press moment: no long press", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(1095, 1), E(1105, 0), E(1500, 1)), 3000, EVENTS(P(100), R(1520))},
    {"merged edge while released: a zero-length press", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 1)), 3000, EVENTS(P(100), R(120))},
    {"merged edge while held: a glitch, long press kept", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(500, 0), E(1500, 1)), 3000, EVENTS(P(100), L(1100), R(1520))},
    {"merged edge right after a release: rejected by settle", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(500, 1), E(510, 1)), 3000, EVENTS(P(100), R(530))},
    {"active high (PIR)", CFG(200, 20, 1000), HF_ACTIVE_HIGH, 0,
     EDGES(E(100, 1), E(400, 0), E(1000, 1), E(1000.5, 0), E(1001, 1), E(3000, 0)), 5000,
     EVENTS(P(100), R(420), P(1000), L(2000), R(3020))},
    {"active high: starts active", CFG(200, 20, 1000), HF_ACTIVE_HIGH, 1,
     EDGES(E(10, 0), E(25, 1), E(40, 0), E(60, 1), E(100, 0)), 3000, EVENTS(P(60), R(120))},
    {"settle_ms 0: release at the release edge", CFG(200, 0, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(101, 1), E(102, 0), E(500, 1), E(600, 0), E(650, 1)), 3000,
     EVENTS(P(100), R(101), P(600), R(650))},
    {"settle_ms 0: merged edge while held gives long, release and press", CFG(200, 0, 1000),
     HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(1500, 0), E(1600, 1)), 3000,
     EVENTS(P(100), L(1100), R(1500), P(1500), R(1600))},
    {"settle_ms 0: merged edge while released gives press and release", CFG(200, 0, 1000),
     HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(200, 1), E(500, 1)), 3000,
     EVENTS(P(100), R(200), P(500), R(500))},
    {"long_ms 0: no long press", CFG(200, 20, 0), HF_ACTIVE_LOW, 1, EDGES(E(100, 0), E(5000, 1)),
     8000, EVENTS(P(100), R(5020))},
    {"debounce_ms 0", CFG(0, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(110, 1), E(130, 0), E(135, 1), E(140, 0), E(150, 1)), 3000,
     EVENTS(P(100), R(130), P(130), R(170))},
    {"starts pressed: must be released for settle_ms first", CFG(200, 20, 1000), HF_ACTIVE_LOW, 0,
     EDGES(E(50, 1), E(60, 0), E(100, 1), E(130, 0), E(200, 1)), 3000, EVENTS(P(130), R(220))},
    {"starts pressed and stays pressed: nothing", CFG(200, 20, 1000), HF_ACTIVE_LOW, 0, NO_EDGES,
     5000, NO_EVENTS},
    {"starts released: a press at once counts", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(0, 0), E(50, 1)), 3000, EVENTS(P(0), R(70))},
    {"presses every 150 ms: every other one counts", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(0, 0), E(50, 1), E(150, 0), E(200, 1), E(300, 0), E(350, 1), E(450, 0), E(500, 1),
           E(600, 0), E(650, 1)),
     3000, EVENTS(P(0), R(70), P(300), R(370), P(600), R(670))},
    {"long hold with a second long_ms: one long press", CFG(200, 20, 1000), HF_ACTIVE_LOW, 1,
     EDGES(E(100, 0), E(3500, 1)), 5000, EVENTS(P(100), L(1100), R(3520))},
};

static size_t count_edges(const edge_in_t *e) {
    size_t n = 0;
    while (e[n].t_us != END_EDGES) {
        n++;
    }
    return n;
}

static void print_events(const char *what, const ev_out_t *ev, unsigned n) {
    print_message("  %s:", what);
    for (unsigned i = 0; i < n; i++) {
        print_message(" %s@%lu.%03lu", hf_btn_event_name(ev[i].type),
                      (unsigned long)(ev[i].t_us / 1000u), (unsigned long)(ev[i].t_us % 1000u));
    }
    print_message("\n");
}

static bool same_events(const ev_out_t *a, unsigned na, const ev_out_t *b, unsigned nb) {
    if (na != nb) {
        return false;
    }
    for (unsigned i = 0; i < na; i++) {
        if (a[i].type != b[i].type || a[i].t_us != b[i].t_us) {
            return false;
        }
    }
    return true;
}

static events_t got;

static void test_debounce_tables(void **state) {
    (void)state;
    unsigned failures = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const btn_case_t *k = &cases[c];
        unsigned n_exp = 0;
        while (k->exp[n_exp].type != HF_BTN_NONE) {
            n_exp++;
        }
        for (int e = 0; e < 2; e++) {
            for (int eager = 0; eager < 2; eager++) {
                run_edges(&k->cfg, k->polarity, k->init_level, k->edges, count_edges(k->edges),
                          k->end_ms * 1000u, hf_epochs[e], eager != 0, &got);
                if (!same_events(got.ev, got.n, k->exp, n_exp)) {
                    print_message("case \"%s\" (epoch %u, %s):\n", k->name, (unsigned)hf_epochs[e],
                                  eager ? "eager" : "lazy");
                    print_events("expected", k->exp, n_exp);
                    print_events("got     ", got.ev, got.n);
                    failures++;
                }
            }
        }
    }
    assert_int_equal(failures, 0u);
}

/* NULL configuration: the defaults {200, 20, 1000}. */
static void test_default_config(void **state) {
    (void)state;
    static const edge_in_t edges[] = {E(100, 0),  E(1500, 1), E(1600, 0), E(1700, 1),
                                      E(1800, 0), E(1810, 1), E(1850, 0), E(1860, 1)};
    run_edges(NULL, HF_ACTIVE_LOW, 1, edges, 8, 4000000u, HF_EPOCH_WRAP, true, &got);
    /* 1800 is exactly 200 ms after the press at 1600: rejected; 1850 is accepted */
    static const ev_out_t exp[] = {P(100), L(1100), R(1520), P(1600), R(1720), P(1850), R(1880)};
    if (!same_events(got.ev, got.n, exp, 7)) {
        print_events("got", got.ev, got.n);
        fail();
    }
}

/* The boundaries of the time-based events, one microsecond at a time, with state queries. */
static void test_deadlines_and_boundaries(void **state) {
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        (void)state;
        hf_button_t b;
        hf_btn_ev_t ev[HF_BUTTON_MAX_EVENTS];
        hf_ticks_us_t at;
        hf_button_init(&b, 14, HF_ACTIVE_LOW, NULL, 1, base);
        assert_false(hf_button_is_pressed(&b));
        assert_false(hf_button_deadline(&b, &at));
        assert_int_equal(hf_button_edge(&b, base + 100000u, 0, ev), 1u);
        assert_int_equal(ev[0].type, HF_BTN_PRESS);
        assert_int_equal(ev[0].t_us, base + 100000u);
        assert_true(hf_button_is_pressed(&b));
        assert_true(hf_button_deadline(&b, &at));
        assert_int_equal(at, base + 1100000u);
        assert_int_equal(hf_button_advance(&b, base + 1099999u, ev), 0u);
        assert_int_equal(hf_button_advance(&b, base + 1100000u, ev), 1u);
        assert_int_equal(ev[0].type, HF_BTN_LONG_PRESS);
        assert_int_equal(ev[0].t_us, base + 1100000u);
        assert_int_equal(hf_button_advance(&b, base + 1100000u, ev), 0u); /* reported once */
        assert_false(hf_button_deadline(&b, &at)); /* held: nothing timed is pending */
        assert_true(hf_button_is_pressed(&b));
        assert_int_equal(hf_button_edge(&b, base + 2000000u, 1, ev), 0u);
        assert_true(hf_button_is_pressed(&b)); /* not released until settled */
        assert_true(hf_button_deadline(&b, &at));
        assert_int_equal(at, base + 2020000u);
        assert_int_equal(hf_button_advance(&b, base + 2019999u, ev), 0u);
        assert_true(hf_button_is_pressed(&b));
        assert_int_equal(hf_button_advance(&b, base + 2020000u, ev), 1u);
        assert_int_equal(ev[0].type, HF_BTN_RELEASE);
        assert_int_equal(ev[0].t_us, base + 2020000u);
        assert_false(hf_button_is_pressed(&b));
        assert_false(hf_button_deadline(&b, &at));
        assert_int_equal(hf_button_advance(&b, base + 9000000u, ev), 0u);
        /* released before the long press: the deadline is the release; the long press is
         * dropped when its moment comes with the line inactive */
        assert_int_equal(hf_button_edge(&b, base + 3000000u, 0, ev), 1u);
        assert_true(hf_button_deadline(&b, &at));
        assert_int_equal(at, base + 4000000u);
        assert_int_equal(hf_button_edge(&b, base + 3990000u, 1, ev), 0u);
        assert_true(hf_button_deadline(&b, &at));
        assert_int_equal(at, base + 4010000u);
        assert_int_equal(hf_button_advance(&b, base + 4000000u, ev), 0u);
        assert_true(hf_button_deadline(&b, &at));
        assert_int_equal(at, base + 4010000u);
        assert_int_equal(hf_button_advance(&b, base + 4010000u, ev), 1u);
        assert_int_equal(ev[0].type, HF_BTN_RELEASE);
        assert_int_equal(ev[0].t_us, base + 4010000u);
        assert_false(hf_button_deadline(&b, &at));
        /* a release that bounces back within settle_ms is no release: the line is active at
         * the long press's moment, so it is reported */
        assert_int_equal(hf_button_edge(&b, base + 5000000u, 0, ev), 1u);
        assert_int_equal(hf_button_edge(&b, base + 5990000u, 1, ev), 0u);
        assert_int_equal(hf_button_edge(&b, base + 5995000u, 0, ev), 0u);
        assert_true(hf_button_deadline(&b, &at));
        assert_int_equal(at, base + 6000000u);
        assert_int_equal(hf_button_advance(&b, base + 6000000u, ev), 1u);
        assert_int_equal(ev[0].type, HF_BTN_LONG_PRESS);
        assert_int_equal(ev[0].t_us, base + 6000000u);
        /* inactive at the long press's moment, active again before settle_ms: dropped, and
         * the edge after it does not bring it back */
        assert_int_equal(hf_button_edge(&b, base + 7000000u, 1, ev), 0u);
        assert_int_equal(hf_button_advance(&b, base + 7020000u, ev), 1u);
        assert_int_equal(ev[0].type, HF_BTN_RELEASE);
        assert_int_equal(ev[0].t_us, base + 7020000u);
        assert_int_equal(hf_button_edge(&b, base + 8000000u, 0, ev), 1u);
        assert_int_equal(hf_button_edge(&b, base + 8990000u, 1, ev), 0u);
        assert_int_equal(hf_button_edge(&b, base + 9005000u, 0, ev), 0u);
        assert_false(hf_button_deadline(&b, &at)); /* held, no long press pending */
        assert_int_equal(hf_button_advance(&b, base + 9500000u, ev), 0u);
        assert_true(hf_button_is_pressed(&b));
    }
}

/* A button left alone for longer than half the tick period (2^31 us, 35.8 min), with
 * hf_button_advance() called every 2^30 us as hf_input_t does: its next press is accepted, at
 * any idle time (a tick difference taken across such a gap would read as negative). */
static void test_press_after_long_idle(void **state) {
    static const uint64_t idle_us[] = {36ull * 60000000u, 3240000000ull, 4294967296ull,
                                       4294967296ull + 150000u, 3ull * 3600000000u};
    for (int e = 0; e < 2; e++) {
        uint32_t base = hf_epochs[e];
        (void)state;
        for (size_t i = 0; i < sizeof idle_us / sizeof idle_us[0]; i++) {
            for (int held = 0; held < 2; held++) {
                hf_button_t b;
                hf_btn_ev_t ev[HF_BUTTON_MAX_EVENTS];
                hf_button_init(&b, 14, HF_ACTIVE_LOW, NULL, 1, base);
                assert_int_equal(hf_button_edge(&b, base + 100000u, 0, ev), 1u);
                /* released at once, or held down through the idle time */
                uint64_t release = held ? idle_us[i] : 300000u;
                uint64_t t = 100000u;
                while (t + (1u << 30) < release) {
                    t += 1u << 30;
                    (void)hf_button_advance(&b, base + (uint32_t)t, ev);
                }
                (void)hf_button_edge(&b, base + (uint32_t)release, 1, ev);
                t = release;
                uint64_t press = release + idle_us[i];
                while (t + (1u << 30) < press) {
                    t += 1u << 30;
                    (void)hf_button_advance(&b, base + (uint32_t)t, ev);
                }
                unsigned n = hf_button_edge(&b, base + (uint32_t)press, 0, ev);
                if (n == 0 || ev[n - 1].type != HF_BTN_PRESS) {
                    fail_msg("idle %llu us (held %d): the press after it was not accepted",
                             (unsigned long long)idle_us[i], held);
                }
                assert_int_equal(ev[n - 1].t_us, base + (uint32_t)press);
            }
        }
    }
}

static void test_event_names(void **state) {
    (void)state;
    assert_string_equal(hf_btn_event_name(HF_BTN_PRESS), "press");
    assert_string_equal(hf_btn_event_name(HF_BTN_RELEASE), "release");
    assert_string_equal(hf_btn_event_name(HF_BTN_LONG_PRESS), "long_press");
    assert_string_equal(hf_btn_event_name(HF_BTN_NONE), "none");
}

/* ---- randomized invariants ------------------------------------------------------------------- */

#define RAND_EDGES 6000

static edge_in_t rand_edges[RAND_EDGES];
static events_t lazy_ev, eager_ev, wrap_ev;

/* Random edges: bursts of bounces (0-5 ms apart), ordinary gaps, and long holds; a few merged
 * edges (the same level twice). The line ends inactive. */
static size_t make_edges(uint32_t seed, uint8_t inactive, bool merged, edge_in_t *out, size_t max) {
    uint32_t t = 0;
    uint8_t level = inactive;
    size_t n = 0;
    while (n + 1 < max) {
        uint32_t r = hft_rand(&seed);
        uint32_t gap;
        switch (r % 8u) {
        case 0:
        case 1:
        case 2:
            gap = hft_rand(&seed) % 5001u; /* bounce */
            break;
        case 3:
            gap = 15000u + hft_rand(&seed) % 10001u; /* around settle_ms */
            break;
        case 4:
        case 5:
            gap = hft_rand(&seed) % 300001u;
            break;
        case 6:
            gap = 150000u + hft_rand(&seed) % 100001u; /* around debounce_ms */
            break;
        default:
            gap = 900000u + hft_rand(&seed) % 300001u; /* around long_ms */
            break;
        }
        t += gap;
        if (!(merged && hft_rand(&seed) % 32u == 0u)) {
            level ^= 1u;
        }
        out[n++] = (edge_in_t){t, level};
    }
    if (level != inactive) {
        out[n++] = (edge_in_t){t + 1000u, inactive};
    }
    return n;
}

static void random_run(const hf_button_cfg_t *cfg, hf_polarity_t pol, uint32_t seed, bool merged) {
    const uint8_t active = pol == HF_ACTIVE_HIGH ? 1u : 0u;
    size_t n = make_edges(seed, (uint8_t)!active, merged, rand_edges, RAND_EDGES);
    uint32_t end = rand_edges[n - 1].t_us + 5000000u;
    assert_true(end < 0x80000000u);
    run_edges(cfg, pol, (uint8_t)!active, rand_edges, n, end, HF_EPOCH_ZERO, false, &lazy_ev);
    run_edges(cfg, pol, (uint8_t)!active, rand_edges, n, end, HF_EPOCH_ZERO, true, &eager_ev);
    run_edges(cfg, pol, (uint8_t)!active, rand_edges, n, end, HF_EPOCH_WRAP, true, &wrap_ev);
    /* the same events whether or not time is advanced between edges, and at either epoch */
    assert_true(same_events(lazy_ev.ev, lazy_ev.n, eager_ev.ev, eager_ev.n));
    assert_true(same_events(wrap_ev.ev, wrap_ev.n, eager_ev.ev, eager_ev.n));
    check_invariants(cfg, active, rand_edges, n, &eager_ev);
    assert_true(eager_ev.n > 100u); /* the run exercised something */
}

static void test_random_invariants(void **state) {
    (void)state;
    static const hf_button_cfg_t cfgs[] = {
        {200, 20, 1000}, {200, 0, 1000}, {50, 20, 300}, {200, 20, 0}, {0, 5, 100}};
    for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++) {
        random_run(&cfgs[c], HF_ACTIVE_LOW, 0x5EED0001u + (uint32_t)c, false);
        random_run(&cfgs[c], HF_ACTIVE_HIGH, 0x5EED1001u + (uint32_t)c, false);
        random_run(&cfgs[c], HF_ACTIVE_LOW, 0x5EED2001u + (uint32_t)c, true);
    }
}

/* ---- hf_input_t end to end: pin interrupts -> hf_evq_isr -> queue -> task -> callback ------- */

HF_EVQ_DEFINE(edges_q, 32);

typedef struct {
    hf_pin_t pin;
    hf_btn_event_t type;
    uint32_t t_us;  /* the event's tick, relative to the start */
    uint64_t at_us; /* virtual time of the callback */
} rec_t;

static struct {
    rec_t r[MAX_EVENTS];
    unsigned n;
    unsigned bad_ctx;
} rec;

static int ctx_token;

static void on_event(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    if (ctx != &ctx_token || hf_task_current() == NULL) {
        rec.bad_ctx++; /* called on the loop, from the input task, with our context */
    }
    if (rec.n < MAX_EVENTS) {
        rec.r[rec.n] = (rec_t){b->pin, ev->type, ev->t_us - hft_epoch(), hft_now()};
    }
    rec.n++;
}

static hf_button_t btn14, btn15;
static hf_button_t *const both_buttons[] = {&btn14, &btn15};
static hf_input_t input;

/* A fresh board and input task on queue q calling back fn; with held14 the GP14 button is
 * already held at the start. */
static void e2e_start_on(void **state, const hf_button_cfg_t *cfg, bool held14, hf_evq_t *q,
                         hf_input_fn_t fn) {
    hf_edge_t e;
    hft_start(hft_state_epoch(state));
    rec.n = 0;
    rec.bad_ctx = 0;
    while (hf_evq_pop(q, &e)) {
    }
    (void)hf_evq_take_dropped(q);
    assert_true(hf_gpio_input(14, HF_PULL_UP));   /* button to GND */
    assert_true(hf_gpio_input(15, HF_PULL_DOWN)); /* PIR, active high */
    assert_true(hf_gpio_input(16, HF_PULL_UP));   /* no button: its edges are ignored */
    if (held14) {
        hf_sim_drive(14, 0); /* before its interrupt is enabled: no edge */
        assert_int_equal(hf_gpio_read(14), 0);
    }
    hf_button_init(&btn14, 14, HF_ACTIVE_LOW, cfg, hf_gpio_read(14), hf_now_us());
    hf_button_init(&btn15, 15, HF_ACTIVE_HIGH, cfg, hf_gpio_read(15), hf_now_us());
    assert_true(hf_gpio_irq(14, HF_EDGE_BOTH, hf_evq_isr, q));
    assert_true(hf_gpio_irq(15, HF_EDGE_BOTH, hf_evq_isr, q));
    assert_true(hf_gpio_irq(16, HF_EDGE_BOTH, hf_evq_isr, q));
    input.task = (hf_task_t)HF_TASK_INIT;
    assert_true(hf_input_start(&input, q, both_buttons, 2, fn, &ctx_token));
    assert_true(hf_evq_empty(q));
}

static void e2e_start_ex(void **state, const hf_button_cfg_t *cfg, bool held14) {
    e2e_start_on(state, cfg, held14, &edges_q, on_event);
}

static void e2e_start(void **state, const hf_button_cfg_t *cfg) {
    e2e_start_ex(state, cfg, false);
}

typedef struct {
    uint32_t t_us;
    hf_pin_t pin;
    uint8_t level;
} drive_t;

#define D(ms, pin, lv)                                                                             \
    { (uint32_t)((ms)*1000.0 + 0.5), (pin), (lv) }

static void drive_all(const drive_t *d, size_t n, uint32_t end_ms) {
    for (size_t i = 0; i < n; i++) {
        hft_run_us(d[i].t_us);
        hf_sim_drive(d[i].pin, d[i].level);
    }
    hft_run_ms(end_ms);
}

typedef struct {
    hf_pin_t pin;
    hf_btn_event_t type;
    uint32_t t_us;
} rec_exp_t;

#define RP(pin, ms)                                                                                \
    { (pin), HF_BTN_PRESS, (uint32_t)((ms)*1000.0 + 0.5) }
#define RR(pin, ms)                                                                                \
    { (pin), HF_BTN_RELEASE, (uint32_t)((ms)*1000.0 + 0.5) }
#define RL(pin, ms)                                                                                \
    { (pin), HF_BTN_LONG_PRESS, (uint32_t)((ms)*1000.0 + 0.5) }

/* The callbacks must be exactly `exp`, each called at the very tick of its event. */
static void check_rec(const rec_exp_t *exp, unsigned n) {
    bool same = rec.n == n;
    for (unsigned i = 0; same && i < n; i++) {
        same = rec.r[i].pin == exp[i].pin && rec.r[i].type == exp[i].type &&
               rec.r[i].t_us == exp[i].t_us && rec.r[i].at_us == exp[i].t_us;
    }
    if (!same) {
        for (unsigned i = 0; i < rec.n && i < MAX_EVENTS; i++) {
            print_message("  got GP%u %s at %lu us (called at %llu us)\n", rec.r[i].pin,
                          hf_btn_event_name(rec.r[i].type), (unsigned long)rec.r[i].t_us,
                          (unsigned long long)rec.r[i].at_us);
        }
        for (unsigned i = 0; i < n; i++) {
            print_message("  expected GP%u %s at %lu us\n", exp[i].pin,
                          hf_btn_event_name(exp[i].type), (unsigned long)exp[i].t_us);
        }
        fail();
    }
    assert_int_equal(rec.bad_ctx, 0u);
}

#define CHECK_REC(...)                                                                             \
    do {                                                                                           \
        static const rec_exp_t exp_[] = {__VA_ARGS__};                                             \
        check_rec(exp_, (unsigned)(sizeof exp_ / sizeof exp_[0]));                                 \
    } while (0)

static void test_input_task_press_long_release(void **state) {
    e2e_start(state, NULL);
    static const drive_t d[] = {
        D(1000, 14, 0), D(1000.5, 14, 1), D(1001, 14, 0), D(1003.2, 14, 1),
        D(1004, 14, 0), D(2600, 14, 1),   D(2601, 14, 0), D(2603, 14, 1),
        D(2610, 14, 0), D(2611, 14, 1),   D(4000, 14, 0), D(4050, 14, 1), /* a short press */
        D(4150, 14, 0), D(4160, 14, 1), /* 150 ms after it: too soon */
        D(5000, 14, 0), D(5100, 14, 1),
    };
    drive_all(d, sizeof d / sizeof d[0], 8000);
    CHECK_REC(RP(14, 1000), RL(14, 2000), RR(14, 2631), RP(14, 4000), RR(14, 4070), RP(14, 5000),
              RR(14, 5120));
    assert_int_equal(hf_evq_take_dropped(&edges_q), 0u);
}

static void test_input_task_two_buttons_one_queue(void **state) {
    e2e_start(state, NULL);
    static const drive_t d[] = {
        D(100, 15, 1), /* PIR active */
        D(150, 14, 0),  D(160, 16, 0),  D(170, 16, 1), D(300, 14, 1),
        D(400, 15, 0),  D(700, 14, 0),  D(700, 15, 1), /* both at the same tick */
        D(2000, 15, 0), D(2000, 14, 1),
    };
    drive_all(d, sizeof d / sizeof d[0], 5000);
    CHECK_REC(RP(15, 100), RP(14, 150), RR(14, 320), RR(15, 420), RP(14, 700), RP(15, 700),
              RL(14, 1700), RL(15, 1700), RR(14, 2020), RR(15, 2020));
}

/* Configuration variants through the task: settle 0 (release at the edge) and no long press. */
static void test_input_task_config(void **state) {
    static const hf_button_cfg_t cfg = {300, 0, 0};
    e2e_start(state, &cfg);
    static const drive_t d[] = {
        D(100, 14, 0),      D(101, 14, 1),  D(102, 14, 0), /* 2 ms after the press: too soon */
        D(5000, 14, 1),     D(5200, 14, 0), D(5300, 14, 1),
        D(5499.999, 14, 0), D(5500, 14, 1), /* 299.999 ms after the last press: too soon */
        D(5500.001, 14, 0), D(5700, 14, 1),
    };
    drive_all(d, sizeof d / sizeof d[0], 9000);
    CHECK_REC(RP(14, 100), RR(14, 101), RP(14, 5200), RR(14, 5300), RP(14, 5500.001), RR(14, 5700));
}

/* A button already held when the input starts must be released for settle_ms first. */
static void test_input_task_starts_held(void **state) {
    e2e_start_ex(state, NULL, true);
    static const drive_t d[] = {
        D(3000, 14, 1), D(3010, 14, 0), /* released 10 ms: not a press */
        D(3500, 14, 1), D(3530, 14, 0), D(3600, 14, 1),
    };
    drive_all(d, sizeof d / sizeof d[0], 6000);
    CHECK_REC(RP(14, 3530), RR(14, 3620));
}

/* Random edges driven through the simulator give exactly the pure debouncer's events, each
 * reported at its own tick. */
static edge_in_t e2e_edges[1500];
static drive_t e2e_drive[1500];

static void test_input_task_random_matches_pure(void **state) {
    e2e_start(state, NULL);
    /* alternating levels only: driving a pin to its current level makes no edge */
    size_t n = make_edges(0xE2E0001u, 1, false, e2e_edges, 1500);
    for (size_t i = 0; i < n; i++) {
        e2e_drive[i] = (drive_t){e2e_edges[i].t_us, 14, e2e_edges[i].level};
    }
    uint32_t end = e2e_edges[n - 1].t_us + 3000000u;
    drive_all(e2e_drive, n, end / 1000u + 1u);
    run_edges(NULL, HF_ACTIVE_LOW, 1, e2e_edges, n, (end / 1000u + 1u) * 1000u, HF_EPOCH_ZERO, true,
              &eager_ev);
    assert_true(eager_ev.n > 50u);
    assert_int_equal(rec.n, eager_ev.n);
    for (unsigned i = 0; i < rec.n; i++) {
        assert_int_equal(rec.r[i].pin, 14);
        assert_int_equal(rec.r[i].type, eager_ev.ev[i].type);
        assert_int_equal(rec.r[i].t_us, eager_ev.ev[i].t_us);
        assert_int_equal(rec.r[i].at_us, eager_ev.ev[i].t_us);
    }
    assert_int_equal(hf_evq_take_dropped(&edges_q), 0u);
    assert_int_equal(rec.bad_ctx, 0u);
}

/* ---- the input task's clock: edges stamped after its `now`, lost edges, the resync --------- */
/* The callback below plays the ISR while the input task is busy in it: it busy-waits (virtual
 * time goes on, as a slow callback's does) and moves GP14 meanwhile, so that its interrupt
 * pushes edges stamped after the `now` the task read before it drained the queue. In a
 * 4-slot queue the later ones are lost, and the task must bring the button in line with the
 * pin, at a time after every edge, lost ones included. */
HF_EVQ_DEFINE(small_q, 4);

typedef struct {
    uint32_t after_us; /* from the start of the callback */
    uint8_t level;
} played_t;

static struct {
    hf_btn_event_t on;     /* the event whose callback plays the edges */
    const played_t *edge;  /* the edges it plays */
    size_t n;              /* how many */
    uint32_t busy_us;      /* how long the callback runs in all */
    bool done;             /* played once */
    uint64_t last_edge_us; /* virtual time of the last edge played */
} play;

static void on_event_playing(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    on_event(b, ev, ctx);
    if (play.done || ev->type != play.on || b->pin != 14) {
        return;
    }
    play.done = true;
    uint32_t at = 0;
    for (size_t i = 0; i < play.n; i++) {
        hf_port_delay_us(play.edge[i].after_us - at);
        at = play.edge[i].after_us;
        hf_sim_drive(14, play.edge[i].level);
        play.last_edge_us = hft_now();
    }
    hf_port_delay_us(play.busy_us - at);
}

static void play_start(void **state, hf_evq_t *q, hf_btn_event_t on, const played_t *edge, size_t n,
                       uint32_t busy_us) {
    play.on = on;
    play.edge = edge;
    play.n = n;
    play.busy_us = busy_us;
    play.done = false;
    e2e_start_on(state, NULL, false, q, on_event_playing);
}

/* The release bounces during the press's callback: seven edges, from 0.5 ms to 3.5 ms after
 * the press, the last one releasing. The callback returns at 5 ms. */
static const played_t bouncing_release[] = {{500, 1},  {1000, 0}, {1500, 1}, {2000, 0},
                                            {2500, 1}, {3000, 0}, {3500, 1}};

/* Room for every edge: all are drained, stamped after the task's `now`, and the release is
 * reported exactly settle_ms (20) after the last one. */
static void test_input_clock_edges_after_now(void **state) {
    play_start(state, &edges_q, HF_BTN_PRESS, bouncing_release, 7, 5000);
    static const drive_t d[] = {D(1000, 14, 0), D(1300, 14, 0), D(1400, 14, 1)};
    drive_all(d, sizeof d / sizeof d[0], 2000);
    assert_true(play.done);
    assert_int_equal(play.last_edge_us, 1003500u);
    CHECK_REC(RP(14, 1000), RR(14, 1023.5), RP(14, 1300), RR(14, 1420));
    assert_int_equal(hf_evq_take_dropped(&edges_q), 0u);
}

/* Four slots: the last three edges, the releasing one among them, are lost. The task drains
 * the four that fit (they leave the button pressed), then reads the pin (released) and the
 * clock (5 ms): the release comes at 25 ms, a full settle time after the last edge (3.5 ms),
 * not 20 ms after the last edge drained (2 ms) nor after the task's first reading (0 ms). The
 * button is free again: the press at 1300 counts. */
static void test_input_clock_lost_edges_resync(void **state) {
    play_start(state, &small_q, HF_BTN_PRESS, bouncing_release, 7, 5000);
    static const drive_t d[] = {D(1000, 14, 0), D(1300, 14, 0), D(1400, 14, 1)};
    drive_all(d, sizeof d / sizeof d[0], 2000);
    assert_true(play.done);
    CHECK_REC(RP(14, 1000), RR(14, 1025), RP(14, 1300), RR(14, 1420));
    assert_true(rec.r[1].t_us >= play.last_edge_us + 20000u); /* never inside the settle time */
    assert_int_equal(hf_evq_take_dropped(&small_q), 3u);
}

/* A held button's release is lost whole: its callback for the long press runs 4 ms, during
 * which the button is let go with a bounce; the last edge, the one that releases, does not fit.
 * Without the resync the button would stay pressed for good; with it the release comes 20 ms
 * after the clock read behind the pin, and the next press counts. */
static void test_input_clock_lost_release(void **state) {
    static const played_t release[] = {{1000, 1}, {1200, 0}, {1400, 1}, {1600, 0}, {1800, 1}};
    play_start(state, &small_q, HF_BTN_LONG_PRESS, release, 5, 4000);
    static const drive_t d[] = {D(1000, 14, 0), D(2500, 14, 0), D(2600, 14, 1)};
    drive_all(d, sizeof d / sizeof d[0], 3000);
    assert_true(play.done);
    CHECK_REC(RP(14, 1000), RL(14, 2000), RR(14, 2024), RP(14, 2500), RR(14, 2620));
    assert_int_equal(hf_gpio_read(14), 1);
    assert_false(hf_button_is_pressed(&btn14));
    assert_int_equal(hf_evq_take_dropped(&small_q), 1u);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_debounce_tables),
        cmocka_unit_test(test_default_config),
        cmocka_unit_test(test_deadlines_and_boundaries),
        cmocka_unit_test(test_press_after_long_idle),
        cmocka_unit_test(test_event_names),
        cmocka_unit_test(test_random_invariants),
    };
#define E2E_TESTS(i)                                                                               \
    HFT_AT_EPOCH(test_input_task_press_long_release, i),                                           \
        HFT_AT_EPOCH(test_input_task_two_buttons_one_queue, i),                                    \
        HFT_AT_EPOCH(test_input_task_config, i), HFT_AT_EPOCH(test_input_task_starts_held, i),     \
        HFT_AT_EPOCH(test_input_task_random_matches_pure, i),                                      \
        HFT_AT_EPOCH(test_input_clock_edges_after_now, i),                                         \
        HFT_AT_EPOCH(test_input_clock_lost_edges_resync, i),                                       \
        HFT_AT_EPOCH(test_input_clock_lost_release, i)
    const struct CMUnitTest e2e_epoch0[] = {E2E_TESTS(0)};
    const struct CMUnitTest e2e_epoch_wrap[] = {E2E_TESTS(1)};
    int failed = 0;
    failed += cmocka_run_group_tests(pure, NULL, NULL);
    failed += cmocka_run_group_tests(e2e_epoch0, NULL, NULL);
    failed += cmocka_run_group_tests(e2e_epoch_wrap, NULL, NULL);
    return failed != 0;
}
