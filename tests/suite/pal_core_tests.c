/* Cases of the PAL core services: secure-time rules, storage items, entropy and DRBG, x509 helpers,
 * RTOS primitives, address helpers. The fixture (paltest.c) hands every case a blank store with
 * the 48-byte zero seed injected and the device time at PALTEST_T0.
 *
 * Time cases set the device time right before the call under test: device time is exact for a
 * second after pal_osSetTime, so boundary values (exactly at a threshold versus one past it) are
 * not disturbed by the clock ticking. */
#include <string.h>

#include "mbedtls/ecp.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#include "pal.h"
#include "pal_core_tests.h"
#include "pal_plat_rtos.h"
#include "paltest.h"
#include "paltest_env.h"

#define CORE_WAIT_MS 2000u
#define CORE_SHORT_WAIT_MS 50u
#define CORE_THREAD_STACK_SIZE 4096u
/* 2031-06-01T00:00:00Z: after the validity of every certificate of the test PKI (2018..2030). */
#define CORE_AFTER_PKI_VALIDITY 1938038400ULL
/* A weak backward step of this many seconds needs PAL_RATIO_SECONDS_PER_DAY times as many seconds
 * since last_time_back, plus one ratio unit because the comparison is strict. */
#define CORE_BACKWARD_STEP 100ULL
#define CORE_BACKWARD_ELAPSED (PAL_RATIO_SECONDS_PER_DAY * (CORE_BACKWARD_STEP + 1ULL))

/* ---- helpers ------------------------------------------------------------------------------ */

static palStatus_t core_storeTime(const char *name, uint64_t value)
{
    uint8_t raw[sizeof(value)];

    memcpy(raw, &value, sizeof(raw));
    return storage_rbp_write(name, raw, sizeof(raw), false);
}

static palStatus_t core_loadTime(const char *name, uint64_t *value)
{
    uint8_t raw[sizeof(*value)];
    size_t actual = 0;
    palStatus_t status = storage_rbp_read(name, raw, sizeof(raw), &actual);

    if (status == PAL_SUCCESS && actual != sizeof(raw)) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    if (status == PAL_SUCCESS) {
        memcpy(value, raw, sizeof(raw));
    }
    return status;
}

/* One second may pass between setting the time and reading it back. */
static bool core_deviceTimeIs(uint64_t expected)
{
    uint64_t now = pal_osGetTime();

    return now >= expected && now <= expected + 1u;
}

static bool core_storedTimeIs(const char *name, uint64_t expected)
{
    uint64_t value = 0;

    return core_loadTime(name, &value) == PAL_SUCCESS && value == expected;
}

static bool core_storedTimeMissing(const char *name)
{
    uint64_t value = 0;

    return core_loadTime(name, &value) == PAL_ERR_ITEM_NOT_EXIST;
}

static bool core_platformHasTrng(void)
{
    uint8_t probe[1];

    return pal_plat_osRandomBuffer(probe, sizeof(probe)) != PAL_ERR_NOT_SUPPORTED;
}

/* A reboot that keeps the store: the DRBG starts unseeded again. */
static palStatus_t core_restartPal(void)
{
    int32_t remaining = pal_destroy();

    if (remaining != 0) {
        return remaining < 0 ? remaining : PAL_ERR_GENERIC_FAILURE;
    }
    return pal_init();
}

/* ---- errors and life cycle ------------------------------------------------------------------ */

static void errorsStatusNamesMatchEnumerators(void)
{
    PALTEST_ASSERT(strcmp(pal_statusName(PAL_SUCCESS), "PAL_SUCCESS") == 0);
    PALTEST_ASSERT(strcmp(pal_statusName(PAL_ERR_TLS_TIMEOUT), "PAL_ERR_TLS_TIMEOUT") == 0);
    PALTEST_ASSERT(strcmp(pal_statusName(PAL_ERR_TLS_ERROR_BASE), "PAL_ERR_TLS_INIT") == 0);
    PALTEST_ASSERT(strcmp(pal_statusName(PAL_ERR_ENTROPY_EXISTS), "PAL_ERR_ENTROPY_EXISTS") == 0);
    PALTEST_ASSERT(strcmp(pal_statusName(PAL_ERR_SOCKET_INTERRUPTED), "PAL_ERR_SOCKET_INTERRUPTED") == 0);
    PALTEST_ASSERT(strcmp(pal_statusName(PAL_ERR_X509_BADCERT_BAD_KEY), "PAL_ERR_X509_BADCERT_BAD_KEY") == 0);
    PALTEST_ASSERT(pal_statusName(-12345) == NULL);
    PALTEST_ASSERT(pal_statusName(1) == NULL);
}

static void initIsReferenceCounted(void)
{
    PALTEST_ASSERT_SUCCESS(pal_init());
    PALTEST_ASSERT_STATUS(1, pal_destroy());
    /* The fixture's instance is still up. */
    PALTEST_ASSERT(pal_osGetTime() != 0);
}

static void initDestroyBeyondInitIsRefused(void)
{
    PALTEST_ASSERT_STATUS(0, pal_destroy());
    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_INITIALIZED, pal_destroy());
    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_INITIALIZED, pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_STATUS(PAL_ERR_NOT_INITIALIZED, pal_SSTReset());
    /* Give the fixture back the instance it tears down. */
    PALTEST_ASSERT_SUCCESS(pal_init());
}

/* ---- device time and secure time (spec 2.6) --------------------------------------------------- */

static void timeSetTimeRejectsBelowMinimum(void)
{
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_TIME, pal_osSetTime(PAL_MIN_SEC_FROM_EPOCH - 1u));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PAL_MIN_SEC_FROM_EPOCH));
    PALTEST_ASSERT(core_deviceTimeIs(PAL_MIN_SEC_FROM_EPOCH));
}

static void timeZeroMeansUnknown(void)
{
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(0));
    PALTEST_ASSERT(pal_osGetTime() == 0);
}

static void timeAdvancesWithUptime(void)
{
    uint64_t now;

    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osDelay(1100));
    now = pal_osGetTime();
    PALTEST_ASSERT(now >= PALTEST_T0 + 1u && now <= PALTEST_T0 + 2u);
}

static void timeWeakForwardAtLatencyIsRamOnly(void)
{
    uint64_t target = PALTEST_T0 + PAL_MINIMUM_FORWARD_LATENCY_SEC;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_LAST_TIME_BACK_NAME));
}

static void timeWeakForwardPersistsAfterForwardLatency(void)
{
    uint64_t target = PALTEST_T0 + PAL_MINIMUM_FORWARD_LATENCY_SEC + 1u;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, target));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_LAST_TIME_BACK_NAME));
}

/* A small forward step is persisted anyway once it is far ahead of the stored time. */
static void timeWeakPersistsAfterStorageLatency(void)
{
    uint64_t target = PALTEST_T0 + 10u;
    uint64_t at_latency = target - PAL_MINIMUM_STORAGE_LATENCY_SEC;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, at_latency));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, at_latency));

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, at_latency - 1u));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, target));
}

static void timeWeakBackwardRefusedWithinRatio(void)
{
    uint64_t target = PALTEST_T0 - CORE_BACKWARD_STEP;
    uint64_t last_back = target - (CORE_BACKWARD_ELAPSED - 1u);

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_LAST_TIME_BACK_NAME, last_back));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_LAST_TIME_BACK_NAME, last_back));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
}

static void timeWeakBackwardAcceptedBeyondRatio(void)
{
    uint64_t target = PALTEST_T0 - CORE_BACKWARD_STEP;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_LAST_TIME_BACK_NAME, target - CORE_BACKWARD_ELAPSED));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_LAST_TIME_BACK_NAME, target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, target));
}

