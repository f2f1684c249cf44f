/* The port's own cases: every suite over TLS and DTLS, verify-result mapping and order, error
 * paths with clear statuses, the context limit, server mode, logging and setup rules. */
#include <string.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509.h"

#include "pal_plat_TLS_mbedtls.h"
#include "pal_plat_TLS_negotiation.h"
#include "pal_tls_tests.h"
#include "paltest.h"
#include "paltest_env.h"

#define HANDSHAKE_MAX_MS 60000u
#define TF_SECONDS 2145542642ULL /* 2037-12-27: after every test certificate expired */

static void handshake_with_suite(palTLSSuites_t suite, palTLSTransportMode_t mode, bool psk, const char *expected)
{
    static tls_session_t session;
    const char *negotiated;

    if (!psk && !require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(tls_session_open(&session, mode, "default"));
    PALTEST_ASSERT_SUCCESS(pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(session.conf), suite));
    if (psk) {
        PALTEST_ASSERT_SUCCESS(tls_session_use_psk(&session));
    } else {
        PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&session, "pki.ca"));
    }
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    negotiated = pal_tlsGetCipherSuiteName(session.tls);
    PALTEST_ASSERT(negotiated != NULL);
    if (strcmp(negotiated, expected) != 0) {
        paltest_fail(__FILE__, __LINE__, "negotiated %s, expected %s", negotiated, expected);
        return;
    }
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
}

static void suiteEcdheEcdsaAes128Ccm8_TLS(void)
{
    handshake_with_suite(PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, PAL_TLS_MODE, false,
                         "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8");
}

static void suiteEcdheEcdsaAes128Ccm8_DTLS(void)
{
    handshake_with_suite(PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, PAL_DTLS_MODE, false,
                         "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8");
}

static void suiteEcdheEcdsaAes128GcmSha256_TLS(void)
{
    handshake_with_suite(PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, PAL_TLS_MODE, false,
                         "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256");
}

static void suiteEcdheEcdsaAes128GcmSha256_DTLS(void)
{
    handshake_with_suite(PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, PAL_DTLS_MODE, false,
                         "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256");
}

static void suiteEcdheEcdsaAes256GcmSha384_TLS(void)
{
    handshake_with_suite(PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, PAL_TLS_MODE, false,
                         "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384");
}

static void suiteEcdheEcdsaAes256GcmSha384_DTLS(void)
{
    handshake_with_suite(PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, PAL_DTLS_MODE, false,
                         "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384");
}

static void suitePskAes128Ccm8_TLS(void)
{
    handshake_with_suite(PAL_TLS_PSK_WITH_AES_128_CCM_8, PAL_TLS_MODE, true, "TLS-PSK-WITH-AES-128-CCM-8");
}

static void suitePskAes128Ccm8_DTLS(void)
{
    handshake_with_suite(PAL_TLS_PSK_WITH_AES_128_CCM_8, PAL_DTLS_MODE, true, "TLS-PSK-WITH-AES-128-CCM-8");
}

static void suitePskAes256Ccm8_TLS(void)
{
    handshake_with_suite(PAL_TLS_PSK_WITH_AES_256_CCM_8, PAL_TLS_MODE, true, "TLS-PSK-WITH-AES-256-CCM-8");
}

static void suitePskAes256Ccm8_DTLS(void)
{
    handshake_with_suite(PAL_TLS_PSK_WITH_AES_256_CCM_8, PAL_DTLS_MODE, true, "TLS-PSK-WITH-AES-256-CCM-8");
}

static void suitePskAes128CbcSha256_TLS(void)
{
    handshake_with_suite(PAL_TLS_PSK_WITH_AES_128_CBC_SHA256, PAL_TLS_MODE, true, "TLS-PSK-WITH-AES-128-CBC-SHA256");
}

static void suitePskAes128CbcSha256_DTLS(void)
{
    handshake_with_suite(PAL_TLS_PSK_WITH_AES_128_CBC_SHA256, PAL_DTLS_MODE, true, "TLS-PSK-WITH-AES-128-CBC-SHA256");
}

/* Each library flag alone maps to its own PAL code, as status and as the result bits. */
static void verifyResultMapsEachFlag(void)
{
    static const struct {
        uint32_t flag;
        palStatus_t code;
    } cases[] = {
        { MBEDTLS_X509_BADCERT_NOT_TRUSTED, PAL_ERR_X509_BADCERT_NOT_TRUSTED },
        { MBEDTLS_X509_BADCERT_BAD_KEY, PAL_ERR_X509_BADCERT_BAD_KEY },
        { MBEDTLS_X509_BADCERT_BAD_PK, PAL_ERR_X509_BADCERT_BAD_PK },
        { MBEDTLS_X509_BADCERT_BAD_MD, PAL_ERR_X509_BADCERT_BAD_MD },
        { MBEDTLS_X509_BADCERT_FUTURE, PAL_ERR_X509_BADCERT_FUTURE },
        { MBEDTLS_X509_BADCERT_EXPIRED, PAL_ERR_X509_BADCERT_EXPIRED },
    };
    int32_t result = -1;
    size_t i;

    PALTEST_ASSERT_SUCCESS(pal_plat_mbedtlsVerifyFlagsToPal(0, &result));
    PALTEST_ASSERT(result == 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        PALTEST_ASSERT_STATUS(cases[i].code, pal_plat_mbedtlsVerifyFlagsToPal(cases[i].flag, &result));
        PALTEST_ASSERT(result == cases[i].code);
    }
    /* Flags without a PAL code: generic verification failure and no bits. */
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED,
                          pal_plat_mbedtlsVerifyFlagsToPal(MBEDTLS_X509_BADCERT_KEY_USAGE, &result));
    PALTEST_ASSERT(result == 0);
}

/* The guide's order: NOT_TRUSTED, BAD_KEY, BAD_PK, BAD_MD, FUTURE, EXPIRED; the last present wins. */
static void verifyResultOrderIsTheGuides(void)
{
    int32_t result = 0;
    uint32_t all = MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_BAD_PK |
                   MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_EXPIRED;

    PALTEST_ASSERT_STATUS(PAL_ERR_X509_BADCERT_EXPIRED, pal_plat_mbedtlsVerifyFlagsToPal(all, &result));
    PALTEST_ASSERT(result == (PAL_ERR_X509_BADCERT_NOT_TRUSTED | PAL_ERR_X509_BADCERT_BAD_KEY |
                              PAL_ERR_X509_BADCERT_BAD_PK | PAL_ERR_X509_BADCERT_BAD_MD |
                              PAL_ERR_X509_BADCERT_FUTURE | PAL_ERR_X509_BADCERT_EXPIRED));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_BADCERT_FUTURE,
                          pal_plat_mbedtlsVerifyFlagsToPal(all & ~(uint32_t)MBEDTLS_X509_BADCERT_EXPIRED, &result));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_BADCERT_BAD_MD,
                          pal_plat_mbedtlsVerifyFlagsToPal(MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
                                                               MBEDTLS_X509_BADCERT_NOT_TRUSTED,
                                                           &result));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_BADCERT_BAD_PK,
                          pal_plat_mbedtlsVerifyFlagsToPal(MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY,
                                                           &result));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_BADCERT_BAD_KEY,
                          pal_plat_mbedtlsVerifyFlagsToPal(MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_NOT_TRUSTED,
                                                           &result));
}

