/* The floor for an idle loop with one timer: block in ppoll() on a pipe until the next
 * deadline, every PERIOD ms, and do nothing else; the idle benchmark runs it beside
 * press-to-alert to show what a wake-up itself costs.
 * usage: bench-idle-floor [--period-ms N] [--count N]   (count 0: forever) */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv) {
    uint64_t period_ms = bench_opt(argc, argv, "--period-ms", 700);
    uint64_t count = bench_opt(argc, argv, "--count", 0);
    int p[2];
    if (pipe(p) != 0) {
        perror("pipe");
        return 1;
    }
    uint64_t next = bench_now_ns();
    for (uint64_t i = 0; count == 0 || i < count; i++) {
        next += period_ms * 1000000u;
        uint64_t now = bench_now_ns();
        uint64_t wait = next > now ? next - now : 0;
        struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
        struct pollfd fd = {p[0], POLLIN, 0};
        (void)ppoll(&fd, 1, &ts, NULL);
    }
    printf("| idle floor | %llu wake-ups |\n", (unsigned long long)count);
    return 0;
}
