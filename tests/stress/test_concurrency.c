/* Concurrency: a signal-handler "ISR" on the loop's thread and a second thread post edges,
 * counts, flags and deferred calls at full speed while tasks consume with random stalls.
 * Each event is two edges, each in a queue of its own: one carries the producer's sequence
 * number, the other the tick of the post.
 * Checks: produced == consumed + dropped per producer and queue, FIFO per producer (sequence
 * numbers increase), ticks non-decreasing per producer, counter and deferred call totals
 * exact, deferred calls in order per producer with non-decreasing ticks, and no lost wake-up (the
 * loop drains everything and stops; a watchdog aborts if it ever sleeps with work pending). Prints
 * the figures; asserts no timing. usage: test_concurrency [--events N] [--burst B] [--seed S] N:
 * total over both producers (default 1000000) B: events the signal handler posts per interrupt,
 * like a GPIO handler serving a latch of several edges (default 1); above 1 the signalling thread
 * also waits for each interrupt to be taken before raising the next, so no signal is merged away S:
 * seed of the consumer's random stalls (default 12345) */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "handoff/handoff.h"
#include "handoff/sim.h"

HF_EVQ_DEFINE(q_sig, 64);
HF_EVQ_DEFINE(q_thr, 64);
HF_EVQ_DEFINE(q_sig_ticks, 64);
HF_EVQ_DEFINE(q_thr_ticks, 64);
static hf_counter_t counter = HF_COUNTER_INIT;
static hf_flag_t flag = HF_FLAG_INIT;
static hf_flag_t done_flag = HF_FLAG_INIT;

typedef struct {
    atomic_uint produced, defers_ok, defers_failed, adds, seq;
} producer_t;

/* A producer's edge queue (it is the queue's one producer) and what the consumer saw in it. */
typedef struct {
    hf_evq_t *q;
    bool ticks;                /* t_us is the tick of the post, else the sequence number */
    atomic_uint dropped;       /* pushes that found the queue full */
    _Atomic uint64_t consumed; /* edges popped */
    uint32_t last;             /* t_us of the last edge popped */
} channel_t;

static channel_t ch[2][2] = {{{&q_sig, false, 0, 0, 0}, {&q_sig_ticks, true, 0, 0, 0}},
                             {{&q_thr, false, 0, 0, 0}, {&q_thr_ticks, true, 0, 0, 0}}};

static producer_t P[2];
static uint32_t per_producer;
static atomic_uint deferred_ran, flags_seen;
static atomic_int done_producing[2], finished;
static atomic_uint isr_calls;
static uint32_t burst = 1u;
static pthread_t loop_thread;
static uint64_t counted;
static int failures;

/* A deferred call carries its producer, the event's sequence number and the tick at which it
 * was posted: per producer the sequence must increase and the ticks must not go backwards. */
static uint64_t defer_last[2];
static bool defer_seen[2];

static void *defer_arg(int id, uint32_t seq) {
    uint64_t v = ((uint64_t)id << 63) | ((uint64_t)(seq & 0x7fffffffu) << 32) | hf_port_now_us();
    return (void *)(uintptr_t)v;
}

static void on_deferred(void *arg) {
    uint64_t v = (uint64_t)(uintptr_t)arg;
    int id = (int)(v >> 63);
    uint32_t seq = (uint32_t)(v >> 32) & 0x7fffffffu;
    uint32_t t = (uint32_t)v;
    if (defer_seen[id]) {
        uint32_t last_seq = (uint32_t)(defer_last[id] >> 32);
        uint32_t last_t = (uint32_t)defer_last[id];
        if (seq <= last_seq || hf_ticks_diff(t, last_t) < 0) {
            fprintf(stderr,
                    "deferred calls out of order on producer %d: seq %u t %u after %u t %u\n", id,
                    seq, t, last_seq, last_t);
            failures++;
        }
    }
    defer_seen[id] = true;
    defer_last[id] = ((uint64_t)seq << 32) | t;
    atomic_fetch_add(&deferred_ran, 1u);
}

static void push(int id, channel_t *c, uint32_t t_us) {
    if (!hf_evq_push(c->q, t_us, (hf_pin_t)id, 0)) {
        atomic_fetch_add(&c->dropped, 1u);
    }
}

