/* HANDSHAKE request: one PAL TLS/DTLS handshake from the device to a server chosen by the host,
 * through the public PAL API exactly as the Device Management Client would do it. */
#include "agent_internal.h"

#include <stdio.h>
#include <string.h>

#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_TLS_negotiation.h"
#include "pal_plat_tls_ext.h"
#include "pal_tls_ext.h"

/* Suite and auth mode are selected on the platform configuration behind the service handle
 * (pal_tlsPlatformConfiguration), before pal_initTLS binds it to a context. Without SUITE the
 * PAL's default offer stands (every compiled suite the credentials can use). */

#define HS_DEFAULT_TIMEOUT_MS 30000u

static palSemaphoreID_t s_sem;

static void socket_ready(void *arg)
{
    (void)arg;
    if (s_sem != 0) {
        (void)pal_osSemaphoreRelease(s_sem);
    }
}

static void wait_event(uint32_t ms)
{
    int32_t available = 0;
    (void)pal_osSemaphoreWait(s_sem, ms, &available);
}

static const struct {
    const char *name;
    palTLSSuites_t suite;
} s_suites[] = {
    {"TLS-PSK-WITH-AES-128-CCM-8", PAL_TLS_PSK_WITH_AES_128_CCM_8},
    {"TLS-PSK-WITH-AES-256-CCM-8", PAL_TLS_PSK_WITH_AES_256_CCM_8},
    {"TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8", PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8},
    {"TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
    {"TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384", PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384},
    {"TLS-ECDHE-ECDSA-WITH-ARIA-128-GCM-SHA256", PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256},
    {"TLS-PSK-WITH-AES-128-CBC-SHA256", PAL_TLS_PSK_WITH_AES_128_CBC_SHA256},
};

#define HS_SUITE_LIST_SIZE 384u

static bool suite_by_name(const char *name, size_t len, palTLSSuites_t *suite)
{
    for (size_t i = 0; i < sizeof(s_suites) / sizeof(s_suites[0]); i++) {
        if (strlen(s_suites[i].name) == len && strncmp(s_suites[i].name, name, len) == 0) {
            *suite = s_suites[i].suite;
            return true;
        }
    }
    return false;
}

/* SUITE: one IANA-style name or a comma-separated list, offered in that order. */
static palStatus_t set_requested_suites(palTLSConfHandle_t conf, const char *names)
{
    palTLSSuites_t suites[PAL_TLS_SUITE_LIST_CAPACITY];
    size_t count = 0;
    const char *p = names;

    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (count == PAL_TLS_SUITE_LIST_CAPACITY || !suite_by_name(p, len, &suites[count])) {
            return PAL_ERR_TLS_INVALID_CIPHER;
        }
        count++;
        p += len + (end != NULL ? 1u : 0u);
    }
    if (count == 0) {
        return PAL_ERR_TLS_INVALID_CIPHER;
    }
    return pal_plat_setCipherSuiteList(pal_tlsPlatformConfiguration(conf), suites, count);
}

static void put_offered_suites(ap_writer_t *w, palTLSConfHandle_t conf)
{
    const char *names[PAL_TLS_SUITE_LIST_CAPACITY];
    char list[HS_SUITE_LIST_SIZE] = "";
    size_t count = pal_plat_getOfferedCipherSuiteNames(pal_tlsPlatformConfiguration(conf), names,
                                                       PAL_TLS_SUITE_LIST_CAPACITY);

    for (size_t i = 0; i < count && i < PAL_TLS_SUITE_LIST_CAPACITY; i++) {
        if (names[i] == NULL || strlen(list) + strlen(names[i]) + 2 > sizeof(list)) {
            continue;
        }
        if (list[0] != '\0') {
            strcat(list, ",");
        }
        strcat(list, names[i]);
    }
    ap_put_str(w, AT_OFFERED, list);
}

/* Whether the ServerHello time is one a verified certificate vouches for (docs/harness.md). */
static uint8_t server_time_verdict(palTLSHandle_t tls, uint64_t server_time)
{
    palTLSHandle_t plat = pal_tlsPlatformContext(tls);

    if (!pal_plat_sslPeerCertificateChecked(plat)) {
        return 0;
    }
    return pal_plat_sslTimeWithinPeerCertificate(plat, server_time) ? 1 : 2;
}

