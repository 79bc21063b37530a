/* The simulator core: virtual pins, the interrupt latch, a virtual (or paced) clock, scripted
 * input, the record of pin changes and printed lines. ISO C only; the host's clock, waiting,
 * interrupt delivery and screen come from the front end (hf_sim_host_t). */
#include <signal.h> /* sig_atomic_t */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff/port.h"
#include "handoff/sim.h"
#include "sim_port.h"

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
    const hf_sim_host_t *host;
    bool virtual_time;
    bool paced; /* virtual time that waits for the wall clock (--realtime with --scenario) */
    bool plain_virtual; /* virtual_time && !paced: the clock is vnow_us */
    uint32_t epoch_us;
    uint64_t vnow_us;
    uint64_t wake_real_us, wake_v_us; /* paced: wall clock and virtual time at the last wake */
    bool pace_running;                /* paced: the loop has slept once (start-up is not busy) */
    uint64_t t0;                      /* wall clock at reset */
    pin_t pins[NPINS];
    const char *labels[NPINS];
    /* scenario */
    const hf_scenario_t *sc;
    size_t next_ev;
    void (*on_end)(void);
    /* recorded changes of configured pins, while keep_changes */
    bool keep_changes;
    hf_sim_change_t *changes;
    size_t n_changes, cap_changes;
    /* interrupt latch: written by the simulated hardware, read by the interrupt */
    latch_t latch[LATCH_CAP];
    atomic_uint latch_head, latch_tail;
    atomic_ullong irqs, lost;
    void (*capture)(const char *line, size_t len, bool is_log);
    bool keep_lines;
    hf_sim_line_t *lines;
    size_t n_lines, cap_lines;
    void (*on_pin_change)(const hf_sim_change_t *c);
} S;

/* ---- clock ---------------------------------------------------------------------------------- */

