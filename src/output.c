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

/* ---- the player ----------------------------------------------------------------------------- */

static void drive(const hf_output_t *o, int level) {
    hf_gpio_write(o->pin, level);
    hf_gpio_write(o->follower, level); /* HF_PIN_NONE is ignored */
}

static int output_task(hf_task_t *self) {
    hf_output_t *o = (hf_output_t *)self;
    HF_TASK_BEGIN(self);
    while (hf_pattern_running(&o->pat)) {
        HF_AWAIT_TICK_US(hf_pattern_deadline(&o->pat));
        if (hf_pattern_advance(&o->pat, hf_now_us())) {
            drive(o, hf_pattern_level(&o->pat));
        }
    }
    HF_FINALLY;
    hf_pattern_stop(&o->pat);
    drive(o, 0);
    HF_TASK_END();
}

void hf_output_init(hf_output_t *o, hf_pin_t pin, hf_pin_t follower) {
    o->task = (hf_task_t)HF_TASK_INIT;
    o->pat.running = 0;
    o->pat.level = 0;
    o->pin = pin;
    o->follower = follower;
}

bool hf_output_play(hf_output_t *o, const uint16_t *steps, uint8_t n, uint8_t repeat) {
    (void)hf_task_cancel(&o->task);
    hf_pattern_start(&o->pat, steps, n, repeat, hf_now_us());
    if (!hf_pattern_running(&o->pat)) {
        return true; /* an empty pattern: played, and over */
    }
    if (!hf_task_start(&o->task, output_task, "output")) {
        hf_pattern_stop(&o->pat);
        return false;
    }
    drive(o, hf_pattern_level(&o->pat));
    return true;
}

void hf_output_set_follower(hf_output_t *o, hf_pin_t follower) {
    if (follower != o->follower) {
        hf_gpio_write(o->follower, 0); /* HF_PIN_NONE is ignored */
        o->follower = follower;
        hf_gpio_write(follower, hf_pattern_level(&o->pat));
    }
}
