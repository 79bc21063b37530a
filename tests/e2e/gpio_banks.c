/* The RP2040 board's edge interrupt over all four IO_BANK0 registers (ports/rp2040/gpio.c):
 * one pin with both edges in each register (GP3, GP12, GP22, GP27), every edge into one edge
 * queue, and a task that prints each as "GPn L" (L the level). tests/e2e/gpio_banks.py drives
 * the pins in the rp2040js emulator (one at a time, several at one instant, two edges of one
 * pin at one instant) and checks every line, in order. */
#include "handoff/handoff.h"

static const hf_pin_t pins[] = {3, 12, 22, 27};
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
        if (!hf_gpio_input(pins[i], HF_PULL_UP) ||
            !hf_gpio_irq(pins[i], HF_EDGE_BOTH, hf_evq_isr, &edges)) {
            hf_print("GP%u: no edge interrupt", (unsigned)pins[i]);
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
