/* http.h: the response parser fed every response split at every point (and one byte at a
 * time) must reach the same result, status, error and byte count; the request builder; URLs. */
#include <stdio.h>
#include <stdlib.h>

#include "hf_test.h"

/* ---- the response parser -------------------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *text;
    size_t len;
    bool eof; /* the connection closes after the text */
    hf_http_result_t want;
    unsigned status;   /* with HF_HTTP_DONE */
    const char *error; /* with HF_HTTP_BAD: the exact reason */
    size_t used;       /* bytes consumed in all; SIZE_MAX: all of them */
    uint32_t body;     /* body bytes counted */
} resp_case_t;

#define T(s) s, sizeof(s) - 1u
#define ALL  SIZE_MAX

static const resp_case_t cases[] = {
    {"content-length", T("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, HF_HTTP_DONE,
     200, NULL, ALL, 2},
    {"bytes after the response",
     T("HTTP/1.1 201 Created\r\nContent-Length: 3\r\nServer: x\r\n\r\nabcEXTRA"), false,
     HF_HTTP_DONE, 201, NULL,
     sizeof("HTTP/1.1 201 Created\r\nContent-Length: 3\r\nServer: "
            "x\r\n\r\nabc") -
         1u,
     3},
    {"chunked, extensions, trailer",
     T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5 \r\npedia\r\n"
       "E\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n"),
     false, HF_HTTP_DONE, 200, NULL, ALL, 23},
    {"chunked wins over Content-Length",
     T("HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
       "1\r\nx\r\n0\r\n\r\n"),
     false, HF_HTTP_DONE, 202, NULL, ALL, 1},
    {"body to the end of the connection", T("HTTP/1.0 200 OK\r\n\r\nhello"), true, HF_HTTP_DONE,
     200, NULL, ALL, 5},
    {"body to the end, connection still open", T("HTTP/1.0 200 OK\r\n\r\nhello"), false,
     HF_HTTP_MORE, 0, NULL, ALL, 5},
    {"204 has no body", T("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"), false,
     HF_HTTP_DONE, 204, NULL, ALL, 0},
    {"100 Continue first",
     T("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), false,
     HF_HTTP_DONE, 200, NULL, ALL, 0},
    {"bare LF", T("HTTP/1.1 500 Oops\nContent-Length: 1\n\nx"), false, HF_HTTP_DONE, 500, NULL, ALL,
     1},
    {"no reason phrase", T("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n"), false, HF_HTTP_DONE, 404,
     NULL, ALL, 0},
    {"case and spaces", T("HTTP/1.1 429 Too Many\r\ncOnTeNt-LeNgTh:\t 3 \r\nX:\r\n\r\nabc"), false,
     HF_HTTP_DONE, 429, NULL, ALL, 3},
    {"the same length twice",
     T("HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n"
       "z"),
     false, HF_HTTP_DONE, 200, NULL, ALL, 1},
    {"incomplete", T("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"), false, HF_HTTP_MORE, 0,
     NULL, ALL, 2},
    /* malformed */
    {"garbage", T("\x00\x17 garbage \xff"), false, HF_HTTP_BAD, 0, "status line: control character",
     1, 0},
    {"not HTTP/1.x", T("HTTP/2 200 OK\r\n\r\n"), false, HF_HTTP_BAD, 0, "status line: not HTTP/1.x",
     15, 0},
    {"html", T("<html>\r\n"), false, HF_HTTP_BAD, 0, "status line: not HTTP/1.x", 8, 0},
    {"two-digit status", T("HTTP/1.1 20 OK\r\n"), false, HF_HTTP_BAD, 0,
     "status line: expected a 3-digit status code after the version", 16, 0},
    {"status 600", T("HTTP/1.1 600 X\r\n"), false, HF_HTTP_BAD, 0,
     "status line: status code not in 100..599", 16, 0},
    {"101", T("HTTP/1.1 101 Switching Protocols\r\n"), false, HF_HTTP_BAD, 0,
     "status line: unexpected 101 Switching Protocols", 34, 0},
    {"no colon", T("HTTP/1.1 200 OK\r\nBad header\r\n"), false, HF_HTTP_BAD, 0,
     "header: expected 'Name: value'", 29, 0},
    {"space before the colon", T("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n"), false, HF_HTTP_BAD,
     0, "header: expected 'Name: value'", 37, 0},
    {"line folding", T("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n"), false, HF_HTTP_BAD, 0,
     "header: obsolete line folding", 27, 0},
    {"bad Content-Length", T("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n"), false, HF_HTTP_BAD, 0,
     "header: bad Content-Length", 37, 0},
    {"empty Content-Length", T("HTTP/1.1 200 OK\r\nContent-Length: \r\n"), false, HF_HTTP_BAD, 0,
     "header: bad Content-Length", 35, 0},
    {"conflicting Content-Length",
     T("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n"), false, HF_HTTP_BAD, 0,
     "header: conflicting Content-Length", 55, 0},
    {"huge Content-Length", T("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n"), false,
     HF_HTTP_BAD, 0, "header: Content-Length too large", 45, 0},
    {"gzip only", T("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"), false, HF_HTTP_BAD, 0,
     "header: unsupported Transfer-Encoding (the last coding must be chunked)", 42, 0},
    {"NUL in a header", T("HTTP/1.1 200 OK\r\nX: a\0b\r\n"), false, HF_HTTP_BAD, 0,
     "header: control character", 22, 0},
    {"CR alone", T("HTTP/1.1 200 OK\rX"), false, HF_HTTP_BAD, 0,
     "status line: CR not followed by LF", 17, 0},
    {"chunk size not hex", T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), false,
     HF_HTTP_BAD, 0, "chunk size: not a hex number", 51, 0},
    {"chunk size too large",
     T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFF\r\n"), false, HF_HTTP_BAD, 0,
     "chunk size: too large", 58, 0},
    {"chunk longer than its size",
     T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n"), false, HF_HTTP_BAD, 0,
     "chunk end: data longer than the chunk size", 56, 3},
    {"trailer without colon",
     T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nnope\r\n"), false, HF_HTTP_BAD, 0,
     "trailer: expected 'Name: value'", 56, 0},
    /* cut by the end of the connection */
    {"nothing at all", T(""), true, HF_HTTP_BAD, 0, "connection closed before any reply", 0, 0},
    {"closed in the status line", T("HTTP/1.1 2"), true, HF_HTTP_BAD, 0,
     "connection closed in the status line", ALL, 0},
    {"closed in the headers", T("HTTP/1.1 200 OK\r\nContent-Le"), true, HF_HTTP_BAD, 0,
     "connection closed in the headers", ALL, 0},
    {"closed in the body", T("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"), true, HF_HTTP_BAD,
     0, "connection closed before the end of the body (Content-Length)", ALL, 2},
    {"closed in chunk data", T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"),
     true, HF_HTTP_BAD, 0, "connection closed in chunk data", ALL, 2},
    {"closed after chunk data", T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab"),
     true, HF_HTTP_BAD, 0, "connection closed after chunk data", ALL, 2},
    {"closed in the trailer", T("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"), true,
     HF_HTTP_BAD, 0, "connection closed in the trailer", ALL, 0},
};

