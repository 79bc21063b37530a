/**
 * @file http.h
 * @brief A sans-I/O HTTP/1.1 client: a request builder, an incremental response parser and a
 *        URL parser. No sockets, no clock, no heap: bytes in, results out, so it runs the same on
 *        POSIX sockets, lwIP or a test table.
 *
 * The parser takes a response in pieces split anywhere (one byte at a time, or all at once) and
 * always reaches the same result: the status line, headers, and a body delimited by
 * Content-Length, by chunked transfer coding, or by the end of the connection. The body is
 * counted and skipped (a notification only needs the status). Lines longer than
 * HF_CFG_HTTP_LINE_MAX, more than HF_CFG_HTTP_HEADERS_MAX header lines, or any malformed element
 * end the parse with HF_HTTP_BAD and a reason naming the place ("status line: ...",
 * "header: ...", "chunk size: ...").
 *
 * All functions are pure and loop only (they are not @isr_ok: they may take a while on long
 * input).
 */
#ifndef HANDOFF_HTTP_H
#define HANDOFF_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/** Result of feeding the parser. */
typedef enum {
    HF_HTTP_MORE = 0, /**< the response is not complete: feed more, or hf_http_parse_eof() */
    HF_HTTP_DONE = 1, /**< a complete final response: see status */
    HF_HTTP_BAD = -1  /**< malformed: see error; the parser stays in this state */
} hf_http_result_t;

/** A response parser: HF_CFG_HTTP_LINE_MAX + 26 bytes on a 32-bit core. status and error are
 * public, treat the other fields as private. */
typedef struct {
    uint16_t status;   /**< the final status code (100..599), valid after HF_HTTP_DONE */
    const char *error; /**< with HF_HTTP_BAD: what was wrong and where (a static string) */
    uint32_t body;     /**< body bytes seen so far (chunk framing not counted) */
    uint32_t remain;   /**< bytes left of the Content-Length body or of the current chunk */
    uint32_t length;   /**< the Content-Length value, when one was given */
    uint16_t line_len; /**< bytes of the current line in line[] */
    uint16_t lines;    /**< header and trailer lines so far */
    uint8_t state;     /**< HF__HTTP_* */
    uint8_t flags;     /**< HF__HTTP_F_* */
    char line[HF_CFG_HTTP_LINE_MAX];
} hf_http_parser_t;

/** Start parsing a new response. */
void hf_http_parser_init(hf_http_parser_t *p);

/**
 * Feed @p len bytes of the response.
 * @param used receives how many bytes were consumed: all of them unless the response ended
 *             inside them (HF_HTTP_DONE: the rest belongs to nothing) or they were malformed.
 * @return HF_HTTP_MORE, HF_HTTP_DONE (also on every later call) or HF_HTTP_BAD (the same).
 */
hf_http_result_t hf_http_parse(hf_http_parser_t *p, const void *data, size_t len, size_t *used);

/**
 * The connection ended. A body delimited by the end of the connection is then complete.
 * @return HF_HTTP_DONE, or HF_HTTP_BAD with a reason saying where the response was cut
 *         ("connection closed in the status line", ...).
 */
hf_http_result_t hf_http_parse_eof(hf_http_parser_t *p);

/**
 * Build a POST request with a JSON body into @p buf: request line, Host, Content-Type:
 * application/json, Content-Length, Connection: close, `Authorization: Bearer TOKEN` when
 * @p token is not NULL (RFC 6750 section 2.1), then the body.
 * @param host  the Host header value ("example.org" or "example.org:8080")
 * @param path  the request target, starting with '/'
 * @param token the bearer token (visible ASCII without spaces: the caller checks), or NULL
 * @return the length written (no terminator is counted; one is written when there is room), or
 *         0 when it does not fit in @p cap bytes (then @p buf holds nothing useful).
 */
size_t hf_http_build_post(char *buf, size_t cap, const char *host, const char *path,
                          const char *token, const char *body, size_t body_len);

/** Longest host name accepted in a URL. */
#define HF_HTTP_HOST_MAX 253u
/** Longest path (with query) accepted in a URL. */
#define HF_HTTP_PATH_MAX 255u

/** The scheme of a notification URL. */
typedef enum {
    HF_URL_HTTP = 0, /**< http://, default port 80 */
    HF_URL_HTTPS,    /**< https://, default port 443: HTTP over TLS */
    HF_URL_MQTT,     /**< mqtt://, default port 1883: MQTT 3.1.1 (mqtt.h) */
    HF_URL_MQTTS     /**< mqtts://, default port 8883: MQTT over TLS */
} hf_url_scheme_t;

/** The parts of a notification URL. */
typedef struct {
    uint8_t scheme;                          /**< hf_url_scheme_t */
    bool tls;                                /**< https:// or mqtts:// */
    char host[HF_HTTP_HOST_MAX + 1u];        /**< name or address, without brackets */
    char host_header[HF_HTTP_HOST_MAX + 9u]; /**< the Host header: host, [v6], ":port" if not
                                                  the scheme's default */
    char path[HF_HTTP_PATH_MAX + 1u];        /**< "/" when the URL has none; for MQTT "/" and the
                                                  topic */
    uint16_t port;                           /**< the scheme's default when the URL has none */
} hf_http_url_t;

/**
 * Parse @p url of the form SCHEME://HOST[:PORT][/PATH], SCHEME one of http, https, mqtt, mqtts.
 * HOST is a name of letters, digits, '-' and '.', or an IPv6 address in brackets; PORT
 * 1..65535; PATH printable ASCII without spaces. For mqtt and mqtts the path after its '/' is
 * the topic: it must be there and may not hold the wildcards '+' or '#' (MQTT 3.1.1 section
 * 4.7.1: a PUBLISH topic has none), nor an empty level at its end.
 * @param why on failure, receives the reason (a static string)
 * @return true with @p out filled, or false.
 */
bool hf_http_url_parse(const char *url, hf_http_url_t *out, const char **why);

/* ---- internal ------------------------------------------------------------------------------- */

enum {
    HF__HTTP_STATUS = 0, /* reading the status line */
    HF__HTTP_HEADER,     /* reading header lines */
    HF__HTTP_BODY_LEN,   /* skipping a Content-Length body */
    HF__HTTP_BODY_EOF,   /* skipping a body that ends with the connection */
    HF__HTTP_CHUNK_SIZE, /* reading a chunk-size line */
    HF__HTTP_CHUNK_DATA, /* skipping chunk data */
    HF__HTTP_CHUNK_END,  /* reading the empty line after chunk data */
    HF__HTTP_TRAILER,    /* reading trailer lines */
    HF__HTTP_DONE,
    HF__HTTP_BAD
};
enum { HF__HTTP_F_LENGTH = 1u << 0, HF__HTTP_F_CHUNKED = 1u << 1 };

#endif
