/* Button interrupt basics (the lesson's step 2): a button interrupt sets a flag; a task toggles
 * the LED. The main.c of the Pico project template (ports/pico-sdk/template: copy the folder to
 * start your own), and examples/03-irq-toggle, which runs it on the host board.
 *
 *   def button_isr(pin):
 *       global button_pressed
 *       button_pressed = True
 *   button.irq(trigger=Pin.IRQ_FALLING, handler=button_isr)
 *
 * The ISR only sets the flag. The lesson's main loop polls it every 20 ms; here a task awaits
 * it, so the loop sleeps until the interrupt and answers at once. Like the lesson's program it
 * does not debounce: a bouncing button may toggle more than once (examples/04 fixes that).
 * Wiring: a push button from GP14 to GND (the internal pull-up holds it high). */
#include "handoff/handoff.h"

#define BUTTON 14

static hf_flag_t button_pressed = HF_FLAG_INIT;
static hf_task_t toggle_task;

/* Interrupt context: set the flag, nothing else. */
static void button_isr(void *arg, hf_pin_t pin, uint8_t level, hf_ticks_us_t t_us) {
    (void)arg;
    (void)pin;
    (void)level;
    (void)t_us;
    hf_flag_set(&button_pressed);
}

static int toggle(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_FLAG(&button_pressed);
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
        hf_print("Button pressed: LED toggled");
    }
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_gpio_irq(BUTTON, HF_EDGE_FALL, button_isr, NULL);
    hf_print("Press the button to toggle the LED");
    if (!hf_task_start(&toggle_task, toggle, "toggle")) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_loop_run();
    return 0;
}
