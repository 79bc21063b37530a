/* The host board: virtual pins, interrupts delivered by a signal, a real or virtual clock. */
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

#define NPINS     (HF_PIN_GPIO_MAX + 2u) /* GP0..GP29, LED */
#define LATCH_CAP 1024u

enum { MODE_NONE = 0, MODE_IN, MODE_OUT };

typedef struct {
    uint8_t mode;
    uint8_t level;
    unsigned edges;
    hf_irq_fn_t fn;
    void *arg;
} pin_t;

typedef struct {
    hf_pin_t pin;
    uint8_t level;
    hf_ticks_us_t t_us;
} latch_t;

static struct {
    bool virtual_time;
    bool paced; /* virtual time that waits for the wall clock (--realtime with --scenario) */
    uint32_t epoch_us;
    uint64_t vnow_us;
    uint64_t wake_real_us, wake_v_us; /* paced: wall clock and virtual time at the last wake */
    bool pace_running;                /* paced: the loop has slept once (start-up is not busy) */
    struct timespec t0;
    pin_t pins[NPINS];
    /* scenario */
    const hf_scenario_t *sc;
    size_t next_ev;
    void (*on_end)(void);
    /* recorded changes of configured pins */
    hf_sim_change_t *changes;
    size_t n_changes, cap_changes;
    /* interrupt latch: written by the simulated hardware, read by the signal handler */
    latch_t latch[LATCH_CAP];
    atomic_uint latch_head, latch_tail;
    atomic_ullong irqs, lost;
    void (*capture)(const char *line, size_t len, bool is_log);
    bool keep_lines;
    hf_sim_line_t *lines;
    size_t n_lines, cap_lines;
    void (*on_pin_change)(void);
    pthread_t loop_thread; /* where interrupts raised by other threads are delivered */
} S;

/* ---- clock ---------------------------------------------------------------------------------- */

static uint64_t real_elapsed_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t s = (int64_t)ts.tv_sec - (int64_t)S.t0.tv_sec;
    int64_t ns = (int64_t)ts.tv_nsec - (int64_t)S.t0.tv_nsec;
    return (uint64_t)(s * 1000000 + ns / 1000);
}

/* Paced time reads the exact instant the loop woke for, plus the time the program has been
 * busy since, once that exceeds HF_SIM_PACE_SLACK_US: a program that keeps the loop from
 * sleeping (a blocking call) shows late, while the host's own wake-up latency, the start-up
 * before the loop first sleeps and the host writing the program's output do not. */
static uint64_t paced_now_us(void) {
    uint64_t busy = real_elapsed_us() - S.wake_real_us;
    if (S.pace_running && busy > HF_SIM_PACE_SLACK_US && S.wake_v_us + busy > S.vnow_us) {
        S.vnow_us = S.wake_v_us + busy;
    }
    return S.vnow_us;
}

uint64_t hf_sim_elapsed_us(void) {
    if (!S.virtual_time) {
        return real_elapsed_us();
    }
    return S.paced ? paced_now_us() : S.vnow_us;
}

