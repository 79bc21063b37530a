/* libFuzzer target: the scenario text and VCD parser of the host board (hf_scenario_parse).
 * Any input must either parse into events that keep the scenario's rules (time order, pins
 * GP0..GP29, levels 0/1, the end not before the last edge) or fail with one line
 * "fuzz.scn:LINE: reason" (or "fuzz.scn: reason") and leave the scenario empty. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff/sim.h"

#define PATH "fuzz.scn"

static void fail(const char *why, const char *err) {
    fprintf(stderr, "fuzz_scenario: %s (message: '%s')\n", why, err);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1u);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    hf_scenario_t sc;
    char err[256] = "";
    if (hf_scenario_parse(PATH, text, &sc, err, sizeof err)) {
        if (err[0] != '\0') {
            fail("success with a message", err);
        }
        for (size_t i = 0; i < sc.n; i++) {
            const hf_sim_event_t *e = &sc.ev[i];
            if (e->pin > HF_PIN_GPIO_MAX || e->level > 1u || e->line == 0u) {
                fail("an event with a bad pin, level or line", err);
            }
            if (i > 0 && e->t_us < sc.ev[i - 1].t_us) {
                fail("events out of time order", err);
            }
        }
        if (sc.n > 0 && sc.end_us < sc.ev[sc.n - 1].t_us) {
            fail("the end is before the last edge", err);
        }
    } else {
        size_t len = strlen(err);
        if (len == 0 || strncmp(err, PATH ":", strlen(PATH ":")) != 0 ||
            strchr(err, '\n') != NULL || len + 1u >= sizeof err) {
            fail("an error that is not one 'PATH:LINE: reason' line", err);
        }
        if (sc.n != 0 || sc.ev != NULL) {
            fail("a failed parse left events behind", err);
        }
    }
    hf_scenario_free(&sc);
    free(text);
    return 0;
}
