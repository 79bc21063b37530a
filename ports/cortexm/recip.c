/* Division by a constant as a multiply and a shift (T. Granlund, P. L. Montgomery, "Division by
 * Invariant Integers using Multiplication", PLDI 1994): floor(x / d) == (x * m) >> k for every
 * x in 0..xmax when m = ceil(2^k / d), e = m * d - 2^k satisfies xmax * e < 2^k, and x * m fits
 * in 32 bits. Cores without a divide instruction (ARMv6-M) then convert timer counts without
 * calling the C library's division. */
#include "recip.h"

bool hf_cm_recip_pick(uint32_t d, uint32_t xmax, hf_cm_recip_t *r) {
    r->mul = 0u;
    r->shift = 0u;
    if (d == 0u) {
        return false;
    }
    for (uint32_t k = 31u; k > 0u; k--) {
        uint64_t m = ((1ull << k) + d - 1u) / d;
        uint64_t e = m * d - (1ull << k);
        if ((uint64_t)xmax * m < (1ull << 32) && (uint64_t)xmax * e < (1ull << k)) {
            r->mul = (uint32_t)m;
            r->shift = (uint8_t)k;
            return true;
        }
    }
    return false;
}
