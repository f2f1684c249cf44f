/* RTOS services, device time and randomness used by the PAL TLS module and its tests. */
#ifndef PAL_RTOS_H
#define PAL_RTOS_H

#include "pal_types.h"

uint64_t pal_osKernelSysTick(void);
uint64_t pal_osKernelSysTickMicroSec(uint64_t microseconds);
uint64_t pal_osKernelSysTickFrequency(void);
palStatus_t pal_osDelay(uint32_t milliseconds);

/* Threads run func(arg). Terminate waits for the thread to finish (it cannot kill a running
 * thread on every port) and releases its resources; *threadID is zeroed. */
palStatus_t pal_osThreadCreateWithAlloc(palThreadFuncPtr function, void *funcArgument,
                                        palThreadPriority_t priority, uint32_t stackSize,
                                        void *stackPtr, palThreadID_t *threadID);
palStatus_t pal_osThreadTerminate(palThreadID_t *threadID);
palThreadID_t pal_osThreadGetId(void);

/* Mutexes are recursive: the TLS time callback re-locks the time mutex from the thread that
 * holds it during renegotiation. */
palStatus_t pal_osMutexCreate(palMutexID_t *mutexID);
palStatus_t pal_osMutexWait(palMutexID_t mutexID, uint32_t millisec);
palStatus_t pal_osMutexRelease(palMutexID_t mutexID);
palStatus_t pal_osMutexDelete(palMutexID_t *mutexID);

palStatus_t pal_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID);
palStatus_t pal_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec,
                                int32_t *countersAvailable);
palStatus_t pal_osSemaphoreRelease(palSemaphoreID_t semaphoreID);
palStatus_t pal_osSemaphoreDelete(palSemaphoreID_t *semaphoreID);

palStatus_t pal_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                              palTimerID_t *timerID);
palStatus_t pal_osTimerStart(palTimerID_t timerID, uint32_t millisec);
palStatus_t pal_osTimerStop(palTimerID_t timerID);
palStatus_t pal_osTimerDelete(palTimerID_t *timerID);

/* Device (UTC) time in seconds; 0 means unknown. Rules: pal_tls_spec.md section 2.6. */
palStatus_t pal_initTime(void);
uint64_t pal_osGetTime(void);
palStatus_t pal_osSetTime(uint64_t seconds);
palStatus_t pal_osSetWeakTime(uint64_t setNewTimeInSeconds);
palStatus_t pal_osSetStrongTime(uint64_t setNewTimeInSeconds);

/* Randomness: a CTR-DRBG seeded from the platform TRNG (if any) and from the injected seed. */
palStatus_t pal_osEntropyInject(const uint8_t *entropyBuf, size_t bufSizeBytes);
palStatus_t pal_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes);

#endif
