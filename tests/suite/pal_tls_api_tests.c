/* Cases for the upstream API surface this port took on for drop-in use: caller-owned DTLS timers
 * (pal_plat_setTimeCB), the Connection ID set by value, the DTLS context save/load contract in
 * upstream's call order, and the stored context kept current by writes. */
#include <string.h>

#include "pal_tls_tests.h"
#include "paltest.h"
#include "paltest_env.h"

#define HANDSHAKE_MAX_MS 60000u
#define TIMER_MAX_SETS 16u

/* A DTLS retransmission timer owned by the test: it expires only when the test says so. */
typedef struct test_timer {
    uint32_t final_ms[TIMER_MAX_SETS];
    unsigned sets;
    bool armed;
    bool expired;
} test_timer_t;

static void test_timer_set(void *data, uint32_t intMs, uint32_t finMs)
{
    test_timer_t *timer = (test_timer_t *)data;

    (void)intMs;
    timer->armed = finMs != 0;
    timer->expired = false;
    if (finMs != 0 && timer->sets < TIMER_MAX_SETS) {
        timer->final_ms[timer->sets++] = finMs;
    }
}

static int test_timer_get(void *data)
{
    const test_timer_t *timer = (const test_timer_t *)data;

    if (!timer->armed) {
        return -1;
    }
    return timer->expired ? 2 : 0;
}

/* The peer never answers ("silent"): the ClientHello arms the caller's timer with the minimum
 * (100 ms); each expiry the callbacks report makes the library resend it with a doubled timeout
 * (200, 400 ms), and the expiry at the maximum ends the handshake. No expiry, no retransmission:
 * the PAL's own timer is out of the loop. Driven entirely by the test, no wall-clock waits. */
static void dtlsTimerCallbacksDriveRetransmission(void)
{
    static tls_session_t session;
    static test_timer_t timer;
    palTLSHandle_t platform;
    palStatus_t status;
    unsigned expiries = 0;
    unsigned initial_sets;

    if (!require_pki()) {
        return;
    }
    memset(&timer, 0, sizeof(timer));
    PALTEST_ASSERT_SUCCESS(connect_with_certificates(&session, PAL_DTLS_MODE, "silent", "pki.ca"));
    PALTEST_ASSERT_SUCCESS(pal_setHandShakeTimeOut(session.conf, 100, 400));
    platform = pal_tlsPlatformContext(session.tls);
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_plat_setTimeCB(&platform, &timer, test_timer_set, NULL));
    PALTEST_ASSERT_SUCCESS(pal_plat_setTimeCB(&platform, &timer, test_timer_set, test_timer_get));

    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_WANT_READ, pal_handShake(session.tls, session.conf, false));
    initial_sets = timer.sets;
    PALTEST_ASSERT(initial_sets >= 1 && timer.final_ms[initial_sets - 1] == 100);
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_WANT_READ, pal_handShake(session.tls, session.conf, false));
    PALTEST_ASSERT(timer.sets == initial_sets);
    do {
        timer.expired = true;
        expiries++;
        status = pal_handShake(session.tls, session.conf, false);
    } while (status == PAL_ERR_TLS_WANT_READ && expiries < TIMER_MAX_SETS);
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_TIMEOUT, status);
    PALTEST_ASSERT(expiries == 3);
    PALTEST_ASSERT(timer.sets == initial_sets + 2);
    PALTEST_ASSERT(timer.final_ms[initial_sets] == 200 && timer.final_ms[initial_sets + 1] == 400);
}

/* The PAL's timer is back after (NULL, NULL): a handshake against a live peer completes. */
static void dtlsTimerCallbacksCanBeHandedBack(void)
{
    static tls_session_t session;
    static test_timer_t timer;
    palTLSHandle_t platform;

    if (!require_pki()) {
        return;
    }
    memset(&timer, 0, sizeof(timer));
    PALTEST_ASSERT_SUCCESS(connect_with_certificates(&session, PAL_DTLS_MODE, "default", "pki.ca"));
    platform = pal_tlsPlatformContext(session.tls);
    PALTEST_ASSERT_SUCCESS(pal_plat_setTimeCB(&platform, &timer, test_timer_set, test_timer_get));
    PALTEST_ASSERT_SUCCESS(pal_plat_setTimeCB(&platform, NULL, NULL, NULL));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT(timer.sets == 0);
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
}

#if (PAL_USE_SSL_SESSION_RESUME == 1)
static palStatus_t open_dtls_resuming(tls_session_t *session)
{
    palStatus_t status = tls_session_open_resuming(session, PAL_DTLS_MODE, "default");

    if (status == PAL_SUCCESS) {
        status = tls_session_use_certificates(session, "pki.ca");
    }
    if (status == PAL_SUCCESS) {
        status = tls_session_attach_socket(session);
    }
    return status;
}

