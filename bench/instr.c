/* Instruction counts, for callgrind: each --what runs COUNT operations of one kind, with any
 * clean-up between them done outside the function that is counted:
 *   flag      hf_flag_set()        counter  hf_counter_add()     evq  hf_evq_push()
 *   defer     hf_defer()           each with its post (the ready set, hf_port_wake), loop awake
 *   dispatch  the loop running, asleep between interrupts: an interrupt handler (a scenario edge
 *             on GP14, 1 ms apart) sets a flag; the loop wakes, the task awaiting the flag takes
 *             it, awaits again, and the loop goes back to sleep. Counted: hf_loop_run_until()
 *             without hf_port_sleep() (toggled off inside it), so from the sleep's return to the
 *             next sleep: the loop's whole work per wake-up, the interrupt side not included
 *             (that is `flag`). With --waiting N, N other tasks each await a flag of their own
 *             that is never set. The clock is the host board's virtual clock (a load, as a
 *             timer register read is on a chip; with --real-clock the scenario is played in
 *             wall-clock time and each of the two reads per dispatch is clock_gettime() and
 *             the pacing around it, about 47 instructions: 266 in all)
 *   dispatch-call  hf_loop_run_until(now) after a hf_flag_set(): the same dispatch, plus
 *             entering and leaving the loop each time
 *   uv        uv_async_send()      one fresh (not coalesced) send, libuv's loop awake
 *   spsc      bare_spsc_push()     a bare single-producer ring push, no wake-up
 * run.py runs `valgrind --tool=callgrind --toggle-collect=FUNCTION[,...] bench-instr --what W` at
 * two counts and divides the difference by the difference of the counts, which leaves out one-off
 * costs (first calls through the PLT, start-up).
 *
 * usage: bench-instr --what flag|counter|evq|defer|dispatch|dispatch-call|uv|spsc|all [--count N]
 *                    [--waiting N] [--real-clock] */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bench.h"
#include "handoff/handoff.h"
#include "handoff/sim.h"
#include "internal.h"

#define NOINLINE __attribute__((noinline))

static hf_flag_t flag = HF_FLAG_INIT;
static hf_counter_t counter = HF_COUNTER_INIT;
HF_EVQ_DEFINE(edges, 64);

static void on_defer(void *arg) {
    (void)arg;
}

static void run_flag(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        hf_flag_set(&flag);
    }
}

static void run_counter(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        hf_counter_add(&counter, 1);
    }
}

static void run_evq(uint64_t n) {
    hf_edge_t e;
    for (uint64_t i = 0; i < n; i++) {
        hf_evq_push(&edges, (hf_ticks_us_t)i, 14, 1);
        hf_evq_pop(&edges, &e);
    }
}

static void run_defer(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        hf_defer(on_defer, NULL);
        hf__defer_run();
    }
}

static hf_task_t waiter;
static uint64_t resumed;

static int waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&flag);
        resumed++;
    }
    HF_TASK_END();
}

/* The tasks that wait on, each on its own flag, while the measured one is dispatched. */
#define MAX_OTHERS 1000u
static uint32_t n_others;
static struct other {
    hf_task_t task;
    hf_flag_t never;
} others[MAX_OTHERS];

static int other_fn(hf_task_t *self) {
    struct other *o = (struct other *)self;
    HF_TASK_BEGIN(self);
    HF_AWAIT_FLAG(&o->never);
    HF_TASK_END();
}

static void start_tasks(void) {
    static const hf_task_t fresh = HF_TASK_INIT;
    static const hf_flag_t clear = HF_FLAG_INIT;
    flag = clear;
    waiter = fresh;
    for (uint32_t i = 0; i < n_others; i++) {
        others[i].task = fresh;
        others[i].never = clear;
        if (!hf_task_start(&others[i].task, other_fn, "other")) {
            fprintf(stderr, "bench-instr: cannot start %u waiting tasks (HF_CFG_MAX_TASKS)\n",
                    (unsigned)n_others);
            exit(2);
        }
    }
    if (!hf_task_start(&waiter, waiter_fn, "waiter")) {
        fprintf(stderr, "bench-instr: cannot start the waiter\n");
        exit(2);
    }
}

/* Every dispatch must have reached the task: else the count measures something else. */
static void check_resumed(uint64_t n) {
    if (resumed != n) {
        fprintf(stderr, "bench-instr: the task resumed %llu times for %llu posts\n",
                (unsigned long long)resumed, (unsigned long long)n);
        exit(2);
    }
    hf_task_cancel(&waiter);
}

static void run_dispatch_call(uint64_t n) {
    start_tasks();
    for (uint64_t i = 0; i < n; i++) {
        hf_flag_set(&flag);
        (void)hf_loop_run_until(hf_now_us());
    }
    check_resumed(n);
}

