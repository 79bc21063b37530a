/* QEMU microbit: the nRF51822's Cortex-M0 at 16 MHz (images are built for the Cortex-M0+, the
 * same ARMv6-M instruction set), output and exit by semihosting, and TIMER1 as the test
 * interrupt source. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "handoff/qemu_board.h"

const uint32_t hf_cm_cpu_hz = 16000000u;

/* nRF51 TIMER1: 16 MHz (prescaler 0), 32-bit, cleared by its own compare 0; interrupt 9. */
#define TIMER1_BASE      0x40009000u
#define TIMER1_START     HF_CM_REG(TIMER1_BASE + 0x000u)
#define TIMER1_STOP      HF_CM_REG(TIMER1_BASE + 0x004u)
#define TIMER1_CLEAR     HF_CM_REG(TIMER1_BASE + 0x00Cu)
#define TIMER1_COMPARE0  HF_CM_REG(TIMER1_BASE + 0x140u)
#define TIMER1_SHORTS    HF_CM_REG(TIMER1_BASE + 0x200u)
#define TIMER1_INTENSET  HF_CM_REG(TIMER1_BASE + 0x304u)
#define TIMER1_INTENCLR  HF_CM_REG(TIMER1_BASE + 0x308u)
#define TIMER1_MODE      HF_CM_REG(TIMER1_BASE + 0x504u)
#define TIMER1_BITMODE   HF_CM_REG(TIMER1_BASE + 0x508u)
#define TIMER1_PRESCALER HF_CM_REG(TIMER1_BASE + 0x510u)
#define TIMER1_CC0       HF_CM_REG(TIMER1_BASE + 0x540u)
#define TIMER1_IRQ       9u

static hf_cm_isr_t test_fn;

void hf_cm_board_setup(void) {}

static void timer1_isr(void) {
    TIMER1_COMPARE0 = 0;
    test_fn();
}

/* Timer ticks (16 MHz: 62.5 ns each) in @p ns, at least 1. */
static uint32_t ticks(uint32_t ns) {
    uint32_t t = (uint32_t)(((uint64_t)ns * 16u) / 1000u);
    return t > 0u ? t : 1u;
}

void hf_qemu_test_timer_next(uint32_t ns) {
    TIMER1_STOP = 1u;
    TIMER1_CLEAR = 1u;
    TIMER1_CC0 = ticks(ns);
    TIMER1_COMPARE0 = 0;
    NVIC_ICPR = 1u << TIMER1_IRQ;
    TIMER1_START = 1u;
}

void hf_qemu_test_timer(uint32_t period_ns, hf_cm_isr_t fn) {
    TIMER1_STOP = 1u;
    TIMER1_INTENCLR = 1u << 16;
    hf_cm_irq_detach(TIMER1_IRQ);
    TIMER1_COMPARE0 = 0;
    if (period_ns == 0u || fn == NULL) {
        return;
    }
    test_fn = fn;
    TIMER1_MODE = 0;      /* timer */
    TIMER1_BITMODE = 3;   /* 32 bits */
    TIMER1_PRESCALER = 0; /* 16 MHz */
    TIMER1_CC0 = ticks(period_ns);
    TIMER1_SHORTS = 1u; /* COMPARE0 -> CLEAR */
    TIMER1_CLEAR = 1u;
    TIMER1_INTENSET = 1u << 16;
    hf_cm_irq_attach(TIMER1_IRQ, timer1_isr, 0);
    TIMER1_START = 1u;
}
