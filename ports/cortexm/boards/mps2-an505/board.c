/* QEMU mps2-an505: Cortex-M33 at 20 MHz, output and exit by semihosting, and the SSE-200's
 * CMSDK timer 0 as the test interrupt source. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "handoff/qemu_board.h"

const uint32_t hf_cm_cpu_hz = 20000000u;

/* CMSDK APB timer 0, secure alias; interrupt 3. Counts the main clock down from RELOAD and
 * interrupts when it reaches zero. */
#define TIMER0_BASE     0x50000000u
#define TIMER0_CTRL     HF_CM_REG(TIMER0_BASE + 0x00u)
#define TIMER0_VALUE    HF_CM_REG(TIMER0_BASE + 0x04u)
#define TIMER0_RELOAD   HF_CM_REG(TIMER0_BASE + 0x08u)
#define TIMER0_INTCLEAR HF_CM_REG(TIMER0_BASE + 0x0Cu)
#define TIMER0_IRQ      3u

static hf_cm_isr_t test_fn;

void hf_cm_board_setup(void) {}

static void timer0_isr(void) {
    TIMER0_INTCLEAR = 1u;
    test_fn();
}

/* Main-clock cycles in @p ns (20 MHz: 50 ns each), at least 1. */
static uint32_t cycles(uint32_t ns) {
    uint32_t c = ns / (1000000000u / hf_cm_cpu_hz);
    return c > 0u ? c : 1u;
}

void hf_qemu_test_timer_next(uint32_t ns) {
    TIMER0_RELOAD = cycles(ns);
    TIMER0_VALUE = cycles(ns);
    TIMER0_INTCLEAR = 1u;
    NVIC_ICPR = 1u << TIMER0_IRQ;
}

void hf_qemu_test_timer(uint32_t period_ns, hf_cm_isr_t fn) {
    TIMER0_CTRL = 0;
    hf_cm_irq_detach(TIMER0_IRQ);
    TIMER0_INTCLEAR = 1u;
    if (period_ns == 0u || fn == NULL) {
        return;
    }
    test_fn = fn;
    hf_qemu_test_timer_next(period_ns);
    hf_cm_irq_attach(TIMER0_IRQ, timer0_isr, 0);
    TIMER0_CTRL = (1u << 0) | (1u << 3); /* enable, interrupt enable */
}
