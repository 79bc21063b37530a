/* RP2040 registers used by the bare-metal port (RP2040 datasheet, chapter 2 and 4). */
#ifndef HANDOFF_RP2040_H
#define HANDOFF_RP2040_H

#include <stdint.h>

#define RP_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
/* Every APB/AHB register has atomic aliases: +0x2000 sets bits, +0x3000 clears bits. */
#define RP_SET(addr) RP_REG((addr) + 0x2000u)
#define RP_CLR(addr) RP_REG((addr) + 0x3000u)

#define RESETS_BASE      0x4000C000u
#define RESETS_RESET     (RESETS_BASE + 0x0u)
#define RESETS_DONE      (RESETS_BASE + 0x8u)
#define RESET_IO_BANK0   (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PLL_SYS    (1u << 12)
#define RESET_TIMER      (1u << 21)
#define RESET_UART0      (1u << 22)

#define CLOCKS_BASE        0x40008000u
#define CLK_REF_CTRL       (CLOCKS_BASE + 0x30u)
#define CLK_REF_SELECTED   (CLOCKS_BASE + 0x38u)
#define CLK_SYS_CTRL       (CLOCKS_BASE + 0x3Cu)
#define CLK_SYS_SELECTED   (CLOCKS_BASE + 0x44u)
#define CLK_PERI_CTRL      (CLOCKS_BASE + 0x48u)
#define CLK_SYS_RESUS_CTRL (CLOCKS_BASE + 0x78u)

#define XOSC_BASE    0x40024000u
#define XOSC_CTRL    (XOSC_BASE + 0x00u)
#define XOSC_STATUS  (XOSC_BASE + 0x04u)
#define XOSC_STARTUP (XOSC_BASE + 0x0Cu)

#define PLL_SYS_BASE  0x40028000u
#define PLL_CS        (PLL_SYS_BASE + 0x0u)
#define PLL_PWR       (PLL_SYS_BASE + 0x4u)
#define PLL_FBDIV_INT (PLL_SYS_BASE + 0x8u)
#define PLL_PRIM      (PLL_SYS_BASE + 0xCu)

#define WATCHDOG_TICK 0x4005802Cu

#define IO_BANK0_BASE    0x40014000u
#define IO_GPIO_CTRL(n)  (IO_BANK0_BASE + 8u * (n) + 4u)
#define IO_INTR(r)       (IO_BANK0_BASE + 0x0F0u + 4u * (r))
#define IO_PROC0_INTE(r) (IO_BANK0_BASE + 0x100u + 4u * (r))
#define IO_PROC0_INTS(r) (IO_BANK0_BASE + 0x120u + 4u * (r))
#define IO_IRQ_BANK0     13u

#define PADS_BANK0_BASE 0x4001C000u
#define PADS_GPIO(n)    (PADS_BANK0_BASE + 4u + 4u * (n))
#define PAD_IE          (1u << 6)
#define PAD_PUE         (1u << 3)
#define PAD_PDE         (1u << 2)
#define PAD_SCHMITT     (1u << 1)

#define SIO_BASE         0xD0000000u
#define SIO_GPIO_IN      (SIO_BASE + 0x04u)
#define SIO_GPIO_OUT     (SIO_BASE + 0x10u)
#define SIO_GPIO_OUT_SET (SIO_BASE + 0x14u)
#define SIO_GPIO_OUT_CLR (SIO_BASE + 0x18u)
#define SIO_GPIO_OE      (SIO_BASE + 0x20u)
#define SIO_GPIO_OE_SET  (SIO_BASE + 0x24u)
#define SIO_GPIO_OE_CLR  (SIO_BASE + 0x28u)

#define TIMER_BASE     0x40054000u
#define TIMER_ALARM0   (TIMER_BASE + 0x10u)
#define TIMER_TIMERAWL (TIMER_BASE + 0x28u)
#define TIMER_INTR     (TIMER_BASE + 0x34u)
#define TIMER_INTE     (TIMER_BASE + 0x38u)
#define TIMER_IRQ_0    0u

#define UART0_BASE   0x40034000u
#define UART_DR      (UART0_BASE + 0x00u)
#define UART_FR      (UART0_BASE + 0x18u)
#define UART_IBRD    (UART0_BASE + 0x24u)
#define UART_FBRD    (UART0_BASE + 0x28u)
#define UART_LCR_H   (UART0_BASE + 0x2Cu)
#define UART_CR      (UART0_BASE + 0x30u)
#define UART_FR_TXFF (1u << 5)
#define UART_FR_BUSY (1u << 3)

#define FUNC_UART 2u
#define FUNC_SIO  5u

/* The original Pico: LED on GP25. */
#define RP_LED_GPIO 25u

#endif
