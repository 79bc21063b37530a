/* HTTP/1.1 client without I/O: the response parser, the request builder, the URL parser. */
#include "handoff/http.h"

#include <stdio.h>
#include <string.h>

/* ---- response parser ------------------------------------------------------------------------ */

enum { HF__HTTP_F_STARTED = 1u << 2 }; /* a byte has been fed */

/* The same complaint about a line, by the place the line belongs to (indexed by state). */
#define BY_PLACE(what)                                                                             \
    {                                                                                              \
        [HF__HTTP_STATUS] = "status line: " what, [HF__HTTP_HEADER] = "header: " what,             \
        [HF__HTTP_CHUNK_SIZE] = "chunk size: " what, [HF__HTTP_CHUNK_END] = "chunk end: " what,    \
        [HF__HTTP_TRAILER] = "trailer: " what,                                                     \
    }
static const char *const too_long[HF__HTTP_DONE] = BY_PLACE("line too long");
static const char *const control_char[HF__HTTP_DONE] = BY_PLACE("control character");
static const char *const stray_cr[HF__HTTP_DONE] = BY_PLACE("CR not followed by LF");

static const char *const closed_in[HF__HTTP_DONE] = {
    [HF__HTTP_STATUS] = "connection closed in the status line",
    [HF__HTTP_HEADER] = "connection closed in the headers",
    [HF__HTTP_BODY_LEN] = "connection closed before the end of the body (Content-Length)",
    [HF__HTTP_CHUNK_SIZE] = "connection closed in a chunk size line",
    [HF__HTTP_CHUNK_DATA] = "connection closed in chunk data",
    [HF__HTTP_CHUNK_END] = "connection closed after chunk data",
    [HF__HTTP_TRAILER] = "connection closed in the trailer",
};

static hf_http_result_t bad(hf_http_parser_t *p, const char *why) {
    p->state = HF__HTTP_BAD;
    p->error = why;
    return HF_HTTP_BAD;
}

static hf_http_result_t done(hf_http_parser_t *p) {
    p->state = HF__HTTP_DONE;
    return HF_HTTP_DONE;
}

