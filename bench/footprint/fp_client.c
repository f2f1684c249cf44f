/* Footprint client: the smallest complete program a product would link — configure, handshake,
 * send a request, read the answer, close — either through the PAL (FP_PAL=1) or with raw Mbed
 * TLS (FP_PAL=0), for the suites its Mbed TLS configuration has (the key exchanges it compiles in:
 * PSK, ECDHE-ECDSA or both; CBC and AES-256-CCM-8 where the flavour keeps them). It is linked with
 * --gc-sections and measured with arm-none-eabi-size; it is never run, so its transport is a
 * stub whose functions the compiler cannot see through (fp_io.c). */
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#if defined(MBEDTLS_USE_PSA_CRYPTO)
#include "psa/crypto.h"
#endif

#if FP_PAL
#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"
#include "pal_tls_ext.h"
#endif

#include "bench.h"
#include "bench_pki.h"

int fp_send(void *ctx, const unsigned char *buf, size_t len);
int fp_recv(void *ctx, unsigned char *buf, size_t len);
int fp_entropy(void *data, unsigned char *output, size_t len, size_t *olen);
extern volatile int fp_selector;

#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED)
#define FP_PSK 1
#else
#define FP_PSK 0
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED)
#define FP_CERT 1
#else
#define FP_CERT 0
#endif
/* The PSK suites beyond PSK-AES-128-CCM-8 are full's (minimal-psk offers that one alone). */
#if FP_PSK && !defined(PALTLS_FLAVOUR_MINIMAL_PSK)
#define FP_MORE_PSK 1
#else
#define FP_MORE_PSK 0
#endif

#if FP_PSK
static const unsigned char g_psk[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const unsigned char g_id[] = "device";
#endif
static const unsigned char g_request[] = "GET /";
static unsigned char g_answer[64];

#if FP_PAL
int main(void)
{
    static const palTLSSuites_t suites[] = {
#if FP_PSK
        PAL_TLS_PSK_WITH_AES_128_CCM_8,
#endif
#if FP_MORE_PSK
        PAL_TLS_PSK_WITH_AES_256_CCM_8, PAL_TLS_PSK_WITH_AES_128_CBC_SHA256,
#endif
#if FP_CERT
        PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
#endif
    };
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    palSocket_t sock = NULL;
    palSocketAddress_t address;
    palTLSSocket_t tls_socket;
    palTLSTransportMode_t mode = (fp_selector & 1) ? PAL_DTLS_MODE : PAL_TLS_MODE;
    palStatus_t status;
    uint32_t done = 0;

    if (pal_init() != PAL_SUCCESS || pal_initTLSConfiguration(&conf, mode) != PAL_SUCCESS) {
        return 1;
    }
    (void)pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(conf),
                                   suites[(unsigned)fp_selector % (sizeof(suites) / sizeof(suites[0]))]);
#if FP_CERT
    if (!FP_PSK || (fp_selector & 2)) {
        palX509_t ca = { bench_ca_der, sizeof(bench_ca_der) };
        (void)pal_setCAChain(conf, &ca, NULL);
    }
#endif
#if FP_PSK
    if (!FP_CERT || !(fp_selector & 2)) {
        (void)pal_setPSK(conf, g_id, sizeof(g_id) - 1, g_psk, sizeof(g_psk));
    }
#endif
    (void)pal_socket(PAL_AF_INET, mode == PAL_TLS_MODE ? PAL_SOCK_STREAM : PAL_SOCK_DGRAM, true, 0, &sock);
    memset(&address, 0, sizeof(address));
    tls_socket.socket = sock;
    tls_socket.socketAddress = &address;
    tls_socket.addressLength = sizeof(address);
    tls_socket.transportationMode = mode;
    if (pal_initTLS(conf, &tls, false) != PAL_SUCCESS || pal_tlsSetSocket(conf, &tls_socket) != PAL_SUCCESS) {
        return 2;
    }
    do {
        status = pal_handShake(tls, conf, false);
    } while (status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE);
    if (status == PAL_SUCCESS) {
        (void)pal_sslWrite(tls, conf, g_request, sizeof(g_request) - 1, &done);
        (void)pal_sslRead(tls, g_answer, sizeof(g_answer), &done);
    }
    (void)pal_freeTLS(&tls);
    (void)pal_tlsConfigurationFree(&conf);
    (void)pal_close(&sock);
    return pal_destroy();
}
#else
static mbedtls_entropy_context g_entropy;
static mbedtls_ctr_drbg_context g_drbg;
static mbedtls_ssl_config g_conf;
static mbedtls_ssl_context g_ssl;
#if FP_CERT
static mbedtls_x509_crt g_ca;
#endif