/* One CoAP ping whose reply must arrive within max_ms; WANT_READ until then. */
static palStatus_t ping_within(tls_session_t *session, uint32_t max_ms)
{
    static const uint8_t ping[4] = { 0x40, 0x00, 0x00, 0x00 };
    uint8_t reply[4];
    uint32_t count = 0;
    uint64_t start;
    palStatus_t status = pal_sslWrite(session->tls, session->conf, ping, sizeof(ping), &count);

    if (status != PAL_SUCCESS) {
        return status;
    }
    start = pal_osKernelSysTick();
    do {
        status = pal_sslRead(session->tls, reply, sizeof(reply), &count);
        if (status == PAL_ERR_TLS_WANT_READ) {
            (void)pal_osDelay(20);
        }
    } while (status == PAL_ERR_TLS_WANT_READ && pal_osKernelSysTick() - start < max_ms);
    return status;
}

/* Upstream's pal_TLS.c serialises with pal_plat_saveSslSessionBuffer and then reloads with
 * pal_plat_loadSslSession itself; the context is usable afterwards and the CID query reports the
 * peer's CID to a caller that passes a zero length (upstream's length is output only). */
static void dtlsSaveThenLoadInUpstreamOrder(void)
{
    static tls_session_t session;
    palTLSHandle_t platform;
    uint8_t cid[32];
    size_t cid_length = 0;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(open_dtls_resuming(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    platform = pal_tlsPlatformContext(session.tls);
    PALTEST_ASSERT_SUCCESS(pal_plat_saveSslSessionBuffer(platform));
    PALTEST_ASSERT_SUCCESS(pal_plat_loadSslSession(platform));
    pal_plat_get_cid_value(platform, cid, &cid_length);
    PALTEST_ASSERT(cid_length > 0);
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
    pal_remove_cid();
}

/* A load into a context that is already live fails, and the library frees the context when a
 * load fails: every later call must report that instead of touching it (upstream's CID query
 * crashed here, the SIGSEGV of upstream's pal_TLS.c over the old platform file). */
static void dtlsFailedLoadLeavesNoDanglingContext(void)
{
    static tls_session_t session;
    static const uint8_t ping[4] = { 0x40, 0x00, 0x00, 0x00 };
    palTLSHandle_t platform;
    uint8_t cid[32];
    size_t cid_length = 0;
    uint32_t written = 0;
    uint64_t server_time = 0;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(open_dtls_resuming(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    platform = pal_tlsPlatformContext(session.tls);
    PALTEST_ASSERT(pal_plat_loadSslSession(platform) != PAL_SUCCESS);
    pal_plat_get_cid_value(platform, cid, &cid_length);
    PALTEST_ASSERT(cid_length == 0);
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED, pal_plat_handShake(platform, &server_time));
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_CONTEXT_NOT_INITIALIZED, pal_plat_saveSslSessionBuffer(platform));
    PALTEST_ASSERT(pal_sslWrite(session.tls, session.conf, ping, sizeof(ping), &written) != PAL_SUCCESS);
    pal_remove_cid();
}

/* The outgoing CID set by value is the one the records carry: a wrong one and the peer drops the
 * records (no reply), the peer's own one and it answers again; one that cannot be a CID changes
 * nothing. */
static void dtlsConnectionIdSetByValue(void)
{
    static tls_session_t session;
    palTLSHandle_t platform;
    uint8_t cid[32];
    uint8_t wrong[32];
    uint8_t current[32];
    static const uint8_t too_long[33] = { 0 };
    size_t cid_length = 0;
    size_t current_length = 0;
    size_t i;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(open_dtls_resuming(&session));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&session, HANDSHAKE_MAX_MS));
    platform = pal_tlsPlatformContext(session.tls);
    pal_plat_get_cid_value(platform, cid, &cid_length);
    PALTEST_ASSERT(cid_length > 0 && cid_length <= sizeof(cid));
    for (i = 0; i < cid_length; i++) {
        wrong[i] = (uint8_t)(cid[i] ^ 0xA5u);
    }

    /* Longer than any CID (32 bytes): refused, and the live context is left alone. */
    pal_set_cid_value(session.tls, session.conf, too_long, sizeof(too_long));
    pal_plat_get_cid_value(platform, current, &current_length);
    PALTEST_ASSERT(current_length == cid_length && memcmp(current, cid, cid_length) == 0);
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));

    pal_set_cid_value(session.tls, session.conf, wrong, cid_length);
    pal_plat_get_cid_value(platform, current, &current_length);
    PALTEST_ASSERT(current_length == cid_length && memcmp(current, wrong, cid_length) == 0);
    PALTEST_ASSERT_STATUS(PAL_ERR_TLS_WANT_READ, ping_within(&session, 2000));

    pal_set_cid_value(session.tls, session.conf, cid, cid_length);
    pal_plat_get_cid_value(platform, current, &current_length);
    PALTEST_ASSERT(current_length == cid_length && memcmp(current, cid, cid_length) == 0);
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&session, 1));
    pal_remove_cid();
}

/* Writes keep the stored context current: records that went out advance the sequence number in
 * the stored copy (a context resumed from a stale copy would reuse numbers the peer has seen and
 * its records would be dropped as replays), a write that sent nothing leaves the copy as it was. */
