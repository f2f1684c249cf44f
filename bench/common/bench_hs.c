/* Handshake harness: raw Mbed TLS server + client (through the PAL, or raw Mbed TLS configured
 * like the PAL configures it) in one process, stepped alternately over the in-memory transport.
 *
 * What is counted for the client (the headline figures):
 *   counter      only the client's handshake calls (pal_handShake / mbedtls_ssl_handshake);
 *   heap peak    per connection: peak of client-side heap above the level just before the
 *                context is created (configuration objects excluded, reported separately);
 *   stack        painted high-water below the harness frame during the client's calls;
 *   wire bytes   everything written in each direction, records and datagrams as sent.
 *
 * "Configured like the PAL": the raw client gets the same Mbed TLS settings the PAL platform layer
 * applies (defaults preset, its own CTR-DRBG, one suite, CA chain or PSK, no host name, DTLS
 * Connection ID offered with an empty own CID, a DTLS timer), and its per-connection context is
 * heap-allocated as the PAL's is, so both sides count the same objects. Differences left are the
 * PAL's own: service wrappers, PAL sockets under the BIO, verify-result mapping, ServerHello time
 * capture and the device-time update after the handshake. */
#include <stdio.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/x509_crt.h"

#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"
#include "pal_tls_ext.h"

#include "bench.h"
#include "bench_pki.h"

/* 2027-01-01T00:00:00Z: inside the validity of the bench PKI (bench/pki/gen-bench-pki.sh). */
#define BENCH_DEVICE_TIME 1798761600ULL
#define BENCH_MAX_STEPS 64

static const unsigned char g_psk[16] = { 0x0b, 0xe7, 0x51, 0x2c, 0x93, 0x44, 0x10, 0xfa,
                                         0x6d, 0x21, 0x7e, 0x88, 0x35, 0xc0, 0x4f, 0x19 };
static const unsigned char g_psk_identity[] = "bench";
#define BENCH_PSK_IDENTITY_LEN 5

/* The suites of the build's footprint flavour (docs/mbedtls-config.md). */
const bench_suite_info_t bench_suites[] = {
#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED)
    { "psk_aes128_ccm8", PAL_TLS_PSK_WITH_AES_128_CCM_8, MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8, 1 },
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED) && !defined(PALTLS_FLAVOUR_MINIMAL_PSK)
    { "psk_aes256_ccm8", PAL_TLS_PSK_WITH_AES_256_CCM_8, MBEDTLS_TLS_PSK_WITH_AES_256_CCM_8, 1 },
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED) && defined(MBEDTLS_CIPHER_MODE_CBC)
    { "psk_aes128_cbc_sha256", PAL_TLS_PSK_WITH_AES_128_CBC_SHA256, MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256, 1 },
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED)
    { "ecdhe_ecdsa_aes128_ccm8", PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
      MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, 0 },
    { "ecdhe_ecdsa_aes128_gcm_sha256", PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0 },
    { "ecdhe_ecdsa_aes256_gcm_sha384", PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 0 },
#endif
};
const size_t bench_suite_count = sizeof(bench_suites) / sizeof(bench_suites[0]);
const char *const bench_transport_names[] = { "tls", "dtls", "dtls_cookie" };

/* ---- DTLS timer for the raw sides (same semantics as the PAL's) ------------------------------- */
typedef struct bench_timer {
    uint64_t intermediate_ms;
    uint64_t final_ms;
    int armed;
} bench_timer_t;

static void timer_set(void *ctx, uint32_t intermediate_ms, uint32_t final_ms)
{
    bench_timer_t *timer = (bench_timer_t *)ctx;
    uint64_t now = bench_uptime_ms();

    timer->armed = final_ms != 0;
    timer->intermediate_ms = now + intermediate_ms;
    timer->final_ms = now + final_ms;
}

