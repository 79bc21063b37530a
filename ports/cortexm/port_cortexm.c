/* The generic Cortex-M port: critical sections, time, sleep and wake, output, board start. */
#include <stdarg.h>
#include <string.h>

#include "cm_internal.h"
#include "handoff/config.h"
#include "handoff/cortexm.h"
#include "handoff/port.h"

static struct {
    volatile uint32_t ticks; /* SysTick periods (1 ms each) */
    uint32_t reload;         /* core cycles per period - 1 */
    uint32_t cycles_per_us;
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
/* SysTick counts core cycles down from `reload` and interrupts once per millisecond; its
 * handler counts periods. The current tick is periods * 1000 plus the microseconds elapsed in the
 * current period. With interrupts masked the handler cannot run, so a wrap of the counter since
 * the last count shows only as the pending bit: then one more period has passed, and the counter
 * is read again in case it wrapped between the two reads. This holds while interrupts are never
 * masked for a whole millisecond. */

void hf_cm_systick_isr(void) {
    P.ticks = P.ticks + 1u;
}

uint32_t hf_cm_ticks(void) {
    return P.ticks;
}

hf_ticks_us_t hf_port_now_us(void) {
    uint32_t s = hf_cm_irq_save();
    uint32_t t = P.ticks;
    uint32_t v = SYST_CVR;
    if ((SCB_ICSR & SCB_ICSR_PENDSTSET) != 0u) {
        t++;
        v = SYST_CVR;
    }
    hf_cm_irq_restore(s);
    return t * 1000u + (P.reload - v) / P.cycles_per_us;
}

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
 * The SysTick interrupt ends WFI every millisecond as well; the loop here goes back to sleep
 * until the deadline or a wake. SEV in hf_port_wake() also ends a WFE, for boards whose loop
 * waits with WFE or runs on another core. */

void hf_port_wake(void) {
    P.wake = 1u;
    __asm__ volatile("dsb\n\tsev" ::: "memory");
}

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    uint32_t s = hf_cm_irq_save();
    while (P.wake == 0u && !(has_deadline && hf_ticks_reached(hf_port_now_us(), deadline))) {
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
    P.cycles_per_us = hf_cm_cpu_hz / 1000000u;
    P.reload = hf_cm_cpu_hz / 1000u - 1u;
    P.ticks = 0;
    SYST_RVR = P.reload;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
}

void hf_board_label(hf_pin_t pin, const char *label) {
    (void)pin;
    (void)label;
}

void hf_board_show(const char *fmt, ...) {
    (void)fmt;
}
