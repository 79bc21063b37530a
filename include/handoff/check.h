/**
 * @file check.h
 * @brief Preconditions: misuse stops the program with the place it happened, instead of
 *        undefined behaviour.
 *
 * HF_REQUIRE(cond) is the one precondition macro, in the spirit of QP/C's Q_REQUIRE and the Pico
 * SDK's hard_assert: when @p cond is false it calls hf_port_fault(__FILE__, __LINE__), which
 * reports `FILE:LINE: precondition failed` (the host on stderr, a Cortex-M board over
 * semihosting or its UART) and stops the program. The library checks the preconditions that
 * its callers can break:
 *   - a loop-only function (hf_task_start, hf_task_cancel, hf_loop_run, hf_loop_run_until,
 *     hf_evq_pop) called in interrupt context (hf_port_in_isr());
 *   - hf_loop_run() or hf_loop_run_until() called while the loop runs (from a task step or a
 *     deferred call);
 *   - hf_task_start() on a task that is still running (with HF_CFG_MAX_TASKS tasks alive it
 *     returns false, a limit the caller handles: hf_output_play() passes it on, the examples
 *     stop on it);
 *   - a task unlinked from a list it is not on (a corrupted task);
 *   - a sleep or time-out longer than the 32-bit microsecond tick can hold (2147483647 us,
 *     2147483 ms): a compile-time error where the argument is a constant;
 *   - an edge queue capacity that is not a power of two (HF_EVQ_DEFINE: compile time);
 *   - an await on a source line that collides with the FINALLY marker (compile time).
 *
 * Built with HF_CFG_CHECKS 0 the run-time checks compile to nothing; the documented return
 * values (hf_task_start() false, hf_evq_init() false) remain.
 */
#ifndef HANDOFF_CHECK_H
#define HANDOFF_CHECK_H

#include "config.h"
#include "port.h"

#if HF_CFG_CHECKS
/** Stop with this file and line when @p cond is false. Where callable: anywhere. */
#define HF_REQUIRE(cond) ((cond) ? (void)0 : hf_port_fault(__FILE__, __LINE__))
#else
#define HF_REQUIRE(cond) ((void)0)
#endif

/** Stop with this file and line when called in interrupt context: for loop-only functions. */
#define HF_REQUIRE_LOOP() HF_REQUIRE(!hf_port_in_isr())

/* Longest relative sleep or time-out: half the tick period, so that hf_ticks_diff() still
 * orders the deadline after now. */
#define HF__MAX_US 2147483647u
#define HF__MAX_MS 2147483u

/* @p v as a uint32_t, checked to be at most @p max: a compile-time error when @p v is a
 * constant (a negative array size), HF_REQUIRE at the caller's line otherwise. */
#if defined(__GNUC__) && HF_CFG_CHECKS
#define HF__CHECKED(v, max)                                                                        \
    __builtin_choose_expr(                                                                         \
        __builtin_constant_p(v),                                                                   \
        (uint32_t)(v) + 0u * sizeof(char[(uint64_t)(v) <= (max) ? 1 : -1]),                        \
        ((uint64_t)(v) <= (max) ? (uint32_t)(v) : (hf_port_fault(__FILE__, __LINE__), 0u)))
#elif HF_CFG_CHECKS
#define HF__CHECKED(v, max)                                                                        \
    ((uint64_t)(v) <= (max) ? (uint32_t)(v) : (hf_port_fault(__FILE__, __LINE__), 0u))
#else
#define HF__CHECKED(v, max) ((uint32_t)(v))
#endif

#endif
