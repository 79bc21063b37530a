/* Formatted lines through the port. */
#include "handoff/print.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handoff/config.h"
#include "handoff/port.h"

static size_t format_line(char *buf, const char *fmt, va_list ap) {
    int n = vsnprintf(buf, HF_CFG_PRINT_MAX, fmt, ap);
    if (n < 0) {
        return 0;
    }
    if ((size_t)n >= HF_CFG_PRINT_MAX) {
        memcpy(buf + HF_CFG_PRINT_MAX - 4u, "...", 4u); /* cut, and say so */
        return HF_CFG_PRINT_MAX - 1u;
    }
    return (size_t)n;
}

void hf_print(const char *fmt, ...) {
    char buf[HF_CFG_PRINT_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_line(buf, fmt, ap);
    va_end(ap);
    hf_port_write_line(buf, n);
}

void hf_log(const char *fmt, ...) {
    char buf[HF_CFG_PRINT_MAX];
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_line(buf, fmt, ap);
    va_end(ap);
    hf_port_log_line(buf, n);
}
