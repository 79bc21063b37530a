/* 06-async-alert: an interrupt-triggered async alert over an idle blink.
 *
 *   async def idle_blink():                 async def alert_flash():
 *       while True:                             for _ in range(3):
 *           led.toggle()                            led.on();  await asyncio.sleep_ms(100)
 *           await asyncio.sleep_ms(700)             led.off(); await asyncio.sleep_ms(100)
 *
 * In the lesson the idle blink keeps toggling during the alert and the two fight over the LED,
 * and a press during an alert waits for it to end. Here the LED is an output (output.h): the idle
 * blink is a pattern it plays, and each press adds three flashes to its flash train, which takes
 * the LED over; when the train ends the watcher resumes the blink (LED off, next toggle 700 ms
 * later). Presses are debounced (04's rules). Every press shows at once, as three distinct
 * flashes (hf_flash_cfg_t states the rule):
 *   - at the press the LED changes level, or it changed less than 50 ms before (a change then
 *     would make a flash too short to see, or merge two);
 *   - each press adds three flashes of 100 ms on, each framed by at least 50 ms off (100 ms
 *     unless a press cut the off time short); a flash cut short by a press lasted at least 50 ms
 *     and counts; an idle on-time shorter than 200 ms is taken as the first flash, a longer one
 *     is cut at the press and the flashes follow 100 ms later;
 *   - at most 24 flashes are owed: a press beyond that still changes the LED but adds fewer. */
#include "handoff/handoff.h"

#define BUTTON 14

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static hf_flag_t button_event = HF_FLAG_INIT;
static hf_output_t led;
static hf_task_t watcher_task, resume_task;

/* Three flashes a press: 100 ms on, 100 ms off; no on or off time under 50 ms; 24 owed at most. */
static const hf_flash_cfg_t alert_flash = {100, 100, 50, 24};
/* The idle blink: toggles every 700 ms, from on (at start) or from off (after an alert). */
static const uint16_t blink_from_on[] = {700, 700};
static const uint16_t blink_from_off[] = {0, 700, 700, 0};

static int event_watcher(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&button_event);
        hf_print("Event detected: starting alert");
        if (hf_output_flash(&led, &alert_flash, 3) == 0u) {
            hf_log("alert: no flash added (24 owed, or no task slot free)");
        }
    }
    HF_TASK_END();
}

/* When an alert is over, the idle blink resumes. */
static int resume_blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_UNTIL(hf_output_flashing(&led));
        HF_AWAIT_UNTIL(!hf_output_flashing(&led));
        if (!hf_output_play(&led, blink_from_off, 4, 0)) {
            hf_log("idle_blink: not resumed (no task slot free)");
        }
    }
    HF_TASK_END();
}

static void on_button(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)b;
    (void)ctx;
    if (ev->type == HF_BTN_PRESS) {
        hf_flag_set(&button_event);
    }
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_button_init(&button, BUTTON, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON), hf_now_us());
    hf_gpio_irq(BUTTON, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_output_init(&led, HF_PIN_LED, HF_PIN_NONE);
    hf_print("Interrupt + async demo ready");
    if (!hf_output_play(&led, blink_from_on, 2, 0) ||
        !hf_task_start(&watcher_task, event_watcher, "event_watcher") ||
        !hf_task_start(&resume_task, resume_blink, "resume_blink") ||
        !hf_input_start(&input, &edges, buttons, 1, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