/* Never back to (or before) the last accepted backward step, however long ago it was. */
static void timeWeakBackwardNeverReachesLastTimeBack(void)
{
    uint64_t target = PALTEST_T0 - CORE_BACKWARD_STEP;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_LAST_TIME_BACK_NAME, target));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetWeakTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
}

static void timeWeakRejectsInvalidTime(void)
{
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_TIME, pal_osSetWeakTime(PAL_MIN_SEC_FROM_EPOCH - 1u));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_SAVED_TIME_NAME));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_LAST_TIME_BACK_NAME));
}

static void timeStrongForwardAtLatencyIsRamOnly(void)
{
    uint64_t target = PALTEST_T0 + PAL_MINIMUM_FORWARD_LATENCY_SEC;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetStrongTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_LAST_TIME_BACK_NAME));
}

static void timeStrongForwardPersistsAfterForwardLatency(void)
{
    uint64_t target = PALTEST_T0 + PAL_MINIMUM_FORWARD_LATENCY_SEC + 1u;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetStrongTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_LAST_TIME_BACK_NAME, target));
}

static void timeStrongBackwardAtLatencyIsRamOnly(void)
{
    uint64_t target = PALTEST_T0 - PAL_MINIMUM_BACKWARD_LATENCY_SEC;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetStrongTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_LAST_TIME_BACK_NAME));
}

static void timeStrongBackwardPersistsAfterBackwardLatency(void)
{
    uint64_t target = PALTEST_T0 - PAL_MINIMUM_BACKWARD_LATENCY_SEC - 1u;

    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(pal_osSetStrongTime(target));
    PALTEST_ASSERT(core_deviceTimeIs(target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, target));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_LAST_TIME_BACK_NAME, target));
}

static void timeStrongWithoutStoredTimePersists(void)
{
    PALTEST_ASSERT_SUCCESS(pal_osSetStrongTime(PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_LAST_TIME_BACK_NAME, PALTEST_T0));
}

/* The reference persisted such a value before rejecting it for RAM (spec 8.16). */
static void timeStrongRejectsInvalidTimeBeforeStorage(void)
{
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_TIME, pal_osSetStrongTime(PAL_MIN_SEC_FROM_EPOCH - 1u));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT(core_storedTimeMissing(STORAGE_RBP_LAST_TIME_BACK_NAME));
}

static void timeInitRestoresSavedTime(void)
{
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0 + 1000u));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(0));
    PALTEST_ASSERT_SUCCESS(pal_initTime());
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0 + 1000u));
}

static void timeInitWithoutStoredTimeIsUnknown(void)
{
    PALTEST_ASSERT_SUCCESS(pal_initTime());
    PALTEST_ASSERT(pal_osGetTime() == 0);
}

/* A power loss between the two writes of a strong update leaves last_time_back ahead. */
static void timeInitRepairsLastTimeBackAheadOfSavedTime(void)
{
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0));
    PALTEST_ASSERT_SUCCESS(core_storeTime(STORAGE_RBP_LAST_TIME_BACK_NAME, PALTEST_T0 + 500u));
    PALTEST_ASSERT_SUCCESS(pal_initTime());
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, PALTEST_T0 + 500u));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0 + 500u));
}

static void timeInitResetsCorruptSavedTime(void)
{
    static const uint8_t truncated[4] = { 1, 2, 3, 4 };

    PALTEST_ASSERT_SUCCESS(storage_rbp_write(STORAGE_RBP_SAVED_TIME_NAME, truncated, sizeof(truncated), false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_TIME, pal_initTime());
    PALTEST_ASSERT(core_storedTimeIs(STORAGE_RBP_SAVED_TIME_NAME, 0));
    PALTEST_ASSERT(core_deviceTimeIs(PALTEST_T0));
    /* Repaired: the next boot starts from "unknown" without an error. */
    PALTEST_ASSERT_SUCCESS(pal_initTime());
    PALTEST_ASSERT(pal_osGetTime() == 0);
}

/* ---- storage items ---------------------------------------------------------------------------- */

static const uint8_t g_itemA[4] = { 0x11, 0x22, 0x33, 0x44 };
static const uint8_t g_itemB[4] = { 0x55, 0x66, 0x77, 0x88 };

static void storageWriteOnceRefused(void)
{
    uint8_t read_back[sizeof(g_itemA)];
    size_t actual = 0;

    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_once", g_itemA, sizeof(g_itemA), true));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_EXIST, storage_rbp_write("core_once", g_itemB, sizeof(g_itemB), true));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_EXIST, storage_rbp_write("core_once", g_itemB, sizeof(g_itemB), false));
    PALTEST_ASSERT_SUCCESS(storage_rbp_read("core_once", read_back, sizeof(read_back), &actual));
    PALTEST_ASSERT(actual == sizeof(g_itemA) && memcmp(read_back, g_itemA, actual) == 0);
}

static void storageRewritableItemCanBecomeWriteOnce(void)
{
    uint8_t read_back[sizeof(g_itemA)];
    size_t actual = 0;

    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_item", g_itemA, sizeof(g_itemA), false));
    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_item", g_itemB, sizeof(g_itemB), false));
    PALTEST_ASSERT_SUCCESS(storage_rbp_read("core_item", read_back, sizeof(read_back), &actual));
    PALTEST_ASSERT(memcmp(read_back, g_itemB, sizeof(g_itemB)) == 0);
    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_item", g_itemA, sizeof(g_itemA), true));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_EXIST, storage_rbp_write("core_item", g_itemB, sizeof(g_itemB), false));
    PALTEST_ASSERT_SUCCESS(storage_rbp_read("core_item", read_back, sizeof(read_back), &actual));
    PALTEST_ASSERT(memcmp(read_back, g_itemA, sizeof(g_itemA)) == 0);
}

static void storageMissingItemReported(void)
{
    uint8_t buffer[8];
    size_t actual = 0;

    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, storage_rbp_read("core_missing", buffer, sizeof(buffer), &actual));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, pal_storageItemRead("core_missing", buffer, sizeof(buffer), &actual));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, pal_storageItemDelete("core_missing"));
}

static void storageSmallBufferReportsItemSize(void)
{
    static const uint8_t item[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    uint8_t small[8];
    size_t actual = 0;

    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_big", item, sizeof(item), false));
    PALTEST_ASSERT_STATUS(PAL_ERR_BUFFER_TOO_SMALL, storage_rbp_read("core_big", small, sizeof(small), &actual));
    PALTEST_ASSERT(actual == sizeof(item));
    PALTEST_ASSERT_SUCCESS(pal_storageItemWrite("core_big", item, sizeof(item)));
    actual = 0;
    PALTEST_ASSERT_STATUS(PAL_ERR_BUFFER_TOO_SMALL, pal_storageItemRead("core_big", small, sizeof(small), &actual));
    PALTEST_ASSERT(actual == sizeof(item));
}

static void storageInvalidArgumentsRejected(void)
{
    char long_name[66]; /* one character more than the 64 PAL accepts */
    uint8_t buffer[8] = { 0 };
    size_t actual = 0;

    memset(long_name, 'n', sizeof(long_name) - 1u);
    long_name[sizeof(long_name) - 1u] = '\0';
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_write(NULL, buffer, sizeof(buffer), false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_write("", buffer, sizeof(buffer), false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_write(long_name, buffer, sizeof(buffer), false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_write("core_arg", NULL, sizeof(buffer), false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_write("core_arg", buffer, 0, false));
    /* Rejected on size alone, before the buffer is touched. */
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT,
                          storage_rbp_write("core_arg", buffer, PAL_STORAGE_MAX_ITEM_SIZE + 1u, false));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_read("core_arg", buffer, sizeof(buffer), NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_read("core_arg", NULL, sizeof(buffer), &actual));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, storage_rbp_read("core_arg", buffer, 0, &actual));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_storageItemWrite(NULL, buffer, sizeof(buffer)));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_storageItemWrite("core_arg", buffer, 0));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_storageItemRead("core_arg", buffer, sizeof(buffer), NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_storageItemDelete(NULL));
}

