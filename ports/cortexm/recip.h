/* Division by a constant as a multiply and a shift, exact over a known range (recip.c). */
#ifndef HF_CM_RECIP_H
#define HF_CM_RECIP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint32_t mul; /* 0: no exact multiplier, divide */
    uint8_t shift;
} hf_cm_recip_t;

/* Find m and k such that (x * m) >> k == x / d for every x in 0..xmax, with x * m < 2^32.
 * @return false (and mul 0) when there is none (d 0, or d and xmax too large). Not for
 * interrupt handlers: 64-bit arithmetic, meant for start-up. */
bool hf_cm_recip_pick(uint32_t d, uint32_t xmax, hf_cm_recip_t *r);

/* x / d by r where it is exact, else by division. x must be at most the xmax r was picked for.
 * @isr_ok */
static inline uint32_t hf_cm_recip_div(uint32_t x, uint32_t d, const hf_cm_recip_t *r) {
    return r->mul != 0u ? (x * r->mul) >> r->shift : x / d;
}

/* x / d: by r on cores without a divide instruction, by that instruction on the others. @isr_ok */
static inline uint32_t hf_cm_div(uint32_t x, uint32_t d, const hf_cm_recip_t *r) {
#if defined(__ARM_FEATURE_IDIV)
    (void)r;
    return x / d;
#else
    return hf_cm_recip_div(x, d, r);
#endif
}

#endif
