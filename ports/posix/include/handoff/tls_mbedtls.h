/**
 * @file tls_mbedtls.h
 * @brief TLS as a layer over any transport of notify.h, with mbedTLS: the layer is itself a
 *        transport (hf_transport_t), so the notifier runs HTTPS and MQTTS as it runs HTTP and
 *        MQTT. Non-blocking end to end: the handshake, every read and every write answer
 *        HF_NET_AGAIN while the inner transport would block, and watch() asks the inner
 *        transport for the direction mbedTLS needs, so the loop sleeps until the socket is
 *        ready, as for plain TCP. The handshake goes one step per call
 *        (mbedtls_ssl_handshake_step), the loop running other tasks between steps: a call
 *        holds the loop for at most one public-key operation.
 *
 * The server's certificate must chain to a CA of the CA file and name the host given at init
 * (mbedTLS checks the subjectAltName DNS names, else the common name; RFC 6125). A failed
 * handshake closes the connection and connect() returns HF_NET_TLS_UNTRUSTED,
 * HF_NET_TLS_HOST, HF_NET_TLS_EXPIRED or HF_NET_TLS_HANDSHAKE (hf_net_reason() words them),
 * or the inner transport's error.
 *
 * Memory: the layer asks the server for records of at most 4096 bytes (the max_fragment_length
 * extension, RFC 6066 section 4) and offers TLS 1.2 only. mbedTLS allocates its record
 * buffers itself while a connection is open: with Debian's build (2.28, MBEDTLS_SSL_IN_ and
 * OUT_CONTENT_LEN 16384, no MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH) they are about 16.7 KB each
 * whatever was negotiated; a build of mbedTLS of one's own shrinks them with those options.
 * All loop only.
 */
#ifndef HANDOFF_TLS_MBEDTLS_H
#define HANDOFF_TLS_MBEDTLS_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdbool.h>
#include <stddef.h>

#include "handoff/notify.h"

/** A TLS client layer over an inner transport. Treat the fields as private. */
typedef struct {
    hf_transport_t base;   /* first member: this is the transport the notifier uses */
    hf_transport_t *inner; /* the connection the records travel on */
    uint8_t state;         /* HF__TLS_* */
    uint8_t want;          /* HF_NET_WANT_* mbedTLS is waiting for, 0 when none */
    int32_t inner_err;     /* the inner transport's error that ended the last call */
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
} hf_tls_t;

enum { HF__TLS_CLOSED = 0, HF__TLS_TCP, HF__TLS_HANDSHAKE, HF__TLS_OPEN };

/**
 * Set @p t up over @p inner (whose readiness then wakes whoever awaits t->base.ready).
 * @param host    the server's name, to check the certificate against and to send as SNI
 * @param ca_file PEM file of the CA certificates to trust
 * @param err     on failure, receives one line naming the file and the problem
 * @return false when the CA file cannot be read or holds no certificate, or mbedTLS cannot
 *         start (then nothing needs freeing).
 */
bool hf_tls_init(hf_tls_t *t, hf_transport_t *inner, const char *host, const char *ca_file,
                 char *err, size_t errlen);

/** Close and release what hf_tls_init() set up (the CA, mbedTLS's state); the inner
 * transport's readiness sets its own flag again. Loop only. */
void hf_tls_free(hf_tls_t *t);

#endif
