/* 02-polling: the lesson's counter-example, kept to show what interrupts fix.
 *
 *   while True:
 *       if button.value() == 0:
 *           print("Pressed")
 *
 * The lesson's loop spins flat out and prints for as long as the button is held. This one
 * checks every 10 ms and prints once per change from released to pressed, which is the best a
 * polling loop can do, and still shows the three drawbacks the lesson lists: the CPU wakes 100
 * times a second for nothing, a press shorter than the period can be missed entirely, and a
 * bouncing contact that happens to be sampled high-low-high prints twice. */
#include "handoff/handoff.h"

#define BUTTON  14
#define POLL_MS 10

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    int last = hf_gpio_read(BUTTON);
    for (;;) {
        int level = hf_gpio_read(BUTTON);
        if (level == 0 && last == 1) {
            hf_print("Pressed");
        }
        last = level;
        hf_port_delay_us(POLL_MS * 1000u); /* time.sleep_ms(10): a busy wait, the CPU can't rest */
    }
}
