/* What the on-chip interrupt-to-task benchmarks share (bench/onchip/irq.c on the QEMU boards,
 * bench/onchip/button.c on the RP2040): BENCH_OTHERS tasks each awaiting a flag of its own that
 * is never set, the mark the count ends at, and the start of every task. */
#ifndef BENCH_ONCHIP_H
#define BENCH_ONCHIP_H

#include "handoff/handoff.h"

#ifndef BENCH_OTHERS
#define BENCH_OTHERS 0
#endif
#ifndef BENCH_EVQ
#define BENCH_EVQ 0
#endif

/* The mark the count ends at: the task's first call after its await. */
__attribute__((noinline)) void bench_resumed(void) {
    __asm__ volatile("" ::: "memory");
}

static struct bench_other {
    hf_task_t task;
    hf_flag_t never;
} bench_others[BENCH_OTHERS > 0 ? BENCH_OTHERS : 1];

static int bench_other_fn(hf_task_t *self) {
    struct bench_other *o = (struct bench_other *)self;
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG(&o->never);
    HF_TASK_END();
}

/* Start the other tasks, then @p waiter (which awaits the post), and run the loop.
 * @return 2 when a task cannot start (the loop never returns otherwise). */
static int bench_run(hf_task_t *waiter, hf_task_fn_t waiter_fn) {
    for (unsigned i = 0; i + 1u <= BENCH_OTHERS; i++) {
        if (!hf_task_start(&bench_others[i].task, bench_other_fn, "other")) {
            hf_print("cannot start %u tasks", (unsigned)BENCH_OTHERS);
            return 2;
        }
    }
    if (!hf_task_start(waiter, waiter_fn, "waiter")) {
        return 2;
    }
    hf_loop_run();
    return 1;
}

#endif
