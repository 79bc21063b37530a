/**
 * @file cortexm.h
 * @brief The generic Cortex-M port: what a board supplies to it, and what it offers boards and
 * on-target tests.
 *
 * The port (ports/cortexm) implements port.h for any Cortex-M (ARMv6-M, ARMv7-M, ARMv8-M):
 * critical sections by PRIMASK save/restore, a race-free sleep with WFI, time from SysTick
 * (systick.c; a board with a better timer brings its own time source),
 * pins held in RAM (boards with real GPIO replace pins.c), and the vector table. A board
 * (ports/cortexm/boards/NAME) supplies its memory map, clock, output and exit.
 */
#ifndef HANDOFF_CORTEXM_H
#define HANDOFF_CORTEXM_H

#include <stddef.h>
#include <stdint.h>

#include "handoff/port.h"

/* ---- supplied by the board ---------------------------------------------------------------- */

/** Core clock in Hz, which SysTick counts; a whole number of MHz. */
extern const uint32_t hf_cm_cpu_hz;

/** Bring up the board's clocks and peripherals; called by hf_board_init() before anything else. */
void hf_cm_board_setup(void);

/** Write @p n bytes of output (whole lines, newline included). Loop context. */
void hf_cm_board_write(const char *s, size_t n);

/** Stop the program with exit status @p status (a test board ends the emulator). @isr_ok */
_Noreturn void hf_cm_board_exit(int status);

/* ---- offered by the port ------------------------------------------------------------------ */

/** An interrupt handler attached with hf_cm_irq_attach(). */
typedef void (*hf_cm_isr_t)(void);

/** Route external interrupt @p irq to @p fn at NVIC priority @p prio (0 = most urgent; only the
 * top bits the core implements count) and enable it. Loop only. */
void hf_cm_irq_attach(unsigned irq, hf_cm_isr_t fn, uint8_t prio);

/** Disable external interrupt @p irq and detach its handler. @isr_ok */
void hf_cm_irq_detach(unsigned irq);

/** Change the level of input @p pin as if something outside drove it, and run the pin's
 * interrupt handler when the edge is one it asked for: how tests and boards without GPIO feed
 * edges in. @isr_ok */
void hf_cm_pin_drive(hf_pin_t pin, int level);

/* ---- the time source: systick.c, or the board's own timer ---------------------------------- */
/* A time source implements hf_port_now_us() (port.h) and these. */

/** Start the clock; called by hf_board_init() after hf_cm_board_setup(). */
void hf_cm_time_init(void);

/** Make sure an interrupt comes at or soon after the tick @p deadline, to end a sleep: a
 * tickless timer sets its alarm; a periodic one has nothing to do. Called with interrupts
 * masked, just before WFI. @isr_ok */
void hf_cm_time_alarm(hf_ticks_us_t deadline);

/** SysTick periods elapsed since hf_board_init() (one per millisecond; systick.c). @isr_ok */
uint32_t hf_cm_ticks(void);

/** How many times hf_port_sleep() executed WFI. For tests and measurements. @isr_ok */
uint32_t hf_cm_sleeps(void);

#endif