static void errorTablesTranslateLibraryCodes(void)
{
    PALTEST_ASSERT_STATUS(PAL_ERR_END_OF_FILE, pal_plat_mbedtlsDataError(0));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_WANT_READ, pal_plat_mbedtlsDataError(MBEDTLS_ERR_SSL_WANT_READ));
    PALTEST_ASSERT_STATUS(PAL_ERR_TIMEOUT_EXPIRED, pal_plat_mbedtlsDataError(MBEDTLS_ERR_SSL_TIMEOUT));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_PEER_CLOSE_NOTIFY, pal_plat_mbedtlsDataError(MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY));
    PALTEST_ASSERT_STATUS(PAL_ERR_NO_MEMORY, pal_plat_mbedtlsDataError(MBEDTLS_ERR_SSL_ALLOC_FAILED));
    PALTEST_ASSERT_STATUS(PAL_ERR_GENERIC_FAILURE, pal_plat_mbedtlsDataError(MBEDTLS_ERR_SSL_INVALID_MAC));
    PALTEST_ASSERT_STATUS(PAL_SUCCESS, pal_plat_mbedtlsHandshakeError(0));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_TIMEOUT, pal_plat_mbedtlsHandshakeError(MBEDTLS_ERR_SSL_TIMEOUT));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED,
                          pal_plat_mbedtlsHandshakeError(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED));
    PALTEST_ASSERT_STATUS(PAL_ERR_SSL_FATAL_ALERT_MESSAGE,
                          pal_plat_mbedtlsHandshakeError(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE));
    PALTEST_ASSERT_STATUS(PAL_ERR_SSL_FATAL_ALERT_MESSAGE, pal_plat_mbedtlsHandshakeError(PAL_ERR_SOCKET_CONNECTION_RESET));
    PALTEST_ASSERT_STATUS(PAL_ERR_NO_MEMORY, pal_plat_mbedtlsHandshakeError(PAL_ERR_NO_MEMORY));
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_CONNECTION_CLOSED, pal_plat_mbedtlsHandshakeError(MBEDTLS_ERR_SSL_CONN_EOF));
    PALTEST_ASSERT_STATUS(PAL_ERR_GENERIC_FAILURE, pal_plat_mbedtlsHandshakeError(MBEDTLS_ERR_SSL_DECODE_ERROR));
}

/* A real handshake whose only problem is one certificate property. */
static void expect_verification_failure(const char *profile, const char *ca_key, uint64_t device_time,
                                        int32_t expected_bits)
{
    static tls_session_t session;
    int32_t result = 0;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(connect_with_certificates(&session, PAL_TLS_MODE, profile, ca_key));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(device_time));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, pal_sslGetVerifyResultExtended(session.tls, &result));
    if (result != expected_bits) {
        paltest_fail(__FILE__, __LINE__, "verify result 0x%08lx, expected 0x%08lx", (unsigned long)(uint32_t)result,
                     (unsigned long)(uint32_t)expected_bits);
    }
}

static uint64_t host_time(void)
{
    return paltest_env_number("host.time", PALTEST_T0);
}

static void verifyUnrelatedCaIsNotTrusted(void)
{
    expect_verification_failure("unrelated", "pki.ca", host_time(), PAL_ERR_X509_BADCERT_NOT_TRUSTED);
}

static void verifyExpiredServerCertificate(void)
{
    expect_verification_failure("expired", "pki.ca", host_time(), PAL_ERR_X509_BADCERT_EXPIRED);
}

/* FUTURE triggers the retry at server time, where the certificate is still not valid: the
 * renegotiation (verification required) must fail, not succeed. */
static void verifyFutureServerCertificateFailsAfterRetry(void)
{
    static tls_session_t session;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(connect_with_certificates(&session, PAL_TLS_MODE, "future", "pki.ca"));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(host_time()));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, tls_session_handshake(&session, HANDSHAKE_MAX_MS));
}

static void verifyBadKeyUsageIsUnmapped(void)
{
    expect_verification_failure("badku", "pki.ca", host_time(), 0);
}

/* pal_plat_renegotiate verifies at the given server time and gives the library device time back
 * before it returns, on every return (WANT_* included). Server time TF (certificates expired)
 * shows in the renegotiation's verify result; device time T0 (certificates valid) is what a
 * verification sees between and after the calls. Independent of how many calls it takes. */
static void renegotiationRestoresDeviceTime(void)
{
#if PAL_USE_SECURE_TIME
    static tls_session_t session;
    palX509Handle_t ca = NULLPTR;
    uint32_t length = 0;
    const uint8_t *der;
    int32_t flags = 0;
    palStatus_t status;
    palStatus_t between;
    uint64_t start;

    if (!require_pki()) {
        return;
    }
    der = tls_env_object("pki.ca", &length);
    PALTEST_ASSERT_SUCCESS(pal_x509Initiate(&ca));
    PALTEST_ASSERT_SUCCESS(pal_x509CertParse(ca, der, length));
    PALTEST_ASSERT_SUCCESS(connect_with_certificates(&session, PAL_TLS_MODE, "default", "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    start = pal_osKernelSysTick();
    do {
        status = pal_plat_renegotiate(pal_tlsPlatformContext(session.tls), TF_SECONDS);
        between = pal_x509CertVerifyExtended(ca, ca, &flags);
        if (between != PAL_SUCCESS) {
            break;
        }
        if (status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE) {
            (void)pal_osDelay(10);
        }
    } while ((status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE) &&
             pal_osKernelSysTick() - start < HANDSHAKE_MAX_MS);
    (void)pal_x509Free(&ca);
    PALTEST_ASSERT_SUCCESS(between);
    PALTEST_ASSERT_SUCCESS(status);
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_BADCERT_EXPIRED,
                          pal_plat_sslGetVerifyResultExtended(pal_tlsPlatformContext(session.tls), &flags));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
#endif
}

/* Session id of the stored TLS session blob ("sslsession" item), or 0 bytes if none. */
static size_t stored_session_id(unsigned char id[32])
{
    static uint8_t blob[PAL_SSL_SESSION_BUFFER_SIZE];
    mbedtls_ssl_session session;
    size_t length = 0;
    size_t id_length = 0;

    if (pal_storageItemRead(PAL_SSL_SESSION_ITEM_NAME, blob, sizeof(blob), &length) != PAL_SUCCESS || length < 4) {
        return 0;
    }
    /* The blob is a 4-byte big-endian length, then the library's session serialisation. */
    if ((((size_t)blob[0] << 24) | ((size_t)blob[1] << 16) | ((size_t)blob[2] << 8) | blob[3]) != length - 4) {
        return 0;
    }
    mbedtls_ssl_session_init(&session);
    if (mbedtls_ssl_session_load(&session, blob + 4, length - 4) == 0) {
        id_length = mbedtls_ssl_session_get_id_len(&session);
        memcpy(id, *mbedtls_ssl_session_get_id(&session), id_length);
    }
    mbedtls_ssl_session_free(&session);
    return id_length;
}

/* The stored session is offered by the next context and the server accepts it: the abbreviated
 * handshake keeps the session id (a full one gets a new id from the server). */
static void tlsSessionIsResumed(void)
{
    static tls_session_t session;
    unsigned char first_id[32];
    unsigned char second_id[32];
    size_t first_length = 0;
    size_t second_length;
    int pass;

    if (!require_pki()) {
        return;
    }
    for (pass = 0; pass < 2; pass++) {
        PALTEST_ASSERT_SUCCESS(tls_session_open_resuming(&session, PAL_TLS_MODE, "default"));
        PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&session, "pki.ca"));
        PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&session));
        PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
        PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
        tls_session_close(&session);
        if (pass == 0) {
            first_length = stored_session_id(first_id);
        }
    }
    second_length = stored_session_id(second_id);
    PALTEST_ASSERT(first_length > 0);
    PALTEST_ASSERT(second_length == first_length && memcmp(first_id, second_id, first_length) == 0);
}

