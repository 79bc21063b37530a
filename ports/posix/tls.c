/* TLS over any transport of notify.h, with mbedTLS: a non-blocking handshake and records, the
 * server's certificate checked against a CA file and the host name. */
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <stdio.h>
#include <string.h>

#include "handoff/tls_mbedtls.h"

/* ---- the records' path over the inner transport --------------------------------------------- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
    hf_tls_t *t = ctx;
    int32_t r = t->inner->ops->send(t->inner, buf, len);
    if (r > 0) {
        return (int)r;
    }
    if (r == HF_NET_AGAIN || r == 0) {
        t->want = HF_NET_WANT_WRITE;
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    t->inner_err = r;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
    hf_tls_t *t = ctx;
    int32_t r = t->inner->ops->recv(t->inner, buf, len);
    if (r >= 0) {
        return (int)r; /* 0: the peer closed (mbedTLS reports MBEDTLS_ERR_SSL_CONN_EOF) */
    }
    if (r == HF_NET_AGAIN) {
        t->want = HF_NET_WANT_READ;
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    t->inner_err = r;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- the transport -------------------------------------------------------------------------- */

static void tls_close(hf_transport_t *base) {
    hf_tls_t *t = (hf_tls_t *)base;
    if (t->state == HF__TLS_OPEN) {
        (void)mbedtls_ssl_close_notify(&t->ssl); /* once, if the socket takes it now */
    }
    t->inner->ops->close(t->inner);
    (void)mbedtls_ssl_session_reset(&t->ssl);
    t->state = HF__TLS_CLOSED;
    t->want = 0;
}

/* An mbedTLS error r (not WANT_*) ended a call: close, and say why. */
static int32_t tls_fail(hf_tls_t *t, int r) {
    int32_t why = HF_NET_TLS_HANDSHAKE;
    if ((r == MBEDTLS_ERR_NET_SEND_FAILED || r == MBEDTLS_ERR_NET_RECV_FAILED) &&
        t->inner_err < 0) {
        why = t->inner_err;
    } else if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);
        why = (flags & (MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_MISSING))
                  ? HF_NET_TLS_UNTRUSTED
              : (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
                  ? HF_NET_TLS_EXPIRED
              : (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) ? HF_NET_TLS_HOST
                                                           : HF_NET_TLS_UNTRUSTED;
    } else if (t->state == HF__TLS_OPEN) {
        why = HF_NET_ERROR; /* a bad record or an alert on an open connection */
    }
    tls_close(&t->base);
    return why;
}

/* @return true when r asks to call again later (t->want says for what). */
static bool again(hf_tls_t *t, int r) {
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) {
        t->want = r == MBEDTLS_ERR_SSL_WANT_READ ? HF_NET_WANT_READ : HF_NET_WANT_WRITE;
        return true;
    }
    return false;
}

static int32_t tls_connect(hf_transport_t *base) {
    hf_tls_t *t = (hf_tls_t *)base;
    if (t->state == HF__TLS_OPEN) {
        return HF_NET_OK;
    }
    if (t->state == HF__TLS_CLOSED) {
        t->state = HF__TLS_TCP;
        t->want = 0;
        t->inner_err = 0;
    }
    if (t->state == HF__TLS_TCP) {
        int32_t r = t->inner->ops->connect(t->inner);
        if (r != HF_NET_OK) {
            if (r != HF_NET_AGAIN) {
                t->state = HF__TLS_CLOSED; /* the inner transport closed itself */
            }
            return r;
        }
        t->state = HF__TLS_HANDSHAKE;
    }
    /* One step of the handshake per call: the loop runs between steps, so one call holds it
     * for at most one public-key operation (a certificate's signature, the key exchange). */
    t->want = 0;
    int r = mbedtls_ssl_handshake_step(&t->ssl);
    if (r == 0 && t->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER) {
        t->state = HF__TLS_OPEN;
        return HF_NET_OK;
    }
    return r == 0 || again(t, r) ? HF_NET_AGAIN : tls_fail(t, r);
}

