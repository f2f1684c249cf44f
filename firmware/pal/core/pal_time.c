/* Device time and secure time (pal_tls_spec.md section 2.6).
 *
 * Device time = UTC at boot + uptime. The boot time is kept in milliseconds so that the value read
 * back right after pal_osSetTime(t) is exactly t for the next second, whatever the sub-second
 * phase of the uptime clock was; the reference kept whole seconds and could jump by one at once.
 *
 * Stored items (host byte order uint64, 8 bytes, rollback-protected storage):
 *   saved_time      the persisted device time,
 *   last_time_back  the last value written by a strong update or an accepted weak backward step.
 *
 * Differences from the reference, none observable by its tests:
 *  - pal_osSetStrongTime and pal_osSetWeakTime validate the new value (0, or at least
 *    PAL_MIN_SEC_FROM_EPOCH) before touching storage (the reference persisted invalid values and
 *    only then rejected them for RAM, spec 8.16);
 *  - a stored time item of the wrong size is treated as corrupt (PAL_ERR_INVALID_TIME).
 *
 * A module mutex serialises the read-modify-write sequences against storage, and makes the 64-bit
 * boot time safe to read on 32-bit cores. */
#include <string.h>

#include "pal_core_internal.h"
#include "pal_macros.h"
#include "pal_plat_rtos.h"
#include "pal_rtos.h"
#include "pal_storage.h"

#define PAL_MS_PER_SECOND 1000ULL
/* Half the millisecond range is left for uptime, so boot time + uptime cannot overflow. */
#define PAL_TIME_MAX_SECONDS (UINT64_MAX / PAL_MS_PER_SECOND / 2u)

static palMutexID_t g_timeMutex = NULLPTR;
static bool g_timeKnown = false;
static uint64_t g_bootTimeMs = 0;

palStatus_t pal_timeModuleInit(void)
{
    g_timeKnown = false;
    g_bootTimeMs = 0;
    return pal_osMutexCreate(&g_timeMutex);
}

palStatus_t pal_timeModuleDestroy(void)
{
    g_timeKnown = false;
    return pal_osMutexDelete(&g_timeMutex);
}

static palStatus_t pal_timeLock(void)
{
    if (g_timeMutex == NULLPTR) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    return pal_osMutexWait(g_timeMutex, PAL_RTOS_WAIT_FOREVER);
}

static palStatus_t pal_timeUnlock(palStatus_t status)
{
    palStatus_t unlock = pal_osMutexRelease(g_timeMutex);

    return status != PAL_SUCCESS ? status : unlock;
}

/* Keeps the first failure of a sequence whose later steps still have to run. */
static palStatus_t pal_timeFirstError(palStatus_t first, palStatus_t next)
{
    return first != PAL_SUCCESS ? first : next;
}

static palStatus_t pal_timeValidate(uint64_t seconds)
{
    if (seconds != 0 && (seconds < PAL_MIN_SEC_FROM_EPOCH || seconds > PAL_TIME_MAX_SECONDS)) {
        return PAL_ERR_INVALID_TIME;
    }
    return PAL_SUCCESS;
}

static uint64_t pal_timeNowLocked(void)
{
    if (!g_timeKnown) {
        return 0;
    }
    return (g_bootTimeMs + pal_plat_osUptimeMs()) / PAL_MS_PER_SECOND;
}

static palStatus_t pal_timeSetLocked(uint64_t seconds)
{
    uint64_t uptime_ms;
    uint64_t time_ms;
    palStatus_t status = pal_timeValidate(seconds);

    if (status != PAL_SUCCESS) {
        return status;
    }
    if (seconds == 0) {
        g_timeKnown = false;
        return PAL_SUCCESS;
    }
    uptime_ms = pal_plat_osUptimeMs();
    time_ms = seconds * PAL_MS_PER_SECOND;
    /* A boot moment before the epoch cannot be represented (and means a broken uptime clock). */
    if (time_ms < uptime_ms) {
        return PAL_ERR_INVALID_TIME;
    }
    g_bootTimeMs = time_ms - uptime_ms;
    g_timeKnown = true;
    return PAL_SUCCESS;
}