/* A server claiming 2100 while its certificate ends in 2030: the handshake succeeds (verified at
 * device time), the claim is captured, but the device clock and the stored time stay put. */
static void serverTimeOutsideCertificateIsIgnored(void)
{
    static tls_session_t session;
    uint8_t saved[8];
    size_t saved_length = 0;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(connect_with_certificates(&session, PAL_TLS_MODE, "liar", "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT(pal_tlsGetServerTime(session.tls) == 4102444800ULL);
    PALTEST_ASSERT(pal_osGetTime() < PALTEST_T0 + PAL_SECONDS_PER_DAY);
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST,
                          storage_rbp_read(STORAGE_RBP_SAVED_TIME_NAME, saved, sizeof(saved), &saved_length));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
}

/* A PSK server vouches for nothing about time: its ServerHello time must not set the clock. */
static void pskSessionLeavesDeviceTime(void)
{
    static tls_session_t session;

    PALTEST_ASSERT_SUCCESS(tls_session_open(&session, PAL_TLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(session.conf),
                                                    PAL_TLS_PSK_WITH_AES_128_CCM_8));
    PALTEST_ASSERT_SUCCESS(tls_session_use_psk(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT(pal_tlsGetServerTime(session.tls) > PALTEST_T0 + PAL_SECONDS_PER_DAY);
    PALTEST_ASSERT(pal_osGetTime() < PALTEST_T0 + PAL_SECONDS_PER_DAY);
}

static void contextLimitIsEnforced(void)
{
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t contexts[PAL_MAX_NUM_OF_TLS_CTX + 1];
    palTLSHandle_t extra = NULLPTR;
    size_t i;

    memset(contexts, 0, sizeof(contexts));
    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    for (i = 0; i < PAL_MAX_NUM_OF_TLS_CTX; i++) {
        PALTEST_ASSERT_SUCCESS(pal_initTLS(conf, &contexts[i], false));
    }
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_RESOURCE, pal_initTLS(conf, &extra, false));
    PALTEST_ASSERT(extra == NULLPTR);
    PALTEST_ASSERT_SUCCESS(pal_freeTLS(&contexts[0]));
    PALTEST_ASSERT_SUCCESS(pal_initTLS(conf, &contexts[0], false));
    for (i = 0; i < PAL_MAX_NUM_OF_TLS_CTX; i++) {
        PALTEST_ASSERT_SUCCESS(pal_freeTLS(&contexts[i]));
    }
    PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
}

static void secondSetupIsRefused(void)
{
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    palStatus_t second;

    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    PALTEST_ASSERT_SUCCESS(pal_initTLS(conf, &tls, false));
    second = pal_plat_sslSetup(pal_tlsPlatformContext(tls), pal_tlsPlatformConfiguration(conf));
    PALTEST_ASSERT_SUCCESS(pal_freeTLS(&tls));
    PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_MULTIPLE_HANDSHAKE, second);
}

/* A feature the flavour leaves out answers PAL_ERR_NOT_SUPPORTED before it looks at arguments. */
#if PAL_ENABLE_X509
#define X509_NULL_ARGUMENT_STATUS PAL_ERR_INVALID_ARGUMENT
#else
#define X509_NULL_ARGUMENT_STATUS PAL_ERR_NOT_SUPPORTED
#endif
#if PAL_ENABLE_PSK
#define PSK_NULL_ARGUMENT_STATUS PAL_ERR_INVALID_ARGUMENT
#else
#define PSK_NULL_ARGUMENT_STATUS PAL_ERR_NOT_SUPPORTED
#endif

static void nullArgumentsAreRejected(void)
{
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    palPrivateKey_t key;
    uint32_t count = 0;
    uint8_t buffer[4];
    int32_t result = 0;

    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_initTLSConfiguration(NULL, PAL_TLS_MODE));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_initTLSConfiguration(&conf, (palTLSTransportMode_t)7));
    PALTEST_ASSERT(conf == NULLPTR);
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_tlsConfigurationFree(NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_tlsConfigurationFree(&conf));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_initTLS(NULLPTR, &tls, false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_freeTLS(NULL));
    PALTEST_ASSERT_STATUS(X509_NULL_ARGUMENT_STATUS, pal_initPrivateKey(NULL, 10, &key));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_handShake(NULLPTR, NULLPTR, false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_sslRead(NULLPTR, buffer, sizeof(buffer), &count));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_sslWrite(NULLPTR, NULLPTR, buffer, sizeof(buffer), &count));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_sslGetVerifyResultExtended(NULLPTR, &result));
    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    PALTEST_ASSERT_STATUS(X509_NULL_ARGUMENT_STATUS, pal_setOwnCertChain(conf, NULL));
    PALTEST_ASSERT_STATUS(X509_NULL_ARGUMENT_STATUS, pal_setCAChain(conf, NULL, NULL));
    PALTEST_ASSERT_STATUS(PSK_NULL_ARGUMENT_STATUS, pal_setPSK(conf, NULL, 3, NULL, 3));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_tlsSetSocket(conf, NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_setHandShakeTimeOut(conf, 0, 100));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_setHandShakeTimeOut(conf, 200, 100));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT,
                          pal_plat_setAuthenticationMode(pal_tlsPlatformConfiguration(conf), (palTLSAuthMode_t)9));
    PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
}

