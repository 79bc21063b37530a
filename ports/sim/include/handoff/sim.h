/**
 * @file sim.h
 * @brief The simulator (ports/sim): virtual time, scripted input edges, recorded pin changes,
 *        their VCD and SVG. Used by the host board's command line (--scenario, --vcd), the web
 *        board and tests.
 *
 * The simulator core is ISO C; a front end delivers its pin interrupts. On the host board
 * (ports/posix) a POSIX signal (SIGUSR1) runs the handlers registered with hf_gpio_irq(): they
 * preempt the loop exactly as an interrupt preempts main() on a microcontroller, and obey the
 * same rules; hf_port_critical_enter() blocks the host board's interrupt signals (SIGUSR1,
 * SIGUSR2, SIGALRM) on the calling thread. On the web board (ports/web) a click runs them.
 */
#ifndef HANDOFF_SIM_H
#define HANDOFF_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "handoff/port.h"

/** Parse a pin name as scenario files, VCD and the screen write it ("GP14", "LED").
 * @return the pin, or HF_PIN_NONE. */
hf_pin_t hf_pin_parse(const char *name);

/** Name of @p pin into @p buf ("GP14", "LED", "?" for any other). @return @p buf. */
const char *hf_pin_name(hf_pin_t pin, char buf[8]);

/** One scripted input change. */
typedef struct {
    uint64_t t_us; /**< time since start */
    hf_pin_t pin;
    uint8_t level;
    unsigned line; /**< source line, for messages */
} hf_sim_event_t;

/** A scenario: input changes in time order, and when the run ends. */
typedef struct {
    hf_sim_event_t *ev;
    size_t n;
    uint64_t end_us;
} hf_scenario_t;

/** Longest run (us of virtual time) whose pin changes are recorded for an output (--vcd, --svg,
 * the web page's downloads): 31 days. At the lesson's idle blink (1.4 changes a second) that is
 * about 4 million changes, 60 MB. A run without a recording output keeps no record and runs in
 * constant memory for any length. */
#define HF_SIM_RECORD_SPAN_US (31ull * 24u * 3600u * 1000000u)

/** Most recorded pin changes (16 bytes each: 128 MB) and kept printed lines (104 bytes each:
 * 100 MB). Reaching either ends the run with an error rather than losing data: a program that
 * changes its pins faster than a million times a second for the whole span. */
#define HF_SIM_RECORD_MAX (1u << 23)
#define HF_SIM_LINES_MAX  (1u << 20)

/**
 * Parse scenario file @p path. A file that starts with '$' is read as a VCD (IEEE 1364, e.g. a
 * PulseView export or a --vcd of an earlier run): the changes of its 1-bit signals named
 * GP0..GP29 are replayed, and the run ends at its last timestamp. On error writes
 * "PATH:LINE: reason" into @p err and returns false; @p sc is then empty.
 */
bool hf_scenario_load(const char *path, hf_scenario_t *sc, char *err, size_t errlen);

/** Parse scenario text @p text (named @p path in messages). Same contract as hf_scenario_load. */
bool hf_scenario_parse(const char *path, const char *text, hf_scenario_t *sc, char *err,
                       size_t errlen);

/** hf_scenario_load() of a run that is recorded for an output (--vcd, --svg): a run that would
 * end after @p max_end_us (HF_SIM_RECORD_SPAN_US) is refused, at the line that makes it so (its
 * 'end', the last edge of a scenario without one, a VCD's timestamp). */
bool hf_scenario_load_within(const char *path, uint64_t max_end_us, hf_scenario_t *sc, char *err,
                             size_t errlen);

/** hf_scenario_parse() with the limit of hf_scenario_load_within(). */
bool hf_scenario_parse_within(const char *path, const char *text, uint64_t max_end_us,
                              hf_scenario_t *sc, char *err, size_t errlen);

/** Free what hf_scenario_load() allocated. */
void hf_scenario_free(hf_scenario_t *sc);

/** Reset the board: all pins unconfigured, time 0 (virtual when @p virtual_time), the
 * microsecond tick starting at @p epoch_us, no scenario, no recorded changes, changes recorded
 * from now on. Provided by the host board (ports/posix), which installs its interrupt signal
 * and wake pipe; the web board resets in hf_board_init(). */
