/* The web board: the simulator core (ports/sim) in a browser page, built with emscripten.
 *
 * Time is always virtual and exact. The page paces it (real time, x10, as fast as possible): the
 * loop's sleep is an asynchronous import (ASYNCIFY) that hands control back to the browser until
 * the virtual deadline is due on the page's clock, or until the user presses a part, whichever
 * comes first. A press is an input edge at the virtual instant the page had reached: the core
 * latches it and, unless the loop is in a critical section, runs the pin's registered interrupt
 * handler at once, exactly as hf_sim_drive() does on the host board. A scenario (a replay, or a
 * file the user loaded) is played by the same core code as the host's --scenario.
 *
 * Imports from library_handoff.js, exports web_vcd() and web_svg() for the page's downloads. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff/loop.h"
#include "handoff/notify.h"
#include "handoff/port.h"
#include "handoff/sim.h"
#include "sim_port.h"

/* ---- imports (library_handoff.js) ----------------------------------------------------------- */

/* Wait, handing control to the page, until virtual time `target_us` (-1: no deadline, only a
 * press can wake the loop) is due, or the user presses a part. @return the virtual time reached
 * (<= target). Asynchronous: ASYNCIFY unwinds and rewinds the stack around it. */
extern double hf_web_wait(double now_us, double target_us);
/* Stop for good (the run ended or failed): never returns; the page drops the instance. */
extern void hf_web_halt(void);
/* The next queued press: pin and level into *pin, *level. @return 0 when there is none. */
extern int hf_web_next_input(int *pin, int *level);
/* A printed line of `len` bytes at `t_us` (is_log: a log line). */
extern void hf_web_line(double t_us, const char *line, int len, int is_log);
/* A pin changed. */
extern void hf_web_pin(double t_us, int pin, int level, int is_output);
/* The program's status line (hf_board_show). */
extern void hf_web_show(const char *text);
/* The scenario to play (malloc'd, the board frees it), or NULL for none. */
extern char *hf_web_scenario(void);
/* The run ended (at the scenario's end) or failed with `error` (NULL: ended). */
extern void hf_web_end(const char *error);

/* ---- interrupts ----------------------------------------------------------------------------- */

static struct {
    unsigned masked;  /* critical section depth */
    bool irq_pending; /* an edge was latched while masked */
    bool wake_pending;
    hf_scenario_t sc;
} W;

hf_irq_state_t hf_port_critical_enter(void) {
    return W.masked++ == 0u ? 1u : 0u;
}

void hf_port_critical_exit(hf_irq_state_t state) {
    if (state) {
        W.masked = 0;
        if (W.irq_pending) { /* the interrupt raised while masked runs now */
            W.irq_pending = false;
            hf__sim_irq_dispatch();
        }
    } else if (W.masked > 1u) {
        W.masked--;
    }
}

static void raise_irq(void) {
    if (W.masked) {
        W.irq_pending = true;
        return;
    }
    hf__sim_irq_dispatch();
}

/* ---- sleep and wake ------------------------------------------------------------------------- */

void hf_port_wake(void) {
    W.wake_pending = true;
}

/* Deliver the presses the page queued, at the current virtual time. */
static void drive_inputs(void) {
    int pin, level;
    while (hf_web_next_input(&pin, &level)) {
        hf_sim_drive((hf_pin_t)pin, level);
    }
}

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    if (W.wake_pending) {
        W.wake_pending = false;
        return;
    }
    uint64_t target;
    bool bounded = hf__sim_sleep_target(deadline, has_deadline, &target);
    uint64_t now = hf_sim_elapsed_us();
    double reached = hf_web_wait((double)now, bounded ? (double)target : -1.0);
    uint64_t r = reached > (double)now ? (uint64_t)reached : now;
    hf__sim_advance(bounded && r > target ? target : r); /* the scenario's end ends the run */
    drive_inputs();
}

void hf_port_delay_us(uint32_t us) {
    hf__sim_advance(hf_sim_elapsed_us() + us);
}

/* ---- host hooks ----------------------------------------------------------------------------- */

/* Time is virtual only: the core never reads a wall clock nor waits on its own. */
static uint64_t no_wall(void) {
    return 0;
}

static bool no_wait(uint64_t us) {
    (void)us;
    return true;
}

static void output(const char *line, size_t len, bool is_log) {
    hf_web_line((double)hf_sim_elapsed_us(), line, (int)len, is_log);
}

static void record_full(const char *what) {
    char msg[160];
    snprintf(msg, sizeof msg, "the record of %s is full: reload the page to start again", what);
    hf_web_end(msg);
    hf_web_halt();
}

static const hf_sim_host_t web_host = {no_wall, no_wait, raise_irq, output, record_full};

static void on_pin_change(const hf_sim_change_t *c) {
    bool out = false;
    (void)hf__sim_pin_configured(c->pin, &out);
    hf_web_pin((double)c->t_us, c->pin == HF_PIN_LED ? -1 : (int)c->pin, c->level, out);
}

static void on_end(void) {
    hf_web_end(NULL);
    hf_web_halt();
}

/* ---- board ---------------------------------------------------------------------------------- */

void hf_board_init(int argc, char **argv) {
    (void)argc;
    (void)argv;
    hf__sim_reset(true, 0, &web_host);
    hf_sim_keep_lines(true);
    hf__sim_on_pin_change(on_pin_change);
    char *text = hf_web_scenario();
    if (text != NULL) {
        char err[256];
        bool ok = hf_scenario_parse_within("scenario", text, HF_SIM_RECORD_SPAN_US, &W.sc, err,
                                           sizeof err);
        free(text);
        if (!ok) {
            hf_web_end(err);
            hf_web_halt();
        }
        hf_sim_play(&W.sc, on_end);
    }
    hf_loop_init();
}

void hf_board_show(const char *fmt, ...) {
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hf_web_show(buf);
}

/* No network in the page: notifications stay off, as on a board without Wi-Fi. */
bool hf_board_notify(hf_notify_cfg_t *cfg) {
    (void)cfg;
    return false;
}

/* ---- exports for the page ------------------------------------------------------------------- */

/* The run so far as a VCD (web_vcd) or an SVG timeline (web_svg), malloc'd text the page frees,
 * or NULL without memory. */
static char *to_text(bool svg, const char *title) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL) {
        return NULL;
    }
    if (svg) {
        hf_sim_svg(f, title);
    } else {
        hf_sim_vcd(f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *web_vcd(void) {
    return to_text(false, NULL);
}

char *web_svg(const char *title) {
    return to_text(true, title);
}

/* The label the program gave pin (-1: the LED), or NULL. */
const char *web_label(int pin) {
    return hf__sim_label(pin < 0 ? HF_PIN_LED : (hf_pin_t)pin);
}