static void storageResetWipesEveryItem(void)
{
    uint8_t buffer[sizeof(g_itemA)];
    size_t actual = 0;

    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_once", g_itemA, sizeof(g_itemA), true));
    PALTEST_ASSERT_SUCCESS(pal_storageItemWrite("core_config", g_itemA, sizeof(g_itemA)));
    PALTEST_ASSERT_SUCCESS(pal_SSTReset());
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, storage_rbp_read("core_once", buffer, sizeof(buffer), &actual));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, pal_storageItemRead("core_config", buffer, sizeof(buffer), &actual));
    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_once", g_itemB, sizeof(g_itemB), true));
}

/* A configuration item never shadows or overwrites a rollback-protected one of the same name. */
static void storageConfigItemsSeparateFromRbp(void)
{
    uint8_t buffer[sizeof(g_itemA)];
    size_t actual = 0;

    PALTEST_ASSERT_SUCCESS(pal_storageItemWrite("core_shared", g_itemA, sizeof(g_itemA)));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, storage_rbp_read("core_shared", buffer, sizeof(buffer), &actual));
    PALTEST_ASSERT_SUCCESS(storage_rbp_write("core_shared", g_itemB, sizeof(g_itemB), true));
    PALTEST_ASSERT_SUCCESS(pal_storageItemWrite("core_shared", g_itemB, sizeof(g_itemB)));
    PALTEST_ASSERT_SUCCESS(pal_storageItemDelete("core_shared"));
    PALTEST_ASSERT_STATUS(PAL_ERR_ITEM_NOT_EXIST, pal_storageItemDelete("core_shared"));
    PALTEST_ASSERT_SUCCESS(storage_rbp_read("core_shared", buffer, sizeof(buffer), &actual));
    PALTEST_ASSERT(memcmp(buffer, g_itemB, sizeof(g_itemB)) == 0);
}

/* ---- entropy and DRBG ----------------------------------------------------------------------- */

static const uint8_t g_seed[PAL_INITIAL_RANDOM_SIZE] = { 0x5A };

static void entropyInjectTwiceReportsExists(void)
{
    /* The fixture injected the zero seed already. */
    PALTEST_ASSERT_STATUS(PAL_ERR_ENTROPY_EXISTS, pal_osEntropyInject(g_seed, sizeof(g_seed)));
}

static void entropyInjectRejectsBadSizes(void)
{
    uint8_t oversized[PAL_INITIAL_RANDOM_SIZE + 1u] = { 0 };

    PALTEST_ASSERT_SUCCESS(pal_SSTReset());
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osEntropyInject(NULL, sizeof(g_seed)));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osEntropyInject(g_seed, 0));
    PALTEST_ASSERT_STATUS(PAL_ERR_ENTROPY_TOO_LARGE, pal_osEntropyInject(oversized, sizeof(oversized)));
    PALTEST_ASSERT_SUCCESS(pal_osEntropyInject(g_seed, sizeof(g_seed)));
}

static void entropyRandomBufferProducesFreshBytes(void)
{
    uint8_t first[64];
    uint8_t second[64];
    uint8_t zero[64] = { 0 };

    PALTEST_ASSERT_SUCCESS(pal_osRandomBuffer(first, sizeof(first)));
    PALTEST_ASSERT_SUCCESS(pal_osRandomBuffer(second, sizeof(second)));
    PALTEST_ASSERT(memcmp(first, second, sizeof(first)) != 0);
    PALTEST_ASSERT(memcmp(first, zero, sizeof(first)) != 0);
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osRandomBuffer(NULL, sizeof(first)));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osRandomBuffer(first, 0));
}

/* Larger than one Mbed TLS DRBG request (1024 bytes): served in several. */
static void entropyRandomBufferServesLargeRequests(void)
{
    static uint8_t large[3000];
    static const uint8_t zero[64] = { 0 };

    memset(large, 0, sizeof(large));
    PALTEST_ASSERT_SUCCESS(pal_osRandomBuffer(large, sizeof(large)));
    PALTEST_ASSERT(memcmp(&large[sizeof(large) - sizeof(zero)], zero, sizeof(zero)) != 0);
}

static void entropyRandomWithoutSeedNotSeeded(void)
{
    uint8_t random[16];

    if (core_platformHasTrng()) {
        paltest_skip("the platform has a TRNG (posix: run with PALTLS_TRNG=off)");
        return;
    }
    PALTEST_ASSERT_SUCCESS(pal_SSTReset());
    PALTEST_ASSERT_SUCCESS(core_restartPal());
    PALTEST_ASSERT_STATUS(PAL_ERR_CTR_DRBG_NOT_SEEDED, pal_osRandomBuffer(random, sizeof(random)));
    PALTEST_ASSERT_SUCCESS(pal_osEntropyInject(g_seed, sizeof(g_seed)));
    PALTEST_ASSERT_SUCCESS(pal_osRandomBuffer(random, sizeof(random)));
}

static void entropyShortSeedCannotSeedAlone(void)
{
    uint8_t random[16];

    if (core_platformHasTrng()) {
        paltest_skip("the platform has a TRNG (posix: run with PALTLS_TRNG=off)");
        return;
    }
    PALTEST_ASSERT_SUCCESS(pal_SSTReset());
    PALTEST_ASSERT_SUCCESS(core_restartPal());
    PALTEST_ASSERT_SUCCESS(pal_osEntropyInject(g_seed, sizeof(g_seed) - 1u));
    PALTEST_ASSERT_STATUS(PAL_ERR_CTR_DRBG_NOT_SEEDED, pal_osRandomBuffer(random, sizeof(random)));
}

/* Without a TRNG the seed is replaced after use: the next boot must not replay the stream. */
static void entropySeedOnlyStreamDiffersAcrossBoots(void)
{
    uint8_t first[32];
    uint8_t second[32];

    if (core_platformHasTrng()) {
        paltest_skip("the platform has a TRNG (posix: run with PALTLS_TRNG=off)");
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_restartPal());
    PALTEST_ASSERT_SUCCESS(pal_osRandomBuffer(first, sizeof(first)));
    PALTEST_ASSERT_SUCCESS(core_restartPal());
    PALTEST_ASSERT_SUCCESS(pal_osRandomBuffer(second, sizeof(second)));
    PALTEST_ASSERT(memcmp(first, second, sizeof(first)) != 0);
}

#if PAL_ENABLE_X509
/* ---- x509 helpers ----------------------------------------------------------------------------- */

static palX509Handle_t g_certificate = NULLPTR;
static palX509Handle_t g_issuer = NULLPTR;

static void core_freeCertificate(void *argument)
{
    palX509Handle_t *handle = (palX509Handle_t *)argument;

    if (*handle != NULLPTR && pal_x509Free(handle) != PAL_SUCCESS) {
        paltest_fail(__FILE__, __LINE__, "pal_x509Free failed");
    }
}

/* Parses the DER object stored under an environment key into *handle (freed after the case). */
static palStatus_t core_parseEnvCertificate(const char *key, palX509Handle_t *handle)
{
    size_t length = 0;
    const uint8_t *der = paltest_env_get(key, &length);
    palStatus_t status;

    if (der == NULL) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    status = pal_x509Initiate(handle);
    if (status != PAL_SUCCESS) {
        return status;
    }
    paltest_defer(core_freeCertificate, handle);
    return pal_x509CertParse(*handle, der, length);
}

