/* Native benchmark: handshakes per second through the PAL and through raw Mbed TLS in the same
 * run (interleaved rounds, so both see the same machine state), plus AEAD throughput. Prints one
 * "BENCH {json}" line per figure; the host tool (paltls bench) collects them.
 *
 *   bench_native [--seconds S]   time per (suite, transport, implementation); default 0.5 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void rate(const bench_suite_info_t *suite, bench_transport_t transport, double seconds)
{
    /* Interleave PAL and raw in short rounds: frequency scaling and noisy neighbours hit both. */
    const int rounds = 5;
    uint64_t ns[2] = { 0, 0 };
    unsigned long count[2] = { 0, 0 };
    int ok = 1;
    char line[400];

    for (int round = 0; round < rounds && ok; round++) {
        for (int impl = 0; impl < 2 && ok; impl++) {
            bench_loop_t *loop = bench_loop_create(suite, transport, (bench_impl_t)impl);
            uint64_t start;
            uint64_t budget = (uint64_t)(seconds / rounds * 1e9);
            if (loop == NULL) {
                ok = 0;
                break;
            }
            start = bench_counter();
            do {
                if (bench_loop_run(loop) != 0) {
                    ok = 0;
                    break;
                }
                count[impl]++;
            } while (bench_counter() - start < budget);
            ns[impl] += bench_counter() - start;
            bench_loop_destroy(loop);
        }
    }
    snprintf(line, sizeof(line),
             "BENCH {\"kind\":\"rate\",\"suite\":\"%s\",\"transport\":\"%s\",\"ok\":%s,"
             "\"pal_handshakes\":%lu,\"pal_ns\":%llu,\"raw_handshakes\":%lu,\"raw_ns\":%llu}\n",
             suite->key, bench_transport_names[transport], ok ? "true" : "false", count[0],
             (unsigned long long)ns[0], count[1], (unsigned long long)ns[1]);
    bench_print(line);
}

int main(int argc, char **argv)
{
    double seconds = 0.5;
    char line[300];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atof(argv[++i]);
        }
    }
    if (bench_init() != 0) {
        fprintf(stderr, "bench_init failed\n");
        return 1;
    }
    bench_print("BENCH {\"kind\":\"start\",\"board\":\"native\",\"counter_unit\":\"ns\"}\n");
    /* One measured handshake per case: heap, wire bytes and client time of a single connection. */
    for (size_t s = 0; s < bench_suite_count; s++) {
        for (int t = 0; t < 3; t++) {
            for (int impl = 0; impl < 2; impl++) {
                bench_result_t r;
                bench_handshake(&bench_suites[s], (bench_transport_t)t, (bench_impl_t)impl, &r);
                bench_emit_handshake(&bench_suites[s], (bench_transport_t)t, (bench_impl_t)impl, &r, "ns");
            }
        }
    }
    for (size_t s = 0; s < bench_suite_count; s++) {
        for (int t = 0; t < 3; t++) {
            rate(&bench_suites[s], (bench_transport_t)t, seconds);
        }
    }
    for (size_t a = 0; a < bench_aead_count; a++) {
        const size_t size = 16384;
        uint32_t iterations = 16;
        uint64_t ns;
        /* Grow the batch until it takes ~0.1 s, then report that batch. */
        for (;;) {
            ns = bench_aead_run(a, size, iterations);
            if (ns == 0 || ns > 100000000ull || iterations > (1u << 24)) {
                break;
            }
            iterations *= 2;
        }
        /* Best of five batches: on a shared machine the fastest run is the least disturbed. */
        for (int repeat = 0; ns != 0 && repeat < 5; repeat++) {
            uint64_t again = bench_aead_run(a, size, iterations);
            if (again != 0 && again < ns) {
                ns = again;
            }
        }
        snprintf(line, sizeof(line),
                 "BENCH {\"kind\":\"aead\",\"aead\":\"%s\",\"ok\":%s,\"message_bytes\":%lu,\"messages\":%lu,"
                 "\"counter\":%llu,\"counter_unit\":\"ns\"}\n",
                 bench_aead_names[a], ns != 0 ? "true" : "false", (unsigned long)size, (unsigned long)iterations,
                 (unsigned long long)ns);
        bench_print(line);
    }
    bench_print("BENCH {\"kind\":\"done\"}\n");
    return 0;
}
