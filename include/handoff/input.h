/**
 * @file input.h
 * @brief Debounced buttons and gestures, fed by timestamped edges (no polling).
 *
 * A press is accepted at its first active edge if and only if
 *  (a) more than `debounce_ms` have passed since the last accepted press, and
 *  (b) the line had been inactive (released) continuously for at least `settle_ms` before it.
 * Rule (b) is what a plain "200 ms since the last press" debounce lacks: with only (a), a button
 * held longer than 200 ms counts the bounce of its release as a second press.
 *
 * Events:
 * - HF_BTN_PRESS at the accepted edge;
 * - HF_BTN_RELEASE when, after an accepted press, the line has been inactive for `settle_ms`
 *   (reported at that moment: the release edge + settle_ms);
 * - HF_BTN_LONG_PRESS `long_ms` after an accepted press, if no release was reported since and
 *   the line is active at that moment (so a long press is only ever reported while held).
 *
 * The module is pure: time is passed in with each call and it never reads a clock or a pin, so
 * it is tested with tables of edges. hf_input_t below runs buttons as a task fed by an hf_evq_t.
 */
#ifndef HANDOFF_INPUT_H
#define HANDOFF_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "isr.h"
#include "loop.h"
#include "port.h"
#include "ticks.h"

/** What a button reports. */
typedef enum {
    HF_BTN_NONE = 0,
    HF_BTN_PRESS,     /**< an accepted press */
    HF_BTN_RELEASE,   /**< released (inactive for settle_ms) after an accepted press */
    HF_BTN_LONG_PRESS /**< still held long_ms after the accepted press */
} hf_btn_event_t;

/** One event and the tick it belongs to. */
typedef struct {
    hf_btn_event_t type;
    hf_ticks_us_t t_us;
} hf_btn_ev_t;

/** The most events one call can report (a due long press, a due release, a press). */
#define HF_BUTTON_MAX_EVENTS 3

/** Which level means "pressed". */
typedef enum {
    HF_ACTIVE_LOW =
        0, /**< button to GND with a pull-up: falls when pressed (the lesson's wiring) */
    HF_ACTIVE_HIGH = 1 /**< sensor outputs (PIR, reed, hall, rain): high when active */
} hf_polarity_t;

/** Timing of a button. */
typedef struct {
    uint16_t debounce_ms; /**< least time between accepted presses; default 200 */
    uint16_t settle_ms;   /**< how long released before a press counts, and to report release;
                               default 20 */
    uint16_t long_ms;     /**< hold time for a long press, 0 for none; default 1000 */
} hf_button_cfg_t;

/** The defaults: 200 ms debounce (the lesson's value), 20 ms settle, 1000 ms long press. */
#define HF_BUTTON_CFG_DEFAULT                                                                      \
    { 200u, 20u, 1000u }

/** hf_button_t.st: an accepted press has not been reported released. */
#define HF__BTN_PRESSED 1u

/** A debounced button. 24 bytes; treat the fields as private. */
typedef struct {
    hf_button_cfg_t cfg;
    hf_pin_t pin;
    uint8_t active;          /**< the level that means pressed */
    uint8_t level;           /**< last known raw level */
    uint8_t st;              /**< state bits; HF__BTN_PRESSED is one */
    hf_ticks_us_t settle_at; /**< when the line will have been inactive for settle_ms */
    hf_ticks_us_t lock_end;  /**< end of the lock-out after the last accepted press */
    hf_ticks_us_t long_at;   /**< tick of the pending long press */
} hf_button_t;

/**
 * Set up @p b for @p pin. The line starts at @p level at tick @p now_us; a line that starts
 * inactive counts as released long ago (a press at once is accepted), one that starts active
 * must be released for settle_ms first. @p cfg NULL takes HF_BUTTON_CFG_DEFAULT.
 */
void hf_button_init(hf_button_t *b, hf_pin_t pin, hf_polarity_t polarity,
                    const hf_button_cfg_t *cfg, int level, hf_ticks_us_t now_us);

/**
 * Feed one edge: the line became @p level at tick @p t_us (ticks must not go backwards).
 * Reports, in time order, the time-based events due before the edge and the press it makes.
 * A @p level equal to the last one means the hardware merged two edges (a glitch): the line is
 * treated as having left that level and come back at @p t_us.
 * @return the number of events written to @p out.
 */
unsigned hf_button_edge(hf_button_t *b, hf_ticks_us_t t_us, int level,
                        hf_btn_ev_t out[HF_BUTTON_MAX_EVENTS]);

/**
 * Advance time to @p now_us with no edge: reports the release and long-press events due by then.
 * Call it (or hf_button_edge()) at least every 2^30 us, about 18 minutes, even when
 * hf_button_deadline() has nothing pending (hf_input_t does): the lock-out and the settle time
 * are tick differences, which mean something only within 2^31 us, so a button left alone for
 * longer must be told that they are over.
 * @return the number of events written to @p out.
 */
unsigned hf_button_advance(hf_button_t *b, hf_ticks_us_t now_us,
                           hf_btn_ev_t out[HF_BUTTON_MAX_EVENTS]);

/** @return true and the tick in @p at_us when a time-based event may be due (a long press while
 * held, a release after a press); call hf_button_advance() then. @p at_us is written either way. */
bool hf_button_deadline(const hf_button_t *b, hf_ticks_us_t *at_us);

/** @return true while an accepted press has not been released. */
static inline bool hf_button_is_pressed(const hf_button_t *b) {
    return (b->st & HF__BTN_PRESSED) != 0;
}

/* ---- hf_input_t: buttons as a task ---------------------------------------------------------- */

/** Called on the loop (never in interrupt context) for each button event. */
typedef void (*hf_input_fn_t)(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx);

/**
 * A task that pops edges from an hf_evq_t, routes each by pin to its button and calls back with
 * the events, sleeping exactly until the next edge or the next time-based event. Edges for pins
 * that have no button are ignored. While the queue reports dropped edges (until the application
 * takes the count with hf_evq_take_dropped()), each button whose pin reads differently from what
 * it last saw is fed that level as an edge at the current time, so a lost release cannot leave a
 * button stuck pressed.
 */
typedef struct {
    hf_task_t task;
    hf_evq_t *q;
    hf_button_t *const *buttons;
    unsigned n;
    hf_input_fn_t fn;
    void *ctx;
    hf_ticks_us_t deadline;
} hf_input_t;

/**
 * Start @p in: route edges from @p q to the @p n buttons in @p buttons (the array must outlive
 * the task) and call @p fn(button, event, @p ctx) for each event.
 * @return false if the task could not start (see hf_task_start()).
 */
bool hf_input_start(hf_input_t *in, hf_evq_t *q, hf_button_t *const *buttons, unsigned n,
                    hf_input_fn_t fn, void *ctx);

/** The events' name ("press", "release", "long_press"). */
static inline const char *hf_btn_event_name(hf_btn_event_t type) {
    return type == HF_BTN_PRESS        ? "press"
           : type == HF_BTN_RELEASE    ? "release"
           : type == HF_BTN_LONG_PRESS ? "long_press"
                                       : "none";
}

#endif