/* PAL_ERR_ITEM_NOT_EXIST is passed through: callers decide whether missing means 0. */
static palStatus_t pal_timeReadItem(const char *name, uint64_t *value)
{
    uint8_t raw[sizeof(uint64_t)];
    size_t actual = 0;
    palStatus_t status = storage_rbp_read(name, raw, sizeof(raw), &actual);

    if (status == PAL_ERR_BUFFER_TOO_SMALL) {
        return PAL_ERR_INVALID_TIME;
    }
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (actual != sizeof(raw)) {
        return PAL_ERR_INVALID_TIME;
    }
    memcpy(value, raw, sizeof(raw));
    return PAL_SUCCESS;
}

static palStatus_t pal_timeReadItemOrZero(const char *name, uint64_t *value)
{
    palStatus_t status = pal_timeReadItem(name, value);

    if (status == PAL_ERR_ITEM_NOT_EXIST) {
        *value = 0;
        return PAL_SUCCESS;
    }
    return status;
}

static palStatus_t pal_timeWriteItem(const char *name, uint64_t value)
{
    uint8_t raw[sizeof(uint64_t)];

    memcpy(raw, &value, sizeof(raw));
    return storage_rbp_write(name, raw, sizeof(raw), false);
}

/* A backward step (or a strong update) is recorded in both items, last_time_back first:
 * pal_initTime repairs saved_time from it after a power loss between the two writes. */
static palStatus_t pal_timePersistBackwardStep(uint64_t new_time)
{
    palStatus_t status = pal_timeWriteItem(STORAGE_RBP_LAST_TIME_BACK_NAME, new_time);

    if (status != PAL_SUCCESS) {
        return status;
    }
    return pal_timeWriteItem(STORAGE_RBP_SAVED_TIME_NAME, new_time);
}

static palStatus_t pal_timeInitLocked(void)
{
    palStatus_t status = PAL_SUCCESS;
    palStatus_t step;
    uint64_t saved = 0;
    uint64_t last_back = 0;

    step = pal_timeReadItemOrZero(STORAGE_RBP_SAVED_TIME_NAME, &saved);
    if (step != PAL_SUCCESS) {
        /* Unreadable: start over from "unknown" so the next boot does not fail again. */
        status = step;
        saved = 0;
        status = pal_timeFirstError(status, pal_timeWriteItem(STORAGE_RBP_SAVED_TIME_NAME, 0));
    }
    step = pal_timeReadItemOrZero(STORAGE_RBP_LAST_TIME_BACK_NAME, &last_back);
    if (step != PAL_SUCCESS) {
        status = pal_timeFirstError(status, step);
        g_timeKnown = false;
        last_back = 0;
        status = pal_timeFirstError(status, pal_timeWriteItem(STORAGE_RBP_LAST_TIME_BACK_NAME, 0));
    }
    if (status != PAL_SUCCESS) {
        return status;
    }
    /* A strong update writes last_time_back before saved_time: a power loss in between leaves
     * last_time_back ahead, and it is the newer value. */
    if (last_back > saved) {
        status = pal_timeWriteItem(STORAGE_RBP_SAVED_TIME_NAME, last_back);
        if (status != PAL_SUCCESS) {
            return status;
        }
        saved = last_back;
    }
    return pal_timeSetLocked(saved);
}

/* Untrusted source going backwards: accepted only in small steps relative to the time elapsed
 * since the last accepted backward step (180 s per day, PAL_RATIO_SECONDS_PER_DAY). */
static palStatus_t pal_timeWeakBackwardLocked(uint64_t new_time, uint64_t current)
{
    uint64_t last_back = 0;
    palStatus_t status = pal_timeReadItemOrZero(STORAGE_RBP_LAST_TIME_BACK_NAME, &last_back);

    if (status != PAL_SUCCESS) {
        return status;
    }
    if (new_time <= last_back || (new_time - last_back) / PAL_RATIO_SECONDS_PER_DAY <= current - new_time) {
        return PAL_SUCCESS;
    }
    status = pal_timePersistBackwardStep(new_time);
    if (status != PAL_SUCCESS) {
        return status;
    }
    return pal_timeSetLocked(new_time);
}

