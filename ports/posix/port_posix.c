/* The host board: the simulator core (ports/sim) with interrupts delivered by a signal, the
 * wall clock, and the loop's sleep in ppoll(). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "handoff/port.h"
#include "handoff/sim.h"
#include "posix_internal.h"
#include "sim_port.h"

static struct {
    pthread_t loop_thread; /* where interrupts raised by other threads are delivered */
    /* the command line's front end (board.c), when a program runs under it */
    void (*real_sleep)(hf_ticks_us_t deadline, bool has_deadline);
    void (*show)(const char *line, size_t len, bool is_log);
} S;

void hf__posix_front(void (*real_sleep)(hf_ticks_us_t, bool),
                     void (*show)(const char *, size_t, bool)) {
    S.real_sleep = real_sleep;
    S.show = show;
}

/* ---- clock ---------------------------------------------------------------------------------- */

/* The wall clock of real and paced time: CLOCK_MONOTONIC in microseconds (the core measures
 * from its reset). */
static uint64_t wall_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- interrupts ----------------------------------------------------------------------------- */

static const int irq_signals[] = {SIGUSR1, SIGUSR2, SIGALRM};

static void irq_sigset(sigset_t *set) {
    sigemptyset(set);
    for (size_t i = 0; i < sizeof irq_signals / sizeof irq_signals[0]; i++) {
        sigaddset(set, irq_signals[i]);
    }
}

hf_irq_state_t hf_port_critical_enter(void) {
    sigset_t set, old;
    irq_sigset(&set);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    return sigismember(&old, SIGUSR1) ? 0u : 1u;
}

void hf_port_critical_exit(hf_irq_state_t state) {
    if (state) {
        sigset_t set;
        irq_sigset(&set);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    }
}

/* The pin interrupt "vector": runs as a signal handler, like an ISR. */
static void irq_handler(int sig) {
    (void)sig;
    int saved_errno = errno;
    hf__sim_irq_dispatch();
    errno = saved_errno;
}

static void install_irq_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = irq_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(HF_SIM_IRQ_SIGNAL, &sa, NULL);
}

/* Raise the interrupt of an edge the core latched. raise() runs the handler before returning
 * unless interrupts are masked, in which case it runs at unmask. */
static void raise_irq(void) {
    raise(HF_SIM_IRQ_SIGNAL);
}

bool hf_sim_raise_irq(hf_pin_t pin, int level) {
    bool ok = hf__sim_latch_edge(pin, level ? 1u : 0u);
    pthread_kill(S.loop_thread, HF_SIM_IRQ_SIGNAL);
    return ok;
}

/* ---- sleep and wake ------------------------------------------------------------------------- */
/*
 * Lost wake-ups. hf_port_wake() stores wake_pending = 1 and then reads sleeping; the sleeper
 * stores sleeping = 1 and then reads wake_pending (exchanging it with 0). All four accesses are
 * sequentially consistent, so at least one side sees the other's store: either the sleeper sees
 * the pending wake and does not block, or the waker sees the sleeper and writes to the wake pipe,
 * which ends the poll(). An interrupt delivered as a signal on the loop's own thread also ends
 * poll() with EINTR. Threads that post from outside (host-only producers) use the same path.
 */
static atomic_int wake_pending, sleeping;
static int wake_pipe[2] = {-1, -1};

static void wake_pipe_open(void) {
    if (wake_pipe[0] >= 0) {
        return;
    }
    if (pipe(wake_pipe) != 0) {
        perror("pipe");
        exit(1);
    }
    for (int i = 0; i < 2; i++) {
        fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
    }
}

/* HF_TEST_BROKEN_WAKER and HF_TEST_BROKEN_SLEEPER build the two halves of the handshake wrong,
 * as tests/model/handoff.pml does with -DBROKEN_WAKER and -DBROKEN; tests/hunt must catch them. */
void hf_port_wake(void) {
#ifdef HF_TEST_BROKEN_WAKER
    int was_sleeping = atomic_load(&sleeping); /* broken: reads sleeping before its store */
    atomic_store(&wake_pending, 1);
#else
    atomic_store(&wake_pending, 1);
    int was_sleeping = atomic_load(&sleeping);
#endif
    if (was_sleeping) {
        int saved_errno = errno;
        char b = 1;
        ssize_t r = write(wake_pipe[1], &b, 1); /* a full pipe is already readable */
        (void)r;
        errno = saved_errno;
    }
}

static void wake_pipe_drain(void) {
    char buf[64];
    while (read(wake_pipe[0], buf, sizeof buf) == (ssize_t)sizeof buf) {
    }
}

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    if (atomic_exchange(&wake_pending, 0)) {
        return;
    }
    if (hf__sim_virtual()) {
        hf__sim_virtual_sleep(deadline, has_deadline);
        /* The wakes of the interrupts played in it are consumed, as after a real sleep: the
         * loop looks at its work next, so every post made so far is seen. */
        atomic_store(&wake_pending, 0);
        return;
    }
    hf__posix_real_sleep(deadline, has_deadline);
}

