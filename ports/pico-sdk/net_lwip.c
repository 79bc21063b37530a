/* Notifications on the Pico W boards: Wi-Fi through the CYW43 (cyw43_arch in its threadsafe
 * background mode) and lwIP's altcp API (TCP, or TLS with altcp_tls and the SDK's mbedTLS) as
 * the notify transport (notify.h).
 *
 * The network is configured when the firmware is built: WIFI_SSID, WIFI_PASSWORD, NOTIFY_URL,
 * NOTIFY_DEVICE, NOTIFY_TOKEN, NOTIFY_CA_FILE (embedded as HF_PICO_CA_PEM), NOTIFY_HA_DISCOVERY
 * (CMake options). With https:// or mqtts:// the server's certificate must chain to the
 * embedded CA and name the URL's host; altcp_tls runs the handshake in lwIP's background
 * context as the server's records arrive, and the connected callback comes when it is done.
 * hf_board_notify() starts joining the network and hands the notifier a transport; nothing here
 * blocks:
 * - connect() first makes sure the link is up, starting a new join when the network was lost
 *   (at most every JOIN_RETRY_MS), then resolves the host with lwIP's DNS, then connects. Until
 *   each step is done it answers HF_NET_AGAIN, and the notifier's connect time-out and backoff
 *   pace the attempts; events wait in the outbox meanwhile.
 * - lwIP's callbacks run in the SDK's background context, a low-priority interrupt: they only
 *   record what happened and set the transport's ready flag (hf_flag_set() is @isr_ok). Calls
 *   from the loop into lwIP hold cyw43_arch_lwip_begin()/end(), which keeps that context out.
 * - received data waits in the pbufs lwIP handed over; recv() copies it out and acknowledges it
 *   with tcp_recved(), so the window opens only as the notifier reads. */
#include <string.h>

#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/dns.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#if HF_PICO_TLS
#include "lwip/altcp_tls.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/ssl.h"
#include "notify_ca.h" /* HF_PICO_CA_PEM, generated from NOTIFY_CA_FILE */
#endif
#include "pico/cyw43_arch.h"
#include "pico/rand.h"

#include "handoff/http.h"
#include "handoff/notify.h"
#include "handoff/print.h"
#include "port_pico.h"

#if !defined(WIFI_SSID) || !defined(WIFI_PASSWORD) || !defined(NOTIFY_URL) ||                      \
    !defined(NOTIFY_DEVICE)
#error                                                                                             \
    "handoff_pico_notify: define WIFI_SSID, WIFI_PASSWORD, NOTIFY_URL and NOTIFY_DEVICE (strings) for the program"
#endif

#define JOIN_RETRY_MS 10000u

enum { NET_IDLE = 0, NET_RESOLVING, NET_RESOLVED, NET_CONNECTING, NET_CONNECTED, NET_FAILED };

typedef struct {
    hf_transport_t base; /* first member */
    struct altcp_pcb *pcb;
    struct pbuf *rx; /* received, not read yet */
    ip_addr_t addr;
    volatile uint8_t state;
    volatile int8_t failure;  /* hf_net_result_t of a failure */
    volatile bool eof;        /* the peer closed its side */
    volatile uint32_t verify; /* TLS: the certificate's verification flags (mbedTLS) */
    bool join_started;
    uint32_t join_ms; /* when the last join started */
} lwip_tcp_t;

static struct {
    lwip_tcp_t tcp;
    hf_http_url_t url;
    netif_ext_callback_t netif_cb;
    bool on;
#if HF_PICO_TLS
    struct altcp_tls_config *tls;
#endif
} W;

/* ---- lwIP callbacks (background context) ---------------------------------------------------- */

static void fail_cb(lwip_tcp_t *t, int8_t result) {
    t->failure = result;
    t->state = NET_FAILED;
    hf_flag_set(&t->base.ready);
}

