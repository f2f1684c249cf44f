/* Process-wide random generator behind pal_osRandomBuffer: an Mbed TLS CTR-DRBG fed by a private
 * entropy context with exactly one strong source. That source combines
 *   - the injected seed (storage item STORAGE_RBP_RANDOM_SEED_NAME, written by
 *     pal_osEntropyInject), when present, and
 *   - the platform TRNG (pal_plat_osRandomBuffer), when the platform has one.
 * One combined source rather than two: Mbed TLS fails the whole gather as soon as any source
 * fails, and each of the two is allowed to be missing.
 *
 * Seed rules (documented PAL behaviour):
 *   - pal_osEntropyInject accepts 1..PAL_INITIAL_RANDOM_SIZE (48) bytes; larger seeds give
 *     PAL_ERR_ENTROPY_TOO_LARGE, a second injection PAL_ERR_ENTROPY_EXISTS.
 *   - With a TRNG, any seed is mixed in. Without a TRNG the seed is the only entropy, so it must
 *     be full size (48 bytes); otherwise, and when there is no seed at all, generation fails with
 *     PAL_ERR_CTR_DRBG_NOT_SEEDED.
 *   - When the seed was the only entropy, it is replaced by fresh DRBG output right after use, so
 *     that the next boot does not replay the same random stream (the idea of Mbed TLS' NV seed).
 *   - An injection is taken into account lazily, by a reseed on the next pal_osRandomBuffer call.
 */
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/platform_util.h"

#include "pal_core_internal.h"
#include "pal_plat_rtos.h"
#include "pal_rtos.h"
#include "pal_storage.h"

typedef struct pal_drbg_source {
    palStatus_t failure;  /* why the last gather failed, reported instead of Mbed TLS' code */
    bool seed_only;       /* a gather of the current operation had no TRNG data */
} pal_drbg_source_t;

static palMutexID_t g_drbgMutex = NULLPTR;
static mbedtls_entropy_context g_entropy;
static mbedtls_ctr_drbg_context g_drbg;
static pal_drbg_source_t g_source;
static bool g_seeded = false;
static bool g_reseedPending = false;

/* Copies the injected seed to the start of output; *seed_len is 0 when there is none. */
static palStatus_t pal_drbgReadSeed(unsigned char *output, size_t len, size_t *seed_len)
{
    uint8_t seed[PAL_INITIAL_RANDOM_SIZE];
    size_t actual = 0;
    palStatus_t status = storage_rbp_read(STORAGE_RBP_RANDOM_SEED_NAME, seed, sizeof(seed), &actual);

    *seed_len = 0;
    if (status == PAL_ERR_ITEM_NOT_EXIST) {
        return PAL_SUCCESS;
    }
    if (status == PAL_SUCCESS) {
        *seed_len = actual < len ? actual : len;
        memcpy(output, seed, *seed_len);
    }
    mbedtls_platform_zeroize(seed, sizeof(seed));
    return status;
}