static void malformedDerIsRejected(void)
{
    static const uint8_t garbage[64] = { 0x30, 0x82, 0x7f, 0xff, 0x01, 0x02 };
    palTLSConfHandle_t conf = NULLPTR;
    palX509_t bad = { garbage, sizeof(garbage) };
    palX509_t truncated;
    palPrivateKey_t key;
    uint32_t ca_length = 0;

    if (!require_pki()) {
        return;
    }
    truncated.buffer = tls_env_object("pki.ca", &ca_length);
    truncated.size = ca_length / 2;
    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_FAILED_TO_PARSE_CERT, pal_setOwnCertChain(conf, &bad));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_FAILED_TO_PARSE_CERT, pal_setOwnCertChain(conf, &truncated));
    PALTEST_ASSERT_STATUS(PAL_ERR_GENERIC_FAILURE, pal_setCAChain(conf, &bad, NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_GENERIC_FAILURE, pal_setCAChain(conf, &truncated, NULL));
    PALTEST_ASSERT_SUCCESS(pal_initPrivateKey(garbage, sizeof(garbage), &key));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_FAILED_TO_PARSE_KEY, pal_setOwnPrivateKey(conf, &key));
    PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
}

static void unknownSuiteIsRejected(void)
{
    palTLSConfHandle_t conf = NULLPTR;
    palStatus_t status;

    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    status = pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(conf), (palTLSSuites_t)99);
    PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_INVALID_CIPHER, status);
}

/* What a footprint flavour leaves out (paltls_flavour_pal.h) answers a clear status: the
 * credential calls of a missing key exchange PAL_ERR_NOT_SUPPORTED, the x509 helpers too, and a
 * suite the flavour's Mbed TLS build does not compile in PAL_ERR_TLS_INVALID_CIPHER. */
#if !defined(PALTLS_FLAVOUR_FULL)
static const unsigned char g_omitted_bytes[] = { 1, 2, 3, 4 };

static void free_configuration_deferred(void *argument)
{
    palTLSConfHandle_t *conf = (palTLSConfHandle_t *)argument;

    if (*conf != NULLPTR) {
        (void)pal_tlsConfigurationFree(conf);
    }
}

static bool suite_refused(palTLSConfHandle_t conf, palTLSSuites_t suite)
{
    return pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(conf), suite) == PAL_ERR_TLS_INVALID_CIPHER;
}

#if !PAL_ENABLE_X509
static void check_certificates_refused(palTLSConfHandle_t conf)
{
    palX509_t der = { g_omitted_bytes, sizeof(g_omitted_bytes) };
    palX509Handle_t certificate = NULLPTR;
    palPrivateKey_t key;

    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_SUPPORTED, pal_initPrivateKey(g_omitted_bytes, sizeof(g_omitted_bytes), &key));
    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_SUPPORTED, pal_setOwnCertChain(conf, &der));
    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_SUPPORTED, pal_setCAChain(conf, &der, NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_SUPPORTED, pal_x509Initiate(&certificate));
    PALTEST_ASSERT(certificate == NULLPTR);
    PALTEST_ASSERT(suite_refused(conf, PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8));
    PALTEST_ASSERT(suite_refused(conf, PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384));
}
#endif

#if !PAL_ENABLE_PSK
static void check_psk_refused(palTLSConfHandle_t conf)
{
    static const unsigned char identity[] = "id";

    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_SUPPORTED, pal_setPSK(conf, identity, sizeof(identity) - 1, g_omitted_bytes,
                                                            sizeof(g_omitted_bytes)));
    PALTEST_ASSERT(suite_refused(conf, PAL_TLS_PSK_WITH_AES_128_CCM_8));
}
#endif
#endif

static void flavourOmissionsAnswerNotSupported(void)
{
#if defined(PALTLS_FLAVOUR_FULL)
    paltest_skip("flavour full leaves no feature out");
#else
    static palTLSConfHandle_t conf;

    conf = NULLPTR;
    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    paltest_defer(free_configuration_deferred, &conf);
#if !PAL_ENABLE_X509
    check_certificates_refused(conf);
#endif
#if !PAL_ENABLE_PSK
    check_psk_refused(conf);
#endif
    /* CBC (PSK-AES128-CBC-SHA256) is compiled into full only. */
    PALTEST_ASSERT(suite_refused(conf, PAL_TLS_PSK_WITH_AES_128_CBC_SHA256));
#if (PAL_USE_SSL_SESSION_RESUME != 1)
    /* Nothing to resume from: storing is accepted and keeps nothing. */
    pal_enableSslSessionStoring(conf, true);
    PALTEST_ASSERT(!pal_is_cid_available());
#endif
#endif
}

#define SUITE_ECDHE_CCM8 "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8"
#define SUITE_ECDHE_GCM128 "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"
#define SUITE_ECDHE_GCM256 "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384"
#define SUITE_PSK_CCM8 "TLS-PSK-WITH-AES-128-CCM-8"
#define SUITE_PSK_CCM8_256 "TLS-PSK-WITH-AES-256-CCM-8"
#define SUITE_PSK_CBC "TLS-PSK-WITH-AES-128-CBC-SHA256"

/* Fails the case unless the configuration offers exactly `expected`, in order. */
static bool offers_exactly(palTLSConfHandle_t conf, const char *const *expected, size_t count, int line)
{
    const char *names[PAL_TLS_SUITE_LIST_CAPACITY];
    size_t offered = pal_plat_getOfferedCipherSuiteNames(pal_tlsPlatformConfiguration(conf), names,
                                                         PAL_TLS_SUITE_LIST_CAPACITY);

    if (offered != count) {
        paltest_fail(__FILE__, line, "offers %u suites (first %s), expected %u", (unsigned)offered,
                     offered > 0 ? names[0] : "-", (unsigned)count);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(names[i], expected[i]) != 0) {
            paltest_fail(__FILE__, line, "suite %u is %s, expected %s", (unsigned)i, names[i], expected[i]);
            return false;
        }
    }
    return true;
}

static palStatus_t new_conf_with(palTLSConfHandle_t *conf, bool psk, bool ca)
{
    uint32_t ca_length = 0;
    palX509_t chain;
    palStatus_t status = pal_initTLSConfiguration(conf, PAL_TLS_MODE);

    if (status == PAL_SUCCESS && psk) {
        status = pal_setPSK(*conf, tls_test_psk_identity, 15, tls_test_psk, sizeof(tls_test_psk));
    }
    if (status == PAL_SUCCESS && ca) {
        chain.buffer = tls_env_object("pki.ca", &ca_length);
        chain.size = ca_length;
        status = chain.buffer != NULL ? pal_setCAChain(*conf, &chain, NULL) : PAL_ERR_INVALID_ARGUMENT;
    }
    return status;
}

/* Issue 10: with no suite chosen the client offers every seed suite its credentials can use
 * (the reference offers its one compile-time suite whatever the credentials). */