static void dns_cb(const char *name, const ip_addr_t *addr, void *arg) {
    (void)name;
    lwip_tcp_t *t = arg;
    if (t->state != NET_RESOLVING) {
        return; /* closed meanwhile */
    }
    if (addr == NULL) {
        fail_cb(t, HF_NET_ERROR);
        return;
    }
    t->addr = *addr;
    t->state = NET_RESOLVED;
    hf_flag_set(&t->base.ready);
}

static err_t connected_cb(void *arg, struct altcp_pcb *pcb, err_t err) {
    (void)pcb;
    lwip_tcp_t *t = arg;
    if (err != ERR_OK) {
        fail_cb(t, HF_NET_ERROR);
        return err;
    }
    t->state = NET_CONNECTED;
    hf_flag_set(&t->base.ready);
    return ERR_OK;
}

static err_t recv_cb(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err) {
    (void)pcb;
    (void)err;
    lwip_tcp_t *t = arg;
    if (p == NULL) {
        t->eof = true;
    } else if (t->rx == NULL) {
        t->rx = p;
    } else {
        pbuf_cat(t->rx, p);
    }
    hf_flag_set(&t->base.ready);
    return ERR_OK;
}

static err_t sent_cb(void *arg, struct altcp_pcb *pcb, u16_t len) {
    (void)pcb;
    (void)len;
    hf_flag_set(&((lwip_tcp_t *)arg)->base.ready);
    return ERR_OK;
}

#if HF_PICO_TLS
/* mbedTLS's clock (MBEDTLS_PLATFORM_MS_TIME_ALT): milliseconds since boot. */
mbedtls_ms_time_t mbedtls_ms_time(void) {
    return (mbedtls_ms_time_t)to_ms_since_boot(get_absolute_time());
}

/* mbedTLS's verification of each certificate of the chain: the flags are kept for the reason. */
static int verify_cb(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    (void)crt;
    (void)depth;
    ((lwip_tcp_t *)arg)->verify |= *flags;
    return 0;
}

