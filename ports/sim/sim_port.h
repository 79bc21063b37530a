/* The simulator core's interface to the front ends that run it (ports/posix, ports/web). The
 * core is ISO C only: what it needs from the host (a wall clock, a way to wait, to raise the pin
 * interrupt, to show a line) it gets through hf_sim_host_t. Front ends include this; the core
 * never includes a front end's header. */
#ifndef HANDOFF_SIM_PORT_H
#define HANDOFF_SIM_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "handoff/port.h"
#include "handoff/sim.h"

/** What a front end gives the core. Every hook is called on the loop's thread. */
typedef struct {
    /** Wall clock in us since an arbitrary start: real time, and paced virtual time. */
    uint64_t (*wall_us)(void);
    /** Paced time: wait up to @p us of wall-clock time, or less if something wakes the loop
     * (a post, an interrupt, a watched socket). @return true when woken early or at once. */
    bool (*wait_us)(uint64_t us);
    /** An edge was latched: run hf__sim_irq_dispatch() now, as an interrupt, or when the
     * critical section ends. */
    void (*raise_irq)(void);
    /** Show a printed line (@p is_log: the program's log) of @p len bytes, not terminated. */
    void (*output)(const char *line, size_t len, bool is_log);
    /** The record of pin changes or lines reached its limit (@p what): the run cannot go on
     * without losing data. Must not return. */
    void (*record_full)(const char *what);
} hf_sim_host_t;

/** Reset the core's state (see hf_sim_reset()), with the front end's @p host (kept). */
void hf__sim_reset(bool virtual_time, uint32_t epoch_us, const hf_sim_host_t *host);

/** The pin interrupt "vector": run the handlers of the latched edges, in order. @isr_ok (this is
 * the interrupt itself) */
void hf__sim_irq_dispatch(void);

/** Latch an edge of @p pin to @p level, stamped now, for hf__sim_irq_dispatch(). One producer at
 * a time. @return false if the latch was full (the edge is lost and counted). @isr_ok */
bool hf__sim_latch_edge(hf_pin_t pin, uint8_t level);

/** Virtual time: the virtual instant (us since start) the loop sleeps to for @p deadline: the
 * next scripted edge if it comes first, else the deadline; without either, the scenario's end
 * plus 1 us. @return false when there is neither a deadline nor a scenario (nothing can ever
 * wake the loop). */
bool hf__sim_sleep_target(hf_ticks_us_t deadline, bool has_deadline, uint64_t *target);

/** Virtual time: deliver every scripted change due at or before @p target, then stand at it.
 * Time past the scenario's end ends the run (its on_end, then exit(0)). */
void hf__sim_advance(uint64_t target);

/** Virtual time: hf_port_sleep() of a virtual (or paced) board after its wake check. */
void hf__sim_virtual_sleep(hf_ticks_us_t deadline, bool has_deadline);

/** Whether time is virtual (hf_sim_reset(true, ...)). */
bool hf__sim_virtual(void);

/** Called after every recorded pin change with the change (a display follows it). */
void hf__sim_on_pin_change(void (*fn)(const hf_sim_change_t *c));

/** Whether pin is configured, and as an output. */
bool hf__sim_pin_configured(hf_pin_t pin, bool *is_output);

/** The label a program gave a pin with hf_board_label(), or NULL. */
const char *hf__sim_label(hf_pin_t pin);

/** Output files appear whole or not at all: write to "PATH.tmp" (its name left in tmp), then
 * rename it into place. Both return NULL/false with "FILE: reason" in err. */
FILE *hf__sim_create(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen);
bool hf__sim_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

#endif
