/* Private interfaces between the core's modules. */
#ifndef HANDOFF_INTERNAL_H
#define HANDOFF_INTERNAL_H

#include <stdint.h>

/* Empty the deferred-call queue and zero its failure count (hf_loop_init). */
void hf__defer_reset(void);

/* Run the deferred calls published so far, in FIFO order. @return how many ran. Loop only. */
uint32_t hf__defer_run(void);

#endif
