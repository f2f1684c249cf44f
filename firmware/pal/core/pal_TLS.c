/* PAL TLS service layer: argument checks, secure time (ServerHello time, retry by renegotiation
 * under server time, weak/strong time update, trusted time server) and session persistence, on
 * top of the TLS platform layer. Behaviour: pal_tls_spec.md section 2. */
#include <stdlib.h>
#include <string.h>

#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"
#include "pal_storage.h" /* upstream: storage_kcm.h and key_config_manager.h (KCM) */
#include "pal_tls_ext.h"
#include "pal_x509.h" /* upstream: cs_pal_crypto.h */

/* Field order is kept from the reference: its tests read the handle through a copy of this
 * layout (retryHandShake, serverTime, platTlsHandle). */
typedef struct palTLSService {
    bool retryHandShake;
    uint64_t serverTime;
    palTLSHandle_t platTlsHandle;
    bool restoredDtlsContext; /* pal_initTLS loaded a stored DTLS context: no handshake needed */
} palTLSService_t;

typedef struct palTLSConfService {
    bool trustedTimeServer;
    palTLSConfHandle_t platTlsConfHandle;
    bool useSslSessionResume;
    bool isDtlsMode;
} palTLSConfService_t;

static palMutexID_t g_palTLSHandshakeMutex;

static palTLSService_t *service_context(palTLSHandle_t handle)
{
    return (palTLSService_t *)handle;
}

static palTLSConfService_t *service_conf(palTLSConfHandle_t handle)
{
    return (palTLSConfService_t *)handle;
}

palStatus_t pal_initTLSLibrary(void)
{
    palStatus_t status = pal_osMutexCreate(&g_palTLSHandshakeMutex);

    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_initTLSLibrary();
    if (status != PAL_SUCCESS) {
        (void)pal_osMutexDelete(&g_palTLSHandshakeMutex);
    }
    return status;
}

palStatus_t pal_cleanupTLS(void)
{
    palStatus_t mutex_status = pal_osMutexDelete(&g_palTLSHandshakeMutex);
    palStatus_t status = pal_plat_cleanupTLS();

    return status != PAL_SUCCESS ? status : mutex_status;
}

#if PAL_TLS_CIPHER_SUITE_IS_SINGLE
/* A build that names one suite gets the reference behaviour: that suite, set at creation. A group
 * (the default) is left to the platform layer, which narrows it to the credentials set later. */
static palTLSSuites_t configured_primary_suite(void)
{
#if PAL_TLS_CIPHER_SUITE & PAL_TLS_PSK_WITH_AES_128_CCM_8_SUITE
    return PAL_TLS_PSK_WITH_AES_128_CCM_8;
#elif PAL_TLS_CIPHER_SUITE & PAL_TLS_PSK_WITH_AES_256_CCM_8_SUITE
    return PAL_TLS_PSK_WITH_AES_256_CCM_8;
#elif PAL_TLS_CIPHER_SUITE & PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8_SUITE
    return PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8;
#elif PAL_TLS_CIPHER_SUITE & PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_SUITE
    return PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
#elif PAL_TLS_CIPHER_SUITE & PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_SUITE
    return PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
#elif PAL_TLS_CIPHER_SUITE & PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256_SUITE
    return PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256;
#elif PAL_TLS_CIPHER_SUITE & PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE
    return PAL_TLS_PSK_WITH_AES_128_CBC_SHA256;
#else
#error "PAL_TLS_CIPHER_SUITE selects no known suite"
#endif
}
#endif

