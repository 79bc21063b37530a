/* Pins held in RAM, for boards without GPIO (the QEMU test boards): outputs remember their
 * level, inputs change through hf_cm_pin_drive(), which runs the pin's interrupt handler as the
 * hardware would. A board with real GPIO links its own pins instead of this file. */
#include "cm_internal.h"
#include "handoff/cortexm.h"
#include "handoff/port.h"

enum { MODE_NONE = 0, MODE_IN, MODE_OUT };

typedef struct {
    uint8_t mode;
    uint8_t level;
    uint8_t edges;
    hf_irq_fn_t fn;
    void *arg;
} pin_t;

static pin_t pins[HF_PIN_GPIO_MAX + 2u]; /* GP0..GP29, LED */

static pin_t *pin_at(hf_pin_t pin) {
    if (pin == HF_PIN_LED) {
        return &pins[HF_PIN_GPIO_MAX + 1u];
    }
    return pin <= HF_PIN_GPIO_MAX ? &pins[pin] : NULL;
}

bool hf_gpio_input(hf_pin_t pin, hf_pull_t pull) {
    pin_t *p = pin_at(pin);
    if (p == NULL || pin == HF_PIN_LED) {
        return false;
    }
    uint32_t s = hf_cm_irq_save();
    p->mode = MODE_IN;
    p->level = pull == HF_PULL_UP ? 1u : 0u;
    hf_cm_irq_restore(s);
    return true;
}

bool hf_gpio_output(hf_pin_t pin, int level) {
    pin_t *p = pin_at(pin);
    if (p == NULL) {
        return false;
    }
    uint32_t s = hf_cm_irq_save();
    p->mode = MODE_OUT;
    p->level = level != 0;
    p->fn = NULL;
    hf_cm_irq_restore(s);
    return true;
}

void hf_gpio_write(hf_pin_t pin, int level) {
    pin_t *p = pin_at(pin);
    if (p != NULL && p->mode == MODE_OUT) {
        p->level = level != 0;
    }
}

int hf_gpio_read(hf_pin_t pin) {
    const pin_t *p = pin_at(pin);
    return p != NULL ? p->level : 0;
}

bool hf_gpio_irq(hf_pin_t pin, unsigned edges, hf_irq_fn_t fn, void *arg) {
    pin_t *p = pin_at(pin);
    if (p == NULL || pin == HF_PIN_LED) {
        return false;
    }
    uint32_t s = hf_cm_irq_save();
    p->edges = (uint8_t)(edges & HF_EDGE_BOTH);
    p->arg = arg;
    p->fn = fn;
    hf_cm_irq_restore(s);
    return true;
}

void hf_cm_pin_drive(hf_pin_t pin, int level) {
    pin_t *p = pin_at(pin);
    if (p == NULL || p->mode != MODE_IN) {
        return;
    }
    uint8_t lv = level != 0;
    if (lv == p->level) {
        return;
    }
    p->level = lv;
    if (p->fn != NULL && (p->edges & (lv ? HF_EDGE_RISE : HF_EDGE_FALL)) != 0u) {
        p->fn(p->arg, pin, lv, hf_port_now_us());
    }
}