static bool core_havePki(void)
{
    size_t length = 0;

    if (paltest_env_get("pki.ca", &length) == NULL || paltest_env_get("pki.device_cert", &length) == NULL) {
        paltest_skip("no PKI in environment");
        return false;
    }
    return true;
}

/* Independent of pal_x509: the uncompressed point as Mbed TLS writes it. */
static palStatus_t core_uncompressedPoint(const char *key, uint8_t *point, size_t size)
{
    mbedtls_x509_crt crt;
    size_t length = 0;
    size_t written = 0;
    const uint8_t *der = paltest_env_get(key, &length);
    int ret;

    mbedtls_x509_crt_init(&crt);
    ret = mbedtls_x509_crt_parse_der(&crt, der, length);
    if (ret == 0) {
        ret = mbedtls_ecp_write_public_key(mbedtls_pk_ec(crt.pk), MBEDTLS_ECP_PF_UNCOMPRESSED, &written, point, size);
    }
    mbedtls_x509_crt_free(&crt);
    return ret == 0 && written == size ? PAL_SUCCESS : PAL_ERR_GENERIC_FAILURE;
}

#endif

static void x509CertIdIsCompressedPublicKey(void)
{
#if PAL_ENABLE_X509
    uint8_t id[PAL_CERT_ID_SIZE];
    uint8_t device_id[PAL_CERT_ID_SIZE];
    uint8_t point[1u + 2u * (PAL_CERT_ID_SIZE - 1u)];
    size_t actual = 0;

    if (!core_havePki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.ca", &g_issuer));
    PALTEST_ASSERT_SUCCESS(pal_x509CertGetAttribute(g_issuer, PAL_X509_CERT_ID_ATTR, id, sizeof(id), &actual));
    PALTEST_ASSERT(actual == PAL_CERT_ID_SIZE);
    PALTEST_ASSERT_SUCCESS(core_uncompressedPoint("pki.ca", point, sizeof(point)));
    /* Compressed SEC1: 0x02 for an even Y, 0x03 for an odd one, then X. */
    PALTEST_ASSERT(id[0] == (uint8_t)(0x02u | (point[sizeof(point) - 1u] & 1u)));
    PALTEST_ASSERT(memcmp(&id[1], &point[1], PAL_CERT_ID_SIZE - 1u) == 0);

    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.device_cert", &g_certificate));
    PALTEST_ASSERT_SUCCESS(
        pal_x509CertGetAttribute(g_certificate, PAL_X509_CERT_ID_ATTR, device_id, sizeof(device_id), &actual));
    PALTEST_ASSERT(memcmp(id, device_id, sizeof(id)) != 0);
#endif
}

static void x509CertIdNeedsLargeEnoughBuffer(void)
{
#if PAL_ENABLE_X509
    uint8_t id[PAL_CERT_ID_SIZE - 1u];
    size_t actual = 0;

    if (!core_havePki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.ca", &g_issuer));
    PALTEST_ASSERT_STATUS(PAL_ERR_BUFFER_TOO_SMALL,
                          pal_x509CertGetAttribute(g_issuer, PAL_X509_CERT_ID_ATTR, id, sizeof(id), &actual));
    PALTEST_ASSERT(actual == PAL_CERT_ID_SIZE);
#endif
}

static void x509UnknownAttributeRejected(void)
{
#if PAL_ENABLE_X509
    uint8_t out[PAL_CERT_ID_SIZE];
    size_t actual = 0;

    if (!core_havePki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.ca", &g_issuer));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_X509_ATTR,
                          pal_x509CertGetAttribute(g_issuer, (palX509Attr_t)7, out, sizeof(out), &actual));
#endif
}

static void x509MalformedDerRejected(void)
{
#if PAL_ENABLE_X509
    static const uint8_t garbage[] = { 0x30, 0x05, 0x02, 0x01, 0x01, 0x05, 0x00 };
    uint8_t out[PAL_CERT_ID_SIZE];
    size_t actual = 0;

    PALTEST_ASSERT_SUCCESS(pal_x509Initiate(&g_certificate));
    paltest_defer(core_freeCertificate, &g_certificate);
    PALTEST_ASSERT_STATUS(PAL_ERR_CERT_PARSING_FAILED, pal_x509CertParse(g_certificate, garbage, sizeof(garbage)));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_x509CertParse(g_certificate, NULL, sizeof(garbage)));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_x509CertParse(g_certificate, garbage, 0));
    /* Nothing was parsed into the handle: it has no attributes and cannot be verified. */
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT,
                          pal_x509CertGetAttribute(g_certificate, PAL_X509_CERT_ID_ATTR, out, sizeof(out), &actual));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_x509CertVerify(g_certificate, g_certificate));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_x509Initiate(NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_x509Free(NULL));
#endif
}

