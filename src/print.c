/* Formatted lines through the port. */
#include "handoff/print.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handoff/config.h"
#include "handoff/port.h"

/* Format one line and hand it to @p out; a line too long is cut, and says so. */
static void print_line(void (*out)(const char *, size_t), const char *fmt, va_list ap) {
    char buf[HF_CFG_PRINT_MAX];
    int n = vsnprintf(buf, HF_CFG_PRINT_MAX, fmt, ap);
    if (n < 0) {
        n = 0;
    } else if ((size_t)n >= HF_CFG_PRINT_MAX) {
        memcpy(buf + HF_CFG_PRINT_MAX - 4u, "...", 4u);
        n = HF_CFG_PRINT_MAX - 1u;
    }
    out(buf, (size_t)n);
}

void hf_print(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    print_line(hf_port_write_line, fmt, ap);
    va_end(ap);
}

void hf_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    print_line(hf_port_log_line, fmt, ap);
    va_end(ap);
}