hf_ticks_us_t hf_port_now_us(void) {
    return S.epoch_us + (uint32_t)hf_sim_elapsed_us();
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

/* Non-zero while the interrupt handler runs on this thread (hf_port_in_isr). */
static _Thread_local volatile sig_atomic_t in_irq;

bool hf_port_in_isr(void) {
    return in_irq != 0;
}

/* The pin interrupt "vector": runs as a signal handler, like an ISR. */
static void irq_handler(int sig) {
    (void)sig;
    int saved_errno = errno;
    in_irq++;
    uint32_t tail = atomic_load_explicit(&S.latch_tail, memory_order_relaxed);
    while (tail != atomic_load_explicit(&S.latch_head, memory_order_acquire)) {
        latch_t l = S.latch[tail % LATCH_CAP];
        atomic_store_explicit(&S.latch_tail, ++tail, memory_order_release);
        const pin_t *p = &S.pins[l.pin == HF_PIN_LED ? NPINS - 1u : l.pin];
        if (p->fn != NULL) {
            atomic_fetch_add_explicit(&S.irqs, 1u, memory_order_relaxed);
            p->fn(p->arg, l.pin, l.level, l.t_us);
        }
    }
    in_irq--;
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

/* The simulated GPIO block saw an edge: latch it for the handler. @return false if the latch
 * was full (the edge is lost and counted). */
static bool latch_edge(hf_pin_t pin, uint8_t level) {
    uint32_t head = atomic_load_explicit(&S.latch_head, memory_order_relaxed);
    if (head - atomic_load_explicit(&S.latch_tail, memory_order_acquire) >= LATCH_CAP) {
        atomic_fetch_add_explicit(&S.lost, 1u, memory_order_relaxed);
        return false;
    }
    S.latch[head % LATCH_CAP] = (latch_t){pin, level, hf_port_now_us()};
    atomic_store_explicit(&S.latch_head, head + 1u, memory_order_release);
    return true;
}

/* Latch the edge and raise the interrupt. raise() runs the handler before returning unless
 * interrupts are masked, in which case it runs at unmask. */
static void raise_pin_irq(hf_pin_t pin, uint8_t level) {
    (void)latch_edge(pin, level);
    raise(HF_SIM_IRQ_SIGNAL);
}

bool hf_sim_raise_irq(hf_pin_t pin, int level) {
    bool ok = latch_edge(pin, level ? 1u : 0u);
    pthread_kill(S.loop_thread, HF_SIM_IRQ_SIGNAL);
    return ok;
}

uint64_t hf_sim_irqs_delivered(void) {
    return atomic_load(&S.irqs);
}
uint64_t hf_sim_irqs_lost(void) {
    return atomic_load(&S.lost);
}

/* ---- pins ----------------------------------------------------------------------------------- */

static pin_t *pin_slot(hf_pin_t pin) {
    if (pin == HF_PIN_LED) {
        return &S.pins[NPINS - 1u];
    }
    return pin <= HF_PIN_GPIO_MAX ? &S.pins[pin] : NULL;
}

static void record(hf_pin_t pin, uint8_t level) {
    if (S.n_changes == S.cap_changes) {
        size_t cap = S.cap_changes ? S.cap_changes * 2u : 1024u;
        hf_sim_change_t *c = realloc(S.changes, cap * sizeof *c);
        if (c == NULL) {
            fprintf(stderr, "out of memory recording pin changes\n");
            exit(1);
        }
        S.changes = c;
        S.cap_changes = cap;
    }
    S.changes[S.n_changes++] = (hf_sim_change_t){hf_sim_elapsed_us(), pin, level};
    if (S.on_pin_change != NULL) {
        S.on_pin_change();
    }
}

const hf_sim_change_t *hf_sim_changes(size_t *n) {
    *n = S.n_changes;
    return S.changes;
}

bool hf_gpio_input(hf_pin_t pin, hf_pull_t pull) {
    pin_t *p = pin_slot(pin);
    if (p == NULL || pin == HF_PIN_LED) {
        return false;
    }
    if (p->mode != MODE_IN) {
        p->mode = MODE_IN;
        p->level = pull == HF_PULL_UP ? 1u : 0u;
        record(pin, p->level);
    }
    return true;
}

bool hf_gpio_output(hf_pin_t pin, int level) {
    pin_t *p = pin_slot(pin);
    if (p == NULL) {
        return false;
    }
    p->mode = MODE_OUT;
    p->level = level ? 1u : 0u;
    record(pin, p->level);
    return true;
}

void hf_gpio_write(hf_pin_t pin, int level) {
    pin_t *p = pin_slot(pin);
    uint8_t lv = level ? 1u : 0u;
    if (p != NULL && p->mode == MODE_OUT && p->level != lv) {
        p->level = lv;
        record(pin, lv);
    }
}

int hf_gpio_read(hf_pin_t pin) {
    const pin_t *p = pin_slot(pin);
    return p != NULL ? p->level : 0;
}

bool hf_gpio_irq(hf_pin_t pin, unsigned edges, hf_irq_fn_t fn, void *arg) {
    pin_t *p = pin_slot(pin);
    if (p == NULL || pin == HF_PIN_LED) {
        return false;
    }
    hf_irq_state_t st = hf_port_critical_enter();
    p->edges = edges;
    p->fn = fn;
    p->arg = arg;
    hf_port_critical_exit(st);
    return true;
}

void hf_sim_drive(hf_pin_t pin, int level) {
    pin_t *p = pin_slot(pin);
    uint8_t lv = level ? 1u : 0u;
    if (p == NULL || p->mode == MODE_OUT || p->level == lv) {
        return; /* an output wins over an external driver; no change, no edge */
    }
    p->level = lv;
    if (p->mode == MODE_IN) {
        record(pin, lv);
    }
    if (p->fn != NULL && (p->edges & (lv ? HF_EDGE_RISE : HF_EDGE_FALL))) {
        raise_pin_irq(pin, lv);
    }
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

/* Microseconds from now until tick `deadline` (0 if past). */
static uint64_t until_us(hf_ticks_us_t deadline) {
    int32_t d = hf_ticks_diff(deadline, hf_port_now_us());
    return d > 0 ? (uint64_t)d : 0u;
}

/* Virtual time: deliver every scripted change due at or before `target`, in order, then stand
 * at `target`. Time past the scenario's end ends the run. */
static void virtual_advance(uint64_t target) {
    const hf_scenario_t *sc = S.sc;
    while (sc != NULL && S.next_ev < sc->n && sc->ev[S.next_ev].t_us <= target) {
        const hf_sim_event_t *e = &sc->ev[S.next_ev++];
        if (e->t_us > S.vnow_us) { /* paced time may already be past it: deliver it late */
            S.vnow_us = e->t_us;
        }
        hf_sim_drive(e->pin, e->level);
    }
    if (sc != NULL && target > sc->end_us) {
        S.vnow_us = sc->end_us;
        if (S.on_end != NULL) {
            S.on_end();
        }
        exit(0);
    }
    if (target > S.vnow_us) {
        S.vnow_us = target;
    }
}

/* Paced time: wait until the wall clock reaches virtual time `target` (the two start together)
 * or something wakes the loop first: a post, an interrupt, a watched socket. Sockets are polled
 * even when there is nothing to wait for, so that a loop running behind still sees them.
 * @return the virtual time reached: `target` (or later, when the program is late), or the
 * wall-clock instant of an earlier wake. */
static uint64_t pace_until(uint64_t target) {
    uint64_t now = paced_now_us();
    uint64_t reached = now >= target ? now : target;
    uint64_t real = real_elapsed_us();
    uint64_t wait = real < reached ? reached - real : 0u;
    if (hf__posix_poll(wait, true, -1, NULL) && wait > 0u) {
        real = real_elapsed_us();
        if (real < reached) {
            reached = real > now ? real : now;
        }
    }
    S.wake_real_us = real_elapsed_us();
    S.wake_v_us = reached;
    S.pace_running = true;
    return reached;
}

static void virtual_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    const hf_scenario_t *sc = S.sc;
    bool has_ev = sc != NULL && S.next_ev < sc->n;
    uint64_t target;
    if (has_ev && (!has_deadline || sc->ev[S.next_ev].t_us <= S.vnow_us + until_us(deadline))) {
        /* The next edge comes first: stand at its time and deliver all edges of that instant. */
        target = sc->ev[S.next_ev].t_us;
    } else if (!has_deadline) {
        if (sc == NULL) {
            fprintf(stderr, "virtual time: the loop waits for an event that can never come\n");
            abort();
        }
        target = sc->end_us + 1u; /* nothing left to happen: the run is over */
    } else {
        target = S.vnow_us + until_us(deadline);
    }
    if (S.paced) {
        if (sc != NULL && target > sc->end_us + 1u) {
            target = sc->end_us + 1u; /* do not wait past the end */
        }
        target = pace_until(target);
    }
    virtual_advance(target);
}

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    if (atomic_exchange(&wake_pending, 0)) {
        return;
    }
    if (S.virtual_time) {
        virtual_sleep(deadline, has_deadline);
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
    if (S.virtual_time) {
        virtual_advance(S.vnow_us + us);
        return;
    }
    uint64_t end = real_elapsed_us() + us;
    for (uint64_t now = real_elapsed_us(); now < end; now = real_elapsed_us()) {
        struct timespec ts = {(time_t)((end - now) / 1000000u),
                              (long)((end - now) % 1000000u) * 1000};
        nanosleep(&ts, NULL); /* interrupted by a signal: the handler ran, sleep the rest */
    }
}

/* ---- output --------------------------------------------------------------------------------- */

static void write_prefixed(FILE *f, const char *line, size_t len) {
    uint64_t us = hf_sim_elapsed_us();
    uint64_t t0 = S.paced ? real_elapsed_us() : 0u;
    if (hf__tui_active()) {
        char buf[160];
        snprintf(buf, sizeof buf, "[%llu.%03llu] %s%.*s", (unsigned long long)(us / 1000u),
                 (unsigned long long)(us % 1000u), f == stderr ? "! " : "", (int)len, line);
        hf__tui_line(buf);
        return;
    }
    fprintf(f, "[%llu.%03llu] ", (unsigned long long)(us / 1000u),
            (unsigned long long)(us % 1000u));
    fwrite(line, 1, len, f);
    fputc('\n', f);
    hf__posix_flush_line();
    if (S.paced) { /* writing to a pipe may let its reader run first: host time, not busy */
        S.wake_real_us += real_elapsed_us() - t0;
    }
}

static void keep_line(const char *line, size_t len) {
    if (!S.keep_lines) {
        return;
    }
    if (S.n_lines == S.cap_lines) {
        size_t cap = S.cap_lines ? S.cap_lines * 2u : 256u;
        hf_sim_line_t *l = realloc(S.lines, cap * sizeof *l);
        if (l == NULL) {
            return; /* the picture loses a label, the run goes on */
        }
        S.lines = l;
        S.cap_lines = cap;
    }
    hf_sim_line_t *l = &S.lines[S.n_lines];
    l->t_us = hf_sim_elapsed_us();
    size_t n = len < sizeof l->text - 1u ? len : sizeof l->text - 1u;
    memcpy(l->text, line, n);
    l->text[n] = '\0';
    S.n_lines++;
}

const hf_sim_line_t *hf_sim_lines(size_t *n) {
    *n = S.n_lines;
    return S.lines;
}

void hf_sim_keep_lines(bool on) {
    S.keep_lines = on;
}

void hf_port_write_line(const char *line, size_t len) {
    keep_line(line, len);
    if (S.capture != NULL) {
        S.capture(line, len, false);
        return;
    }
    write_prefixed(stdout, line, len);
}

void hf_port_log_line(const char *line, size_t len) {
    if (S.capture != NULL) {
        S.capture(line, len, true);
        return;
    }
    fflush(stdout);
    write_prefixed(stderr, line, len);
}

void hf_sim_capture(void (*fn)(const char *line, size_t len, bool is_log)) {
    S.capture = fn;
}

/* ---- misuse --------------------------------------------------------------------------------- */

static void (*on_fault)(const char *file, int line);

void hf_sim_on_fault(void (*fn)(const char *file, int line)) {
    on_fault = fn;
}

void hf_port_fault(const char *file, int line) {
    fflush(stdout);
    fprintf(stderr, "%s:%d: precondition failed\n", file, line);
    if (on_fault != NULL) {
        in_irq = 0; /* a test leaving an interrupt handler with longjmp() */
        on_fault(file, line);
    }
    abort();
}

/* ---- reset ---------------------------------------------------------------------------------- */

void hf_sim_reset(bool virtual_time, uint32_t epoch_us) {
    install_irq_handler();
    S.loop_thread = pthread_self();
    wake_pipe_open();
    wake_pipe_drain();
    atomic_store(&wake_pending, 0);
    S.virtual_time = virtual_time;
    S.paced = false;
    S.epoch_us = epoch_us;
    S.vnow_us = 0;
    S.wake_real_us = S.wake_v_us = 0;
    clock_gettime(CLOCK_MONOTONIC, &S.t0);
    memset(S.pins, 0, sizeof S.pins);
    S.sc = NULL;
    S.next_ev = 0;
    S.on_end = NULL;
    S.n_changes = 0;
    S.n_lines = 0;
    S.keep_lines = false;
    atomic_store(&S.latch_head, 0u);
    atomic_store(&S.latch_tail, 0u);
    atomic_store(&S.irqs, 0u);
    atomic_store(&S.lost, 0u);
}

void hf_sim_pace(bool on) {
    S.paced = on && S.virtual_time;
    S.pace_running = false;
    S.wake_real_us = real_elapsed_us();
    S.wake_v_us = S.vnow_us;
}

void hf_sim_play(const hf_scenario_t *sc, void (*on_end)(void)) {
    S.sc = sc;
    S.next_ev = 0;
    S.on_end = on_end;
}

void hf__posix_on_pin_change(void (*fn)(void)) {
    S.on_pin_change = fn;
}

bool hf__posix_pin_configured(hf_pin_t pin, bool *is_output) {
    const pin_t *p = pin_slot(pin);
    if (p == NULL || p->mode == MODE_NONE) {
        return false;
    }
    *is_output = p->mode == MODE_OUT;
    return true;
}
