/* PAL TLS platform layer over Mbed TLS 3.6 (TLS 1.2 over streams, DTLS 1.2 over datagrams).
 * Behaviour follows pal_tls_spec.md section 3; deliberate differences are listed in
 * docs/architecture.md ("Differences from the reference"). */
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/debug.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/x509_crt.h"
#if defined(MBEDTLS_USE_PSA_CRYPTO)
#include "psa/crypto.h"
#endif

/* pal.h first, as upstream's headers require, so that the file also builds in an upstream tree. */
#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_TLS_negotiation.h"
#include "pal_plat_TLS_mbedtls.h"
#include "pal_plat_tls_ext.h"
#include "../flavour/paltls_flavour_check.h"

typedef struct pal_dtls_timer {
    bool armed;
    uint64_t intermediate_deadline_ms;
    uint64_t final_deadline_ms;
    palTimerID_t expiry_timer;
    palSocketCallback_f socket_cb;
    void *socket_cb_argument;
} pal_dtls_timer_t;

typedef struct palTLSConf {
    mbedtls_ssl_config conf;
    mbedtls_ctr_drbg_context drbg;
#if PAL_ENABLE_X509
    mbedtls_x509_crt own_cert;
    mbedtls_x509_crt ca_chain;
    mbedtls_pk_context private_key;
    bool has_own_cert;
    bool has_ca_chain;
    bool identity_configured;
#endif
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    mbedtls_ssl_cookie_ctx cookies;
    bool cookies_ready;
#endif
    int cipher_suites[PAL_TLS_SUITE_LIST_CAPACITY + 1];
    bool suites_explicit;
    bool has_psk;
    pal_dtls_timer_t timer;
    palTLSSocket_t *io_ctx;
    struct palTLS *tls_context;
    palLogFunc_f log_function;
    void *log_context;
    bool is_dtls;
    bool is_server;
} palTLSConf_t;

typedef struct palTLS {
    mbedtls_ssl_context ssl;
    palTLSConf_t *conf;
    bool setup_done;
    bool want_read_or_write;
#if PAL_USE_SECURE_TIME
    uint64_t last_server_hello_time;
#endif
#if PAL_ENABLE_X509
    bool peer_validity_known;
    uint64_t peer_valid_from;
    uint64_t peer_valid_to;
#endif
    int received_alert;
    palStatus_t bio_status;         /* socket failure behind the last BIO error (BIO section) */
    bool rcv_timeout_known;         /* PAL_SO_RCVTIMEO last set on rcv_timeout_socket */
    palSocket_t rcv_timeout_socket;
    uint32_t rcv_timeout_ms;
} palTLS_t;

static mbedtls_entropy_context *g_entropy;
static bool g_entropy_source_added;
static palMutexID_t g_entropy_mutex;

#if PAL_ENABLE_X509
/* Secure time: a renegotiation under the server's time overrides device time for the thread that
 * runs it, and only for it (the spec's per-thread alternative, 3.3). The mutex guards the table
 * for a lookup at a time, never across a renegotiation: a slow renegotiation on one context does
 * not stall the time callbacks of the others. One entry per context that can exist at once. */
#define PAL_TIME_OVERRIDES (PAL_MAX_NUM_OF_TLS_CTX > 0 ? PAL_MAX_NUM_OF_TLS_CTX : 8)
typedef struct pal_time_override {
    bool active;
    palThreadID_t thread;
    mbedtls_time_t time;
} pal_time_override_t;
static pal_time_override_t g_time_overrides[PAL_TIME_OVERRIDES];
static palMutexID_t g_time_mutex;
#endif

static palMutexID_t g_context_count_mutex;
static uint32_t g_context_count;

#if (PAL_USE_SSL_SESSION_RESUME == 1)
static uint8_t g_session_buffer[PAL_SSL_SESSION_BUFFER_SIZE];
static size_t g_session_length;
#endif

static void refresh_default_suites(palTLSConf_t *conf);

static palTLSConf_t *conf_from_handle(palTLSConfHandle_t handle)
{
    return (palTLSConf_t *)handle;
}

static palTLS_t *tls_from_handle(palTLSHandle_t handle)
{
    return (palTLS_t *)handle;
}

static bool is_alloc_failure(int mbedtls_error)
{
    switch (mbedtls_error) {
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
    case MBEDTLS_ERR_PK_ALLOC_FAILED:
    case MBEDTLS_ERR_MD_ALLOC_FAILED:
    case MBEDTLS_ERR_ECP_ALLOC_FAILED:
    case MBEDTLS_ERR_CIPHER_ALLOC_FAILED:
    case MBEDTLS_ERR_MPI_ALLOC_FAILED:
    case MBEDTLS_ERR_ASN1_ALLOC_FAILED:
        return true;
    default:
        return false;
    }
}

/* Table A of the spec: application data read/write results. */
palStatus_t pal_plat_mbedtlsDataError(int mbedtls_error)
{
    if (is_alloc_failure(mbedtls_error)) {
        return PAL_ERR_NO_MEMORY;
    }
    switch (mbedtls_error) {
    case 0:
    case MBEDTLS_ERR_SSL_CONN_EOF:
        return PAL_ERR_END_OF_FILE;
    case MBEDTLS_ERR_SSL_WANT_READ:
        return PAL_ERR_TLS_WANT_READ;
    case MBEDTLS_ERR_SSL_WANT_WRITE:
        return PAL_ERR_TLS_WANT_WRITE;
    case MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED:
        return PAL_ERR_TLS_HELLO_VERIFY_REQUIRED;
    case MBEDTLS_ERR_SSL_TIMEOUT:
        return PAL_ERR_TIMEOUT_EXPIRED;
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
        return PAL_ERR_TLS_BAD_INPUT_DATA;
    case MBEDTLS_ERR_SSL_CLIENT_RECONNECT:
        return PAL_ERR_TLS_CLIENT_RECONNECT;
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
        return PAL_ERR_TLS_PEER_CLOSE_NOTIFY;
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
        return PAL_ERR_X509_CERT_VERIFY_FAILED;
    default:
        return PAL_ERR_GENERIC_FAILURE;
    }
}

/* Table B of the spec: handshake, renegotiation and context save/load results. Raw PAL socket
 * errors arrive here only from callbacks the application installed (pal_plat_sslSetIOCallBacks);
 * the PAL's own BIO keeps them in the session (BIO section). */
palStatus_t pal_plat_mbedtlsHandshakeError(int mbedtls_error)
{
    if (is_alloc_failure(mbedtls_error) || mbedtls_error == PAL_ERR_NO_MEMORY) {
        return PAL_ERR_NO_MEMORY;
    }
    switch (mbedtls_error) {
    case 0:
        return PAL_SUCCESS;
    case MBEDTLS_ERR_SSL_WANT_READ:
        return PAL_ERR_TLS_WANT_READ;
    case MBEDTLS_ERR_SSL_WANT_WRITE:
        return PAL_ERR_TLS_WANT_WRITE;
    case MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED:
        return PAL_ERR_TLS_HELLO_VERIFY_REQUIRED;
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
        return PAL_ERR_TLS_PEER_CLOSE_NOTIFY;
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
    case MBEDTLS_ERR_X509_FATAL_ERROR:
        return PAL_ERR_X509_CERT_VERIFY_FAILED;
    case MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO:
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
    case PAL_ERR_SOCKET_CONNECTION_RESET:
        return PAL_ERR_SSL_FATAL_ALERT_MESSAGE;
    case MBEDTLS_ERR_SSL_TIMEOUT:
        return PAL_ERR_TLS_TIMEOUT;
    case MBEDTLS_ERR_SSL_CLIENT_RECONNECT:
        return PAL_ERR_TLS_CLIENT_RECONNECT;
    case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
        return PAL_ERR_TLS_SSL_VERSION_MISMATCH;
    case MBEDTLS_ERR_SSL_CONN_EOF:
        /* Not in the reference table (it reports a generic failure): a peer that closes the
         * connection mid-handshake deserves a status that says so. */
        return PAL_ERR_SOCKET_CONNECTION_CLOSED;
    default:
        return PAL_ERR_GENERIC_FAILURE;
    }
}

static palStatus_t bio_handshake_status(palTLS_t *tls, int mbedtls_result);
static palStatus_t bio_data_status(palTLS_t *tls, int mbedtls_result);

static palStatus_t translate_handshake_result(palTLS_t *tls, int mbedtls_result)
{
    tls->want_read_or_write = (mbedtls_result == MBEDTLS_ERR_SSL_WANT_READ ||
                               mbedtls_result == MBEDTLS_ERR_SSL_WANT_WRITE);
    return bio_handshake_status(tls, mbedtls_result);
}