static void defaultOfferFollowsCredentials(void)
{
    static const char *const all[] = { SUITE_ECDHE_CCM8, SUITE_ECDHE_GCM128, SUITE_ECDHE_GCM256,
                                       SUITE_PSK_CCM8, SUITE_PSK_CCM8_256, SUITE_PSK_CBC };
    static const char *const psk_only[] = { SUITE_PSK_CCM8, SUITE_PSK_CCM8_256, SUITE_PSK_CBC };
    static const char *const cert_only[] = { SUITE_ECDHE_CCM8, SUITE_ECDHE_GCM128, SUITE_ECDHE_GCM256 };
    /* No credentials yet (the full default), a PSK, a CA, both. */
    static const struct {
        bool psk;
        bool ca;
        const char *const *expected;
        size_t count;
    } steps[] = {
        { false, false, all, 6 },
        { true, false, psk_only, 3 },
        { false, true, cert_only, 3 },
        { true, true, all, 6 },
    };
    palTLSConfHandle_t conf = NULLPTR;
    bool ok = true;

    if (PAL_TLS_CIPHER_SUITE != (PAL_TLS_SEED_PSK_SUITES | PAL_TLS_SEED_CERT_SUITES)) {
        paltest_skip("the build restricts PAL_TLS_CIPHER_SUITE");
        return;
    }
    if (!require_pki()) {
        return;
    }
    for (size_t i = 0; ok && i < sizeof(steps) / sizeof(steps[0]); i++) {
        PALTEST_ASSERT_SUCCESS(new_conf_with(&conf, steps[i].psk, steps[i].ca));
        ok = offers_exactly(conf, steps[i].expected, steps[i].count, __LINE__);
        PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
    }
}

/* An application choice (one suite or a group) wins over the default and survives credentials. */
static void suiteChoiceOverridesDefaultOffer(void)
{
    static const char *const one[] = { SUITE_PSK_CBC };
    static const char *const group[] = { SUITE_ECDHE_GCM256, SUITE_PSK_CCM8 };
    static const palTLSSuites_t group_ids[] = { PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                                                PAL_TLS_PSK_WITH_AES_128_CCM_8,
                                                PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 };
    static const palTLSSuites_t with_unknown[] = { PAL_TLS_PSK_WITH_AES_128_CCM_8, (palTLSSuites_t)99 };
    palTLSConfHandle_t conf = NULLPTR;
    palTLSConfHandle_t plat;
    bool ok;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(pal_initTLSConfiguration(&conf, PAL_TLS_MODE));
    plat = pal_tlsPlatformConfiguration(conf);
    PALTEST_ASSERT_SUCCESS(pal_plat_setCipherSuites(plat, PAL_TLS_PSK_WITH_AES_128_CBC_SHA256));
    PALTEST_ASSERT_SUCCESS(pal_setPSK(conf, tls_test_psk_identity, 15, tls_test_psk, sizeof(tls_test_psk)));
    /* The reference's list: the suite plus PAL_MAX_ALLOWED_CIPHER_SUITES - 1 fixed fallbacks. */
    ok = PAL_MAX_ALLOWED_CIPHER_SUITES != 1 || offers_exactly(conf, one, 1, __LINE__);
    if (ok) {
        PALTEST_ASSERT_SUCCESS(pal_plat_setCipherSuiteList(plat, group_ids, 3));
        ok = offers_exactly(conf, group, 2, __LINE__);
    }
    if (ok) {
        PALTEST_ASSERT_STATUS(PAL_ERR_TLS_INVALID_CIPHER, pal_plat_setCipherSuiteList(plat, with_unknown, 2));
        ok = offers_exactly(conf, NULL, 0, __LINE__);
    }
    PALTEST_ASSERT_SUCCESS(pal_tlsConfigurationFree(&conf));
}

/* A PSK session reports no certificate checked (its verify result would otherwise read as
 * "every flag": the library's value for "no verification"); a certificate session reports one. */
