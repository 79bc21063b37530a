/* 01-blink: the lesson's connection test. The onboard LED toggles every 500 ms.
 *
 *   led = Pin("LED", Pin.OUT)
 *   while True:
 *       led.toggle()
 *       sleep(0.5)
 *
 * Here the loop is a task, so the program could do other things between toggles. */
#include "handoff/handoff.h"

static hf_task_t blink_task;

static int blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
        HF_AWAIT_MS(500);
    }
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    if (!hf_task_start(&blink_task, blink, "blink")) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
