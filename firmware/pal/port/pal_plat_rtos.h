/* What a platform port implements for RTOS services. The PAL core (pal_rtos.c) validates
 * arguments and forwards here; time and randomness policy live in the core. */
#ifndef PAL_PLAT_RTOS_H
#define PAL_PLAT_RTOS_H

#include "pal_types.h"

palStatus_t pal_plat_RTOSInitialize(void);
palStatus_t pal_plat_RTOSDestroy(void);

/* Monotonic time since boot, milliseconds. */
uint64_t pal_plat_osUptimeMs(void);
palStatus_t pal_plat_osDelay(uint32_t milliseconds);

palStatus_t pal_plat_osThreadCreate(palThreadFuncPtr function, void *funcArgument, palThreadPriority_t priority,
                                    uint32_t stackSize, palThreadID_t *threadID);
palStatus_t pal_plat_osThreadJoin(palThreadID_t threadID);
palThreadID_t pal_plat_osThreadGetId(void);

palStatus_t pal_plat_osMutexCreate(palMutexID_t *mutexID);
palStatus_t pal_plat_osMutexWait(palMutexID_t mutexID, uint32_t millisec);
palStatus_t pal_plat_osMutexRelease(palMutexID_t mutexID);
palStatus_t pal_plat_osMutexDelete(palMutexID_t mutexID);

palStatus_t pal_plat_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID);
palStatus_t pal_plat_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec, int32_t *countersAvailable);
palStatus_t pal_plat_osSemaphoreRelease(palSemaphoreID_t semaphoreID);
palStatus_t pal_plat_osSemaphoreDelete(palSemaphoreID_t semaphoreID);

/* Timer callbacks run in a thread context that may call PAL functions (not an ISR). */
palStatus_t pal_plat_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                                   palTimerID_t *timerID);
palStatus_t pal_plat_osTimerStart(palTimerID_t timerID, uint32_t millisec);
palStatus_t pal_plat_osTimerStop(palTimerID_t timerID);
palStatus_t pal_plat_osTimerDelete(palTimerID_t timerID);

/* Hardware/OS entropy. PAL_ERR_NOT_SUPPORTED when the platform has none: the core then depends on
 * the injected seed. */
palStatus_t pal_plat_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes);

#endif