static void verificationIsReportedOnlyWhenACertificateWasChecked(void)
{
    static tls_session_t psk_session;
    static tls_session_t cert_session;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(tls_session_open(&psk_session, PAL_TLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(tls_session_use_psk(&psk_session));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&psk_session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&psk_session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT(strncmp(pal_tlsGetCipherSuiteName(psk_session.tls), "TLS-PSK-", 8) == 0);
    PALTEST_ASSERT(!pal_plat_sslPeerCertificateChecked(pal_tlsPlatformContext(psk_session.tls)));
    PALTEST_ASSERT(pal_plat_sslReceivedAlert(pal_tlsPlatformContext(psk_session.tls)) == -1);

    PALTEST_ASSERT_SUCCESS(tls_session_open(&cert_session, PAL_TLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&cert_session, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&cert_session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&cert_session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT(strncmp(pal_tlsGetCipherSuiteName(cert_session.tls), "TLS-ECDHE-ECDSA-", 16) == 0);
    PALTEST_ASSERT(pal_plat_sslPeerCertificateChecked(pal_tlsPlatformContext(cert_session.tls)));
}

static void wrongPskFailsCleanly(void)
{
    static const unsigned char wrong_key[6] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01 };
    static tls_session_t session;
    palStatus_t status;

    PALTEST_ASSERT_SUCCESS(tls_session_open(&session, PAL_TLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(session.conf),
                                                    PAL_TLS_PSK_WITH_AES_128_CCM_8));
    PALTEST_ASSERT_SUCCESS(pal_setPSK(session.conf, tls_test_psk_identity, 15, wrong_key, sizeof(wrong_key)));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&session));
    status = tls_session_handshake(&session, HANDSHAKE_MAX_MS);
    /* The server cannot decrypt our Finished and says so with a fatal alert. */
    PALTEST_ASSERT_STATUS(PAL_ERR_SSL_FATAL_ALERT_MESSAGE, status);
    PALTEST_ASSERT(pal_plat_sslReceivedAlert(pal_tlsPlatformContext(session.tls)) > 0);
    PALTEST_ASSERT(!pal_plat_sslPeerCertificateChecked(pal_tlsPlatformContext(session.tls)));
}

typedef struct log_capture {
    unsigned messages;
    int max_level;
} log_capture_t;

static void capture_log(void *context, int level, const char *file, int line, const char *message)
{
    log_capture_t *capture = (log_capture_t *)context;

    (void)line;
    if (file != NULL && message != NULL && strchr(file, '/') == NULL) {
        capture->messages++;
        if (level > capture->max_level) {
            capture->max_level = level;
        }
    }
}

static void logCallbackReceivesLibraryDebug(void)
{
    static tls_session_t session;
    log_capture_t capture = { 0, 0 };
    palTLSConfHandle_t platform_conf;

    PALTEST_ASSERT_SUCCESS(tls_session_open(&session, PAL_TLS_MODE, "default"));
    platform_conf = pal_tlsPlatformConfiguration(session.conf);
    PALTEST_ASSERT_SUCCESS(pal_plat_setCipherSuites(platform_conf, PAL_TLS_PSK_WITH_AES_128_CCM_8));
    PALTEST_ASSERT_SUCCESS(tls_session_use_psk(&session));
    PALTEST_ASSERT_SUCCESS(pal_plat_SetLoggingCb(platform_conf, capture_log, &capture));
    PALTEST_ASSERT_SUCCESS(pal_sslSetDebugging(session.conf, 1));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT_SUCCESS(pal_sslSetDebugging(session.conf, 0));
    PALTEST_ASSERT(capture.messages > 10);
    PALTEST_ASSERT(capture.max_level >= 2);
    paltest_metric("log_messages", (int64_t)capture.messages);
}

/* A loopback TCP pair made of PAL sockets: the device side can then be the server too. */
typedef struct loopback {
    palSocket_t listener;
    palSocket_t server;
    palSocket_t client;
    palSocketAddress_t address;
    palSocketLength_t address_length;
} loopback_t;

static void loopback_close(void *argument)
{
    loopback_t *pair = (loopback_t *)argument;

    if (pair->client != NULL) {
        (void)pal_close(&pair->client);
    }
    if (pair->server != NULL) {
        (void)pal_close(&pair->server);
    }
    if (pair->listener != NULL) {
        (void)pal_close(&pair->listener);
    }
}

static palStatus_t loopback_open(loopback_t *pair)
{
    static const palIpV4Addr_t localhost = { 127, 0, 0, 1 };
    uint64_t start;
    palStatus_t status;
    palStatus_t accepted = PAL_ERR_SOCKET_WOULD_BLOCK;

    memset(pair, 0, sizeof(*pair));
    paltest_defer(loopback_close, pair);
    pair->address.addressType = PAL_AF_INET;
    status = pal_setSockAddrIPV4Addr(&pair->address, localhost);
    if (status == PAL_SUCCESS) {
        status = pal_setSockAddrPort(&pair->address, 0);
    }
    if (status == PAL_SUCCESS) {
        status = pal_socket(PAL_AF_INET, PAL_SOCK_STREAM_SERVER, true, 0, &pair->listener);
    }
    if (status == PAL_SUCCESS) {
        status = pal_bind(pair->listener, &pair->address, sizeof(pair->address));
    }
    if (status == PAL_SUCCESS) {
        status = pal_listen(pair->listener, 1);
    }
    if (status == PAL_SUCCESS) {
        pair->address_length = sizeof(pair->address);
        status = pal_getSocketAddress(pair->listener, &pair->address, &pair->address_length);
    }
    if (status == PAL_SUCCESS) {
        status = pal_socket(PAL_AF_INET, PAL_SOCK_STREAM, true, 0, &pair->client);
    }
    if (status != PAL_SUCCESS) {
        return status;
    }
    start = pal_osKernelSysTick();
    do {
        status = pal_connect(pair->client, &pair->address, pair->address_length);
        if (accepted != PAL_SUCCESS) {
            palSocketAddress_t from;
            palSocketLength_t from_length = sizeof(from);
            accepted = pal_accept(pair->listener, &from, &from_length, &pair->server, NULL, NULL);
        }
        if (status == PAL_ERR_SOCKET_ALREADY_CONNECTED) {
            status = PAL_SUCCESS;
        }
        (void)pal_osDelay(5);
    } while ((status != PAL_SUCCESS || accepted != PAL_SUCCESS) && pal_osKernelSysTick() - start < 5000u);
    return status != PAL_SUCCESS ? status : accepted;
}

/* A client session over the loopback pair's socket, which the pair keeps owning. */
/* A TLS client with the test CA on the pair's client end, ready for its first handshake call. */
static palStatus_t loopback_client(tls_session_t *client, const loopback_t *pair)
{
    palStatus_t status;

    memset(client, 0, sizeof(*client));
    client->mode = PAL_TLS_MODE;
    client->socket = pair->client;
    client->address = pair->address;
    client->address_length = pair->address_length;
    client->owns_socket = false;
    paltest_defer(tls_session_close_deferred, client);
    status = pal_initTLSConfiguration(&client->conf, PAL_TLS_MODE);
    if (status == PAL_SUCCESS) {
        status = pal_initTLS(client->conf, &client->tls, false);
    }
    if (status == PAL_SUCCESS) {
        status = tls_session_use_certificates(client, "pki.ca");
    }
    if (status == PAL_SUCCESS) {
        status = tls_session_attach_socket(client);
    }
    return status;
}

#ifdef PAL_TLS_SUPPORT_SERVER_MODE
typedef struct server_side {
    palTLSConfHandle_t conf;
    palTLSHandle_t tls;
    palTLSSocket_t io;
} server_side_t;

static void server_side_free(void *argument)
{
    server_side_t *server = (server_side_t *)argument;

    if (server->tls != NULLPTR) {
        (void)pal_plat_freeTLS(&server->tls);
    }
    if (server->conf != NULLPTR) {
        (void)pal_plat_tlsConfigurationFree(&server->conf);
    }
}

static palStatus_t server_side_open(server_side_t *server, palSocket_t socket)
{
    palX509_t cert;
    palPrivateKey_t key;
    palStatus_t status;

    memset(server, 0, sizeof(*server));
    paltest_defer(server_side_free, server);
    cert.buffer = tls_env_object("pki.server_cert", &cert.size);
    key.buffer = tls_env_object("pki.server_key", &key.size);
    if (cert.buffer == NULL || key.buffer == NULL) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    status = pal_plat_initTLSConf(&server->conf, PAL_TLS_MODE, PAL_TLS_IS_SERVER);
    if (status == PAL_SUCCESS) {
        status = pal_plat_setCipherSuites(server->conf, PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
    }
    if (status == PAL_SUCCESS) {
        status = pal_plat_setAuthenticationMode(server->conf, PAL_TLS_VERIFY_NONE);
    }
    if (status == PAL_SUCCESS) {
        status = pal_plat_setOwnCertChain(server->conf, &cert);
    }
    if (status == PAL_SUCCESS) {
        status = pal_plat_setOwnPrivateKey(server->conf, &key);
    }
    if (status == PAL_SUCCESS) {
        status = pal_plat_initTLS(server->conf, &server->tls);
    }
    if (status == PAL_SUCCESS) {
        status = pal_plat_sslSetup(server->tls, server->conf);
    }
    if (status == PAL_SUCCESS) {
        server->io.socket = socket;
        server->io.transportationMode = PAL_TLS_MODE;
        status = pal_plat_tlsSetSocket(server->conf, &server->io);
    }
    return status;
}

#endif

static bool wants_io(palStatus_t status)
{
    return status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE;
}

/* The device side as TLS server (PAL_TLS_SUPPORT_SERVER_MODE), a PAL client as its peer, both
 * driven from this thread over non-blocking loopback sockets. */
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
static void serverModeHandshake(void)
{
    static const uint8_t ping[4] = { 0x40, 0, 0, 0 };
    static const uint8_t reset[4] = { 0x70, 0, 0, 0 };
    static loopback_t pair;
    static server_side_t server;
    static tls_session_t client;
    palStatus_t client_status = PAL_ERR_TLS_WANT_READ;
    palStatus_t server_status = PAL_ERR_TLS_WANT_READ;
    uint64_t server_time = 0;
    uint8_t buffer[4];
    uint32_t count = 0;
    uint64_t start;

    if (!require_pki() || paltest_env_get("pki.server_cert", NULL) == NULL) {
        paltest_skip("no server certificate in the environment (pki.server_cert, pki.server_key)");
        return;
    }
    PALTEST_ASSERT_SUCCESS(loopback_open(&pair));
    PALTEST_ASSERT_SUCCESS(server_side_open(&server, pair.server));
    PALTEST_ASSERT_SUCCESS(loopback_client(&client, &pair));
    start = pal_osKernelSysTick();
    while ((wants_io(client_status) || wants_io(server_status)) && pal_osKernelSysTick() - start < 30000u) {
        if (wants_io(client_status)) {
            client_status = pal_handShake(client.tls, client.conf, false);
        }
        if (wants_io(server_status)) {
            server_status = pal_plat_handShake(server.tls, &server_time);
        }
        (void)pal_osDelay(1);
    }
    PALTEST_ASSERT_SUCCESS(server_status);
    PALTEST_ASSERT_SUCCESS(client_status);
    PALTEST_ASSERT(pal_tlsGetCipherSuiteName(client.tls) != NULL);
    PALTEST_ASSERT_SUCCESS(pal_sslWrite(client.tls, client.conf, ping, sizeof(ping), &count));
    start = pal_osKernelSysTick();
    do {
        server_status = pal_plat_sslRead(server.tls, buffer, sizeof(buffer), &count);
        (void)pal_osDelay(1);
    } while (server_status == PAL_ERR_TLS_WANT_READ && pal_osKernelSysTick() - start < 5000u);
    PALTEST_ASSERT_SUCCESS(server_status);
    PALTEST_ASSERT(count == sizeof(ping) && memcmp(buffer, ping, sizeof(ping)) == 0);
    PALTEST_ASSERT_SUCCESS(pal_plat_sslWrite(server.tls, reset, sizeof(reset), &count));
    start = pal_osKernelSysTick();
    do {
        client_status = pal_sslRead(client.tls, buffer, sizeof(buffer), &count);
        (void)pal_osDelay(1);
    } while (client_status == PAL_ERR_TLS_WANT_READ && pal_osKernelSysTick() - start < 5000u);
    PALTEST_ASSERT_SUCCESS(client_status);
    PALTEST_ASSERT(count == sizeof(reset) && memcmp(buffer, reset, sizeof(reset)) == 0);
}
#else
static void serverModeHandshake(void)
{
    paltest_skip("server mode not built (PAL_TLS_SUPPORT_SERVER_MODE undefined)");
}
#endif

/* The peer accepts, reads the ClientHello and hangs up: a clear status, not a generic failure. */
static void peerClosingMidHandshakeIsReported(void)
{
    static loopback_t pair;
    static tls_session_t client;
    uint8_t hello[512];
    size_t received = 0;
    palStatus_t status;
    uint64_t start;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(loopback_open(&pair));
    PALTEST_ASSERT_SUCCESS(loopback_client(&client, &pair));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_WANT_READ, pal_handShake(client.tls, client.conf, false));
    start = pal_osKernelSysTick();
    do {
        status = pal_recv(pair.server, hello, sizeof(hello), &received);
        (void)pal_osDelay(1);
    } while (status == PAL_ERR_SOCKET_WOULD_BLOCK && pal_osKernelSysTick() - start < 5000u);
    PALTEST_ASSERT_SUCCESS(status);
    PALTEST_ASSERT(received > 0 && hello[0] == 0x16); /* a handshake record */
    PALTEST_ASSERT_SUCCESS(pal_close(&pair.server));
    start = pal_osKernelSysTick();
    do {
        status = pal_handShake(client.tls, client.conf, false);
        (void)pal_osDelay(1);
    } while (wants_io(status) && pal_osKernelSysTick() - start < 5000u);
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_CONNECTION_CLOSED, status);
}

