/* 08-alert-cancel: the lesson's home practice.
 *
 *   - the first button press starts a 5-second blinking alert
 *   - a second button press during the alert cancels it
 *   - the LED indicates the current state
 *
 * Idle, the LED blinks slowly (toggles every 700 ms). A valid press starts the 5 s alert: 25
 * flashes of 100 ms, 100 ms apart, on the LED and on the buzzer (GP16), each an output of its own
 * (output.h's flash train). A valid press during the alert cancels the alert task with
 * hf_task_cancel(): its FINALLY section silences the buzzer and resumes the idle blink,
 * whether the alert ended or was cancelled.
 *
 * Every press shows at once (hf_flash_cfg_t states the rule):
 *   - the starting press: the LED changes level at the press, or it changed less than 50 ms
 *     before; so does the buzzer; the 25 flashes stay distinct (no on or off time under 50 ms;
 *     an idle on-time shorter than 200 ms is the first flash, a longer one is cut at the press
 *     and the flashes follow 100 ms later, while the buzzer sounds at once);
 *   - the cancelling press: the buzzer is silent from the press on (or from the end of a beep
 *     that began less than 50 ms before: no beep is cut under 50 ms), and the LED changes level at
 *     the press (the idle blink resumes the other way), unless it changed less than 50 ms before
 *     (then it keeps that level: a second change so soon would not be seen). */
#include "handoff/handoff.h"

#define BUTTON  14
#define BUZZER  16
#define IDLE_MS 700

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static hf_output_t led, buzzer;
static hf_task_t alert_task;

/* 25 flashes of 100 ms, 100 ms apart: 5000 ms; no on or off time under 50 ms. */
static const hf_flash_cfg_t fast = {100, 100, 50, 25};
/* The idle blink: toggles every IDLE_MS, from on or from off. */
static const uint16_t blink_from_on[] = {IDLE_MS, IDLE_MS};
static const uint16_t blink_from_off[] = {0, IDLE_MS, IDLE_MS, 0};
static int idle_start_level = 1;

static void idle_blink(void) {
    bool on = idle_start_level != 0;
    if (!hf_output_play(&led, on ? blink_from_on : blink_from_off, on ? 2 : 4, 0)) {
        hf_log("idle_blink: not started (no task slot free)");
    }
}

static int alert5s(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_print("Alert started");
    HF_AWAIT_UNTIL(!hf_output_flashing(&led) && !hf_output_flashing(&buzzer));
    hf_print("Alert finished");
    idle_start_level = 0;      /* LED off, next toggle IDLE_MS later */
    HF_FINALLY;                /* on completion and on cancel (which chose idle_start_level) */
    hf_output_finish(&buzzer); /* silent now, or when a beep younger than 50 ms ends */
    idle_blink();              /* takes the LED over from the flashes, from idle_start_level */
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
        /* The cancel shows at once too: the idle blink resumes with the LED the other way,
         * unless the LED changed less than fast.min_ms before. */
        int level = hf_output_level(&led);
        idle_start_level = hf_output_changed_within(&led, fast.min_ms) ? level : !level;
        hf_task_cancel(&alert_task);
    } else if (hf_task_start(&alert_task, alert5s, "alert")) {
        (void)hf_output_flash(&led, &fast, 25); /* at the press itself */
        (void)hf_output_flash(&buzzer, &fast, 25);
    } else {
        hf_log("alert: not started (no task slot free)");
    }
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_output(BUZZER, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_button_init(&button, BUTTON, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON), hf_now_us());
    hf_gpio_irq(BUTTON, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_output_init(&led, HF_PIN_LED, HF_PIN_NONE);
    hf_output_init(&buzzer, BUZZER, HF_PIN_NONE);
    hf_board_label(BUTTON, "button");
    hf_board_label(BUZZER, "buzzer");
    hf_print("Alert-cancel ready");
    if (!hf_output_play(&led, blink_from_on, 2, 0) ||
        !hf_input_start(&input, &edges, buttons, 1, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