static void x509VerifyAtDeviceTime(void)
{
#if PAL_ENABLE_X509
    int32_t result = -1;

    if (!core_havePki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.device_cert", &g_certificate));
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.ca", &g_issuer));
    PALTEST_ASSERT_SUCCESS(pal_x509CertVerifyExtended(g_certificate, g_issuer, &result));
    PALTEST_ASSERT(result == 0);
    PALTEST_ASSERT_SUCCESS(pal_x509CertVerify(g_certificate, g_issuer));
#endif
}

/* The extended result carries the PAL bits without the 0xE0000000 module bits. */
static void x509VerifyReportsUntrustedIssuer(void)
{
#if PAL_ENABLE_X509
    int32_t result = 0;
    int32_t expected = (int32_t)((uint32_t)PAL_ERR_X509_BADCERT_NOT_TRUSTED & ~(uint32_t)PAL_ERR_MODULE_BITMASK_BASE);
    size_t length = 0;

    if (!core_havePki()) {
        return;
    }
    if (paltest_env_get("pki.unrelated_ca", &length) == NULL) {
        paltest_skip("no unrelated CA in environment");
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.device_cert", &g_certificate));
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.unrelated_ca", &g_issuer));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, pal_x509CertVerifyExtended(g_certificate, g_issuer, &result));
    PALTEST_ASSERT(result == expected);
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, pal_x509CertVerify(g_certificate, g_issuer));
#endif
}

static void x509VerifyReportsFutureWhenTimeUnknown(void)
{
#if PAL_ENABLE_X509
    int32_t result = 0;
    int32_t expected = (int32_t)((uint32_t)PAL_ERR_X509_BADCERT_FUTURE & ~(uint32_t)PAL_ERR_MODULE_BITMASK_BASE);

    if (!core_havePki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.device_cert", &g_certificate));
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.ca", &g_issuer));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(0));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, pal_x509CertVerifyExtended(g_certificate, g_issuer, &result));
    PALTEST_ASSERT(result == expected);
#endif
}

static void x509VerifyReportsExpiredAfterValidity(void)
{
#if PAL_ENABLE_X509
    int32_t result = 0;
    int32_t expected = (int32_t)((uint32_t)PAL_ERR_X509_BADCERT_EXPIRED & ~(uint32_t)PAL_ERR_MODULE_BITMASK_BASE);

    if (!core_havePki()) {
        return;
    }
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.device_cert", &g_certificate));
    PALTEST_ASSERT_SUCCESS(core_parseEnvCertificate("pki.ca", &g_issuer));
    PALTEST_ASSERT_SUCCESS(pal_osSetTime(CORE_AFTER_PKI_VALIDITY));
    PALTEST_ASSERT_STATUS(PAL_ERR_X509_CERT_VERIFY_FAILED, pal_x509CertVerifyExtended(g_certificate, g_issuer, &result));
    PALTEST_ASSERT(result == expected);
#endif
}

/* ---- RTOS primitives ---------------------------------------------------------------------- */

static void rtosTickIsMilliseconds(void)
{
    PALTEST_ASSERT(pal_osKernelSysTickFrequency() == 1000u);
    PALTEST_ASSERT(pal_osKernelSysTickMicroSec(0) == 0);
    PALTEST_ASSERT(pal_osKernelSysTickMicroSec(1) == 1);
    PALTEST_ASSERT(pal_osKernelSysTickMicroSec(1000) == 1);
    PALTEST_ASSERT(pal_osKernelSysTickMicroSec(1001) == 2);
}

static void rtosDelayWaitsAtLeastRequested(void)
{
    uint64_t start = pal_osKernelSysTick();

    PALTEST_ASSERT_SUCCESS(pal_osDelay(CORE_SHORT_WAIT_MS));
    PALTEST_ASSERT(pal_osKernelSysTick() - start >= CORE_SHORT_WAIT_MS);
}

static void rtosMutexIsRecursive(void)
{
    palMutexID_t mutex = NULLPTR;

    PALTEST_ASSERT_SUCCESS(pal_osMutexCreate(&mutex));
    PALTEST_ASSERT_SUCCESS(pal_osMutexWait(mutex, PAL_RTOS_WAIT_FOREVER));
    PALTEST_ASSERT_SUCCESS(pal_osMutexWait(mutex, 0));
    PALTEST_ASSERT_SUCCESS(pal_osMutexRelease(mutex));
    PALTEST_ASSERT_SUCCESS(pal_osMutexRelease(mutex));
    PALTEST_ASSERT_SUCCESS(pal_osMutexDelete(&mutex));
    PALTEST_ASSERT(mutex == NULLPTR);
}

typedef struct core_holder {
    palMutexID_t mutex;
    palSemaphoreID_t locked;  /* released by the holder once it owns the mutex */
    palSemaphoreID_t release; /* released by the main thread to let the holder go */
    palThreadID_t thread;
    palStatus_t lock_status;
    palStatus_t wait_status;
    palStatus_t unlock_status;
} core_holder_t;

static core_holder_t g_holder;

static void core_holdMutex(void const *argument)
{
    core_holder_t *holder = (core_holder_t *)argument;

    holder->lock_status = pal_osMutexWait(holder->mutex, PAL_RTOS_WAIT_FOREVER);
    (void)pal_osSemaphoreRelease(holder->locked); /* a failure shows as a timeout in the main thread */
    holder->wait_status = pal_osSemaphoreWait(holder->release, PAL_RTOS_WAIT_FOREVER, NULL);
    holder->unlock_status = pal_osMutexRelease(holder->mutex);
}

/* Lets the holder finish and frees everything, also after a failed assertion. */
static void core_releaseHolder(void *argument)
{
    core_holder_t *holder = (core_holder_t *)argument;

    if (holder->thread != NULLPTR) {
        (void)pal_osSemaphoreRelease(holder->release);
        if (pal_osThreadTerminate(&holder->thread) != PAL_SUCCESS) {
            paltest_fail(__FILE__, __LINE__, "pal_osThreadTerminate failed");
        }
    }
    if ((holder->release != NULLPTR && pal_osSemaphoreDelete(&holder->release) != PAL_SUCCESS) ||
        (holder->locked != NULLPTR && pal_osSemaphoreDelete(&holder->locked) != PAL_SUCCESS) ||
        (holder->mutex != NULLPTR && pal_osMutexDelete(&holder->mutex) != PAL_SUCCESS)) {
        paltest_fail(__FILE__, __LINE__, "deleting the holder's primitives failed");
    }
}

static void rtosMutexWaitTimesOutWhileHeldElsewhere(void)
{
    uint64_t start;

    memset(&g_holder, 0, sizeof(g_holder));
    paltest_defer(core_releaseHolder, &g_holder);
    PALTEST_ASSERT_SUCCESS(pal_osMutexCreate(&g_holder.mutex));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(0, &g_holder.locked));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(0, &g_holder.release));
    PALTEST_ASSERT_SUCCESS(pal_osThreadCreateWithAlloc(core_holdMutex, &g_holder, PAL_osPriorityNormal,
                                                       CORE_THREAD_STACK_SIZE, NULL, &g_holder.thread));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_holder.locked, CORE_WAIT_MS, NULL));
    start = pal_osKernelSysTick();
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, pal_osMutexWait(g_holder.mutex, CORE_SHORT_WAIT_MS));
    PALTEST_ASSERT(pal_osKernelSysTick() - start >= CORE_SHORT_WAIT_MS - 1u);
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreRelease(g_holder.release));
    PALTEST_ASSERT_SUCCESS(pal_osThreadTerminate(&g_holder.thread));
    PALTEST_ASSERT(g_holder.thread == NULLPTR);
    PALTEST_ASSERT_SUCCESS(g_holder.lock_status);
    PALTEST_ASSERT_SUCCESS(g_holder.wait_status);
    PALTEST_ASSERT_SUCCESS(g_holder.unlock_status);
    PALTEST_ASSERT_SUCCESS(pal_osMutexWait(g_holder.mutex, 0));
    PALTEST_ASSERT_SUCCESS(pal_osMutexRelease(g_holder.mutex));
}

static void rtosSemaphoreWaitTimesOut(void)
{
    palSemaphoreID_t semaphore = NULLPTR;
    int32_t available = -1;
    uint64_t start;
    palStatus_t status;

    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(0, &semaphore));
    start = pal_osKernelSysTick();
    status = pal_osSemaphoreWait(semaphore, CORE_SHORT_WAIT_MS, &available);
    PALTEST_ASSERT(pal_osKernelSysTick() - start >= CORE_SHORT_WAIT_MS - 1u);
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreDelete(&semaphore));
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, status);
    PALTEST_ASSERT(available == 0);
    PALTEST_ASSERT(semaphore == NULLPTR);
}

static void rtosSemaphoreCountsReleases(void)
{
    palSemaphoreID_t semaphore = NULLPTR;
    int32_t available = -1;

    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(1, &semaphore));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreRelease(semaphore));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(semaphore, 0, &available));
    PALTEST_ASSERT(available == 1);
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(semaphore, 0, &available));
    PALTEST_ASSERT(available == 0);
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, pal_osSemaphoreWait(semaphore, 0, NULL));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreDelete(&semaphore));
}

/* Each expiry releases the semaphore, so its count is the number of callbacks. */
static palSemaphoreID_t g_timerFired = NULLPTR;
static palTimerID_t g_timer = NULLPTR;

static void core_timerCallback(void const *argument)
{
    (void)argument;
    (void)pal_osSemaphoreRelease(g_timerFired); /* a failure shows as a missing expiry */
}

static void core_deleteTimer(void *argument)
{
    (void)argument;
    if ((g_timer != NULLPTR && pal_osTimerDelete(&g_timer) != PAL_SUCCESS) ||
        (g_timerFired != NULLPTR && pal_osSemaphoreDelete(&g_timerFired) != PAL_SUCCESS)) {
        paltest_fail(__FILE__, __LINE__, "deleting the timer or its semaphore failed");
    }
}

static palStatus_t core_createTimer(palTimerType_t type)
{
    palStatus_t status = pal_osSemaphoreCreate(0, &g_timerFired);

    if (status != PAL_SUCCESS) {
        return status;
    }
    paltest_defer(core_deleteTimer, NULL);
    return pal_osTimerCreate(core_timerCallback, NULL, type, &g_timer);
}