/* Verification flags in the mandatory order: later entries win the return value. */
static const struct {
    uint32_t mbedtls_flag;
    palStatus_t pal_code;
} g_verify_flag_map[] = {
    { MBEDTLS_X509_BADCERT_NOT_TRUSTED, PAL_ERR_X509_BADCERT_NOT_TRUSTED },
    { MBEDTLS_X509_BADCERT_BAD_KEY, PAL_ERR_X509_BADCERT_BAD_KEY },
    { MBEDTLS_X509_BADCERT_BAD_PK, PAL_ERR_X509_BADCERT_BAD_PK },
    { MBEDTLS_X509_BADCERT_BAD_MD, PAL_ERR_X509_BADCERT_BAD_MD },
    { MBEDTLS_X509_BADCERT_FUTURE, PAL_ERR_X509_BADCERT_FUTURE },
    { MBEDTLS_X509_BADCERT_EXPIRED, PAL_ERR_X509_BADCERT_EXPIRED },
};

palStatus_t pal_plat_mbedtlsVerifyFlagsToPal(uint32_t flags, int32_t *verifyResult)
{
    palStatus_t status = PAL_SUCCESS;
    size_t i;

    *verifyResult = 0;
    if (flags == 0) {
        return PAL_SUCCESS;
    }
    status = PAL_ERR_X509_CERT_VERIFY_FAILED;
    for (i = 0; i < sizeof(g_verify_flag_map) / sizeof(g_verify_flag_map[0]); i++) {
        if ((flags & g_verify_flag_map[i].mbedtls_flag) != 0) {
            *verifyResult |= g_verify_flag_map[i].pal_code;
            status = g_verify_flag_map[i].pal_code;
        }
    }
    return status;
}

#if PAL_ENABLE_X509
/* The calling thread's override entry, or NULL. Caller holds g_time_mutex. */
static pal_time_override_t *time_override_of(palThreadID_t thread)
{
    size_t i;

    for (i = 0; i < PAL_TIME_OVERRIDES; i++) {
        if (g_time_overrides[i].active && g_time_overrides[i].thread == thread) {
            return &g_time_overrides[i];
        }
    }
    return NULL;
}

