/* mbedTLS for the Pico W notify transport (altcp_tls, NOTIFY_CA_FILE): a TLS 1.2 client only,
 * ECDHE with ECDSA or RSA certificates, AES-GCM, the server's certificate checked against the
 * embedded CA and the host name.
 *
 * Memory: every allocation comes from lwIP's heap (MBEDTLS_PLATFORM_MEMORY; altcp_tls routes
 * it to mem_malloc, MEM_SIZE in lwipopts.h), so TLS can never take more than that array. The
 * record buffers dominate: 16384 bytes in (a server may send records of the full size TLS
 * allows: the SDK's altcp_tls cannot ask for less) and 2048 out (a notification is at most
 * HF_CFG_NOTIFY_REQUEST_MAX, 1024, bytes).
 *
 * The board has no wall clock: MBEDTLS_HAVE_TIME (which altcp_tls needs) counts from boot
 * (mbedtls_ms_time() in net_lwip.c), and MBEDTLS_HAVE_TIME_DATE is off, so a certificate's
 * validity dates are not checked on the Pico (the host checks them). */
#ifndef HANDOFF_MBEDTLS_CONFIG_H
#define HANDOFF_MBEDTLS_CONFIG_H

#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* altcp_tls reaches into mbedTLS's structs */

/* platform: the Pico's random number generator, lwIP's heap */
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_PLATFORM_MS_TIME_ALT

/* TLS 1.2 client */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED

/* certificates */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21

/* public-key arithmetic */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM

/* symmetric, hashes, random */
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

#endif
