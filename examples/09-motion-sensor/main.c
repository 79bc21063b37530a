/* 09-motion-sensor: the lesson's suggested extension, a PIR motion sensor instead of a button.
 *
 * The sensor's digital output on GP14 is active high (no pull resistor: the sensor drives the
 * line). A rising edge prints "Motion detected" and runs the three-flash alert. Re-triggers
 * within the hold-off (HOLDOFF_MS, 2000 ms unless built with -DHOLDOFF_MS=...) are counted and
 * reported but do not restart it. When the line has fallen and the hold-off has passed, it
 * prints "Motion cleared". See README.md for reed, hall-effect and rain sensors. */
#include "handoff/handoff.h"

#define SENSOR 14
#ifndef HOLDOFF_MS
#define HOLDOFF_MS 2000u
#endif

HF_EVQ_DEFINE(edges, 32);
static hf_button_t sensor;
static hf_button_t *const sensors[] = {&sensor};
static hf_input_t input;
static hf_output_t alert;
static hf_task_t clear_task;

static bool detected; /* between "Motion detected" and "Motion cleared" */
static hf_ticks_us_t holdoff_end;
static unsigned retriggers;

/* Three 100 ms flashes, 600 ms. The press must show at once and each flash stand apart: from an
 * LED that is off the alert starts on; from one that is on (the idle blink's on-time) it starts
 * off, in the opposite phase, else its first flash would only prolong that on-time. */
static const uint16_t flash[] = {100, 100};               /* on 100, off 100; three times */
static const uint16_t flash_from_on[] = {0, 100, 100, 0}; /* off 100, on 100; three times */

/* Prints "Motion cleared" once the line is low and the hold-off is over. */
static int clear_watch(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_TICK_US(holdoff_end);
    HF_AWAIT_UNTIL(!hf_button_is_pressed(&sensor));
    hf_print("Motion cleared");
    detected = false;
    HF_TASK_END();
}

static void on_sensor(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)b;
    (void)ctx;
    if (ev->type != HF_BTN_PRESS) {
        return;
    }
    if (detected) {
        retriggers++;
        hf_print("Motion again (%u re-triggers within the hold-off)", retriggers);
        return;
    }
    detected = true;
    retriggers = 0;
    holdoff_end = ev->t_us + HOLDOFF_MS * 1000u;
    hf_print("Motion detected");
    bool was_on = hf_gpio_read(HF_PIN_LED) != 0; /* a hold-off shorter than the alert */
    hf_output_play(&alert, was_on ? flash_from_on : flash, was_on ? 4 : 2, 3);
    if (!hf_task_start(&clear_task, clear_watch, "clear_watch")) {
        hf_log("clear_watch: not started (no task slot free)");
    }
}

int main(int argc, char **argv) {
    /* A clean sensor output: no debounce beyond 20 ms of settling, no long press. */
    static const hf_button_cfg_t cfg = {0u, 20u, 0u};
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(SENSOR, HF_PULL_NONE);
    hf_button_init(&sensor, SENSOR, HF_ACTIVE_HIGH, &cfg, hf_gpio_read(SENSOR), hf_now_us());
    hf_gpio_irq(SENSOR, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_output_init(&alert, HF_PIN_LED, HF_PIN_NONE);
    hf_board_label(SENSOR, "PIR sensor");
    hf_print("Motion sensor ready");
    if (!hf_input_start(&input, &edges, sensors, 1, on_sensor, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
