/* Pin names: the simulator's vocabulary (scenario files, VCD, SVG, the screen). */
#include "handoff/sim.h"

#include <string.h>

hf_pin_t hf_pin_parse(const char *name) {
    if (strcmp(name, "LED") == 0) {
        return HF_PIN_LED;
    }
    if (name[0] != 'G' || name[1] != 'P' || name[2] < '0' || name[2] > '9') {
        return HF_PIN_NONE;
    }
    if (name[2] == '0' && name[3] != '\0') {
        return HF_PIN_NONE; /* no leading zeros: "GP014" */
    }
    unsigned v = 0;
    for (const char *p = name + 2; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > HF_PIN_GPIO_MAX) {
            return HF_PIN_NONE;
        }
        v = v * 10u + (unsigned)(*p - '0');
    }
    return v <= HF_PIN_GPIO_MAX ? (hf_pin_t)v : HF_PIN_NONE;
}

const char *hf_pin_name(hf_pin_t pin, char buf[8]) {
    if (pin == HF_PIN_LED) {
        memcpy(buf, "LED", 4);
    } else if (pin <= HF_PIN_GPIO_MAX) {
        buf[0] = 'G';
        buf[1] = 'P';
        if (pin >= 10u) {
            buf[2] = (char)('0' + pin / 10u);
            buf[3] = (char)('0' + pin % 10u);
            buf[4] = '\0';
        } else {
            buf[2] = (char)('0' + pin);
            buf[3] = '\0';
        }
    } else {
        memcpy(buf, "?", 2);
    }
    return buf;
}
