/* 10-notify: the lesson's stretch goal, "send an HTTP request when the button is pressed".
 *
 *   - the LED blinks every 500 ms: the device is alive, and the network never holds it up
 *   - a button on GP14 (to GND, pull-up): the interrupt only queues the timestamped edge; the
 *     loop debounces it and, for each press, prints "Button pressed: N" and queues a
 *     notification: an HTTP POST with a JSON body, sent by the notify task in the background
 *   - a failed request is retried with backoff; while the server is away presses keep being
 *     counted, up to HF_CFG_NOTIFY_OUTBOX (32) waiting, and the rest are reported as missed
 *
 * On the host board: notify --notify-url http://127.0.0.1:8080/events [--device NAME]. On a
 * Pico 2 W the board joins Wi-Fi and provides the same target from its configuration. */
#include "handoff/handoff.h"

#define BUTTON   14
#define BLINK_MS 500

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static hf_task_t blink_task;
static hf_notify_t notify;
static unsigned presses;

static void show_state(void) {
    hf_board_show("Presses: %u   Notify: %lu sent, %lu waiting", presses,
                  (unsigned long)hf_notify_delivered(&notify),
                  (unsigned long)hf_notify_pending(&notify));
}

static int blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
        show_state();
        HF_AWAIT_MS(BLINK_MS);
    }
    HF_TASK_END();
}

static void on_button(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)b;
    (void)ctx;
    if (ev->type == HF_BTN_PRESS) {
        presses++;
        hf_print("Button pressed: %u", presses);
        hf_notify_post(&notify, HF_NOTIFY_PRESS, presses, hf_now_ms());
        show_state();
    }
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_button_init(&button, BUTTON, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON), hf_now_us());
    hf_gpio_irq(BUTTON, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_board_label(BUTTON, "button");
    hf_notify_cfg_t target;
    if (!hf_board_notify(&target)) {
        hf_print("Notify off: no target (host: --notify-url URL; Pico W: WIFI_SSID, NOTIFY_URL)");
    } else if (!hf_notify_start(&notify, &target, hf_now_ms())) {
        hf_log("Notify: cannot start (device name or URL too long)");
    } else {
        hf_print("Notify on: %s %s%s as %s", target.protocol == HF_NOTIFY_MQTT ? "MQTT" : "POST",
                 target.host, target.path, target.device);
    }
    if (!hf_task_start(&blink_task, blink, "blink") ||
        !hf_input_start(&input, &edges, buttons, 1, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
