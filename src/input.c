/* Debounced buttons and gestures, and the task that feeds them from an edge queue. */
#include "handoff/input.h"

#include <stddef.h>

enum {
    BTN_PRESSED = 1u << 0, /* an accepted press has not been reported released */
    BTN_LOCKED = 1u << 1,  /* a press was accepted, debounce_ms may not have passed: rule (a) */
    BTN_LONG = 1u << 2,    /* a long press is pending at long_at */
    BTN_SETTLED = 1u << 3  /* inactive for settle_ms already (or since start): rule (b) is met */
};

/* The longest the input task sleeps with nothing timed pending (2^30 us, 17.9 min). */
#define HF__INPUT_IDLE_US (1u << 30)

static uint32_t ms_to_us(uint16_t ms) {
    return (uint32_t)ms * 1000u;
}

void hf_button_init(hf_button_t *b, hf_pin_t pin, hf_polarity_t polarity,
                    const hf_button_cfg_t *cfg, int level, hf_ticks_us_t now_us) {
    static const hf_button_cfg_t defaults = HF_BUTTON_CFG_DEFAULT;
    b->cfg = cfg != NULL ? *cfg : defaults;
    b->pin = pin;
    b->active = polarity == HF_ACTIVE_HIGH ? 1u : 0u;
    b->level = level ? 1u : 0u;
    b->inactive_since = now_us;
    b->last_press = now_us;
    b->long_at = now_us;
    b->st = b->level != b->active ? BTN_SETTLED : 0u;
}

static unsigned emit(hf_btn_ev_t *out, unsigned n, hf_btn_event_t type, hf_ticks_us_t t) {
    out[n].type = type;
    out[n].t_us = t;
    return n + 1u;
}

/* Report what is due by now. Every call is made at an edge's time before the edge is applied,
 * or at a time with no edge since the last one, so the level has been b->level over the whole
 * span in which the pending events fall. */
unsigned hf_button_advance(hf_button_t *b, hf_ticks_us_t now_us,
                           hf_btn_ev_t out[HF_BUTTON_MAX_EVENTS]) {
    unsigned n = 0;
    /* Note once and for all that the lock-out and the settle time are over: the tick
     * differences below mean something only within 2^31 us, and a button may stay untouched
     * for hours. */
    if ((b->st & BTN_LOCKED) &&
        hf_ticks_diff(now_us, b->last_press) > (int32_t)ms_to_us(b->cfg.debounce_ms)) {
        b->st &= (uint8_t)~BTN_LOCKED;
    }
    if (b->level != b->active && !(b->st & BTN_SETTLED) &&
        hf_ticks_diff(now_us, b->inactive_since) >= (int32_t)ms_to_us(b->cfg.settle_ms)) {
        b->st |= BTN_SETTLED;
    }
    if ((b->st & BTN_LONG) && hf_ticks_reached(now_us, b->long_at)) {
        b->st &= (uint8_t)~BTN_LONG;
        if (b->level == b->active) {
            n = emit(out, n, HF_BTN_LONG_PRESS, b->long_at);
        }
    }
    if ((b->st & BTN_PRESSED) && b->level != b->active) {
        hf_ticks_us_t at = b->inactive_since + ms_to_us(b->cfg.settle_ms);
        if (hf_ticks_reached(now_us, at)) {
            b->st &= (uint8_t) ~(BTN_PRESSED | BTN_LONG);
            n = emit(out, n, HF_BTN_RELEASE, at);
        }
    }
    return n;
}

/* The line becomes `level` at t. */
static unsigned apply(hf_button_t *b, hf_ticks_us_t t, uint8_t level, hf_btn_ev_t *out,
                      unsigned n) {
    b->level = level;
    if (level != b->active) {
        b->inactive_since = t;
        b->st &= (uint8_t)~BTN_SETTLED;
        /* With settle_ms 0 the release is due at once. Otherwise nothing is due at t that the
         * hf_button_advance() made before this edge has not reported: skip it (a bouncing
         * switch runs this for every edge). */
        return b->cfg.settle_ms == 0u ? n + hf_button_advance(b, t, out + n) : n;
    }
    bool settled = (b->st & BTN_SETTLED) ||
                   hf_ticks_diff(t, b->inactive_since) >= (int32_t)ms_to_us(b->cfg.settle_ms);
    bool spaced = !(b->st & BTN_LOCKED) ||
                  hf_ticks_diff(t, b->last_press) > (int32_t)ms_to_us(b->cfg.debounce_ms);
    b->st &= (uint8_t)~BTN_SETTLED;
    if (settled && spaced) {
        b->last_press = t;
        b->st |= BTN_LOCKED | BTN_PRESSED;
        if (b->cfg.long_ms != 0u) {
            b->long_at = t + ms_to_us(b->cfg.long_ms);
            b->st |= BTN_LONG;
        } else {
            b->st &= (uint8_t)~BTN_LONG;
        }
        n = emit(out, n, HF_BTN_PRESS, t);
    }
    return n;
}

