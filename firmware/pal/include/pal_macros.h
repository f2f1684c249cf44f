#ifndef PAL_MACROS_H
#define PAL_MACROS_H

/* Secure-time thresholds: the values used by the reference code (its prose says otherwise). */
#define PAL_MIN_SEC_FROM_EPOCH 1483264800ULL
#define PAL_MINIMUM_FORWARD_LATENCY_SEC 100000ULL
#define PAL_MINIMUM_BACKWARD_LATENCY_SEC 100ULL
#define PAL_MINIMUM_STORAGE_LATENCY_SEC 500000ULL
#define PAL_RATIO_SECONDS_PER_DAY 480ULL
#define PAL_SECONDS_PER_MIN 60ULL
#define PAL_SECONDS_PER_DAY 86400ULL

#define PAL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PAL_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