static void put_tls_result(ap_writer_t *w, palTLSHandle_t tls)
{
    int32_t verify = 0;
    palTLSHandle_t plat = pal_tlsPlatformContext(tls);
    bool checked = pal_plat_sslPeerCertificateChecked(plat);
    int alert = pal_plat_sslReceivedAlert(plat);
    uint64_t server_time = pal_tlsGetServerTime(tls);
    const char *negotiated = pal_tlsGetCipherSuiteName(tls);

    /* Any return is fine here: the flags are what is reported, and only when a certificate was
     * checked (otherwise the library's "no result" value would read as every flag set). */
    (void)pal_sslGetVerifyResultExtended(tls, &verify);
    ap_put_u8(w, AT_VERIFIED, checked ? 1u : 0u);
    ap_put_u32(w, AT_VERIFY, checked ? (uint32_t)verify : 0u);
    if (negotiated != NULL) {
        ap_put_str(w, AT_SUITE, negotiated);
    }
    if (alert >= 0) {
        ap_put_u8(w, AT_ALERT, (uint8_t)alert);
    }
    ap_put_u64(w, AT_SERVER_TIME, server_time);
    if (server_time != 0) {
        ap_put_u8(w, AT_TIME_VERDICT, server_time_verdict(tls, server_time));
    }
}

typedef struct hs_state {
    const char *stage;
    palStatus_t status;
} hs_state_t;

#define STEP(st, name, call)            \
    do {                                \
        (st)->stage = (name);           \
        (st)->status = (call);          \
        if ((st)->status != PAL_SUCCESS) \
            goto done;                  \
    } while (0)

