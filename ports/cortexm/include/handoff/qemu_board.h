/**
 * @file qemu_board.h
 * @brief What the QEMU test boards (mps2-an505, microbit) add for on-target tests.
 */
#ifndef HANDOFF_QEMU_BOARD_H
#define HANDOFF_QEMU_BOARD_H

#include <stdint.h>

#include "handoff/cortexm.h"

/** Call @p fn in interrupt context every @p period_ns nanoseconds (rounded to the timer's clock),
 * from a hardware timer of the board, preempting the loop; @p period_ns 0 stops it. Loop only. */
void hf_qemu_test_timer(uint32_t period_ns, hf_cm_isr_t fn);

/** From the timer's handler: the next interrupt comes @p ns nanoseconds from now (an expiry
 * since the handler began is forgotten), and the period becomes @p ns. @isr_ok */
void hf_qemu_test_timer_next(uint32_t ns);

#endif
