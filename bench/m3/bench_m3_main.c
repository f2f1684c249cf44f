/* QEMU Cortex-M3 benchmark image: every suite x transport (TLS, DTLS, DTLS with cookie) through
 * the PAL and through raw Mbed TLS, then AEAD cost per byte. Run under
 *   qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -semihosting
 *                   -icount shift=0,align=off,sleep=off -kernel bench_m3.elf
 * Output: one "BENCH {json}" line per figure on the semihosting console. */
#include <stdio.h>

#include "bench.h"

uint32_t bench_m3_calibrate(uint32_t loop_iterations, uint32_t *ticks_out);

int main(void)
{
    char line[256];
    uint32_t ticks = 0;
    uint32_t per_tick = bench_m3_calibrate(1000000u, &ticks);
    int failures = 0;

    snprintf(line, sizeof(line),
             "BENCH {\"kind\":\"start\",\"board\":\"qemu\",\"counter_unit\":\"instructions\","
             "\"calibration_loop_instructions\":%lu,\"calibration_ticks\":%lu,\"instructions_per_tick\":%lu}\n",
             2000000ul, (unsigned long)ticks, (unsigned long)per_tick);
    bench_print(line);
    if (bench_init() != 0) {
        bench_print("BENCH {\"kind\":\"error\",\"stage\":\"init\"}\n");
        return 1;
    }
    for (size_t s = 0; s < bench_suite_count; s++) {
        for (int t = 0; t < 3; t++) {
            for (int impl = 0; impl < 2; impl++) {
                bench_result_t r;
                bench_handshake(&bench_suites[s], (bench_transport_t)t, (bench_impl_t)impl, &r);
                bench_emit_handshake(&bench_suites[s], (bench_transport_t)t, (bench_impl_t)impl, &r, "instructions");
                failures += !r.ok;
            }
        }
    }
    for (size_t a = 0; a < bench_aead_count; a++) {
        const uint32_t size = 1024;
        const uint32_t messages = 8;
        uint64_t counter = bench_aead_run(a, size, messages);
        snprintf(line, sizeof(line),
                 "BENCH {\"kind\":\"aead\",\"aead\":\"%s\",\"ok\":%s,\"message_bytes\":%lu,\"messages\":%lu,"
                 "\"counter\":%lu,\"counter_unit\":\"instructions\"}\n",
                 bench_aead_names[a], counter != 0 ? "true" : "false", (unsigned long)size, (unsigned long)messages,
                 (unsigned long)counter);
        bench_print(line);
        failures += counter == 0;
    }
    bench_print("BENCH {\"kind\":\"done\"}\n");
    return failures == 0 ? 0 : 1;
}
