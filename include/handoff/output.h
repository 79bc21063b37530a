/**
 * @file output.h
 * @brief On/off patterns for an LED or a buzzer: a pure pattern, and a player task that drives
 *        pins with it, cancellable at any moment.
 *
 * A pattern is a list of durations in milliseconds, alternately on and off, starting with on:
 * `{100, 100}` played 3 times is the lesson's three 100 ms flashes (on at +0, +200, +400 ms,
 * off at +100, +300, +500 ms; done at +600 ms). Zero durations are allowed and skipped.
 */
#ifndef HANDOFF_OUTPUT_H
#define HANDOFF_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "port.h"
#include "ticks.h"

/** A pattern in progress. Pure: time is passed in. Treat the fields as private. */
typedef struct {
    const uint16_t *steps; /**< durations, ms: on, off, on, ... */
    uint8_t n;             /**< number of steps */
    uint8_t repeat;        /**< plays of the whole list; 0 = forever */
    uint8_t idx;           /**< current step */
    uint8_t plays;         /**< plays completed */
    uint8_t level;         /**< current level: 1 on even steps */
    uint8_t running;
    hf_ticks_us_t next_us; /**< tick at which the current step ends */
} hf_pattern_t;

/** Start @p p at tick @p now_us: level 1 (on) for steps[0] ms. @p n >= 1. An all-zero list ends at
 * once. Any time. */
void hf_pattern_start(hf_pattern_t *p, const uint16_t *steps, uint8_t n, uint8_t repeat,
                      hf_ticks_us_t now_us);

/** Advance @p p to tick @p now_us, through every step that ended by then. When the last play ends
 * the level is 0 and the pattern stops. @return true if the level changed. */
bool hf_pattern_advance(hf_pattern_t *p, hf_ticks_us_t now_us);

/** Stop @p p now; its level becomes 0. */
void hf_pattern_stop(hf_pattern_t *p);

/** @return the current level (0 or 1); 0 when stopped. */
static inline int hf_pattern_level(const hf_pattern_t *p) {
    return p->running ? p->level : 0;
}

/** @return true while the pattern plays. */
static inline bool hf_pattern_running(const hf_pattern_t *p) {
    return p->running != 0;
}

/** @return the tick of the next change (valid while running). */
static inline hf_ticks_us_t hf_pattern_deadline(const hf_pattern_t *p) {
    return p->next_us;
}

/**
 * A player: a task that plays a pattern on an output pin and, optionally, a second pin that
 * follows it (a buzzer sounding while an LED is lit). Both pins are driven to 0 when the pattern
 * ends, when it is cancelled, and when a new pattern replaces it; the first pin is driven high at
 * the very moment hf_output_play() is called.
 */
typedef struct {
    hf_task_t task;
    hf_pattern_t pat;
    hf_pin_t pin;
    hf_pin_t follower;
} hf_output_t;

/** Set up @p o for output pins @p pin and @p follower (HF_PIN_NONE for none). The pins must
 * already be configured as outputs. */
void hf_output_init(hf_output_t *o, hf_pin_t pin, hf_pin_t follower);

/**
 * Play @p steps (@p n durations, see hf_pattern_t) @p repeat times (0 = until cancelled),
 * replacing any pattern playing. @p steps must outlive the play (a static array).
 * @return false if the player task could not start (HF_CFG_MAX_TASKS reached).
 */
bool hf_output_play(hf_output_t *o, const uint16_t *steps, uint8_t n, uint8_t repeat);

/** Stop at once: both pins off. @return true if a pattern was playing. */
static inline bool hf_output_cancel(hf_output_t *o) {
    return hf_task_cancel(&o->task);
}

/** Change the follower pin (HF_PIN_NONE mutes it); the old one is driven to 0, the new one takes
 * the current level at once. */
void hf_output_set_follower(hf_output_t *o, hf_pin_t follower);

/** @return true while a pattern plays; a task can await the end with HF_AWAIT_TASK(&o->task). */
static inline bool hf_output_busy(const hf_output_t *o) {
    return !hf_task_done(&o->task);
}

#endif