static void rtosTimerOneShotFiresOnce(void)
{
    PALTEST_ASSERT_SUCCESS(core_createTimer(palOsTimerOnce));
    PALTEST_ASSERT_SUCCESS(pal_osTimerStart(g_timer, 20));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_timerFired, CORE_WAIT_MS, NULL));
    PALTEST_ASSERT_SUCCESS(pal_osDelay(60));
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, pal_osSemaphoreWait(g_timerFired, 0, NULL));
    /* Can be started again. */
    PALTEST_ASSERT_SUCCESS(pal_osTimerStart(g_timer, 10));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_timerFired, CORE_WAIT_MS, NULL));
}

static void rtosTimerPeriodicFiresUntilStopped(void)
{
    palStatus_t status;

    PALTEST_ASSERT_SUCCESS(core_createTimer(palOsTimerPeriodic));
    PALTEST_ASSERT_SUCCESS(pal_osTimerStart(g_timer, 10));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_timerFired, CORE_WAIT_MS, NULL));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_timerFired, CORE_WAIT_MS, NULL));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_timerFired, CORE_WAIT_MS, NULL));
    PALTEST_ASSERT_SUCCESS(pal_osTimerStop(g_timer));
    /* A callback already running when stop was called may still count: drain, then watch. */
    PALTEST_ASSERT_SUCCESS(pal_osDelay(30));
    do {
        status = pal_osSemaphoreWait(g_timerFired, 0, NULL);
    } while (status == PAL_SUCCESS);
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, status);
    PALTEST_ASSERT_SUCCESS(pal_osDelay(50));
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, pal_osSemaphoreWait(g_timerFired, 0, NULL));
}

static void rtosTimerStopBeforeExpiryCancels(void)
{
    PALTEST_ASSERT_SUCCESS(core_createTimer(palOsTimerOnce));
    PALTEST_ASSERT_SUCCESS(pal_osTimerStart(g_timer, 40));
    PALTEST_ASSERT_SUCCESS(pal_osTimerStop(g_timer));
    PALTEST_ASSERT_SUCCESS(pal_osDelay(80));
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, pal_osSemaphoreWait(g_timerFired, 0, NULL));
}

/* The PAL lets a callback delete its own timer. A port may hand the memory back only after the
 * callback has returned (the Zephyr port's work queue still writes to the timer's work item
 * then, so it frees from a second work item): the heap is watched for a while, not at once.
 * Under ASan (native) a port that touches the timer after the callback fails here. */
#define CORE_SELF_DELETE_ROUNDS 8u

static palTimerID_t g_selfTimer = NULLPTR;
static palStatus_t g_selfDeleteStatus = PAL_SUCCESS;

static void core_selfDeletingCallback(void const *argument)
{
    (void)argument;
    g_selfDeleteStatus = pal_osTimerDelete(&g_selfTimer);
    (void)pal_osSemaphoreRelease(g_timerFired); /* a failure shows as a missing expiry */
}

static void core_deleteSelfTimer(void *argument)
{
    (void)argument;
    if ((g_selfTimer != NULLPTR && pal_osTimerDelete(&g_selfTimer) != PAL_SUCCESS) ||
        (g_timerFired != NULLPTR && pal_osSemaphoreDelete(&g_timerFired) != PAL_SUCCESS)) {
        paltest_fail(__FILE__, __LINE__, "deleting the timer or its semaphore failed");
    }
}

static bool core_heapReturnsTo(size_t expected, uint32_t within_ms)
{
    for (uint32_t waited = 0; paltest_heap_in_use() != expected; waited += 10u) {
        if (waited >= within_ms || pal_osDelay(10) != PAL_SUCCESS) {
            return false;
        }
    }
    return true;
}

static void rtosTimerDeletedFromItsOwnCallback(void)
{
    size_t heap_before;

    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(0, &g_timerFired));
    paltest_defer(core_deleteSelfTimer, NULL);
    heap_before = paltest_heap_in_use();
    for (uint32_t round = 0; round < CORE_SELF_DELETE_ROUNDS; round++) {
        g_selfDeleteStatus = PAL_ERR_GENERIC_FAILURE;
        PALTEST_ASSERT_SUCCESS(pal_osTimerCreate(core_selfDeletingCallback, NULL,
                                                 round % 2u == 0u ? palOsTimerPeriodic : palOsTimerOnce, &g_selfTimer));
        PALTEST_ASSERT_SUCCESS(pal_osTimerStart(g_selfTimer, 5));
        PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_timerFired, CORE_WAIT_MS, NULL));
        PALTEST_ASSERT_SUCCESS(g_selfDeleteStatus);
        PALTEST_ASSERT(g_selfTimer == NULLPTR);
    }
    /* A deleted periodic timer never fires again. */
    PALTEST_ASSERT_SUCCESS(pal_osDelay(40));
    PALTEST_ASSERT_STATUS(PAL_ERR_RTOS_TIMEOUT, pal_osSemaphoreWait(g_timerFired, 0, NULL));
    PALTEST_ASSERT(core_heapReturnsTo(heap_before, CORE_WAIT_MS));
}

typedef struct core_worker {
    uint32_t input;
    uint32_t output;
    palThreadID_t self;
} core_worker_t;

static void core_workerBody(void const *argument)
{
    core_worker_t *worker = (core_worker_t *)argument;

    worker->output = worker->input * 2u;
    worker->self = pal_osThreadGetId();
}

/* Terminate waits for the thread (it cannot kill one), so the results are complete after it. */
static void rtosThreadRunsAndJoins(void)
{
    static core_worker_t worker;
    palThreadID_t thread = NULLPTR;

    memset(&worker, 0, sizeof(worker));
    worker.input = 21;
    PALTEST_ASSERT_SUCCESS(pal_osThreadCreateWithAlloc(core_workerBody, &worker, PAL_osPriorityAboveNormal,
                                                       CORE_THREAD_STACK_SIZE, NULL, &thread));
    PALTEST_ASSERT(thread != NULLPTR);
    PALTEST_ASSERT_SUCCESS(pal_osThreadTerminate(&thread));
    PALTEST_ASSERT(thread == NULLPTR);
    PALTEST_ASSERT(worker.output == 42u);
    PALTEST_ASSERT(worker.self != NULLPTR && worker.self != pal_osThreadGetId());
}

static void rtosInvalidArgumentsRejected(void)
{
    palMutexID_t zero_mutex = NULLPTR;
    palSemaphoreID_t zero_semaphore = NULLPTR;
    palTimerID_t zero_timer = NULLPTR;
    palThreadID_t zero_thread = NULLPTR;
    palThreadID_t thread = NULLPTR;
    uint8_t stack[16];

    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osMutexCreate(NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osMutexWait(NULLPTR, 0));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osMutexRelease(NULLPTR));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osMutexDelete(NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osMutexDelete(&zero_mutex));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osSemaphoreCreate(0, NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osSemaphoreCreate(0x80000000u, &zero_semaphore));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osSemaphoreWait(NULLPTR, 0, NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osSemaphoreRelease(NULLPTR));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osSemaphoreDelete(&zero_semaphore));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osTimerCreate(NULL, NULL, palOsTimerOnce, &zero_timer));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT,
                          pal_osTimerCreate(core_timerCallback, NULL, (palTimerType_t)5, &zero_timer));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osTimerStart(NULLPTR, 10));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osTimerStop(NULLPTR));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osTimerDelete(&zero_timer));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT,
                          pal_osThreadCreateWithAlloc(NULL, NULL, PAL_osPriorityNormal, 1024, NULL, &thread));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osThreadCreateWithAlloc(core_workerBody, NULL,
                                                                                PAL_osPriorityError, 1024, NULL, &thread));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osThreadCreateWithAlloc(core_workerBody, NULL,
                                                                                PAL_osPriorityNormal, 0, NULL, &thread));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osThreadCreateWithAlloc(core_workerBody, NULL,
                                                                                PAL_osPriorityNormal, 1024, stack, &thread));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osThreadTerminate(&zero_thread));
    PALTEST_ASSERT(thread == NULLPTR);
}

