/* How long one call of the TLS layer's connect() holds the loop during a handshake.
 *
 * The notifier calls connect() once per loop pass until the handshake is done; each call does
 * one step of mbedTLS's handshake (tls_mbedtls.h). This runs N handshakes of the host's TLS
 * layer (hf_tls_t over hf_posix_tcp_t, as --notify-url https:// uses it) against an mbedTLS
 * server in a thread on loopback, times every call that did work (CPU time of this thread,
 * so waiting for the server is not counted), and prints per handshake the number of calls
 * and the longest call, then the median and the largest over all handshakes.
 *
 * usage: bench-tls-steps CA CERT KEY [HANDSHAKES]   (bench/tls_steps.py makes the files) */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "handoff/posix_net.h"
#include "handoff/tls_mbedtls.h"

static struct {
    const char *cert, *key;
    int listener, handshakes;
} S;

/* The server: accepts each connection and completes a blocking handshake. */
static void *server(void *arg) {
    (void)arg;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    if (mbedtls_x509_crt_parse_file(&crt, S.cert) != 0 ||
        mbedtls_pk_parse_keyfile(&key, S.key, NULL) != 0 ||
        mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) != 0 ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        fprintf(stderr, "bench-tls-steps: server set-up failed\n");
        exit(1);
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_own_cert(&conf, &crt, &key);
    for (int i = 0; i < S.handshakes; i++) {
        mbedtls_net_context c = {accept(S.listener, NULL, NULL)};
        mbedtls_ssl_context ssl;
        mbedtls_ssl_init(&ssl);
        (void)mbedtls_ssl_setup(&ssl, &conf);
        mbedtls_ssl_set_bio(&ssl, &c, mbedtls_net_send, mbedtls_net_recv, NULL);
        int r = mbedtls_ssl_handshake(&ssl);
        if (r != 0) {
            fprintf(stderr, "bench-tls-steps: server handshake failed: -0x%04x\n", (unsigned)-r);
            exit(1);
        }
        unsigned char b;
        (void)mbedtls_ssl_read(&ssl, &b, 1); /* until the client closes */
        mbedtls_ssl_free(&ssl);
        mbedtls_net_free(&c);
    }
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&crt);
    return NULL;
}

static double cpu_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench-tls-steps CA CERT KEY [HANDSHAKES]\n");
        return 2;
    }
    S.cert = argv[2];
    S.key = argv[3];
    S.handshakes = argc > 4 ? atoi(argv[4]) : 20;
    if (S.handshakes < 1) {
        S.handshakes = 1;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    S.listener = socket(AF_INET, SOCK_STREAM, 0);
    if (S.listener < 0 || bind(S.listener, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(S.listener, 4) != 0 || getsockname(S.listener, (struct sockaddr *)&a, &al) != 0) {
        perror("bench-tls-steps: listen");
        return 1;
    }
    pthread_t th;
    pthread_create(&th, NULL, server, NULL);

    static hf_posix_tcp_t tcp;
    static hf_tls_t tls;
    char err[256];
    hf_posix_tcp_init(&tcp, (struct sockaddr *)&a, al);
    if (!hf_tls_init(&tls, &tcp.base, "localhost", argv[1], err, sizeof err)) {
        fprintf(stderr, "bench-tls-steps: %s\n", err);
        return 1;
    }
    double *longest = calloc((size_t)S.handshakes, sizeof *longest);
    printf("| handshake | calls | longest call (us) | all calls (us) |\n|---|---|---|---|\n");
    for (int i = 0; i < S.handshakes; i++) {
        int calls = 0;
        double total = 0;
        for (;;) {
            double t0 = cpu_us();
            int32_t r = tls.base.ops->connect(&tls.base);
            double dt = cpu_us() - t0;
            calls++;
            total += dt;
            longest[i] = dt > longest[i] ? dt : longest[i];
            if (r == HF_NET_OK) {
                break;
            }
            if (r != HF_NET_AGAIN) {
                fprintf(stderr, "bench-tls-steps: handshake failed: %s\n", hf_net_reason(r));
                return 1;
            }
            if (tls.want != 0u && tcp.fd >= 0) { /* wait for the socket, as ppoll() would */
                struct pollfd p = {tcp.fd, tls.want == HF_NET_WANT_READ ? POLLIN : POLLOUT, 0};
                (void)poll(&p, 1, 5000);
            }
        }
        printf("| %d | %d | %.0f | %.0f |\n", i + 1, calls, longest[i], total);
        tls.base.ops->close(&tls.base);
    }
    pthread_join(th, NULL);
    hf_tls_free(&tls);
    qsort(longest, (size_t)S.handshakes, sizeof *longest, cmp);
    printf("\nlongest call of a handshake: median %.0f us, largest %.0f us (%d handshakes, "
           "mbedTLS %s, P-256 keys)\n",
           longest[S.handshakes / 2], longest[S.handshakes - 1], S.handshakes,
           MBEDTLS_VERSION_STRING);
    free(longest);
    return 0;
}
