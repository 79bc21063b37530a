/**
 * @file ticks.h
 * @brief Wrap-safe 32-bit tick arithmetic, the C form of MicroPython's ticks_ms()/ticks_diff().
 *
 * Tick counters are plain 32-bit unsigned numbers that wrap: microseconds every 71.6 minutes,
 * milliseconds every 49.7 days. Never compare two ticks with < or >; compare hf_ticks_diff()
 * with 0. All functions are pure and may be called from anywhere. @isr_ok
 */
#ifndef HANDOFF_TICKS_H
#define HANDOFF_TICKS_H

#include <stdint.h>

/** Microsecond tick: wraps every 2^32 us. */
typedef uint32_t hf_ticks_us_t;
/** Millisecond tick: wraps every 2^32 ms. */
typedef uint32_t hf_ticks_ms_t;

/**
 * Signed shortest distance a - b between two ticks of the same unit.
 * Correct across the wrap while the true distance is less than half the period (2^31).
 * @return > 0 when a is after b, < 0 when a is before b, 0 when equal. @isr_ok
 */
static inline int32_t hf_ticks_diff(uint32_t a, uint32_t b) {
    uint32_t d = a - b;
    /* Two's-complement reinterpretation without implementation-defined conversion. */
    return d <= (uint32_t)INT32_MAX ? (int32_t)d : -(int32_t)(~d) - 1;
}

/** The tick delta ticks after t (delta may be negative); wraps like the counter. @isr_ok */
static inline uint32_t hf_ticks_add(uint32_t t, int32_t delta) {
    return t + (uint32_t)delta;
}

/** True when tick a is at or after tick b. @isr_ok */
static inline int hf_ticks_reached(uint32_t a, uint32_t b) {
    return hf_ticks_diff(a, b) >= 0;
}

#endif