static void post(int id) {
    producer_t *p = &P[id];
    uint32_t s = atomic_fetch_add(&p->seq, 1u);
    push(id, &ch[id][0], s);
    push(id, &ch[id][1], hf_port_now_us());
    atomic_fetch_add(&p->produced, 1u);
    hf_counter_add(&counter, 1);
    atomic_fetch_add(&p->adds, 1u);
    hf_flag_set(&flag);
    if ((s & 63u) == 0u) {
        atomic_fetch_add(
            hf_defer(on_deferred, defer_arg(id, s)) ? &p->defers_ok : &p->defers_failed, 1u);
    }
}

/* The ISR: a signal handler preempting the loop wherever it is. */
static void isr(int sig) {
    (void)sig;
    for (uint32_t i = 0; i < burst && atomic_load(&P[0].seq) < per_producer; i++) {
        post(0);
    }
    atomic_fetch_add(&isr_calls, 1u);
}

static void *signaller(void *arg) {
    (void)arg;
    while (atomic_load(&P[0].seq) < per_producer) {
        unsigned calls = atomic_load(&isr_calls);
        pthread_kill(loop_thread, SIGUSR2);
        while (burst > 1u && atomic_load(&isr_calls) == calls &&
               atomic_load(&P[0].seq) < per_producer) {
            sched_yield(); /* the interrupt is pending: raising it again would be merged */
        }
    }
    atomic_store(&done_producing[0], 1);
    hf_flag_set(&done_flag); /* a signal: waiting conditions are checked again */
    return NULL;
}

static void *thread_producer(void *arg) {
    (void)arg;
    for (uint32_t i = 0; i < per_producer; i++) {
        post(1);
        if ((burst > 1u && i % burst == burst - 1u) || (i & 4095u) == 0u) {
            sched_yield(); /* in bursts like the signal handler, so the loop keeps up */
        }
    }
    atomic_store(&done_producing[1], 1);
    hf_flag_set(&done_flag); /* a signal: waiting conditions are checked again */
    return NULL;
}

static uint64_t consumed(int id) {
    return atomic_load(&ch[id][0].consumed) + atomic_load(&ch[id][1].consumed);
}

/* Fails the run when the loop makes no progress for 20 s while work is pending: a lost
 * wake-up would leave it asleep with full queues. */
static void *watchdog(void *arg) {
    (void)arg;
    uint64_t last = UINT64_MAX;
    int still = 0;
    while (!atomic_load(&finished)) {
        usleep(100000);
        uint64_t now = consumed(0) + consumed(1);
        still = now == last ? still + 1 : 0;
        last = now;
        if (still == 200 && !atomic_load(&finished)) {
            fprintf(stderr, "watchdog: no progress for 20 s: consumed %llu, produced %u+%u\n",
                    (unsigned long long)now, atomic_load(&P[0].produced),
                    atomic_load(&P[1].produced));
            abort();
        }
    }
    return NULL;
}

static uint32_t rng = 12345u;
static uint32_t rnd(void) {
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

static void drain(int id, channel_t *c) {
    hf_edge_t e;
    while (hf_evq_pop(c->q, &e)) {
        bool in_order = c->ticks ? hf_ticks_diff(e.t_us, c->last) >= 0 : e.t_us > c->last;
        if (e.pin != id || (c->consumed > 0 && !in_order)) {
            fprintf(stderr, "%s out of order on producer %d: %u after %u\n",
                    c->ticks ? "ticks" : "sequence numbers", id, e.t_us, c->last);
            failures++;
        }
        c->last = e.t_us;
        c->consumed++;
    }
}

static bool any_waiting(void) {
    for (int i = 0; i < 4; i++) {
        if (!hf_evq_empty(ch[i / 2][i % 2].q)) {
            return true;
        }
    }
    return false;
}

static bool all_in(void) {
    for (int i = 0; i < 4; i++) {
        channel_t *c = &ch[i / 2][i % 2];
        if (!atomic_load(&done_producing[i / 2]) ||
            c->consumed + atomic_load(&c->dropped) != atomic_load(&P[i / 2].produced)) {
            return false;
        }
    }
    return counted == atomic_load(&P[0].adds) + atomic_load(&P[1].adds) &&
           atomic_load(&deferred_ran) ==
               atomic_load(&P[0].defers_ok) + atomic_load(&P[1].defers_ok);
}

typedef struct {
    hf_task_t task;
    uint32_t r;
} consumer_t;
static consumer_t consumer;
static hf_task_t flag_task;

static int consume(hf_task_t *self) {
    consumer_t *c = (consumer_t *)self;
    HF_TASK_BEGIN(self);
    while (!all_in()) {
        HF_AWAIT_UNTIL(any_waiting() || hf_counter_peek(&counter) != 0 || all_in() ||
                       (atomic_load(&done_producing[0]) && atomic_load(&done_producing[1])));
        for (int i = 0; i < 4; i++) {
            drain(i / 2, &ch[i / 2][i % 2]);
        }
        counted += hf_counter_take(&counter);
        c->r = rnd() % 100u;
        if (c->r < 3u) {
            hf_port_delay_us(rnd() % 200u); /* a stall: the queues fill and drop */
        } else if (c->r < 10u) {
            HF_AWAIT_US(rnd() % 50u);
        } else if (c->r < 20u) {
            HF_YIELD();
        }
    }
    hf_loop_stop();
    HF_TASK_END();
}

static int flag_watch(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&flag);
        atomic_fetch_add(&flags_seen, 1u);
    }
    HF_TASK_END();
}

