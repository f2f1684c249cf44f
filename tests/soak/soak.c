/* paltls_soak: long-running PAL client checks against the test peer (paltls_peer).
 *
 *   sequential  N full handshakes (+ one CoAP ping each) one after the other on one transport,
 *               alternating the certificate and PSK suites; after each one every PAL object is
 *               freed and the heap must be back at its baseline. Two counters: bytes live through
 *               the Mbed TLS allocator (mbedtls_platform_set_calloc_free) and glibc's mallinfo2
 *               (everything, PAL and port included). Reports the max drift of both.
 *   threads     PAL_MAX_NUM_OF_TLS_CTX contexts at once, one per thread, each thread doing
 *               ROUNDS handshakes + pings; while all are held, one more context is refused
 *               (PAL_ERR_TLS_RESOURCE).
 *   timehammer  handshakes that need the secure-time retry (device clock set before the server
 *               certificate's validity: renegotiation under the server's time) while other
 *               threads call the library clock (mbedtls_time) and pal_osGetTime in a loop. A
 *               reader must never see the renegotiation's override: pal_osGetTime before <=
 *               mbedtls_time <= pal_osGetTime after.
 *   slowreneg   a renegotiation under the server's time on a blocking socket, held mid-flight by a
 *               relay that keeps the server's answer back; meanwhile another thread asks the
 *               library clock and must get device time at once (not wait for the renegotiation,
 *               not see its time). Then the answer is let through and the renegotiation ends.
 *
 * Prints one JSON line; exit 0 when every check held. Every wait is bounded. */
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"
#include "pal_tls_ext.h"

#define MAX_OBJECT 8192
#define HS_BOUND_MS 20000u
#define MAX_THREADS 16

typedef struct object {
    uint8_t data[MAX_OBJECT];
    size_t length;
} object_t;

static object_t g_ca, g_cert, g_key;
static uint16_t g_port;
static const unsigned char g_psk_id[] = "Client_identity";
static const unsigned char g_psk[6] = { 0x12, 0x34, 0x45, 0x67, 0x89, 0x10 };

/* ---- heap accounting ------------------------------------------------------------------------ */

typedef struct block_header {
    size_t size;
    size_t pad; /* keeps the payload 16-byte aligned */
} block_header_t;

static atomic_long g_live_bytes;
static atomic_long g_live_blocks;
static atomic_long g_total_allocs;

static void *counting_calloc(size_t n, size_t size)
{
    block_header_t *block;
    size_t bytes;

    if (size != 0 && n > (SIZE_MAX - sizeof(block_header_t)) / size) {
        return NULL;
    }
    bytes = n * size;
    block = calloc(1, sizeof(block_header_t) + bytes);
    if (block == NULL) {
        return NULL;
    }
    block->size = bytes;
    atomic_fetch_add(&g_live_bytes, (long)bytes);
    atomic_fetch_add(&g_live_blocks, 1);
    atomic_fetch_add(&g_total_allocs, 1);
    return block + 1;
}

static void counting_free(void *pointer)
{
    block_header_t *block;

    if (pointer == NULL) {
        return;
    }
    block = (block_header_t *)pointer - 1;
    atomic_fetch_sub(&g_live_bytes, (long)block->size);
    atomic_fetch_sub(&g_live_blocks, 1);
    free(block);
}

static long heap_in_use(void)
{
    struct mallinfo2 info = mallinfo2();

    return (long)info.uordblks;
}

/* ---- one client session ----------------------------------------------------------------------- */

typedef struct session {
    palTLSTransportMode_t mode;
    palSocket_t socket;
    palSocketAddress_t address;
    palSocketLength_t address_length;
    palTLSSocket_t io;
    palTLSConfHandle_t conf;
    palTLSHandle_t tls;
    palSemaphoreID_t wake;
} session_t;

static void wake(void *argument)
{
    session_t *s = (session_t *)argument;

    if (s->wake != NULLPTR) {
        (void)pal_osSemaphoreRelease(s->wake);
    }
}

static void wait_event(session_t *s, uint32_t ms)
{
    int32_t available = 0;

    (void)pal_osSemaphoreWait(s->wake, ms, &available);
}

static bool wants_io(palStatus_t status)
{
    return status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE;
}

