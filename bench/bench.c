/* Helpers shared by the benchmark programs. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool bench_pin(int cpu, bool realtime) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n >= 2) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu % (int)n, &set);
        (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    }
    struct sched_param sp = {.sched_priority = 10};
    return realtime && pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
}

const char *bench_opt_str(int argc, char **argv, const char *name, const char *def) {
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return argv[i + 1];
        }
    }
    return def;
}

uint64_t bench_opt(int argc, char **argv, const char *name, uint64_t def) {
    const char *s = bench_opt_str(argc, argv, name, NULL);
    if (s == NULL) {
        return def;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (s[0] == '\0' || s[0] == '-' || *end != '\0' || errno != 0) {
        fprintf(stderr, "%s needs a whole number, not '%s'\n", name, s);
        exit(2);
    }
    return (uint64_t)v;
}

void bench_write_samples(const char *path, const uint32_t *v, uint64_t n) {
    if (path == NULL) {
        return;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(v, sizeof v[0], (size_t)n, f) != (size_t)n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

void bench_wait_for(const _Atomic uint64_t *v, uint64_t target) {
    for (unsigned spins = 0; atomic_load_explicit(v, memory_order_acquire) < target; spins++) {
        if (spins > 20000u) {
            sched_yield(); /* the other side is not running: give it the CPU */
        }
    }
}
