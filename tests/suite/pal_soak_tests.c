/* Soak: many sequential handshakes against the peer's "default" profile with the heap back at its
 * baseline after each one. Iteration i uses
 *   i % 4 == 0       ECDHE-ECDSA with the device certificate, TLS and DTLS alternating
 *   otherwise        PSK, TLS when i is even, DTLS when odd
 * so a quarter of the handshakes pay for ECDHE (≈ 70 M instructions each on a Cortex-M3) and a
 * count of 3 (the default) still covers ECDHE, PSK/TLS and PSK/DTLS.
 *
 * Environment: soak.count (default 3). Metrics: soak_handshakes, soak_ecdhe, soak_first_growth
 * (bytes the first handshake left behind: lazily created state), soak_max_drift (largest heap
 * difference from the post-warm-up baseline seen after a later handshake). */
#include "pal_plat_TLS_mbedtls.h"
#include "pal_soak_tests.h"
#include "paltest.h"
#include "paltest_env.h"
#include "tls_session.h"

#define SOAK_DEFAULT_COUNT 3u
#define SOAK_HANDSHAKE_MAX_MS 60000u

static bool soak_is_ecdhe(uint64_t i)
{
    return (i % 4u) == 0u;
}

static palTLSTransportMode_t soak_transport(uint64_t i)
{
    if (soak_is_ecdhe(i)) {
        return ((i / 4u) % 2u) == 0u ? PAL_TLS_MODE : PAL_DTLS_MODE;
    }
    return (i % 2u) == 0u ? PAL_TLS_MODE : PAL_DTLS_MODE;
}

/* One complete connection: open, credentials, handshake, one CoAP ping, close. Returns the first
 * failing status; the session is closed in every case so the heap check sees no live context. */
static palStatus_t soak_one(tls_session_t *session, uint64_t i, const char **step)
{
    palStatus_t status;

    *step = "open";
    status = tls_session_open(session, soak_transport(i), "default");
    if (status == PAL_SUCCESS) {
        /* Named explicitly: the configuration's default offer puts ECDHE-ECDSA first, which the
         * peer would pick over PSK. */
        *step = "suite";
        status = pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(session->conf),
                                          soak_is_ecdhe(i) ? PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8
                                                           : PAL_TLS_PSK_WITH_AES_128_CCM_8);
    }
    if (status == PAL_SUCCESS) {
        *step = soak_is_ecdhe(i) ? "certificates" : "psk";
        status = soak_is_ecdhe(i) ? tls_session_use_certificates(session, "pki.ca") : tls_session_use_psk(session);
    }
    if (status == PAL_SUCCESS) {
        *step = "attach";
        status = tls_session_attach_socket(session);
    }
    if (status == PAL_SUCCESS) {
        *step = "handshake";
        status = tls_session_handshake(session, SOAK_HANDSHAKE_MAX_MS);
    }
    if (status == PAL_SUCCESS) {
        *step = "ping";
        status = tls_session_ping(session, 1);
    }
    tls_session_close(session);
    return status;
}

static void soakSequentialHandshakes(void)
{
    static tls_session_t session;
    uint64_t count = paltest_env_number("soak.count", SOAK_DEFAULT_COUNT);
    uint64_t ecdhe = 0;
    size_t before;
    size_t baseline = 0;
    int64_t max_drift = 0;
    uint64_t worst = 0;
    uint64_t i;
    uint32_t length = 0;

    if (tls_env_object("pki.device_key", &length) == NULL || tls_env_object("pki.ca", &length) == NULL) {
        paltest_skip("needs the test PKI (pki.device_key, pki.ca) in the environment");
        return;
    }
    if (count == 0) {
        count = SOAK_DEFAULT_COUNT;
    }
    before = paltest_heap_in_use();
    for (i = 0; i < count; i++) {
        const char *step = "";
        palStatus_t status = soak_one(&session, i, &step);
        size_t now;

        if (status != PAL_SUCCESS) {
            paltest_fail(__FILE__, __LINE__, "handshake %llu (%s %s): %s failed with 0x%lx", (unsigned long long)i + 1u,
                         soak_is_ecdhe(i) ? "ECDHE" : "PSK", soak_transport(i) == PAL_TLS_MODE ? "TLS" : "DTLS",
                         step, (unsigned long)status);
            return;
        }
        ecdhe += soak_is_ecdhe(i) ? 1u : 0u;
        now = paltest_heap_in_use();
        if (i == 0) {
            /* The first connection may allocate state that lives for the rest of the process
             * (entropy/DRBG, socket bridge tables): that is growth once, not a leak per handshake. */
            baseline = now;
            paltest_metric("soak_first_growth", (int64_t)now - (int64_t)before);
            continue;
        }
        {
            int64_t drift = (int64_t)now - (int64_t)baseline;
            int64_t magnitude = drift < 0 ? -drift : drift;

            if (magnitude > (max_drift < 0 ? -max_drift : max_drift)) {
                max_drift = drift;
                worst = i + 1u;
            }
        }
    }
    paltest_metric("soak_handshakes", (int64_t)count);
    paltest_metric("soak_ecdhe", (int64_t)ecdhe);
    paltest_metric("soak_max_drift", max_drift);
    if (max_drift != 0) {
        paltest_fail(__FILE__, __LINE__, "heap drift %lld B from the baseline after handshake %llu of %llu",
                     (long long)max_drift, (unsigned long long)worst, (unsigned long long)count);
    }
}

