/* Interrupt-to-task cost on the RP2040 itself, for bench/onchip.py: the lesson's button. The
 * loop sleeps in WFI with one task awaiting a flag (or, with BENCH_EVQ, an edge queue) and
 * BENCH_OTHERS tasks each awaiting a flag of its own that is never set; a falling edge on
 * BENCH_PIN (the button, pulled up) raises IO_IRQ_BANK0, whose handler (ports/rp2040/gpio.c)
 * calls on_edge() (or hf_evq_isr()) with the edge; the task resumes and calls bench_resumed().
 * tests/e2e/irqcount.mjs runs the image in the rp2040js emulator, pulls the pin low once the
 * program has printed "ready GP14" and sleeps, and counts every instruction from the first of the
 * interrupt handler to the first of bench_resumed(). */
#include "bench_onchip.h"

#define BENCH_PIN 14u

static hf_task_t waiter;
#if BENCH_EVQ
HF_EVQ_DEFINE(edges, 8);
#else
static hf_flag_t pressed = HF_FLAG_INIT;

/* The lesson's handler: a press sets the flag. */
static void on_edge(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg;
    (void)pin;
    (void)level;
    (void)t_us;
    hf_flag_set(&pressed);
}
#endif

static int waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_print("ready GP%u", BENCH_PIN); /* the pin to press */
#if BENCH_EVQ
    HF_AWAIT_EVQ(&edges);
#else
    HF_AWAIT_FLAG(&pressed);
#endif
    bench_resumed();
    hf_print("resumed");
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    if (!hf_gpio_input(BENCH_PIN, HF_PULL_UP)) {
        hf_print("GP%u: no such input", BENCH_PIN);
        return 2;
    }
#if BENCH_EVQ
    bool irq = hf_gpio_irq(BENCH_PIN, HF_EDGE_FALL, hf_evq_isr, &edges);
#else
    bool irq = hf_gpio_irq(BENCH_PIN, HF_EDGE_FALL, on_edge, NULL);
#endif
    if (!irq) {
        hf_print("GP%u: no edge interrupt", BENCH_PIN);
        return 2;
    }
    return bench_run(&waiter, waiter_fn);
}
