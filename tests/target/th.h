/* A tiny test harness for on-target tests: checks print a line only when they fail, each test
 * prints its name, and the run ends with "N passed, N failed" and exit status 0 or 1. */
#ifndef HF_TH_H
#define HF_TH_H

#include <stdint.h>

#include "handoff/handoff.h"
#include "handoff/cortexm.h"

static uint32_t th_passed, th_failed, th_checks_failed;

#define TH_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            th_checks_failed++;                                                                    \
            hf_print("  check failed: %s (%s:%d)", #cond, __FILE__, __LINE__);                     \
        }                                                                                          \
    } while (0)

#define TH_CHECK_EQ(a, b)                                                                          \
    do {                                                                                           \
        unsigned long th_a = (unsigned long)(a), th_b = (unsigned long)(b);                        \
        if (th_a != th_b) {                                                                        \
            th_checks_failed++;                                                                    \
            hf_print("  check failed: %s == %s: %lu != %lu (%s:%d)", #a, #b, th_a, th_b, __FILE__, \
                     __LINE__);                                                                    \
        }                                                                                          \
    } while (0)

static inline void th_run(const char *name, void (*fn)(void)) {
    uint32_t before = th_checks_failed;
    fn();
    if (th_checks_failed == before) {
        th_passed++;
        hf_print("ok   %s", name);
    } else {
        th_failed++;
        hf_print("FAIL %s", name);
    }
}

#define TH_RUN(fn) th_run(#fn, fn)

static inline int th_end(void) {
    hf_print("%lu passed, %lu failed", (unsigned long)th_passed, (unsigned long)th_failed);
    return th_failed == 0u && th_passed > 0u ? 0 : 1;
}

#endif
