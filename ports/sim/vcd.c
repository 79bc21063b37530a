/* IEEE 1364 value change dump of the pins a program configured. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "handoff/sim.h"
#include "sim_port.h"

#define NSIG_MAX (HF_PIN_GPIO_MAX + 2u)

static unsigned sig_index(hf_pin_t pin) {
    return pin == HF_PIN_LED ? NSIG_MAX - 1u : pin;
}

bool hf_sim_write_vcd(const char *path, char *err, size_t errlen) {
    char tmp[4096];
    FILE *f = hf__sim_create(path, tmp, sizeof tmp, err, errlen);
    if (f == NULL) {
        return false;
    }
    hf_sim_vcd(f);
    return hf__sim_commit(f, tmp, path, err, errlen);
}

void hf_sim_vcd(FILE *f) {
    size_t n;
    const hf_sim_change_t *c = hf_sim_changes(&n);
    bool used[NSIG_MAX] = {false};
    char init[NSIG_MAX];
    memset(init, 'x', sizeof init);
    for (size_t i = 0; i < n; i++) {
        unsigned s = sig_index(c[i].pin);
        used[s] = true;
        if (c[i].t_us == 0) { /* the last value at time 0 is the initial one */
            init[s] = (char)('0' + c[i].level);
        }
    }
    fprintf(f, "$version handoff host board $end\n$timescale 1 us $end\n$scope module pico $end\n");
    for (unsigned s = 0; s < NSIG_MAX; s++) {
        if (used[s]) {
            char name[8];
            fprintf(f, "$var wire 1 %c %s $end\n", (char)('!' + s),
                    hf_pin_name(s == NSIG_MAX - 1u ? HF_PIN_LED : (hf_pin_t)s, name));
        }
    }
    fprintf(f, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
    char cur[NSIG_MAX];
    memcpy(cur, init, sizeof cur);
    for (unsigned s = 0; s < NSIG_MAX; s++) {
        if (used[s]) {
            fprintf(f, "%c%c\n", cur[s], (char)('!' + s));
        }
    }
    fprintf(f, "$end\n");
    /* Changes at one instant are merged: only the last value of each pin counts, and a pin that
     * comes back to where it was does not appear. */
    size_t i = 0;
    while (i < n && c[i].t_us == 0) {
        i++;
    }
    while (i < n) {
        uint64_t t = c[i].t_us;
        char next[NSIG_MAX];
        memcpy(next, cur, sizeof next);
        for (; i < n && c[i].t_us == t; i++) {
            next[sig_index(c[i].pin)] = (char)('0' + c[i].level);
        }
        bool stamped = false;
        for (unsigned s = 0; s < NSIG_MAX; s++) {
            if (used[s] && next[s] != cur[s]) {
                if (!stamped) {
                    fprintf(f, "#%llu\n", (unsigned long long)t);
                    stamped = true;
                }
                fprintf(f, "%c%c\n", next[s], (char)('!' + s));
                cur[s] = next[s];
            }
        }
    }
    uint64_t end = hf_sim_elapsed_us();
    if (n == 0 || end > c[n - 1].t_us) {
        fprintf(f, "#%llu\n", (unsigned long long)end);
    }
}

FILE *hf__sim_create(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen) {
    if (snprintf(tmp, tmplen, "%s.tmp", path) >= (int)tmplen) {
        snprintf(err, errlen, "%s: path too long", path);
        return NULL;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    }
    return f;
}

bool hf__sim_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen) {
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return false;
    }
    return true;
}
