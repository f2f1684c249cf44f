/* Transport, timer and entropy stubs of the footprint images (kept in their own translation unit
 * so the client code cannot be optimised against them). Also the few platform hooks the PAL
 * variant's port needs (uptime, mbedtls_ms_time). */
#include <stdint.h>
#include <string.h>

#include "mbedtls/platform_time.h"
#include "mbedtls/ssl.h"
#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#include "psa/crypto.h"
#endif

#include "bench.h"

volatile int fp_selector;
static volatile uint32_t g_clock;

int fp_send(void *ctx, const unsigned char *buf, size_t len);
int fp_recv(void *ctx, unsigned char *buf, size_t len);
int fp_entropy(void *data, unsigned char *output, size_t len, size_t *olen);
void fp_timer_set(void *ctx, uint32_t intermediate_ms, uint32_t final_ms);
int fp_timer_get(void *ctx);

int fp_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    return (int)len;
}

int fp_recv(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return MBEDTLS_ERR_SSL_WANT_READ;
}

int fp_entropy(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    memset(output, (int)g_clock, len);
    *olen = len;
    return 0;
}

void fp_timer_set(void *ctx, uint32_t intermediate_ms, uint32_t final_ms)
{
    *(int *)ctx = (int)(intermediate_ms + final_ms);
}

int fp_timer_get(void *ctx)
{
    return *(int *)ctx != 0 ? 0 : -1;
}

uint64_t bench_uptime_ms(void)
{
    return g_clock;
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)g_clock;
}

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG) && !FP_PAL
/* PSA's random source in the raw p256-m image (the PAL image has the PAL's). */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context, uint8_t *output,
                                             size_t output_size, size_t *output_length)
{
    (void)context;
    memset(output, (int)g_clock, output_size);
    *output_length = output_size;
    return PSA_SUCCESS;
}
#endif