static const int g_suites[] = {
#if FP_PSK
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8,
#endif
#if FP_MORE_PSK
    MBEDTLS_TLS_PSK_WITH_AES_256_CCM_8, MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256,
#endif
#if FP_CERT
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
#endif
    0
};

static int g_timer;
void fp_timer_set(void *ctx, uint32_t intermediate_ms, uint32_t final_ms);
int fp_timer_get(void *ctx);

int main(void)
{
    int transport = (fp_selector & 1) ? MBEDTLS_SSL_TRANSPORT_DATAGRAM : MBEDTLS_SSL_TRANSPORT_STREAM;
    int ret;

    mbedtls_entropy_init(&g_entropy);
    mbedtls_ctr_drbg_init(&g_drbg);
    mbedtls_ssl_config_init(&g_conf);
    mbedtls_ssl_init(&g_ssl);
    (void)mbedtls_entropy_add_source(&g_entropy, fp_entropy, NULL, 32, MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy, NULL, 0) != 0 ||
        mbedtls_ssl_config_defaults(&g_conf, MBEDTLS_SSL_IS_CLIENT, transport, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        return 1;
    }
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    if (psa_crypto_init() != PSA_SUCCESS) {
        return 1;
    }
#endif
    mbedtls_ssl_conf_rng(&g_conf, mbedtls_ctr_drbg_random, &g_drbg);
    mbedtls_ssl_conf_ciphersuites(&g_conf, g_suites);
#if FP_CERT
    if (!FP_PSK || (fp_selector & 2)) {
        mbedtls_x509_crt_init(&g_ca);
        (void)mbedtls_x509_crt_parse_der(&g_ca, bench_ca_der, sizeof(bench_ca_der));
        mbedtls_ssl_conf_ca_chain(&g_conf, &g_ca, NULL);
        mbedtls_ssl_conf_authmode(&g_conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    }
#endif
#if FP_PSK
    if (!FP_CERT || !(fp_selector & 2)) {
        (void)mbedtls_ssl_conf_psk(&g_conf, g_psk, sizeof(g_psk), g_id, sizeof(g_id) - 1);
    }
#endif
    if (mbedtls_ssl_setup(&g_ssl, &g_conf) != 0) {
        return 2;
    }
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    if (mbedtls_ssl_set_hostname(&g_ssl, NULL) != 0) {
        return 2;
    }
#endif
    mbedtls_ssl_set_bio(&g_ssl, NULL, fp_send, fp_recv, NULL);
    mbedtls_ssl_set_timer_cb(&g_ssl, &g_timer, fp_timer_set, fp_timer_get);
    do {
        ret = mbedtls_ssl_handshake(&g_ssl);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret == 0) {
        (void)mbedtls_ssl_write(&g_ssl, g_request, sizeof(g_request) - 1);
        (void)mbedtls_ssl_read(&g_ssl, g_answer, sizeof(g_answer));
        (void)mbedtls_ssl_close_notify(&g_ssl);
    }
    mbedtls_ssl_free(&g_ssl);
    mbedtls_ssl_config_free(&g_conf);
    mbedtls_ctr_drbg_free(&g_drbg);
    mbedtls_entropy_free(&g_entropy);
    return 0;
}
#endif