/* The socket under a handshake fails with a PAL status whose number is also an Mbed TLS code
 * (PAL_ERR_GENERIC_FAILURE is MBEDTLS_ERR_MPI_ALLOC_FAILED): the handshake reports the socket's
 * status, not PAL_ERR_NO_MEMORY. The fault is injected in the BIO's socket: a transport mode no
 * socket call accepts, which the BIO's send answers with PAL_ERR_GENERIC_FAILURE. */
static void socketFailureInsideHandshakeKeepsItsStatus(void)
{
    static loopback_t pair;
    static tls_session_t client;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(loopback_open(&pair));
    PALTEST_ASSERT_SUCCESS(loopback_client(&client, &pair));
    client.tls_socket.transportationMode = (palTLSTransportMode_t)0x7F;
    PALTEST_ASSERT_STATUS(PAL_ERR_GENERIC_FAILURE, pal_handShake(client.tls, client.conf, false));
}

/* DTLS over a blocking socket: the library's reads wait in the socket with PAL_SO_RCVTIMEO set
 * to its retransmission deadline. A full handshake and a ping; the harness counts the option
 * requests over the socket bridge (host/test/e2e.test.ts): set when the timeout changes, not on
 * every read. */
static void dtlsHandshakeOnBlockingSocket(void)
{
    static tls_session_t session;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(tls_session_open(&session, PAL_DTLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(pal_close(&session.socket));
    PALTEST_ASSERT_SUCCESS(pal_socket(PAL_AF_INET, PAL_SOCK_DGRAM, false, 0, &session.socket));
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&session, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, 30000u));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 3));
}

/* RFC 9146: the peer gives us a Connection ID; a context saved after the handshake and restored
 * into a new context on a new socket (new source port) carries on without a handshake, and the
 * peer follows it by CID. */
static void dtlsConnectionIdResumesOnNewSocket(void)
{
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    static tls_session_t first;
    static tls_session_t second;
    uint8_t cid[32];
    size_t cid_length = sizeof(cid);

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(tls_session_open_resuming(&first, PAL_DTLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&first, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&first));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&first, HANDSHAKE_MAX_MS));
    pal_plat_get_cid_value(pal_tlsPlatformContext(first.tls), cid, &cid_length);
    PALTEST_ASSERT(cid_length > 0);
    PALTEST_ASSERT(pal_is_cid_available());
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&first, 1));
    tls_session_close(&first);

    PALTEST_ASSERT_SUCCESS(tls_session_open_resuming(&second, PAL_DTLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&second, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&second));
    /* No traffic: the restored context is already established. */
    PALTEST_ASSERT_SUCCESS(pal_handShake(second.tls, second.conf, false));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&second, 2));
    pal_remove_cid();
