/* 05-async-button: one task blinks the LED, one answers the button, main reports.
 *
 *   async def blink_task():                async def button_task():
 *       while True:                            while True:
 *           led.toggle()                           if button_event:
 *           await asyncio.sleep_ms(500)                button_event = False
 *                                                      print("Button pressed!")
 *                                                      led.on()
 *                                                      await asyncio.sleep_ms(100)
 *                                                  await asyncio.sleep_ms(10)
 *
 * The button task awaits the flag instead of checking it every 10 ms, so it answers the moment
 * the interrupt fires and the loop sleeps in between. A flag coalesces: the bounces of one
 * press that arrive while the task shows it (the 100 ms) are discarded with the flag. */
#include "handoff/handoff.h"

#define BUTTON 14

static hf_flag_t button_event = HF_FLAG_INIT;
static hf_task_t blink_task, button_task, main_task;

static void button_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg;
    (void)pin;
    (void)level;
    (void)t_us;
    hf_flag_set(&button_event);
}

static int blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
        HF_AWAIT_MS(500);
    }
    HF_TASK_END();
}

static int button(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&button_event);
        hf_print("Button pressed!");
        hf_gpio_write(HF_PIN_LED, 1);
        HF_AWAIT_MS(100);
        hf_flag_clear(&button_event); /* bounces of the press just shown */
    }
    HF_TASK_END();
}

static int main_loop(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    if (!hf_task_start(&blink_task, blink, "blink")) {
        hf_log("blink: not started (no task slot free)");
    }
    if (!hf_task_start(&button_task, button, "button")) {
        hf_log("button: not started (no task slot free)");
    }
    for (;;) {
        HF_AWAIT_MS(1000);
        hf_print("Running async event loop...");
    }
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_gpio_irq(BUTTON, HF_EDGE_FALL, button_isr, NULL);
    if (!hf_task_start(&main_task, main_loop, "main")) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