void hf_sim_reset(bool virtual_time, uint32_t epoch_us);

/** Paced virtual time lets the program fall behind by this much (us) before its clock shows it. */
#define HF_SIM_PACE_SLACK_US 1000u

/**
 * Pace virtual time by the wall clock (the host board's --realtime with --scenario): the loop's
 * sleeps last as long as they say, and watched sockets (hf_posix_watch) can wake it, yet timers
 * fire at their exact virtual instants, as in plain virtual time. The clock reads the instant
 * the loop woke for plus the time the program has been busy since, once that exceeds
 * HF_SIM_PACE_SLACK_US: a program that holds up the loop shows late in its pin changes; the
 * host's own wake-up latency, the start-up before the loop first sleeps, and the time the host
 * takes to write the program's lines do not. Call after hf_sim_reset(true, ...).
 */
void hf_sim_pace(bool on);

/** Play scenario @p sc (not copied: it must outlive the run) in virtual time; when time would
 * pass its end, @p on_end is called (it must not return; NULL: exit(0)). */
void hf_sim_play(const hf_scenario_t *sc, void (*on_end)(void));

/** Drive input @p pin to @p level now; an enabled interrupt is delivered before this returns. */
void hf_sim_drive(hf_pin_t pin, int level);

/**
 * Host board (ports/posix) only. Raise the interrupt of input @p pin from another thread, as if
 * the hardware saw an edge to @p level now: the edge is latched with the current tick and the
 * interrupt signal is sent to the thread that called hf_sim_reset() (the loop's), where the
 * pin's handler runs. The pin's level is not changed. For host-side interrupt sources such as
 * the benchmarks: one thread at a time, and not together with hf_sim_drive() (the latch has one
 * producer).
 * @return false if the latch was full: the edge is lost and counted in hf_sim_irqs_lost().
 */
bool hf_sim_raise_irq(hf_pin_t pin, int level);

/** Time since start in microseconds (virtual or real). */
uint64_t hf_sim_elapsed_us(void);

/** A recorded change of a configured pin. */
typedef struct {
    uint64_t t_us;
    hf_pin_t pin;
    uint8_t level;
} hf_sim_change_t;

/** The changes recorded since reset, in time order; *n receives the count. */
const hf_sim_change_t *hf_sim_changes(size_t *n);

/** Record pin changes (@p on, the default after hf_sim_reset()) or not: off frees the record, so
 * that a run without an output needs no memory that grows with time. Loop only. */
void hf_sim_record(bool on);

/** Send program output and log lines to @p fn instead of stdout/stderr (NULL: back to them). */
void hf_sim_capture(void (*fn)(const char *line, size_t len, bool is_log));

/** Write the VCD of every configured pin, from start to now, to @p path (through a temporary
 * file renamed into place). @return false with a reason in @p err. */
bool hf_sim_write_vcd(const char *path, char *err, size_t errlen);

/** The VCD of hf_sim_write_vcd(), written to stream @p f (the caller checks its errors). */
void hf_sim_vcd(FILE *f);

/** A line the program printed, and when. */
typedef struct {
    uint64_t t_us;
    char text[96];
} hf_sim_line_t;

/** Keep the lines the program prints (for hf_sim_write_svg()); off after reset. */
void hf_sim_keep_lines(bool on);

/** Call @p fn(file, line) when a precondition fails (hf_port_fault), after the report and before
 * the abort; a test may leave it with longjmp() to go on. NULL: just report and abort. */
void hf_sim_on_fault(void (*fn)(const char *file, int line));

/** The lines kept since reset, in order; *n receives the count. */
const hf_sim_line_t *hf_sim_lines(size_t *n);

/** Draw the run so far as an SVG timeline to @p path (through a temporary file renamed into
 * place): a lane per configured pin, and the printed lines as labelled markers.
 * @return false with a reason in @p err. */
bool hf_sim_write_svg(const char *path, const char *title, char *err, size_t errlen);

/** The SVG of hf_sim_write_svg(), written to stream @p f (the caller checks its errors). */
void hf_sim_svg(FILE *f, const char *title);

/** Interrupts delivered since reset, and edges the simulated hardware lost because its latch
 * overflowed while interrupts were masked. */
uint64_t hf_sim_irqs_delivered(void);
uint64_t hf_sim_irqs_lost(void);

#endif
