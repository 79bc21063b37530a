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
 * A flash train's timing, and the rule a request for more flashes follows: every request shows
 * at once, and every flash stays distinct.
 *
 * The train flashes on_ms on, off_ms off, as long as flashes are owed. A request for more (a
 * press) adds its flashes to those owed and re-phases the train so that the pin changes at that
 * instant: on at once if it was off, off at once if it was on. Two cases keep the change from
 * spoiling a flash, and the request is answered by a change that has just happened instead:
 *
 * - the pin changed less than min_ms before: it stays as it is, and that change answers the
 *   request (a second change so soon would make a flash too short to see, or run two flashes
 *   together across a gap too short to see);
 * - a flash that is cut short by a request has lasted at least min_ms, and still counts.
 *
 * When the train starts, the pin's own history is taken over from whatever drove it before (an
 * idle blink): an on-time shorter than 2 * on_ms is a flash to the eye, so it counts as the first
 * flash (cut at the request, or, if younger than min_ms, ended on_ms after it began); a longer
 * one is a glow, cut at the request, and the train's flashes follow after off_ms. An off-time
 * younger than min_ms is the train's first off time.
 *
 * So, for a train asked at instants t1, t2, ... with N flashes each and nothing capped: the pin
 * changes in (t - min_ms, t] for every request t; every on and off time of the train lasts at
 * least min_ms; and exactly N flashes per request are shown (on-times shorter than 2 * on_ms),
 * each at most on_ms long except the one a train takes over. The train ends off_ms after its last
 * flash, so the pin has been off for at least min_ms when it ends.
 */
typedef struct {
    uint16_t on_ms;    /**< each flash is on for this long, ms, 1..65535 */
    uint16_t off_ms;   /**< off time after each flash, ms, min_ms..65535 */
    uint16_t min_ms;   /**< the shortest on or off time a request may leave, ms, 1..on_ms */
    uint16_t max_owed; /**< the most flashes owed (not yet begun) at any time, 1..65535: a
                            request that would owe more adds fewer (chattering cannot queue
                            minutes of flashing) */
} hf_flash_cfg_t;

/** A flash train in progress. Pure: time is passed in. Treat the fields as private. */
typedef struct {
    const hf_flash_cfg_t *cfg;
    uint16_t owed;          /**< flashes not yet begun */
    uint8_t level;          /**< current level */
    uint8_t running;        /**< 1 from the first request to the end of the last off time */
    hf_ticks_us_t since_us; /**< tick at which the current on or off time began */
    hf_ticks_us_t next_us;  /**< tick at which it ends */
} hf_train_t;

/** Static initialiser for a train that is not running. */
#define HF_TRAIN_INIT                                                                              \
    { 0 }

/**
 * Ask train @p t for @p count more flashes at tick @p now_us, following hf_flash_cfg_t's rule.
 * If the train is not running it starts from the pin as it is: at @p level (0 or 1) for
 * @p age_us microseconds (UINT32_MAX: longer than anything in @p cfg); while it runs it goes on
 * from its own level and @p level, @p age_us are ignored. @p cfg must outlive the train, and one
 * train keeps one @p cfg (the first request's) until it ends. Pure; any time.
 * @return the flashes added: @p count, or fewer when cfg->max_owed were owed (0 if @p count is 0:
 *         then nothing changes).
 */
uint16_t hf_train_add(hf_train_t *t, const hf_flash_cfg_t *cfg, uint16_t count, int level,
                      uint32_t age_us, hf_ticks_us_t now_us);

/** End train @p t early, at tick @p now_us, by the same rule: nothing more is owed; a flash on
 * for min_ms or more is cut now, a younger one ends as planned (on_ms after it began); the train
 * then ends after its off time. Pure; any time; nothing happens if it is not running. */
void hf_train_finish(hf_train_t *t, hf_ticks_us_t now_us);

/** Advance @p t to tick @p now_us, through every on or off time that ended by then; after the
 * last off time it stops. @return true if the level changed. */
bool hf_train_advance(hf_train_t *t, hf_ticks_us_t now_us);

/** @return the train's level (0 or 1); 0 when stopped. */
static inline int hf_train_level(const hf_train_t *t) {
    return t->running ? t->level : 0;
}

/** @return true from the first request until the end of the last off time. */
static inline bool hf_train_running(const hf_train_t *t) {
    return t->running != 0;
}

/** @return the tick of the next change (valid while running). */
static inline hf_ticks_us_t hf_train_deadline(const hf_train_t *t) {
    return t->next_us;
}

/** @return flashes owed (not yet begun), 0..cfg->max_owed; 0 when stopped. */
static inline uint16_t hf_train_owed(const hf_train_t *t) {
    return t->running ? t->owed : 0u;
}

