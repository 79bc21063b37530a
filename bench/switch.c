/* Task switching on the loop, real clock:
 *   ping-pong  two tasks hand a turn back and forth through two hf_flag_t (a round trip is
 *              A sets B's flag, B resumes and sets A's, A resumes)
 *   yields     TASKS tasks each HF_YIELD() YIELDS times (await asyncio.sleep_ms(0))
 * The same two programs in MicroPython asyncio are bench/mpy/switch.py.
 *
 * usage: bench-switch [--round-trips N] [--tasks N] [--yields N]
 * Prints one table row per program: count, seconds, per second. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "handoff/handoff.h"
#include "handoff/sim.h"

static hf_flag_t to_a = HF_FLAG_INIT, to_b = HF_FLAG_INIT;
static hf_task_t task_a, task_b;
static uint64_t round_trips, done_trips;

static int ping(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (done_trips = 0; done_trips < round_trips; done_trips++) {
        hf_flag_set(&to_b);
        HF_AWAIT_FLAG(&to_a);
    }
    hf_task_cancel(&task_b);
    HF_TASK_END();
}

static int pong(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&to_b);
        hf_flag_set(&to_a);
    }
    HF_TASK_END();
}

typedef struct {
    hf_task_t task;
    uint32_t left;
} yielder_t;

static uint32_t yields_each;

static int yielder(hf_task_t *self) {
    yielder_t *y = (yielder_t *)self;
    HF_TASK_BEGIN(self);
    for (y->left = yields_each; y->left > 0; y->left--) {
        HF_YIELD();
    }
    HF_TASK_END();
}

static void row(const char *what, uint64_t n, uint64_t ns) {
    printf("| %s | %llu | %.6f s | %.0f /s |\n", what, (unsigned long long)n, ns / 1e9,
           (double)n * 1e9 / (double)ns);
}

int main(int argc, char **argv) {
    round_trips = bench_opt(argc, argv, "--round-trips", 1000000);
    uint64_t tasks = bench_opt(argc, argv, "--tasks", 1000);
    yields_each = (uint32_t)bench_opt(argc, argv, "--yields", 100);
    if (tasks > HF_CFG_MAX_TASKS) {
        fprintf(stderr, "bench-switch: at most %u tasks\n", (unsigned)HF_CFG_MAX_TASKS);
        return 2;
    }
    bench_pin(0, false);

    hf_sim_reset(false, 0);
    hf_loop_init();
    hf_task_start(&task_a, ping, "ping");
    hf_task_start(&task_b, pong, "pong");
    uint64_t t0 = bench_now_ns();
    while (!hf_task_done(&task_a)) {
        (void)hf_loop_run_until(hf_now_us());
    }
    row("ping-pong round trips", done_trips, bench_now_ns() - t0);

    yielder_t *ys = calloc(tasks, sizeof *ys);
    if (ys == NULL) {
        return 1;
    }
    hf_loop_init();
    for (uint64_t i = 0; i < tasks; i++) {
        hf_task_start(&ys[i].task, yielder, "yielder");
    }
    t0 = bench_now_ns();
    while (!hf_task_done(&ys[tasks - 1].task)) {
        (void)hf_loop_run_until(hf_now_us());
    }
    row("task switches (yields)", tasks * yields_each, bench_now_ns() - t0);
    free(ys);
    return 0;
}