/* Why a handshake failed, from the verification flags. */
static int8_t tls_reason(uint32_t flags) {
    return (flags & (MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_MISSING))
               ? HF_NET_TLS_UNTRUSTED
           : (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
               ? HF_NET_TLS_EXPIRED
           : (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) ? HF_NET_TLS_HOST
                                                        : HF_NET_TLS_HANDSHAKE;
}
#endif

/* The connection is gone (lwIP frees the pcb): reset or refused, aborted, or (altcp_tls, ERR_CLSD
 * while connecting) a failed handshake. */
static void err_cb(void *arg, err_t err) {
    lwip_tcp_t *t = arg;
    bool connecting = t->state == NET_CONNECTING;
    t->pcb = NULL;
    int8_t why = err == ERR_RST ? (connecting ? HF_NET_REFUSED : HF_NET_RESET) : HF_NET_ERROR;
#if HF_PICO_TLS
    if (connecting && err == ERR_CLSD) {
        why = tls_reason(t->verify);
    }
#endif
    fail_cb(t, why);
}

/* The network came up or changed: a connect() waiting for it may go on. */
static void netif_cb(struct netif *netif, netif_nsc_reason_t reason,
                     const netif_ext_callback_args_t *args) {
    (void)netif;
    (void)reason;
    (void)args;
    hf_flag_set(&W.tcp.base.ready);
}

/* ---- the transport (loop) ------------------------------------------------------------------- */

static void drop_pcb(lwip_tcp_t *t) {
    if (t->pcb != NULL) {
        altcp_arg(t->pcb, NULL);
        altcp_recv(t->pcb, NULL);
        altcp_sent(t->pcb, NULL);
        altcp_err(t->pcb, NULL);
        if (altcp_close(t->pcb) != ERR_OK) {
            altcp_abort(t->pcb);
        }
        t->pcb = NULL;
    }
    if (t->rx != NULL) {
        pbuf_free(t->rx);
        t->rx = NULL;
    }
    t->eof = false;
    t->state = NET_IDLE;
}

static void net_close(hf_transport_t *base) {
    cyw43_arch_lwip_begin();
    drop_pcb((lwip_tcp_t *)base);
    cyw43_arch_lwip_end();
}

static void join(lwip_tcp_t *t) {
    uint32_t now = to_ms_since_boot(get_absolute_time());
    if (t->join_started && now - t->join_ms < JOIN_RETRY_MS) {
        return;
    }
    t->join_started = true;
    t->join_ms = now;
    const char *pw = WIFI_PASSWORD;
    if (cyw43_arch_wifi_connect_async(WIFI_SSID, pw[0] != '\0' ? pw : NULL,
                                      pw[0] != '\0' ? CYW43_AUTH_WPA2_AES_PSK : CYW43_AUTH_OPEN) !=
        0) {
        hf_log("Wi-Fi: cannot start joining '%s'", WIFI_SSID);
    }
}

/* Link up with an address? Start (again) joining the network when it is down or failed. */
static bool link_up(lwip_tcp_t *t) {
    int s = cyw43_tcpip_link_status(&cyw43_state, CYW43_ITF_STA);
    if (s == CYW43_LINK_UP) {
        return true;
    }
    if (s == CYW43_LINK_DOWN || s < 0) { /* down, failed, no network, bad password */
        join(t);
    }
    return false;
}

/* A new connection: TCP, or TLS over TCP that checks the server's name. NULL when out of
 * memory. */
static struct altcp_pcb *new_pcb(lwip_tcp_t *t) {
    u8_t type = IP_GET_TYPE(&t->addr);
#if HF_PICO_TLS
    struct altcp_pcb *pcb = altcp_tls_new(W.tls, type);
    mbedtls_ssl_context *ssl = pcb != NULL ? altcp_tls_context(pcb) : NULL;
    t->verify = 0;
    if (ssl != NULL && mbedtls_ssl_set_hostname(ssl, W.url.host) == 0) {
        mbedtls_ssl_set_verify(ssl, verify_cb, t);
        return pcb;
    }
    if (pcb != NULL) {
        altcp_abort(pcb);
    }
    return NULL;
#else
    (void)t;
    return altcp_tcp_new_ip_type(type);
#endif
}

static int32_t net_connect(hf_transport_t *base) {
    lwip_tcp_t *t = (lwip_tcp_t *)base;
    int32_t r = HF_NET_AGAIN;
    cyw43_arch_lwip_begin();
    if (t->state == NET_IDLE && link_up(t)) {
        t->state = NET_RESOLVING;
        err_t e = dns_gethostbyname(W.url.host, &t->addr, dns_cb, t);
        if (e == ERR_OK) {
            t->state = NET_RESOLVED;
        } else if (e != ERR_INPROGRESS) {
            t->state = NET_FAILED;
            t->failure = HF_NET_ERROR;
        }
    }
    if (t->state == NET_RESOLVED) {
        t->pcb = new_pcb(t);
        if (t->pcb == NULL) {
            t->state = NET_FAILED;
            t->failure = HF_NET_ERROR;
        } else {
            altcp_arg(t->pcb, t);
            altcp_recv(t->pcb, recv_cb);
            altcp_sent(t->pcb, sent_cb);
            altcp_err(t->pcb, err_cb);
            t->state = NET_CONNECTING;
            if (altcp_connect(t->pcb, &t->addr, W.url.port, connected_cb) != ERR_OK) {
                t->state = NET_FAILED;
                t->failure = HF_NET_ERROR;
            }
        }
    }
    if (t->state == NET_CONNECTED) {
        r = HF_NET_OK;
    } else if (t->state == NET_FAILED) {
        r = t->failure;
        drop_pcb(t);
    }
    cyw43_arch_lwip_end();
    return r;
}

static int32_t net_send(hf_transport_t *base, const void *buf, size_t len) {
    lwip_tcp_t *t = (lwip_tcp_t *)base;
    int32_t r;
    cyw43_arch_lwip_begin();
    if (t->state != NET_CONNECTED || t->pcb == NULL) {
        r = t->state == NET_FAILED ? t->failure : HF_NET_ERROR;
    } else {
        size_t n = len < altcp_sndbuf(t->pcb) ? len : altcp_sndbuf(t->pcb);
        err_t e = n == 0u ? ERR_MEM : altcp_write(t->pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_OK) {
            altcp_output(t->pcb);
            r = (int32_t)n;
        } else {
            r = e == ERR_MEM ? HF_NET_AGAIN : HF_NET_ERROR;
        }
    }
    cyw43_arch_lwip_end();
    return r;
}

static int32_t net_recv(hf_transport_t *base, void *buf, size_t cap) {
    lwip_tcp_t *t = (lwip_tcp_t *)base;
    int32_t r;
    cyw43_arch_lwip_begin();
    if (t->rx != NULL) {
        u16_t n = pbuf_copy_partial(t->rx, buf, (u16_t)(cap < 0xFFFFu ? cap : 0xFFFFu), 0);
        t->rx = pbuf_free_header(t->rx, n);
        if (t->pcb != NULL) {
            altcp_recved(t->pcb, n);
        }
        r = (int32_t)n;
    } else if (t->eof) {
        r = 0;
    } else if (t->state == NET_FAILED) {
        r = t->failure;
    } else {
        r = HF_NET_AGAIN;
    }
    cyw43_arch_lwip_end();
    return r;
}

static void net_watch(hf_transport_t *base, unsigned want) {
    (void)base;
    (void)want; /* every callback sets the ready flag itself */
}

static const hf_transport_ops_t lwip_ops = {net_connect, net_send, net_recv, net_close, net_watch};

bool hf_board_notify(hf_notify_cfg_t *cfg) {
    if (!hf_pico_cyw43_up()) {
        hf_log("Notify: no Wi-Fi (the CYW43 did not start)");
        return false; /* the SDK's async context does not exist: nothing may touch lwIP */
    }
    if (!W.on) {
        const char *why = NULL;
        if (!hf_http_url_parse(NOTIFY_URL, &W.url, &why)) {
            hf_log("Notify: NOTIFY_URL '%s': %s", NOTIFY_URL, why);
            return false;
        }
#if HF_PICO_TLS
        if (!W.url.tls) {
            hf_log("Notify: NOTIFY_URL '%s' is not https:// or mqtts://, but the firmware was "
                   "built for TLS",
                   NOTIFY_URL);
            return false;
        }
        static const char ca[] = HF_PICO_CA_PEM;
        W.tls = altcp_tls_create_config_client((const u8_t *)ca, sizeof ca);
        if (W.tls == NULL) {
            hf_log("Notify: NOTIFY_CA_FILE: no certificate in it, or out of memory");
            return false;
        }
#else
        if (W.url.tls) {
            hf_log("Notify: NOTIFY_URL '%s' needs TLS: build with NOTIFY_CA_FILE", NOTIFY_URL);
            return false;
        }
#endif
        W.tcp.base.ops = &lwip_ops;
        cyw43_arch_enable_sta_mode();
        cyw43_arch_lwip_begin();
        netif_add_ext_callback(&W.netif_cb, netif_cb);
        cyw43_arch_lwip_end();
        join(&W.tcp);
        W.on = true;
    }
    memset(cfg, 0, sizeof *cfg);
    cfg->transport = &W.tcp.base;
    cfg->host = W.url.host_header;
    cfg->path = W.url.path;
    cfg->device = NOTIFY_DEVICE;
    cfg->boot_id = get_rand_32();
    cfg->seed = get_rand_32();
    cfg->protocol = W.url.scheme >= HF_URL_MQTT ? HF_NOTIFY_MQTT : HF_NOTIFY_HTTP;
    cfg->topic = W.url.path + 1; /* after the '/' */
    cfg->ha_discovery = NOTIFY_HA_DISCOVERY;
    static const char token[] = NOTIFY_TOKEN;
    cfg->token = token[0] != '\0' ? token : NULL;
    return true;
}
