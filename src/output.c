/* On/off patterns and the player task that drives pins with them. */
#include "handoff/output.h"

#include <stddef.h>

static uint32_t total_ms(const uint16_t *steps, uint8_t n) {
    uint32_t sum = 0;
    for (uint8_t i = 0; i < n; i++) {
        sum += steps[i];
    }
    return sum;
}

void hf_pattern_start(hf_pattern_t *p, const uint16_t *steps, uint8_t n, uint8_t repeat,
                      hf_ticks_us_t now_us) {
    p->steps = steps;
    p->n = n;
    p->repeat = repeat;
    p->idx = 0;
    p->plays = 0;
    p->level = 1;
    p->running = 1;
    if (n == 0u || total_ms(steps, n) == 0u) {
        hf_pattern_stop(p); /* nothing to play: it would never end */
        return;
    }
    p->next_us = now_us + (uint32_t)steps[0] * 1000u;
    (void)hf_pattern_advance(p, now_us); /* skip leading zero-length steps */
}

bool hf_pattern_advance(hf_pattern_t *p, hf_ticks_us_t now_us) {
    int before = hf_pattern_level(p);
    while (p->running && hf_ticks_reached(now_us, p->next_us)) {
        if (++p->idx == p->n) {
            p->idx = 0;
            p->plays++;
            if (p->repeat != 0u && p->plays >= p->repeat) {
                hf_pattern_stop(p);
                break;
            }
        }
        p->level = (p->idx & 1u) == 0u ? 1u : 0u;
        p->next_us += (uint32_t)p->steps[p->idx] * 1000u;
    }
    return hf_pattern_level(p) != before;
}

void hf_pattern_stop(hf_pattern_t *p) {
    p->running = 0;
    p->level = 0;
}

/* ---- the flash train ------------------------------------------------------------------------ */

static uint32_t ms_us(uint16_t ms) {
    return (uint32_t)ms * 1000u;
}

/* Begin an on or an off time at `at`. */
static void period(hf_train_t *t, uint8_t level, hf_ticks_us_t at) {
    t->level = level;
    t->since_us = at;
    t->next_us = at + ms_us(level ? t->cfg->on_ms : t->cfg->off_ms);
}

uint16_t hf_train_add(hf_train_t *t, const hf_flash_cfg_t *cfg, uint16_t count, int level,
                      uint32_t age_us, hf_ticks_us_t now_us) {
    if (count == 0u) {
        return 0u;
    }
    bool taken_over = !t->running; /* the pin's history comes from whatever drove it before */
    if (taken_over) {
        t->cfg = cfg;
        t->owed = 0u;
        t->running = 1u;
        t->level = level != 0 ? 1u : 0u;
        t->since_us = now_us - age_us; /* used only when age_us is small */
    } else {
        age_us = now_us - t->since_us;
    }
    cfg = t->cfg;
    const uint32_t min_us = ms_us(cfg->min_ms);
    bool recent = age_us < min_us;
    unsigned started = 0u; /* flashes that begin (or are taken over) now */
    if (t->level == 1u) {
        if (taken_over && age_us < 2u * ms_us(cfg->on_ms)) {
            started = 1u; /* an on-time as short as a flash is one: it counts */
        }
        if (recent) {
            if (taken_over) {
                t->next_us = t->since_us + ms_us(cfg->on_ms); /* it ends as a flash does */
            }
        } else {
            period(t, 0u, now_us); /* cut at the request: off at once */
        }
    } else if (recent) {
        if (taken_over) {
            t->next_us = t->since_us + ms_us(cfg->off_ms); /* the first off time */
        }
    } else {
        started = 1u;
        period(t, 1u, now_us); /* on at once */
    }
    uint32_t room = (uint32_t)cfg->max_owed + started - t->owed;
    uint16_t added = count < room ? count : (uint16_t)room;
    t->owed = (uint16_t)(t->owed + added - started);
    return added;
}

void hf_train_finish(hf_train_t *t, hf_ticks_us_t now_us) {
    if (!t->running) {
        return;
    }
    t->owed = 0u;
    if (t->level == 1u && now_us - t->since_us >= ms_us(t->cfg->min_ms)) {
        period(t, 0u, now_us);
    }
}

bool hf_train_advance(hf_train_t *t, hf_ticks_us_t now_us) {
    int before = hf_train_level(t);
    while (t->running && hf_ticks_reached(now_us, t->next_us)) {
        if (t->level == 1u) {
            period(t, 0u, t->next_us);
        } else if (t->owed > 0u) {
            t->owed--;
            period(t, 1u, t->next_us);
        } else {
            t->running = 0u; /* off_ms after the last flash */
        }
    }
    return hf_train_level(t) != before;
}

/* ---- the player ----------------------------------------------------------------------------- */

enum { MODE_NONE = 0, MODE_PATTERN = 1, MODE_TRAIN = 2 };

/* Changes older than this are forgotten (o->quiet): hf_output_changed_within() asks at most
 * 65535 ms back, and the tick difference means something only within 2^31 us. */
#define FORGET_US (65536u * 1000u)