/* A timer with a zero period would fire continuously; the reference refuses it too. */
static void rtosTimerZeroPeriodRefused(void)
{
    PALTEST_ASSERT_SUCCESS(core_createTimer(palOsTimerPeriodic));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_osTimerStart(g_timer, 0));
}

/* ---- sockets and address helpers ---------------------------------------------------------- */

static void networkSockAddrHelpersUseNetworkOrder(void)
{
    static const palIpV4Addr_t loopback = { 127, 0, 0, 1 };
    palSocketAddress_t address;
    palIpV4Addr_t read_back = { 0 };
    uint16_t port = 0;

    memset(&address, 0, sizeof(address));
    PALTEST_ASSERT_SUCCESS(pal_setSockAddrIPV4Addr(&address, loopback));
    PALTEST_ASSERT(address.addressType == PAL_AF_INET);
    PALTEST_ASSERT_SUCCESS(pal_setSockAddrPort(&address, 0x1234));
    PALTEST_ASSERT((uint8_t)address.addressData[0] == 0x12 && (uint8_t)address.addressData[1] == 0x34);
    PALTEST_ASSERT(memcmp(&address.addressData[2], loopback, sizeof(loopback)) == 0);
    PALTEST_ASSERT_SUCCESS(pal_getSockAddrPort(&address, &port));
    PALTEST_ASSERT(port == 0x1234);
    PALTEST_ASSERT_SUCCESS(pal_getSockAddrIPV4Addr(&address, read_back));
    PALTEST_ASSERT(memcmp(read_back, loopback, sizeof(loopback)) == 0);
}

static void networkSockAddrHelpersCheckFamily(void)
{
    palSocketAddress_t address;
    palIpV4Addr_t ip = { 0 };
    uint16_t port = 0;

    memset(&address, 0, sizeof(address));
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY, pal_setSockAddrPort(&address, 80));
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY, pal_getSockAddrPort(&address, &port));
    address.addressType = PAL_AF_INET6;
    PALTEST_ASSERT_SUCCESS(pal_setSockAddrPort(&address, 80));
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY, pal_getSockAddrIPV4Addr(&address, ip));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_setSockAddrPort(NULL, 80));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_getSockAddrPort(&address, NULL));
}

static void networkGetAddressInfoParsesNumericIpv4(void)
{
    static const palIpV4Addr_t expected = { 192, 0, 2, 7 };
    palSocketAddress_t address;
    palSocketLength_t length = 0;
    palIpV4Addr_t ip = { 0 };
    uint16_t port = 1;

    PALTEST_ASSERT_SUCCESS(pal_getAddressInfo("192.0.2.7", &address, &length));
    PALTEST_ASSERT(address.addressType == PAL_AF_INET);
    PALTEST_ASSERT(length == sizeof(address));
    PALTEST_ASSERT_SUCCESS(pal_getSockAddrIPV4Addr(&address, ip));
    PALTEST_ASSERT(memcmp(ip, expected, sizeof(expected)) == 0);
    PALTEST_ASSERT_SUCCESS(pal_getSockAddrPort(&address, &port));
    PALTEST_ASSERT(port == 0);
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_getAddressInfo("", &address, &length));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_getAddressInfo(NULL, &address, &length));
}

static void networkSocketArgumentsRejected(void)
{
    palSocket_t socket = NULL;
    size_t done = 0;
    uint8_t byte = 0;

    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY,
                          pal_socket((palSocketDomain_t)7, PAL_SOCK_DGRAM, true, 0, &socket));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_socket(PAL_AF_INET, (palSocketType_t)9, true, 0, &socket));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_socket(PAL_AF_INET, PAL_SOCK_DGRAM, true, 0, NULL));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT,
                          pal_asynchronousSocketWithArgument(PAL_AF_INET, PAL_SOCK_DGRAM, true, 0, NULL, NULL, &socket));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_send(NULL, &byte, 1, &done));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_recv(NULL, &byte, 1, &done));
    PALTEST_ASSERT_STATUS(PAL_ERR_INVALID_ARGUMENT, pal_close(NULL));
    /* Closing an already closed handle is harmless (cleanup paths close unconditionally). */
    PALTEST_ASSERT(socket == NULL);
    PALTEST_ASSERT_SUCCESS(pal_close(&socket));
}

static palSocket_t g_receiver = NULL;
static palSocket_t g_sender = NULL;
static palSemaphoreID_t g_readable = NULLPTR;

static void core_socketReady(void *argument)
{
    (void)argument;
    (void)pal_osSemaphoreRelease(g_readable); /* a failure shows as a missing notification */
}

static void core_closeSockets(void *argument)
{
    (void)argument;
    if (pal_close(&g_receiver) != PAL_SUCCESS || pal_close(&g_sender) != PAL_SUCCESS ||
        (g_readable != NULLPTR && pal_osSemaphoreDelete(&g_readable) != PAL_SUCCESS)) {
        paltest_fail(__FILE__, __LINE__, "closing the loopback sockets failed");
    }
}

/* Loopback only: a receive that would block arms the notification, a datagram fires it. */
static void networkAsyncSocketNotifiesWhenReadable(void)
{
    static const uint8_t message[4] = { 'p', 'i', 'n', 'g' };
    palSocketAddress_t address;
    palSocketAddress_t from;
    palSocketLength_t length = 0;
    palSocketLength_t from_length = 0;
    uint8_t buffer[16];
    size_t done = 0;

    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreCreate(0, &g_readable));
    paltest_defer(core_closeSockets, NULL);
    PALTEST_ASSERT_SUCCESS(
        pal_asynchronousSocketWithArgument(PAL_AF_INET, PAL_SOCK_DGRAM, true, 0, core_socketReady, NULL, &g_receiver));
    PALTEST_ASSERT_SUCCESS(pal_getAddressInfo("127.0.0.1", &address, &length));
    PALTEST_ASSERT_SUCCESS(pal_bind(g_receiver, &address, length));
    PALTEST_ASSERT_SUCCESS(pal_getSocketAddress(g_receiver, &address, &length));
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_WOULD_BLOCK,
                          pal_receiveFrom(g_receiver, buffer, sizeof(buffer), &from, &from_length, &done));

    PALTEST_ASSERT_SUCCESS(pal_socket(PAL_AF_INET, PAL_SOCK_DGRAM, false, 0, &g_sender));
    PALTEST_ASSERT_SUCCESS(pal_sendTo(g_sender, message, sizeof(message), &address, length, &done));
    PALTEST_ASSERT(done == sizeof(message));
    PALTEST_ASSERT_SUCCESS(pal_osSemaphoreWait(g_readable, CORE_WAIT_MS, NULL));

    PALTEST_ASSERT_SUCCESS(pal_receiveFrom(g_receiver, buffer, sizeof(buffer), &from, &from_length, &done));
    PALTEST_ASSERT(done == sizeof(message) && memcmp(buffer, message, sizeof(message)) == 0);
    PALTEST_ASSERT(from.addressType == PAL_AF_INET && from_length == sizeof(from));
    PALTEST_ASSERT_STATUS(PAL_ERR_SOCKET_WOULD_BLOCK,
                          pal_receiveFrom(g_receiver, buffer, sizeof(buffer), &from, &from_length, &done));
}

