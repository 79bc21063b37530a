/* lwIP options for the Pico W boards' notify transport (pico_cyw43_arch_lwip_threadsafe_background:
 * no OS, lwIP runs in the SDK's background context). Small: one TCP connection at a time. */
#ifndef HANDOFF_LWIPOPTS_H
#define HANDOFF_LWIPOPTS_H

#define NO_SYS          1
#define LWIP_SOCKET     0
#define LWIP_NETCONN    0
#define MEM_LIBC_MALLOC 0
#define MEM_ALIGNMENT   4
/* The lwIP heap; with TLS, mbedTLS allocates from it too (MBEDTLS_PLATFORM_MEMORY in
 * mbedtls_config.h): its record buffers (MBEDTLS_SSL_IN_CONTENT_LEN 16384 + OUT 2048 and their
 * overhead) and the handshake's numbers, so all of TLS is bounded by this array. */
#if HF_PICO_TLS
#define MEM_SIZE 40000
#else
#define MEM_SIZE 4000
#endif
#define MEMP_NUM_TCP_SEG   16
#define MEMP_NUM_ARP_QUEUE 10
#define PBUF_POOL_SIZE     16
#define LWIP_ARP           1
#define LWIP_ETHERNET      1
#define LWIP_ICMP          1
#define LWIP_RAW           1
#define TCP_MSS            1460
#if HF_PICO_TLS
#define TCP_WND (12 * TCP_MSS) /* a whole TLS record of 16 KB */
#else
#define TCP_WND (4 * TCP_MSS)
#endif
#define TCP_SND_BUF                    (4 * TCP_MSS)
#define TCP_SND_QUEUELEN               ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define LWIP_NETIF_STATUS_CALLBACK     1
#define LWIP_NETIF_LINK_CALLBACK       1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME            1
#define LWIP_NETIF_TX_SINGLE_PBUF      1
#define DHCP_DOES_ARP_CHECK            0
#define LWIP_DHCP_DOES_ACD_CHECK       0
#define LWIP_IPV4                      1
#define LWIP_TCP                       1
#define LWIP_UDP                       1
#define LWIP_DNS                       1
#define LWIP_DHCP                      1
#define LWIP_TCP_KEEPALIVE             1
#define LWIP_CHKSUM_ALGORITHM          3
#define LWIP_STATS                     0
#define LWIP_STATS_DISPLAY             0

/* The notify transport is altcp: plain TCP, or TLS (altcp_tls over the SDK's mbedTLS). */
#define LWIP_ALTCP 1
#if HF_PICO_TLS
#define LWIP_ALTCP_TLS         1
#define LWIP_ALTCP_TLS_MBEDTLS 1
#define ALTCP_MBEDTLS_AUTHMODE MBEDTLS_SSL_VERIFY_REQUIRED /* the CA and the host name */
#endif

#endif