void hf_http_parser_init(hf_http_parser_t *p) {
    memset(p, 0, sizeof *p);
    p->state = HF__HTTP_STATUS;
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static int hex_value(char c) {
    if (is_digit(c)) {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* RFC 9110 token characters (header names). */
static bool is_tchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Case-insensitive: s[0..n) equals the lower-case literal lit. */
static bool ieq(const char *s, size_t n, const char *lit) {
    if (strlen(lit) != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != lit[i]) {
            return false;
        }
    }
    return true;
}

static bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

/* HTTP/1.x SP 3DIGIT [SP reason] */
static hf_http_result_t status_line(hf_http_parser_t *p) {
    const char *l = p->line;
    size_t n = p->line_len;
    if (n < 8 || memcmp(l, "HTTP/1.", 7) != 0 || !is_digit(l[7])) {
        return bad(p, "status line: not HTTP/1.x");
    }
    if (n < 12 || l[8] != ' ' || !is_digit(l[9]) || !is_digit(l[10]) || !is_digit(l[11]) ||
        (n > 12 && l[12] != ' ')) {
        return bad(p, "status line: expected a 3-digit status code after the version");
    }
    unsigned code =
        (unsigned)(l[9] - '0') * 100u + (unsigned)(l[10] - '0') * 10u + (unsigned)(l[11] - '0');
    if (code < 100u || code > 599u) {
        return bad(p, "status line: status code not in 100..599");
    }
    if (code == 101u) {
        return bad(p, "status line: unexpected 101 Switching Protocols");
    }
    p->status = (uint16_t)code;
    p->flags &= (uint8_t) ~(HF__HTTP_F_LENGTH | HF__HTTP_F_CHUNKED);
    p->state = HF__HTTP_HEADER;
    return HF_HTTP_MORE;
}

static hf_http_result_t content_length(hf_http_parser_t *p, const char *v, size_t n) {
    uint32_t len = 0;
    if (n == 0) {
        return bad(p, "header: bad Content-Length");
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(v[i])) {
            return bad(p, "header: bad Content-Length");
        }
        uint32_t d = (uint32_t)(v[i] - '0');
        if (len > (UINT32_MAX - d) / 10u) {
            return bad(p, "header: Content-Length too large");
        }
        len = len * 10u + d;
    }
    if ((p->flags & HF__HTTP_F_LENGTH) && p->length != len) {
        return bad(p, "header: conflicting Content-Length");
    }
    p->flags |= HF__HTTP_F_LENGTH;
    p->length = len;
    return HF_HTTP_MORE;
}

/* The last transfer coding must be chunked (RFC 9112 6.1); the others do not matter here. */
static hf_http_result_t transfer_encoding(hf_http_parser_t *p, const char *v, size_t n) {
    size_t start = n;
    while (start > 0 && v[start - 1] != ',') {
        start--;
    }
    while (start < n && is_ows(v[start])) {
        start++;
    }
    if (!ieq(v + start, n - start, "chunked")) {
        return bad(p, "header: unsupported Transfer-Encoding (the last coding must be chunked)");
    }
    p->flags |= HF__HTTP_F_CHUNKED;
    return HF_HTTP_MORE;
}

/* The empty line after the headers: where does the body end? */
static hf_http_result_t headers_end(hf_http_parser_t *p) {
    if (p->status < 200u) { /* an interim response (100 Continue): the real one follows */
        p->state = HF__HTTP_STATUS;
        return HF_HTTP_MORE;
    }
    if (p->status == 204u || p->status == 304u) {
        return done(p);
    }
    if (p->flags & HF__HTTP_F_CHUNKED) { /* wins over Content-Length (RFC 9112 6.3) */
        p->state = HF__HTTP_CHUNK_SIZE;
    } else if (p->flags & HF__HTTP_F_LENGTH) {
        p->remain = p->length;
        p->state = HF__HTTP_BODY_LEN;
        if (p->remain == 0u) {
            return done(p);
        }
    } else {
        p->state = HF__HTTP_BODY_EOF;
    }
    return HF_HTTP_MORE;
}

/* A header or trailer line, or the empty line that ends them. */
static hf_http_result_t field_line(hf_http_parser_t *p) {
    const char *l = p->line;
    size_t n = p->line_len;
    bool trailer = p->state == HF__HTTP_TRAILER;
    if (n == 0) {
        return trailer ? done(p) : headers_end(p);
    }
    if (++p->lines > HF_CFG_HTTP_HEADERS_MAX) {
        return bad(p, trailer ? "trailer: too many lines" : "header: too many lines");
    }
    if (is_ows(l[0])) {
        return bad(p, trailer ? "trailer: obsolete line folding" : "header: obsolete line folding");
    }
    size_t colon = 0;
    while (colon < n && is_tchar(l[colon])) {
        colon++;
    }
    if (colon == 0 || colon == n || l[colon] != ':') {
        return bad(p,
                   trailer ? "trailer: expected 'Name: value'" : "header: expected 'Name: value'");
    }
    if (trailer) {
        return HF_HTTP_MORE;
    }
    size_t v = colon + 1u, end = n;
    while (v < end && is_ows(l[v])) {
        v++;
    }
    while (end > v && is_ows(l[end - 1u])) {
        end--;
    }
    if (ieq(l, colon, "content-length")) {
        return content_length(p, l + v, end - v);
    }
    if (ieq(l, colon, "transfer-encoding")) {
        return transfer_encoding(p, l + v, end - v);
    }
    return HF_HTTP_MORE;
}

/* 1*HEXDIG [BWS] [";" extensions] */
static hf_http_result_t chunk_size_line(hf_http_parser_t *p) {
    const char *l = p->line;
    size_t n = p->line_len, i = 0;
    uint32_t size = 0;
    for (; i < n && hex_value(l[i]) >= 0; i++) {
        if (size > 0x0FFFFFFFu) {
            return bad(p, "chunk size: too large");
        }
        size = size * 16u + (uint32_t)hex_value(l[i]);
    }
    size_t digits = i;
    while (i < n && is_ows(l[i])) {
        i++;
    }
    if (digits == 0 || (i < n && l[i] != ';')) {
        return bad(p, "chunk size: not a hex number");
    }
    if (size == 0u) {
        p->state = HF__HTTP_TRAILER;
    } else {
        p->remain = size;
        p->state = HF__HTTP_CHUNK_DATA;
    }
    return HF_HTTP_MORE;
}

static hf_http_result_t line_complete(hf_http_parser_t *p) {
    switch (p->state) {
    case HF__HTTP_STATUS:
        return status_line(p);
    case HF__HTTP_CHUNK_SIZE:
        return chunk_size_line(p);
    case HF__HTTP_CHUNK_END:
        if (p->line_len != 0u) {
            return bad(p, "chunk end: data longer than the chunk size");
        }
        p->state = HF__HTTP_CHUNK_SIZE;
        return HF_HTTP_MORE;
    default: /* header or trailer */
        return field_line(p);
    }
}

/* One byte of a line-oriented part. Lines end in CRLF or a bare LF. */
static hf_http_result_t line_byte(hf_http_parser_t *p, char c) {
    bool cr_last = p->line_len > 0u && p->line[p->line_len - 1u] == '\r';
    if (c == '\n') {
        p->line_len = (uint16_t)(p->line_len - (cr_last ? 1u : 0u));
        hf_http_result_t r = line_complete(p);
        p->line_len = 0;
        return r;
    }
    if (cr_last) {
        return bad(p, stray_cr[p->state]);
    }
    unsigned char u = (unsigned char)c;
    if ((u < 0x20u && c != '\t' && c != '\r') || u == 0x7Fu) {
        return bad(p, control_char[p->state]);
    }
    if (p->line_len >= HF_CFG_HTTP_LINE_MAX - 1u) { /* the LF must fit too */
        return bad(p, too_long[p->state]);
    }
    p->line[p->line_len++] = c;
    return HF_HTTP_MORE;
}

static void count_body(hf_http_parser_t *p, size_t n) {
    p->body = n > UINT32_MAX - p->body ? UINT32_MAX : p->body + (uint32_t)n;
}

hf_http_result_t hf_http_parse(hf_http_parser_t *p, const void *data, size_t len, size_t *used) {
    const char *b = data;
    size_t i = 0;
    hf_http_result_t r = HF_HTTP_MORE;
    if (p->state == HF__HTTP_DONE || p->state == HF__HTTP_BAD) {
        *used = 0;
        return p->state == HF__HTTP_DONE ? HF_HTTP_DONE : HF_HTTP_BAD;
    }
    if (len > 0u) {
        p->flags |= HF__HTTP_F_STARTED;
    }
    while (i < len && r == HF_HTTP_MORE) {
        size_t take;
        switch (p->state) {
        case HF__HTTP_BODY_LEN:
        case HF__HTTP_CHUNK_DATA:
            take = len - i < p->remain ? len - i : p->remain;
            i += take;
            count_body(p, take);
            p->remain -= (uint32_t)take;
            if (p->remain == 0u) {
                if (p->state == HF__HTTP_BODY_LEN) {
                    r = done(p);
                } else {
                    p->state = HF__HTTP_CHUNK_END;
                }
            }
            break;
        case HF__HTTP_BODY_EOF:
            count_body(p, len - i);
            i = len;
            break;
        default:
            r = line_byte(p, b[i++]);
            break;
        }
    }
    *used = i;
    return r;
}

hf_http_result_t hf_http_parse_eof(hf_http_parser_t *p) {
    switch (p->state) {
    case HF__HTTP_DONE:
        return HF_HTTP_DONE;
    case HF__HTTP_BAD:
        return HF_HTTP_BAD;
    case HF__HTTP_BODY_EOF:
        return done(p);
    case HF__HTTP_STATUS:
        if (!(p->flags & HF__HTTP_F_STARTED)) {
            return bad(p, "connection closed before any reply");
        }
        return bad(p, closed_in[p->state]);
    default:
        return bad(p, closed_in[p->state]);
    }
}

/* ---- request -------------------------------------------------------------------------------- */

size_t hf_http_build_post(char *buf, size_t cap, const char *host, const char *path,
                          const char *token, const char *body, size_t body_len) {
    int n =
        snprintf(buf, cap,
                 "POST %s HTTP/1.1\r\n"
                 "Host: %s\r\n"
                 "Content-Type: application/json\r\n"
                 "Content-Length: %lu\r\n"
                 "Connection: close\r\n"
                 "%s%s%s"
                 "\r\n",
                 path, host, (unsigned long)body_len, token != NULL ? "Authorization: Bearer " : "",
                 token != NULL ? token : "", token != NULL ? "\r\n" : "");
    if (n < 0 || (size_t)n >= cap || body_len >= cap - (size_t)n) {
        return 0; /* the terminator needs room too */
    }
    memcpy(buf + n, body, body_len);
    buf[(size_t)n + body_len] = '\0';
    return (size_t)n + body_len;
}

/* ---- URL ------------------------------------------------------------------------------------ */

static bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.';
}