static int timer_get(void *ctx)
{
    bench_timer_t *timer = (bench_timer_t *)ctx;
    uint64_t now;

    if (!timer->armed) {
        return -1;
    }
    now = bench_uptime_ms();
    if (now >= timer->final_ms) {
        return 2;
    }
    return now >= timer->intermediate_ms ? 1 : 0;
}

/* ---- server (raw Mbed TLS) ------------------------------------------------------------------ */
typedef struct bench_server {
    mbedtls_ssl_config conf;
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
#endif
    mbedtls_ssl_cookie_ctx cookies;
    mbedtls_ssl_context ssl;
    bench_timer_t timer;
    int suites[2];
    int cookie;
    int ready;
} bench_server_t;

/* Credentials of the key exchanges the flavour compiles in; the other answers "unavailable". */
static int server_psk_setup(bench_server_t *srv)
{
#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED)
    return mbedtls_ssl_conf_psk(&srv->conf, g_psk, sizeof(g_psk), g_psk_identity, BENCH_PSK_IDENTITY_LEN);
#else
    (void)srv;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
#endif
}

static int server_cert_setup(bench_server_t *srv)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    int ret = mbedtls_x509_crt_parse_der(&srv->crt, bench_srv_crt_der, sizeof(bench_srv_crt_der));

    if (ret == 0) {
        ret = mbedtls_pk_parse_key(&srv->key, bench_srv_key_der, sizeof(bench_srv_key_der), NULL, 0, bench_rng, NULL);
    }
    if (ret == 0) {
        ret = mbedtls_ssl_conf_own_cert(&srv->conf, &srv->crt, &srv->key);
    }
    return ret;
#else
    (void)srv;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
#endif
}