typedef struct {
    hf_http_result_t r;
    unsigned status;
    const char *error;
    size_t used;
    uint32_t body;
} outcome_t;

/* Feed `text` in pieces ending at cuts[0..n) (the last one is len), then the end if `eof`. */
static outcome_t feed(const char *text, const size_t *cuts, size_t n, bool eof) {
    hf_http_parser_t p;
    hf_http_parser_init(&p);
    outcome_t o = {HF_HTTP_MORE, 0, NULL, 0, 0};
    size_t at = 0;
    for (size_t i = 0; i < n && o.r == HF_HTTP_MORE; i++) {
        size_t used = 0;
        o.r = hf_http_parse(&p, text + at, cuts[i] - at, &used);
        assert_true(used <= cuts[i] - at);
        if (o.r == HF_HTTP_MORE) {
            assert_int_equal(used, cuts[i] - at); /* nothing is left over mid-response */
        }
        o.used += used;
        at = cuts[i];
    }
    if (o.r == HF_HTTP_MORE && eof) {
        o.r = hf_http_parse_eof(&p);
    }
    if (o.r == HF_HTTP_DONE) {
        o.status = p.status;
        size_t used = 1;
        assert_int_equal(hf_http_parse(&p, "x", 1, &used), HF_HTTP_DONE); /* and stays so */
        assert_int_equal(used, 0);
    }
    o.error = o.r == HF_HTTP_BAD ? p.error : NULL;
    o.body = p.body;
    return o;
}

