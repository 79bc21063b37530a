/* The bare-metal RP2040 board (the original Raspberry Pi Pico) for the Cortex-M port: clocks
 * from the 12 MHz crystal (clk_sys 125 MHz from PLL_SYS, clk_peri = clk_sys, a 1 MHz tick for
 * the TIMER), UART0 on GP0/GP1 at 115200 baud for the printed lines, and the entry point a RAM
 * image needs: the bootrom starts a RAM UF2 at its lowest address, so the image begins with a
 * few instructions that point VTOR at the vector table, load the stack pointer and jump to the
 * reset handler. No SDK, no flash: the image runs from SRAM. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "rp2040.h"

const uint32_t hf_cm_cpu_hz = 125000000u;

extern uint32_t __vectors[];

__attribute__((naked, section(".entry"), used)) static void entry(void) {
    __asm__ volatile("ldr r0, =__vectors\n\t"
                     "ldr r1, =0xE000ED08\n\t" /* VTOR */
                     "str r0, [r1]\n\t"
                     "ldr r1, [r0]\n\t"
                     "msr msp, r1\n\t"
                     "ldr r1, [r0, #4]\n\t"
                     "bx r1\n\t"
                     ".ltorg");
}

static void unreset(uint32_t bits) {
    RP_CLR(RESETS_RESET) = bits;
    while ((RP_REG(RESETS_DONE) & bits) != bits) {
    }
}

static void clocks_init(void) {
    RP_REG(CLK_SYS_RESUS_CTRL) = 0;
    /* Crystal: 1-15 MHz range; start-up delay of about 1 ms in units of 256 cycles. */
    RP_REG(XOSC_CTRL) = 0xAA0u;
    RP_REG(XOSC_STARTUP) = 47u;
    RP_SET(XOSC_CTRL) = 0xFABu << 12; /* ENABLE */
    while ((RP_REG(XOSC_STATUS) & (1u << 31)) == 0u) {
    }
    /* clk_ref from the crystal, clk_sys from clk_ref while the PLL starts. */
    RP_REG(CLK_REF_CTRL) = 2u;
    while ((RP_REG(CLK_REF_SELECTED) & (1u << 2)) == 0u) {
    }
    RP_CLR(CLK_SYS_CTRL) = 1u;
    while ((RP_REG(CLK_SYS_SELECTED) & 1u) == 0u) {
    }
    /* PLL_SYS: 12 MHz * 125 = 1500 MHz VCO, / 6 / 2 = 125 MHz. */
    RP_SET(RESETS_RESET) = RESET_PLL_SYS;
    unreset(RESET_PLL_SYS);
    RP_REG(PLL_CS) = 1u; /* REFDIV */
    RP_REG(PLL_FBDIV_INT) = 125u;
    RP_CLR(PLL_PWR) = (1u << 0) | (1u << 5); /* power up the PLL and its VCO */
    while ((RP_REG(PLL_CS) & (1u << 31)) == 0u) {
    }
    RP_REG(PLL_PRIM) = (6u << 16) | (2u << 12);
    RP_CLR(PLL_PWR) = 1u << 3; /* post dividers */
    /* clk_sys from the PLL (aux source 0 of the glitchless mux's aux input). */
    RP_REG(CLK_SYS_CTRL) = 0u << 5;
    RP_SET(CLK_SYS_CTRL) = 1u;
    while ((RP_REG(CLK_SYS_SELECTED) & (1u << 1)) == 0u) {
    }
    RP_REG(CLK_PERI_CTRL) = 1u << 11;        /* enabled, from clk_sys */
    RP_REG(WATCHDOG_TICK) = (1u << 9) | 12u; /* 1 us ticks from the 12 MHz clk_ref */
}

static void uart_init(void) {
    /* 125 MHz / (16 * 115200) = 67.817: integer 67, fraction 52/64. */
    RP_REG(UART_IBRD) = 67u;
    RP_REG(UART_FBRD) = 52u;
    RP_REG(UART_LCR_H) = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on */
    RP_REG(UART_CR) = (1u << 0) | (1u << 8) | (1u << 9);
    RP_REG(IO_GPIO_CTRL(0)) = FUNC_UART;
    RP_REG(IO_GPIO_CTRL(1)) = FUNC_UART;
}

void hf_cm_board_setup(void) {
    clocks_init();
    unreset(RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_TIMER | RESET_UART0);
    uart_init();
}

static void put(char c) {
    while ((RP_REG(UART_FR) & UART_FR_TXFF) != 0u) {
    }
    RP_REG(UART_DR) = (uint8_t)c;
}

void hf_cm_board_write(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            put('\r');
        }
        put(s[i]);
    }
}

_Noreturn void hf_cm_board_exit(int status) {
    char line[] = "exit 0\n";
    line[5] = (char)('0' + (status & 7));
    hf_cm_board_write(line, sizeof line - 1u);
    for (;;) {
        __asm__ volatile("wfi");
    }
}
