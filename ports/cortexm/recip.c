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
    /* 32-bit arithmetic only: a 64-bit division would pull the C library's into every image */
    for (uint32_t k = 31u; k > 0u; k--) {
        uint32_t p = 1u << k;
        uint32_t m = (p - 1u) / d + 1u; /* ceil(2^k / d) */
        uint32_t e = m * d - p;         /* m * d <= 2^k + d - 1 < 2^32 for d < 2^31 */
        bool fits = xmax == 0u || m <= UINT32_MAX / xmax;           /* xmax * m < 2^32 */
        bool exact = e == 0u || xmax == 0u || xmax <= (p - 1u) / e; /* xmax * e < 2^k */
        if (d < (1u << 31) && fits && exact) {
            r->mul = m;
            r->shift = (uint8_t)k;
            return true;
        }
    }
    return false;
}
