/* A fault must stop a test at once with a report, never hang it: this program executes an
 * undefined instruction; tests/target/expect_fault.cmake checks that the fault handler reported
 * a HardFault at the address of trigger() and that the emulator exited with status 3. */
#include "th.h"

__attribute__((noinline)) static void trigger(void) {
    __asm__ volatile("udf #0");
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_print("trigger at %#lx", (unsigned long)((uintptr_t)trigger & ~(uintptr_t)1u));
    trigger();
    hf_print("still running after the fault");
    return 0;
}
