/* Helpers shared by the benchmark programs: a nanosecond clock, CPU pinning, options, raw
 * sample files. The programs print figures; the driver (run.py) takes medians and writes the
 * report. Nothing here asserts a time. */
#ifndef HANDOFF_BENCH_H
#define HANDOFF_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/** CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/** Pin the calling thread to CPU @p cpu when the machine has more than one and, with
 * @p realtime, give it a real-time priority (SCHED_FIFO) when allowed, so that other work on the
 * machine disturbs the measurement less. @return true if the real-time priority was granted. */
bool bench_pin(int cpu, bool realtime);

/** The value of option @p name ("--events") in argv, or @p def when absent. Exits 2 on a value
 * that is not a whole number. */
uint64_t bench_opt(int argc, char **argv, const char *name, uint64_t def);

/** The string value of option @p name, or @p def. */
const char *bench_opt_str(int argc, char **argv, const char *name, const char *def);

/** Write @p n samples (nanoseconds, 32-bit little-endian) to @p path; NULL path: nothing.
 * Exits 1 when the file cannot be written. */
void bench_write_samples(const char *path, const uint32_t *v, uint64_t n);

/** Spin (then yield) until @p *v reaches @p target. */
void bench_wait_for(const _Atomic uint64_t *v, uint64_t target);

#endif
