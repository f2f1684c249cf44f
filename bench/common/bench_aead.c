/* Bulk AEAD cost: the record protection of the six suites (AES-CCM-8, AES-GCM), one key, fixed
 * nonce progression, messages of a given size. Native: nanoseconds -> MB/s; M3: instructions
 * per byte. */
#include <string.h>

#include "mbedtls/ccm.h"
#if defined(MBEDTLS_GCM_C)
#include "mbedtls/gcm.h"
#endif

#include "bench.h"

/* GCM only where the flavour compiles it in (not minimal-psk). */
#if defined(MBEDTLS_GCM_C)
const char *const bench_aead_names[] = { "aes128_ccm8", "aes256_ccm8", "aes128_gcm", "aes256_gcm" };
#else
const char *const bench_aead_names[] = { "aes128_ccm8", "aes256_ccm8" };
#endif
const size_t bench_aead_count = sizeof(bench_aead_names) / sizeof(bench_aead_names[0]);

static unsigned char g_buffer[16384];
static unsigned char g_output[16384];

uint64_t bench_aead_run(size_t index, size_t size, uint32_t iterations)
{
    static const unsigned char key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                           17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
    unsigned char nonce[12] = { 0 };
    unsigned char aad[13] = { 0 };
    unsigned char tag[16];
    unsigned int key_bits = (index == 1 || index == 3) ? 256 : 128;
    mbedtls_ccm_context ccm;
#if defined(MBEDTLS_GCM_C)
    int gcm = index >= 2;
    mbedtls_gcm_context gcm_ctx;
#endif
    uint64_t t0;
    uint64_t t1;
    int ret = 0;

    if (size > sizeof(g_buffer) || index >= bench_aead_count) {
        return 0;
    }
    memset(g_buffer, 0x5a, size);
    mbedtls_ccm_init(&ccm);
#if defined(MBEDTLS_GCM_C)
    mbedtls_gcm_init(&gcm_ctx);
    if (gcm) {
        ret = mbedtls_gcm_setkey(&gcm_ctx, MBEDTLS_CIPHER_ID_AES, key, key_bits);
    } else
#endif
    {
        ret = mbedtls_ccm_setkey(&ccm, MBEDTLS_CIPHER_ID_AES, key, key_bits);
    }
    t0 = bench_counter();
    for (uint32_t i = 0; ret == 0 && i < iterations; i++) {
        nonce[11] = (unsigned char)i;
        nonce[10] = (unsigned char)(i >> 8);
#if defined(MBEDTLS_GCM_C)
        if (gcm) {
            ret = mbedtls_gcm_crypt_and_tag(&gcm_ctx, MBEDTLS_GCM_ENCRYPT, size, nonce, 12, aad, sizeof(aad), g_buffer,
                                            g_output, 16, tag);
            continue;
        }
#endif
        ret = mbedtls_ccm_encrypt_and_tag(&ccm, size, nonce, 12, aad, sizeof(aad), g_buffer, g_output, tag, 8);
    }
    t1 = bench_counter();
    mbedtls_ccm_free(&ccm);
#if defined(MBEDTLS_GCM_C)
    mbedtls_gcm_free(&gcm_ctx);
#endif
    return ret == 0 ? (t1 - t0 == 0 ? 1 : t1 - t0) : 0;
}
