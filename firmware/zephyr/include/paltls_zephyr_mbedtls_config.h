/* Mbed TLS configuration of the Zephyr build: the project's shared configuration
 * (firmware/pal/mbedtls/paltls_mbedtls_config.h, identical on every flavour) plus what the
 * Zephyr integration needs. Selected with CONFIG_CUSTOM_MBEDTLS_CFG_FILE=y and
 * CONFIG_MBEDTLS_CFG_FILE="paltls_zephyr_mbedtls_config.h" (prj.conf); Zephyr passes it to
 * Mbed TLS as MBEDTLS_CONFIG_FILE and includes it from modules/mbedtls/zephyr_init.c.
 * Why not CONFIG_MBEDTLS_USER_CONFIG_FILE: Zephyr only includes that file from its own
 * Kconfig-generated config-mbedtls.h, which would then have to mirror our whole configuration
 * in Kconfig. See docs/zephyr-verification.md. */
#ifndef PALTLS_ZEPHYR_MBEDTLS_CONFIG_H
#define PALTLS_ZEPHYR_MBEDTLS_CONFIG_H

/* Record buffers from Kconfig (the shared file only sets them when they are not defined). */
#if defined(CONFIG_PALTLS_SSL_CONTENT_LEN)
#define MBEDTLS_SSL_IN_CONTENT_LEN CONFIG_PALTLS_SSL_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN CONFIG_PALTLS_SSL_CONTENT_LEN
#endif

#include "paltls_mbedtls_config.h"

/* Zephyr's modules/mbedtls/zephyr_init.c defines mbedtls_ms_time() (from k_uptime_get());
 * without this the library would compile its own POSIX/Windows version, or fail to build.
 * firmware/zephyr/zephyr_rtos.c carries a weak fallback in case a release drops it. */
#if defined(MBEDTLS_HAVE_TIME) /* not in flavour minimal-psk: no certificates, no clock */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif

/* Certificate dates through gmtime_r() (firmware/zephyr/zephyr_rtos.c): Mbed TLS does not see
 * Zephyr as POSIX and would call the non-reentrant gmtime() from several PAL threads. */
#if defined(MBEDTLS_HAVE_TIME_DATE) /* certificate flavours only */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#endif

/* No MBEDTLS_MEMORY_BUFFER_ALLOC_C: prj.conf leaves CONFIG_MBEDTLS_ENABLE_HEAP off, so Mbed TLS
 * allocates from the C library heap, which is thread-safe (the buffer allocator is not without
 * MBEDTLS_THREADING_C, and PAL threads use TLS concurrently). */
#if defined(CONFIG_MBEDTLS_ENABLE_HEAP)
#error "CONFIG_MBEDTLS_ENABLE_HEAP is not supported with this configuration: see the comment above"
#endif

#endif
