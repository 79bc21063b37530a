/**
 * @file port.h
 * @brief The contract a port (a board, or the host simulator) implements for the core.
 *
 * The core never touches hardware or the OS: time, sleep and wake-up, critical sections, pins and
 * output all come through these functions. One port is linked into each program (the CMake
 * target handoff::posix, handoff::cortexm, ...). Functions marked @isr_ok may be called from
 * interrupt context; every other one from the loop (main) context only.
 *
 * Lost wake-ups: hf_port_wake() must make the *next* hf_port_sleep() return at once if it comes
 * before that sleep, and end a sleep that is under way. The loop relies on both: it sleeps
 * without a last look at its ready set, so a post made after its look (by a deferred call, or an
 * interrupt) is seen only because the sleep returns at once. Each port explains how it guarantees
 * this next to its implementation (Dekker handshake plus eventfd and ppoll on POSIX, WFE's event
 * register on Cortex-M).
 */
#ifndef HANDOFF_PORT_H
#define HANDOFF_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ticks.h"

#if defined(__GNUC__)
#define HF__PORT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HF__PORT_PRINTF(a, b)
#endif

/* ---- time, sleep, wake ------------------------------------------------------------------- */

/** Current microsecond tick (wraps every 2^32 us). @isr_ok */
hf_ticks_us_t hf_port_now_us(void);

/**
 * Sleep until the tick @p deadline (when @p has_deadline) or until hf_port_wake(), whichever is
 * first; may also return early for no reason. Returns at once if hf_port_wake() was called since
 * the previous sleep returned. Loop only.
 */
void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline);

/** Wake the loop: ends a sleep under way, or makes the next one return at once. @isr_ok */
void hf_port_wake(void);

/** Busy-wait @p us microseconds, like MicroPython's time.sleep_us(): interrupts still run, tasks do
 * not. Inside a task this is the mistake the hog detector reports. Loop only. */
void hf_port_delay_us(uint32_t us);

/** Saved interrupt state returned by hf_port_critical_enter(). */
typedef uint32_t hf_irq_state_t;

/** Mask interrupts (all of them that may call @isr_ok functions); nests. @isr_ok */
hf_irq_state_t hf_port_critical_enter(void);

/** Restore the state saved by the matching hf_port_critical_enter(). @isr_ok */
void hf_port_critical_exit(hf_irq_state_t state);

/* ---- misuse --------------------------------------------------------------------------------- */

#if defined(__GNUC__)
#define HF__NORETURN __attribute__((__noreturn__))
#else
#define HF__NORETURN _Noreturn
#endif

/**
 * A precondition failed at @p file : @p line (HF_REQUIRE, check.h): report
 * `FILE:LINE: precondition failed` and stop the program; never returns. The host board prints it
 * on stderr and aborts; a Cortex-M board writes it over semihosting or its UART and stops (the
 * QEMU boards exit with status 3). @isr_ok
 */
HF__NORETURN void hf_port_fault(const char *file, int line);

/** @return true when called in interrupt context (Cortex-M: IPSR non-zero; the host board:
 * inside its interrupt signal handler). @isr_ok */
bool hf_port_in_isr(void);

/* ---- output -------------------------------------------------------------------------------- */

/** Write one line of program output (@p len bytes, no newline; the port adds it, and any prefix
 * such as the simulator's "[ms] "). Loop only. */
void hf_port_write_line(const char *line, size_t len);

/** Write one diagnostic line (hog reports, drop reports). Same rules as hf_port_write_line(). */
void hf_port_log_line(const char *line, size_t len);

/* ---- pins ---------------------------------------------------------------------------------- */

/** A pin: 0..29 for GP0..GP29, or HF_PIN_LED. */
typedef uint8_t hf_pin_t;

/** The board's onboard LED (GP25 on a Pico, the CYW43's pin on a Pico W / Pico 2 W). */
#define HF_PIN_LED ((hf_pin_t)200)
/** No pin. */
#define HF_PIN_NONE ((hf_pin_t)255)
/** Highest GPIO number a port may accept. */
#define HF_PIN_GPIO_MAX 29u

/** Pull resistor of an input. */
typedef enum { HF_PULL_NONE = 0, HF_PULL_UP = 1, HF_PULL_DOWN = 2 } hf_pull_t;

/** Edge selection for an interrupt (may be or-ed). */
enum { HF_EDGE_FALL = 1, HF_EDGE_RISE = 2, HF_EDGE_BOTH = 3 };

/**
 * An interrupt handler: runs in interrupt context, so it may only call @isr_ok functions.
 * @param arg   the pointer given at registration
 * @param pin   the pin whose level changed
 * @param level the level after the edge (0 or 1); two edges merged by the hardware arrive as two
 *              calls with the same level
 * @param t_us  the tick at which the edge was seen
 */
typedef void (*hf_irq_fn_t)(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us);

/** Configure @p pin as an input with @p pull; returns once the input has settled (a pull has
 * had the time to charge the line, up to a port-defined limit for a line held at the other
 * level). @return false for a pin the board lacks. Loop only. */
bool hf_gpio_input(hf_pin_t pin, hf_pull_t pull);

/** Configure @p pin as an output driving @p level. @return false for a pin the board lacks. */
bool hf_gpio_output(hf_pin_t pin, int level);

/** Drive output @p pin to @p level (0 or non-zero). A pin the board lacks, HF_PIN_NONE
 * included, is ignored. @isr_ok */
void hf_gpio_write(hf_pin_t pin, int level);

/** Read @p pin: the input level, or an output's driven level. @isr_ok */
int hf_gpio_read(hf_pin_t pin);

/**
 * Call @p fn(arg, ...) in interrupt context on the @p edges (HF_EDGE_*) of input @p pin;
 * @p fn NULL disables it. @return false for a pin the board lacks. Loop only.
 */
bool hf_gpio_irq(hf_pin_t pin, unsigned edges, hf_irq_fn_t fn, void *arg);

/* ---- board --------------------------------------------------------------------------------- */

/**
 * Bring the board up: clocks, stdio, and on the host the command line (--scenario, --vcd, ...).
 * On bad options it prints the reason and exits with status 2. Call first in main().
 */
void hf_board_init(int argc, char **argv);

/** Name @p pin for the board's displays, e.g. "buzzer" (the host simulator's screen and
 * timeline); @p label must outlive the program (a literal). Boards without a display ignore it. */
void hf_board_label(hf_pin_t pin, const char *label);

/** Show a one-line status (printf format) on the board's display, where it has one (the host
 * simulator's screen); boards without a display ignore it. Loop only. */
void hf_board_show(const char *fmt, ...) HF__PORT_PRINTF(1, 2);

/* A board with a network also provides hf_board_notify() (notify.h): where notifications go. */

#endif