static bool fail(const char **why, const char *reason) {
    *why = reason;
    return false;
}

bool hf_http_url_parse(const char *url, hf_http_url_t *out, const char **why) {
    static const struct {
        const char *prefix;
        uint16_t port;
    } schemes[] = {{"http://", 80}, {"https://", 443}, {"mqtt://", 1883}, {"mqtts://", 8883}};
    memset(out, 0, sizeof *out);
    size_t s = 0;
    while (s < sizeof schemes / sizeof schemes[0] &&
           strncmp(url, schemes[s].prefix, strlen(schemes[s].prefix)) != 0) {
        s++;
    }
    if (s == sizeof schemes / sizeof schemes[0]) {
        return fail(why, "must start with http://, https://, mqtt:// or mqtts://");
    }
    out->scheme = (uint8_t)s;
    out->tls = s == HF_URL_HTTPS || s == HF_URL_MQTTS;
    const char *h = url + strlen(schemes[s].prefix), *p;
    size_t hl;
    bool v6 = *h == '[';
    if (v6) {
        p = strchr(h, ']');
        if (p == NULL) {
            return fail(why, "IPv6 address without its closing ']'");
        }
        h++;
        hl = (size_t)(p - h);
        if (hl < 2u || strspn(h, "0123456789abcdefABCDEF:.") != hl) {
            return fail(why, "bad IPv6 address");
        }
        p++;
    } else {
        hl = 0;
        while (is_host_char(h[hl])) {
            hl++;
        }
        if (hl == 0) {
            return fail(why, "no host name");
        }
        p = h + hl;
    }
    if (hl > HF_HTTP_HOST_MAX) {
        return fail(why, "host name longer than 253 characters");
    }
    memcpy(out->host, h, hl);
    out->port = schemes[s].port;
    if (*p == ':') {
        unsigned long port = 0;
        size_t digits = 0;
        for (p++; is_digit(*p) && digits < 6u; p++, digits++) {
            port = port * 10u + (unsigned long)(*p - '0');
        }
        if (digits == 0 || is_digit(*p) || port == 0 || port > 65535u) {
            return fail(why, "port must be a number from 1 to 65535");
        }
        out->port = (uint16_t)port;
    }
    if (*p == '\0') {
        p = "/";
    } else if (*p != '/') {
        return fail(why, "unexpected character after the host (userinfo, query without a path?)");
    }
    size_t pl = strlen(p);
    if (pl > HF_HTTP_PATH_MAX) {
        return fail(why, "path longer than 255 characters");
    }
    for (size_t i = 0; i < pl; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= 0x20u || c >= 0x7Fu || c == '#') {
            return fail(why, "path has a space, a control character, '#' or a non-ASCII byte");
        }
    }
    bool mqtt = s == HF_URL_MQTT || s == HF_URL_MQTTS;
    if (mqtt && (pl < 2u || strpbrk(p, "+#") != NULL || p[pl - 1u] == '/')) {
        return fail(why,
                    "the topic (the path) must be there, without '+', '#' or a '/' at its end");
    }
    memcpy(out->path, p, pl + 1u);
    snprintf(out->host_header, sizeof out->host_header, v6 ? "[%s]" : "%s", out->host);
    if (out->port != schemes[s].port) {
        size_t l = strlen(out->host_header);
        snprintf(out->host_header + l, sizeof out->host_header - l, ":%u", (unsigned)out->port);
    }
    return true;
}
