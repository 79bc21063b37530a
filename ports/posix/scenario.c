#define _POSIX_C_SOURCE 200809L
/* Scenario files: "<ms> <pin> <level>" lines and an optional "end <ms>". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff/sim.h"

#define DEFAULT_TAIL_US 5000000u /* the run ends this long after the last edge without "end" */
#define MAX_FILE_BYTES  (64u * 1024u * 1024u)

static bool fail(char *err, size_t errlen, const char *path, unsigned line, const char *fmt, ...) {
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (line > 0) {
        snprintf(err, errlen, "%s:%u: %s", path, line, reason);
    } else {
        snprintf(err, errlen, "%s: %s", path, reason);
    }
    return false;
}

/* Milliseconds with up to three decimals ("1000", "1000.25") to microseconds. */
static bool parse_ms(const char *tok, uint64_t *us, const char **why) {
    uint64_t whole = 0, frac = 0;
    unsigned digits = 0, decimals = 0;
    const char *p = tok;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > UINT64_MAX / 10u / 1000u / 10u) {
            *why = "too large";
            return false;
        }
        whole = whole * 10u + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, decimals++) {
            if (decimals == 3) {
                *why = "more than 3 decimals";
                return false;
            }
            frac = frac * 10u + (uint64_t)(*p - '0');
        }
        if (decimals == 0) {
            *why = "no digits after '.'";
            return false;
        }
    }
    if (digits == 0 || *p != '\0') {
        *why = "not a time in ms";
        return false;
    }
    while (decimals++ < 3) {
        frac *= 10u;
    }
    *us = whole * 1000u + frac;
    return true;
}

static bool push(hf_scenario_t *sc, size_t *cap, hf_sim_event_t ev) {
    if (sc->n == *cap) {
        size_t ncap = *cap ? *cap * 2u : 64u;
        hf_sim_event_t *p = realloc(sc->ev, ncap * sizeof *p);
        if (p == NULL) {
            return false;
        }
        sc->ev = p;
        *cap = ncap;
    }
    sc->ev[sc->n++] = ev;
    return true;
}

bool hf_scenario_parse(const char *path, const char *text, hf_scenario_t *sc, char *err,
                       size_t errlen) {
    sc->ev = NULL;
    sc->n = 0;
    sc->end_us = 0;
    size_t cap = 0;
    bool has_end = false;
    uint64_t last = 0;
    unsigned lineno = 0;
    const char *p = text;
    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        lineno++;
        char line[256];
        if (len >= sizeof line) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "line too long (%zu characters)", len);
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol != NULL ? eol + 1 : p + len;
        char *hash = strchr(line, '#');
        if (hash != NULL) {
            *hash = '\0';
        }
        char *save = NULL;
        char *tok[4];
        int ntok = 0;
        for (char *t = strtok_r(line, " \t\r", &save); t != NULL;
             t = strtok_r(NULL, " \t\r", &save)) {
            if (ntok == 4) {
                break;
            }
            tok[ntok++] = t;
        }
        if (ntok == 0) {
            continue;
        }
        const char *why = NULL;
        if (has_end) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "nothing may follow 'end'");
        }
        if (strcmp(tok[0], "end") == 0) {
            uint64_t t;
            if (ntok != 2) {
                hf_scenario_free(sc);
                return fail(err, errlen, path, lineno, "expected 'end <ms>'");
            }
            if (!parse_ms(tok[1], &t, &why)) {
                hf_scenario_free(sc);
                return fail(err, errlen, path, lineno, "bad end time '%s': %s", tok[1], why);
            }
            if (t < last) {
                hf_scenario_free(sc);
                return fail(err, errlen, path, lineno, "end %s is before the last edge", tok[1]);
            }
            sc->end_us = t;
            has_end = true;
            continue;
        }
        if (ntok != 3) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno,
                        ntok > 3 ? "trailing garbage '%s'" : "expected '<ms> <pin> <level>'",
                        ntok > 3 ? tok[3] : "");
        }
        uint64_t t;
        if (!parse_ms(tok[0], &t, &why)) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "bad time '%s': %s", tok[0], why);
        }
        if (t < last) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "time goes backwards (%s after %llu.%03llu)",
                        tok[0], (unsigned long long)(last / 1000u),
                        (unsigned long long)(last % 1000u));
        }
        hf_pin_t pin = hf_pin_parse(tok[1]);
        if (pin == HF_PIN_NONE) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "unknown pin '%s' (GP0..GP29)", tok[1]);
        }
        if (pin == HF_PIN_LED) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "LED is an output, it cannot be driven");
        }
        if (strcmp(tok[2], "0") != 0 && strcmp(tok[2], "1") != 0) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "level must be 0 or 1, not '%s'", tok[2]);
        }
        if (!push(sc, &cap, (hf_sim_event_t){t, pin, (uint8_t)(tok[2][0] - '0'), lineno})) {
            hf_scenario_free(sc);
            return fail(err, errlen, path, lineno, "out of memory");
        }
        last = t;
    }
    if (!has_end) {
        sc->end_us = last + DEFAULT_TAIL_US;
    }
    return true;
}

bool hf_scenario_load(const char *path, hf_scenario_t *sc, char *err, size_t errlen) {
    sc->ev = NULL;
    sc->n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail(err, errlen, path, 0, "%s", strerror(errno));
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096u + 1u > cap) {
            cap = cap ? cap * 2u : 8192u;
            char *t = cap <= MAX_FILE_BYTES ? realloc(text, cap) : NULL;
            if (t == NULL) {
                free(text);
                fclose(f);
                return fail(err, errlen, path, 0, "file too large");
            }
            text = t;
        }
        size_t r = fread(text + len, 1, 4096u, f);
        len += r;
        if (r < 4096u) {
            break;
        }
    }
    bool rd_err = ferror(f) != 0;
    fclose(f);
    if (rd_err) {
        free(text);
        return fail(err, errlen, path, 0, "read error");
    }
    text[len] = '\0';
    if (strlen(text) != len) {
        free(text);
        return fail(err, errlen, path, 0, "binary file (contains a NUL byte)");
    }
    bool ok = hf_scenario_parse(path, text, sc, err, errlen);
    free(text);
    return ok;
}

void hf_scenario_free(hf_scenario_t *sc) {
    free(sc->ev);
    sc->ev = NULL;
    sc->n = 0;
}
