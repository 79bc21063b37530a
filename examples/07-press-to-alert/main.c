/* 07-press-to-alert: the lesson's practical exercise with all its optional challenges.
 *
 *   - a button interrupt records each press (GP14, to GND, pull-up)
 *   - the async loop flashes the LED three times for each valid press and counts presses
 *   - bounce is ignored; the system stays responsive
 *   - a buzzer on GP16 sounds with the alert flashes; a long press (1 s) mutes or unmutes it
 *   - a second button on GP15 resets the counter
 *   - with --notify-url (or a Pico W built with WIFI_SSID), each press, reset and long press is
 *     also POSTed as JSON (notify.h); boards without a network leave it out (HF_CFG_NOTIFY);
 *     the network never holds up the LED, and a full outbox counts what it could not keep
 *
 * The interrupt handler only pushes timestamped edges into a queue. On the loop: the input task
 * debounces both buttons; presses queue alerts (up to 8 waiting); the alert task plays them back
 * to back while the idle blink is paused; a watchdog task reports lost edges. */
#include "handoff/handoff.h"

#define BUTTON_A    14
#define BUTTON_B    15
#define BUZZER      16
#define IDLE_MS     700
#define MAX_PENDING 8

/* 128 edges (1 KiB): room for the worst bounce burst measured on a 125 MHz RP2040, where a
 * switch giving 1000 edges in 5 ms is drained with no edge lost (tests/e2e; 64 lost 5). */
HF_EVQ_DEFINE(edges, 128);
static hf_button_t button_a, button_b;
static hf_button_t *const buttons[] = {&button_a, &button_b};
static hf_input_t input;
static hf_output_t alert;
static hf_task_t idle_task, alert_task, drop_task;

static unsigned press_count;
static unsigned pending; /* alerts waiting to start */
static bool muted;
static int idle_start_level = 1;

#if HF_CFG_NOTIFY
static hf_notify_t notify; /* posts nothing unless started (--notify-url) */

static void post(hf_notify_kind_t kind) {
    hf_notify_post(&notify, kind, press_count, hf_now_ms());
}
#else
#define post(kind) ((void)0)
#endif

/* Three 100 ms flashes, 600 ms. The press must show at once and each flash stand apart: from an
 * LED that is off the alert starts on; from one that is on (the idle blink's on-time) it starts
 * off, in the opposite phase, else its first flash would only prolong that on-time. */
static const uint16_t flash[] = {100, 100};               /* on 100, off 100; three times */
static const uint16_t flash_from_on[] = {0, 100, 100, 0}; /* off 100, on 100; three times */

/* The host simulator's screen shows this; boards without a display ignore it. */
static void show_state(void) {
    hf_board_show("Presses: %u   Buzzer: %s   Alerts waiting: %u", press_count,
                  muted ? "muted" : "on", pending);
}

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

static void start_alert(void) {
    bool was_on = hf_gpio_read(HF_PIN_LED) != 0;
    hf_task_cancel(&idle_task); /* its FINALLY turns the LED off */
    hf_output_play(&alert, was_on ? flash_from_on : flash, was_on ? 4 : 2, 3);
}

/* Chains the alerts that were waiting, back to back, then resumes the idle blink. */
static int alerts(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_UNTIL(hf_output_busy(&alert));
        do {
            HF_AWAIT_TASK(&alert.task);
            if (pending > 0) {
                pending--;
                start_alert();
                show_state();
            }
        } while (hf_output_busy(&alert));
        idle_start_level = 0; /* LED off, next toggle IDLE_MS later */
        if (!hf_task_start(&idle_task, idle_blink, "idle_blink")) {
            hf_log("idle_blink: not started (no task slot free)");
        }
    }
    HF_TASK_END();
}

/* One report per overflow episode: wait for the first drop, let the queue drain, then report
 * everything dropped in the episode. */
static int drop_watch(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_UNTIL(hf_evq_dropped_pending(&edges));
        HF_AWAIT_UNTIL(hf_evq_empty(&edges));
        hf_print("Dropped edges: %lu", (unsigned long)hf_evq_take_dropped(&edges));
    }
    HF_TASK_END();
}

static void on_button(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)ctx;
    if (b == &button_b) {
        if (ev->type == HF_BTN_PRESS) {
            press_count = 0;
            hf_print("Counter reset");
            post(HF_NOTIFY_RESET);
            show_state();
        }
        return;
    }
    switch (ev->type) {
    case HF_BTN_PRESS:
        press_count++;
        hf_print("Press count: %u", press_count);
        post(HF_NOTIFY_PRESS);
        if (!hf_output_busy(&alert)) {
            start_alert(); /* at the press itself */
        } else if (pending < MAX_PENDING) {
            pending++;
        }
        break;
    case HF_BTN_LONG_PRESS:
        hf_print("Long press");
        post(HF_NOTIFY_LONG_PRESS);
        muted = !muted;
        hf_output_set_follower(&alert, muted ? HF_PIN_NONE : BUZZER);
        hf_print(muted ? "Buzzer muted" : "Buzzer unmuted");
        break;
    default:
        break;
    }
    show_state();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_output(BUZZER, 0);
    hf_gpio_input(BUTTON_A, HF_PULL_UP);
    hf_gpio_input(BUTTON_B, HF_PULL_UP);
    hf_button_init(&button_a, BUTTON_A, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON_A), hf_now_us());
    hf_button_init(&button_b, BUTTON_B, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON_B), hf_now_us());
    hf_gpio_irq(BUTTON_A, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_gpio_irq(BUTTON_B, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_output_init(&alert, HF_PIN_LED, BUZZER);
    hf_board_label(BUTTON_A, "button A");
    hf_board_label(BUTTON_B, "reset");
    hf_board_label(BUZZER, "buzzer");
    show_state();
    hf_print("Press-to-alert ready");
    if (!hf_task_start(&idle_task, idle_blink, "idle_blink") ||
        !hf_task_start(&alert_task, alerts, "alerts") ||
        !hf_task_start(&drop_task, drop_watch, "drop_watch") ||
        !hf_input_start(&input, &edges, buttons, 2, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
#if HF_CFG_NOTIFY
    hf_notify_cfg_t target;
    if (hf_board_notify(&target) && !hf_notify_start(&notify, &target, hf_now_ms())) {
        hf_log("Notify: cannot start (device name or URL too long)");
    }
#endif
    hf_loop_run();
    return 0;
}