static void check(const resp_case_t *c, const outcome_t *o, const char *how) {
    size_t want_used = c->used == ALL ? c->len : c->used;
    if (o->r != c->want || o->status != c->status || o->used != want_used || o->body != c->body ||
        (c->error == NULL) != (o->error == NULL) ||
        (c->error != NULL && strcmp(c->error, o->error) != 0)) {
        fail_msg("%s (%s): got result %d status %u used %zu body %lu error '%s'; expected %d %u "
                 "%zu %lu '%s'",
                 c->name, how, o->r, o->status, o->used, (unsigned long)o->body,
                 o->error ? o->error : "", c->want, c->status, want_used, (unsigned long)c->body,
                 c->error ? c->error : "");
    }
}

static void test_every_split(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const resp_case_t *c = &cases[k];
        size_t whole = c->len;
        outcome_t o = feed(c->text, &whole, 1, c->eof);
        check(c, &o, "whole");
        for (size_t cut = 0; cut <= c->len; cut++) {
            size_t cuts[2] = {cut, c->len};
            o = feed(c->text, cuts, 2, c->eof);
            char how[32];
            snprintf(how, sizeof how, "split at %zu", cut);
            check(c, &o, how);
        }
        size_t *bytes = malloc((c->len + 1u) * sizeof *bytes);
        assert_non_null(bytes);
        for (size_t i = 0; i < c->len; i++) {
            bytes[i] = i + 1u;
        }
        o = feed(c->text, bytes, c->len, c->eof);
        check(c, &o, "byte by byte");
        free(bytes);
    }
}

/* Just at a limit (over false) the response is whole; one over, it is malformed with `error`,
 * found after `used` bytes (0: do not check). */
static void at_limit(const char *text, size_t len, bool over, const char *error, size_t used) {
    outcome_t o = feed(text, &len, 1, false);
    if (!over) {
        assert_int_equal(o.r, HF_HTTP_DONE);
        return;
    }
    assert_int_equal(o.r, HF_HTTP_BAD);
    assert_string_equal(o.error, error);
    if (used != 0u) {
        assert_int_equal(o.used, used);
    }
}

/* Built inputs: the longest line, then one byte more; the most header lines, then one more. */
static void test_limits(void **state) {
    (void)state;
    static char text[HF_CFG_HTTP_LINE_MAX * (HF_CFG_HTTP_HEADERS_MAX + 4u)];
    for (size_t over = 0; over < 2; over++) {
        size_t len = (size_t)sprintf(text, "HTTP/1.1 200 ");
        while (len < HF_CFG_HTTP_LINE_MAX - 2u + over) { /* the CR LF make it the limit */
            text[len++] = 'r';
        }
        len += (size_t)sprintf(text + len, "\r\nContent-Length: 0\r\n\r\n");
        at_limit(text, len, over, "status line: line too long", HF_CFG_HTTP_LINE_MAX);

        len = (size_t)sprintf(text, "HTTP/1.1 200 OK\r\n");
        for (size_t i = 0; i < HF_CFG_HTTP_HEADERS_MAX - 1u + over; i++) {
            len += (size_t)sprintf(text + len, "X-%zu: v\r\n", i);
        }
        len += (size_t)sprintf(text + len, "Content-Length: 0\r\n\r\n");
        at_limit(text, len, over, "header: too many lines", 0);
    }
}

/* ---- the request ---------------------------------------------------------------------------- */

static void test_request(void **state) {
    (void)state;
    static const char want[] = "POST /events?x=1 HTTP/1.1\r\n"
                               "Host: 127.0.0.1:8080\r\n"
                               "Content-Type: application/json\r\n"
                               "Content-Length: 9\r\n"
                               "Connection: close\r\n"
                               "\r\n"
                               "{\"a\":\"b\"}";
    char buf[sizeof want + 8];
    size_t n = hf_http_build_post(buf, sizeof buf, "127.0.0.1:8080", "/events?x=1", NULL,
                                  "{\"a\":\"b\"}", 9);
    assert_int_equal(n, sizeof want - 1u);
    assert_memory_equal(buf, want, sizeof want); /* terminator included */
    /* too small, by any amount: 0, and nothing written past the capacity */
    for (size_t cap = 0; cap < sizeof want; cap++) {
        memset(buf, '#', sizeof buf);
        assert_int_equal(
            hf_http_build_post(buf, cap, "127.0.0.1:8080", "/events?x=1", NULL, "{\"a\":\"b\"}", 9),
            0);
        for (size_t i = cap; i < sizeof buf; i++) {
            assert_int_equal(buf[i], '#');
        }
    }
    /* and it parses as a request would: the body is where Content-Length says */
    assert_ptr_equal(strstr(want, "\r\n\r\n") + 4 + 9, want + sizeof want - 1u);
}