palStatus_t pal_initTLSConfiguration(palTLSConfHandle_t *palTLSConf, palTLSTransportMode_t transportationMode)
{
    palTLSConfService_t *conf;
    palStatus_t status;

    if (palTLSConf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    conf = calloc(1, sizeof(*conf));
    if (conf == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    status = pal_plat_initTLSConf(&conf->platTlsConfHandle, transportationMode, PAL_TLS_IS_CLIENT);
    if (status != PAL_SUCCESS) {
        free(conf);
        return status;
    }
    status = pal_plat_setAuthenticationMode(conf->platTlsConfHandle, PAL_TLS_VERIFY_OPTIONAL);
#if PAL_TLS_CIPHER_SUITE_IS_SINGLE
    if (status == PAL_SUCCESS) {
        status = pal_plat_setCipherSuites(conf->platTlsConfHandle, configured_primary_suite());
    }
#endif
    if (status != PAL_SUCCESS) {
        (void)pal_plat_tlsConfigurationFree(&conf->platTlsConfHandle);
        free(conf);
        return status;
    }
    conf->isDtlsMode = (transportationMode != PAL_TLS_MODE);
    *palTLSConf = (palTLSConfHandle_t)conf;
    return PAL_SUCCESS;
}

palStatus_t pal_tlsConfigurationFree(palTLSConfHandle_t *palTLSConf)
{
    palTLSConfService_t *conf;
    palStatus_t status;

    if (palTLSConf == NULL || *palTLSConf == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    conf = service_conf(*palTLSConf);
    status = pal_plat_tlsConfigurationFree(&conf->platTlsConfHandle);
    if (status != PAL_SUCCESS) {
        return status;
    }
    free(conf);
    *palTLSConf = NULLPTR;
    return PAL_SUCCESS;
}

#if (PAL_USE_SSL_SESSION_RESUME == 1)
static void remove_stored_session(const palTLSConfService_t *conf)
{
    if (!conf->useSslSessionResume) {
        return;
    }
    if (conf->isDtlsMode) {
        pal_plat_removeSslSession();
    }
    (void)pal_storageItemDelete(PAL_SSL_SESSION_ITEM_NAME);
}

/* The stored session item in a heap buffer the caller frees. PAL_ERR_GENERIC_FAILURE when there
 * is none: the "nothing to resume" answer of the load path. */
static palStatus_t read_stored_session(uint8_t **blob, size_t *length)
{
    palStatus_t status;

    *blob = malloc(PAL_SSL_SESSION_BUFFER_SIZE);
    if (*blob == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    status = pal_storageItemRead(PAL_SSL_SESSION_ITEM_NAME, *blob, PAL_SSL_SESSION_BUFFER_SIZE, length);
    if (status != PAL_SUCCESS) {
        free(*blob);
        *blob = NULL;
        return PAL_ERR_GENERIC_FAILURE;
    }
    return PAL_SUCCESS;
}

static palStatus_t load_tls_session(palTLSService_t *ctx)
{
    uint8_t *blob = NULL;
    size_t length = 0;
    palStatus_t status = read_stored_session(&blob, &length);

    if (status == PAL_SUCCESS) {
        pal_plat_SetSslSession(ctx->platTlsHandle, blob);
        free(blob);
    }
    return status;
}

/* A DTLS context lives in RAM while the device runs; the stored item only carries it across a
 * power cycle (pal_store_cid) and is consumed when loaded. */
static palStatus_t load_dtls_session(palTLSService_t *ctx)
{
    uint8_t *blob = NULL;
    size_t length = 0;
    palStatus_t status;

    if (!pal_plat_sslSessionAvailable()) {
        status = read_stored_session(&blob, &length);
        if (status != PAL_SUCCESS) {
            return status;
        }
        pal_plat_set_cid(blob, length);
        free(blob);
        (void)pal_storageItemDelete(PAL_SSL_SESSION_ITEM_NAME);
    }
    status = pal_plat_loadSslSession(ctx->platTlsHandle);
    if (status != PAL_SUCCESS) {
        pal_plat_removeSslSession();
        return status;
    }
    ctx->restoredDtlsContext = true;
    return PAL_SUCCESS;
}

static palStatus_t load_stored_session(palTLSService_t *ctx, const palTLSConfService_t *conf)
{
    if (!conf->useSslSessionResume) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    return conf->isDtlsMode ? load_dtls_session(ctx) : load_tls_session(ctx);
}

static bool stored_item_equals(const uint8_t *data, size_t length)
{
    uint8_t *stored = malloc(length);
    size_t stored_length = 0;
    bool equal = false;

    if (stored == NULL) {
        return false;
    }
    if (pal_storageItemRead(PAL_SSL_SESSION_ITEM_NAME, stored, length, &stored_length) == PAL_SUCCESS) {
        equal = (stored_length == length && memcmp(stored, data, length) == 0);
    }
    free(stored);
    return equal;
}

/* The RAM copy of the DTLS context is brought up to date with the live one, in upstream's order:
 * the platform serialises (which resets the live context), the caller reloads. A copy that could
 * not be refreshed is dropped, since resuming from it would reuse record sequence numbers the peer
 * has already seen; a failed reload leaves no usable context and is reported. */
static palStatus_t persist_dtls_context(const palTLSService_t *ctx)
{
    palStatus_t status = pal_plat_saveSslSessionBuffer(ctx->platTlsHandle);

    if (status != PAL_SUCCESS) {
        pal_plat_removeSslSession();
        return PAL_SUCCESS;
    }
    status = pal_plat_loadSslSession(ctx->platTlsHandle);
    if (status != PAL_SUCCESS) {
        pal_plat_removeSslSession();
    }
    return status;
}

static palStatus_t save_session(palTLSService_t *ctx, const palTLSConfService_t *conf)
{
    uint8_t *blob;
    size_t length = 0;

    if (!conf->useSslSessionResume) {
        return PAL_SUCCESS;
    }
    if (conf->isDtlsMode) {
        return persist_dtls_context(ctx);
    }
    blob = pal_plat_GetSslSessionBuffer(ctx->platTlsHandle, &length);
    if (blob == NULL) {
        return PAL_SUCCESS;
    }
    /* A session that cannot be stored only costs the next connection its abbreviated handshake. */
    if (!stored_item_equals(blob, length)) {
        (void)pal_storageItemDelete(PAL_SSL_SESSION_ITEM_NAME);
        (void)pal_storageItemWrite(PAL_SSL_SESSION_ITEM_NAME, blob, length);
    }
    free(blob);
    return PAL_SUCCESS;
}
#endif

static palStatus_t create_context(palTLSConfService_t *conf, palTLSService_t **out)
{
    palTLSService_t *ctx = calloc(1, sizeof(*ctx));
    palStatus_t status;

    if (ctx == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    status = pal_plat_initTLS(conf->platTlsConfHandle, &ctx->platTlsHandle);
    if (status != PAL_SUCCESS) {
        free(ctx);
        return status;
    }
    status = pal_plat_sslSetup(ctx->platTlsHandle, conf->platTlsConfHandle);
    if (status != PAL_SUCCESS) {
        (void)pal_plat_freeTLS(&ctx->platTlsHandle);
        free(ctx);
        return status;
    }
    *out = ctx;
    return PAL_SUCCESS;
}

palStatus_t pal_initTLS(palTLSConfHandle_t palTLSConf, palTLSHandle_t *palTLSHandle, bool is_server_ping)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);
    palTLSService_t *ctx = NULL;
    palStatus_t status;
    palStatus_t unlock;

    if (conf == NULL || palTLSHandle == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *palTLSHandle = NULLPTR;
    status = pal_osMutexWait(g_palTLSHandshakeMutex, PAL_RTOS_WAIT_FOREVER);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = create_context(conf, &ctx);
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    if (status == PAL_SUCCESS && !is_server_ping) {
        palStatus_t load = load_stored_session(ctx, conf);
        if (load != PAL_SUCCESS && load != PAL_ERR_GENERIC_FAILURE) {
            (void)pal_plat_freeTLS(&ctx->platTlsHandle);
            free(ctx);
            status = load;
        }
    }
#else
    (void)is_server_ping;
#endif
    if (status == PAL_SUCCESS) {
        *palTLSHandle = (palTLSHandle_t)ctx;
    }
    unlock = pal_osMutexRelease(g_palTLSHandshakeMutex);
    if (status == PAL_SUCCESS && unlock != PAL_SUCCESS) {
        (void)pal_plat_freeTLS(&ctx->platTlsHandle);
        free(ctx);
        *palTLSHandle = NULLPTR;
        status = unlock;
    }
    return status;
}

palStatus_t pal_freeTLS(palTLSHandle_t *palTLSHandle)
{
    palTLSService_t *ctx;
    palStatus_t status;
    palStatus_t unlock;

    if (palTLSHandle == NULL || *palTLSHandle == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    ctx = service_context(*palTLSHandle);
    status = pal_osMutexWait(g_palTLSHandshakeMutex, PAL_RTOS_WAIT_FOREVER);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_freeTLS(&ctx->platTlsHandle);
    if (status == PAL_SUCCESS) {
        free(ctx);
        *palTLSHandle = NULLPTR;
    }
    unlock = pal_osMutexRelease(g_palTLSHandshakeMutex);
    return status != PAL_SUCCESS ? status : unlock;
}

palStatus_t pal_addEntropySource(palEntropySource_f entropyCallback)
{
    return pal_plat_addEntropySource(entropyCallback);
}

palStatus_t pal_initPrivateKey(const void *buf, size_t buf_size, palPrivateKey_t *privateKey)
{
#if PAL_ENABLE_X509 && defined(MBED_CONF_MBED_CLOUD_CLIENT_PSA_SUPPORT)
    if (buf == NULL || buf_size != sizeof(*privateKey) || privateKey == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    memcpy(privateKey, buf, sizeof(*privateKey));
    return PAL_SUCCESS;
#elif PAL_ENABLE_X509
    if (buf == NULL || buf_size == 0 || buf_size > UINT32_MAX || privateKey == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    privateKey->buffer = buf;
    privateKey->size = (uint32_t)buf_size;
    return PAL_SUCCESS;
#else
    (void)buf;
    (void)buf_size;
    (void)privateKey;
    return PAL_ERR_NOT_SUPPORTED;
#endif
}

palStatus_t pal_setOwnCertChain(palTLSConfHandle_t palTLSConf, palX509_t *ownCert)
{
#if PAL_ENABLE_X509
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL || ownCert == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_setOwnCertChain(conf->platTlsConfHandle, ownCert);
#else
    (void)palTLSConf;
    (void)ownCert;
    return PAL_ERR_NOT_SUPPORTED;
#endif
}

palStatus_t pal_setOwnPrivateKey(palTLSConfHandle_t palTLSConf, palPrivateKey_t *privateKey)
{
#if PAL_ENABLE_X509
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL || privateKey == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_setOwnPrivateKey(conf->platTlsConfHandle, privateKey);
#else
    (void)palTLSConf;
    (void)privateKey;
    return PAL_ERR_NOT_SUPPORTED;
#endif
}

#if PAL_ENABLE_X509 && PAL_USE_SECURE_TIME
/* The trusted time server is recognised by its CA key: the stored "time_srv_id" item is the
 * compressed public key of the bootstrap server's CA. The item is read on every call (the
 * reference cached only a flag and so never matched on a second call). */
static palStatus_t detect_trusted_time_server(palTLSConfService_t *conf, const palX509_t *caChain)
{
    palX509Handle_t ca = NULLPTR;
    uint8_t ca_id[PAL_CERT_ID_SIZE];
    uint8_t stored_id[PAL_CERT_ID_SIZE];
    size_t ca_id_length = 0;
    size_t stored_length = 0;
    palStatus_t status;
    palStatus_t free_status;

    status = pal_x509Initiate(&ca);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_x509CertParse(ca, caChain->buffer, caChain->size);
    if (status == PAL_SUCCESS) {
        status = pal_x509CertGetAttribute(ca, PAL_X509_CERT_ID_ATTR, ca_id, sizeof(ca_id), &ca_id_length);
    }
    if (status == PAL_SUCCESS && ca_id_length == PAL_CERT_ID_SIZE &&
        storage_rbp_read(STORAGE_RBP_TRUSTED_TIME_SRV_ID_NAME, stored_id, sizeof(stored_id), &stored_length) ==
            PAL_SUCCESS &&
        stored_length == PAL_CERT_ID_SIZE && memcmp(ca_id, stored_id, PAL_CERT_ID_SIZE) == 0) {
        conf->trustedTimeServer = true;
    }
    free_status = pal_x509Free(&ca);
    return status != PAL_SUCCESS ? status : free_status;
}
#endif

palStatus_t pal_setCAChain(palTLSConfHandle_t palTLSConf, palX509_t *caChain, palX509CRL_t *caCRL)
{
#if PAL_ENABLE_X509
    palTLSConfService_t *conf = service_conf(palTLSConf);
    palStatus_t status;

    if (conf == NULL || caChain == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_setCAChain(conf->platTlsConfHandle, caChain, caCRL);
#if PAL_USE_SECURE_TIME
    if (status == PAL_SUCCESS) {
        status = detect_trusted_time_server(conf, caChain);
    }
#endif
    return status;
#else
    (void)palTLSConf;
    (void)caChain;
    (void)caCRL;
    return PAL_ERR_NOT_SUPPORTED;
#endif
}

palStatus_t pal_setPSK(palTLSConfHandle_t palTLSConf, const unsigned char *identity, uint32_t maxIdentityLenInBytes,
                       const unsigned char *psk, uint32_t maxPskLenInBytes)
{
#if PAL_ENABLE_PSK
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL || identity == NULL || psk == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_setPSK(conf->platTlsConfHandle, identity, maxIdentityLenInBytes, psk, maxPskLenInBytes);
#else
    (void)palTLSConf;
    (void)identity;
    (void)maxIdentityLenInBytes;
    (void)psk;
    (void)maxPskLenInBytes;
    return PAL_ERR_NOT_SUPPORTED;
#endif
}

palStatus_t pal_tlsSetSocket(palTLSConfHandle_t palTLSConf, palTLSSocket_t *socket)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL || socket == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_tlsSetSocket(conf->platTlsConfHandle, socket);
}

#if PAL_USE_SECURE_TIME
/* A handshake whose only verification problem is the device clock can be repeated (as a
 * renegotiation) with the server's clock: "future" always (device clock behind), "expired" only
 * for the trusted time server (device clock ahead). Any other flag alongside forbids the retry. */
static bool time_retry_allowed(int32_t verify_result, const palTLSConfService_t *conf)
{
    return verify_result == PAL_ERR_X509_BADCERT_FUTURE ||
           (conf->trustedTimeServer && verify_result == PAL_ERR_X509_BADCERT_EXPIRED);
}

static void update_device_time(const palTLSService_t *ctx, bool trusted)
{
    uint64_t server_time = ctx->serverTime;

    /* An abbreviated handshake carries no new time; 0 would wipe the stored time (ref quirk). */
    if (server_time < PAL_MIN_SEC_FROM_EPOCH) {
        return;
    }
    /* ServerHello time is not authenticated: a server whose clock contradicts its own (verified)
     * certificate, or a PSK server (no certificate at all), would otherwise move the device clock
     * anywhere, e.g. to 2100 with servers that send random bytes there, after which no
     * certificate verifies. */
    if (!pal_plat_sslTimeWithinPeerCertificate(ctx->platTlsHandle, server_time)) {
        return;
    }
    if (trusted) {
        (void)pal_osSetStrongTime(server_time);
    } else {
        (void)pal_osSetWeakTime(server_time);
    }
}

static palStatus_t first_handshake(palTLSService_t *ctx, palTLSConfService_t *conf)
{
    int32_t verify_result = 0;
    palStatus_t status = pal_plat_handShake(ctx->platTlsHandle, &ctx->serverTime);

    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_sslGetVerifyResultExtended((palTLSHandle_t)ctx, &verify_result);
    if (status != PAL_ERR_X509_CERT_VERIFY_FAILED) {
        return status;
    }
    if (time_retry_allowed(verify_result, conf)) {
        ctx->retryHandShake = true;
        return PAL_SUCCESS;
    }
    ctx->serverTime = 0;
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    remove_stored_session(conf);
#endif
    return PAL_ERR_X509_CERT_VERIFY_FAILED;
}

static palStatus_t renegotiate_with_server_time(palTLSService_t *ctx, palTLSConfService_t *conf)
{
    palStatus_t status = pal_plat_setAuthenticationMode(conf->platTlsConfHandle, PAL_TLS_VERIFY_REQUIRED);

    if (status != PAL_SUCCESS) {
#if (PAL_USE_SSL_SESSION_RESUME == 1)
        remove_stored_session(conf);
#endif
        return status;
    }
    return pal_plat_renegotiate(ctx->platTlsHandle, ctx->serverTime);
}
#endif

palStatus_t pal_handShake(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, bool skipResume)
{
    palTLSService_t *ctx = service_context(palTLSHandle);
    palTLSConfService_t *conf = service_conf(palTLSConf);
    palStatus_t status = PAL_SUCCESS;

    if (ctx == NULL || conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    /* Upstream skips the handshake whenever a RAM copy exists, loaded into this context or not;
     * only a context that pal_initTLS restored is really established. */
    if (!skipResume && ctx->restoredDtlsContext && conf->isDtlsMode && pal_plat_sslSessionAvailable()) {
        return PAL_SUCCESS;
    }
#else
    (void)skipResume;
#endif
#if PAL_USE_SECURE_TIME
    if (!ctx->retryHandShake) {
        status = first_handshake(ctx, conf);
    }
    if (status == PAL_SUCCESS && ctx->retryHandShake) {
        status = renegotiate_with_server_time(ctx, conf);
    }
    if (status == PAL_SUCCESS) {
        update_device_time(ctx, conf->trustedTimeServer);
    }
#else
    status = pal_plat_handShake(ctx->platTlsHandle, &ctx->serverTime);
    if (status == PAL_SUCCESS) {
        int32_t verify_result = 0;
        palStatus_t verify = pal_sslGetVerifyResultExtended(palTLSHandle, &verify_result);
        if (verify != PAL_SUCCESS && verify_result != PAL_ERR_X509_BADCERT_FUTURE &&
            verify_result != PAL_ERR_X509_BADCERT_EXPIRED) {
            status = verify;
        }
    }
#endif
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    if (status == PAL_SUCCESS) {
        status = save_session(ctx, conf);
    }
#endif
    return status;
}

palStatus_t pal_setHandShakeTimeOut(palTLSConfHandle_t palTLSConf, uint32_t minTimeout, uint32_t maxTimeout)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL || minTimeout == 0 || maxTimeout == 0 || minTimeout > maxTimeout) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_setHandShakeTimeOut(conf->platTlsConfHandle, minTimeout, maxTimeout);
}

palStatus_t pal_sslGetVerifyResultExtended(palTLSHandle_t palTLSHandle, int32_t *verifyResult)
{
    palTLSService_t *ctx = service_context(palTLSHandle);
    palStatus_t status;

    if (ctx == NULL || verifyResult == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_sslGetVerifyResultExtended(ctx->platTlsHandle, verifyResult);
    if (*verifyResult != 0) {
        status = PAL_ERR_X509_CERT_VERIFY_FAILED;
    }
    return status;
}

palStatus_t pal_sslGetVerifyResult(palTLSHandle_t palTLSHandle)
{
    int32_t verify_result = 0;

    return pal_sslGetVerifyResultExtended(palTLSHandle, &verify_result);
}

palStatus_t pal_sslRead(palTLSHandle_t palTLSHandle, void *buffer, uint32_t len, uint32_t *actualLen)
{
    palTLSService_t *ctx = service_context(palTLSHandle);

    if (ctx == NULL || buffer == NULL || actualLen == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_sslRead(ctx->platTlsHandle, buffer, len, actualLen);
}

palStatus_t pal_sslWrite(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, const void *buffer,
                         uint32_t len, uint32_t *bytesWritten)
{
    palTLSService_t *ctx = service_context(palTLSHandle);
    palTLSConfService_t *conf = service_conf(palTLSConf);
    palStatus_t status;

    if (ctx == NULL || conf == NULL || buffer == NULL || bytesWritten == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_sslWrite(ctx->platTlsHandle, buffer, len, bytesWritten);
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    /* A record that went out advanced the outgoing sequence number, which a resumed context must
     * continue from (the peer drops replayed numbers). Nothing else a resume needs changes with a
     * write, and a write that sent nothing changed nothing. */
    if (status == PAL_SUCCESS && *bytesWritten > 0 && conf->isDtlsMode && conf->useSslSessionResume &&
        pal_plat_sslSessionAvailable()) {
        status = persist_dtls_context(ctx);
    }
#endif
    return status;
}

palStatus_t pal_sslSetDebugging(palTLSConfHandle_t palTLSConf, uint8_t turnOn)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_sslSetDebugging(conf->platTlsConfHandle, turnOn);
}

palStatus_t pal_sslDebugging(uint8_t turnOn)
{
    (void)turnOn;
    return PAL_ERR_NOT_SUPPORTED;
}

void pal_setDTLSSocketCallback(palTLSConfHandle_t palTLSConf, palSocketCallback_f cb, void *argument)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf != NULL) {
        pal_plat_SetDTLSSocketCallback(conf->platTlsConfHandle, cb, argument);
    }
}

uint64_t pal_tlsGetServerTime(palTLSHandle_t palTLSHandle)
{
    palTLSService_t *ctx = service_context(palTLSHandle);

    return ctx != NULL ? ctx->serverTime : 0;
}

const char *pal_tlsGetCipherSuiteName(palTLSHandle_t palTLSHandle)
{
    palTLSService_t *ctx = service_context(palTLSHandle);

    return ctx != NULL ? pal_plat_sslGetCipherSuiteName(ctx->platTlsHandle) : NULL;
}

void pal_enableSslSessionStoring(palTLSConfHandle_t palTLSConf, bool enable)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);

    if (conf == NULL) {
        return;
    }
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    if (!enable && conf->isDtlsMode) {
        pal_plat_removeSslSession();
    }
    conf->useSslSessionResume = enable;
#else
    (void)enable;
#endif
}

void pal_set_cid_value(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, const uint8_t *data_ptr,
                       const size_t data_len)
{
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    palTLSService_t *ctx = service_context(palTLSHandle);
    palTLSConfService_t *conf = service_conf(palTLSConf);
    bool established;

    if (ctx == NULL || conf == NULL || !conf->isDtlsMode) {
        return;
    }
    /* When the platform took the CID it serialised the context with it, which resets the
     * context: it comes back from that copy, whether or not session storing is enabled (upstream
     * left it reset then). When it did not (bad arguments, no established session), the context
     * is live and must not be loaded into: a load into a live context fails and frees it. The
     * suite name tells the two apart, it exists only while a session is established. */
    established = pal_plat_sslGetCipherSuiteName(ctx->platTlsHandle) != NULL;
    pal_plat_set_cid_value(ctx->platTlsHandle, data_ptr, data_len);
    if (established && pal_plat_sslGetCipherSuiteName(ctx->platTlsHandle) == NULL &&
        pal_plat_loadSslSession(ctx->platTlsHandle) != PAL_SUCCESS) {
        pal_plat_removeSslSession();
    }
#else
    (void)palTLSHandle;
    (void)palTLSConf;
    (void)data_ptr;
    (void)data_len;
#endif
}

void pal_store_cid(void)
{
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    size_t length = 0;
    const uint8_t *context = pal_plat_get_cid(&length);

    (void)pal_storageItemDelete(PAL_SSL_SESSION_ITEM_NAME);
    if (length != 0) {
        (void)pal_storageItemWrite(PAL_SSL_SESSION_ITEM_NAME, context, length);
    }
#endif
}

void pal_remove_cid(void)
{
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    (void)pal_storageItemDelete(PAL_SSL_SESSION_ITEM_NAME);
    pal_plat_removeSslSession();
#endif
}

bool pal_is_cid_available(void)
{
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    return pal_plat_sslSessionAvailable();
#else
    return false;
#endif
}

palTLSConfHandle_t pal_tlsPlatformConfiguration(palTLSConfHandle_t palTLSConf)
{
    palTLSConfService_t *conf = service_conf(palTLSConf);

    return conf != NULL ? conf->platTlsConfHandle : NULLPTR;
}

palTLSHandle_t pal_tlsPlatformContext(palTLSHandle_t palTLSHandle)
{
    palTLSService_t *ctx = service_context(palTLSHandle);

    return ctx != NULL ? ctx->platTlsHandle : NULLPTR;
}
