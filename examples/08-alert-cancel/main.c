/* 08-alert-cancel: the lesson's home practice.
 *
 *   - the first button press starts a 5-second blinking alert
 *   - a second button press during the alert cancels it
 *   - the LED indicates the current state
 *
 * Idle, the LED blinks slowly (toggles every 700 ms). A valid press starts the alert task: the
 * LED toggles every 100 ms for 5 s and the buzzer on GP16 follows it. A valid press during the
 * alert cancels the task with hf_task_cancel(): its FINALLY section silences the LED and the
 * buzzer at once and resumes the idle blink, whether the alert ended or was cancelled. */
#include "handoff/handoff.h"

#define BUTTON  14
#define BUZZER  16
#define IDLE_MS 700

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static hf_output_t blinker;
static hf_task_t idle_task, alert_task;
static int idle_start_level = 1;

/* 25 flashes of 100 ms, 5000 ms. The press must show at once and each flash stand apart: from an
 * LED that is off the alert starts on; from one that is on (the idle blink's on-time) it starts
 * off, in the opposite phase, else its first flash would only prolong that on-time. */
static const uint16_t fast[] = {100, 100};               /* on 100, off 100; 25 times */
static const uint16_t fast_from_on[] = {0, 100, 100, 0}; /* off 100, on 100; 25 times */
static bool from_on; /* the LED was on when the alert was asked for */

static int idle_blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_gpio_write(HF_PIN_LED, idle_start_level);
    for (;;) {
        HF_AWAIT_MS(IDLE_MS);
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
    }
    HF_FINALLY;
    hf_gpio_write(HF_PIN_LED, 0);
    HF_TASK_END();
}

static int alert5s(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_print("Alert started");
    hf_output_play(&blinker, from_on ? fast_from_on : fast, from_on ? 4 : 2, 25);
    HF_AWAIT_TASK(&blinker.task);
    hf_print("Alert finished");
    idle_start_level = 0; /* LED off, next toggle IDLE_MS later */
    HF_FINALLY;           /* on completion and on cancel (which chose idle_start_level) */
    hf_output_cancel(&blinker);
    if (!hf_task_start(&idle_task, idle_blink, "idle_blink")) {
        hf_log("idle_blink: not started (no task slot free)");
    }
    HF_TASK_END();
}

static void on_button(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)b;
    (void)ctx;
    if (ev->type != HF_BTN_PRESS) {
        return;
    }
    if (!hf_task_done(&alert_task)) {
        hf_print("Alert cancelled");
        /* The cancel shows at once too: the idle blink resumes with the LED the other way. */
        idle_start_level = !hf_gpio_read(HF_PIN_LED);
        hf_task_cancel(&alert_task);
    } else {
        from_on = hf_gpio_read(HF_PIN_LED) != 0;
        hf_task_cancel(&idle_task);
        if (!hf_task_start(&alert_task, alert5s, "alert")) {
            hf_log("alert: not started (no task slot free)");
        }
    }
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_output(BUZZER, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_button_init(&button, BUTTON, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON), hf_now_us());
    hf_gpio_irq(BUTTON, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_output_init(&blinker, HF_PIN_LED, BUZZER);
    hf_board_label(BUTTON, "button");
    hf_board_label(BUZZER, "buzzer");
    hf_print("Alert-cancel ready");
    if (!hf_task_start(&idle_task, idle_blink, "idle_blink") ||
        !hf_input_start(&input, &edges, buttons, 1, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