static mbedtls_time_t pal_mbedtls_time(mbedtls_time_t *timer)
{
    const pal_time_override_t *override;
    mbedtls_time_t now = 0;
    bool overridden = false;

    (void)timer;
    if (pal_osMutexWait(g_time_mutex, PAL_RTOS_WAIT_FOREVER) != PAL_SUCCESS) {
        return 0;
    }
    override = time_override_of(pal_osThreadGetId());
    if (override != NULL) {
        now = override->time;
        overridden = true;
    }
    if (pal_osMutexRelease(g_time_mutex) != PAL_SUCCESS) {
        return 0;
    }
    return overridden ? now : (mbedtls_time_t)pal_osGetTime();
}
#endif

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
/* PSA's random source (p256-m builds): the PAL DRBG, like every other consumer in the port. */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context, uint8_t *output,
                                             size_t output_size, size_t *output_length)
{
    (void)context;
    if (pal_osRandomBuffer(output, output_size) != PAL_SUCCESS) {
        *output_length = 0;
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}
#endif

static int pal_entropy_from_drbg(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    if (pal_osRandomBuffer(output, len) != PAL_SUCCESS) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}

palStatus_t pal_plat_initTLSLibrary(void)
{
    palStatus_t status;

    g_entropy = mbedtls_calloc(1, sizeof(*g_entropy));
    if (g_entropy == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    mbedtls_entropy_init(g_entropy);
    g_entropy_source_added = false;
    g_context_count = 0;
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    g_session_length = 0;
#endif
#if PAL_ENABLE_X509
    memset(g_time_overrides, 0, sizeof(g_time_overrides));
    if (mbedtls_platform_set_time(pal_mbedtls_time) != 0) {
        status = PAL_ERR_FAILED_SET_TIME_CB;
        goto fail_entropy;
    }
    status = pal_osMutexCreate(&g_time_mutex);
    if (status != PAL_SUCCESS) {
        goto fail_entropy;
    }
#endif
    status = pal_osMutexCreate(&g_entropy_mutex);
    if (status != PAL_SUCCESS) {
        goto fail_time_mutex;
    }
    status = pal_osMutexCreate(&g_context_count_mutex);
    if (status != PAL_SUCCESS) {
        goto fail_entropy_mutex;
    }
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    /* TLS runs its ECDHE/ECDSA (p256-m) through PSA, which must be up before the first context. */
    if (psa_crypto_init() != PSA_SUCCESS) {
        (void)pal_osMutexDelete(&g_context_count_mutex);
        status = PAL_ERR_TLS_INIT;
        goto fail_entropy_mutex;
    }
#endif
    return PAL_SUCCESS;

fail_entropy_mutex:
    (void)pal_osMutexDelete(&g_entropy_mutex);
fail_time_mutex:
#if PAL_ENABLE_X509
    (void)pal_osMutexDelete(&g_time_mutex);
fail_entropy:
#endif
    mbedtls_entropy_free(g_entropy);
    mbedtls_free(g_entropy);
    g_entropy = NULL;
    return status;
}

palStatus_t pal_plat_cleanupTLS(void)
{
    palStatus_t status = PAL_SUCCESS;
    palStatus_t step;

    if (g_entropy != NULL) {
        mbedtls_entropy_free(g_entropy);
        mbedtls_free(g_entropy);
        g_entropy = NULL;
    }
    g_entropy_source_added = false;
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    mbedtls_psa_crypto_free();
#endif
    step = pal_osMutexDelete(&g_context_count_mutex);
    if (step != PAL_SUCCESS) {
        status = step;
    }
    step = pal_osMutexDelete(&g_entropy_mutex);
    if (step != PAL_SUCCESS) {
        status = step;
    }
#if PAL_ENABLE_X509
    step = pal_osMutexDelete(&g_time_mutex);
    if (step != PAL_SUCCESS) {
        status = step;
    }
#endif
    return status;
}

static palStatus_t add_entropy_source_locked(palEntropySource_f source)
{
    if (g_entropy_source_added) {
        return PAL_SUCCESS;
    }
    if (mbedtls_entropy_add_source(g_entropy, source, NULL, PAL_INITIAL_RANDOM_SIZE,
                                   MBEDTLS_ENTROPY_SOURCE_STRONG) != 0) {
        return PAL_ERR_TLS_CONFIG_INIT;
    }
    g_entropy_source_added = true;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_addEntropySource(palEntropySource_f entropyCallback)
{
    palStatus_t status;
    palStatus_t unlock;

    if (entropyCallback == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (g_entropy == NULL) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    status = pal_osMutexWait(g_entropy_mutex, PAL_RTOS_WAIT_FOREVER);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = add_entropy_source_locked(entropyCallback);
    unlock = pal_osMutexRelease(g_entropy_mutex);
    return status != PAL_SUCCESS ? status : unlock;
}

/* The library entropy pool is not thread-safe (no MBEDTLS_THREADING_C), so seeding is serialised. */
static palStatus_t seed_configuration_drbg(palTLSConf_t *conf)
{
    palStatus_t status;
    palStatus_t unlock;
    int ret;

    status = pal_osMutexWait(g_entropy_mutex, PAL_RTOS_WAIT_FOREVER);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = add_entropy_source_locked(pal_entropy_from_drbg);
    if (status == PAL_SUCCESS) {
        ret = mbedtls_ctr_drbg_seed(&conf->drbg, mbedtls_entropy_func, g_entropy, NULL, 0);
        if (ret != 0) {
            status = PAL_ERR_TLS_CONFIG_INIT;
        }
    }
    unlock = pal_osMutexRelease(g_entropy_mutex);
    return status != PAL_SUCCESS ? status : unlock;
}

static void dtls_timer_expired(void const *argument)
{
    palTLSConf_t *conf = (palTLSConf_t *)argument;
    palSocketCallback_f callback = conf->timer.socket_cb;

    if (callback != NULL) {
        callback(conf->timer.socket_cb_argument);
    }
}

static void release_configuration(palTLSConf_t *conf)
{
    if (conf->timer.expiry_timer != NULLPTR) {
        (void)pal_osTimerStop(conf->timer.expiry_timer);
        (void)pal_osTimerDelete(&conf->timer.expiry_timer);
    }
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    if (conf->cookies_ready) {
        mbedtls_ssl_cookie_free(&conf->cookies);
    }
#endif
    mbedtls_ssl_config_free(&conf->conf);
    mbedtls_ctr_drbg_free(&conf->drbg);
#if PAL_ENABLE_X509
    mbedtls_x509_crt_free(&conf->own_cert);
    mbedtls_x509_crt_free(&conf->ca_chain);
    mbedtls_pk_free(&conf->private_key);
#endif
    mbedtls_platform_zeroize(conf, sizeof(*conf));
    mbedtls_free(conf);
}

#ifdef PAL_TLS_SUPPORT_SERVER_MODE
static palStatus_t setup_server_cookies(palTLSConf_t *conf)
{
    if (mbedtls_ssl_cookie_setup(&conf->cookies, mbedtls_ctr_drbg_random, &conf->drbg) != 0) {
        return PAL_ERR_TLS_CONFIG_INIT;
    }
    conf->cookies_ready = true;
    mbedtls_ssl_conf_dtls_cookies(&conf->conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check,
                                  &conf->cookies);
    return PAL_SUCCESS;
}
#endif

palStatus_t pal_plat_initTLSConf(palTLSConfHandle_t *confCtx, palTLSTransportMode_t transportVersion,
                                 palDTLSSide_t methodType)
{
    palTLSConf_t *conf;
    palStatus_t status;
    int endpoint = MBEDTLS_SSL_IS_CLIENT;
    int transport = MBEDTLS_SSL_TRANSPORT_STREAM;

    if (confCtx == NULL || (transportVersion != PAL_TLS_MODE && transportVersion != PAL_DTLS_MODE)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *confCtx = NULLPTR;
    if (g_entropy == NULL) {
        return PAL_ERR_NOT_INITIALIZED;
    }
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    if (methodType == PAL_TLS_IS_SERVER) {
        endpoint = MBEDTLS_SSL_IS_SERVER;
    } else if (methodType != PAL_TLS_IS_CLIENT) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
#else
    if (methodType != PAL_TLS_IS_CLIENT) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
#endif
    if (transportVersion == PAL_DTLS_MODE) {
        transport = MBEDTLS_SSL_TRANSPORT_DATAGRAM;
    }

    conf = mbedtls_calloc(1, sizeof(*conf));
    if (conf == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    conf->is_dtls = (transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM);
    conf->is_server = (endpoint == MBEDTLS_SSL_IS_SERVER);
    mbedtls_ssl_config_init(&conf->conf);
    mbedtls_ctr_drbg_init(&conf->drbg);
#if PAL_ENABLE_X509
    mbedtls_x509_crt_init(&conf->own_cert);
    mbedtls_x509_crt_init(&conf->ca_chain);
    mbedtls_pk_init(&conf->private_key);
#endif
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    mbedtls_ssl_cookie_init(&conf->cookies);
#endif

    if (mbedtls_ssl_config_defaults(&conf->conf, endpoint, transport, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        status = PAL_ERR_TLS_CONFIG_INIT;
        goto fail;
    }
    status = seed_configuration_drbg(conf);
    if (status != PAL_SUCCESS) {
        goto fail;
    }
    mbedtls_ssl_conf_rng(&conf->conf, mbedtls_ctr_drbg_random, &conf->drbg);
    status = pal_osTimerCreate(dtls_timer_expired, conf, palOsTimerOnce, &conf->timer.expiry_timer);
    if (status != PAL_SUCCESS) {
        goto fail;
    }
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    if (endpoint == MBEDTLS_SSL_IS_SERVER) {
        mbedtls_ssl_conf_renegotiation(&conf->conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
        if (transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM) {
            status = setup_server_cookies(conf);
            if (status != PAL_SUCCESS) {
                goto fail;
            }
        }
    }
#endif
    refresh_default_suites(conf);
    *confCtx = (palTLSConfHandle_t)conf;
    return PAL_SUCCESS;

fail:
    release_configuration(conf);
    return status;
}

palStatus_t pal_plat_tlsConfigurationFree(palTLSConfHandle_t *palTLSConf)
{
    if (palTLSConf == NULL || *palTLSConf == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    release_configuration(conf_from_handle(*palTLSConf));
    *palTLSConf = NULLPTR;
    return PAL_SUCCESS;
}

/* Uptime in milliseconds from the PAL tick: this project's ports tick at 1 kHz, upstream's ports
 * at whatever rate pal_osKernelSysTickFrequency reports. Split so the product cannot overflow. */
static uint64_t uptime_ms(void)
{
    uint64_t ticks = pal_osKernelSysTick();
    uint64_t frequency = pal_osKernelSysTickFrequency();

    if (frequency == 0) {
        return ticks;
    }
    return (ticks / frequency) * 1000u + ((ticks % frequency) * 1000u) / frequency;
}

/* mbedtls f_set_timer: deadlines in milliseconds of uptime. The expiry timer only exists to wake
 * an event-driven caller through the DTLS socket callback; retransmission happens in its call. */
static void dtls_set_delay(void *ctx, uint32_t intermediate_ms, uint32_t final_ms)
{
    pal_dtls_timer_t *timer = (pal_dtls_timer_t *)ctx;
    uint64_t now = uptime_ms();

    (void)pal_osTimerStop(timer->expiry_timer);
    if (final_ms == 0) {
        timer->armed = false;
        return;
    }
    timer->armed = true;
    timer->intermediate_deadline_ms = now + intermediate_ms;
    timer->final_deadline_ms = now + final_ms;
    if (timer->socket_cb != NULL) {
        (void)pal_osTimerStart(timer->expiry_timer, final_ms);
    }
}

/* mbedtls f_get_timer: -1 cancelled, 0 none expired, 1 intermediate expired, 2 final expired. */
static int dtls_get_delay(void *ctx)
{
    const pal_dtls_timer_t *timer = (const pal_dtls_timer_t *)ctx;
    uint64_t now;

    if (!timer->armed) {
        return -1;
    }
    now = uptime_ms();
    if (now >= timer->final_deadline_ms) {
        return 2;
    }
    if (now >= timer->intermediate_deadline_ms) {
        return 1;
    }
    return 0;
}

#if PAL_USE_SECURE_TIME
static void remember_server_hello_time(void *context, mbedtls_ssl_key_export_type type,
                                       const unsigned char *secret, size_t secret_len,
                                       const unsigned char client_random[32],
                                       const unsigned char server_random[32],
                                       mbedtls_tls_prf_types tls_prf_type)
{
    palTLS_t *tls = (palTLS_t *)context;

    (void)type;
    (void)secret;
    (void)secret_len;
    (void)client_random;
    (void)tls_prf_type;
    /* gmt_unix_time: the first four bytes of ServerHello.random, big-endian (TLS/DTLS 1.2). */
    tls->last_server_hello_time = ((uint64_t)server_random[0] << 24) | ((uint64_t)server_random[1] << 16) |
                                  ((uint64_t)server_random[2] << 8) | (uint64_t)server_random[3];
}
#endif

#if PAL_ENABLE_X509
/* Days from 1970-01-01 to a proleptic Gregorian date (civil calendar arithmetic, no tables). */
static int64_t days_since_epoch(int64_t year, int64_t month, int64_t day)
{
    int64_t era;
    int64_t year_of_era;
    int64_t day_of_year;
    int64_t day_of_era;

    year -= (month <= 2) ? 1 : 0;
    era = (year >= 0 ? year : year - 399) / 400;
    year_of_era = year - era * 400;
    day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static uint64_t x509_time_to_unix(const mbedtls_x509_time *t)
{
    int64_t seconds = days_since_epoch(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;

    return seconds < 0 ? 0 : (uint64_t)seconds;
}

/* Verification callback: remembers the validity window of the peer's own certificate (depth 0)
 * so that a ServerHello time can be checked against it. Never changes the verdict. */
static int record_peer_validity(void *context, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    palTLS_t *tls = (palTLS_t *)context;

    (void)flags;
    if (depth == 0) {
        tls->peer_valid_from = x509_time_to_unix(&crt->valid_from);
        tls->peer_valid_to = x509_time_to_unix(&crt->valid_to);
        tls->peer_validity_known = true;
    }
    return 0;
}
#endif

static palStatus_t reserve_context_slot(void)
{
    palStatus_t status;
    palStatus_t unlock;

    status = pal_osMutexWait(g_context_count_mutex, PAL_RTOS_WAIT_FOREVER);
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (PAL_MAX_NUM_OF_TLS_CTX != 0 && g_context_count >= PAL_MAX_NUM_OF_TLS_CTX) {
        status = PAL_ERR_TLS_RESOURCE;
    } else {
        g_context_count++;
    }
    unlock = pal_osMutexRelease(g_context_count_mutex);
    return status != PAL_SUCCESS ? status : unlock;
}

static void release_context_slot(void)
{
    if (pal_osMutexWait(g_context_count_mutex, PAL_RTOS_WAIT_FOREVER) == PAL_SUCCESS) {
        if (g_context_count > 0) {
            g_context_count--;
        }
        (void)pal_osMutexRelease(g_context_count_mutex);
    }
}

palStatus_t pal_plat_initTLS(palTLSConfHandle_t palTLSConf, palTLSHandle_t *palTLSHandle)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);
    palTLS_t *tls;
    palStatus_t status;

    if (conf == NULL || palTLSHandle == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *palTLSHandle = NULLPTR;
    status = reserve_context_slot();
    if (status != PAL_SUCCESS) {
        return status;
    }
    tls = mbedtls_calloc(1, sizeof(*tls));
    if (tls == NULL) {
        release_context_slot();
        return PAL_ERR_TLS_RESOURCE;
    }
    mbedtls_ssl_init(&tls->ssl);
    tls->conf = conf;
    tls->received_alert = -1;
    conf->tls_context = tls;
    (void)pal_osTimerStop(conf->timer.expiry_timer);
    conf->timer.armed = false;
    conf->timer.socket_cb = NULL;
    conf->timer.socket_cb_argument = NULL;
    mbedtls_ssl_set_timer_cb(&tls->ssl, &conf->timer, dtls_set_delay, dtls_get_delay);
#if PAL_USE_SECURE_TIME
    mbedtls_ssl_set_export_keys_cb(&tls->ssl, remember_server_hello_time, tls);
#endif
#if PAL_ENABLE_X509
    mbedtls_ssl_set_verify(&tls->ssl, record_peer_validity, tls);
#endif
    *palTLSHandle = (palTLSHandle_t)tls;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_freeTLS(palTLSHandle_t *palTLSHandle)
{
    palTLS_t *tls;

    if (palTLSHandle == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    tls = tls_from_handle(*palTLSHandle);
    if (tls == NULL) {
        return PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
    }
    if (tls->conf != NULL && tls->conf->tls_context == tls) {
        tls->conf->tls_context = NULL;
    }
    mbedtls_ssl_free(&tls->ssl);
    mbedtls_platform_zeroize(tls, sizeof(*tls));
    mbedtls_free(tls);
    release_context_slot();
    *palTLSHandle = NULLPTR;
    return PAL_SUCCESS;
}

static int mbedtls_suite_id(palTLSSuites_t suite)
{
    /* int: PAL_TLS_PSK_WITH_AES_128_CBC_SHA256 is not a member of the upstream enum. */
    switch ((int)suite) {
#if PAL_ENABLE_PSK
    case PAL_TLS_PSK_WITH_AES_128_CCM_8:
        return MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8;
    case PAL_TLS_PSK_WITH_AES_256_CCM_8:
        return MBEDTLS_TLS_PSK_WITH_AES_256_CCM_8;
    case PAL_TLS_PSK_WITH_AES_128_CBC_SHA256:
        return MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256;
#endif
#if PAL_ENABLE_X509
    case PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8:
        return MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8;
    case PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
        return MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    case PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
        return MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
#if defined(MBEDTLS_ARIA_C)
    case PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256:
        return MBEDTLS_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256;
#endif
#endif
    default:
        return 0;
    }
}

#if defined(MBEDTLS_SSL_ENCRYPT_THEN_MAC)
static bool offers_cbc_suite(const int *suites)
{
    for (; *suites != 0; suites++) {
        if (*suites == MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256) {
            return true;
        }
    }
    return false;
}
#endif

/* Programs conf->cipher_suites (0-terminated) into the library configuration. */
static void apply_suite_list(palTLSConf_t *conf)
{
    mbedtls_ssl_conf_ciphersuites(&conf->conf, conf->cipher_suites);
#if defined(MBEDTLS_SSL_ENCRYPT_THEN_MAC)
    /* Encrypt-then-MAC only matters to CBC suites; not offering it saves ClientHello bytes. */
    mbedtls_ssl_conf_encrypt_then_mac(&conf->conf, offers_cbc_suite(conf->cipher_suites)
                                                       ? MBEDTLS_SSL_ETM_ENABLED
                                                       : MBEDTLS_SSL_ETM_DISABLED);
#endif
}

static bool suite_compiled(palTLSSuites_t suite)
{
    int id = mbedtls_suite_id(suite);

    return id != 0 && mbedtls_ssl_ciphersuite_from_id(id) != NULL;
}

/* Preference order of the default offer: certificate suites first (forward secrecy, and the
 * reference's own default 0xC0AE leads), CCM-8 before GCM (the reference's IoT choice), AES-128
 * before AES-256; CBC last (only there for peers without AEAD). */
static const struct {
    palTLSSuites_t suite;
    uint32_t selector;
    bool psk;
} g_default_suite_order[] = {
    { PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8_SUITE, false },
    { PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_SUITE, false },
    { PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_SUITE, false },
    { PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256, PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256_SUITE, false },
    { PAL_TLS_PSK_WITH_AES_128_CCM_8, PAL_TLS_PSK_WITH_AES_128_CCM_8_SUITE, true },
    { PAL_TLS_PSK_WITH_AES_256_CCM_8, PAL_TLS_PSK_WITH_AES_256_CCM_8_SUITE, true },
    { PAL_TLS_PSK_WITH_AES_128_CBC_SHA256, PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE, true },
};

static size_t collect_default_suites(const palTLSConf_t *conf, int *list, bool by_credentials)
{
#if PAL_ENABLE_X509
    bool certificates = conf->has_ca_chain || conf->has_own_cert;
#else
    bool certificates = false; /* no certificates in this flavour */
#endif
    size_t count = 0;
    size_t i;

    for (i = 0; i < sizeof(g_default_suite_order) / sizeof(g_default_suite_order[0]); i++) {
        if ((PAL_TLS_CIPHER_SUITE & g_default_suite_order[i].selector) == 0 ||
            !suite_compiled(g_default_suite_order[i].suite)) {
            continue;
        }
        if (by_credentials && (g_default_suite_order[i].psk ? !conf->has_psk : !certificates)) {
            continue;
        }
        list[count++] = mbedtls_suite_id(g_default_suite_order[i].suite);
    }
    list[count] = 0;
    return count;
}

/* Until the application picks suites, the offer follows the credentials: PSK suites once a PSK is
 * set, certificate suites once a CA or an own certificate is. With no usable credential yet (or
 * none matching the compiled group) the whole group stays offered, so that the handshake fails at
 * the peer with an alert that says why instead of with an empty ClientHello. */
static void refresh_default_suites(palTLSConf_t *conf)
{
    if (conf->suites_explicit) {
        return;
    }
    if (collect_default_suites(conf, conf->cipher_suites, true) == 0) {
        (void)collect_default_suites(conf, conf->cipher_suites, false);
    }
    apply_suite_list(conf);
}

palStatus_t pal_plat_setCipherSuites(palTLSConfHandle_t sslConf, palTLSSuites_t palSuite)
{
    palTLSConf_t *conf = conf_from_handle(sslConf);
    /* Fallback suites offered after the requested one when more than one is allowed. */
    static const int extra_suites[] = {
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        MBEDTLS_TLS_PSK_WITH_AES_256_CCM_8,
        MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8,
    };
    size_t i;

    if (conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    conf->suites_explicit = true;
    if (!suite_compiled(palSuite)) {
        conf->cipher_suites[0] = 0;
        return PAL_ERR_TLS_INVALID_CIPHER;
    }
    conf->cipher_suites[0] = mbedtls_suite_id(palSuite);
    for (i = 1; i < PAL_MAX_ALLOWED_CIPHER_SUITES; i++) {
        conf->cipher_suites[i] = extra_suites[i - 1];
    }
    conf->cipher_suites[PAL_MAX_ALLOWED_CIPHER_SUITES] = 0;
    apply_suite_list(conf);
    return PAL_SUCCESS;
}

static bool suite_listed(const int *list, size_t count, int id)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (list[i] == id) {
            return true;
        }
    }
    return false;
}

palStatus_t pal_plat_setCipherSuiteList(palTLSConfHandle_t sslConf, const palTLSSuites_t *suites, size_t count)
{
    palTLSConf_t *conf = conf_from_handle(sslConf);
    size_t used = 0;
    size_t i;

    if (conf == NULL || suites == NULL || count == 0 || count > PAL_TLS_SUITE_LIST_CAPACITY) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    conf->suites_explicit = true;
    conf->cipher_suites[0] = 0;
    for (i = 0; i < count; i++) {
        if (!suite_compiled(suites[i])) {
            conf->cipher_suites[0] = 0;
            return PAL_ERR_TLS_INVALID_CIPHER;
        }
        if (!suite_listed(conf->cipher_suites, used, mbedtls_suite_id(suites[i]))) {
            conf->cipher_suites[used++] = mbedtls_suite_id(suites[i]);
        }
    }
    conf->cipher_suites[used] = 0;
    apply_suite_list(conf);
    return PAL_SUCCESS;
}

size_t pal_plat_getOfferedCipherSuiteNames(palTLSConfHandle_t sslConf, const char **names, size_t max)
{
    const palTLSConf_t *conf = conf_from_handle(sslConf);
    size_t count = 0;

    if (conf == NULL) {
        return 0;
    }
    for (; conf->cipher_suites[count] != 0; count++) {
        if (names != NULL && count < max) {
            names[count] = mbedtls_ssl_get_ciphersuite_name(conf->cipher_suites[count]);
        }
    }
    return count;
}

bool pal_plat_sslPeerCertificateChecked(palTLSHandle_t palTLSHandle)
{
#if PAL_ENABLE_X509
    const palTLS_t *tls = tls_from_handle(palTLSHandle);

    return tls != NULL && tls->peer_validity_known;
#else
    /* No certificates in this flavour: none was ever checked. */
    (void)palTLSHandle;
    return false;
#endif
}

int pal_plat_sslReceivedAlert(palTLSHandle_t palTLSHandle)
{
    const palTLS_t *tls = tls_from_handle(palTLSHandle);

    return tls != NULL ? tls->received_alert : -1;
}

/* The library reports a fatal alert only as MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE; which alert it
 * was is left in the input record (level, description), read here through the private member. */
static void note_received_alert(palTLS_t *tls, int mbedtls_result)
{
    if (mbedtls_result == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && tls->ssl.MBEDTLS_PRIVATE(in_msg) != NULL) {
        tls->received_alert = tls->ssl.MBEDTLS_PRIVATE(in_msg)[1];
    }
}

palStatus_t pal_plat_sslGetVerifyResultExtended(palTLSHandle_t palTLSHandle, int32_t *verifyResult)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);

    if (tls == NULL || verifyResult == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
#if PAL_ENABLE_X509
    return pal_plat_mbedtlsVerifyFlagsToPal(mbedtls_ssl_get_verify_result(&tls->ssl), verifyResult);
#else
    /* No certificates, nothing verified: the library reports "not verified" (all bits). */
    *verifyResult = 0;
    return PAL_SUCCESS;
#endif
}

/* mbedtls_ssl_read/write result: a positive byte count, or an error for table A. */
static palStatus_t data_result(palTLS_t *tls, int ret, uint32_t *count)
{
    if (ret > 0) {
        *count = (uint32_t)ret;
        return PAL_SUCCESS;
    }
    *count = 0;
    return bio_data_status(tls, ret);
}

palStatus_t pal_plat_sslRead(palTLSHandle_t palTLSHandle, void *buffer, uint32_t len, uint32_t *actualLen)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    int ret;

    if (tls == NULL || buffer == NULL || actualLen == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    ret = mbedtls_ssl_read(&tls->ssl, buffer, len);
    return data_result(tls, ret, actualLen);
}

palStatus_t pal_plat_sslWrite(palTLSHandle_t palTLSHandle, const void *buffer, uint32_t len, uint32_t *bytesWritten)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    int ret;

    if (tls == NULL || buffer == NULL || bytesWritten == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    ret = mbedtls_ssl_write(&tls->ssl, buffer, len);
    return data_result(tls, ret, bytesWritten);
}

palStatus_t pal_plat_setHandShakeTimeOut(palTLSConfHandle_t palTLSConf, uint32_t minTimeout, uint32_t maxTimeout)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    if (conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    mbedtls_ssl_conf_handshake_timeout(&conf->conf, minTimeout, maxTimeout);
    return PAL_SUCCESS;
}

static palStatus_t setup_error(int mbedtls_error)
{
    return mbedtls_error == MBEDTLS_ERR_SSL_ALLOC_FAILED ? PAL_ERR_NO_MEMORY : PAL_ERR_GENERIC_FAILURE;
}

palStatus_t pal_plat_sslSetup(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    palTLSConf_t *conf = conf_from_handle(palTLSConf);
    int ret;

    if (tls == NULL || conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (tls->setup_done) {
        return PAL_ERR_TLS_MULTIPLE_HANDSHAKE;
    }
#if PAL_MAX_FRAG_LEN > 0
    ret = mbedtls_ssl_conf_max_frag_len(&conf->conf, PAL_MAX_FRAG_LEN);
    if (ret != 0) {
        return ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA ? PAL_ERR_TLS_BAD_INPUT_DATA : PAL_ERR_TLS_INIT;
    }
#endif
    ret = mbedtls_ssl_setup(&tls->ssl, &conf->conf);
    if (ret != 0) {
        return setup_error(ret);
    }
#if PAL_ENABLE_X509
    if (!conf->is_server) {
        /* PAL identifies servers by their CA, never by name (spec 3.4). Mbed TLS 3.6 refuses to
         * verify a certificate until the client states that explicitly. */
        ret = mbedtls_ssl_set_hostname(&tls->ssl, NULL);
        if (ret != 0) {
            return setup_error(ret);
        }
    }
#endif
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    if (!conf->is_server && conf->is_dtls) {
        /* Zero-length own CID: the server sends us plain records, we carry its CID. The library
         * memcpy()s the CID even when empty, so it gets a valid pointer rather than NULL. */
        static const unsigned char no_cid[1] = { 0 };
        ret = mbedtls_ssl_set_cid(&tls->ssl, MBEDTLS_SSL_CID_ENABLED, no_cid, 0);
        if (ret != 0) {
            return setup_error(ret);
        }
    }
#endif
    tls->setup_done = true;
    tls->conf = conf;
    conf->tls_context = tls;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_handShake(palTLSHandle_t palTLSHandle, uint64_t *serverTime)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    palStatus_t status;
    int ret;

    if (tls == NULL || serverTime == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (!tls->setup_done) {
        return PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
    }
    ret = mbedtls_ssl_handshake(&tls->ssl);
    note_received_alert(tls, ret);
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED && tls->conf->is_server) {
        /* The cookie went out: start over and wait for the ClientHello that carries it. */
        ret = mbedtls_ssl_session_reset(&tls->ssl);
        if (ret == 0) {
            ret = MBEDTLS_ERR_SSL_WANT_READ;
        }
    }
#endif
    status = translate_handshake_result(tls, ret);
#if PAL_USE_SECURE_TIME
    if (status == PAL_SUCCESS && tls->last_server_hello_time != 0) {
        *serverTime = tls->last_server_hello_time;
    }
#endif
    return status;
}

#if PAL_USE_SECURE_TIME
/* Claims an override entry for the calling thread; a thread already renegotiating is refused. */
static palStatus_t begin_time_override(mbedtls_time_t server_time, pal_time_override_t **entry)
{
    palThreadID_t self = pal_osThreadGetId();
    palStatus_t status;
    palStatus_t unlock;
    size_t i;

    *entry = NULL;
    status = pal_osMutexWait(g_time_mutex, PAL_RTOS_WAIT_FOREVER);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = PAL_ERR_TLS_MULTIPLE_HANDSHAKE;
    if (time_override_of(self) == NULL) {
        for (i = 0; i < PAL_TIME_OVERRIDES && *entry == NULL; i++) {
            if (!g_time_overrides[i].active) {
                *entry = &g_time_overrides[i];
            }
        }
    }
    if (*entry != NULL) {
        (*entry)->active = true;
        (*entry)->thread = self;
        (*entry)->time = server_time;
        status = PAL_SUCCESS;
    }
    unlock = pal_osMutexRelease(g_time_mutex);
    if (status == PAL_SUCCESS && unlock != PAL_SUCCESS) {
        (*entry)->active = false;
        *entry = NULL;
        return unlock;
    }
    return status;
}

static palStatus_t end_time_override(pal_time_override_t *entry)
{
    palStatus_t status = pal_osMutexWait(g_time_mutex, PAL_RTOS_WAIT_FOREVER);

    entry->active = false;
    if (status != PAL_SUCCESS) {
        return status;
    }
    return pal_osMutexRelease(g_time_mutex);
}

palStatus_t pal_plat_renegotiate(palTLSHandle_t palTLSHandle, uint64_t serverTime)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    pal_time_override_t *override;
    palStatus_t status;
    palStatus_t unlock;
    int ret;

    if (tls == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = begin_time_override((mbedtls_time_t)serverTime, &override);
    if (status != PAL_SUCCESS) {
        return status;
    }
    ret = mbedtls_ssl_renegotiate(&tls->ssl);
    note_received_alert(tls, ret);
    status = translate_handshake_result(tls, ret);
    unlock = end_time_override(override);
    return status != PAL_SUCCESS ? status : unlock;
}
#endif

/* ---- BIO: PAL sockets under Mbed TLS -----------------------------------------------------
 * The PAL's own BIO (pal_plat_tlsSetSocket) speaks only Mbed TLS codes to the library. A PAL
 * socket failure is kept in the session (bio_status) while the library sees MBEDTLS_ERR_NET_*,
 * and the handshake or data result maps it once (bio_failure_status). Passing PAL codes through
 * would collide: PAL_ERR_GENERIC_FAILURE (-0x10) is MBEDTLS_ERR_MPI_ALLOC_FAILED (reported as
 * PAL_ERR_NO_MEMORY), PAL_ERR_INVALID_ARGUMENT (-0x0F) is MBEDTLS_ERR_CCM_AUTH_FAILED.
 * Callbacks an application installs with pal_plat_sslSetIOCallBacks keep the reference contract
 * (raw PAL codes, table B knows the ones that matter). */

/* One socket operation: a PAL status and the bytes moved. TLS EOF is success with 0 bytes. */
static palStatus_t socket_send(palTLSSocket_t *io, const unsigned char *buf, size_t len, size_t *sent)
{
    *sent = 0;
    if (io->transportationMode == PAL_TLS_MODE) {
        return pal_send(io->socket, buf, len, sent);
    }
    if (io->transportationMode == PAL_DTLS_MODE) {
        return pal_sendTo(io->socket, buf, len, io->socketAddress, io->addressLength, sent);
    }
    return PAL_ERR_GENERIC_FAILURE;
}

static palStatus_t socket_recv(palTLSSocket_t *io, unsigned char *buf, size_t len, size_t *received)
{
    palStatus_t status;

    *received = 0;
    if (io->transportationMode == PAL_TLS_MODE) {
        status = pal_recv(io->socket, buf, len, received);
        return status == PAL_ERR_SOCKET_CONNECTION_CLOSED ? PAL_SUCCESS : status;
    }
    return pal_receiveFrom(io->socket, buf, len, io->socketAddress, &io->addressLength, received);
}

/* Mbed TLS result of a socket operation; a failure is remembered in tls->bio_status. */
static int bio_result(palTLS_t *tls, palStatus_t status, size_t transferred, int would_block_code, int failure_code)
{
    if (status == PAL_SUCCESS && transferred > 0) {
        return (int)transferred;
    }
    if (status == PAL_SUCCESS || status == PAL_ERR_SOCKET_WOULD_BLOCK) {
        return would_block_code;
    }
    tls->bio_status = status;
    return failure_code;
}

static palTLSSocket_t *bio_socket(palTLS_t *tls)
{
    return tls->conf != NULL ? tls->conf->io_ctx : NULL;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    palTLS_t *tls = (palTLS_t *)ctx;
    palTLSSocket_t *io = bio_socket(tls);
    size_t sent = 0;
    palStatus_t status;

    if (io == NULL) {
        tls->bio_status = PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
        return MBEDTLS_ERR_NET_SEND_FAILED;
    }
    status = socket_send(io, buf, len, &sent);
    return bio_result(tls, status, sent, MBEDTLS_ERR_SSL_WANT_WRITE, MBEDTLS_ERR_NET_SEND_FAILED);
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    palTLS_t *tls = (palTLS_t *)ctx;
    palTLSSocket_t *io = bio_socket(tls);
    size_t received = 0;
    palStatus_t status;

    if (io == NULL) {
        tls->bio_status = PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
        return MBEDTLS_ERR_NET_RECV_FAILED;
    }
    status = socket_recv(io, buf, len, &received);
    if (status == PAL_SUCCESS && io->transportationMode == PAL_TLS_MODE) {
        return (int)received; /* 0: the peer closed the stream (EOF to the library) */
    }
    return bio_result(tls, status, received, MBEDTLS_ERR_SSL_WANT_READ, MBEDTLS_ERR_NET_RECV_FAILED);
}

/* Blocking DTLS reads wait for the library's retransmission deadline. The socket keeps the last
 * timeout set through this session, so PAL_SO_RCVTIMEO is set only when it changes (over the
 * socket bridge every option is a serial round trip). */
static palStatus_t set_receive_timeout(palTLS_t *tls, palTLSSocket_t *io, uint32_t timeout_ms)
{
    palStatus_t status;

    if (tls->rcv_timeout_known && tls->rcv_timeout_socket == io->socket && tls->rcv_timeout_ms == timeout_ms) {
        return PAL_SUCCESS;
    }
    tls->rcv_timeout_known = false;
    status = pal_setSocketOptions(io->socket, PAL_SO_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
    if (status == PAL_SUCCESS) {
        tls->rcv_timeout_known = true;
        tls->rcv_timeout_socket = io->socket;
        tls->rcv_timeout_ms = timeout_ms;
    }
    return status;
}

static int bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    palTLS_t *tls = (palTLS_t *)ctx;
    palTLSSocket_t *io = bio_socket(tls);
    size_t received = 0;
    palStatus_t status;

    if (io == NULL || io->transportationMode == PAL_TLS_MODE) {
        return bio_recv(ctx, buf, len);
    }
    status = set_receive_timeout(tls, io, timeout_ms);
    if (status != PAL_SUCCESS) {
        tls->bio_status = status;
        return MBEDTLS_ERR_NET_RECV_FAILED;
    }
    status = socket_recv(io, buf, len, &received);
    return bio_result(tls, status, received,
                      status == PAL_ERR_SOCKET_WOULD_BLOCK ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_SSL_WANT_READ,
                      MBEDTLS_ERR_NET_RECV_FAILED);
}

/* Receive-with-timeout for callbacks installed by the application: their context is the
 * palTLSSocket_t and their codes are raw PAL statuses (reference contract). */
static int app_bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    palTLSSocket_t *io = (palTLSSocket_t *)ctx;
    size_t received = 0;
    palStatus_t status;

    if (io == NULL) {
        return -1;
    }
    if (io->transportationMode == PAL_DTLS_MODE) {
        status = pal_setSocketOptions(io->socket, PAL_SO_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
        if (status != PAL_SUCCESS) {
            return (int)status;
        }
    }
    status = socket_recv(io, buf, len, &received);
    if (status == PAL_SUCCESS && (received > 0 || io->transportationMode == PAL_TLS_MODE)) {
        return (int)received;
    }
    if (status == PAL_SUCCESS) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (status == PAL_ERR_SOCKET_WOULD_BLOCK) {
        return io->transportationMode == PAL_DTLS_MODE ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_SSL_WANT_READ;
    }
    return (int)status;
}

/* The PAL status behind a failed library call: the socket failure the BIO kept, if the library
 * result is the BIO's failure code; consumed by the call. */
static bool bio_failure_status(palTLS_t *tls, int mbedtls_result, palStatus_t *status)
{
    palStatus_t kept = tls->bio_status;

    tls->bio_status = PAL_SUCCESS;
    if (kept == PAL_SUCCESS ||
        (mbedtls_result != MBEDTLS_ERR_NET_SEND_FAILED && mbedtls_result != MBEDTLS_ERR_NET_RECV_FAILED)) {
        return false;
    }
    *status = kept;
    return true;
}

/* Table B, with a kept socket failure taking the place of the library's code: a reset
 * connection is a fatal alert and no memory stays no memory (spec 3.10); any other socket
 * error is reported as itself. */
static palStatus_t bio_handshake_status(palTLS_t *tls, int mbedtls_result)
{
    palStatus_t status;

    if (!bio_failure_status(tls, mbedtls_result, &status)) {
        return pal_plat_mbedtlsHandshakeError(mbedtls_result);
    }
    return status == PAL_ERR_SOCKET_CONNECTION_RESET ? PAL_ERR_SSL_FATAL_ALERT_MESSAGE : status;
}

/* Table A for read/write: socket failures other than no memory stay a generic failure there. */
static palStatus_t bio_data_status(palTLS_t *tls, int mbedtls_result)
{
    palStatus_t status;

    if (!bio_failure_status(tls, mbedtls_result, &status)) {
        return pal_plat_mbedtlsDataError(mbedtls_result);
    }
    return status == PAL_ERR_NO_MEMORY ? PAL_ERR_NO_MEMORY : PAL_ERR_GENERIC_FAILURE;
}

/* Validates the socket and makes it the configuration's BIO context. */
static palStatus_t bind_socket(palTLSConf_t *conf, palTLSSocket_t *io, bool *non_blocking)
{
    palStatus_t status;

    if (conf == NULL || io == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (conf->tls_context == NULL) {
        return PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
    }
    status = pal_isNonBlocking(io->socket, non_blocking);
    if (status != PAL_SUCCESS) {
        return status;
    }
    conf->io_ctx = io;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_sslSetIOCallBacks(palTLSConfHandle_t palTLSConf, palTLSSocket_t *palIOCtx,
                                       palBIOSend_f palBIOSend, palBIORecv_f palBIORecv)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);
    bool non_blocking = false;
    palStatus_t status;

    if (palBIOSend == NULL || palBIORecv == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = bind_socket(conf, palIOCtx, &non_blocking);
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (non_blocking) {
        mbedtls_ssl_set_bio(&conf->tls_context->ssl, palIOCtx, palBIOSend, palBIORecv, NULL);
    } else {
        mbedtls_ssl_set_bio(&conf->tls_context->ssl, palIOCtx, palBIOSend, NULL, app_bio_recv_timeout);
    }
    return PAL_SUCCESS;
}

#ifdef PAL_TLS_SUPPORT_SERVER_MODE
/* DTLS server: Mbed TLS binds HelloVerifyRequest cookies to the client's transport id, which only
 * the application knows: the source address of the datagrams read during the handshake. Without
 * it the library cannot write a cookie and every DTLS server handshake failed. */
static int note_client_address(palTLS_t *tls, int received)
{
    const palTLSSocket_t *io = tls->conf->io_ctx;

    if (received > 0 && !mbedtls_ssl_is_handshake_over(&tls->ssl) &&
        mbedtls_ssl_set_client_transport_id(&tls->ssl, (const unsigned char *)io->socketAddress,
                                            sizeof(*io->socketAddress)) != 0) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    return received;
}

static int bio_recv_dtls_server(void *ctx, unsigned char *buf, size_t len)
{
    return note_client_address((palTLS_t *)ctx, bio_recv(ctx, buf, len));
}

static int bio_recv_timeout_dtls_server(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    return note_client_address((palTLS_t *)ctx, bio_recv_timeout(ctx, buf, len, timeout_ms));
}
#endif

palStatus_t pal_plat_tlsSetSocket(palTLSConfHandle_t palTLSConf, palTLSSocket_t *socket)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);
    bool non_blocking = false;
    mbedtls_ssl_recv_t *recv = bio_recv;
    mbedtls_ssl_recv_timeout_t *recv_timeout = bio_recv_timeout;
    palTLS_t *tls;
    palStatus_t status;

    status = bind_socket(conf, socket, &non_blocking);
    if (status != PAL_SUCCESS) {
        return status;
    }
    tls = conf->tls_context;
    tls->bio_status = PAL_SUCCESS;
    tls->rcv_timeout_known = false;
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    if (conf->is_server && conf->is_dtls) {
        recv = bio_recv_dtls_server;
        recv_timeout = bio_recv_timeout_dtls_server;
    }
#endif
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, non_blocking ? recv : NULL, non_blocking ? NULL : recv_timeout);
    return PAL_SUCCESS;
}

#if PAL_ENABLE_X509
/* The certificate and key can arrive in either order; the pair is given to the library once,
 * when both exist. The library keeps pointers, so chain certificates appended to own_cert later
 * are sent without configuring again. */
static palStatus_t configure_own_identity(palTLSConf_t *conf)
{
    if (conf->identity_configured || !conf->has_own_cert ||
        mbedtls_pk_get_type(&conf->private_key) == MBEDTLS_PK_NONE) {
        return PAL_SUCCESS;
    }
    if (mbedtls_ssl_conf_own_cert(&conf->conf, &conf->own_cert, &conf->private_key) != 0) {
        return PAL_ERR_TLS_FAILED_TO_SET_CERT;
    }
    conf->identity_configured = true;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_setOwnCertChain(palTLSConfHandle_t palTLSConf, palX509_t *ownCert)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    if (conf == NULL || ownCert == NULL || ownCert->buffer == NULL || ownCert->size == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (mbedtls_x509_crt_parse_der(&conf->own_cert, ownCert->buffer, ownCert->size) != 0) {
        return PAL_ERR_TLS_FAILED_TO_PARSE_CERT;
    }
    conf->has_own_cert = true;
    refresh_default_suites(conf);
    return configure_own_identity(conf);
}

#ifdef MBED_CONF_MBED_CLOUD_CLIENT_PSA_SUPPORT
/* The key is a PSA key handle; the key stays the caller's (it is not destroyed with the
 * configuration). */
static int load_private_key(palTLSConf_t *conf, const palPrivateKey_t *privateKey)
{
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    return mbedtls_pk_setup_opaque(&conf->private_key, (mbedtls_svc_key_id_t)*privateKey);
#else
    (void)conf;
    (void)privateKey;
    return MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE;
#endif
}

static bool private_key_given(const palPrivateKey_t *privateKey)
{
    return privateKey != NULL && *privateKey != 0;
}
#else
static int load_private_key(palTLSConf_t *conf, const palPrivateKey_t *privateKey)
{
    return mbedtls_pk_parse_key(&conf->private_key, privateKey->buffer, privateKey->size, NULL, 0,
                                mbedtls_ctr_drbg_random, &conf->drbg);
}

static bool private_key_given(const palPrivateKey_t *privateKey)
{
    return privateKey != NULL && privateKey->buffer != NULL && privateKey->size != 0;
}
#endif

palStatus_t pal_plat_setOwnPrivateKey(palTLSConfHandle_t palTLSConf, palPrivateKey_t *privateKey)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);
    int ret;

    if (conf == NULL || !private_key_given(privateKey)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    mbedtls_pk_free(&conf->private_key);
    mbedtls_pk_init(&conf->private_key);
    ret = load_private_key(conf, privateKey);
    if (ret != 0) {
        mbedtls_pk_free(&conf->private_key);
        mbedtls_pk_init(&conf->private_key);
        return PAL_ERR_TLS_FAILED_TO_PARSE_KEY;
    }
    return configure_own_identity(conf);
}

palStatus_t pal_plat_setCAChain(palTLSConfHandle_t palTLSConf, palX509_t *caChain, palX509CRL_t *caCRL)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    (void)caCRL;
    if (conf == NULL || caChain == NULL || caChain->buffer == NULL || caChain->size == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (mbedtls_x509_crt_parse_der(&conf->ca_chain, caChain->buffer, caChain->size) != 0) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    mbedtls_ssl_conf_ca_chain(&conf->conf, &conf->ca_chain, NULL);
    conf->has_ca_chain = true;
    refresh_default_suites(conf);
    return PAL_SUCCESS;
}
#endif

#if PAL_ENABLE_PSK
palStatus_t pal_plat_setPSK(palTLSConfHandle_t sslConf, const unsigned char *identity, uint32_t maxIdentityLenInBytes,
                            const unsigned char *psk, uint32_t maxPskLenInBytes)
{
    palTLSConf_t *conf = conf_from_handle(sslConf);
    int ret;

    if (conf == NULL || identity == NULL || psk == NULL || maxIdentityLenInBytes == 0 || maxPskLenInBytes == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    ret = mbedtls_ssl_conf_psk(&conf->conf, psk, maxPskLenInBytes, identity, maxIdentityLenInBytes);
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED) {
        return PAL_ERR_TLS_INIT;
    }
    if (ret != 0) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    conf->has_psk = true;
    refresh_default_suites(conf);
    return PAL_SUCCESS;
}
#endif

palStatus_t pal_plat_setAuthenticationMode(palTLSConfHandle_t sslConf, palTLSAuthMode_t authMode)
{
    palTLSConf_t *conf = conf_from_handle(sslConf);
    int mode;

    if (conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    switch (authMode) {
    case PAL_TLS_VERIFY_NONE:
        mode = MBEDTLS_SSL_VERIFY_NONE;
        break;
    case PAL_TLS_VERIFY_OPTIONAL:
        mode = MBEDTLS_SSL_VERIFY_OPTIONAL;
        break;
    case PAL_TLS_VERIFY_REQUIRED:
        mode = MBEDTLS_SSL_VERIFY_REQUIRED;
        break;
    default:
        return PAL_ERR_INVALID_ARGUMENT;
    }
    mbedtls_ssl_conf_authmode(&conf->conf, mode);
    return PAL_SUCCESS;
}

static void forward_library_debug(void *context, int level, const char *file, int line, const char *message)
{
    palTLSConf_t *conf = (palTLSConf_t *)context;
    const char *base = file;
    const char *cursor;

    for (cursor = file; cursor != NULL && *cursor != '\0'; cursor++) {
        if (*cursor == '/' || *cursor == '\\') {
            base = cursor + 1;
        }
    }
    if (conf->log_function != NULL) {
        conf->log_function(conf->log_context, level, base, line, message);
    }
}

palStatus_t pal_plat_sslSetDebugging(palTLSConfHandle_t palTLSConf, uint8_t turnOn)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    if (conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
#if defined(MBEDTLS_DEBUG_C)
    mbedtls_debug_set_threshold(turnOn ? PAL_TLS_DEBUG_THRESHOLD : 0);
#endif
    mbedtls_ssl_conf_dbg(&conf->conf, turnOn ? forward_library_debug : NULL, conf);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_SetLoggingCb(palTLSConfHandle_t palTLSConf, palLogFunc_f palLogFunction, void *logContext)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    if (conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    conf->log_function = palLogFunction;
    conf->log_context = logContext;
    mbedtls_ssl_conf_dbg(&conf->conf, palLogFunction != NULL ? forward_library_debug : NULL, conf);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_setTimeCB(palTLSHandle_t *palTLSHandle, palTimerCtx_t timerCtx, palSetTimer_f setTimer,
                               palGetTimer_f getTimer)
{
    palTLS_t *tls;

    if (palTLSHandle == NULL || (setTimer == NULL) != (getTimer == NULL)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    tls = tls_from_handle(*palTLSHandle);
    if (tls == NULL || tls->conf == NULL) {
        return PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
    }
    /* Either timer stops the other: a PAL timer left running would wake the socket callback for
     * a deadline nobody tracks any more. */
    (void)pal_osTimerStop(tls->conf->timer.expiry_timer);
    tls->conf->timer.armed = false;
    if (setTimer == NULL) {
        mbedtls_ssl_set_timer_cb(&tls->ssl, &tls->conf->timer, dtls_set_delay, dtls_get_delay);
    } else {
        mbedtls_ssl_set_timer_cb(&tls->ssl, timerCtx, setTimer, getTimer);
    }
    return PAL_SUCCESS;
}

void pal_plat_SetDTLSSocketCallback(palTLSConfHandle_t palTLSConf, palSocketCallback_f cb, void *argument)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    if (conf == NULL) {
        return;
    }
    conf->timer.socket_cb = cb;
    conf->timer.socket_cb_argument = argument;
}

const char *pal_plat_sslGetCipherSuiteName(palTLSHandle_t palTLSHandle)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);

    if (tls == NULL || !tls->setup_done || !mbedtls_ssl_is_handshake_over(&tls->ssl)) {
        return NULL;
    }
    return mbedtls_ssl_get_ciphersuite(&tls->ssl);
}

bool pal_plat_sslTimeWithinPeerCertificate(palTLSHandle_t palTLSHandle, uint64_t unixTime)
{
#if PAL_ENABLE_X509
    const palTLS_t *tls = tls_from_handle(palTLSHandle);

    if (tls == NULL || !tls->peer_validity_known) {
        return false;
    }
    return unixTime >= tls->peer_valid_from && unixTime <= tls->peer_valid_to;
#else
    /* No certificates in this flavour: nothing vouches for any time. */
    (void)palTLSHandle;
    (void)unixTime;
    return false;
#endif
}

bool pal_plat_isDtls(palTLSConfHandle_t palTLSConf)
{
    palTLSConf_t *conf = conf_from_handle(palTLSConf);

    return conf != NULL && conf->is_dtls;
}

#if (PAL_USE_SSL_SESSION_RESUME == 1)
/* TLS session blob: a 4-byte big-endian length, then mbedtls_ssl_session_save() output. Upstream's
 * SetSslSession takes no length, so the blob carries it. Device-local, never exchanged. */
#define SESSION_BLOB_HEADER 4u

static size_t session_blob_length(const uint8_t *blob)
{
    return ((size_t)blob[0] << 24) | ((size_t)blob[1] << 16) | ((size_t)blob[2] << 8) | (size_t)blob[3];
}

uint8_t *pal_plat_GetSslSessionBuffer(palTLSHandle_t palTLSHandle, size_t *buffer_size)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    mbedtls_ssl_session session;
    uint8_t *buffer = NULL;
    size_t needed = 0;
    size_t written = 0;
    int ret;

    if (tls == NULL || buffer_size == NULL) {
        return NULL;
    }
    *buffer_size = 0;
    mbedtls_ssl_session_init(&session);
    if (mbedtls_ssl_get_session(&tls->ssl, &session) != 0) {
        goto out;
    }
    ret = mbedtls_ssl_session_save(&session, NULL, 0, &needed);
    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL || needed == 0 ||
        needed > PAL_SSL_SESSION_BUFFER_SIZE - SESSION_BLOB_HEADER) {
        goto out;
    }
    /* malloc, not mbedtls_calloc: the service layer (pal_TLS.c) frees the buffer with free(),
     * and the two differ whenever the application installs its own Mbed TLS allocator
     * (mbedtls_platform_set_calloc_free, MBEDTLS_PLATFORM_CALLOC_MACRO). */
    buffer = malloc(SESSION_BLOB_HEADER + needed);
    if (buffer == NULL) {
        goto out;
    }
    if (mbedtls_ssl_session_save(&session, buffer + SESSION_BLOB_HEADER, needed, &written) != 0 ||
        written != needed) {
        free(buffer);
        buffer = NULL;
        goto out;
    }
    buffer[0] = (uint8_t)(written >> 24);
    buffer[1] = (uint8_t)(written >> 16);
    buffer[2] = (uint8_t)(written >> 8);
    buffer[3] = (uint8_t)written;
    *buffer_size = SESSION_BLOB_HEADER + written;
out:
    mbedtls_ssl_session_free(&session);
    return buffer;
}

void pal_plat_SetSslSession(palTLSHandle_t palTLSHandle, const uint8_t *session_buffer)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    mbedtls_ssl_session session;
    size_t length;

    if (tls == NULL || session_buffer == NULL) {
        return;
    }
    length = session_blob_length(session_buffer);
    if (length == 0 || length > PAL_SSL_SESSION_BUFFER_SIZE - SESSION_BLOB_HEADER) {
        return;
    }
    /* A blob that does not load (other library version or build options) only costs the
     * abbreviated handshake: the full one follows. */
    mbedtls_ssl_session_init(&session);
    if (mbedtls_ssl_session_load(&session, session_buffer + SESSION_BLOB_HEADER, length) == 0) {
        (void)mbedtls_ssl_set_session(&tls->ssl, &session);
    }
    mbedtls_ssl_session_free(&session);
}

/* The size is asked first so that a context too large for the buffer leaves the previous copy
 * intact: the library writes as far as the buffer goes before it reports the size. */
static int save_context(palTLS_t *tls, uint8_t *buffer, size_t size, size_t *length)
{
    int ret = mbedtls_ssl_context_save(&tls->ssl, NULL, 0, length);

    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) {
        return ret == 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : ret;
    }
    if (*length > size) {
        return MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL;
    }
    return mbedtls_ssl_context_save(&tls->ssl, buffer, size, length);
}

int32_t pal_plat_saveSslSessionBuffer(palTLSHandle_t palTLSHandle)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    size_t length = 0;
    int ret;

    if (tls == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (!tls->setup_done) {
        return PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
    }
    ret = save_context(tls, g_session_buffer, sizeof(g_session_buffer), &length);
    if (ret != 0) {
        return translate_handshake_result(tls, ret);
    }
    g_session_length = length;
    return PAL_SUCCESS;
}

int32_t pal_plat_loadSslSession(palTLSHandle_t palTLSHandle)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    int ret;

    if (tls == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (!tls->setup_done) {
        return PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED;
    }
    if (g_session_length == 0) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    ret = mbedtls_ssl_context_load(&tls->ssl, g_session_buffer, g_session_length);
    if (ret != 0) {
        /* The library frees the context when a load fails: nothing may touch it any more
         * (upstream then crashed in the CID query). */
        tls->setup_done = false;
    }
    return translate_handshake_result(tls, ret);
}

void pal_plat_removeSslSession(void)
{
    mbedtls_platform_zeroize(g_session_buffer, sizeof(g_session_buffer));
    g_session_length = 0;
}

bool pal_plat_sslSessionAvailable(void)
{
    return g_session_length != 0;
}

const uint8_t *pal_plat_get_cid(size_t *size)
{
    if (size != NULL) {
        *size = g_session_length;
    }
    return g_session_buffer;
}

void pal_plat_set_cid(const uint8_t *context, const size_t length)
{
    if (context == NULL || length == 0 || length > sizeof(g_session_buffer)) {
        pal_plat_removeSslSession();
        return;
    }
    memcpy(g_session_buffer, context, length);
    g_session_length = length;
}

#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID) && MBEDTLS_VERSION_MAJOR == 3
/* Mbed TLS 3 has no setter for the outgoing CID (upstream wrote the 2.x transform directly), so
 * it is replaced in the serialised context, whose 3.x layout is: header (8), session length (4),
 * session, randbytes (64), in-CID length (1), in-CID, out-CID length (1), out-CID, rest. The
 * header carries the library version, so a blob of another layout never loads. */
#define CONTEXT_HEADER_LEN 8u
#define CONTEXT_RANDBYTES_LEN 64u

static bool locate_out_cid(const uint8_t *blob, size_t length, size_t *offset)
{
    size_t pos = CONTEXT_HEADER_LEN + 4u;

    if (length < pos) {
        return false;
    }
    pos += ((size_t)blob[CONTEXT_HEADER_LEN] << 24) | ((size_t)blob[CONTEXT_HEADER_LEN + 1] << 16) |
           ((size_t)blob[CONTEXT_HEADER_LEN + 2] << 8) | (size_t)blob[CONTEXT_HEADER_LEN + 3];
    pos += CONTEXT_RANDBYTES_LEN;
    if (pos >= length) {
        return false;
    }
    pos += 1u + blob[pos];
    if (pos >= length || pos + 1u + blob[pos] > length) {
        return false;
    }
    *offset = pos;
    return true;
}

static void replace_out_cid(const uint8_t *cid, size_t cid_len)
{
    size_t offset = 0;
    size_t old_len;
    size_t tail;

    if (!locate_out_cid(g_session_buffer, g_session_length, &offset)) {
        return;
    }
    old_len = g_session_buffer[offset];
    if (g_session_length - old_len + cid_len > sizeof(g_session_buffer)) {
        return;
    }
    tail = g_session_length - (offset + 1u + old_len);
    memmove(&g_session_buffer[offset + 1u + cid_len], &g_session_buffer[offset + 1u + old_len], tail);
    memcpy(&g_session_buffer[offset + 1u], cid, cid_len);
    g_session_buffer[offset] = (uint8_t)cid_len;
    g_session_length = g_session_length - old_len + cid_len;
}
#endif

void pal_plat_set_cid_value(palTLSHandle_t palTLSHandle, const uint8_t *data_ptr, const size_t data_len)
{
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID) && MBEDTLS_VERSION_MAJOR == 3
    palTLS_t *tls = tls_from_handle(palTLSHandle);

    if (tls == NULL || (data_ptr == NULL && data_len != 0) || data_len > MBEDTLS_SSL_CID_OUT_LEN_MAX ||
        !tls->setup_done || !mbedtls_ssl_is_handshake_over(&tls->ssl)) {
        return;
    }
    if (pal_plat_saveSslSessionBuffer(palTLSHandle) == PAL_SUCCESS) {
        replace_out_cid(data_ptr, data_len);
    }
#else
    (void)palTLSHandle;
    (void)data_ptr;
    (void)data_len;
#endif
}

void pal_plat_get_cid_value(palTLSHandle_t palTLSHandle, uint8_t *data_ptr, size_t *data_len)
{
    palTLS_t *tls = tls_from_handle(palTLSHandle);
    unsigned char peer_cid[MBEDTLS_SSL_CID_OUT_LEN_MAX];
    size_t peer_cid_len = 0;
    int enabled = MBEDTLS_SSL_CID_DISABLED;

    if (data_len == NULL) {
        return;
    }
    *data_len = 0;
    /* A context whose load failed has been freed by the library: no query on it. */
    if (tls == NULL || data_ptr == NULL || !tls->setup_done || !tls->conf->is_dtls ||
        mbedtls_ssl_get_peer_cid(&tls->ssl, &enabled, peer_cid, &peer_cid_len) != 0 ||
        enabled != MBEDTLS_SSL_CID_ENABLED) {
        return;
    }
    memcpy(data_ptr, peer_cid, peer_cid_len);
    *data_len = peer_cid_len;
}
#endif