static int server_conf_setup(bench_server_t *srv, const bench_suite_info_t *suite, bench_transport_t transport)
{
    int ret;
    int dgram = transport != BENCH_TLS;

    bench_heap_set_side(BENCH_SIDE_SERVER);
    memset(srv, 0, sizeof(*srv));
    mbedtls_ssl_config_init(&srv->conf);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_init(&srv->crt);
    mbedtls_pk_init(&srv->key);
#endif
    mbedtls_ssl_cookie_init(&srv->cookies);
    mbedtls_ssl_init(&srv->ssl);
    srv->ready = 1;
    ret = mbedtls_ssl_config_defaults(&srv->conf, MBEDTLS_SSL_IS_SERVER,
                                      dgram ? MBEDTLS_SSL_TRANSPORT_DATAGRAM : MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_rng(&srv->conf, bench_rng, NULL);
    mbedtls_ssl_conf_authmode(&srv->conf, MBEDTLS_SSL_VERIFY_NONE);
    srv->suites[0] = suite->mbedtls_id;
    srv->suites[1] = 0;
    mbedtls_ssl_conf_ciphersuites(&srv->conf, srv->suites);
    ret = suite->psk ? server_psk_setup(srv) : server_cert_setup(srv);
    if (ret != 0) {
        return ret;
    }
    if (dgram) {
        srv->cookie = transport == BENCH_DTLS_COOKIE;
        if (srv->cookie) {
            ret = mbedtls_ssl_cookie_setup(&srv->cookies, bench_rng, NULL);
            if (ret != 0) {
                return ret;
            }
            mbedtls_ssl_conf_dtls_cookies(&srv->conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check,
                                          &srv->cookies);
        } else {
            mbedtls_ssl_conf_dtls_cookies(&srv->conf, NULL, NULL, NULL);
        }
    }
    return 0;
}

static const unsigned char g_client_transport_id[] = { 10, 0, 0, 2, 0x16, 0x34 };

static int server_connection_setup(bench_server_t *srv, bench_endpoint_t *ep)
{
    int ret;

    bench_heap_set_side(BENCH_SIDE_SERVER);
    mbedtls_ssl_init(&srv->ssl);
    ret = mbedtls_ssl_setup(&srv->ssl, &srv->conf);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_set_bio(&srv->ssl, ep, bench_bio_send, bench_bio_recv, NULL);
    mbedtls_ssl_set_timer_cb(&srv->ssl, &srv->timer, timer_set, timer_get);
    if (srv->cookie) {
        ret = mbedtls_ssl_set_client_transport_id(&srv->ssl, g_client_transport_id, sizeof(g_client_transport_id));
    }
    return ret;
}

static void server_conf_free(bench_server_t *srv)
{
    if (!srv->ready) {
        return;
    }
    bench_heap_set_side(BENCH_SIDE_SERVER);
    mbedtls_ssl_free(&srv->ssl);
    mbedtls_ssl_cookie_free(&srv->cookies);
    mbedtls_ssl_config_free(&srv->conf);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_pk_free(&srv->key);
    mbedtls_x509_crt_free(&srv->crt);
#endif
    srv->ready = 0;
}

/* ---- raw client ------------------------------------------------------------------------------ */
typedef struct raw_conf {
    mbedtls_ssl_config conf;
    mbedtls_ctr_drbg_context drbg;
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt ca;
#endif
    bench_timer_t timer;
    int suites[2];
    int dgram;
} raw_conf_t;

static mbedtls_entropy_context *g_raw_entropy; /* process-wide, like the PAL's */

static int raw_entropy_source(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    (void)bench_rng(NULL, output, len);
    *olen = len;
    return 0;
}

static int raw_psk_setup(raw_conf_t *rc)
{
#if defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED)
    return mbedtls_ssl_conf_psk(&rc->conf, g_psk, sizeof(g_psk), g_psk_identity, BENCH_PSK_IDENTITY_LEN);
#else
    (void)rc;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
#endif
}

static int raw_cert_setup(raw_conf_t *rc)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    int ret = mbedtls_x509_crt_parse_der(&rc->ca, bench_ca_der, sizeof(bench_ca_der));

    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_ca_chain(&rc->conf, &rc->ca, NULL);
    mbedtls_ssl_conf_authmode(&rc->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    return 0;
#else
    (void)rc;
    return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
#endif
}

static int raw_conf_setup(raw_conf_t **out, const bench_suite_info_t *suite, bench_transport_t transport)
{
    raw_conf_t *rc;
    int ret;

    bench_heap_set_side(BENCH_SIDE_CLIENT);
    rc = mbedtls_calloc(1, sizeof(*rc));
    *out = rc;
    if (rc == NULL) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    rc->dgram = transport != BENCH_TLS;
    mbedtls_ssl_config_init(&rc->conf);
    mbedtls_ctr_drbg_init(&rc->drbg);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_init(&rc->ca);
#endif
    ret = mbedtls_ssl_config_defaults(&rc->conf, MBEDTLS_SSL_IS_CLIENT,
                                      rc->dgram ? MBEDTLS_SSL_TRANSPORT_DATAGRAM : MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret == 0) {
        ret = mbedtls_ctr_drbg_seed(&rc->drbg, mbedtls_entropy_func, g_raw_entropy, NULL, 0);
    }
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_rng(&rc->conf, mbedtls_ctr_drbg_random, &rc->drbg);
    rc->suites[0] = suite->mbedtls_id;
    rc->suites[1] = 0;
    mbedtls_ssl_conf_ciphersuites(&rc->conf, rc->suites);
    return suite->psk ? raw_psk_setup(rc) : raw_cert_setup(rc);
}

static void raw_conf_free(raw_conf_t *rc)
{
    if (rc == NULL) {
        return;
    }
    bench_heap_set_side(BENCH_SIDE_CLIENT);
    mbedtls_ssl_config_free(&rc->conf);
    mbedtls_ctr_drbg_free(&rc->drbg);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_free(&rc->ca);
#endif
    mbedtls_free(rc);
}

static int raw_connection_setup(raw_conf_t *rc, mbedtls_ssl_context **out, bench_endpoint_t *ep)
{
    mbedtls_ssl_context *ssl = mbedtls_calloc(1, sizeof(*ssl));
    int ret;

    *out = ssl;
    if (ssl == NULL) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    mbedtls_ssl_init(ssl);
    ret = mbedtls_ssl_setup(ssl, &rc->conf);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    if (ret == 0) {
        ret = mbedtls_ssl_set_hostname(ssl, NULL);
    }
#endif
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
    /* As the PAL: an empty own CID offered over DTLS where session resume is compiled in. */
    if (ret == 0 && rc->dgram) {
        static const unsigned char no_cid[1] = { 0 };
        ret = mbedtls_ssl_set_cid(ssl, MBEDTLS_SSL_CID_ENABLED, no_cid, 0);
    }
#endif
    mbedtls_ssl_set_bio(ssl, ep, bench_bio_send, bench_bio_recv, NULL);
    mbedtls_ssl_set_timer_cb(ssl, &rc->timer, timer_set, timer_get);
    return ret;
}

static void raw_connection_free(mbedtls_ssl_context *ssl)
{
    if (ssl != NULL) {
        mbedtls_ssl_free(ssl);
        mbedtls_free(ssl);
    }
}

/* ---- PAL client -------------------------------------------------------------------------------- */
static palX509_t g_pal_ca = { bench_ca_der, sizeof(bench_ca_der) };

static int pal_conf_setup(palTLSConfHandle_t *conf, const bench_suite_info_t *suite, bench_transport_t transport)
{
    palStatus_t status;

    bench_heap_set_side(BENCH_SIDE_CLIENT);
    status = pal_initTLSConfiguration(conf, transport == BENCH_TLS ? PAL_TLS_MODE : PAL_DTLS_MODE);
    if (status != PAL_SUCCESS) {
        return (int)status;
    }
    status = pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(*conf), (palTLSSuites_t)suite->pal_suite);
    if (status == PAL_SUCCESS) {
        if (suite->psk) {
            status = pal_setPSK(*conf, g_psk_identity, BENCH_PSK_IDENTITY_LEN, g_psk, sizeof(g_psk));
        } else {
            status = pal_setCAChain(*conf, &g_pal_ca, NULL);
        }
    }
    return (int)status;
}