/* Block in ppoll() on the wake pipe, the terminal (when interactive) and the watched sockets
 * (hf_posix_watch). The pipe is drained only when it may hold a byte: not after a plain
 * time-out, so that a timer's wake-up costs one system call. A byte written after a time-out
 * (by a waker that still saw sleeping) ends the next poll at once, and is drained then. */
bool hf__posix_poll(uint64_t timeout_us, bool has_timeout, int extra_fd, bool *extra_ready) {
    struct pollfd fds[2u + HF_POSIX_WATCH_MAX] = {{wake_pipe[0], POLLIN, 0}, {extra_fd, POLLIN, 0}};
    size_t nw = hf__posix_watch_fill(fds + 2, HF_POSIX_WATCH_MAX);
    int r = 1; /* a pending wake counts as an early return */
    atomic_store(&sleeping, 1);
#ifdef HF_TEST_BROKEN_SLEEPER
    if (true) { /* broken: no second look at wake_pending after announcing the sleep */
#else
    if (!atomic_exchange(&wake_pending, 0)) {
#endif
        /* ppoll() rather than poll(): microsecond time-outs, not milliseconds. A negative fd
         * (no terminal) is skipped by ppoll. */
        struct timespec ts = {(time_t)(timeout_us / 1000000u),
                              (long)(timeout_us % 1000000u) * 1000};
        r = ppoll(fds, (nfds_t)(2u + nw), has_timeout ? &ts : NULL, NULL);
        if (r > 0 && extra_ready != NULL && extra_fd >= 0 &&
            (fds[1].revents & (POLLIN | POLLHUP))) {
            *extra_ready = true;
        }
        if (r > 0) {
            hf__posix_watch_done(fds + 2, nw);
        }
    }
    atomic_store(&sleeping, 0);
    atomic_store(&wake_pending, 0);
    if (r != 0) {
        wake_pipe_drain();
    }
    return r != 0;
}

void hf_port_delay_us(uint32_t us) {
    if (hf__sim_virtual()) {
        hf__sim_advance(hf_sim_elapsed_us() + us);
        return;
    }
    uint64_t end = wall_us() + us;
    for (uint64_t now = wall_us(); now < end; now = wall_us()) {
        struct timespec ts = {(time_t)((end - now) / 1000000u),
                              (long)((end - now) % 1000000u) * 1000};
        nanosleep(&ts, NULL); /* interrupted by a signal: the handler ran, sleep the rest */
    }
}

/* Without the command line's front end (tests that reset the board themselves): sleep in ppoll()
 * until the deadline or a wake. */
void hf__posix_real_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    if (S.real_sleep != NULL) {
        S.real_sleep(deadline, has_deadline);
        return;
    }
    int32_t d = has_deadline ? hf_ticks_diff(deadline, hf_port_now_us()) : 0;
    hf__posix_poll(d > 0 ? (uint64_t)d : 0u, has_deadline, -1, NULL);
}

/* ---- output --------------------------------------------------------------------------------- */

void hf__posix_write_prefixed(FILE *f, const char *line, size_t len) {
    uint64_t us = hf_sim_elapsed_us();
    fprintf(f, "[%llu.%03llu] ", (unsigned long long)(us / 1000u),
            (unsigned long long)(us % 1000u));
    fwrite(line, 1, len, f);
    fputc('\n', f);
}

static void output(const char *line, size_t len, bool is_log) {
    if (S.show != NULL) {
        S.show(line, len, is_log);
        return;
    }
    if (is_log) {
        fflush(stdout);
    }
    hf__posix_write_prefixed(is_log ? stderr : stdout, line, len);
}

/* Losing recorded changes would make the VCD or the picture wrong: stop instead. */
static void record_full(const char *what) {
    fflush(stdout);
    fprintf(stderr,
            "the record of %s is full (limits HF_SIM_RECORD_MAX, HF_SIM_LINES_MAX): "
            "a shorter scenario, or no --vcd/--svg\n",
            what);
    exit(1);
}

static bool wait_us(uint64_t us) {
    return hf__posix_poll(us, true, -1, NULL);
}

static const hf_sim_host_t posix_host = {wall_us, wait_us, raise_irq, output, record_full};

/* ---- reset ---------------------------------------------------------------------------------- */

void hf_sim_reset(bool virtual_time, uint32_t epoch_us) {
    install_irq_handler();
    S.loop_thread = pthread_self();
    wake_pipe_open();
    wake_pipe_drain();
    atomic_store(&wake_pending, 0);
    hf__sim_reset(virtual_time, epoch_us, &posix_host);
}