/* ---- registry ------------------------------------------------------------------------------- */

const paltest_case_t paltest_core_cases[] = {
    { "errorsStatusNamesMatchEnumerators", errorsStatusNamesMatchEnumerators, 0 },
    { "initIsReferenceCounted", initIsReferenceCounted, 0 },
    { "initDestroyBeyondInitIsRefused", initDestroyBeyondInitIsRefused, 0 },
    { "timeSetTimeRejectsBelowMinimum", timeSetTimeRejectsBelowMinimum, 0 },
    { "timeZeroMeansUnknown", timeZeroMeansUnknown, 0 },
    { "timeAdvancesWithUptime", timeAdvancesWithUptime, 0 },
    { "timeWeakForwardAtLatencyIsRamOnly", timeWeakForwardAtLatencyIsRamOnly, 0 },
    { "timeWeakForwardPersistsAfterForwardLatency", timeWeakForwardPersistsAfterForwardLatency, 0 },
    { "timeWeakPersistsAfterStorageLatency", timeWeakPersistsAfterStorageLatency, 0 },
    { "timeWeakBackwardRefusedWithinRatio", timeWeakBackwardRefusedWithinRatio, 0 },
    { "timeWeakBackwardAcceptedBeyondRatio", timeWeakBackwardAcceptedBeyondRatio, 0 },
    { "timeWeakBackwardNeverReachesLastTimeBack", timeWeakBackwardNeverReachesLastTimeBack, 0 },
    { "timeWeakRejectsInvalidTime", timeWeakRejectsInvalidTime, 0 },
    { "timeStrongForwardAtLatencyIsRamOnly", timeStrongForwardAtLatencyIsRamOnly, 0 },
    { "timeStrongForwardPersistsAfterForwardLatency", timeStrongForwardPersistsAfterForwardLatency, 0 },
    { "timeStrongBackwardAtLatencyIsRamOnly", timeStrongBackwardAtLatencyIsRamOnly, 0 },
    { "timeStrongBackwardPersistsAfterBackwardLatency", timeStrongBackwardPersistsAfterBackwardLatency, 0 },
    { "timeStrongWithoutStoredTimePersists", timeStrongWithoutStoredTimePersists, 0 },
    { "timeStrongRejectsInvalidTimeBeforeStorage", timeStrongRejectsInvalidTimeBeforeStorage, 0 },
    { "timeInitRestoresSavedTime", timeInitRestoresSavedTime, 0 },
    { "timeInitWithoutStoredTimeIsUnknown", timeInitWithoutStoredTimeIsUnknown, 0 },
    { "timeInitRepairsLastTimeBackAheadOfSavedTime", timeInitRepairsLastTimeBackAheadOfSavedTime, 0 },
    { "timeInitResetsCorruptSavedTime", timeInitResetsCorruptSavedTime, 0 },
    { "storageWriteOnceRefused", storageWriteOnceRefused, 0 },
    { "storageRewritableItemCanBecomeWriteOnce", storageRewritableItemCanBecomeWriteOnce, 0 },
    { "storageMissingItemReported", storageMissingItemReported, 0 },
    { "storageSmallBufferReportsItemSize", storageSmallBufferReportsItemSize, 0 },
    { "storageInvalidArgumentsRejected", storageInvalidArgumentsRejected, 0 },
    { "storageResetWipesEveryItem", storageResetWipesEveryItem, 0 },
    { "storageConfigItemsSeparateFromRbp", storageConfigItemsSeparateFromRbp, 0 },
    { "entropyInjectTwiceReportsExists", entropyInjectTwiceReportsExists, 0 },
    { "entropyInjectRejectsBadSizes", entropyInjectRejectsBadSizes, 0 },
    { "entropyRandomBufferProducesFreshBytes", entropyRandomBufferProducesFreshBytes, 0 },
    { "entropyRandomBufferServesLargeRequests", entropyRandomBufferServesLargeRequests, 0 },
    { "entropyRandomWithoutSeedNotSeeded", entropyRandomWithoutSeedNotSeeded, 0 },
    { "entropyShortSeedCannotSeedAlone", entropyShortSeedCannotSeedAlone, 0 },
    { "entropySeedOnlyStreamDiffersAcrossBoots", entropySeedOnlyStreamDiffersAcrossBoots, 0 },
    { "x509CertIdIsCompressedPublicKey", x509CertIdIsCompressedPublicKey, PALTEST_NEEDS_X509 },
    { "x509CertIdNeedsLargeEnoughBuffer", x509CertIdNeedsLargeEnoughBuffer, PALTEST_NEEDS_X509 },
    { "x509UnknownAttributeRejected", x509UnknownAttributeRejected, PALTEST_NEEDS_X509 },
    { "x509MalformedDerRejected", x509MalformedDerRejected, PALTEST_NEEDS_X509 },
    { "x509VerifyAtDeviceTime", x509VerifyAtDeviceTime, PALTEST_NEEDS_X509 },
    { "x509VerifyReportsUntrustedIssuer", x509VerifyReportsUntrustedIssuer, PALTEST_NEEDS_X509 },
    { "x509VerifyReportsFutureWhenTimeUnknown", x509VerifyReportsFutureWhenTimeUnknown, PALTEST_NEEDS_X509 },
    { "x509VerifyReportsExpiredAfterValidity", x509VerifyReportsExpiredAfterValidity, PALTEST_NEEDS_X509 },
    { "rtosTickIsMilliseconds", rtosTickIsMilliseconds, 0 },
    { "rtosDelayWaitsAtLeastRequested", rtosDelayWaitsAtLeastRequested, 0 },
    { "rtosMutexIsRecursive", rtosMutexIsRecursive, 0 },
    { "rtosMutexWaitTimesOutWhileHeldElsewhere", rtosMutexWaitTimesOutWhileHeldElsewhere, PALTEST_NEEDS_THREADS },
    { "rtosSemaphoreWaitTimesOut", rtosSemaphoreWaitTimesOut, 0 },
    { "rtosSemaphoreCountsReleases", rtosSemaphoreCountsReleases, 0 },
    { "rtosTimerOneShotFiresOnce", rtosTimerOneShotFiresOnce, 0 },
    { "rtosTimerPeriodicFiresUntilStopped", rtosTimerPeriodicFiresUntilStopped, 0 },
    { "rtosTimerStopBeforeExpiryCancels", rtosTimerStopBeforeExpiryCancels, 0 },
    { "rtosTimerDeletedFromItsOwnCallback", rtosTimerDeletedFromItsOwnCallback, 0 },
    { "rtosTimerZeroPeriodRefused", rtosTimerZeroPeriodRefused, 0 },
    { "rtosThreadRunsAndJoins", rtosThreadRunsAndJoins, PALTEST_NEEDS_THREADS },
    { "rtosInvalidArgumentsRejected", rtosInvalidArgumentsRejected, 0 },
    { "networkSockAddrHelpersUseNetworkOrder", networkSockAddrHelpersUseNetworkOrder, 0 },
    { "networkSockAddrHelpersCheckFamily", networkSockAddrHelpersCheckFamily, 0 },
    { "networkGetAddressInfoParsesNumericIpv4", networkGetAddressInfoParsesNumericIpv4, 0 },
    { "networkSocketArgumentsRejected", networkSocketArgumentsRejected, 0 },
    { "networkAsyncSocketNotifiesWhenReadable", networkAsyncSocketNotifiesWhenReadable, 0 },
};

const size_t paltest_core_case_count = sizeof(paltest_core_cases) / sizeof(paltest_core_cases[0]);