unsigned hf_button_edge(hf_button_t *b, hf_ticks_us_t t_us, int level,
                        hf_btn_ev_t out[HF_BUTTON_MAX_EVENTS]) {
    uint8_t lv = level ? 1u : 0u;
    unsigned n = hf_button_advance(b, t_us, out);
    if (lv == b->level) {
        /* Two edges merged: the line left this level and came back, both at t. */
        n = apply(b, t_us, (uint8_t)!lv, out, n);
    }
    return apply(b, t_us, lv, out, n);
}

bool hf_button_deadline(const hf_button_t *b, hf_ticks_us_t *at_us) {
    if (b->level == b->active) {
        if (b->st & BTN_LONG) {
            *at_us = b->long_at;
            return true;
        }
        return false;
    }
    if (b->st & (BTN_PRESSED | BTN_LONG)) {
        /* The pending long press is dropped at this same moment at the latest. */
        *at_us = b->inactive_since + ms_to_us(b->cfg.settle_ms);
        if ((b->st & BTN_LONG) && hf_ticks_diff(b->long_at, *at_us) < 0) {
            *at_us = b->long_at;
        }
        return true;
    }
    return false;
}

bool hf_button_is_pressed(const hf_button_t *b) {
    return (b->st & BTN_PRESSED) != 0;
}

const char *hf_btn_event_name(hf_btn_event_t type) {
    switch (type) {
    case HF_BTN_PRESS:
        return "press";
    case HF_BTN_RELEASE:
        return "release";
    case HF_BTN_LONG_PRESS:
        return "long_press";
    default:
        return "none";
    }
}

/* ---- the input task ------------------------------------------------------------------------- */

static void deliver(hf_input_t *in, hf_button_t *b, const hf_btn_ev_t *ev, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        in->fn(b, &ev[i], in->ctx);
    }
}

/* Route every queued edge, then report what is due by `now`. `now` is read before the queue is
 * drained: an interrupt that fires later has a later timestamp, so ticks never go backwards. */
static void input_service(hf_input_t *in) {
    hf_btn_ev_t ev[HF_BUTTON_MAX_EVENTS];
    hf_ticks_us_t now = hf_now_us();
    hf_edge_t e;
    while (hf_evq_pop(in->q, &e)) {
        for (unsigned i = 0; i < in->n; i++) {
            if (in->buttons[i]->pin == e.pin) {
                unsigned k = hf_button_edge(in->buttons[i], e.t_us, e.level, ev);
                if (k != 0u) { /* most edges of a bounce report nothing */
                    deliver(in, in->buttons[i], ev, k);
                }
                break;
            }
        }
    }
    if (hf_evq_dropped_pending(in->q)) {
        /* Edges were lost: bring each button back in line with its pin. */
        for (unsigned i = 0; i < in->n; i++) {
            hf_button_t *b = in->buttons[i];
            int level = hf_gpio_read(b->pin) ? 1 : 0;
            if (level != b->level) {
                deliver(in, b, ev, hf_button_edge(b, now, level, ev));
            }
        }
    }
    bool has = false;
    for (unsigned i = 0; i < in->n; i++) {
        hf_ticks_us_t at;
        deliver(in, in->buttons[i], ev, hf_button_advance(in->buttons[i], now, ev));
        if (hf_button_deadline(in->buttons[i], &at) &&
            (!has || hf_ticks_diff(at, in->deadline) < 0)) {
            in->deadline = at;
            has = true;
        }
    }
    if (!has) {
        /* Nothing timed is pending: wait for edges, and look again within HF__INPUT_IDLE_US
         * so that hf_button_advance() runs as often as it must. */
        in->deadline = now + HF__INPUT_IDLE_US;
    }
}

static int input_task(hf_task_t *self) {
    hf_input_t *in = (hf_input_t *)self;
    HF_TASK_BEGIN(self);
    for (;;) {
        input_service(in);
        HF_AWAIT_UNTIL_TICK_US(!hf_evq_empty(in->q), in->deadline);
    }
    HF_TASK_END();
}

bool hf_input_start(hf_input_t *in, hf_evq_t *q, hf_button_t *const *buttons, unsigned n,
                    hf_input_fn_t fn, void *ctx) {
    in->q = q;
    in->buttons = buttons;
    in->n = n;
    in->fn = fn;
    in->ctx = ctx;
    in->deadline = 0;
    return hf_task_start(&in->task, input_task, "input");
}