/* Mbed TLS entropy source callback (mbedtls_entropy_f_source_ptr). */
static int pal_drbgEntropySource(void *data, unsigned char *output, size_t len, size_t *olen)
{
    pal_drbg_source_t *source = (pal_drbg_source_t *)data;
    size_t seed_len = 0;
    palStatus_t status = pal_drbgReadSeed(output, len, &seed_len);

    *olen = 0;
    if (status != PAL_SUCCESS) {
        source->failure = status;
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    status = pal_plat_osRandomBuffer(output + seed_len, len - seed_len);
    if (status == PAL_SUCCESS) {
        *olen = len;
        return 0;
    }
    if (status != PAL_ERR_NOT_SUPPORTED) {
        source->failure = status;
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    if (seed_len < PAL_INITIAL_RANDOM_SIZE) {
        source->failure = PAL_ERR_CTR_DRBG_NOT_SEEDED;
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    source->seed_only = true;
    *olen = seed_len;
    return 0;
}

palStatus_t pal_drbgModuleInit(void)
{
    int ret;
    palStatus_t status = pal_osMutexCreate(&g_drbgMutex);

    if (status != PAL_SUCCESS) {
        return status;
    }
    mbedtls_entropy_init(&g_entropy);
    ret = mbedtls_entropy_add_source(&g_entropy, pal_drbgEntropySource, &g_source, PAL_INITIAL_RANDOM_SIZE,
                                     MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret != 0) {
        mbedtls_entropy_free(&g_entropy);
        (void)pal_osMutexDelete(&g_drbgMutex); /* the add_source failure is the one to report */
        return PAL_ERR_GENERIC_FAILURE;
    }
    mbedtls_ctr_drbg_init(&g_drbg);
    g_seeded = false;
    g_reseedPending = false;
    return PAL_SUCCESS;
}

palStatus_t pal_drbgModuleDestroy(void)
{
    mbedtls_ctr_drbg_free(&g_drbg);
    mbedtls_entropy_free(&g_entropy);
    g_seeded = false;
    g_reseedPending = false;
    return pal_osMutexDelete(&g_drbgMutex);
}

static palStatus_t pal_drbgLock(void)
{
    if (g_drbgMutex == NULLPTR) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    return pal_osMutexWait(g_drbgMutex, PAL_RTOS_WAIT_FOREVER);
}

static palStatus_t pal_drbgUnlock(palStatus_t status)
{
    palStatus_t unlock = pal_osMutexRelease(g_drbgMutex);

    return status != PAL_SUCCESS ? status : unlock;
}

static void pal_drbgBeginOperation(void)
{
    g_source.failure = PAL_ERR_CTR_DRBG_NOT_SEEDED;
    g_source.seed_only = false;
}

static palStatus_t pal_drbgMapError(int ret)
{
    if (ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED) {
        return g_source.failure;
    }
    return PAL_ERR_GENERIC_FAILURE;
}

/* Forgets all DRBG state: the next call seeds from scratch. Used after any failure, so that no
 * output is ever produced from a state whose seeding did not complete. */
static void pal_drbgReset(void)
{
    mbedtls_ctr_drbg_free(&g_drbg);
    mbedtls_ctr_drbg_init(&g_drbg);
    g_seeded = false;
}

/* The seed was the only entropy: overwrite it with output that callers never see. */
static palStatus_t pal_drbgRefreshSeedLocked(void)
{
    uint8_t next[PAL_INITIAL_RANDOM_SIZE];
    palStatus_t status = PAL_ERR_GENERIC_FAILURE;
    int ret = mbedtls_ctr_drbg_random(&g_drbg, next, sizeof(next));

    if (ret == 0) {
        status = storage_rbp_write(STORAGE_RBP_RANDOM_SEED_NAME, next, sizeof(next), false);
    }
    mbedtls_platform_zeroize(next, sizeof(next));
    return status;
}

/* Runs after every DRBG operation that may have gathered entropy. */
static palStatus_t pal_drbgFinishOperation(int ret)
{
    palStatus_t status = ret == 0 ? PAL_SUCCESS : pal_drbgMapError(ret);

    if (status == PAL_SUCCESS && g_source.seed_only) {
        status = pal_drbgRefreshSeedLocked();
    }
    if (status != PAL_SUCCESS) {
        pal_drbgReset();
    }
    return status;
}

static palStatus_t pal_drbgEnsureSeededLocked(void)
{
    int ret;
    palStatus_t status;

    if (g_seeded && !g_reseedPending) {
        return PAL_SUCCESS;
    }
    pal_drbgBeginOperation();
    if (g_seeded) {
        ret = mbedtls_ctr_drbg_reseed(&g_drbg, NULL, 0);
    } else {
        ret = mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy, NULL, 0);
    }
    g_seeded = true;
    status = pal_drbgFinishOperation(ret);
    if (status == PAL_SUCCESS) {
        g_reseedPending = false;
    }
    return status;
}

static palStatus_t pal_drbgGenerateLocked(uint8_t *randomBuf, size_t bufSizeBytes)
{
    while (bufSizeBytes > 0) {
        size_t chunk = bufSizeBytes < MBEDTLS_CTR_DRBG_MAX_REQUEST ? bufSizeBytes : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        int ret;
        palStatus_t status;

        /* The DRBG reseeds by itself every MBEDTLS_CTR_DRBG_RESEED_INTERVAL requests. */
        pal_drbgBeginOperation();
        ret = mbedtls_ctr_drbg_random(&g_drbg, randomBuf, chunk);
        status = pal_drbgFinishOperation(ret);
        if (status != PAL_SUCCESS) {
            return status;
        }
        randomBuf += chunk;
        bufSizeBytes -= chunk;
    }
    return PAL_SUCCESS;
}

palStatus_t pal_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes)
{
    palStatus_t status;

    if (randomBuf == NULL || bufSizeBytes == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_drbgLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_drbgEnsureSeededLocked();
    if (status == PAL_SUCCESS) {
        status = pal_drbgGenerateLocked(randomBuf, bufSizeBytes);
    }
    return pal_drbgUnlock(status);
}

static palStatus_t pal_drbgSeedExistsLocked(bool *exists)
{
    uint8_t seed[PAL_INITIAL_RANDOM_SIZE];
    size_t actual = 0;
    palStatus_t status = storage_rbp_read(STORAGE_RBP_RANDOM_SEED_NAME, seed, sizeof(seed), &actual);

    mbedtls_platform_zeroize(seed, sizeof(seed));
    if (status == PAL_SUCCESS || status == PAL_ERR_BUFFER_TOO_SMALL) {
        *exists = true;
        return PAL_SUCCESS;
    }
    if (status == PAL_ERR_ITEM_NOT_EXIST) {
        *exists = false;
        return PAL_SUCCESS;
    }
    return status;
}

static palStatus_t pal_drbgInjectLocked(const uint8_t *entropyBuf, size_t bufSizeBytes)
{
    bool exists = false;
    palStatus_t status = pal_drbgSeedExistsLocked(&exists);

    if (status != PAL_SUCCESS) {
        return status;
    }
    if (exists) {
        return PAL_ERR_ENTROPY_EXISTS;
    }
    /* Not write-once: the seed is refreshed after use on platforms without a TRNG. */
    status = storage_rbp_write(STORAGE_RBP_RANDOM_SEED_NAME, entropyBuf, bufSizeBytes, false);
    if (status == PAL_SUCCESS) {
        g_reseedPending = true;
    }
    return status;
}

palStatus_t pal_osEntropyInject(const uint8_t *entropyBuf, size_t bufSizeBytes)
{
    palStatus_t status;

    if (entropyBuf == NULL || bufSizeBytes == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (bufSizeBytes > PAL_INITIAL_RANDOM_SIZE) {
        return PAL_ERR_ENTROPY_TOO_LARGE;
    }
    status = pal_drbgLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_drbgInjectLocked(entropyBuf, bufSizeBytes);
    return pal_drbgUnlock(status);
}