static void session_close(session_t *s)
{
    if (s->tls != NULLPTR) {
        (void)pal_freeTLS(&s->tls);
    }
    if (s->conf != NULLPTR) {
        (void)pal_tlsConfigurationFree(&s->conf);
    }
    if (s->socket != NULL) {
        (void)pal_close(&s->socket);
    }
    if (s->wake != NULLPTR) {
        (void)pal_osSemaphoreDelete(&s->wake);
    }
}

/* Socket, configuration and context; credentials for the certificate or the PSK suite. */
/* The soak client's certificate credentials: its own chain and key, and the test CA. */
static palStatus_t use_certificates(palTLSConfHandle_t conf)
{
    palX509_t own = { g_cert.data, (uint32_t)g_cert.length };
    palX509_t ca = { g_ca.data, (uint32_t)g_ca.length };
    palPrivateKey_t key;
    palStatus_t status = pal_initPrivateKey(g_key.data, g_key.length, &key);

    if (status == PAL_SUCCESS) {
        status = pal_setOwnCertChain(conf, &own);
    }
    if (status == PAL_SUCCESS) {
        status = pal_setOwnPrivateKey(conf, &key);
    }
    if (status == PAL_SUCCESS) {
        status = pal_setCAChain(conf, &ca, NULL);
    }
    return status;
}

static palStatus_t attach_socket(session_t *s, palTLSTransportMode_t mode)
{
    s->io.socket = s->socket;
    s->io.socketAddress = &s->address;
    s->io.addressLength = s->address_length;
    s->io.transportationMode = mode;
    return pal_tlsSetSocket(s->conf, &s->io);
}

static palStatus_t session_open(session_t *s, palTLSTransportMode_t mode, bool psk)
{
    static const palIpV4Addr_t localhost = { 127, 0, 0, 1 };
    palStatus_t status;

    memset(s, 0, sizeof(*s));
    s->mode = mode;
    status = pal_osSemaphoreCreate(1, &s->wake);
    if (status != PAL_SUCCESS) {
        return status;
    }
    s->address.addressType = PAL_AF_INET;
    (void)pal_setSockAddrIPV4Addr(&s->address, localhost);
    (void)pal_setSockAddrPort(&s->address, g_port);
    s->address_length = sizeof(s->address);
    status = pal_asynchronousSocketWithArgument(PAL_AF_INET, mode == PAL_TLS_MODE ? PAL_SOCK_STREAM : PAL_SOCK_DGRAM, true, 0,
                                    wake, s, &s->socket);
    if (status == PAL_SUCCESS && mode == PAL_TLS_MODE) {
        uint64_t start = pal_osKernelSysTick();
        do {
            status = pal_connect(s->socket, &s->address, s->address_length);
            if (status == PAL_ERR_SOCKET_ALREADY_CONNECTED) {
                status = PAL_SUCCESS;
                break;
            }
            if (status != PAL_ERR_SOCKET_IN_PROGRES && status != PAL_ERR_SOCKET_WOULD_BLOCK) {
                break;
            }
            wait_event(s, 50);
        } while (pal_osKernelSysTick() - start < 5000u);
    }
    if (status == PAL_SUCCESS) {
        status = pal_initTLSConfiguration(&s->conf, mode);
    }
    if (status == PAL_SUCCESS) {
        status = pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(s->conf),
                                          psk ? PAL_TLS_PSK_WITH_AES_128_CCM_8 : PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
    }
    if (status == PAL_SUCCESS) {
        status = pal_initTLS(s->conf, &s->tls, false);
    }
    if (status == PAL_SUCCESS && psk) {
        status = pal_setPSK(s->conf, g_psk_id, (uint32_t)strlen((const char *)g_psk_id), g_psk, sizeof(g_psk));
    }
    if (status == PAL_SUCCESS && !psk) {
        status = use_certificates(s->conf);
    }
    if (status == PAL_SUCCESS) {
        pal_setDTLSSocketCallback(s->conf, wake, s);
        status = attach_socket(s, mode);
    }
    return status;
}

