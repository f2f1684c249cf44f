/* paltls benchmark harness: shared declarations.
 *
 * One process/image runs a TLS/DTLS server (raw Mbed TLS) and a client over an in-memory transport.
 * The client runs twice per case: once through the PAL (pal_initTLSConfiguration, pal_initTLS,
 * pal_handShake over PAL sockets provided by the bench port) and once as a raw Mbed TLS client
 * configured the same way. Everything the two sides do is accounted to the side that does it:
 * heap (counting allocator), instructions (platform counter around each side's steps), stack
 * (painted high-water, M3 only) and bytes on the wire (at the transport). */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef enum bench_side {
    BENCH_SIDE_OTHER = 0,
    BENCH_SIDE_CLIENT = 1,
    BENCH_SIDE_SERVER = 2,
    BENCH_SIDE_COUNT = 3,
} bench_side_t;

/* ---- counting allocator (bench_heap.c) ---------------------------------------------------- */
void bench_heap_set_side(bench_side_t side);
bench_side_t bench_heap_side(void);
size_t bench_heap_in_use(bench_side_t side);
size_t bench_heap_peak(bench_side_t side);
uint32_t bench_heap_allocs(bench_side_t side);
void bench_heap_reset_peak(bench_side_t side);
void *bench_calloc(size_t count, size_t size);
void bench_free(void *block);

/* ---- in-memory transport (bench_net.c) ---------------------------------------------------- */
typedef struct bench_dir {
    uint8_t data[16384];
    size_t head;
    size_t used;
    size_t dgram_len[64]; /* datagram mode: lengths of queued datagrams, FIFO */
    size_t dgram_head;
    size_t dgram_count;
    uint32_t bytes;       /* total bytes written in this direction */
    uint32_t writes;      /* write calls (stream) / datagrams (datagram) */
} bench_dir_t;

typedef struct bench_pipe {
    int datagram;
    bench_dir_t to_server;
    bench_dir_t to_client;
} bench_pipe_t;

typedef struct bench_endpoint {
    bench_pipe_t *pipe;
    bench_dir_t *out;
    bench_dir_t *in;
} bench_endpoint_t;

void bench_pipe_init(bench_pipe_t *pipe, int datagram, bench_endpoint_t *client, bench_endpoint_t *server);
/* Returns bytes written (always len unless the queue is full: then 0). */
size_t bench_net_send(bench_endpoint_t *ep, const void *buf, size_t len);
/* Returns bytes read, 0 when nothing is queued (would block). */
size_t bench_net_recv(bench_endpoint_t *ep, void *buf, size_t len);
/* Mbed TLS BIO callbacks over an endpoint (raw client and server). */
int bench_bio_send(void *ctx, const unsigned char *buf, size_t len);
int bench_bio_recv(void *ctx, unsigned char *buf, size_t len);

/* ---- bench port glue (bench_port.c) ------------------------------------------------------- */
/* The next PAL socket created (pal_socket) is bound to this endpoint. */
void bench_port_set_next_endpoint(bench_endpoint_t *ep);
/* Deterministic non-cryptographic generator (benchmark only, never for real keys). */
void bench_rng_seed(uint32_t seed);
int bench_rng(void *ctx, unsigned char *out, size_t len);

/* ---- platform services (bench_plat_native.c / bench_plat_m3.c) ---------------------------- */
/* A free-running counter: instructions on the M3 under -icount shift=0 (SysTick ticks times
 * the calibrated instructions per tick), nanoseconds natively. */
uint64_t bench_counter(void);
uint64_t bench_uptime_ms(void);
/* Stack high-water of the code run between paint and measure, in bytes (0 where unsupported). */
void bench_stack_paint(void);
uint32_t bench_stack_measure(void);
void bench_print(const char *text);

/* ---- handshake harness (bench_hs.c) -------------------------------------------------------- */
typedef enum bench_impl { BENCH_IMPL_PAL = 0, BENCH_IMPL_RAW = 1 } bench_impl_t;
typedef enum bench_transport {
    BENCH_TLS = 0,
    BENCH_DTLS = 1,
    BENCH_DTLS_COOKIE = 2,
} bench_transport_t;

typedef struct bench_suite_info {
    const char *key;     /* stable JSON key, e.g. "psk_aes128_ccm8" */
    int pal_suite;       /* palTLSSuites_t */
    int mbedtls_id;      /* MBEDTLS_TLS_... */
    int psk;             /* 1: PSK key exchange, 0: ECDHE-ECDSA */
} bench_suite_info_t;

extern const bench_suite_info_t bench_suites[];
extern const size_t bench_suite_count;
extern const char *const bench_transport_names[];

typedef struct bench_result {
    int ok;
    int error;                 /* first failure (PAL status or Mbed TLS code) */
    const char *stage;         /* where it failed */
    uint64_t client_counter;   /* client handshake steps, counter units */
    uint64_t server_counter;
    uint32_t client_heap_peak; /* per connection: peak above the level at context creation */
    uint32_t client_conf_heap; /* configuration objects held while connected */
    uint32_t client_heap_allocs;
    uint32_t server_heap_peak;
    uint32_t client_stack;     /* painted high-water of the client steps */
    uint32_t server_stack;
    uint32_t bytes_c2s, bytes_s2c, writes_c2s, writes_s2c;
    uint32_t client_steps;
    char suite_name[64];
} bench_result_t;

int bench_init(void); /* pal_init + device time; returns 0 on success */
/* One full handshake; conf objects (client and server) are built and freed inside. */
void bench_handshake(const bench_suite_info_t *suite, bench_transport_t transport, bench_impl_t impl,
                     bench_result_t *result);

/* Repeated handshakes with reused configurations (native rate measurement). */
typedef struct bench_loop bench_loop_t;
bench_loop_t *bench_loop_create(const bench_suite_info_t *suite, bench_transport_t transport, bench_impl_t impl);
int bench_loop_run(bench_loop_t *loop); /* one handshake; 0 on success */
void bench_loop_destroy(bench_loop_t *loop);

/* Formats a result line "BENCH {...}" and prints it. */
void bench_emit_handshake(const bench_suite_info_t *suite, bench_transport_t transport, bench_impl_t impl,
                          const bench_result_t *r, const char *counter_unit);
/* AEAD throughput: encrypts `iterations` messages of `size` bytes with the AEAD of the given
 * index (see bench_aead_names); returns the counter units spent, 0 on failure. */
extern const char *const bench_aead_names[];
extern const size_t bench_aead_count;
uint64_t bench_aead_run(size_t index, size_t size, uint32_t iterations);

#endif
