/* coexist: handoff shares the GPIO interrupt with the SDK's own users (pico-sdk port).
 *
 *   GP2   falls counted by the SDK's GPIO callback (gpio_set_irq_enabled_with_callback())
 *   GP3   falls counted by another raw handler (gpio_add_raw_irq_handler())
 *   GP14  a button counted by handoff (hf_gpio_irq(), debounced on the loop)
 *   LED   toggled by a handoff task every 500 ms: the loop is alive
 *
 * Every second the program prints what each one counted and how many times the IO_BANK0
 * interrupt was entered (a shared handler of its own that only counts). When handoff claims only
 * its own pins, every fall on GP2 and GP3 reaches its handler once and the interrupt count stays
 * at the number of edges; when it claims more, one fall on GP2 is never acknowledged and the
 * interrupt is entered again and again (an interrupt storm): the counts stop and the loop with
 * them. Each pin idles high (a button to GND with the pull-up). */
#include "handoff/handoff.h"
#include "hardware/gpio.h"
#include "hardware/irq.h"

#define SDK_PIN 2
#define RAW_PIN 3
#define BUTTON  14

HF_EVQ_DEFINE(edges, 32);
static hf_button_t button;
static hf_button_t *const buttons[] = {&button};
static hf_input_t input;
static hf_task_t blink_task, report_task;

static volatile uint32_t sdk_falls, raw_falls, bank0_entries;
static unsigned presses;

static void sdk_callback(uint gpio, uint32_t events) {
    if (gpio == SDK_PIN && (events & GPIO_IRQ_EDGE_FALL) != 0u) {
        sdk_falls++;
    }
}

static void raw_handler(void) {
    if ((gpio_get_irq_event_mask(RAW_PIN) & GPIO_IRQ_EDGE_FALL) != 0u) {
        gpio_acknowledge_irq(RAW_PIN, GPIO_IRQ_EDGE_FALL);
        raw_falls++;
    }
}

static void count_entry(void) {
    bank0_entries++;
}

static int blink(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        hf_gpio_write(HF_PIN_LED, !hf_gpio_read(HF_PIN_LED));
        HF_AWAIT_MS(500);
    }
    HF_TASK_END();
}

static int report(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    for (;;) {
        HF_AWAIT_MS(1000);
        hf_print("GP2 SDK callback: %lu, GP3 raw handler: %lu, GP14 handoff: %u, "
                 "IO_BANK0 interrupts: %lu",
                 (unsigned long)sdk_falls, (unsigned long)raw_falls, presses,
                 (unsigned long)bank0_entries);
    }
    HF_TASK_END();
}

static void on_button(hf_button_t *b, const hf_btn_ev_t *ev, void *ctx) {
    (void)b;
    (void)ctx;
    if (ev->type == HF_BTN_PRESS) {
        presses++;
    }
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    /* The SDK's users first, as a program that adds handoff to an existing one would. */
    irq_add_shared_handler(IO_IRQ_BANK0, count_entry,
                           PICO_SHARED_IRQ_HANDLER_HIGHEST_ORDER_PRIORITY);
    gpio_init(SDK_PIN);
    gpio_pull_up(SDK_PIN);
    gpio_set_irq_enabled_with_callback(SDK_PIN, GPIO_IRQ_EDGE_FALL, true, sdk_callback);
    gpio_init(RAW_PIN);
    gpio_pull_up(RAW_PIN);
    gpio_add_raw_irq_handler(RAW_PIN, raw_handler);
    gpio_set_irq_enabled(RAW_PIN, GPIO_IRQ_EDGE_FALL, true);

    hf_gpio_output(HF_PIN_LED, 0);
    hf_gpio_input(BUTTON, HF_PULL_UP);
    hf_button_init(&button, BUTTON, HF_ACTIVE_LOW, NULL, hf_gpio_read(BUTTON), hf_now_us());
    hf_gpio_irq(BUTTON, HF_EDGE_BOTH, hf_evq_isr, &edges);
    hf_print("Coexist ready");
    hf_task_start(&blink_task, blink, "blink");
    hf_task_start(&report_task, report, "report");
    hf_input_start(&input, &edges, buttons, 1, on_button, NULL);
    hf_loop_run();
    return 0;
}
