/* 09-motion-sensor: the lesson's suggested extension, a PIR motion sensor instead of a button.
 *
 * The sensor's digital output on GP14 is active high (no pull resistor: the sensor drives the
 * line). A rising edge prints "Motion detected" and runs the three-flash alert. Re-triggers
 * within the hold-off (HOLDOFF_MS, 2000 ms unless built with -DHOLDOFF_MS=...) are counted and
 * reported but do not restart it. When the line has fallen and the hold-off has passed, it
 * prints "Motion cleared". See README.md for reed, hall-effect and rain sensors.
 *
 * Every detection shows at once, as three distinct flashes (hf_flash_cfg_t states the rule): the
 * LED changes level at the detection, or it changed less than 50 ms before; the three flashes
 * are added to an alert still running, and stay distinct (no on or off time under 50 ms). With the
 * default hold-off a detection never finds an alert running: the next detection comes after
 * "Motion cleared", at least HOLDOFF_MS after the last one, and three flashes take 600 ms. A
 * hold-off shorter than that (a reed switch) does: tests/scenario builds this example with
 * HOLDOFF_MS 300 too, and checks the rule there at every millisecond of an alert. */
#include "handoff/handoff.h"

#define SENSOR 14
#ifndef HOLDOFF_MS
#define HOLDOFF_MS 2000u
#endif

HF_EVQ_DEFINE(edges, 32);
static hf_button_t sensor;
static hf_button_t *const sensors[] = {&sensor};
static hf_input_t input;
static hf_output_t led;
static hf_task_t clear_task;

static bool detected; /* between "Motion detected" and "Motion cleared" */
static hf_ticks_us_t holdoff_end;
static unsigned retriggers;

/* Three flashes a detection: 100 ms on, 100 ms off; no on or off time under 50 ms; 24 owed at
 * most. */
static const hf_flash_cfg_t alert = {100, 100, 50, 24};

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
    if (hf_output_flash(&led, &alert, 3) == 0u) {
        hf_log("alert: no flash added (24 owed, or no task slot free)");
    }
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
    hf_output_init(&led, HF_PIN_LED, HF_PIN_NONE);
    hf_board_label(SENSOR, "PIR sensor");
    hf_print("Motion sensor ready");
    if (!hf_input_start(&input, &edges, sensors, 1, on_sensor, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
