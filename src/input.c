/* Debounced buttons and gestures, and the task that feeds them from an edge queue. */
#include "handoff/input.h"

#include <stddef.h>

enum {
    BTN_PRESSED = HF__BTN_PRESSED, /* an accepted press has not been reported released */
    BTN_LOCKED = 1u << 1, /* the lock-out after an accepted press lasts until lock_end: rule (a) */
    BTN_LONG = 1u << 2,   /* a long press is pending at long_at (only while BTN_PRESSED) */
    BTN_SETTLED = 1u << 3 /* inactive since settle_at or before (or since start): rule (b) */
};

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
    b->settle_at = b->lock_end = b->long_at = now_us;
    b->st = b->level != b->active ? BTN_SETTLED : 0u;
}

static unsigned emit(hf_btn_ev_t *out, unsigned n, hf_btn_event_t type, hf_ticks_us_t t) {
    out[n].type = type;
    out[n].t_us = t;
    return n + 1u;
}

/* Report what is due by now. Every call is made at an edge's time before the edge is applied,
 * or at a time with no edge since the last one, so the level has been b->level over the whole
 * span in which the pending events fall. Each moment that has come is noted once and for all in
 * b->st: the tick differences mean something only within 2^31 us, and a button may stay
 * untouched for hours. */
unsigned hf_button_advance(hf_button_t *b, hf_ticks_us_t now_us,
                           hf_btn_ev_t out[HF_BUTTON_MAX_EVENTS]) {
    unsigned n = 0;
    if ((b->st & BTN_LOCKED) && hf_ticks_diff(now_us, b->lock_end) > 0) {
        b->st &= (uint8_t)~BTN_LOCKED; /* more than debounce_ms since the press */
    }
    if ((b->st & BTN_LONG) && hf_ticks_reached(now_us, b->long_at)) {
        b->st &= (uint8_t)~BTN_LONG; /* reported only if the line is active at that moment */
        if (b->level == b->active) {
            n = emit(out, n, HF_BTN_LONG_PRESS, b->long_at);
        }
    }
    if (b->level != b->active && !(b->st & BTN_SETTLED) && hf_ticks_reached(now_us, b->settle_at)) {
        b->st |= BTN_SETTLED;
        if (b->st & BTN_PRESSED) { /* the release of an accepted press */
            b->st &= (uint8_t) ~(BTN_PRESSED | BTN_LONG);
            n = emit(out, n, HF_BTN_RELEASE, b->settle_at);
        }
    }
    return n;
}

/* The line becomes `level` at t. hf_button_advance() has just run at t, so BTN_LOCKED and
 * BTN_SETTLED say whether rules (a) and (b) hold at t. */
static unsigned apply(hf_button_t *b, hf_ticks_us_t t, uint8_t level, hf_btn_ev_t *out,
                      unsigned n) {
    uint8_t st = b->st;
    b->level = level;
    b->st = st & (uint8_t)~BTN_SETTLED;
    if (level != b->active) {
        b->settle_at = t + ms_to_us(b->cfg.settle_ms);
        /* With settle_ms 0 the release is due at once. Otherwise nothing is due at t that the
         * hf_button_advance() made before this edge has not reported: skip it (a bouncing
         * switch runs this for every edge). */
        return b->cfg.settle_ms == 0u ? n + hf_button_advance(b, t, out + n) : n;
    }
    if ((st & (BTN_SETTLED | BTN_LOCKED)) == BTN_SETTLED) { /* settled, and not locked out */
        b->lock_end = t + ms_to_us(b->cfg.debounce_ms);
        b->long_at = t + ms_to_us(b->cfg.long_ms);
        b->st |=
            b->cfg.long_ms != 0u ? BTN_LOCKED | BTN_PRESSED | BTN_LONG : BTN_LOCKED | BTN_PRESSED;
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
    /* Held: the long press. Released after a press: the release (which also drops a long press
     * still pending; any edge before it runs hf_button_advance() first, which drops it at its
     * moment). */
    bool held = b->level == b->active;
    *at_us = held ? b->long_at : b->settle_at;
    return (b->st & (held ? BTN_LONG : BTN_PRESSED)) != 0;
}

/* ---- the input task ------------------------------------------------------------------------- */

static void deliver(hf_input_t *in, hf_button_t *b, const hf_btn_ev_t *ev, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        in->fn(b, &ev[i], in->ctx);
    }
}

/* Route every queued edge, then report what is due by `now` and find the next deadline.
 * Interrupts go on during the drain (and during the callbacks it makes), so edges stamped after
 * `now` arrive; a button fed such an edge has nothing due before it, so the calls at `now`
 * below report nothing early. After edges were lost, each pin is read, and the clock after
 * it: every edge that the reading reflects, lost ones included, came before that tick, which
 * is the one the button is brought back in line at. A release found there is thus reported a
 * full settle time after the last edge, never inside it. */
static void input_service(hf_input_t *in) {
    hf_btn_ev_t ev[2 * HF_BUTTON_MAX_EVENTS]; /* an edge's events, then those due after it */
    hf_ticks_us_t now = hf_now_us();
    hf_edge_t e;
    while (hf_evq_pop(in->q, &e)) {
        for (unsigned i = 0; i < in->n; i++) {
            hf_button_t *b = in->buttons[i];
            if (b->pin == e.pin) {
                deliver(in, b, ev, hf_button_edge(b, e.t_us, e.level, ev));
                break;
            }
        }
    }
    bool resync = hf_evq_dropped_pending(in->q); /* edges were lost */
    /* Nothing timed pending: still look again within HF_CFG_INPUT_IDLE_US, so that
     * hf_button_advance() runs as often as it must. Every button deadline is closer. */
    in->deadline = now + HF_CFG_INPUT_IDLE_US;
    for (unsigned i = 0; i < in->n; i++) {
        hf_button_t *b = in->buttons[i];
        unsigned k = 0;
        if (resync) {
            int level = hf_gpio_read(b->pin) ? 1 : 0;
            hf_ticks_us_t read_at = hf_now_us();
            if (level != b->level) {
                k = hf_button_edge(b, read_at, level, ev);
            }
        }
        deliver(in, b, ev, k + hf_button_advance(b, now, ev + k));
        hf_ticks_us_t at;
        if (hf_button_deadline(b, &at) && hf_ticks_diff(at, in->deadline) < 0) {
            in->deadline = at;
        }
    }
}

static int input_task(hf_task_t *self) {
    hf_input_t *in = (hf_input_t *)self;
    HF_TASK_BEGIN(self);
    for (;;) {
        input_service(in);
        HF_AWAIT_EVQ_TICK_US(in->q, in->deadline);
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