/* Two threads, each with its own context, connecting at the same time: PSK over DTLS in one,
 * over TLS in the other, SOAK_PARALLEL_ROUNDS connections each. Over the socket bridge this is
 * two threads sharing the serial line (requests and replies must not mix). */
#define SOAK_PARALLEL_ROUNDS 3u
#define SOAK_PARALLEL_WAIT_MS 120000u

typedef struct soak_worker {
    uint64_t iteration; /* selects the transport (soak_transport): 1 DTLS, 2 TLS, both PSK */
    palStatus_t status;
    const char *step;
    unsigned done_rounds;
    palSemaphoreID_t finished;
} soak_worker_t;

static tls_session_t g_parallel_sessions[2];

static void soak_worker_main(void const *argument)
{
    soak_worker_t *worker = (soak_worker_t *)argument;
    tls_session_t *session = &g_parallel_sessions[worker->iteration == 1u ? 0 : 1];

    worker->status = PAL_SUCCESS;
    while (worker->status == PAL_SUCCESS && worker->done_rounds < SOAK_PARALLEL_ROUNDS) {
        worker->status = soak_one(session, worker->iteration, &worker->step);
        worker->done_rounds += worker->status == PAL_SUCCESS ? 1u : 0u;
    }
    (void)pal_osSemaphoreRelease(worker->finished);
}

static void soakTwoThreadsAtOnce(void)
{
    static soak_worker_t workers[2];
    palThreadID_t threads[2] = { NULLPTR, NULLPTR };
    palSemaphoreID_t finished = NULLPTR;
    int32_t available = 0;
    size_t i, started = 0, joined = 0;

    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(0, &finished));
    for (i = 0; i < 2; i++) {
        /* Registered here: the case's cleanup list is not shared between threads. */
        paltest_defer(tls_session_close_deferred, &g_parallel_sessions[i]);
        workers[i].iteration = i + 1u;
        workers[i].status = PAL_ERR_GENERIC_FAILURE;
        workers[i].step = "start";
        workers[i].done_rounds = 0;
        workers[i].finished = finished;
        if (pal_osThreadCreateWithAlloc(soak_worker_main, &workers[i], PAL_osPriorityNormal, 16384, NULL, &threads[i]) ==
            PAL_SUCCESS) {
            started++;
        }
    }
    for (i = 0; i < started; i++) {
        if (pal_osSemaphoreWait(finished, SOAK_PARALLEL_WAIT_MS, &available) == PAL_SUCCESS) {
            joined++;
        }
    }
    for (i = 0; i < started && joined == started; i++) {
        (void)pal_osThreadTerminate(&threads[i]);
    }
    if (joined == started) {
        (void)pal_osSemaphoreDelete(&finished);
    }
    PALTEST_ASSERT(started == 2);
    PALTEST_ASSERT(joined == started);
    for (i = 0; i < 2; i++) {
        if (workers[i].status != PAL_SUCCESS) {
            paltest_fail(__FILE__, __LINE__, "thread %u (%s): %s failed with %s after %u connections", (unsigned)i,
                         workers[i].iteration == 1u ? "DTLS" : "TLS", workers[i].step,
                         pal_statusName(workers[i].status), workers[i].done_rounds);
        }
    }
}

const paltest_case_t paltest_soak_cases[] = {
    { "soakSequentialHandshakes", soakSequentialHandshakes, PALTEST_NEEDS_PEER | PALTEST_NEEDS_X509 | PALTEST_NEEDS_PSK | PALTEST_NEEDS_ALL_SUITES },
    { "soakTwoThreadsAtOnce", soakTwoThreadsAtOnce,
      PALTEST_NEEDS_PEER | PALTEST_NEEDS_THREADS | PALTEST_NEEDS_X509 | PALTEST_NEEDS_PSK },
};
const size_t paltest_soak_case_count = sizeof(paltest_soak_cases) / sizeof(paltest_soak_cases[0]);
