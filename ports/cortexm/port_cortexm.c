/* The generic Cortex-M port: critical sections, time, sleep and wake, output, board start. */
#include <stdarg.h>
#include <string.h>

#include "cm_internal.h"
#include "handoff/config.h"
#include "handoff/cortexm.h"
#include "handoff/notify.h"
#include "handoff/port.h"

static struct {
    volatile uint32_t wake; /* set by hf_port_wake(), consumed by hf_port_sleep() */
    volatile uint32_t sleeps;
} P;

/* ---- critical sections ---------------------------------------------------------------------- */
/* PRIMASK save/restore nests: the outermost exit restores the state found on entry, so an ISR
 * (already running with its own priority) or loop code may both use it. */

hf_irq_state_t hf_port_critical_enter(void) {
    return hf_cm_irq_save();
}

void hf_port_critical_exit(hf_irq_state_t state) {
    hf_cm_irq_restore(state);
}

/* ---- time ----------------------------------------------------------------------------------- */
/* hf_port_now_us() and the wake-up alarm come from the time source linked in: systick.c, or a
 * board's own timer (see cortexm.h). */

void hf_port_delay_us(uint32_t us) {
    hf_ticks_us_t end = hf_port_now_us() + us;
    while (!hf_ticks_reached(hf_port_now_us(), end)) {
    }
}

/* ---- sleep and wake ------------------------------------------------------------------------- */
/* Why no wake-up is lost: the loop checked its work, then calls hf_port_sleep(). Here the wake
 * flag and the deadline are checked with PRIMASK set, and WFI is executed with PRIMASK still
 * set. An interrupt that arrives after the check cannot run (PRIMASK) but it becomes pending,
 * and a pending interrupt ends WFI even while PRIMASK masks it; WFI executed while one is
 * already pending does not sleep at all. Then PRIMASK is cleared for a moment, the interrupt
 * runs (its hf_port_wake() sets the flag), and the check is made again. So between the last
 * check and the sleep there is no window in which an interrupt can come and go unnoticed.
 * Before each WFI the time source is asked for an interrupt at the deadline (a tickless timer
 * sets an alarm; SysTick interrupts every millisecond anyway); an interrupt that is neither the
 * deadline nor a wake sends it back to sleep. SEV in hf_port_wake() also ends a WFE, for boards
 * whose loop waits with WFE or runs on another core. */

void hf_port_wake(void) {
    P.wake = 1u;
    __asm__ volatile("dsb\n\tsev" ::: "memory");
}

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    uint32_t s = hf_cm_irq_save();
    while (P.wake == 0u && !(has_deadline && hf_ticks_reached(hf_port_now_us(), deadline))) {
        if (has_deadline) {
            hf_cm_time_alarm(deadline);
        }
        P.sleeps = P.sleeps + 1u;
        __asm__ volatile("dsb\n\twfi" ::: "memory");
        __asm__ volatile("cpsie i\n\tisb\n\tcpsid i" ::: "memory"); /* pending ISRs run here */
    }
    P.wake = 0u;
    hf_cm_irq_restore(s);
}

uint32_t hf_cm_sleeps(void) {
    return P.sleeps;
}

/* ---- output --------------------------------------------------------------------------------- */

static void write_line(const char *line, size_t len) {
    char buf[HF_CFG_PRINT_MAX + 1u];
    if (len > HF_CFG_PRINT_MAX) {
        len = HF_CFG_PRINT_MAX;
    }
    memcpy(buf, line, len);
    buf[len] = '\n';
    hf_cm_board_write(buf, len + 1u);
}

void hf_port_write_line(const char *line, size_t len) {
    write_line(line, len);
}

void hf_port_log_line(const char *line, size_t len) {
    write_line(line, len);
}

/* ---- board ---------------------------------------------------------------------------------- */

void hf_board_init(int argc, char **argv) {
    (void)argc;
    (void)argv;
    hf_cm_board_setup();
    hf_cm_time_init();
}

void hf_board_label(hf_pin_t pin, const char *label) {
    (void)pin;
    (void)label;
}

void hf_board_show(const char *fmt, ...) {
    (void)fmt;
}

/* No network on these boards: notifications stay off. */
bool hf_board_notify(hf_notify_cfg_t *cfg) {
    (void)cfg;
    return false;
}
