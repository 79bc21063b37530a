/* A timeline picture of a run: a lane per pin, printed lines as labelled markers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "handoff/sim.h"
#include "sim_port.h"

#define WIDTH    1400
#define LEFT     96
#define RIGHT    40
#define ROW_H    15
#define MAX_ROWS 40
#define LANE_H   46
#define WAVE_H   26
#define CHAR_W   6.3

static double xpos(uint64_t t, uint64_t end) {
    return LEFT + (double)t * (WIDTH - LEFT - RIGHT) / (double)(end ? end : 1u);
}

static void put_escaped(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* A round tick step (1, 2 or 5 times a power of ten, in us) giving at most 12 ticks. */
static uint64_t tick_step(uint64_t end) {
    uint64_t step = 1000u;
    for (;;) {
        for (int m = 0; m < 3; m++) {
            uint64_t s = step * (m == 0 ? 1u : m == 1 ? 2u : 5u);
            if (end / s <= 12u) {
                return s;
            }
        }
        step *= 10u;
    }
}

bool hf_sim_write_svg(const char *path, const char *title, char *err, size_t errlen) {
    char tmp[4096];
    FILE *f = hf__sim_create(path, tmp, sizeof tmp, err, errlen);
    if (f == NULL) {
        return false;
    }
    hf_sim_svg(f, title);
    return hf__sim_commit(f, tmp, path, err, errlen);
}

void hf_sim_svg(FILE *f, const char *title) {
    size_t nch, nl;
    const hf_sim_change_t *ch = hf_sim_changes(&nch);
    const hf_sim_line_t *lines = hf_sim_lines(&nl);
    uint64_t end = hf_sim_elapsed_us();

    /* Lanes: configured pins, GP0..GP29 then LED. */
    hf_pin_t lanes[HF_PIN_GPIO_MAX + 2];
    bool is_out[HF_PIN_GPIO_MAX + 2];
    unsigned nlanes = 0;
    for (unsigned p = 0; p <= HF_PIN_GPIO_MAX + 1u; p++) {
        hf_pin_t pin = p <= HF_PIN_GPIO_MAX ? (hf_pin_t)p : HF_PIN_LED;
        if (hf__sim_pin_configured(pin, &is_out[nlanes])) {
            lanes[nlanes++] = pin;
        }
    }

    /* Labels: each in the first row where it does not overlap the one before it. */
    double row_end[MAX_ROWS];
    unsigned rows = 1;
    for (unsigned r = 0; r < MAX_ROWS; r++) {
        row_end[r] = -1e9;
    }
    static unsigned char row_of[1u << 16];
    size_t nlabels = nl < sizeof row_of ? nl : sizeof row_of;
    for (size_t i = 0; i < nlabels; i++) {
        double x = xpos(lines[i].t_us, end);
        double w = CHAR_W * (double)strlen(lines[i].text) + 8.0;
        unsigned r = 0;
        while (r + 1u < MAX_ROWS && row_end[r] > x) {
            r++;
        }
        row_of[i] = (unsigned char)r;
        row_end[r] = x + w;
        if (r + 1u > rows) {
            rows = r + 1u;
        }
    }

    int top = 48;
    int lanes_top = top + (int)rows * ROW_H + 14;
    int axis_y = lanes_top + (int)nlanes * LANE_H + 6;
    int height = axis_y + 40;

    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
            WIDTH, height, WIDTH, height);
    fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">", LEFT);
    put_escaped(f, title != NULL ? title : "handoff run");
    fprintf(f,
            "</text>\n<text x=\"%d\" y=\"24\" text-anchor=\"end\" fill=\"#666\">%llu.%03llu ms"
            "</text>\n",
            WIDTH - RIGHT, (unsigned long long)(end / 1000u), (unsigned long long)(end % 1000u));

    /* Time grid and axis. */
    uint64_t step = tick_step(end);
    for (uint64_t t = 0; t <= end; t += step) {
        double x = xpos(t, end);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eeeeee\"/>\n"
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">%llu ms</text>\n",
                x, lanes_top, x, axis_y, x, axis_y + 16, (unsigned long long)(t / 1000u));
    }

    /* Printed lines: a dashed marker through the lanes and the text in its row. */
    for (size_t i = 0; i < nlabels; i++) {
        double x = xpos(lines[i].t_us, end);
        int y = top + (int)row_of[i] * ROW_H + 11;
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#8e44ad\" "
                "stroke-opacity=\"0.45\" stroke-dasharray=\"3,3\"/>\n"
                "<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"#8e44ad\"/>\n"
                "<text x=\"%.1f\" y=\"%d\" fill=\"#5b2c6f\"><title>%llu.%03llu ms</title>",
                x, y + 3, x, axis_y, x, y - 4, x + 4.0, y,
                (unsigned long long)(lines[i].t_us / 1000u),
                (unsigned long long)(lines[i].t_us % 1000u));
        put_escaped(f, lines[i].text);
        fprintf(f, "</text>\n");
    }

    /* One lane per pin: a step waveform, filled while high. */
    for (unsigned k = 0; k < nlanes; k++) {
        int base = lanes_top + (int)k * LANE_H + LANE_H - 10;
        int high = base - WAVE_H;
        const char *colour = lanes[k] == HF_PIN_LED ? "#e67e22" : is_out[k] ? "#c0392b" : "#2471a3";
        char name[8];
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-weight=\"bold\">%s</text>\n",
                LEFT - 10, base - 6, hf_pin_name(lanes[k], name));
        fprintf(f,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#888\" font-size=\"9\">%s"
                "</text>\n",
                LEFT - 10, base + 5,
                hf__sim_label(lanes[k]) != NULL ? hf__sim_label(lanes[k])
                : is_out[k]                     ? "output"
                                                : "input");
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dddddd\"/>\n", LEFT,
                base, WIDTH - RIGHT, base);
        fprintf(f,
                "<polyline fill=\"%s\" fill-opacity=\"0.18\" stroke=\"%s\" stroke-width=\"1.6\" "
                "points=\"",
                colour, colour);
        int level = -1;
        double x = LEFT;
        for (size_t i = 0; i < nch; i++) {
            if (ch[i].pin != lanes[k]) {
                continue;
            }
            x = xpos(ch[i].t_us, end);
            if (level < 0) {
                fprintf(f, "%.1f,%d ", x, base);
            } else {
                fprintf(f, "%.1f,%d ", x, level ? high : base);
            }
            level = ch[i].level;
            fprintf(f, "%.1f,%d ", x, level ? high : base);
        }
        if (level >= 0) {
            fprintf(f, "%.1f,%d %.1f,%d", xpos(end, end), level ? high : base, xpos(end, end),
                    base);
        }
        fprintf(f, "\"/>\n");
    }
    fprintf(f, "</svg>\n");
}