/* ---- one connection --------------------------------------------------------------------------- */
typedef struct bench_client {
    bench_impl_t impl;
    bench_transport_t transport;
    /* PAL */
    palTLSConfHandle_t pal_conf;
    palTLSHandle_t pal_tls;
    palSocket_t pal_socket;
    palSocketAddress_t pal_address;
    palTLSSocket_t pal_tls_socket;
    /* raw */
    raw_conf_t *raw_conf;
    mbedtls_ssl_context *raw_ssl;
} bench_client_t;

static int client_conf_setup(bench_client_t *client, const bench_suite_info_t *suite, bench_transport_t transport,
                             bench_impl_t impl)
{
    memset(client, 0, sizeof(*client));
    client->impl = impl;
    client->transport = transport;
    if (impl == BENCH_IMPL_PAL) {
        return pal_conf_setup(&client->pal_conf, suite, transport);
    }
    return raw_conf_setup(&client->raw_conf, suite, transport);
}

static void client_conf_free(bench_client_t *client)
{
    bench_heap_set_side(BENCH_SIDE_CLIENT);
    if (client->pal_conf != NULLPTR) {
        (void)pal_tlsConfigurationFree(&client->pal_conf);
    }
    raw_conf_free(client->raw_conf);
    client->raw_conf = NULL;
}