static palStatus_t session_handshake(session_t *s)
{
    uint64_t start = pal_osKernelSysTick();
    palStatus_t status;

    do {
        status = pal_handShake(s->tls, s->conf, true);
        if (!wants_io(status)) {
            return status;
        }
        wait_event(s, 50);
    } while (pal_osKernelSysTick() - start < HS_BOUND_MS);
    return PAL_ERR_TIMEOUT_EXPIRED;
}

/* One CoAP ping, expecting the peer's RST. */
static palStatus_t session_ping(session_t *s)
{
    static const uint8_t ping[4] = { 0x40, 0, 0, 0 };
    uint8_t reply[4];
    uint32_t count = 0;
    uint64_t start = pal_osKernelSysTick();
    palStatus_t status;

    do {
        status = pal_sslWrite(s->tls, s->conf, ping, sizeof(ping), &count);
        if (!wants_io(status)) {
            break;
        }
        wait_event(s, 50);
    } while (pal_osKernelSysTick() - start < 5000u);
    if (status != PAL_SUCCESS) {
        return status;
    }
    do {
        status = pal_sslRead(s->tls, reply, sizeof(reply), &count);
        if (!wants_io(status)) {
            break;
        }
        wait_event(s, 50);
    } while (pal_osKernelSysTick() - start < 5000u);
    if (status == PAL_SUCCESS && (count != sizeof(reply) || reply[0] != 0x70)) {
        status = PAL_ERR_GENERIC_FAILURE;
    }
    return status;
}

static palStatus_t one_session(palTLSTransportMode_t mode, bool psk)
{
    session_t s;
    palStatus_t status = session_open(&s, mode, psk);

    if (status == PAL_SUCCESS) {
        status = session_handshake(&s);
    }
    if (status == PAL_SUCCESS) {
        status = session_ping(&s);
    }
    session_close(&s);
    return status;
}

/* ---- modes ------------------------------------------------------------------------------------ */

/* Lazily created state (entropy, DRBG, time items, the stored session, the port's threads and
 * their malloc arenas) settles before the baseline is taken. */
static void warm_up(palTLSTransportMode_t mode)
{
    unsigned i;

    for (i = 0; i < 4; i++) {
        (void)one_session(mode, (i % 2) == 1);
    }
}

static int run_sequential(palTLSTransportMode_t mode, unsigned count)
{
    long base_mbedtls, base_heap, max_mbedtls_drift = 0, max_heap_drift = 0, last_heap_drift = 0;
    long first_heap_drift = 0, settled_heap_drift = 0;
    unsigned settle = count / 4;
    unsigned failures = 0, i;
    palStatus_t first_failure = PAL_SUCCESS;
    uint64_t start;

    warm_up(mode);
    base_mbedtls = atomic_load(&g_live_bytes);
    base_heap = heap_in_use();
    start = pal_osKernelSysTick();
    for (i = 0; i < count; i++) {
        palStatus_t status = one_session(mode, (i % 2) == 1);
        long drift_mbedtls = atomic_load(&g_live_bytes) - base_mbedtls;
        long drift_heap = heap_in_use() - base_heap;

        if (status != PAL_SUCCESS) {
            failures++;
            if (first_failure == PAL_SUCCESS) {
                first_failure = status;
                fprintf(stderr, "handshake %u: %s\n", i, pal_statusName(status));
            }
        }
        if (labs(drift_mbedtls) > labs(max_mbedtls_drift)) {
            max_mbedtls_drift = drift_mbedtls;
        }
        if (labs(drift_heap) > labs(max_heap_drift)) {
            max_heap_drift = drift_heap;
        }
        last_heap_drift = drift_heap;
        if (i == 0) {
            first_heap_drift = drift_heap;
        }
        if (i + 1 == settle) {
            settled_heap_drift = drift_heap;
        }
        if ((i + 1) % 250 == 0) {
            fprintf(stderr, "after %u: mbedtls drift %ld B, heap drift %ld B\n", i + 1, drift_mbedtls, drift_heap);
        }
    }
    printf("{\"mode\":\"sequential\",\"transport\":\"%s\",\"handshakes\":%u,\"failures\":%u,\"first_failure\":\"%s\","
           "\"mbedtls_baseline_bytes\":%ld,\"mbedtls_max_drift_bytes\":%ld,\"mbedtls_live_blocks_after\":%ld,"
           "\"heap_baseline_bytes\":%ld,\"heap_first_drift_bytes\":%ld,\"heap_max_drift_bytes\":%ld,"
           "\"heap_final_drift_bytes\":%ld,"
           "\"heap_growth_after_first_quarter_bytes\":%ld,\"mbedtls_allocations\":%ld,\"ms\":%llu}\n",
           mode == PAL_TLS_MODE ? "tls" : "dtls", count, failures, pal_statusName(first_failure), base_mbedtls,
           max_mbedtls_drift, atomic_load(&g_live_blocks), base_heap, first_heap_drift, max_heap_drift, last_heap_drift,
           last_heap_drift - settled_heap_drift, atomic_load(&g_total_allocs), (unsigned long long)(pal_osKernelSysTick() - start));
    /* Mbed TLS bytes must return exactly after every handshake. glibc's count also includes its
     * per-thread caches (tcache, arenas of the port's threads), which fill up once and then stay:
     * after the first quarter of the run it may only wobble by its bookkeeping (1 KB), far below
     * what even one 32-byte chunk lost per handshake would add up to. */
    return failures == 0 && max_mbedtls_drift == 0 && last_heap_drift - settled_heap_drift <= 1024 ? 0 : 1;
}

