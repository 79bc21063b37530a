/* The hunt: lost wake-ups and torn queue slots, looked for in the C code itself.
 *
 * The spin model (tests/model) proves the handshake's algorithm on a hand-written copy; this
 * program attacks the real code on the host port, and each broken build of it (the
 * HF_TEST_BROKEN_* macros in ports/posix/port_posix.c and src/isr.c) must be caught.
 *
 *   hunt wake --producer thread|irq [--rounds N] [--seed S] [--timeout-ms T]
 *     A ping-pong between a loop task and a producer. The task awaits a flag
 *     (HF_AWAIT_FLAG_TIMEOUT_MS); once it has taken it, the producer spins a random 0..3000
 *     iterations, so that its post lands at a random point of the loop's path to sleep, and
 *     sets it again: from a second thread (thread), or from the signal-delivered interrupt on
 *     the loop's own thread (irq). A wake-up is lost when the loop blocks in ppoll() although
 *     the post was complete before and the flag is still set. Both are state, read after the
 *     post returned: the loop thread's system call (/proc/self/task/TID/syscall) and the flag.
 *     No time is measured; the await's time-out only gets a broken build going again (and a
 *     round whose await saw its time-out come first, with the flag already posted, is
 *     counted as well).
 *   hunt evq [--events N] [--seed S]
 *     A thread pushes edges that carry their own sequence number in every field into a
 *     two-slot edge queue; the main thread pops them and checks each field. A slot read before
 *     it was written, or after it was handed back and written again, shows as a wrong field.
 *   hunt defer [--events N] [--seed S]
 *     The same for the deferred-call queue: two threads post calls whose argument carries the
 *     thread and its sequence number; each call must come exactly once, in order per thread.
 *
 * In all modes a third thread interrupts the producers and the consumer with a signal at
 * random moments, and the handler spins a random while: a preemption that lands inside a
 * window holds it open, as an interrupt of higher priority would on a chip.
 * The first fault found is printed as "caught: ..." and the program exits 1; a clean run
 * prints its figures and exits 0. Exit 2: bad usage, or the system call of the loop thread
 * cannot be read (so this check would be blind). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "handoff/handoff.h"
#include "handoff/sim.h"
#include "internal.h"

#ifndef sigev_notify_thread_id /* glibc before 2.35 names it only so */
#define sigev_notify_thread_id _sigev_un._tid
#endif

static atomic_int stop_disturbing;

