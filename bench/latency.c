/* Interrupt -> task latency, three ways, same method:
 *   handoff  a thread raises the host board's pin interrupt (SIGUSR1 to the loop's thread,
 *            hf_sim_raise_irq); the port's handler pushes the edge into an hf_evq_t
 *            (hf_evq_isr), which wakes the loop (ports/posix: Dekker flag, pipe, ppoll); the
 *            task awaiting the queue resumes and pops it
 *   libuv    a thread calls uv_async_send(); the async callback runs on the loop
 *   floor    a thread sends SIGUSR1; a minimal handler pushes to a ring; the loop blocks in
 *            ppoll() with the signal unmasked only there, and pops the ring
 * The sender stamps CLOCK_MONOTONIC just before it raises the event; the consumer stamps it
 * when it resumes. One event is outstanding at a time: the sender waits for the previous one to
 * be consumed, then (at --rate HZ) for its slot in the schedule, or (--rate 0) sends at once,
 * back to back. The loop runs pinned to CPU 0, the sender to CPU 1, both at a real-time
 * priority (SCHED_FIFO) when allowed.
 *
 * usage: bench-latency --sys handoff|libuv|floor [--rate HZ] [--events N] [--warmup N]
 *                      [--out FILE]
 * Prints one line of figures; --out writes the latencies (ns, uint32 LE), warm-up excluded. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "bench.h"
#include "handoff/handoff.h"
#include "handoff/sim.h"

#define PIN 14

static uint64_t total, warmup, rate_hz;
static uint64_t *t_send;
static uint32_t *lat;
static _Atomic uint64_t sent, consumed;
static pthread_t loop_thread;
static bool rt;
static void (*post)(void);

/* The consumer resumed: one event done. @return true when it was the last. */
static bool consume(void) {
    uint64_t now = bench_now_ns();
    uint64_t i = atomic_load_explicit(&consumed, memory_order_relaxed);
    uint64_t d = now - t_send[i];
    lat[i] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
    atomic_store_explicit(&consumed, i + 1u, memory_order_release);
    return i + 1u == total;
}

static void *sender(void *arg) {
    (void)arg;
    bench_pin(1, true);
    uint64_t period = rate_hz > 0 ? 1000000000u / rate_hz : 0;
    uint64_t next = bench_now_ns() + 1000000u;
    for (uint64_t i = 0; i < total; i++) {
        bench_wait_for(&consumed, i);
        if (period > 0) {
            struct timespec ts = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
            }
            next += period;
            uint64_t now = bench_now_ns();
            if (next < now) {
                next = now; /* fell behind (the machine was busy): no burst to catch up */
            }
        }
        t_send[i] = bench_now_ns();
        atomic_store_explicit(&sent, i + 1u, memory_order_release);
        post();
    }
    return NULL;
}

/* ---- handoff -------------------------------------------------------------------------------- */

HF_EVQ_DEFINE(edges, 64);
static hf_task_t waiter;

static int waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_EVQ(&edges);
        hf_edge_t e;
        while (hf_evq_pop(&edges, &e)) {
            if (consume()) {
                hf_loop_stop();
            }
        }
    }
    HF_TASK_END();
}

static void handoff_post(void) {
    (void)hf_sim_raise_irq(PIN, 0);
}

static void handoff_run(void) {
    hf_sim_reset(false, 0); /* the real clock; interrupts go to this thread */
    hf_loop_init();
    hf_gpio_input(PIN, HF_PULL_UP);
    hf_gpio_irq(PIN, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_task_start(&waiter, waiter_fn, "waiter");
    post = handoff_post;
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    hf_loop_run();
    pthread_join(th, NULL);
    if (hf_evq_take_dropped(&edges) != 0 || hf_sim_irqs_lost() != 0) {
        fprintf(stderr, "handoff: events lost\n");
        exit(1);
    }
}

/* ---- libuv ---------------------------------------------------------------------------------- */

static uv_async_t async;

static void uv_on_async(uv_async_t *h) {
    /* uv_async_send coalesces: take every event sent so far (one at a time here). */
    while (atomic_load_explicit(&consumed, memory_order_relaxed) <
           atomic_load_explicit(&sent, memory_order_acquire)) {
        if (consume()) {
            uv_close((uv_handle_t *)h, NULL);
            return;
        }
    }
}

static void libuv_post(void) {
    uv_async_send(&async);
}

static void libuv_run(void) {
    uv_loop_t *loop = uv_default_loop();
    uv_async_init(loop, &async, uv_on_async);
    post = libuv_post;
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    pthread_join(th, NULL);
    uv_loop_close(loop);
}

/* ---- floor: signal -> ring -> ppoll ---------------------------------------------------------- */

#define RING 64u
static uint64_t ring[RING];
static atomic_uint ring_head, ring_tail;

static void floor_handler(int sig) {
    (void)sig;
    uint32_t h = atomic_load_explicit(&ring_head, memory_order_relaxed);
    ring[h % RING] = atomic_load_explicit(&sent, memory_order_relaxed);
    atomic_store_explicit(&ring_head, h + 1u, memory_order_release);
}

static void floor_post(void) {
    pthread_kill(loop_thread, SIGUSR1);
}

static void floor_run(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = floor_handler;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &waitmask); /* delivered only inside ppoll() */
    sigdelset(&waitmask, SIGUSR1);
    post = floor_post;
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    for (bool done = false; !done;) {
        uint32_t t = atomic_load_explicit(&ring_tail, memory_order_relaxed);
        if (t == atomic_load_explicit(&ring_head, memory_order_acquire)) {
            (void)ppoll(NULL, 0, NULL, &waitmask);
            continue;
        }
        atomic_store_explicit(&ring_tail, t + 1u, memory_order_release);
        done = consume();
    }
    pthread_join(th, NULL);
}

/* ---- main ----------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    const char *sys = bench_opt_str(argc, argv, "--sys", "handoff");
    rate_hz = bench_opt(argc, argv, "--rate", 1000);
    uint64_t events = bench_opt(argc, argv, "--events", 20000);
    warmup = bench_opt(argc, argv, "--warmup", events / 20u);
    total = events + warmup;
    t_send = calloc(total, sizeof *t_send);
    lat = calloc(total, sizeof *lat);
    if (t_send == NULL || lat == NULL || events == 0) {
        fprintf(stderr, "bench-latency: no memory, or --events 0\n");
        return 1;
    }
    rt = bench_pin(0, true);
    loop_thread = pthread_self();
    if (strcmp(sys, "handoff") == 0) {
        handoff_run();
    } else if (strcmp(sys, "libuv") == 0) {
        libuv_run();
    } else if (strcmp(sys, "floor") == 0) {
        floor_run();
    } else {
        fprintf(stderr, "bench-latency: --sys handoff, libuv or floor, not '%s'\n", sys);
        return 2;
    }
    uint32_t *v = lat + warmup;
    bench_write_samples(bench_opt_str(argc, argv, "--out", NULL), v, events);
    uint64_t sum = 0;
    uint32_t max = 0;
    for (uint64_t i = 0; i < events; i++) {
        sum += v[i];
        max = v[i] > max ? v[i] : max;
    }
    printf("| %s | %llu Hz | %llu events | mean %.2f us | max %.2f us | %s |\n", sys,
           (unsigned long long)rate_hz, (unsigned long long)events, (double)sum / events / 1e3,
           max / 1e3, rt ? "SCHED_FIFO" : "SCHED_OTHER");
    free(t_send);
    free(lat);
    return 0;
}