typedef struct worker {
    pthread_t thread;
    unsigned index;
    unsigned rounds;
    palTLSTransportMode_t mode;
    pthread_barrier_t *barrier;
    unsigned failures;
    palStatus_t first_failure;
} worker_t;

static atomic_int g_held_refused_checked;

static void *worker_main(void *argument)
{
    worker_t *w = (worker_t *)argument;
    unsigned r;

    for (r = 0; r < w->rounds; r++) {
        session_t s;
        palStatus_t status = session_open(&s, w->mode, (w->index + r) % 2 == 1);

        /* Round 0: every thread holds its context before anyone goes on. */
        if (r == 0) {
            (void)pthread_barrier_wait(w->barrier); /* all contexts exist */
            (void)pthread_barrier_wait(w->barrier); /* main thread has tried one more */
        }
        if (status == PAL_SUCCESS) {
            status = session_handshake(&s);
        }
        if (status == PAL_SUCCESS) {
            status = session_ping(&s);
        }
        session_close(&s);
        if (status != PAL_SUCCESS) {
            w->failures++;
            if (w->first_failure == PAL_SUCCESS) {
                w->first_failure = status;
            }
        }
    }
    return NULL;
}

static int run_threads(palTLSTransportMode_t mode, unsigned threads, unsigned rounds)
{
    static worker_t workers[MAX_THREADS];
    pthread_barrier_t barrier;
    palTLSConfHandle_t extra_conf = NULLPTR;
    palTLSHandle_t extra_tls = NULLPTR;
    palStatus_t extra_status;
    long base_mbedtls;
    unsigned failures = 0, i;
    palStatus_t first_failure = PAL_SUCCESS;
    uint64_t start = pal_osKernelSysTick();

    if (threads == 0 || threads > MAX_THREADS) {
        return 2;
    }
    warm_up(mode);
    base_mbedtls = atomic_load(&g_live_bytes);
    (void)pthread_barrier_init(&barrier, NULL, threads + 1);
    for (i = 0; i < threads; i++) {
        workers[i] = (worker_t){ .index = i, .rounds = rounds, .mode = mode, .barrier = &barrier };
        (void)pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
    }
    (void)pthread_barrier_wait(&barrier);
    /* Every thread holds a context now: one more must be refused when the cap is reached. */
    extra_status = pal_initTLSConfiguration(&extra_conf, mode);
    if (extra_status == PAL_SUCCESS) {
        extra_status = pal_initTLS(extra_conf, &extra_tls, false);
    }
    if (extra_tls != NULLPTR) {
        (void)pal_freeTLS(&extra_tls);
    }
    if (extra_conf != NULLPTR) {
        (void)pal_tlsConfigurationFree(&extra_conf);
    }
    (void)pthread_barrier_wait(&barrier);
    for (i = 0; i < threads; i++) {
        (void)pthread_join(workers[i].thread, NULL);
        failures += workers[i].failures;
        if (first_failure == PAL_SUCCESS) {
            first_failure = workers[i].first_failure;
        }
    }
    (void)pthread_barrier_destroy(&barrier);
    atomic_store(&g_held_refused_checked, 1);
    printf("{\"mode\":\"threads\",\"transport\":\"%s\",\"threads\":%u,\"rounds\":%u,\"handshakes\":%u,\"failures\":%u,"
           "\"first_failure\":\"%s\",\"extra_context\":\"%s\",\"mbedtls_drift_bytes\":%ld,\"ms\":%llu}\n",
           mode == PAL_TLS_MODE ? "tls" : "dtls", threads, rounds, threads * rounds, failures,
           pal_statusName(first_failure), pal_statusName(extra_status), atomic_load(&g_live_bytes) - base_mbedtls,
           (unsigned long long)(pal_osKernelSysTick() - start));
    return failures == 0 && (threads < PAL_MAX_NUM_OF_TLS_CTX || extra_status == PAL_ERR_TLS_RESOURCE) &&
                   atomic_load(&g_live_bytes) == base_mbedtls
               ? 0
               : 1;
}

