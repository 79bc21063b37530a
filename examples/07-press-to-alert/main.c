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
 * debounces both buttons; each press adds three flashes to the alert (output.h's flash train);
 * a task resumes the idle blink when the alert is over; a watchdog task reports lost edges.
 *
 * Every press shows at once, and as three distinct flashes (hf_flash_cfg_t states the rule):
 *   - at the press the LED changes level, or it changed less than 50 ms before (a change then
 *     would make a flash too short to see, or merge two); the buzzer too, when not muted;
 *   - each press adds three flashes of 100 ms on, each framed by at least 50 ms off (100 ms
 *     unless a press cut the off time short); a flash cut short by a press lasted at least 50 ms
 *     and counts; an idle on-time shorter than 200 ms is taken as the first flash;
 *   - at most 24 flashes are owed (eight presses' worth): a press beyond that is counted and
 *     still changes the LED, but adds fewer flashes.
 * The LED and the buzzer each follow the rule on their own: when a press finds the LED lit, the
 * LED goes off and the buzzer sounds at once, in opposite phase for that alert. */
#include "handoff/handoff.h"

#define BUTTON_A 14
#define BUTTON_B 15
#define BUZZER   16
#define IDLE_MS  700

/* 128 edges (1 KiB): room for the worst bounce burst measured on a 125 MHz RP2040, where a
 * switch giving 1000 edges in 5 ms is drained with no edge lost (tests/e2e; 64 lost 5). */
HF_EVQ_DEFINE(edges, 128);
static hf_button_t button_a, button_b;
static hf_button_t *const buttons[] = {&button_a, &button_b};
static hf_input_t input;
static hf_output_t led, buzzer;
static hf_task_t idle_task, drop_task;

static unsigned press_count;
static bool muted;

#if HF_CFG_NOTIFY
static hf_notify_t notify; /* posts nothing unless started (--notify-url) */

static void post(hf_notify_kind_t kind) {
    hf_notify_post(&notify, kind, press_count, hf_now_ms());
}
#else
#define post(kind) ((void)0)
#endif

/* Three flashes a press: 100 ms on, 100 ms off; no on or off time under 50 ms; 24 owed at most. */
static const hf_flash_cfg_t alert = {100, 100, 50, 24};
/* The idle blink: toggles every IDLE_MS, from on (at start) or from off (after an alert). */
static const uint16_t blink_from_on[] = {IDLE_MS, IDLE_MS};
static const uint16_t blink_from_off[] = {0, IDLE_MS, IDLE_MS, 0};

/* The host simulator's screen shows this; boards without a display ignore it. */
static void show_state(void) {
    hf_board_show("Presses: %u   Buzzer: %s   Flashes owed: %u", press_count,
                  muted ? "muted" : "on", (unsigned)hf_output_owed(&led));
}

/* The idle blink plays on the LED while no alert does; the alert takes the LED over at a press,
 * and when it is over the blink resumes: LED off, next toggle IDLE_MS later. */
static int idle_blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_UNTIL(hf_output_flashing(&led));
        HF_AWAIT_UNTIL(!hf_output_flashing(&led));
        show_state();
        if (!hf_output_play(&led, blink_from_off, 4, 0)) {
            hf_log("idle_blink: not resumed (no task slot free)");
        }
    }
    HF_TASK_END();
}

static void add_flashes(void) {
    if (hf_output_flash(&led, &alert, 3) == 0u) {
        hf_log("alert: no flash added (24 owed, or no task slot free)");
    }
    if (!muted) {
        (void)hf_output_flash(&buzzer, &alert, 3); /* follows the LED's count */
    }
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
        add_flashes(); /* at the press itself */
        break;
    case HF_BTN_LONG_PRESS:
        hf_print("Long press");
        post(HF_NOTIFY_LONG_PRESS);
        muted = !muted;
        if (muted) {
            hf_output_finish(&buzzer); /* silent now, or when a beep younger than 50 ms ends */
        }
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
    hf_output_init(&led, HF_PIN_LED, HF_PIN_NONE);
    hf_output_init(&buzzer, BUZZER, HF_PIN_NONE);
    hf_board_label(BUTTON_A, "button A");
    hf_board_label(BUTTON_B, "reset");
    hf_board_label(BUZZER, "buzzer");
    show_state();
    hf_print("Press-to-alert ready");
    if (!hf_output_play(&led, blink_from_on, 2, 0) ||
        !hf_task_start(&idle_task, idle_blink, "idle_blink") ||
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