static void drive(hf_output_t *o, int level) {
    uint8_t l = level != 0 ? 1u : 0u;
    if (l != o->level) {
        o->level = l;
        o->changed_us = hf_now_us();
        o->quiet = 0u;
        hf_gpio_write(o->pin, l);
        hf_gpio_write(o->follower, l); /* HF_PIN_NONE is ignored */
    }
}

static void forget_old_change(hf_output_t *o) {
    if (!o->quiet && (uint32_t)(hf_now_us() - o->changed_us) >= FORGET_US) {
        o->quiet = 1u;
    }
}

/* Forget the pattern and the train: nothing plays (the pins are left as they are). */
static void stop_playing(hf_output_t *o) {
    hf_pattern_stop(&o->pat);
    o->train.running = 0u;
}

static bool running(const hf_output_t *o) {
    return o->mode == MODE_TRAIN ? hf_train_running(&o->train) : hf_pattern_running(&o->pat);
}

static int output_task(hf_task_t *self) {
    hf_output_t *o = (hf_output_t *)self;
    HF_TASK_BEGIN(self);
    while (running(o)) {
        HF_AWAIT_TICK_US(o->mode == MODE_TRAIN ? hf_train_deadline(&o->train)
                                               : hf_pattern_deadline(&o->pat));
        forget_old_change(o); /* woken at least every 65.5 s: steps are at most that long */
        if (o->mode == MODE_TRAIN) {
            (void)hf_train_advance(&o->train, hf_now_us());
            drive(o, hf_train_level(&o->train));
        } else {
            (void)hf_pattern_advance(&o->pat, hf_now_us());
            drive(o, hf_pattern_level(&o->pat));
        }
    }
    HF_FINALLY;
    if (!o->handover) {
        stop_playing(o);
        drive(o, 0);
        forget_old_change(o);
    }
    HF_TASK_END();
}

void hf_output_init(hf_output_t *o, hf_pin_t pin, hf_pin_t follower) {
    o->task = (hf_task_t)HF_TASK_INIT;
    o->pat.running = 0;
    o->pat.level = 0;
    o->train = (hf_train_t)HF_TRAIN_INIT;
    o->pin = pin;
    o->follower = follower;
    o->mode = MODE_NONE;
    o->level = 0u;
    o->quiet = 1u;
    o->handover = 0u;
    o->changed_us = 0u;
}

/* Stop the task, leaving the pins and what it played as they are (its FINALLY does nothing). */
static void hand_over(hf_output_t *o) {
    o->handover = 1u;
    (void)hf_task_cancel(&o->task);
    o->handover = 0u;
}

/* Start the task for what o->mode now plays; if no task slot is free, stop and drive 0. */
static bool start(hf_output_t *o) {
    if (!hf_task_start(&o->task, output_task, "output")) {
        stop_playing(o);
        o->mode = MODE_NONE;
        drive(o, 0);
        return false;
    }
    return true;
}

bool hf_output_play(hf_output_t *o, const uint16_t *steps, uint8_t n, uint8_t repeat) {
    hand_over(o);
    o->train.running = 0u;
    o->mode = MODE_PATTERN;
    hf_pattern_start(&o->pat, steps, n, repeat, hf_now_us());
    if (!hf_pattern_running(&o->pat)) {
        o->mode = MODE_NONE;
        drive(o, 0);
        return true; /* an empty pattern: played, and over */
    }
    if (!start(o)) {
        return false;
    }
    drive(o, hf_pattern_level(&o->pat));
    return true;
}

uint16_t hf_output_flash(hf_output_t *o, const hf_flash_cfg_t *cfg, uint16_t count) {
    if (count == 0u) {
        return 0u;
    }
    bool was_train = hf_output_flashing(o);
    hand_over(o);
    if (!was_train) {
        stop_playing(o); /* a pattern gives way; the train starts from the pin as it is */
    }
    forget_old_change(o);
    uint32_t age = o->quiet ? UINT32_MAX : (uint32_t)(hf_now_us() - o->changed_us);
    o->mode = MODE_TRAIN;
    uint16_t added = hf_train_add(&o->train, cfg, count, o->level, age, hf_now_us());
    if (!start(o)) {
        return 0u;
    }
    drive(o, hf_train_level(&o->train));
    return added;
}

void hf_output_finish(hf_output_t *o) {
    if (hf_output_flashing(o)) {
        hand_over(o);
        hf_train_finish(&o->train, hf_now_us());
        if (start(o)) { /* cannot fail: the task's own slot was just freed */
            drive(o, hf_train_level(&o->train));
        }
    }
}

bool hf_output_cancel(hf_output_t *o) {
    return hf_task_cancel(&o->task);
}

void hf_output_set_follower(hf_output_t *o, hf_pin_t follower) {
    if (follower != o->follower) {
        hf_gpio_write(o->follower, 0); /* HF_PIN_NONE is ignored */
        o->follower = follower;
        hf_gpio_write(follower, o->level);
    }
}

bool hf_output_changed_within(const hf_output_t *o, uint16_t ms) {
    if (o->quiet) {
        return false;
    }
    uint32_t age = hf_now_us() - o->changed_us;
    return age < FORGET_US && age < ms_us(ms);
}