#endif
}

/* The same across a power cycle: pal_store_cid() persists the context, a restarted PAL has an
 * empty RAM buffer, and pal_initTLS brings the context back from storage (consuming the item). */
static void dtlsSessionSurvivesRestartThroughStorage(void)
{
    static tls_session_t first;
    static tls_session_t second;
    uint8_t probe[PAL_SSL_SESSION_BUFFER_SIZE];
    size_t length = 0;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(tls_session_open_resuming(&first, PAL_DTLS_MODE, "default"));
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&first, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&first));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&first, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&first, 1));
    tls_session_close(&first);
    pal_store_cid();

    PALTEST_ASSERT(pal_destroy() == 0);
    PALTEST_ASSERT_SUCCESS(pal_init());
    PALTEST_ASSERT(!pal_is_cid_available());
    PALTEST_ASSERT_SUCCESS(pal_storageItemRead(PAL_SSL_SESSION_ITEM_NAME, probe, sizeof(probe), &length));

    PALTEST_ASSERT_SUCCESS(tls_session_open_resuming(&second, PAL_DTLS_MODE, "default"));
    PALTEST_ASSERT(pal_is_cid_available());
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST,
                          pal_storageItemRead(PAL_SSL_SESSION_ITEM_NAME, probe, sizeof(probe), &length));
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&second, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&second));
    PALTEST_ASSERT_SUCCESS(pal_handShake(second.tls, second.conf, false));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&second, 2));
    pal_remove_cid();
}

const paltest_case_t paltest_tls_port_cases[] = {
    { "suiteEcdheEcdsaAes128Ccm8_TLS", suiteEcdheEcdsaAes128Ccm8_TLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "suiteEcdheEcdsaAes128Ccm8_DTLS", suiteEcdheEcdsaAes128Ccm8_DTLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "suiteEcdheEcdsaAes128GcmSha256_TLS", suiteEcdheEcdsaAes128GcmSha256_TLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "suiteEcdheEcdsaAes128GcmSha256_DTLS", suiteEcdheEcdsaAes128GcmSha256_DTLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "suiteEcdheEcdsaAes256GcmSha384_TLS", suiteEcdheEcdsaAes256GcmSha384_TLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "suiteEcdheEcdsaAes256GcmSha384_DTLS", suiteEcdheEcdsaAes256GcmSha384_DTLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "suitePskAes128Ccm8_TLS", suitePskAes128Ccm8_TLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK },
    { "suitePskAes128Ccm8_DTLS", suitePskAes128Ccm8_DTLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK },
    { "suitePskAes256Ccm8_TLS", suitePskAes256Ccm8_TLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK | PALTEST_NEEDS_ALL_SUITES },
    { "suitePskAes256Ccm8_DTLS", suitePskAes256Ccm8_DTLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK | PALTEST_NEEDS_ALL_SUITES },
    { "suitePskAes128CbcSha256_TLS", suitePskAes128CbcSha256_TLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK | PALTEST_NEEDS_ALL_SUITES },
    { "suitePskAes128CbcSha256_DTLS", suitePskAes128CbcSha256_DTLS, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK | PALTEST_NEEDS_ALL_SUITES },
    { "verifyResultMapsEachFlag", verifyResultMapsEachFlag, 0 },
    { "verifyResultOrderIsTheGuides", verifyResultOrderIsTheGuides, 0 },
    { "errorTablesTranslateLibraryCodes", errorTablesTranslateLibraryCodes, 0 },
    { "verifyUnrelatedCaIsNotTrusted", verifyUnrelatedCaIsNotTrusted, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "verifyExpiredServerCertificate", verifyExpiredServerCertificate, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "verifyFutureServerCertificateFailsAfterRetry", verifyFutureServerCertificateFailsAfterRetry, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_SECURE_TIME },
    { "verifyBadKeyUsageIsUnmapped", verifyBadKeyUsageIsUnmapped, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "renegotiationRestoresDeviceTime", renegotiationRestoresDeviceTime, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_SECURE_TIME },
    { "tlsSessionIsResumed", tlsSessionIsResumed, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_SESSION_RESUME },
    { "serverTimeOutsideCertificateIsIgnored", serverTimeOutsideCertificateIsIgnored, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_SECURE_TIME },
    { "pskSessionLeavesDeviceTime", pskSessionLeavesDeviceTime, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK | PALTEST_NEEDS_SECURE_TIME },
    { "contextLimitIsEnforced", contextLimitIsEnforced, 0 },
    { "secondSetupIsRefused", secondSetupIsRefused, 0 },
    { "nullArgumentsAreRejected", nullArgumentsAreRejected, 0 },
    { "malformedDerIsRejected", malformedDerIsRejected, PALTEST_NEEDS_X509 },
    { "unknownSuiteIsRejected", unknownSuiteIsRejected, 0 },
    { "flavourOmissionsAnswerNotSupported", flavourOmissionsAnswerNotSupported, 0 },
    { "wrongPskFailsCleanly", wrongPskFailsCleanly, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK },
    { "logCallbackReceivesLibraryDebug", logCallbackReceivesLibraryDebug, PALTEST_NEEDS_PEER | PALTEST_NEEDS_PSK },
    { "dtlsConnectionIdResumesOnNewSocket", dtlsConnectionIdResumesOnNewSocket, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_SESSION_RESUME },
    { "dtlsSessionSurvivesRestartThroughStorage", dtlsSessionSurvivesRestartThroughStorage, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_SESSION_RESUME },
    { "serverModeHandshake", serverModeHandshake, PALTEST_NEEDS_X509 | PALTEST_NEEDS_SERVER_MODE },
    { "peerClosingMidHandshakeIsReported", peerClosingMidHandshakeIsReported, PALTEST_NEEDS_X509 },
    { "defaultOfferFollowsCredentials", defaultOfferFollowsCredentials, PALTEST_NEEDS_X509 | PALTEST_NEEDS_PSK },
    { "suiteChoiceOverridesDefaultOffer", suiteChoiceOverridesDefaultOffer,
      PALTEST_NEEDS_X509 | PALTEST_NEEDS_PSK | PALTEST_NEEDS_ALL_SUITES },
    { "verificationIsReportedOnlyWhenACertificateWasChecked", verificationIsReportedOnlyWhenACertificateWasChecked,
      PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_PSK },
    { "socketFailureInsideHandshakeKeepsItsStatus", socketFailureInsideHandshakeKeepsItsStatus, PALTEST_NEEDS_X509 },
    { "dtlsHandshakeOnBlockingSocket", dtlsHandshakeOnBlockingSocket, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
};
const size_t paltest_tls_port_case_count = sizeof(paltest_tls_port_cases) / sizeof(paltest_tls_port_cases[0]);