static void on_edge(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg, (void)pin, (void)level, (void)t_us;
    hf_flag_set(&flag);
}

static void run_dispatch(uint64_t n) {
    /* n edges on GP14, 1 ms apart, from 1 ms; the scenario ends 1 ms after the last */
    size_t cap = 32u * (size_t)(n + 2u);
    char *text = malloc(cap);
    if (text == NULL) {
        fprintf(stderr, "bench-instr: out of memory\n");
        exit(2);
    }
    size_t len = 0;
    for (uint64_t i = 1; i <= n; i++) {
        len += (size_t)snprintf(text + len, cap - len, "%llu GP14 %d\n", (unsigned long long)i,
                                (int)((i & 1u) ^ 1u));
    }
    snprintf(text + len, cap - len, "end %llu\n", (unsigned long long)(n + 1u));
    static hf_scenario_t sc;
    char err[256];
    if (!hf_scenario_parse("dispatch", text, &sc, err, sizeof err)) {
        fprintf(stderr, "bench-instr: %s\n", err);
        exit(2);
    }
    free(text);
    hf_gpio_input(14, HF_PULL_UP);
    hf_gpio_irq(14, HF_EDGE_BOTH, on_edge, NULL);
    start_tasks();
    hf_ticks_us_t t0 = hf_now_us();
    hf_sim_play(&sc, NULL);
    (void)hf_loop_run_until(hf_ticks_add(t0, (int32_t)(n * 1000u + 500u)));
    check_resumed(n);
    hf_scenario_free(&sc);
}

static void on_async(uv_async_t *h) {
    (void)h;
}

static void run_uv(uint64_t n) {
    uv_loop_t *loop = uv_default_loop();
    uv_async_t a;
    uv_async_init(loop, &a, on_async);
    for (uint64_t i = 0; i < n; i++) {
        uv_async_send(&a);
        uv_run(loop, UV_RUN_NOWAIT);
    }
    uv_close((uv_handle_t *)&a, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
}

static uint32_t ring[64];
static atomic_uint ring_head, ring_tail;

NOINLINE bool bare_spsc_push(uint32_t v) {
    uint32_t h = atomic_load_explicit(&ring_head, memory_order_relaxed);
    if (h - atomic_load_explicit(&ring_tail, memory_order_acquire) >= 64u) {
        return false;
    }
    ring[h % 64u] = v;
    atomic_store_explicit(&ring_head, h + 1u, memory_order_release);
    return true;
}

static void run_spsc(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        bare_spsc_push((uint32_t)i);
        atomic_store_explicit(&ring_tail, atomic_load(&ring_head), memory_order_release);
    }
}

static const struct {
    const char *what;
    const char *function;
    void (*run)(uint64_t n);
} ops[] = {
    {"flag", "hf_flag_set", run_flag},
    {"counter", "hf_counter_add", run_counter},
    {"evq", "hf_evq_push", run_evq},
    {"defer", "hf_defer", run_defer},
    {"dispatch", "hf_loop_run_until,hf_port_sleep", run_dispatch},
    {"dispatch-call", "hf_loop_run_until", run_dispatch_call},
    {"uv", "uv_async_send", run_uv},
    {"spsc", "bare_spsc_push", run_spsc},
};

int main(int argc, char **argv) {
    const char *what = bench_opt_str(argc, argv, "--what", "all");
    uint64_t n = bench_opt(argc, argv, "--count", 1000);
    uint64_t waiting = bench_opt(argc, argv, "--waiting", 0);
    if (waiting > MAX_OTHERS) {
        fprintf(stderr, "bench-instr: --waiting takes 0 to %u\n", MAX_OTHERS);
        return 2;
    }
    n_others = (uint32_t)waiting;
    bool real_clock = false;
    for (int i = 1; i < argc; i++) {
        real_clock = real_clock || strcmp(argv[i], "--real-clock") == 0;
    }
    bool found = false;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(what, "all") == 0 || strcmp(what, ops[i].what) == 0) {
            /* each from a fresh board and loop */
            bool dispatch = strncmp(ops[i].what, "dispatch", 8) == 0;
            bool asleep = strcmp(ops[i].what, "dispatch") == 0; /* plays a scenario */
            hf_sim_reset(dispatch && (!real_clock || asleep), 0);
            if (asleep && real_clock) {
                hf_sim_pace(true); /* the scenario in wall-clock time: every read is the clock */
            }
            hf_loop_init();
            hf_flag_clear(&flag);
            resumed = 0;
            ops[i].run(n);
            printf("| %s | %s | %llu calls |\n", ops[i].what, ops[i].function,
                   (unsigned long long)n);
            found = true;
        }
    }
    if (!found) {
        fprintf(stderr, "bench-instr: unknown --what '%s'\n", what);
        return 2;
    }
    return 0;
}
