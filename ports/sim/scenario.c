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

/* A run past what can be recorded: refused at the line that makes it so. */
static bool too_long(char *err, size_t errlen, const char *path, unsigned line, uint64_t end_us,
                     uint64_t max_us) {
    return fail(err, errlen, path, line,
                "the run would last %llu ms, longer than the %llu ms that --vcd and --svg can "
                "record",
                (unsigned long long)(end_us / 1000u), (unsigned long long)(max_us / 1000u));
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

/* ---- VCD replay ---------------------------------------------------------------------------- */

/* One VCD token with the line it starts on. */
typedef struct {
    const char *p;
    unsigned line;
} cursor_t;

static size_t next_token(cursor_t *c, char *tok, size_t cap) {
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n') {
        if (*c->p == '\n') {
            c->line++;
        }
        c->p++;
    }
    size_t n = 0;
    while (*c->p != '\0' && *c->p != ' ' && *c->p != '\t' && *c->p != '\r' && *c->p != '\n') {
        if (n + 1u < cap) {
            tok[n] = *c->p;
        }
        n++;
        c->p++;
    }
    tok[n < cap ? n : cap - 1u] = '\0';
    return n;
}

/* Skip to the $end closing the current section. */
static bool skip_section(cursor_t *c, char *tok, size_t cap) {
    while (next_token(c, tok, cap) > 0) {
        if (strcmp(tok, "$end") == 0) {
            return true;
        }
    }
    return false;
}

#define VCD_MAX_IDS 64

/* A VCD as a scenario: the value changes of signals named GP0..GP29 are replayed (those the
 * program drives as outputs are ignored when it runs, like any external driver fighting an
 * output); other signals are skipped. The run ends at the last timestamp. */
static bool parse_vcd(const char *path, const char *text, uint64_t max_end, hf_scenario_t *sc,
                      char *err, size_t errlen) {
    cursor_t c = {text, 1};
    char tok[128];
    char ids[VCD_MAX_IDS][16];
    hf_pin_t pins[VCD_MAX_IDS];
    unsigned nids = 0, npins = 0;
    uint64_t num = 1, den = 1; /* one VCD time unit = num/den us */
    uint64_t t = 0, last_t = 0;
    size_t cap = 0;
    bool defs_done = false;
    while (next_token(&c, tok, sizeof tok) > 0) {
        unsigned line = c.line;
        if (!defs_done) {
            if (strcmp(tok, "$timescale") == 0) {
                char unit[16] = "";
                char v[32];
                if (next_token(&c, v, sizeof v) == 0) {
                    break;
                }
                char *u = v;
                uint64_t mag = 0;
                while (*u >= '0' && *u <= '9') {
                    mag = mag * 10u + (uint64_t)(*u++ - '0');
                }
                if (*u == '\0' && next_token(&c, unit, sizeof unit) == 0) {
                    break;
                }
                const char *us = *u != '\0' ? u : unit;
                if (mag != 1 && mag != 10 && mag != 100) {
                    hf_scenario_free(sc);
                    return fail(err, errlen, path, line, "bad $timescale '%s'", v);
                }
                if (strcmp(us, "s") == 0) {
                    num = mag * 1000000u;
                } else if (strcmp(us, "ms") == 0) {
                    num = mag * 1000u;
                } else if (strcmp(us, "us") == 0) {
                    num = mag;
                } else if (strcmp(us, "ns") == 0) {
                    num = mag;
                    den = 1000u;
                } else if (strcmp(us, "ps") == 0) {
                    num = mag;
                    den = 1000000u;
                } else {
                    hf_scenario_free(sc);
                    return fail(err, errlen, path, line, "bad $timescale unit '%s'", us);
                }
                if (!skip_section(&c, tok, sizeof tok)) {
                    break;
                }
            } else if (strcmp(tok, "$var") == 0) {
                char type[32], size[16], id[16], name[64];
                if (next_token(&c, type, sizeof type) == 0 ||
                    next_token(&c, size, sizeof size) == 0 || next_token(&c, id, sizeof id) == 0 ||
                    next_token(&c, name, sizeof name) == 0) {
                    break;
                }
                hf_pin_t pin = hf_pin_parse(name);
                if (pin != HF_PIN_NONE && pin != HF_PIN_LED && strcmp(size, "1") == 0) {
                    if (nids == VCD_MAX_IDS) {
                        hf_scenario_free(sc);
                        return fail(err, errlen, path, line, "more than %d signals", VCD_MAX_IDS);
                    }
                    snprintf(ids[nids], sizeof ids[nids], "%s", id);
                    pins[nids++] = pin;
                    npins++;
                }
                if (!skip_section(&c, tok, sizeof tok)) {
                    break;
                }
            } else if (strcmp(tok, "$enddefinitions") == 0) {
                if (!skip_section(&c, tok, sizeof tok)) {
                    break;
                }
                defs_done = true;
                if (npins == 0) {
                    hf_scenario_free(sc);
                    return fail(err, errlen, path, line,
                                "no 1-bit signal named GP0..GP29 to replay");
                }
            } else if (tok[0] == '$') {
                if (!skip_section(&c, tok, sizeof tok)) {
                    break;
                }
            } else {
                hf_scenario_free(sc);
                return fail(err, errlen, path, line, "unexpected '%s' before $enddefinitions", tok);
            }
            continue;
        }
        if (tok[0] == '#') {
            uint64_t v = 0;
            const char *q = tok + 1;
            if (*q == '\0') {
                hf_scenario_free(sc);
                return fail(err, errlen, path, line, "bad timestamp '%s'", tok);
            }
            for (; *q; q++) {
                if (*q < '0' || *q > '9') {
                    hf_scenario_free(sc);
                    return fail(err, errlen, path, line, "bad timestamp '%s'", tok);
                }
                if (v > UINT64_MAX / 10u / num / 10u) { /* keeps v * num far from overflow */
                    hf_scenario_free(sc);
                    return fail(err, errlen, path, line, "timestamp '%s' too large", tok);
                }
                v = v * 10u + (uint64_t)(*q - '0');
            }
            uint64_t us = v * num / den;
            if (us < t) {
                hf_scenario_free(sc);
                return fail(err, errlen, path, line, "time goes backwards (%s)", tok);
            }
            if (us > max_end) {
                hf_scenario_free(sc);
                return too_long(err, errlen, path, line, us, max_end);
            }
            t = us;
            last_t = t;
        } else if (strcmp(tok, "$dumpvars") == 0 || strcmp(tok, "$end") == 0 ||
                   strcmp(tok, "$dumpall") == 0 || strcmp(tok, "$dumpon") == 0 ||
                   strcmp(tok, "$dumpoff") == 0) {
            continue; /* the values inside are ordinary changes */
        } else if (tok[0] == '$') {
            if (!skip_section(&c, tok, sizeof tok)) {
                break;
            }
        } else if (tok[0] == 'b' || tok[0] == 'B' || tok[0] == 'r' || tok[0] == 'R') {
            if (next_token(&c, tok, sizeof tok) == 0) { /* a vector's id: not a pin */
                break;
            }
        } else if (strchr("01xXzZ", tok[0]) != NULL && tok[1] != '\0') {
            for (unsigned i = 0; i < nids; i++) {
                if (strcmp(ids[i], tok + 1) == 0 && (tok[0] == '0' || tok[0] == '1')) {
                    if (!push(sc, &cap,
                              (hf_sim_event_t){t, pins[i], (uint8_t)(tok[0] - '0'), line})) {
                        hf_scenario_free(sc);
                        return fail(err, errlen, path, line, "out of memory");
                    }
                }
            }
        } else {
            hf_scenario_free(sc);
            return fail(err, errlen, path, line, "unexpected '%s'", tok);
        }
    }
    if (!defs_done) {
        hf_scenario_free(sc);
        return fail(err, errlen, path, c.line, "unexpected end of file in the VCD header");
    }
    sc->end_us = last_t;
    return true;
}

