/* GPIO for the bare-metal RP2040: SIO for levels, PADS_BANK0 for pulls, IO_BANK0 for edge
 * interrupts (IO_IRQ_BANK0, shared by all pins). The hardware latches one bit per edge type
 * until it is acknowledged, so edges between two services of the interrupt merge. The service
 * reads the latched edges, acknowledges exactly those, and only then reads the levels: an edge
 * after the acknowledge is latched for the next service, and an edge before it is in the level
 * read after it, so the last level given to the handler is always the line's, and no edge can
 * be acknowledged without being reflected (the pico-sdk port does the same; port.h, "Pins").
 * For each pin, with E the latched edges and L the level read after the acknowledge:
 *   - a fall and a rise: two calls, !L then L (the line moved at least twice; L came last);
 *   - one edge whose level is L: one call, L;
 *   - one edge whose level is not L: the line moved again after the edges were read: two
 *     calls, the edge's level then L. That later edge may also still be latched: the next
 *     service then repeats L, which port.h defines as two edges merged by the hardware.
 * A call that repeats the level of the call before it is how merged edges reach the loop: the
 * debouncer sees a glitch rather than none. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "handoff/port.h"
#include "rp2040.h"

#define SETTLE_MAX_US 1000u /* hf_gpio_input(): the longest wait for a pull to charge the line */
#define EDGE_LOW      (1u << 2)
#define EDGE_HIGH     (1u << 3)

static struct {
    hf_irq_fn_t fn[HF_PIN_GPIO_MAX + 1u];
    void *arg[HF_PIN_GPIO_MAX + 1u];
    uint32_t banks; /* bit r: register r of IO_BANK0 has had a pin with a handler (never cleared:
                     * a register whose pins are all gone again costs one read) */
} G;

static uint32_t gpio_of(hf_pin_t pin) {
    return pin == HF_PIN_LED ? RP_LED_GPIO : pin;
}

static bool valid(hf_pin_t pin) {
    return pin == HF_PIN_LED || pin <= HF_PIN_GPIO_MAX;
}

bool hf_gpio_input(hf_pin_t pin, hf_pull_t pull) {
    if (pin > HF_PIN_GPIO_MAX) {
        return false;
    }
    uint32_t pad = PAD_IE | PAD_SCHMITT | (1u << 4); /* input, Schmitt trigger, 4 mA */
    if (pull == HF_PULL_UP) {
        pad |= PAD_PUE;
    } else if (pull == HF_PULL_DOWN) {
        pad |= PAD_PDE;
    }
    RP_REG(SIO_GPIO_OE_CLR) = 1u << pin;
    RP_REG(PADS_GPIO(pin)) = pad;
    RP_REG(IO_GPIO_CTRL(pin)) = FUNC_SIO;
    /* Settled: past the two-flop input synchroniser, and with a pull, at the pulled level or
     * SETTLE_MAX_US later (a line held at the other level). The 50-80 kOhm pulls (RP2040
     * datasheet) need some microseconds for the pin's and the wiring's capacitance. */
    hf_ticks_us_t start = hf_port_now_us();
    while (hf_port_now_us() - start < 1u) {
    }
    if (pull != HF_PULL_NONE) {
        uint32_t want = pull == HF_PULL_UP ? 1u : 0u;
        while (((RP_REG(SIO_GPIO_IN) >> pin) & 1u) != want &&
               hf_port_now_us() - start < SETTLE_MAX_US) {
        }
    }
    return true;
}

bool hf_gpio_output(hf_pin_t pin, int level) {
    if (!valid(pin)) {
        return false;
    }
    uint32_t g = gpio_of(pin);
    RP_REG(level ? SIO_GPIO_OUT_SET : SIO_GPIO_OUT_CLR) = 1u << g;
    RP_REG(PADS_GPIO(g)) = PAD_IE | (1u << 4);
    RP_REG(IO_GPIO_CTRL(g)) = FUNC_SIO;
    RP_REG(SIO_GPIO_OE_SET) = 1u << g;
    return true;
}

void hf_gpio_write(hf_pin_t pin, int level) {
    if (valid(pin)) {
        RP_REG(level ? SIO_GPIO_OUT_SET : SIO_GPIO_OUT_CLR) = 1u << gpio_of(pin);
    }
}

