/* 06-async-alert: an interrupt-triggered async alert over an idle blink.
 *
 *   async def idle_blink():                 async def alert_flash():
 *       while True:                             for _ in range(3):
 *           led.toggle()                            led.on();  await asyncio.sleep_ms(100)
 *           await asyncio.sleep_ms(700)             led.off(); await asyncio.sleep_ms(100)
 *
 * In the lesson the idle blink keeps toggling during the alert and the two fight over the LED.
 * Here the watcher cancels the idle blink (its FINALLY turns the LED off), plays the alert, and
 * restarts the blink afterwards: LED off, next toggle 700 ms later. Presses are debounced
 * (04's rules); presses during an alert set the flag again, so they coalesce into one more
 * alert right after the current one, as with the lesson's flag. */
#include "handoff/handoff.h"

#define BUTTON 14

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static hf_flag_t button_event = HF_FLAG_INIT;
static hf_output_t alert;
static hf_task_t idle_task, watcher_task;
static int idle_start_level;

/* Three 100 ms flashes, 600 ms. The press must show at once and each flash stand apart: from an
 * LED that is off the alert starts on; from one that is on (the idle blink's on-time) it starts
 * off, in the opposite phase, else its first flash would only prolong that on-time. */
static const uint16_t flash[] = {100, 100};               /* on 100, off 100; three times */
static const uint16_t flash_from_on[] = {0, 100, 100, 0}; /* off 100, on 100; three times */

static int idle_blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_gpio_write(HF_PIN_LED, idle_start_level);
    for (;;) {
        HF_AWAIT_MS(700);
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
    }
    HF_FINALLY;
    hf_gpio_write(HF_PIN_LED, 0);
    HF_TASK_END();
}

static int event_watcher(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&button_event);
        hf_print("Event detected: starting alert");
        bool was_on = hf_gpio_read(HF_PIN_LED) != 0;
        hf_task_cancel(&idle_task);
        hf_output_play(&alert, was_on ? flash_from_on : flash, was_on ? 4 : 2, 3);
        HF_AWAIT_TASK(&alert.task);
        idle_start_level = 0;
        if (!hf_task_start(&idle_task, idle_blink, "idle_blink")) {
            hf_log("idle_blink: not started (no task slot free)");
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
    hf_output_init(&alert, HF_PIN_LED, HF_PIN_NONE);
    hf_print("Interrupt + async demo ready");
    idle_start_level = 1;
    if (!hf_task_start(&idle_task, idle_blink, "idle_blink") ||
        !hf_task_start(&watcher_task, event_watcher, "event_watcher") ||
        !hf_input_start(&input, &edges, buttons, 1, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