static atomic_bool g_hammer_stop;
static atomic_long g_clock_epoch; /* bumped around each backwards clock change */
static atomic_long g_hammer_samples;
static atomic_long g_hammer_violations;
static atomic_long g_hammer_max_wait_ms;

static void *hammer_main(void *argument)
{
    (void)argument;
    while (!atomic_load(&g_hammer_stop)) {
        long epoch = atomic_load(&g_clock_epoch);
        uint64_t before = pal_osGetTime();
        uint64_t t0 = pal_osKernelSysTick();
        mbedtls_time_t seen = mbedtls_time(NULL);
        uint64_t waited = pal_osKernelSysTick() - t0;
        uint64_t after = pal_osGetTime();

        /* The main thread moves the clock back before each handshake: samples that span such a
         * change prove nothing. Within one epoch device time only moves forward. */
        if (epoch != atomic_load(&g_clock_epoch) || (epoch & 1) != 0) {
            continue;
        }
        if ((uint64_t)seen + 1 < before || (uint64_t)seen > after + 1) {
            if (atomic_fetch_add(&g_hammer_violations, 1) < 3) {
                fprintf(stderr, "time callback returned %lld outside device time [%llu, %llu]\n", (long long)seen,
                        (unsigned long long)before, (unsigned long long)after);
            }
        }
        if ((long)waited > atomic_load(&g_hammer_max_wait_ms)) {
            atomic_store(&g_hammer_max_wait_ms, (long)waited);
        }
        atomic_fetch_add(&g_hammer_samples, 1);
    }
    return NULL;
}

static int run_timehammer(palTLSTransportMode_t mode, unsigned count, unsigned hammers)
{
    /* 2017-01-01: before the test server certificate's validity (2018-2030), so each full
     * handshake ends in the secure-time renegotiation under the server's time. */
    const uint64_t early = PAL_MIN_SEC_FROM_EPOCH + 3600u;
    pthread_t threads[MAX_THREADS];
    unsigned failures = 0, retried = 0, i;
    palStatus_t first_failure = PAL_SUCCESS;
    uint64_t start = pal_osKernelSysTick();

    if (hammers == 0 || hammers > MAX_THREADS) {
        return 2;
    }
    for (i = 0; i < hammers; i++) {
        (void)pthread_create(&threads[i], NULL, hammer_main, NULL);
    }
    for (i = 0; i < count; i++) {
        session_t s;
        palStatus_t status;

        atomic_fetch_add(&g_clock_epoch, 1);
        status = pal_osSetTime(early);
        atomic_fetch_add(&g_clock_epoch, 1);

        if (status == PAL_SUCCESS) {
            status = session_open(&s, mode, false);
            if (status == PAL_SUCCESS) {
                status = session_handshake(&s);
            }
            if (status == PAL_SUCCESS) {
                status = session_ping(&s);
            }
            session_close(&s);
        }
        /* The retry adopted the server's (real) time. */
        if (status == PAL_SUCCESS && pal_osGetTime() > early + 86400u * 365u) {
            retried++;
        }
        if (status != PAL_SUCCESS) {
            failures++;
            if (first_failure == PAL_SUCCESS) {
                first_failure = status;
            }
        }
    }
    atomic_store(&g_hammer_stop, true);
    for (i = 0; i < hammers; i++) {
        (void)pthread_join(threads[i], NULL);
    }
    (void)pal_osSetTime((uint64_t)time(NULL));
    printf("{\"mode\":\"timehammer\",\"transport\":\"%s\",\"handshakes\":%u,\"time_retries\":%u,\"failures\":%u,"
           "\"first_failure\":\"%s\",\"hammer_threads\":%u,\"samples\":%ld,\"violations\":%ld,\"max_wait_ms\":%ld,"
           "\"ms\":%llu}\n",
           mode == PAL_TLS_MODE ? "tls" : "dtls", count, retried, failures, pal_statusName(first_failure), hammers,
           atomic_load(&g_hammer_samples), atomic_load(&g_hammer_violations), atomic_load(&g_hammer_max_wait_ms),
           (unsigned long long)(pal_osKernelSysTick() - start));
    return failures == 0 && retried == count && atomic_load(&g_hammer_violations) == 0 ? 0 : 1;
}