int hf_gpio_read(hf_pin_t pin) {
    if (!valid(pin)) {
        return 0;
    }
    uint32_t g = gpio_of(pin);
    /* An output reads back the level it drives (port.h), whatever the pad's input says. */
    uint32_t reg = ((RP_REG(SIO_GPIO_OE) >> g) & 1u) != 0u ? SIO_GPIO_OUT : SIO_GPIO_IN;
    return (int)((RP_REG(reg) >> g) & 1u);
}

/* The index of the lowest set bit of x, which is not 0. The Cortex-M0+ has no count-trailing-
 * zeros instruction: the lowest bit alone, times a de Bruijn sequence, has a distinct top five
 * bits for each index (C. E. Leiserson, H. Prokop, K. H. Randall, "Using de Bruijn Sequences to
 * Index a 1 in a Computer Word", 1998). A multiply, a shift, a load from a 32-byte table and
 * the isolation of the bit: seven instructions with the two constants' loads. */
static uint32_t lowest_bit(uint32_t x) {
    static const uint8_t index[32] = {0,  1,  28, 2,  29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4,  8,
                                      31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6,  11, 5,  10, 9};
    return index[((x & (0u - x)) * 0x077CB531u) >> 27];
}

/* IO_IRQ_BANK0: every pin with a latched edge, lowest first. The tick is read once, first, so a
 * later interrupt never carries an earlier time; the latched edges of every register with a
 * handled pin are read and acknowledged, then the levels are read once (see the top of this
 * file for why in that order). Four status bits per pin, eight pins per register; only the
 * registers with a handled pin are read, and only the pins with a latched edge visited, each
 * found by its lowest bit: a bouncing switch makes this the hottest code of an application. */
static void bank0_isr(void) {
    hf_ticks_us_t now = hf_port_now_us();
    uint32_t banks = G.banks;
    uint32_t latched[4];
    for (uint32_t rest = banks; rest != 0u; rest &= rest - 1u) {
        uint32_t r = lowest_bit(rest);
        /* the edge bits of its 8 pins; INTS is INTR masked by INTE, which is set for handled
         * pins only (GP0 to GP29): the reserved bits of pins 30 and 31 never show */
        uint32_t ints = RP_REG(IO_PROC0_INTS(r)) & 0xCCCCCCCCu;
        if (ints != 0u) {
            RP_REG(IO_INTR(r)) = ints; /* acknowledge exactly what was read */
        }
        latched[r] = ints;
    }
    uint32_t levels = RP_REG(SIO_GPIO_IN);
    for (uint32_t rest = banks; rest != 0u; rest &= rest - 1u) {
        uint32_t r = lowest_bit(rest);
        for (uint32_t ints = latched[r]; ints != 0u;) {
            uint32_t at = lowest_bit(ints) & ~3u; /* the first of the pin's four bits */
            uint32_t pin = r * 8u + at / 4u;
            uint32_t edges = (ints >> at) & (EDGE_LOW | EDGE_HIGH);
            ints &= ~(0xFu << at);
            hf_irq_fn_t fn = G.fn[pin];
            if (fn != NULL) {
                uint8_t level = (uint8_t)((levels >> pin) & 1u);
                uint8_t first = edges == (EDGE_LOW | EDGE_HIGH) ? (uint8_t)!level
                                : edges == EDGE_HIGH            ? 1u
                                                                : 0u;
                if (first != level) {
                    fn(G.arg[pin], (hf_pin_t)pin, first, now);
                }
                fn(G.arg[pin], (hf_pin_t)pin, level, now);
            }
        }
    }
}

bool hf_gpio_irq(hf_pin_t pin, unsigned edges, hf_irq_fn_t fn, void *arg) {
    if (pin > HF_PIN_GPIO_MAX) {
        return false;
    }
    uint32_t r = pin / 8u, shift = 4u * (pin % 8u);
    uint32_t mask =
        ((edges & HF_EDGE_FALL) ? EDGE_LOW : 0u) | ((edges & HF_EDGE_RISE) ? EDGE_HIGH : 0u);
    uint32_t s = hf_cm_irq_save();
    RP_CLR(IO_PROC0_INTE(r)) = 0xFu << shift;
    RP_REG(IO_INTR(r)) = (EDGE_LOW | EDGE_HIGH) << shift; /* forget edges from before */
    G.fn[pin] = fn;
    G.arg[pin] = arg;
    if (fn != NULL && mask != 0u) {
        RP_SET(IO_PROC0_INTE(r)) = mask << shift;
        G.banks |= 1u << r;
    }
    hf_cm_irq_restore(s);
    hf_cm_irq_attach(IO_IRQ_BANK0, bank0_isr, 0x40);
    return true;
}