static palStatus_t pal_timeWeakForwardLocked(uint64_t new_time, uint64_t current)
{
    palStatus_t status = pal_timeSetLocked(new_time);

    if (status != PAL_SUCCESS) {
        return status;
    }
    if (new_time - current > PAL_MINIMUM_FORWARD_LATENCY_SEC) {
        return pal_timeWriteItem(STORAGE_RBP_SAVED_TIME_NAME, new_time);
    }
    return PAL_SUCCESS;
}

/* Whatever RAM did, persist a weak time that is far ahead of the stored one. */
static palStatus_t pal_timePersistIfFarAheadLocked(uint64_t new_time)
{
    uint64_t saved = 0;
    palStatus_t status = pal_timeReadItemOrZero(STORAGE_RBP_SAVED_TIME_NAME, &saved);

    if (status != PAL_SUCCESS) {
        return status;
    }
    if (new_time > saved && new_time - saved > PAL_MINIMUM_STORAGE_LATENCY_SEC) {
        return pal_timeWriteItem(STORAGE_RBP_SAVED_TIME_NAME, new_time);
    }
    return PAL_SUCCESS;
}

static palStatus_t pal_timeSetWeakLocked(uint64_t new_time)
{
    uint64_t current = pal_timeNowLocked();
    palStatus_t status = PAL_SUCCESS;

    if (new_time > current) {
        status = pal_timeWeakForwardLocked(new_time, current);
    } else if (new_time < current) {
        status = pal_timeWeakBackwardLocked(new_time, current);
    }
    if (status != PAL_SUCCESS) {
        return status;
    }
    return pal_timePersistIfFarAheadLocked(new_time);
}

static bool pal_timeStrongNeedsPersist(uint64_t new_time, uint64_t saved)
{
    if (new_time > saved) {
        return new_time - saved > PAL_MINIMUM_FORWARD_LATENCY_SEC;
    }
    return saved - new_time > PAL_MINIMUM_BACKWARD_LATENCY_SEC;
}

static palStatus_t pal_timeSetStrongLocked(uint64_t new_time)
{
    uint64_t saved = 0;
    palStatus_t status = pal_timeReadItemOrZero(STORAGE_RBP_SAVED_TIME_NAME, &saved);

    if (status != PAL_SUCCESS) {
        return status;
    }
    if (pal_timeStrongNeedsPersist(new_time, saved)) {
        status = pal_timePersistBackwardStep(new_time);
        if (status != PAL_SUCCESS) {
            return status;
        }
    }
    return pal_timeSetLocked(new_time);
}

palStatus_t pal_initTime(void)
{
    palStatus_t status = pal_timeLock();

    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_timeInitLocked();
    return pal_timeUnlock(status);
}

/* 0 (unknown) also when PAL is not initialised or the lock fails: callers such as the TLS time
 * callback have no error channel, and "unknown" makes certificates look not yet valid. */
uint64_t pal_osGetTime(void)
{
    uint64_t now;

    if (pal_timeLock() != PAL_SUCCESS) {
        return 0;
    }
    now = pal_timeNowLocked();
    if (pal_timeUnlock(PAL_SUCCESS) != PAL_SUCCESS) {
        return 0;
    }
    return now;
}

palStatus_t pal_osSetTime(uint64_t seconds)
{
    palStatus_t status = pal_timeLock();

    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_timeSetLocked(seconds);
    return pal_timeUnlock(status);
}

/* Weak and strong updates: the value is validated before anything (storage included) changes. */
static palStatus_t pal_timeUpdate(uint64_t seconds, palStatus_t (*updateLocked)(uint64_t seconds))
{
    palStatus_t status = pal_timeValidate(seconds);

    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_timeLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = updateLocked(seconds);
    return pal_timeUnlock(status);
}

palStatus_t pal_osSetWeakTime(uint64_t setNewTimeInSeconds)
{
    return pal_timeUpdate(setNewTimeInSeconds, pal_timeSetWeakLocked);
}

palStatus_t pal_osSetStrongTime(uint64_t setNewTimeInSeconds)
{
    return pal_timeUpdate(setNewTimeInSeconds, pal_timeSetStrongLocked);
}
