/**
 * @file config.h
 * @brief Compile-time options. Each one can be overridden with -D or before including handoff.h.
 */
#ifndef HANDOFF_CONFIG_H
#define HANDOFF_CONFIG_H

/** A task step that runs longer than this (microseconds) is reported once through the log. */
#ifndef HF_CFG_HOG_US
#define HF_CFG_HOG_US 50000u
#endif

/** Most tasks alive at once; sizes the timer heap (one pointer each). hf_task_start() refuses more.
 * Above 65535, each hf_task_t keeps a 32-bit heap position instead of a 16-bit one. */
#ifndef HF_CFG_MAX_TASKS
#define HF_CFG_MAX_TASKS 16u
#endif

/** Slots in the deferred-call queue (hf_defer); a power of two. */
#ifndef HF_CFG_DEFER_CAP
#define HF_CFG_DEFER_CAP 16u
#endif

/** Longest line hf_print() formats, terminator included; longer lines are cut and marked "...". */
#ifndef HF_CFG_PRINT_MAX
#define HF_CFG_PRINT_MAX 128u
#endif

/** 1 when the core has atomic read-modify-write (LDREX/STREX or x86 LOCK); 0 on ARMv6-M (M0/M0+),
 * where read-modify-writes go through the port's critical section instead. */
#ifndef HF_CFG_ATOMIC_RMW
#if defined(__ARM_ARCH_6M__)
#define HF_CFG_ATOMIC_RMW 0
#else
#define HF_CFG_ATOMIC_RMW 1
#endif
#endif

#endif
