/* MBEDTLS_USER_CONFIG_FILE of the benchmark harness (native and QEMU M3): shared configuration +
 * the bench flavour. The harness needs the server side too (client and server in one image). */
#ifndef BENCH_USER_CONFIG_HARNESS_H
#define BENCH_USER_CONFIG_HARNESS_H
#include "bench_flavour.h"
#if defined(__arm__) && !defined(__linux__)
/* Bare metal: mbedtls_ms_time comes from the bench platform (SysTick). */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif
#endif