static int32_t tls_send(hf_transport_t *base, const void *buf, size_t len) {
    hf_tls_t *t = (hf_tls_t *)base;
    if (t->state != HF__TLS_OPEN) {
        return HF_NET_ERROR;
    }
    int r = mbedtls_ssl_write(&t->ssl, buf, len > INT32_MAX ? INT32_MAX : len);
    if (r >= 0) {
        t->want = 0;
        return (int32_t)r;
    }
    return again(t, r) ? HF_NET_AGAIN : tls_fail(t, r);
}

static int32_t tls_recv(hf_transport_t *base, void *buf, size_t cap) {
    hf_tls_t *t = (hf_tls_t *)base;
    if (t->state != HF__TLS_OPEN) {
        return HF_NET_ERROR;
    }
    int r = mbedtls_ssl_read(&t->ssl, buf, cap > INT32_MAX ? INT32_MAX : cap);
    if (r >= 0) {
        t->want = 0;
        return (int32_t)r;
    }
    if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF) {
        return 0; /* the end of the stream: the parsers judge whether the reply was whole */
    }
    return again(t, r) ? HF_NET_AGAIN : tls_fail(t, r);
}

static void tls_watch(hf_transport_t *base, unsigned want) {
    hf_tls_t *t = (hf_tls_t *)base;
    bool now = t->state == HF__TLS_HANDSHAKE
                   ? t->want == 0u /* the next step needs no I/O: go on after other tasks */
                   : t->state == HF__TLS_OPEN && (want & HF_NET_WANT_READ) != 0u &&
                         (mbedtls_ssl_get_bytes_avail(&t->ssl) > 0u ||
                          mbedtls_ssl_check_pending(&t->ssl)); /* buffered: the socket is quiet */
    if (now) {
        hf_flag_set(&t->base.ready);
        return;
    }
    t->inner->ops->watch(t->inner, t->want != 0u ? t->want : want);
}

static const hf_transport_ops_t tls_ops = {tls_connect, tls_send, tls_recv, tls_close, tls_watch};

bool hf_tls_init(hf_tls_t *t, hf_transport_t *inner, const char *host, const char *ca_file,
                 char *err, size_t errlen) {
    static const char pers[] = "handoff tls";
    char why[128];
    memset(t, 0, sizeof *t);
    t->base.ops = &tls_ops;
    t->inner = inner;
    inner->wake = &t->base.ready;
    mbedtls_entropy_init(&t->entropy);
    mbedtls_ctr_drbg_init(&t->drbg);
    mbedtls_x509_crt_init(&t->ca);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_ssl_init(&t->ssl);
    int r = mbedtls_x509_crt_parse_file(&t->ca, ca_file);
    if (r != 0) {
        mbedtls_strerror(r, why, sizeof why);
        snprintf(err, errlen, "--ca-file '%s': %s", ca_file,
                 r == MBEDTLS_ERR_PK_FILE_IO_ERROR ? "cannot read it" : why);
        goto fail;
    }
    r = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
                              (const unsigned char *)pers, sizeof pers - 1u);
    if (r == 0) {
        r = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
                                        MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    }
    if (r == 0) {
        mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
        /* X25519 first: the cheapest key exchange of the three, so the longest step is short */
        static const mbedtls_ecp_group_id curves[] = {
            MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1,
            MBEDTLS_ECP_DP_NONE};
        mbedtls_ssl_conf_curves(&t->conf, curves);
        mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
        mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_3); /* TLS 1.2 */
        r = mbedtls_ssl_conf_max_frag_len(&t->conf, MBEDTLS_SSL_MAX_FRAG_LEN_4096);
    }
    if (r == 0) {
        r = mbedtls_ssl_setup(&t->ssl, &t->conf);
    }
    if (r == 0) {
        r = mbedtls_ssl_set_hostname(&t->ssl, host);
    }
    if (r != 0) {
        mbedtls_strerror(r, why, sizeof why);
        snprintf(err, errlen, "TLS set-up failed: %s", why);
        goto fail;
    }
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
    return true;
fail:
    hf_tls_free(t);
    return false;
}

void hf_tls_free(hf_tls_t *t) {
    if (t->state != HF__TLS_CLOSED) {
        tls_close(&t->base);
    }
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_x509_crt_free(&t->ca);
    mbedtls_ctr_drbg_free(&t->drbg);
    mbedtls_entropy_free(&t->entropy);
    t->inner->wake = NULL;
}
