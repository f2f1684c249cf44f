/* PAL RTOS API: argument validation, then the platform port (pal_plat_rtos.h). Device time lives
 * in pal_time.c and randomness in pal_drbg.c. */
#include "pal_plat_rtos.h"
#include "pal_rtos.h"

/* The PAL tick is the millisecond: ports report uptime in ms and callers (DTLS timers) compute
 * deadlines in ms, so one unit everywhere avoids the reference's tick/ms mix-up (spec 8.17). */
#define PAL_TICKS_PER_SECOND 1000u
#define PAL_MICROSECONDS_PER_TICK 1000u

uint64_t pal_osKernelSysTick(void)
{
    return pal_plat_osUptimeMs();
}

/* Rounded up: a timeout converted to ticks must never become shorter than requested. */
uint64_t pal_osKernelSysTickMicroSec(uint64_t microseconds)
{
    uint64_t ticks = microseconds / PAL_MICROSECONDS_PER_TICK;

    if (microseconds % PAL_MICROSECONDS_PER_TICK != 0) {
        ticks++;
    }
    return ticks;
}

uint64_t pal_osKernelSysTickFrequency(void)
{
    return PAL_TICKS_PER_SECOND;
}

palStatus_t pal_osDelay(uint32_t milliseconds)
{
    return pal_plat_osDelay(milliseconds);
}

static bool pal_isValidPriority(palThreadPriority_t priority)
{
    return priority >= PAL_osPriorityFirst && priority <= PAL_osPrioritylast;
}

/* stackPtr is reserved (the port always allocates the stack): a caller handing in its own stack
 * would believe it is used, so it is refused rather than silently ignored. */
palStatus_t pal_osThreadCreateWithAlloc(palThreadFuncPtr function, void *funcArgument,
                                        palThreadPriority_t priority, uint32_t stackSize,
                                        void *stackPtr, palThreadID_t *threadID)
{
    palStatus_t status;
    palThreadID_t created = NULLPTR;

    if (function == NULL || threadID == NULL || stackSize == 0 || stackPtr != NULL ||
        !pal_isValidPriority(priority)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osThreadCreate(function, funcArgument, priority, stackSize, &created);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *threadID = created;
    return PAL_SUCCESS;
}

palStatus_t pal_osThreadTerminate(palThreadID_t *threadID)
{
    palStatus_t status;

    if (threadID == NULL || *threadID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osThreadJoin(*threadID);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *threadID = NULLPTR;
    return PAL_SUCCESS;
}

palThreadID_t pal_osThreadGetId(void)
{
    return pal_plat_osThreadGetId();
}

palStatus_t pal_osMutexCreate(palMutexID_t *mutexID)
{
    palStatus_t status;
    palMutexID_t created = NULLPTR;

    if (mutexID == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osMutexCreate(&created);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *mutexID = created;
    return PAL_SUCCESS;
}

palStatus_t pal_osMutexWait(palMutexID_t mutexID, uint32_t millisec)
{
    if (mutexID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_osMutexWait(mutexID, millisec);
}

palStatus_t pal_osMutexRelease(palMutexID_t mutexID)
{
    if (mutexID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_osMutexRelease(mutexID);
}

/* The port frees the object the handle names; the caller's variable is only cleared here, after
 * success (the reference Zephyr port freed the variable's address instead, spec 8.36). */
palStatus_t pal_osMutexDelete(palMutexID_t *mutexID)
{
    palStatus_t status;

    if (mutexID == NULL || *mutexID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osMutexDelete(*mutexID);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *mutexID = NULLPTR;
    return PAL_SUCCESS;
}

/* countersAvailable is an int32_t, so larger initial counts could not be reported back. */
palStatus_t pal_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID)
{
    palStatus_t status;
    palSemaphoreID_t created = NULLPTR;

    if (semaphoreID == NULL || count > (uint32_t)INT32_MAX) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osSemaphoreCreate(count, &created);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *semaphoreID = created;
    return PAL_SUCCESS;
}

palStatus_t pal_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec, int32_t *countersAvailable)
{
    if (semaphoreID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_osSemaphoreWait(semaphoreID, millisec, countersAvailable);
}

palStatus_t pal_osSemaphoreRelease(palSemaphoreID_t semaphoreID)
{
    if (semaphoreID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_osSemaphoreRelease(semaphoreID);
}

palStatus_t pal_osSemaphoreDelete(palSemaphoreID_t *semaphoreID)
{
    palStatus_t status;

    if (semaphoreID == NULL || *semaphoreID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osSemaphoreDelete(*semaphoreID);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *semaphoreID = NULLPTR;
    return PAL_SUCCESS;
}

palStatus_t pal_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                              palTimerID_t *timerID)
{
    palStatus_t status;
    palTimerID_t created = NULLPTR;

    if (function == NULL || timerID == NULL ||
        (timerType != palOsTimerOnce && timerType != palOsTimerPeriodic)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osTimerCreate(function, funcArgument, timerType, &created);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *timerID = created;
    return PAL_SUCCESS;
}

/* A zero period would make a periodic timer fire continuously; the reference refuses it too. */
palStatus_t pal_osTimerStart(palTimerID_t timerID, uint32_t millisec)
{
    if (timerID == NULLPTR || millisec == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_osTimerStart(timerID, millisec);
}

palStatus_t pal_osTimerStop(palTimerID_t timerID)
{
    if (timerID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_osTimerStop(timerID);
}

palStatus_t pal_osTimerDelete(palTimerID_t *timerID)
{
    palStatus_t status;

    if (timerID == NULL || *timerID == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_osTimerDelete(*timerID);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *timerID = NULLPTR;
    return PAL_SUCCESS;
}
