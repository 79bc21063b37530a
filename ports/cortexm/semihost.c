/* Arm semihosting, for the QEMU test boards: output to the host's stdout, and exit with a
 * status. A semihosting call is a BKPT 0xAB with the operation in r0 and its argument in r1. */
#include <stdint.h>

#include "handoff/cortexm.h"

enum {
    SYS_WRITE0 = 0x04,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static uintptr_t semihost(uintptr_t op, uintptr_t arg) {
    register uintptr_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* SYS_WRITE0 writes a NUL-terminated string; lines go out in chunks through a small buffer. */
void hf_cm_board_write(const char *s, size_t n) {
    char buf[65];
    while (n > 0) {
        size_t k = n < sizeof buf - 1u ? n : sizeof buf - 1u;
        for (size_t i = 0; i < k; i++) {
            buf[i] = s[i] != '\0' ? s[i] : ' ';
        }
        buf[k] = '\0';
        (void)semihost(SYS_WRITE0, (uintptr_t)buf);
        s += k;
        n -= k;
    }
}

_Noreturn void hf_cm_board_exit(int status) {
    /* SYS_EXIT_EXTENDED carries the status; QEMU exits with it. */
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    (void)semihost(SYS_EXIT_EXTENDED, (uintptr_t)block);
    (void)semihost(SYS_EXIT, ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
        __asm__ volatile("wfi");
    }
}