static uint64_t real_elapsed_us(void) {
    return S.host->wall_us() - S.t0;
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

#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static hf_ticks_us_t
now_us_slow(void) {
    return S.epoch_us + (uint32_t)hf_sim_elapsed_us();
}

hf_ticks_us_t hf_port_now_us(void) {
    if (S.plain_virtual) { /* the common case first: two loads, as on a chip */
        return S.epoch_us + (uint32_t)S.vnow_us;
    }
    return now_us_slow();
}

bool hf__sim_virtual(void) {
    return S.virtual_time;
}

/* ---- interrupts ----------------------------------------------------------------------------- */

/* The pin interrupt "vector": runs as an interrupt (on the host, a signal handler). */
/* Non-zero while the interrupt handler runs on this thread (hf_port_in_isr). */
static _Thread_local volatile sig_atomic_t in_irq;

bool hf_port_in_isr(void) {
    return in_irq != 0;
}

void hf__sim_irq_dispatch(void) {
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

/* The simulated GPIO block saw an edge: latch it for the handler. @return false if the latch
 * was full (the edge is lost and counted). */
bool hf__sim_latch_edge(hf_pin_t pin, uint8_t level) {
    uint32_t head = atomic_load_explicit(&S.latch_head, memory_order_relaxed);
    if (head - atomic_load_explicit(&S.latch_tail, memory_order_acquire) >= LATCH_CAP) {
        atomic_fetch_add_explicit(&S.lost, 1u, memory_order_relaxed);
        return false;
    }
    S.latch[head % LATCH_CAP] = (latch_t){pin, level, hf_port_now_us()};
    atomic_store_explicit(&S.latch_head, head + 1u, memory_order_release);
    return true;
}

/* Latch the edge and raise the interrupt: the front end runs the handler before returning
 * unless interrupts are masked, in which case it runs at unmask. */
static void raise_pin_irq(hf_pin_t pin, uint8_t level) {
    (void)hf__sim_latch_edge(pin, level);
    S.host->raise_irq();
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
    hf_sim_change_t c = {hf_sim_elapsed_us(), pin, level};
    if (S.keep_changes) {
        if (S.n_changes == S.cap_changes) {
            size_t cap = S.cap_changes ? S.cap_changes * 2u : 1024u;
            hf_sim_change_t *p =
                cap <= HF_SIM_RECORD_MAX ? realloc(S.changes, cap * sizeof *p) : NULL;
            if (p == NULL) {
                S.host->record_full("pin changes");
                return;
            }
            S.changes = p;
            S.cap_changes = cap;
        }
        S.changes[S.n_changes++] = c;
    }
    if (S.on_pin_change != NULL) {
        S.on_pin_change(&c);
    }
}

const hf_sim_change_t *hf_sim_changes(size_t *n) {
    *n = S.n_changes;
    return S.changes;
}

void hf_sim_record(bool on) {
    S.keep_changes = on;
    if (!on) {
        free(S.changes);
        S.changes = NULL;
        S.n_changes = S.cap_changes = 0;
    }
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

bool hf__sim_pin_configured(hf_pin_t pin, bool *is_output) {
    const pin_t *p = pin_slot(pin);
    if (p == NULL || p->mode == MODE_NONE) {
        return false;
    }
    *is_output = p->mode == MODE_OUT;
    return true;
}

static unsigned label_slot(hf_pin_t pin) {
    return pin == HF_PIN_LED ? NPINS - 1u : pin;
}

void hf_board_label(hf_pin_t pin, const char *label) {
    if (pin == HF_PIN_LED || pin <= HF_PIN_GPIO_MAX) {
        S.labels[label_slot(pin)] = label;
    }
}

const char *hf__sim_label(hf_pin_t pin) {
    return (pin == HF_PIN_LED || pin <= HF_PIN_GPIO_MAX) ? S.labels[label_slot(pin)] : NULL;
}

/* ---- virtual time --------------------------------------------------------------------------- */

/* Microseconds from now until tick `deadline` (0 if past). */
static uint64_t until_us(hf_ticks_us_t deadline) {
    int32_t d = hf_ticks_diff(deadline, hf_port_now_us());
    return d > 0 ? (uint64_t)d : 0u;
}

/* Virtual time: deliver every scripted change due at or before `target`, in order, then stand
 * at `target`. Time past the scenario's end ends the run. */
void hf__sim_advance(uint64_t target) {
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
    if (S.host->wait_us(wait) && wait > 0u) {
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

bool hf__sim_sleep_target(hf_ticks_us_t deadline, bool has_deadline, uint64_t *target) {
    const hf_scenario_t *sc = S.sc;
    bool has_ev = sc != NULL && S.next_ev < sc->n;
    if (has_ev && (!has_deadline || sc->ev[S.next_ev].t_us <= S.vnow_us + until_us(deadline))) {
        /* The next edge comes first: stand at its time and deliver all edges of that instant. */
        *target = sc->ev[S.next_ev].t_us;
    } else if (!has_deadline) {
        if (sc == NULL) {
            return false;
        }
        *target = sc->end_us + 1u; /* nothing left to happen: the run is over */
    } else {
        *target = S.vnow_us + until_us(deadline);
    }
    return true;
}

void hf__sim_virtual_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    const hf_scenario_t *sc = S.sc;
    uint64_t target;
    if (!hf__sim_sleep_target(deadline, has_deadline, &target)) {
        fprintf(stderr, "virtual time: the loop waits for an event that can never come\n");
        abort();
    }
    if (S.paced) {
        if (sc != NULL && target > sc->end_us + 1u) {
            target = sc->end_us + 1u; /* do not wait past the end */
        }
        target = pace_until(target);
    }
    hf__sim_advance(target);
}

/* ---- output --------------------------------------------------------------------------------- */

/* The front end shows the line; in paced time, the time it takes is the host's, not busy. */
static void host_output(const char *line, size_t len, bool is_log) {
    uint64_t t0 = S.paced ? real_elapsed_us() : 0u;
    S.host->output(line, len, is_log);
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
        hf_sim_line_t *l = cap <= HF_SIM_LINES_MAX ? realloc(S.lines, cap * sizeof *l) : NULL;
        if (l == NULL) {
            S.host->record_full("printed lines");
            return;
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
    host_output(line, len, false);
}

void hf_port_log_line(const char *line, size_t len) {
    if (S.capture != NULL) {
        S.capture(line, len, true);
        return;
    }
    host_output(line, len, true);
}

void hf_sim_capture(void (*fn)(const char *line, size_t len, bool is_log)) {
    S.capture = fn;
}

/* ---- reset ---------------------------------------------------------------------------------- */

void hf__sim_reset(bool virtual_time, uint32_t epoch_us, const hf_sim_host_t *host) {
    S.host = host;
    S.virtual_time = virtual_time;
    S.paced = false;
    S.plain_virtual = virtual_time;
    S.epoch_us = epoch_us;
    S.vnow_us = 0;
    S.wake_real_us = S.wake_v_us = 0;
    S.t0 = host->wall_us();
    memset(S.pins, 0, sizeof S.pins);
    S.sc = NULL;
    S.next_ev = 0;
    S.on_end = NULL;
    S.keep_changes = true;
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
    S.plain_virtual = S.virtual_time && !S.paced;
    S.pace_running = false;
    S.wake_real_us = real_elapsed_us();
    S.wake_v_us = S.vnow_us;
}

void hf_sim_play(const hf_scenario_t *sc, void (*on_end)(void)) {
    S.sc = sc;
    S.next_ev = 0;
    S.on_end = on_end;
}

void hf__sim_on_pin_change(void (*fn)(const hf_sim_change_t *c)) {
    S.on_pin_change = fn;
}
