#ifndef PAL_TYPES_H
#define PAL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pal_configuration.h"
#include "pal_errors.h"

#define NULLPTR 0

typedef uintptr_t palThreadID_t;
typedef uintptr_t palMutexID_t;
typedef uintptr_t palSemaphoreID_t;
typedef uintptr_t palTimerID_t;

typedef void (*palThreadFuncPtr)(void const *argument);
typedef void (*palTimerFuncPtr)(void const *argument);

typedef enum palThreadPriority {
    PAL_osPriorityFirst = 0,
    PAL_osPriorityIdle = PAL_osPriorityFirst,
    PAL_osPriorityLow = 1,
    PAL_osPriorityReservedTRNG = 2,
    PAL_osPriorityBelowNormal = 3,
    PAL_osPriorityNormal = 4,
    PAL_osPriorityAboveNormal = 5,
    PAL_osPriorityReservedDNS = 6,
    PAL_osPriorityReservedSockets = 7,
    PAL_osPriorityHigh = 8,
    PAL_osPriorityReservedHighResTimer = 9,
    PAL_osPriorityRealtime = 10,
    PAL_osPrioritylast = PAL_osPriorityRealtime,
    PAL_osPriorityError = 0x7FFFFFFF
} palThreadPriority_t;

typedef enum palTimerType {
    palOsTimerOnce = 0,
    palOsTimerPeriodic = 1
} palTimerType_t;

#endif