int main(int argc, char **argv) {
    uint32_t total = 1000000u;
    for (int i = 1; i + 1 < argc; i += 2) {
        uint32_t v = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        if (strcmp(argv[i], "--events") == 0) {
            total = v;
        } else if (strcmp(argv[i], "--burst") == 0 && v > 0u) {
            burst = v;
        } else if (strcmp(argv[i], "--seed") == 0 && v > 0u) {
            rng = v;
        } else {
            fprintf(stderr, "usage: %s [--events N] [--burst B] [--seed S]\n", argv[0]);
            return 2;
        }
    }
    if (argc % 2 == 0) {
        fprintf(stderr, "usage: %s [--events N] [--burst B] [--seed S]\n", argv[0]);
        return 2;
    }
    per_producer = total / 2u;
    hf_sim_reset(false, 0);
    hf_loop_init();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = isr;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    loop_thread = pthread_self();
    hf_task_start(&consumer.task, consume, "consumer");
    hf_task_start(&flag_task, flag_watch, "flag_watch");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t a, b, w;
    pthread_create(&w, NULL, watchdog, NULL);
    pthread_create(&a, NULL, signaller, NULL);
    pthread_create(&b, NULL, thread_producer, NULL);
    hf_loop_run();
    atomic_store(&finished, 1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(w, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    uint32_t defer_fail = atomic_load(&P[0].defers_failed) + atomic_load(&P[1].defers_failed);
    const char *name[2] = {"signal ISR", "thread"};
    for (int i = 0; i < 4; i++) {
        channel_t *c = &ch[i / 2][i % 2];
        printf("%-10s produced %u  %-8s edges consumed %llu  dropped %u\n", name[i / 2],
               atomic_load(&P[i / 2].produced), c->ticks ? "tick" : "sequence",
               (unsigned long long)c->consumed, atomic_load(&c->dropped));
        uint32_t evq_drops = hf_evq_take_dropped(c->q);
        if (evq_drops != atomic_load(&c->dropped)) {
            fprintf(stderr, "drop counts differ: queue %u, producer %u\n", evq_drops,
                    atomic_load(&c->dropped));
            failures++;
        }
    }
    printf("counter %llu of %u adds; deferred calls run %u, failed %u (hf_defer_failures %u); "
           "flag wake-ups %u; interrupts %u (burst %u); runtime %.1f ms\n",
           (unsigned long long)counted, P[0].adds + P[1].adds, atomic_load(&deferred_ran),
           defer_fail, hf_defer_failures(), atomic_load(&flags_seen), atomic_load(&isr_calls),
           burst, ms);
    if (defer_fail != hf_defer_failures()) {
        failures++;
    }
    if (P[0].produced != per_producer || P[1].produced != per_producer || !all_in() ||
        any_waiting()) {
        fprintf(stderr, "accounting broken\n");
        failures++;
    }
    printf("%s\n", failures ? "FAILED"
                            : "ok: produced = consumed + dropped, FIFO and ticks in order per "
                              "producer");
    return failures ? 1 : 0;
}