/* ---- URLs ----------------------------------------------------------------------------------- */

static void test_url(void **state) {
    (void)state;
    static const struct {
        const char *url, *host, *host_header, *path;
        unsigned port, scheme;
    } good[] = {
        {"http://example.org", "example.org", "example.org", "/", 80, HF_URL_HTTP},
        {"http://127.0.0.1:8080/events?x=1", "127.0.0.1", "127.0.0.1:8080", "/events?x=1", 8080,
         HF_URL_HTTP},
        {"http://[::1]:9000/a", "::1", "[::1]:9000", "/a", 9000, HF_URL_HTTP},
        {"http://host:80/p", "host", "host", "/p", 80, HF_URL_HTTP},
        {"http://a-b.c:65535/", "a-b.c", "a-b.c:65535", "/", 65535, HF_URL_HTTP},
        {"https://example.org/hook", "example.org", "example.org", "/hook", 443, HF_URL_HTTPS},
        {"https://h:80/", "h", "h:80", "/", 80, HF_URL_HTTPS},
        {"mqtt://broker/home/porch", "broker", "broker", "/home/porch", 1883, HF_URL_MQTT},
        {"mqtts://b:1884/t", "b", "b:1884", "/t", 1884, HF_URL_MQTTS},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        hf_http_url_t u;
        const char *why = NULL;
        assert_true(hf_http_url_parse(good[i].url, &u, &why));
        assert_string_equal(u.host, good[i].host);
        assert_string_equal(u.host_header, good[i].host_header);
        assert_string_equal(u.path, good[i].path);
        assert_int_equal(u.port, good[i].port);
        assert_int_equal(u.scheme, good[i].scheme);
        assert_int_equal(u.tls, good[i].scheme == HF_URL_HTTPS || good[i].scheme == HF_URL_MQTTS);
    }
    static char long_host[300], long_path[300];
    snprintf(long_host, sizeof long_host, "http://%0254d/", 0);
    snprintf(long_path, sizeof long_path, "http://h/%0255d", 0);
    static const struct {
        const char *url, *why;
    } bad[] = {
        {"ftp://x/", "must start with http://, https://, mqtt:// or mqtts://"},
        {"HTTP://x/", "must start with http://, https://, mqtt:// or mqtts://"},
        {"mqtt://b", "the topic (the path) must be there, without '+', '#' or a '/' at its end"},
        {"mqtt://b/", "the topic (the path) must be there, without '+', '#' or a '/' at its end"},
        {"mqtts://b/a/+", "the topic (the path) must be there, without '+', '#' or a '/' at its "
                          "end"},
        {"mqtt://b/a/", "the topic (the path) must be there, without '+', '#' or a '/' at its "
                        "end"},
        {"http://", "no host name"},
        {"http://:80/", "no host name"},
        {"http://host:0/", "port must be a number from 1 to 65535"},
        {"http://host:65536/", "port must be a number from 1 to 65535"},
        {"http://host:/", "port must be a number from 1 to 65535"},
        {"http://host:8x/",
         "unexpected character after the host (userinfo, query without a path?)"},
        {"http://user@host/", "unexpected character after the host (userinfo, query without a "
                              "path?)"},
        {"http://host?x", "unexpected character after the host (userinfo, query without a path?)"},
        {"http://host/a b", "path has a space, a control character, '#' or a non-ASCII byte"},
        {"http://host/a#f", "path has a space, a control character, '#' or a non-ASCII byte"},
        {"http://[::1/", "IPv6 address without its closing ']'"},
        {"http://[zz]/", "bad IPv6 address"},
        {long_host, "host name longer than 253 characters"},
        {long_path, "path longer than 255 characters"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hf_http_url_t u;
        const char *why = NULL;
        if (hf_http_url_parse(bad[i].url, &u, &why)) {
            fail_msg("'%s' was accepted", bad[i].url);
        }
        assert_string_equal(why, bad[i].why);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
