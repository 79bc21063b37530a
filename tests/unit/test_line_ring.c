/* The pico-sdk port's output ring (ports/pico-sdk/line_ring.c): whole lines in order, a line
 * that does not fit dropped and counted, the count reported once there is room, the content
 * wrapping around the end of the buffer and the byte counts around 2^32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "line_ring.h"

/* Take everything waiting (in pieces, as a drain does) into out; @return its length. */
static size_t drain(hf_line_ring_t *r, char *out, size_t cap) {
    size_t n = 0;
    const char *p;
    size_t k;
    while ((k = hf_line_ring_peek(r, &p)) > 0u) {
        assert_true(n + k <= cap);
        memcpy(out + n, p, k);
        n += k;
        hf_line_ring_consume(r, k);
    }
    out[n] = '\0';
    return n;
}

static void test_lines_in_order(void **state) {
    (void)state;
    char buf[64], out[128];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    assert_true(hf_line_ring_put(&r, "Press count: 1", 14, "\r\n", 2));
    assert_true(hf_line_ring_put(&r, "Long press", 10, "\r\n", 2));
    assert_int_equal(hf_line_ring_used(&r), 28);
    drain(&r, out, sizeof out - 1u);
    assert_string_equal(out, "Press count: 1\r\nLong press\r\n");
    assert_int_equal(hf_line_ring_used(&r), 0);
}

static void test_full_drops_whole_lines_and_counts(void **state) {
    (void)state;
    char buf[64], out[128];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    assert_int_equal(r.size, 64);
    /* 3 lines of 19 + "\n" = 60 bytes; a fourth does not fit and a fifth neither. */
    for (int i = 0; i < 3; i++) {
        assert_true(hf_line_ring_put(&r, "0123456789abcdefghi", 19, "\n", 1));
    }
    assert_false(hf_line_ring_put(&r, "0123", 4, "\n", 1));
    assert_false(hf_line_ring_put(&r, "x", 1, "\n", 1));
    assert_int_equal(r.dropped, 2);
    assert_int_equal(r.lost, 2);
    assert_int_equal(hf_line_ring_used(&r), 60); /* nothing cut in */
    /* Drained: the report goes first, then the next line. */
    drain(&r, out, sizeof out - 1u);
    assert_true(hf_line_ring_put(&r, "after", 5, "\n", 1));
    drain(&r, out, sizeof out - 1u);
    assert_string_equal(out, "Output: 2 lines dropped\nafter\n");
    assert_int_equal(r.dropped, 0);
    assert_int_equal(r.lost, 2);
}

static void test_report_by_itself_once_drained(void **state) {
    (void)state;
    char buf[32], out[64];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    assert_true(hf_line_ring_put(&r, "0123456789012345678901234567", 28, "\n", 1));
    assert_false(hf_line_ring_put(&r, "next", 4, "\n", 1));
    hf_line_ring_report(&r, "\n", 1); /* no room yet: still due */
    assert_int_equal(r.dropped, 1);
    drain(&r, out, sizeof out - 1u);
    hf_line_ring_report(&r, "\n", 1);
    drain(&r, out, sizeof out - 1u);
    assert_string_equal(out, "Output: 1 line dropped\n");
    hf_line_ring_report(&r, "\n", 1); /* reported once only */
    assert_int_equal(hf_line_ring_used(&r), 0);
}

static void test_report_not_fitting_keeps_order(void **state) {
    (void)state;
    char buf[32], out[64];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    assert_true(hf_line_ring_put(&r, "0123456789012345678901234", 25, "\n", 1));
    assert_false(hf_line_ring_put(&r, "0123456789", 10, "\n", 1)); /* dropped */
    /* A short line would fit, but the report due before it does not: it is dropped too, so no
     * line ever overtakes the report of lines lost before it. */
    assert_false(hf_line_ring_put(&r, "ab", 2, "\n", 1));
    assert_int_equal(r.dropped, 2);
    drain(&r, out, sizeof out - 1u);
    assert_true(hf_line_ring_put(&r, "ab", 2, "\n", 1));
    drain(&r, out, sizeof out - 1u);
    assert_string_equal(out, "Output: 2 lines dropped\nab\n");
}

static void test_wraps_around_the_end(void **state) {
    (void)state;
    char buf[32], out[64];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    for (int round = 0; round < 100; round++) {
        char line[16];
        int n = snprintf(line, sizeof line, "line %d", round);
        assert_true(hf_line_ring_put(&r, line, (size_t)n, "\r\n", 2));
        /* Take all but the last three bytes: the content moves round the buffer. */
        while (hf_line_ring_used(&r) > 3u) {
            const char *p;
            size_t k = hf_line_ring_peek(&r, &p);
            size_t extra = hf_line_ring_used(&r) - 3u;
            hf_line_ring_consume(&r, k < extra ? k : extra);
        }
    }
    drain(&r, out, sizeof out - 1u);
    assert_string_equal(out, "9\r\n"); /* the end of "line 99" */
    assert_int_equal(r.lost, 0);
}

static void test_counts_wrap_at_2_32(void **state) {
    (void)state;
    char buf[64], out[128];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    r.head = r.tail = UINT32_MAX - 9u; /* 10 bytes before the byte counts wrap */
    assert_true(hf_line_ring_put(&r, "across the wrap", 15, "\n", 1));
    assert_int_equal(hf_line_ring_used(&r), 16);
    drain(&r, out, sizeof out - 1u);
    assert_string_equal(out, "across the wrap\n");
}

static void test_size_rounds_down_to_a_power_of_two(void **state) {
    (void)state;
    char buf[100];
    hf_line_ring_t r;
    hf_line_ring_init(&r, buf, sizeof buf);
    assert_int_equal(r.size, 64);
    /* A line longer than the whole ring never fits, and is counted like any other. */
    char big[80];
    memset(big, 'x', sizeof big);
    assert_false(hf_line_ring_put(&r, big, sizeof big, "\n", 1));
    assert_int_equal(r.dropped, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_in_order),
        cmocka_unit_test(test_full_drops_whole_lines_and_counts),
        cmocka_unit_test(test_report_by_itself_once_drained),
        cmocka_unit_test(test_report_not_fitting_keeps_order),
        cmocka_unit_test(test_wraps_around_the_end),
        cmocka_unit_test(test_counts_wrap_at_2_32),
        cmocka_unit_test(test_size_rounds_down_to_a_power_of_two),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