static int client_connection_setup(bench_client_t *client, bench_endpoint_t *ep)
{
    palStatus_t status;

    bench_heap_set_side(BENCH_SIDE_CLIENT);
    if (client->impl == BENCH_IMPL_RAW) {
        return raw_connection_setup(client->raw_conf, &client->raw_ssl, ep);
    }
    bench_port_set_next_endpoint(ep);
    status = pal_socket(PAL_AF_INET, client->transport == BENCH_TLS ? PAL_SOCK_STREAM : PAL_SOCK_DGRAM, true, 0,
                        &client->pal_socket);
    if (status != PAL_SUCCESS) {
        return (int)status;
    }
    status = pal_initTLS(client->pal_conf, &client->pal_tls, false);
    if (status != PAL_SUCCESS) {
        return (int)status;
    }
    memset(&client->pal_address, 0, sizeof(client->pal_address));
    client->pal_address.addressType = PAL_AF_INET;
    client->pal_tls_socket.socket = client->pal_socket;
    client->pal_tls_socket.socketAddress = &client->pal_address;
    client->pal_tls_socket.addressLength = PAL_NET_MAX_ADDR_SIZE;
    client->pal_tls_socket.transportationMode = client->transport == BENCH_TLS ? PAL_TLS_MODE : PAL_DTLS_MODE;
    return (int)pal_tlsSetSocket(client->pal_conf, &client->pal_tls_socket);
}

static void client_connection_free(bench_client_t *client)
{
    bench_heap_set_side(BENCH_SIDE_CLIENT);
    if (client->pal_tls != NULLPTR) {
        (void)pal_freeTLS(&client->pal_tls);
    }
    if (client->pal_socket != NULL) {
        (void)pal_close(&client->pal_socket);
    }
    raw_connection_free(client->raw_ssl);
    client->raw_ssl = NULL;
}

/* 1 done, 0 wants I/O, <0 error (code in *error). */
static int client_step(bench_client_t *client, int *error)
{
    if (client->impl == BENCH_IMPL_PAL) {
        palStatus_t status = pal_handShake(client->pal_tls, client->pal_conf, true);
        if (status == PAL_SUCCESS) {
            return 1;
        }
        if (status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE) {
            return 0;
        }
        *error = (int)status;
        return -1;
    } else {
        int ret = mbedtls_ssl_handshake(client->raw_ssl);
        if (ret == 0) {
            return 1;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return 0;
        }
        *error = ret;
        return -1;
    }
}

static int server_step(bench_server_t *srv, int *error)
{
    int ret = mbedtls_ssl_handshake(&srv->ssl);

    if (ret == 0) {
        return 1;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return 0;
    }
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED) {
        /* Stateless cookie exchange: the server forgets the client until it returns with the
         * cookie (what a real DTLS server does per RFC 6347 4.2.1). */
        ret = mbedtls_ssl_session_reset(&srv->ssl);
        if (ret == 0) {
            ret = mbedtls_ssl_set_client_transport_id(&srv->ssl, g_client_transport_id,
                                                      sizeof(g_client_transport_id));
        }
        if (ret == 0) {
            return 0;
        }
    }
    *error = ret;
    return -1;
}

static const char *client_suite_name(const bench_client_t *client)
{
    if (client->impl == BENCH_IMPL_PAL) {
        return pal_tlsGetCipherSuiteName(client->pal_tls);
    }
    return mbedtls_ssl_get_ciphersuite(client->raw_ssl);
}

static void fail(bench_result_t *r, const char *stage, int error)
{
    if (r->ok) {
        r->ok = 0;
        r->stage = stage;
        r->error = error;
    }
}