/* ---- slow renegotiation ----------------------------------------------------------------------- */

#define SLOW_WAIT_MS 10000u

/* TCP relay between the PAL client and the peer. While g_relay_hold is set, the peer's bytes stay
 * in the kernel (not read), and g_relay_held tells that some are waiting. */
static atomic_bool g_relay_hold;
static atomic_bool g_relay_held;
static atomic_bool g_relay_stop;

typedef struct relay {
    int listener;
    uint16_t port;
    pthread_t thread;
} relay_t;

static bool relay_forward(int from, int to)
{
    char buffer[4096];
    ssize_t n = read(from, buffer, sizeof(buffer));
    ssize_t done = 0;

    if (n <= 0) {
        return false;
    }
    while (done < n) {
        ssize_t w = write(to, buffer + done, (size_t)(n - done));
        if (w <= 0) {
            return false;
        }
        done += w;
    }
    return true;
}

static void *relay_main(void *argument)
{
    relay_t *relay = (relay_t *)argument;
    struct sockaddr_in peer;
    int client = accept(relay->listener, NULL, NULL);
    int server = socket(AF_INET, SOCK_STREAM, 0);

    memset(&peer, 0, sizeof(peer));
    peer.sin_family = AF_INET;
    peer.sin_port = htons(g_port);
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (client < 0 || server < 0 || connect(server, (const struct sockaddr *)&peer, sizeof(peer)) != 0) {
        fprintf(stderr, "slowreneg: relay could not connect\n");
        atomic_store(&g_relay_stop, true);
    }
    while (!atomic_load(&g_relay_stop)) {
        struct pollfd fds[2] = { { client, POLLIN, 0 }, { server, POLLIN, 0 } };
        bool hold = atomic_load(&g_relay_hold);

        if (poll(fds, 2, 20) < 0) {
            break;
        }
        if ((fds[0].revents & (POLLIN | POLLHUP)) != 0 && !relay_forward(client, server)) {
            break;
        }
        if ((fds[1].revents & (POLLIN | POLLHUP)) != 0) {
            if (hold) {
                atomic_store(&g_relay_held, true);
            } else if (!relay_forward(server, client)) {
                break;
            }
        }
    }
    if (client >= 0) {
        (void)close(client);
    }
    if (server >= 0) {
        (void)close(server);
    }
    return NULL;
}

static bool relay_start(relay_t *relay)
{
    struct sockaddr_in address;
    socklen_t length = sizeof(address);

    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    relay->listener = socket(AF_INET, SOCK_STREAM, 0);
    if (relay->listener < 0 || bind(relay->listener, (const struct sockaddr *)&address, sizeof(address)) != 0 ||
        listen(relay->listener, 1) != 0 || getsockname(relay->listener, (struct sockaddr *)&address, &length) != 0) {
        return false;
    }
    relay->port = ntohs(address.sin_port);
    return pthread_create(&relay->thread, NULL, relay_main, relay) == 0;
}

typedef struct renegotiation {
    palTLSHandle_t platform_tls;
    uint64_t server_time;
    palStatus_t status;
    atomic_bool done;
} renegotiation_t;

