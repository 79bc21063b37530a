/* The RP2040's TIMER as the time source: a 64-bit microsecond counter (its low word is the tick)
 * and ALARM0 for a tickless sleep. An alarm matches the low word exactly, so an alarm set for a
 * time that has just passed would only fire after the next wrap: after arming, the deadline is
 * checked again, and if it has come the interrupt is made pending by hand, so WFI returns. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "rp2040.h"

static void alarm_isr(void) {
    RP_REG(TIMER_INTR) = 1u; /* the wake-up itself is all it is for */
}

void hf_cm_time_init(void) {
    RP_REG(TIMER_INTE) = 1u;
    hf_cm_irq_attach(TIMER_IRQ_0, alarm_isr, 0);
}

hf_ticks_us_t hf_port_now_us(void) {
    return RP_REG(TIMER_TIMERAWL);
}

void hf_cm_time_alarm(hf_ticks_us_t deadline) {
    RP_REG(TIMER_ALARM0) = deadline;
    if (hf_ticks_reached(hf_port_now_us(), deadline)) {
        NVIC_ISPR = 1u << TIMER_IRQ_0;
    }
}