/* Runs one connection (client and server handshakes) and fills the per-connection figures. */
static void run_connection(bench_client_t *client, bench_server_t *srv, bench_result_t *r, int measure)
{
    bench_pipe_t *pipe;
    static bench_pipe_t g_pipe; /* 32 KiB of queues: static, never on the stack */
    bench_endpoint_t client_ep;
    bench_endpoint_t server_ep;
    int client_done = 0;
    int server_done = 0;
    int ret;
    size_t base;
    const char *name;

    pipe = &g_pipe;
    bench_pipe_init(pipe, client->transport != BENCH_TLS, &client_ep, &server_ep);
    ret = server_connection_setup(srv, &server_ep);
    if (ret != 0) {
        fail(r, "server_setup", ret);
        return;
    }
    base = bench_heap_in_use(BENCH_SIDE_CLIENT);
    r->client_conf_heap = (uint32_t)base;
    bench_heap_reset_peak(BENCH_SIDE_CLIENT);
    bench_heap_reset_peak(BENCH_SIDE_SERVER);
    ret = client_connection_setup(client, &client_ep);
    if (ret != 0) {
        fail(r, "client_setup", ret);
    }
    for (int step = 0; r->ok && step < BENCH_MAX_STEPS && !(client_done && server_done); step++) {
        int error = 0;
        if (!client_done) {
            uint64_t t0;
            uint64_t t1;
            uint32_t stack;
            bench_heap_set_side(BENCH_SIDE_CLIENT);
            if (measure) {
                bench_stack_paint();
            }
            t0 = bench_counter();
            ret = client_step(client, &error);
            t1 = bench_counter();
            if (measure) {
                stack = bench_stack_measure();
                if (stack > r->client_stack) {
                    r->client_stack = stack;
                }
            }
            r->client_counter += t1 - t0;
            r->client_steps++;
            if (ret < 0) {
                fail(r, "client_handshake", error);
                break;
            }
            client_done = ret;
        }
        if (!server_done) {
            uint64_t t0;
            uint64_t t1;
            uint32_t stack;
            bench_heap_set_side(BENCH_SIDE_SERVER);
            if (measure) {
                bench_stack_paint();
            }
            t0 = bench_counter();
            ret = server_step(srv, &error);
            t1 = bench_counter();
            if (measure) {
                stack = bench_stack_measure();
                if (stack > r->server_stack) {
                    r->server_stack = stack;
                }
            }
            r->server_counter += t1 - t0;
            if (ret < 0) {
                fail(r, "server_handshake", error);
                break;
            }
            server_done = ret;
        }
    }
    if (r->ok && !(client_done && server_done)) {
        fail(r, "stalled", -1);
    }
    r->client_heap_peak = (uint32_t)(bench_heap_peak(BENCH_SIDE_CLIENT) - base);
    r->client_heap_allocs = bench_heap_allocs(BENCH_SIDE_CLIENT);
    r->server_heap_peak = (uint32_t)(bench_heap_peak(BENCH_SIDE_SERVER));
    r->bytes_c2s = pipe->to_server.bytes;
    r->bytes_s2c = pipe->to_client.bytes;
    r->writes_c2s = pipe->to_server.writes;
    r->writes_s2c = pipe->to_client.writes;
    name = r->ok ? client_suite_name(client) : NULL;
    if (r->ok && name == NULL) {
        fail(r, "no_suite", -1);
    }
    if (name != NULL) {
        strncpy(r->suite_name, name, sizeof(r->suite_name) - 1);
    }
    client_connection_free(client);
    bench_heap_set_side(BENCH_SIDE_SERVER);
    mbedtls_ssl_free(&srv->ssl);
    bench_heap_set_side(BENCH_SIDE_OTHER);
    if (r->ok && bench_heap_in_use(BENCH_SIDE_CLIENT) != base) {
        fail(r, "client_leak", (int)(bench_heap_in_use(BENCH_SIDE_CLIENT) - base));
    }
}

static bench_server_t g_server;

void bench_handshake(const bench_suite_info_t *suite, bench_transport_t transport, bench_impl_t impl,
                     bench_result_t *result)
{
    bench_client_t client;
    int ret;

    memset(result, 0, sizeof(*result));
    result->ok = 1;
    result->stage = "";
    /* Every case starts from the same generator state: its figures do not depend on which cases
     * ran before it. (The PAL client's DRBG is still seeded through the PAL DRBG, so PAL and raw
     * use different ephemeral keys; P-256 cost varies by ~0.2% with the key.) */
    bench_rng_seed(0x2545F491u);
    ret = server_conf_setup(&g_server, suite, transport);
    if (ret != 0) {
        fail(result, "server_conf", ret);
    }
    if (result->ok) {
        ret = client_conf_setup(&client, suite, transport, impl);
        if (ret != 0) {
            fail(result, "client_conf", ret);
        } else {
            run_connection(&client, &g_server, result, 1);
        }
        client_conf_free(&client);
    }
    server_conf_free(&g_server);
    bench_heap_set_side(BENCH_SIDE_OTHER);
}

