/* The RP2040 board's edge interrupt over all four IO_BANK0 registers (ports/rp2040/gpio.c):
 * pins with both edges in each register, two of them at the ends of register 3 (GP24, GP29) and
 * two in register 0 (GP4, GP7), and GP16 with its falling edge only; every edge into one edge
 * queue, and a task that prints each as "GPn L" (L the level). tests/e2e/gpio_banks.py drives
 * the pins in the rp2040js emulator and checks every line, in order. */
#include "handoff/handoff.h"

static const struct {
    hf_pin_t pin;
    unsigned edges;
} pins[] = {{4, HF_EDGE_BOTH},  {7, HF_EDGE_BOTH},  {12, HF_EDGE_BOTH}, {16, HF_EDGE_FALL},
            {22, HF_EDGE_BOTH}, {24, HF_EDGE_BOTH}, {27, HF_EDGE_BOTH}, {29, HF_EDGE_BOTH}};
HF_EVQ_DEFINE(edges, 32);
static hf_task_t printer;

static int printer_fn(hf_task_t *self) {
    static hf_edge_t e;
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_EVQ(&edges);
        while (hf_evq_pop(&edges, &e)) {
            hf_print("GP%u %u", (unsigned)e.pin, (unsigned)e.level);
        }
        if (hf_evq_take_dropped(&edges) != 0u) {
            hf_print("dropped");
        }
    }
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    for (unsigned i = 0; i < sizeof pins / sizeof pins[0]; i++) {
        if (!hf_gpio_input(pins[i].pin, HF_PULL_UP) ||
            !hf_gpio_irq(pins[i].pin, pins[i].edges, hf_evq_isr, &edges)) {
            hf_print("GP%u: no edge interrupt", (unsigned)pins[i].pin);
            return 2;
        }
    }
    if (!hf_task_start(&printer, printer_fn, "printer")) {
        return 2;
    }
    hf_print("ready");
    hf_loop_run();
    return 1;
}
