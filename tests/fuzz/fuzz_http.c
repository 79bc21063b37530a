/* libFuzzer target: the HTTP response parser (and the URL parser) on any bytes.
 *
 * The first byte of the input chooses how the rest is cut into pieces; the rest is a response.
 * Fed whole, in pieces, and one byte at a time, the parser must reach the same result, status,
 * reason, bytes consumed and body count, stay within its buffers (ASan) and defined behaviour
 * (UBSan), give a reason with every error, and a final status only from 200 to 599. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handoff/http.h"

typedef struct {
    hf_http_result_t r;
    uint16_t status;
    const char *error;
    size_t used;
    uint32_t body;
} outcome_t;

/* Feed data in pieces of `step` bytes (0: whole), then the end of the connection if `eof`. */
static outcome_t feed(const uint8_t *data, size_t size, size_t step, int eof) {
    hf_http_parser_t p;
    hf_http_parser_init(&p);
    outcome_t o = {HF_HTTP_MORE, 0, NULL, 0, 0};
    for (size_t at = 0; at < size && o.r == HF_HTTP_MORE;) {
        size_t n = step == 0 || size - at < step ? size - at : step;
        size_t used = 0;
        o.r = hf_http_parse(&p, data + at, n, &used);
        if (used > n || (o.r == HF_HTTP_MORE && used != n)) {
            abort();
        }
        o.used += used;
        at += n;
    }
    if (o.r == HF_HTTP_MORE && eof) {
        o.r = hf_http_parse_eof(&p);
    }
    o.status = o.r == HF_HTTP_DONE ? p.status : 0;
    o.error = o.r == HF_HTTP_BAD ? p.error : NULL;
    o.body = p.body;
    if (o.r == HF_HTTP_BAD && (o.error == NULL || o.error[0] == '\0')) {
        abort();
    }
    if (o.r == HF_HTTP_DONE && (o.status < 200 || o.status > 599)) {
        abort();
    }
    return o;
}

static void same(const outcome_t *a, const outcome_t *b) {
    if (a->r != b->r || a->status != b->status || a->error != b->error || a->used != b->used ||
        a->body != b->body) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    size_t step = (size_t)(data[0] % 31u) + 1u;
    data++;
    size--;
    for (int eof = 0; eof < 2; eof++) {
        outcome_t whole = feed(data, size, 0, eof);
        outcome_t pieces = feed(data, size, step, eof);
        same(&whole, &pieces);
        if (size <= 4096) {
            outcome_t bytes = feed(data, size, 1, eof);
            same(&whole, &bytes);
        }
    }
    /* the same bytes as a URL: parsed or refused, never out of bounds */
    char url[512];
    size_t n = size < sizeof url - 1u ? size : sizeof url - 1u;
    memcpy(url, data, n);
    url[n] = '\0';
    hf_http_url_t u;
    const char *why = NULL;
    if (!hf_http_url_parse(url, &u, &why) && (why == NULL || why[0] == '\0')) {
        abort();
    }
    return 0;
}
