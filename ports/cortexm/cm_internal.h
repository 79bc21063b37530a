/* Registers of the Cortex-M core (System Control Space) and interrupt masking, for the port. */
#ifndef HANDOFF_CM_INTERNAL_H
#define HANDOFF_CM_INTERNAL_H

#include <stdint.h>

#define HF_CM_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define SYST_CSR    HF_CM_REG(0xE000E010u)                   /* SysTick control and status */
#define SYST_RVR    HF_CM_REG(0xE000E014u)                   /* reload value */
#define SYST_CVR    HF_CM_REG(0xE000E018u)                   /* current value (counts down) */
#define SCB_ICSR    HF_CM_REG(0xE000ED04u)                   /* interrupt control and state */
#define NVIC_ISER   HF_CM_REG(0xE000E100u)                   /* set-enable, IRQ 0..31 */
#define NVIC_ICER   HF_CM_REG(0xE000E180u)                   /* clear-enable, IRQ 0..31 */
#define NVIC_ISPR   HF_CM_REG(0xE000E200u)                   /* set-pending, IRQ 0..31 */
#define NVIC_ICPR   HF_CM_REG(0xE000E280u)                   /* clear-pending, IRQ 0..31 */
#define NVIC_IPR(n) HF_CM_REG(0xE000E400u + 4u * ((n) / 4u)) /* priorities, 4 per word */

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1: the core clock */
#define SCB_ICSR_PENDSTSET (1u << 26)

/* PRIMASK: the one interrupt mask every Cortex-M has. */
static inline uint32_t hf_cm_irq_save(void) {
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void hf_cm_irq_restore(uint32_t primask) {
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* Vector table entries the port defines (startup.c). */
void hf_cm_systick_isr(void);

#endif
