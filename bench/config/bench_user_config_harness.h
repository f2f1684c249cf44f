/* MBEDTLS_USER_CONFIG_FILE of the benchmark harness (native and QEMU M3): shared configuration +
 * the bench flavour. The harness needs the server side too (client and server in one image). */
#ifndef BENCH_USER_CONFIG_HARNESS_H
#define BENCH_USER_CONFIG_HARNESS_H
#include "bench_flavour.h"
#if defined(__arm__) && !defined(__linux__) && defined(MBEDTLS_HAVE_TIME)
/* Bare metal: mbedtls_ms_time comes from the bench platform (SysTick). */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif
/* The smaller footprint flavours are client-only: the harness adds the server of its in-image
 * peer (and DTLS cookies). The client code paths stay the flavour's; what this adds to the client
 * is reported with the per-flavour figures (docs/performance.md). */
#if !defined(MBEDTLS_SSL_SRV_C)
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_COOKIE_C
#endif
#endif
