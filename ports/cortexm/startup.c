/* Start-up for any Cortex-M: the vector table, the reset handler (copy .data, zero .bss, run
 * main()), one dispatcher for the external interrupts, and fault handlers that report where the
 * fault happened and stop the program with a non-zero status, so a fault fails a test at once. */
#include <stdint.h>
#include <string.h>

#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "handoff/port.h"

/* External interrupts in the table: as many as the NVIC registers used here address. */
#define HF_CM_NUM_IRQ 32
#define X4(v)         v, v, v, v
#define X32(v)        X4(v), X4(v), X4(v), X4(v), X4(v), X4(v), X4(v), X4(v)

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
int main(int argc, char **argv);

void hf_cm_reset(void);
void hf_cm_fault_entry(void);
static void irq_dispatch(void);
static void unexpected(void);
/* SysTick's handler comes with systick.c; a board with another time source leaves it out. */
void hf_cm_systick_isr(void) __attribute__((weak, alias("unexpected")));

static hf_cm_isr_t irq_table[HF_CM_NUM_IRQ];

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) static const vector_t vectors[16 + HF_CM_NUM_IRQ] = {
    [0] = (vector_t)(uintptr_t)__stack_top,
    [1] = hf_cm_reset,
    [2] = unexpected,        /* NMI */
    [3] = hf_cm_fault_entry, /* HardFault */
    [4] = hf_cm_fault_entry, /* MemManage */
    [5] = hf_cm_fault_entry, /* BusFault */
    [6] = hf_cm_fault_entry, /* UsageFault */
    [7] = hf_cm_fault_entry, /* SecureFault (ARMv8-M) */
    [11] = unexpected,       /* SVCall */
    [12] = unexpected,       /* DebugMonitor */
    [14] = unexpected,       /* PendSV */
    [15] = hf_cm_systick_isr,
    [16] = X32(irq_dispatch),
};

void hf_cm_reset(void) {
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    static char name[] = "handoff";
    static char *argv[] = {name, NULL};
    hf_cm_board_exit(main(1, argv));
}

/* ---- external interrupts -------------------------------------------------------------------- */

static uint32_t ipsr(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

static void irq_dispatch(void) {
    uint32_t n = ipsr() - 16u;
    if (n < HF_CM_NUM_IRQ && irq_table[n] != NULL) {
        irq_table[n]();
    } else {
        unexpected();
    }
}

void hf_cm_irq_attach(unsigned irq, hf_cm_isr_t fn, uint8_t prio) {
    if (irq >= HF_CM_NUM_IRQ) {
        return;
    }
    irq_table[irq] = fn;
    uint32_t shift = 8u * (irq % 4u);
    NVIC_IPR(irq) = (NVIC_IPR(irq) & ~(0xFFu << shift)) | ((uint32_t)prio << shift);
    NVIC_ICPR = 1u << irq;
    NVIC_ISER = 1u << irq;
}

void hf_cm_irq_detach(unsigned irq) {
    if (irq < HF_CM_NUM_IRQ) {
        NVIC_ICER = 1u << irq;
        __asm__ volatile("dsb\n\tisb" ::: "memory");
        irq_table[irq] = NULL;
    }
}

/* ---- faults --------------------------------------------------------------------------------- */

static void put(const char *s) {
    hf_cm_board_write(s, strlen(s));
}

static void put_hex(uint32_t v) {
    char buf[11] = "0x";
    for (int i = 0; i < 8; i++) {
        buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    }
    buf[10] = '\0';
    put(buf);
}

/* Called with the stack the exception frame was pushed on: r0 r1 r2 r3 r12 lr pc xpsr. */
__attribute__((used)) static void fault_report(const uint32_t *frame) {
    static const char *const names[] = {"?",         "?",        "NMI",        "HardFault",
                                        "MemManage", "BusFault", "UsageFault", "SecureFault"};
    uint32_t n = ipsr() & 0x1FFu;
    put("fault: ");
    put(n < 8u ? names[n] : "exception");
    put(" at pc=");
    put_hex(frame[6]);
    put(" lr=");
    put_hex(frame[5]);
    put("\n");
    hf_cm_board_exit(3);
}

/* Pick the stack the frame is on (bit 2 of EXC_RETURN), then report. Written for ARMv6-M too. */
__attribute__((naked)) void hf_cm_fault_entry(void) {
    __asm__ volatile("movs r0, #4\n\t"
                     "mov r1, lr\n\t"
                     "tst r0, r1\n\t"
                     "bne 1f\n\t"
                     "mrs r0, msp\n\t"
                     "b 2f\n"
                     "1:\n\t"
                     "mrs r0, psp\n"
                     "2:\n\t"
                     "ldr r1, =fault_report\n\t"
                     "bx r1\n\t"
                     ".ltorg");
}

bool hf_port_in_isr(void) {
    return (ipsr() & 0x1FFu) != 0u;
}

/* A failed precondition (HF_REQUIRE): "FILE:LINE: precondition failed", then stop (status 3, as a
 * fault does). */
void hf_port_fault(const char *file, int line) {
    char num[12];
    int i = (int)sizeof num;
    uint32_t v = line > 0 ? (uint32_t)line : 0u;
    num[--i] = '\0';
    do {
        num[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u && i > 0);
    put(file);
    put(":");
    put(num + i);
    put(": precondition failed\n");
    hf_cm_board_exit(3);
}

static void unexpected(void) {
    put("fault: unexpected exception ");
    put_hex(ipsr() & 0x1FFu);
    put("\n");
    hf_cm_board_exit(3);
}
