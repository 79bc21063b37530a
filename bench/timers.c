/* Timer scaling: N tasks sleeping at once, on the host board's virtual clock (the loop's own
 * cost, no real sleeping). Each task sleeps for a pseudo-random 1 us .. 1 s, again and again.
 *   schedule  the first round: each of the N tasks arms its first sleep (one heap insertion)
 *   expiry    the steady state: the earliest deadline expires (heap removal), the task runs
 *             and arms its next sleep (heap insertion); per expiry, EXPIRIES in all
 *   step      for comparison, the same N tasks yielding instead of sleeping (no heap)
 * Times are real (CLOCK_MONOTONIC) per operation, after a warm-up pass over the same tasks.
 *
 * usage: bench-timers [--tasks N] [--expiries N]
 * Prints one table row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "handoff/handoff.h"
#include "handoff/sim.h"

typedef struct {
    hf_task_t task;
    uint32_t rng;
    uint32_t left;
} sleeper_t;

static uint32_t rounds;
static bool yield_instead;
static uint64_t ended;

static uint32_t next_rand(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int sleeper(hf_task_t *self) {
    sleeper_t *s = (sleeper_t *)self;
    HF_TASK_BEGIN(self);
    for (s->left = rounds; s->left > 0; s->left--) {
        if (yield_instead) {
            HF_YIELD();
        } else {
            HF_AWAIT_US(1u + next_rand(&s->rng) % 1000000u);
        }
    }
    ended++;
    HF_TASK_END();
}

static sleeper_t *tasks;
static uint64_t n_tasks;

static void start_all(void) {
    hf_loop_init();
    ended = 0;
    for (uint64_t i = 0; i < n_tasks; i++) {
        tasks[i].rng = (uint32_t)i * 2654435761u + 1u;
        hf_task_start(&tasks[i].task, sleeper, "sleeper");
    }
}

/* Run until every task ended. @return the nanoseconds it took. */
static uint64_t run_all(void) {
    uint64_t t0 = bench_now_ns();
    do {
        (void)hf_loop_run_until(hf_ticks_add(hf_now_us(), 2000000));
    } while (ended < n_tasks);
    return bench_now_ns() - t0;
}

int main(int argc, char **argv) {
    n_tasks = bench_opt(argc, argv, "--tasks", 1000);
    uint64_t expiries = bench_opt(argc, argv, "--expiries", 1000000);
    if (n_tasks == 0 || n_tasks > HF_CFG_MAX_TASKS) {
        fprintf(stderr, "bench-timers: 1 to %u tasks\n", (unsigned)HF_CFG_MAX_TASKS);
        return 2;
    }
    rounds = (uint32_t)(expiries / n_tasks > 0 ? expiries / n_tasks : 1u);
    tasks = calloc(n_tasks, sizeof *tasks);
    if (tasks == NULL) {
        return 1;
    }
    bench_pin(0, false);
    hf_sim_reset(true, 0);

    /* Warm-up: touch every task and the whole heap once. */
    uint32_t r = rounds;
    rounds = 1;
    start_all();
    (void)run_all();

    /* Schedule: the first round arms N sleeps. */
    rounds = r;
    start_all();
    uint64_t t0 = bench_now_ns();
    (void)hf_loop_run_until(hf_now_us());
    uint64_t schedule = bench_now_ns() - t0;
    /* Expiry: everything after it, N * (rounds - 1) expiries that re-arm and N that end. */
    uint64_t expiry = run_all();

    /* The same steps without timers. */
    yield_instead = true;
    start_all();
    uint64_t step = run_all();

    uint64_t n_exp = n_tasks * rounds;
    printf("| %llu | %.1f ns | %.1f ns | %.1f ns | %llu |\n", (unsigned long long)n_tasks,
           (double)schedule / n_tasks, (double)expiry / n_exp, (double)step / n_exp,
           (unsigned long long)n_exp);
    free(tasks);
    return 0;
}