static void *renegotiation_main(void *argument)
{
    renegotiation_t *r = (renegotiation_t *)argument;

    r->status = pal_plat_renegotiate(r->platform_tls, r->server_time);
    atomic_store(&r->done, true);
    return NULL;
}

typedef struct clock_reader {
    mbedtls_time_t seen;
    uint64_t before;
    uint64_t after;
    atomic_bool done;
} clock_reader_t;

static void *clock_reader_main(void *argument)
{
    clock_reader_t *c = (clock_reader_t *)argument;

    c->before = pal_osGetTime();
    c->seen = mbedtls_time(NULL);
    c->after = pal_osGetTime();
    atomic_store(&c->done, true);
    return NULL;
}

/* Waits (bounded) until *flag is set; false if it never was. */
static bool wait_flag(atomic_bool *flag, uint32_t ms)
{
    uint64_t start = pal_osKernelSysTick();

    while (!atomic_load(flag)) {
        if (pal_osKernelSysTick() - start > ms) {
            return false;
        }
        (void)pal_osDelay(5);
    }
    return true;
}

/* A TLS session to the relay over a blocking socket: the library's reads wait in the socket. */
static palStatus_t slow_session_open(session_t *s, uint16_t port)
{
    static const palIpV4Addr_t localhost = { 127, 0, 0, 1 };
    palStatus_t status;

    memset(s, 0, sizeof(*s));
    s->mode = PAL_TLS_MODE;
    s->address.addressType = PAL_AF_INET;
    (void)pal_setSockAddrIPV4Addr(&s->address, localhost);
    (void)pal_setSockAddrPort(&s->address, port);
    s->address_length = sizeof(s->address);
    status = pal_socket(PAL_AF_INET, PAL_SOCK_STREAM, false, 0, &s->socket);
    if (status == PAL_SUCCESS) {
        status = pal_connect(s->socket, &s->address, s->address_length);
    }
    if (status == PAL_SUCCESS) {
        status = pal_initTLSConfiguration(&s->conf, PAL_TLS_MODE);
    }
    if (status == PAL_SUCCESS) {
        status = pal_initTLS(s->conf, &s->tls, false);
    }
    if (status == PAL_SUCCESS) {
        status = use_certificates(s->conf);
    }
    if (status == PAL_SUCCESS) {
        status = attach_socket(s, PAL_TLS_MODE);
    }
    return status;
}

static int run_slowreneg(void)
{
    relay_t relay;
    session_t s;
    renegotiation_t reneg;
    clock_reader_t reader;
    pthread_t reneg_thread, reader_thread;
    palStatus_t status;
    bool held = false, reader_returned = false, reneg_started = false, reneg_ended = false, device_time = false;
    const char *step = "relay";

    memset(&reneg, 0, sizeof(reneg));
    memset(&reader, 0, sizeof(reader));
    if (!relay_start(&relay)) {
        fprintf(stderr, "slowreneg: relay: cannot listen\n");
        return 1;
    }
    step = "handshake";
    status = slow_session_open(&s, relay.port);
    if (status == PAL_SUCCESS) {
        status = session_handshake(&s);
    }
    if (status == PAL_SUCCESS) {
        step = "renegotiation";
        atomic_store(&g_relay_hold, true);
        reneg.platform_tls = pal_tlsPlatformContext(s.tls);
        reneg.server_time = pal_osGetTime() + 7u * 86400u;
        reneg_started = pthread_create(&reneg_thread, NULL, renegotiation_main, &reneg) == 0;
        status = reneg_started ? PAL_SUCCESS : PAL_ERR_GENERIC_FAILURE;
    }
    if (status == PAL_SUCCESS) {
        /* The ClientHello went out and the peer's answer is held: the renegotiation is blocked in
         * its read. Another thread's clock now. */
        held = wait_flag(&g_relay_held, SLOW_WAIT_MS) && !atomic_load(&reneg.done);
        if (pthread_create(&reader_thread, NULL, clock_reader_main, &reader) == 0) {
            reader_returned = wait_flag(&reader.done, SLOW_WAIT_MS) && !atomic_load(&reneg.done);
            atomic_store(&g_relay_hold, false);
            (void)pthread_join(reader_thread, NULL);
        }
        atomic_store(&g_relay_hold, false);
        reneg_ended = wait_flag(&reneg.done, HS_BOUND_MS);
        if (reneg_ended) {
            (void)pthread_join(reneg_thread, NULL);
            status = reneg.status;
        } else {
            status = PAL_ERR_TIMEOUT_EXPIRED;
        }
        device_time = (uint64_t)reader.seen + 1 >= reader.before && (uint64_t)reader.seen <= reader.after + 1;
    }
    atomic_store(&g_relay_stop, true);
    if (!reneg_started || reneg_ended) {
        session_close(&s); /* else the renegotiation thread still uses it: the process exits */
    }
    (void)pthread_join(relay.thread, NULL);
    (void)close(relay.listener);
    printf("{\"mode\":\"slowreneg\",\"step\":\"%s\",\"status\":\"%s\",\"renegotiation_held\":%s,"
           "\"other_thread_clock_returned\":%s,\"other_thread_saw_device_time\":%s}\n",
           step, pal_statusName(status), held ? "true" : "false", reader_returned ? "true" : "false",
           device_time ? "true" : "false");
    return status == PAL_SUCCESS && held && reader_returned && device_time ? 0 : 1;
}