/* ---- scenario text -------------------------------------------------------------------------- */

bool hf_scenario_parse_within(const char *path, const char *text, uint64_t max_end,
                              hf_scenario_t *sc, char *err, size_t errlen) {
    sc->ev = NULL;
    sc->n = 0;
    sc->end_us = 0;
    const char *first = text + strspn(text, " \t\r\n");
    if (*first == '$') {
        return parse_vcd(path, text, max_end, sc, err, errlen);
    }
    size_t cap = 0;
    bool has_end = false;
    uint64_t last = 0;
    unsigned lineno = 0, last_line = 0;
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
            if (t > max_end) {
                hf_scenario_free(sc);
                return too_long(err, errlen, path, lineno, t, max_end);
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
        last_line = lineno;
    }
    if (!has_end) {
        sc->end_us = last + DEFAULT_TAIL_US;
        if (sc->end_us > max_end) {
            hf_scenario_free(sc);
            return too_long(err, errlen, path, last_line, sc->end_us, max_end);
        }
    }
    return true;
}

bool hf_scenario_parse(const char *path, const char *text, hf_scenario_t *sc, char *err,
                       size_t errlen) {
    return hf_scenario_parse_within(path, text, UINT64_MAX, sc, err, errlen);
}

bool hf_scenario_load(const char *path, hf_scenario_t *sc, char *err, size_t errlen) {
    return hf_scenario_load_within(path, UINT64_MAX, sc, err, errlen);
}

bool hf_scenario_load_within(const char *path, uint64_t max_end, hf_scenario_t *sc, char *err,
                             size_t errlen) {
    sc->ev = NULL;
    sc->n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail(err, errlen, path, 0, "%s", strerror(errno));
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    errno = 0;
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
    int rd_err = ferror(f) ? (errno != 0 ? errno : EIO) : 0;
    fclose(f);
    if (rd_err != 0) {
        free(text);
        return fail(err, errlen, path, 0, "%s", strerror(rd_err)); /* e.g. a directory */
    }
    text[len] = '\0';
    if (strlen(text) != len) {
        free(text);
        return fail(err, errlen, path, 0, "binary file (contains a NUL byte)");
    }
    bool ok = hf_scenario_parse_within(path, text, max_end, sc, err, errlen);
    free(text);
    return ok;
}

void hf_scenario_free(hf_scenario_t *sc) {
    free(sc->ev);
    sc->ev = NULL;
    sc->n = 0;
}