struct bench_loop {
    bench_client_t client;
    int ok;
};

static struct bench_loop g_loop;

bench_loop_t *bench_loop_create(const bench_suite_info_t *suite, bench_transport_t transport, bench_impl_t impl)
{
    g_loop.ok = server_conf_setup(&g_server, suite, transport) == 0 &&
                client_conf_setup(&g_loop.client, suite, transport, impl) == 0;
    if (!g_loop.ok) {
        bench_loop_destroy(&g_loop);
        return NULL;
    }
    return &g_loop;
}

int bench_loop_run(bench_loop_t *loop)
{
    bench_result_t r;

    memset(&r, 0, sizeof(r));
    r.ok = 1;
    run_connection(&loop->client, &g_server, &r, 0);
    return r.ok ? 0 : -1;
}

void bench_loop_destroy(bench_loop_t *loop)
{
    client_conf_free(&loop->client);
    server_conf_free(&g_server);
    bench_heap_set_side(BENCH_SIDE_OTHER);
}

int bench_init(void)
{
    int ret;

    bench_heap_set_side(BENCH_SIDE_OTHER);
    mbedtls_platform_set_calloc_free(bench_calloc, bench_free);
    bench_rng_seed(0x2545F491u);
    if (pal_init() != PAL_SUCCESS) {
        return -1;
    }
    if (pal_osSetTime(BENCH_DEVICE_TIME) != PAL_SUCCESS) {
        return -2;
    }
    g_raw_entropy = mbedtls_calloc(1, sizeof(*g_raw_entropy));
    if (g_raw_entropy == NULL) {
        return -3;
    }
    mbedtls_entropy_init(g_raw_entropy);
    ret = mbedtls_entropy_add_source(g_raw_entropy, raw_entropy_source, NULL, PAL_INITIAL_RANDOM_SIZE,
                                     MBEDTLS_ENTROPY_SOURCE_STRONG);
    return ret == 0 ? 0 : -4;
}

void bench_emit_handshake(const bench_suite_info_t *suite, bench_transport_t transport, bench_impl_t impl,
                          const bench_result_t *r, const char *counter_unit)
{
    char line[640];

    snprintf(line, sizeof(line),
             "BENCH {\"kind\":\"handshake\",\"suite\":\"%s\",\"transport\":\"%s\",\"impl\":\"%s\","
             "\"ok\":%s,\"error\":%ld,\"stage\":\"%s\",\"negotiated\":\"%s\",\"counter_unit\":\"%s\","
             "\"client_counter\":%lu,\"server_counter\":%lu,\"client_steps\":%lu,"
             "\"client_heap_peak\":%lu,\"client_conf_heap\":%lu,\"client_heap_allocs\":%lu,"
             "\"server_heap_peak\":%lu,\"client_stack\":%lu,\"server_stack\":%lu,"
             "\"bytes_c2s\":%lu,\"bytes_s2c\":%lu,\"writes_c2s\":%lu,\"writes_s2c\":%lu}\n",
             suite->key, bench_transport_names[transport], impl == BENCH_IMPL_PAL ? "pal" : "raw",
             r->ok ? "true" : "false", (long)r->error, r->stage, r->suite_name, counter_unit,
             (unsigned long)r->client_counter, (unsigned long)r->server_counter, (unsigned long)r->client_steps,
             (unsigned long)r->client_heap_peak, (unsigned long)r->client_conf_heap,
             (unsigned long)r->client_heap_allocs, (unsigned long)r->server_heap_peak,
             (unsigned long)r->client_stack, (unsigned long)r->server_stack, (unsigned long)r->bytes_c2s,
             (unsigned long)r->bytes_s2c, (unsigned long)r->writes_c2s, (unsigned long)r->writes_s2c);
    bench_print(line);
}
