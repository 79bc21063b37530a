/* The host board's screen: when a program runs in real time in a terminal, it shows the LED
 * drawn large, the other outputs and the inputs with their labels, the program's status text,
 * the last printed lines and the keys. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handoff/port.h"
#include "handoff/sim.h"
#include "posix_internal.h"
#include "sim_port.h"

#define EVENTS         10
#define LINE_MAX_CHARS 120

static struct {
    bool active;
    const char *title;
    char status[LINE_MAX_CHARS];
    char events[EVENTS][LINE_MAX_CHARS];
    unsigned n_events, next_event;
} T;

void hf_board_show(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(T.status, sizeof T.status, fmt, ap);
    va_end(ap);
    hf__tui_redraw();
}

bool hf__tui_active(void) {
    return T.active;
}

void hf__tui_start(const char *title) {
    T.active = true;
    T.title = title;
    fputs("\033[?25l\033[2J", stdout); /* hide the cursor, clear */
    hf__tui_redraw();
}

void hf__tui_stop(void) {
    if (!T.active) {
        return;
    }
    T.active = false;
    fputs("\033[?25h\n", stdout);
    fflush(stdout);
}

void hf__tui_line(const char *line) {
    snprintf(T.events[T.next_event], LINE_MAX_CHARS, "%s", line);
    T.next_event = (T.next_event + 1u) % EVENTS;
    if (T.n_events < EVENTS) {
        T.n_events++;
    }
    hf__tui_redraw();
}

static void pin_row(FILE *f, hf_pin_t pin, bool out) {
    char name[8];
    const char *label = hf__sim_label(pin);
    int level = hf_gpio_read(pin);
    fprintf(f, "  %-5s %-10s ", hf_pin_name(pin, name),
            label != NULL ? label : (out ? "output" : "input"));
    if (out) {
        fputs(level ? "\033[1;31m## ON ##\033[0m" : "   off  ", f);
    } else {
        fputs(level ? "1  (high)" : "\033[1;36m0  (low: pressed if active low)\033[0m", f);
    }
    fputs("\033[K\n", f);
}

void hf__tui_pin_change(const hf_sim_change_t *c) {
    (void)c;
    hf__tui_redraw();
}

void hf__tui_redraw(void) {
    if (!T.active) {
        return;
    }
    FILE *f = stdout;
    uint64_t us = hf_sim_elapsed_us();
    bool led = hf_gpio_read(HF_PIN_LED) != 0;
    const char *on = "\033[1;33m";
    const char *off = "\033[2m";
    fputs("\033[H", f);
    fprintf(f, "\033[1m handoff host board\033[0m  %s\033[K\n", T.title != NULL ? T.title : "");
    fprintf(f, " time %llu.%03llu s\033[K\n\n", (unsigned long long)(us / 1000000u),
            (unsigned long long)(us / 1000u % 1000u));
    const char *lamp[] = {"   .-----------.   ", "   |###########|   ", "   |###########|   ",
                          "   '-----------'   "};
    for (unsigned r = 0; r < 4; r++) {
        fprintf(f, " %s%s\033[0m", led ? on : off, lamp[r]);
        if (r == 1) {
            fprintf(f, "  LED  %s", led ? "\033[1;33mON\033[0m" : "off");
        }
        fputs("\033[K\n", f);
    }
    fputs("\033[K\n", f);
    for (hf_pin_t p = 0; p <= HF_PIN_GPIO_MAX; p++) {
        bool out;
        if (hf__sim_pin_configured(p, &out) && out) {
            pin_row(f, p, true);
        }
    }
    for (hf_pin_t p = 0; p <= HF_PIN_GPIO_MAX; p++) {
        bool out;
        if (hf__sim_pin_configured(p, &out) && !out) {
            pin_row(f, p, false);
        }
    }
    fprintf(f, "\033[K\n  \033[1m%s\033[0m\033[K\n\033[K\n last events:\033[K\n", T.status);
    for (unsigned i = 0; i < EVENTS; i++) {
        if (i < T.n_events) {
            unsigned k = (T.next_event + EVENTS - T.n_events + i) % EVENTS;
            fprintf(f, "   %s\033[K\n", T.events[k]);
        } else {
            fputs("\033[K\n", f);
        }
    }
    fputs("\033[K\n keys: [a]/[space] tap GP14   [b] tap GP15   [l] hold GP14 1.2 s   [q] quit"
          "\033[K\n\033[J",
          f);
    fflush(f);
}