/**
 * A player: a task that drives an output pin, and optionally a second pin that follows it (a
 * buzzer sounding while an LED is lit), with a pattern (hf_output_play()) or a flash train
 * (hf_output_flash()). It is the only thing that writes its pins, so it knows when each last
 * changed. Both pins are driven to 0 when the pattern or the train ends and when it is
 * cancelled; a new pattern or train takes over from the pin's current level, with no glitch.
 * All functions here are loop only (not @isr_ok): call them from tasks, deferred calls, input
 * callbacks, or main before hf_loop_run().
 */
typedef struct {
    hf_task_t task;
    hf_pattern_t pat;
    hf_train_t train;
    hf_pin_t pin;
    hf_pin_t follower;
    uint8_t mode;             /**< what plays: 0 nothing, 1 a pattern, 2 a train */
    uint8_t level;            /**< the level the pins were last driven to */
    uint8_t quiet;            /**< no change of the pin is recent (none since init, or long ago) */
    uint8_t handover;         /**< the task is being restarted: its FINALLY leaves the pins */
    hf_ticks_us_t changed_us; /**< tick of the pin's last change (when !quiet) */
} hf_output_t;

/** Set up @p o for output pins @p pin and @p follower (HF_PIN_NONE for none). The pins must
 * already be configured as outputs, at level 0. */
void hf_output_init(hf_output_t *o, hf_pin_t pin, hf_pin_t follower);

/**
 * Play @p steps (@p n durations, see hf_pattern_t) @p repeat times (0 = until cancelled),
 * replacing any pattern or train playing. The pins take the pattern's first level at the very
 * moment of the call (no change if they are at it already). @p steps must outlive the play (a
 * static array).
 * @return false if the player task could not start (HF_CFG_MAX_TASKS reached): the pins are
 *         then driven to 0.
 */
bool hf_output_play(hf_output_t *o, const uint16_t *steps, uint8_t n, uint8_t repeat);

/**
 * Ask for @p count more flashes (hf_flash_cfg_t gives the timing and the rule): the pins change
 * at this very moment unless they changed less than cfg->min_ms before. A pattern playing (an
 * idle blink) gives way: the train takes over the pin as it is. When the train ends (off_ms after
 * its last flash) the pins stay off and nothing plays until asked again. @p cfg must outlive the
 * train (a static constant); a running train keeps the cfg it started with.
 * @return the flashes added: @p count, or fewer when cfg->max_owed were owed; 0 if @p count is 0
 *         or if the player task could not start (HF_CFG_MAX_TASKS reached; nothing changes).
 */
uint16_t hf_output_flash(hf_output_t *o, const hf_flash_cfg_t *cfg, uint16_t count);

/** End a flash train early (a cancel, a mute) by its rule (hf_train_finish()): nothing more is
 * owed; the pins go off now, unless they came on less than min_ms before (then when that flash
 * ends). hf_output_flashing() stays true until the train's last off time is over. Does nothing
 * unless a train plays. */
void hf_output_finish(hf_output_t *o);

/** Stop at once: both pins off. @return true if a pattern or a train was playing. */
bool hf_output_cancel(hf_output_t *o);

/** Change the follower pin (HF_PIN_NONE mutes it); the old one is driven to 0, the new one takes
 * the current level at once. */
void hf_output_set_follower(hf_output_t *o, hf_pin_t follower);

/** @return true while a pattern or a train plays; a task awaits the end with
 * HF_AWAIT_UNTIL(!hf_output_busy(o)) or HF_AWAIT_TASK(&o->task). */
static inline bool hf_output_busy(const hf_output_t *o) {
    return !hf_task_done(&o->task);
}

/** @return true while a flash train plays (from hf_output_flash() to the end of its last off
 * time). */
static inline bool hf_output_flashing(const hf_output_t *o) {
    return !hf_task_done(&o->task) && o->mode == 2u;
}

/** @return flashes owed by the train (not yet begun); 0 when no train plays. */
static inline uint16_t hf_output_owed(const hf_output_t *o) {
    return hf_output_flashing(o) ? hf_train_owed(&o->train) : 0u;
}

/** @return the level the pin was last driven to (0 or 1). */
static inline int hf_output_level(const hf_output_t *o) {
    return o->level;
}

/**
 * @return true if the pin changed less than @p ms milliseconds (0..65535) ago. A change is
 * remembered across a stop; an output left stopped for a multiple of 2^32 us (71.6 minutes, the
 * tick's wrap) takes a change that old as recent again for those @p ms, at worst (the tick
 * cannot tell them apart).
 */
bool hf_output_changed_within(const hf_output_t *o, uint16_t ms);

#endif
