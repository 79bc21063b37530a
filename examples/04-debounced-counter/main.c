/* 04-debounced-counter: the interrupt stores a timestamp; the loop debounces and counts.
 *
 *   if time.ticks_diff(now, last_press_time) > debounce_ms:
 *       last_press_time = now
 *       press_count += 1
 *       led.toggle()
 *       print("Press count:", press_count)
 *
 * The ISR pushes each edge, with the time it happened, into an edge queue; the debouncer runs
 * on the loop. Besides the lesson's rule (more than 200 ms since the last counted press) it
 * requires the button to have been released for 20 ms first, so the bounce of a release after a
 * long hold is never counted as a press. Times are the edges' own, not the moment the loop got
 * round to them. */
#include "handoff/handoff.h"

#define BUTTON 14

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static unsigned press_count;

static void on_button(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)b;
    (void)ctx;
    if (ev->type == HF_BTN_PRESS) {
        press_count++;
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
        hf_print("Press count: %u", press_count);
    }
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_button_init(&button, BUTTON, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON), hf_now_us());
    hf_gpio_irq(BUTTON, HF_EDGE_BOTH, hf_evq_isr, &edges);
    if (!hf_input_start(&input, &edges, buttons, 1, on_button, NULL)) {
        return 1; /* a task slot short: raise HF_CFG_MAX_TASKS */
    }
    hf_print("Press the button");
    hf_loop_run();
    return 0;
}
