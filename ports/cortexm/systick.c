/* The generic time source: SysTick, which every Cortex-M has. It counts core cycles down from
 * `reload` and interrupts once per millisecond; its handler counts periods. The current tick is
 * periods * 1000 plus the microseconds elapsed in the current period. With interrupts masked the
 * handler cannot run, so a wrap of the counter since the last count shows only as the pending
 * bit: then one more period has passed, and the counter is read again in case it wrapped between
 * the two reads. This holds while interrupts are never masked for a whole millisecond. The
 * millisecond interrupt also ends every sleep, so no alarm is needed. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "recip.h"

static struct {
    volatile uint32_t ticks; /* SysTick periods (1 ms each) */
    uint32_t reload;         /* core cycles per period - 1 */
    uint32_t cycles_per_us;
    hf_cm_recip_t per_us; /* cycles to microseconds by a multiply, on cores without divide */
} T;

void hf_cm_time_init(void) {
    T.cycles_per_us = hf_cm_cpu_hz / 1000000u;
    T.reload = hf_cm_cpu_hz / 1000u - 1u;
    (void)hf_cm_recip_pick(T.cycles_per_us, T.reload, &T.per_us);
    T.ticks = 0;
    SYST_RVR = T.reload;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
}

void hf_cm_systick_isr(void) {
    T.ticks = T.ticks + 1u;
}

uint32_t hf_cm_ticks(void) {
    return T.ticks;
}

hf_ticks_us_t hf_port_now_us(void) {
    uint32_t s = hf_cm_irq_save();
    uint32_t t = T.ticks;
    uint32_t v = SYST_CVR;
    if ((SCB_ICSR & SCB_ICSR_PENDSTSET) != 0u) {
        t++;
        v = SYST_CVR;
    }
    hf_cm_irq_restore(s);
    return t * 1000u + hf_cm_div(T.reload - v, T.cycles_per_us, &T.per_us);
}

void hf_cm_time_alarm(hf_ticks_us_t deadline) {
    (void)deadline; /* the next millisecond interrupt comes soon enough */
}