void agent_handshake(const ap_frame_t *req, ap_writer_t *w)
{
    char host[64] = "";
    char suite_name[HS_SUITE_LIST_SIZE] = "";
    uint32_t transport = 0, port = 0, auth = 0xFF, timeout_ms = HS_DEFAULT_TIMEOUT_MS;
    uint64_t device_time = 0;
    ap_tlv_t ca = {0, NULL, 0}, cert = {0, NULL, 0}, key = {0, NULL, 0}, psk_id = {0, NULL, 0}, psk = {0, NULL, 0};
    hs_state_t st = {"arguments", PAL_SUCCESS};
    palSocket_t sock = 0;
    palTLSConfHandle_t conf = 0;
    palTLSHandle_t tls = 0;
    palSocketAddress_t addr;
    palSocketLength_t addr_len = 0;
    palTLSSocket_t tls_socket;
    bool pal_up = false;
    uint64_t start = agent_now_ms(), hs_start = 0, hs_end = 0, time_before = 0;

    memset(&addr, 0, sizeof(addr));
    (void)ap_get_str(req, AT_HOST, host, sizeof(host));
    (void)ap_get_u32(req, AT_PORT, &port);
    (void)ap_get_u32(req, AT_TRANSPORT, &transport);
    (void)ap_get_str(req, AT_SUITE, suite_name, sizeof(suite_name));
    (void)ap_get_u32(req, AT_AUTH, &auth);
    (void)ap_get_u32(req, AT_TIMEOUT, &timeout_ms);
    (void)ap_get_u64(req, AT_TIME, &device_time);
    (void)ap_find(req, AT_CA, &ca);
    (void)ap_find(req, AT_CERT, &cert);
    (void)ap_find(req, AT_PKEY, &key);
    (void)ap_find(req, AT_PSK_ID, &psk_id);
    (void)ap_find(req, AT_PSK, &psk);
    palTLSTransportMode_t mode = transport == 1 ? PAL_DTLS_MODE : PAL_TLS_MODE;

    if (host[0] == '\0' || port == 0 || port > 65535) {
        st.status = PAL_ERR_INVALID_ARGUMENT;
        goto done;
    }
    STEP(&st, "pal_init", pal_init());
    pal_up = true;
    if (device_time != 0) {
        STEP(&st, "pal_osSetTime", pal_osSetTime(device_time));
    }
    STEP(&st, "pal_osSemaphoreCreate", pal_osSemaphoreCreate(1, &s_sem));
    STEP(&st, "pal_getAddressInfo", pal_getAddressInfo(host, &addr, &addr_len));
    STEP(&st, "pal_setSockAddrPort", pal_setSockAddrPort(&addr, (uint16_t)port));
    STEP(&st, "pal_asynchronousSocket",
         pal_asynchronousSocketWithArgument((palSocketDomain_t)addr.addressType,
                                mode == PAL_TLS_MODE ? PAL_SOCK_STREAM : PAL_SOCK_DGRAM, true, 0,
                                socket_ready, NULL, &sock));
    if (mode == PAL_TLS_MODE) {
        st.stage = "pal_connect";
        for (;;) {
            st.status = pal_connect(sock, &addr, addr_len);
            if (st.status == PAL_ERR_SOCKET_ALREADY_CONNECTED) {
                st.status = PAL_SUCCESS;
                break;
            }
            if ((st.status != PAL_ERR_SOCKET_IN_PROGRES && st.status != PAL_ERR_SOCKET_WOULD_BLOCK) ||
                agent_now_ms() - start > timeout_ms) {
                break;
            }
            wait_event(100);
        }
        if (st.status != PAL_SUCCESS) {
            goto done;
        }
    }
    STEP(&st, "pal_initTLSConfiguration", pal_initTLSConfiguration(&conf, mode));
    if (suite_name[0] != '\0') {
        STEP(&st, "pal_plat_setCipherSuiteList", set_requested_suites(conf, suite_name));
    }
    if (auth <= 2) {
        STEP(&st, "pal_plat_setAuthenticationMode",
             pal_plat_setAuthenticationMode(pal_tlsPlatformConfiguration(conf), (palTLSAuthMode_t)auth));
    }
    STEP(&st, "pal_initTLS", pal_initTLS(conf, &tls, false));
    if (psk.len > 0) {
        STEP(&st, "pal_setPSK",
             pal_setPSK(conf, psk_id.value, (uint32_t)psk_id.len, psk.value, (uint32_t)psk.len));
    }
    if (cert.len > 0 && key.len > 0) {
        palX509_t own = {cert.value, (uint32_t)cert.len};
        palPrivateKey_t pkey;
        STEP(&st, "pal_initPrivateKey", pal_initPrivateKey(key.value, key.len, &pkey));
        STEP(&st, "pal_setOwnCertChain", pal_setOwnCertChain(conf, &own));
        STEP(&st, "pal_setOwnPrivateKey", pal_setOwnPrivateKey(conf, &pkey));
    }
    if (ca.len > 0) {
        palX509_t chain = {ca.value, (uint32_t)ca.len};
        STEP(&st, "pal_setCAChain", pal_setCAChain(conf, &chain, NULL));
    }
    tls_socket.socket = sock;
    tls_socket.socketAddress = &addr;
    tls_socket.addressLength = addr_len;
    tls_socket.transportationMode = mode;
    STEP(&st, "pal_tlsSetSocket", pal_tlsSetSocket(conf, &tls_socket));

    st.stage = "pal_handShake";
    time_before = pal_osGetTime();
    hs_start = agent_now_ms();
    do {
        st.status = pal_handShake(tls, conf, true);
        if (st.status == PAL_ERR_TLS_WANT_READ || st.status == PAL_ERR_TLS_WANT_WRITE) {
            if (agent_now_ms() - hs_start > timeout_ms) {
                st.status = PAL_ERR_TIMEOUT_EXPIRED;
                break;
            }
            wait_event(100);
        }
    } while (st.status == PAL_ERR_TLS_WANT_READ || st.status == PAL_ERR_TLS_WANT_WRITE);
    hs_end = agent_now_ms();

done:
    if (hs_end == 0 && hs_start != 0) {
        hs_end = agent_now_ms();
    }
    ap_put_u32(w, AT_STATUS, (uint32_t)st.status);
    const char *name = pal_statusName(st.status);
    ap_put_str(w, AT_STATUS_NAME, name ? name : "UNKNOWN");
    ap_put_str(w, AT_STAGE, st.stage);
    ap_put_str(w, AT_VERSION, mode == PAL_DTLS_MODE ? "DTLS 1.2" : "TLS 1.2");
    if (conf != 0) {
        put_offered_suites(w, conf);
    }
    if (tls != 0) {
        put_tls_result(w, tls);
    }
    if (hs_start != 0) {
        ap_put_u64(w, AT_TIME_BEFORE, time_before);
    }
    ap_put_u32(w, AT_DURATION, (uint32_t)(hs_start ? hs_end - hs_start : 0));
    ap_put_u64(w, AT_TIME, pal_up ? pal_osGetTime() : 0);
    if (tls != 0) {
        (void)pal_freeTLS(&tls);
    }
    if (conf != 0) {
        (void)pal_tlsConfigurationFree(&conf);
    }
    if (sock != 0) {
        (void)pal_close(&sock);
    }
    if (s_sem != 0) {
        (void)pal_osSemaphoreDelete(&s_sem);
        s_sem = 0;
    }
    if (pal_up) {
        (void)pal_destroy();
    }
}