static void dtlsWritesKeepTheStoredContextCurrent(void)
{
    static tls_session_t first;
    static tls_session_t second;
    static uint8_t before[PAL_SSL_SESSION_BUFFER_SIZE];
    static uint8_t oversized[20000];
    size_t before_length = 0;
    size_t length = 0;
    const uint8_t *stored;
    uint32_t written = 0;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(open_dtls_resuming(&first));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&first, HANDSHAKE_MAX_MS));
    stored = pal_plat_get_cid(&before_length);
    PALTEST_ASSERT(before_length > 0 && before_length <= sizeof(before));
    memcpy(before, stored, before_length);

    PALTEST_ASSERT(pal_sslWrite(first.tls, first.conf, oversized, sizeof(oversized), &written) != PAL_SUCCESS);
    stored = pal_plat_get_cid(&length);
    PALTEST_ASSERT(length == before_length && memcmp(stored, before, length) == 0);

    PALTEST_ASSERT_SUCCESS(tls_session_ping(&first, 3));
    stored = pal_plat_get_cid(&length);
    PALTEST_ASSERT(length == before_length && memcmp(stored, before, length) != 0);
    tls_session_close(&first);

    PALTEST_ASSERT_SUCCESS(open_dtls_resuming(&second));
    PALTEST_ASSERT_SUCCESS(pal_handShake(second.tls, second.conf, false));
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&second, 2));
    pal_remove_cid();
}
/* A stored DTLS context that this context did not load (a server-ping connection, which
 * pal_initTLS keeps off the stored session) is no reason to skip the handshake: this context is
 * not established (upstream returned success without a handshake whenever a copy existed). */
static void dtlsStoredCopyNotLoadedStillHandshakes(void)
{
    static tls_session_t first;
    static tls_session_t ping;

    if (!require_pki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(open_dtls_resuming(&first));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&first, HANDSHAKE_MAX_MS));
    tls_session_close(&first);
    PALTEST_ASSERT(pal_is_cid_available());

    PALTEST_ASSERT_SUCCESS(tls_session_open_server_ping(&ping, PAL_DTLS_MODE, "default"));
    PALTEST_ASSERT(pal_is_cid_available());
    PALTEST_ASSERT_SUCCESS(tls_session_use_certificates(&ping, "pki.ca"));
    PALTEST_ASSERT_SUCCESS(tls_session_attach_socket(&ping));
    PALTEST_ASSERT_SUCCESS(tls_session_handshake(&ping, HANDSHAKE_MAX_MS));
    PALTEST_ASSERT(pal_tlsGetCipherSuiteName(ping.tls) != NULL);
    PALTEST_ASSERT(pal_tlsGetServerTime(ping.tls) != 0);
    PALTEST_ASSERT_SUCCESS(tls_session_ping(&ping, 1));
    pal_remove_cid();
}
#else
static void dtlsStoredCopyNotLoadedStillHandshakes(void)
{
    paltest_skip("session resume not built (PAL_USE_SSL_SESSION_RESUME)");
}

static void dtlsSaveThenLoadInUpstreamOrder(void)
{
    paltest_skip("session resume not built (PAL_USE_SSL_SESSION_RESUME)");
}

static void dtlsFailedLoadLeavesNoDanglingContext(void)
{
    paltest_skip("session resume not built (PAL_USE_SSL_SESSION_RESUME)");
}

static void dtlsConnectionIdSetByValue(void)
{
    paltest_skip("session resume not built (PAL_USE_SSL_SESSION_RESUME)");
}

static void dtlsWritesKeepTheStoredContextCurrent(void)
{
    paltest_skip("session resume not built (PAL_USE_SSL_SESSION_RESUME)");
}
#endif

const paltest_case_t paltest_tls_api_cases[] = {
    { "dtlsTimerCallbacksDriveRetransmission", dtlsTimerCallbacksDriveRetransmission, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "dtlsTimerCallbacksCanBeHandedBack", dtlsTimerCallbacksCanBeHandedBack, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 },
    { "dtlsSaveThenLoadInUpstreamOrder", dtlsSaveThenLoadInUpstreamOrder, PALTEST_NEEDS_PEER },
    { "dtlsFailedLoadLeavesNoDanglingContext", dtlsFailedLoadLeavesNoDanglingContext, PALTEST_NEEDS_PEER },
    { "dtlsConnectionIdSetByValue", dtlsConnectionIdSetByValue, PALTEST_NEEDS_PEER },
    { "dtlsWritesKeepTheStoredContextCurrent", dtlsWritesKeepTheStoredContextCurrent, PALTEST_NEEDS_PEER },
    { "dtlsStoredCopyNotLoadedStillHandshakes", dtlsStoredCopyNotLoadedStillHandshakes, PALTEST_NEEDS_PEER },
};
const size_t paltest_tls_api_case_count = sizeof(paltest_tls_api_cases) / sizeof(paltest_tls_api_cases[0]);