/* ---- main ------------------------------------------------------------------------------------- */

static bool load(const char *dir, const char *name, object_t *object)
{
    char path[1024];
    FILE *file;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "paltls_soak: cannot open %s\n", path);
        return false;
    }
    object->length = fread(object->data, 1, sizeof(object->data), file);
    (void)fclose(file);
    return object->length > 0 && object->length < sizeof(object->data);
}

static void usage(void)
{
    fprintf(stderr, "usage: paltls_soak --pki DIR --port N --transport tls|dtls\n"
                    "                   (--sequential COUNT | --threads THREADS --rounds N | --timehammer COUNT [--hammers N]\n"
                    "                    | --slowreneg 1)\n");
}

int main(int argc, char **argv)
{
    const char *pki = NULL;
    const char *mode_name = NULL;
    palTLSTransportMode_t mode = PAL_TLS_MODE;
    unsigned count = 0, threads = 0, rounds = 10, hammers = 3;
    int i, rc;
    palStatus_t status;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--pki") == 0) {
            pki = argv[i + 1];
        } else if (strcmp(argv[i], "--port") == 0) {
            g_port = (uint16_t)atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--transport") == 0) {
            mode = strcmp(argv[i + 1], "dtls") == 0 ? PAL_DTLS_MODE : PAL_TLS_MODE;
        } else if (strcmp(argv[i], "--sequential") == 0 || strcmp(argv[i], "--timehammer") == 0 ||
                   strcmp(argv[i], "--slowreneg") == 0) {
            mode_name = argv[i] + 2;
            count = (unsigned)atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--threads") == 0) {
            mode_name = "threads";
            threads = (unsigned)atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--rounds") == 0) {
            rounds = (unsigned)atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--hammers") == 0) {
            hammers = (unsigned)atoi(argv[i + 1]);
        } else {
            usage();
            return 2;
        }
    }
    if (pki == NULL || g_port == 0 || mode_name == NULL || i != argc || !load(pki, "ca.der", &g_ca) ||
        !load(pki, "device_cert.der", &g_cert) || !load(pki, "device_key.der", &g_key)) {
        usage();
        return 2;
    }
    if (mbedtls_platform_set_calloc_free(counting_calloc, counting_free) != 0) {
        return 2;
    }
    status = pal_init();
    if (status == PAL_SUCCESS) {
        status = pal_osSetTime((uint64_t)time(NULL));
    }
    if (status != PAL_SUCCESS) {
        fprintf(stderr, "paltls_soak: pal_init: %s\n", pal_statusName(status));
        return 1;
    }
    if (strcmp(mode_name, "sequential") == 0) {
        rc = run_sequential(mode, count);
    } else if (strcmp(mode_name, "threads") == 0) {
        rc = run_threads(mode, threads, rounds);
    } else if (strcmp(mode_name, "slowreneg") == 0) {
        rc = run_slowreneg();
    } else {
        rc = run_timehammer(mode, count, hammers);
    }
    (void)pal_destroy();
    fflush(stdout);
    return rc;
}
