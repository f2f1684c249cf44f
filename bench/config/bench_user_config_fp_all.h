/* MBEDTLS_USER_CONFIG_FILE of the "all six suites" footprint image (and of the footprint images
 * of the minimal-psk and cert flavours, whose shared configuration is client-only already): the
 * bench tuning as a product client would ship it — client only, no diagnostics (PALTLS_MBEDTLS_MINIMAL is defined
 * by the build), no server-side features. */
#ifndef BENCH_USER_CONFIG_FP_ALL_H
#define BENCH_USER_CONFIG_FP_ALL_H
#include "bench_flavour.h"
#if defined(MBEDTLS_HAVE_TIME) /* minimal-psk has no library clock */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif
#undef MBEDTLS_SSL_SRV_C
#undef MBEDTLS_SSL_COOKIE_C
#undef MBEDTLS_SSL_CACHE_C
#undef MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE
#undef MBEDTLS_VERSION_C
#endif