static uint32_t xorshift(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void spin(uint32_t n) {
    for (volatile uint32_t i = 0; i < n; i++) {
    }
}

static noreturn void caught(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static noreturn void caught(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("caught: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
    _exit(1);
}

static noreturn void usage(const char *msg) {
    fprintf(stderr, "hunt: %s\n", msg);
    fprintf(stderr, "usage: hunt wake --producer thread|irq [--rounds N] [--seed S] "
                    "[--timeout-ms T]\n                 [--spin N] [--delay-ns N]\n       hunt "
                    "evq|defer [--events N] [--seed S]\n");
    exit(2);
}

/* ---- the disturber: signals at random moments to the threads in the race ------------------ */

#define DISTURB_SIGNAL SIGURG
#define MAX_VICTIMS    3

static atomic_ulong victims[MAX_VICTIMS]; /* pthread_t values; 0 while a slot is unused */
static atomic_uint n_victims;
static _Thread_local uint32_t handler_rng = 0x9E3779B9u;

static void on_disturb(int sig) {
    (void)sig;
    int saved = errno;
    spin(xorshift(&handler_rng) % 2000u);
    errno = saved;
}

/* The calling thread becomes one that the disturber interrupts. */
static void add_victim(void) {
    handler_rng ^= (uint32_t)(uintptr_t)&handler_rng;
    atomic_store(&victims[atomic_fetch_add(&n_victims, 1u) % MAX_VICTIMS],
                 (unsigned long)pthread_self());
}

static void *disturber(void *arg) {
    uint32_t rng = *(uint32_t *)arg | 1u;
    while (!atomic_load(&stop_disturbing)) {
        unsigned long v = atomic_load(&victims[xorshift(&rng) % MAX_VICTIMS]);
        if (v != 0u) {
            pthread_kill((pthread_t)v, DISTURB_SIGNAL);
        }
        spin(xorshift(&rng) % 20000u);
    }
    return NULL;
}

static void on_signal(int sig, void (*handler)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* A POSIX timer that sends `sig` to thread `tid` alone. */
static bool thread_timer(timer_t *t, int sig, pid_t tid) {
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = sig;
    sev.sigev_notify_thread_id = tid;
    if (timer_create(CLOCK_MONOTONIC, &sev, t) != 0) {
        perror("hunt: timer_create");
        return false;
    }
    return true;
}

static void timer_in_ns(timer_t t, long ns) {
    struct itimerspec its = {{0, 0}, {0, ns}};
    timer_settime(t, 0, &its, NULL);
}

static pthread_t start_disturber(uint32_t *seed) {
    on_signal(DISTURB_SIGNAL, on_disturb, SA_RESTART);
    pthread_t t;
    pthread_create(&t, NULL, disturber, seed);
    return t;
}

static void stop_disturber(pthread_t t) {
    atomic_store(&stop_disturbing, 1);
    pthread_join(t, NULL);
}

/* ---- wake: the loop's sleep/wake handshake ------------------------------------------------- */

static struct {
    hf_flag_t ping;
    atomic_uint taken;  /* rounds whose flag the task has taken */
    atomic_uint posted; /* rounds whose post has returned (thread) or whose ISR ran (irq) */
    atomic_uint round;  /* irq: the round the interrupt is to post */
    uint32_t rounds, timeout_ms;
    uint32_t late;         /* rounds whose await saw its time-out first, the post already made */
    uint32_t max_spin;     /* thread: the producer spins 0..max_spin iterations before a post */
    uint32_t max_delay_ns; /* irq: the interrupt comes 1..max_delay_ns after the take */
    bool use_irq;
    pid_t loop_tid;
    hf_task_t task;
} W = {.ping = HF_FLAG_INIT, .task = HF_TASK_INIT};

/* Reads /proc/self/task/<loop thread>/NAME into buf. @return its length, or 0 if unreadable. */
static size_t read_loop_proc(const char *name, char *buf, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/%s", (int)W.loop_tid, name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(buf, 1, size - 1u, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

/* Is the loop thread asleep in ppoll()? Both must say so: its state in .../stat is S (asleep;
 * a thread being woken shows R there, though .../syscall may still name the call it is
 * leaving), and .../syscall gives the number of the call it is blocked in (else "running").
 * @return 1 yes, 0 no, -1 unreadable. */
static int loop_in_ppoll(void) {
    char buf[512];
    if (read_loop_proc("syscall", buf, sizeof buf) == 0) {
        return -1;
    }
    char *end;
    long nr = strtol(buf, &end, 10);
    if (strncmp(buf, "running", 7) == 0 || (end != buf && nr != SYS_ppoll)) {
        return 0;
    }
    if (end == buf || read_loop_proc("stat", buf, sizeof buf) == 0) {
        return -1;
    }
    const char *state = strrchr(buf, ')'); /* "tid (comm) S ...": comm may hold spaces */
    if (state == NULL || state[1] != ' ') {
        return -1;
    }
    return state[2] == 'S' ? 1 : 0;
}

/* The await's condition: take the flag; note a round in which the time-out had already come
 * when the task found the flag set by a post that was complete. */
static bool take_ping(bool timed_out) {
    if (!hf_flag_take(&W.ping)) {
        return false;
    }
    if (timed_out && atomic_load(&W.posted) > atomic_load(&W.taken)) {
        W.late++;
    }
    return true;
}

/* irq mode: a POSIX timer of the loop thread's own raises the interrupt (a signal to that
 * thread) a random 1..max_delay_ns after the task took the flag, so that it lands at a random
 * instruction of the loop's path back to sleep. The handler is the ISR: it posts the round. */
#define IRQ_SIGNAL (SIGRTMIN + 1)
static timer_t irq_timer;
static uint32_t irq_rng = 0x2545F491u;

static void ping_isr(int sig) {
    (void)sig;
    hf_flag_set(&W.ping);
    atomic_store(&W.posted, atomic_load(&W.round));
}

static void arm_irq(uint32_t round) {
    atomic_store(&W.round, round);
    timer_in_ns(irq_timer, 1 + (long)(xorshift(&irq_rng) % W.max_delay_ns));
}

static int ping_task(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    while (atomic_load(&W.taken) < W.rounds) {
        HF_AWAIT_UNTIL_TIMEOUT_MS(take_ping(HF_TIMED_OUT()), W.timeout_ms);
        if (!HF_TIMED_OUT()) {
            uint32_t r = atomic_fetch_add(&W.taken, 1u) + 1u;
            if (W.use_irq && r < W.rounds) {
                arm_irq(r + 1u);
            }
        }
    }
    hf_loop_stop();
    HF_TASK_END();
}

/* Before the hunt: the loop idles in ppoll() and this must be seen, else the check is blind. */
static void check_observable(void) {
    for (int i = 0; i < 5000; i++) {
        if (loop_in_ppoll() == 1) {
            return;
        }
        usleep(1000);
    }
    fprintf(stderr,
            "hunt: the loop thread is never seen in ppoll() in "
            "/proc/self/task/%d/syscall: lost wake-ups cannot be observed here\n",
            (int)W.loop_tid);
    exit(2);
}

/* The second thread: posts round 1, then each next round (thread mode) once the task has
 * taken the last, after a random spin; in both modes it watches for the lost wake-up. A post
 * from this thread races the loop on the other core: the waker's fault needs the loop's whole
 * step from announcing its sleep to its look at wake_pending to fall between the waker's load
 * and store, which true parallelism gives about once in a thousand rounds. */
static void *wake_producer(void *arg) {
    uint32_t rng = *(uint32_t *)arg;
    check_observable();
    hf_flag_set(&W.ping); /* round 1 */
    atomic_store(&W.posted, 1u);
    for (uint32_t r = 1; r <= W.rounds; r++) {
        /* The take mostly comes within microseconds: watch for it closely first, so that the
         * next post follows it at once and lands in the loop's path back to sleep. */
        for (uint32_t spins = 0; atomic_load(&W.taken) < r; spins++) {
            if (spins < 20000u) {
                continue;
            }
            /* Blocked with the flag set, after the post had returned: nothing will wake the
             * loop but its time-out. */
            if (atomic_load(&W.posted) >= r && loop_in_ppoll() == 1 && hf_flag_is_set(&W.ping) &&
                atomic_load(&W.taken) < r) {
                caught("lost wake-up in round %u (%s producer): the loop sleeps in ppoll() with "
                       "the flag set after the post returned",
                       r, W.use_irq ? "irq" : "thread");
            }
            sched_yield();
        }
        if (r < W.rounds && !W.use_irq) {
            spin(xorshift(&rng) % (W.max_spin + 1u));
            hf_flag_set(&W.ping);
            atomic_store(&W.posted, r + 1u);
        }
    }
    return NULL;
}

/* The loop's own reports: a task that finds its interrupt already in while it runs goes on
 * to the next round within the same step, and may be reported as a hog; not this test's
 * business. */
static void quiet(const char *line, size_t len, bool is_log) {
    (void)line, (void)len, (void)is_log;
}

static int hunt_wake(uint32_t seed) {
    hf_sim_reset(false, 0);
    hf_loop_init();
    hf_sim_capture(quiet);
    /* No signal but the interrupt's reaches the loop thread: one would end its ppoll() (EINTR)
     * and hide the very sleep this hunt looks for. */
    W.loop_tid = (pid_t)syscall(SYS_gettid);
    irq_rng ^= seed;
    on_signal(IRQ_SIGNAL, ping_isr, 0);
    if (W.use_irq && !thread_timer(&irq_timer, IRQ_SIGNAL, W.loop_tid)) {
        return 2;
    }
    if (!hf_task_start(&W.task, ping_task, "ping")) {
        fprintf(stderr, "hunt: cannot start the task\n");
        return 2;
    }
    uint32_t s1 = seed;
    pthread_t p;
    pthread_create(&p, NULL, wake_producer, &s1);
    hf_loop_run();
    pthread_join(p, NULL);
    printf("wake (%s producer): %u rounds, no lost wake-up; %u rounds saw their time-out come "
           "first\n",
           W.use_irq ? "irq" : "thread", W.rounds, W.late);
    return 0;
}

/* ---- evq: the edge queue's publish and release order ---------------------------------------- */

HF_EVQ_DEFINE(hunt_q, 2);
static uint32_t n_events;

/* Every field of edge number n is derived from n. */
static hf_edge_t edge_of(uint32_t n) {
    return (hf_edge_t){.t_us = n, .pin = (hf_pin_t)(n % 30u), .level = (uint8_t)((n >> 5) & 1u)};
}

static void *evq_producer(void *arg) {
    (void)arg;
    add_victim();
    for (uint32_t n = 1; n <= n_events;) {
        hf_edge_t e = edge_of(n);
        if (hf_evq_push(&hunt_q, e.t_us, e.pin, e.level)) {
            n++;
        }
    }
    return NULL;
}

static int hunt_evq(uint32_t seed) {
    hf_sim_reset(false, 0);
    hf_loop_init();
    add_victim();
    uint32_t s = seed;
    pthread_t d = start_disturber(&s);
    pthread_t p;
    pthread_create(&p, NULL, evq_producer, NULL);
    for (uint32_t n = 1; n <= n_events;) {
        hf_edge_t e;
        if (!hf_evq_pop(&hunt_q, &e)) {
            continue;
        }
        hf_edge_t x = edge_of(n);
        if (e.t_us != x.t_us || e.pin != x.pin || e.level != x.level) {
            caught("edge queue slot torn at edge %u: got t_us %u pin %u level %u", n,
                   (unsigned)e.t_us, (unsigned)e.pin, (unsigned)e.level);
        }
        n++;
    }
    pthread_join(p, NULL);
    stop_disturber(d);
    printf("evq: %u edges through a 2-slot queue, every field as pushed (%u pushes found it "
           "full)\n",
           n_events, (unsigned)hf_evq_take_dropped(&hunt_q));
    return 0;
}

/* ---- defer: the deferred-call queue's publish and release order ----------------------------- */

static uint32_t defer_next[2];
static bool warm_done;

/* Calls that fill every slot once before the hunt, so that a stale slot holds this. */
static void on_warm_up(void *arg) {
    if (arg != NULL || warm_done) {
        caught("deferred call torn: a slot's call of the warm-up ran again");
    }
}

static void on_call(void *arg) {
    uintptr_t v = (uintptr_t)arg;
    unsigned id = (unsigned)(v & 1u);
    uint32_t seq = (uint32_t)(v >> 1);
    if (seq != defer_next[id] + 1u) {
        caught("deferred call torn: producer %u's call %u came after its call %u", id, seq,
               defer_next[id]);
    }
    defer_next[id] = seq;
}

static void *defer_producer(void *arg) {
    uintptr_t id = (uintptr_t)arg;
    add_victim();
    for (uint32_t n = 1; n <= n_events;) {
        if (hf_defer(on_call, (void *)(((uintptr_t)n << 1) | id))) {
            n++;
        }
    }
    return NULL;
}

static int hunt_defer(uint32_t seed) {
    hf_sim_reset(false, 0);
    hf_loop_init();
    add_victim();
    for (uint32_t i = 0; i < HF_CFG_DEFER_CAP; i++) {
        hf_defer(on_warm_up, NULL);
        (void)hf__defer_run();
    }
    warm_done = true;
    uint32_t s = seed;
    pthread_t d = start_disturber(&s);
    pthread_t p[2];
    for (uintptr_t i = 0; i < 2; i++) {
        pthread_create(&p[i], NULL, defer_producer, (void *)i);
    }
    while (defer_next[0] < n_events || defer_next[1] < n_events) {
        (void)hf__defer_run();
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(p[i], NULL);
    }
    stop_disturber(d);
    printf("defer: %u calls from each of 2 threads, each once and in order (%u posts found the "
           "queue full)\n",
           n_events, (unsigned)hf_defer_failures());
    return 0;
}

/* ---- command line --------------------------------------------------------------------------- */

static uint32_t parse_u32(const char *opt, const char *v, uint32_t min, uint32_t max) {
    char *end;
    errno = 0;
    unsigned long x = v != NULL ? strtoul(v, &end, 10) : 0;
    if (v == NULL || errno != 0 || end == v || *end != '\0' || x < min || x > max) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s wants a number from %u to %u", opt, min, max);
        usage(msg);
    }
    return (uint32_t)x;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage("which hunt: wake, evq or defer");
    }
    const char *mode = argv[1];
    W.max_spin = 3000u;
    W.max_delay_ns = 10000u;
    uint32_t seed = 12345u, rounds = 20000u, events = 2000000u, timeout_ms = 200u;
    const char *producer = NULL;
    /* Every option takes a value: a number within its range, or --producer's name. */
    const struct {
        const char *name;
        uint32_t *value, min, max;
    } opts[] = {
        {"--seed", &seed, 1u, UINT32_MAX},
        {"--rounds", &rounds, 1u, 100000000u},
        {"--events", &events, 1u, 1000000000u},
        {"--spin", &W.max_spin, 0u, 10000000u},
        {"--delay-ns", &W.max_delay_ns, 1u, 999999999u},
        {"--timeout-ms", &timeout_ms, 1u, 60000u},
        {"--producer", NULL, 0u, 0u},
    };
    for (int i = 2; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t k = 0;
        while (k < sizeof opts / sizeof opts[0] && strcmp(o, opts[k].name) != 0) {
            k++;
        }
        if (k == sizeof opts / sizeof opts[0]) {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown option '%s'", o);
            usage(msg);
        }
        if (opts[k].value == NULL) {
            producer = v;
        } else {
            *opts[k].value = parse_u32(o, v, opts[k].min, opts[k].max);
        }
    }
    if (strcmp(mode, "wake") == 0) {
        if (producer == NULL || (strcmp(producer, "thread") != 0 && strcmp(producer, "irq") != 0)) {
            usage("wake needs --producer thread or --producer irq");
        }
        W.use_irq = strcmp(producer, "irq") == 0;
        W.rounds = rounds;
        W.timeout_ms = timeout_ms;
        return hunt_wake(seed);
    }
    n_events = events;
    if (strcmp(mode, "evq") == 0) {
        return hunt_evq(seed);
    }
    if (strcmp(mode, "defer") == 0) {
        return hunt_defer(seed);
    }
    usage("which hunt: wake, evq or defer");
}
