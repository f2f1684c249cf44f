/* Bare-metal (QEMU mps2-an385, Cortex-M3) additions to the shared Mbed TLS configuration.
 * Included by Mbed TLS after paltls_mbedtls_config.h through MBEDTLS_USER_CONFIG_FILE. */
#ifndef MPS2_MBEDTLS_USER_CONFIG_H
#define MPS2_MBEDTLS_USER_CONFIG_H

/* No clock_gettime() on bare metal: mbedtls_ms_time() is provided by the port from the SysTick
 * time base (firmware/ports/baremetal-mps2/mps2_time.c). */
#if defined(MBEDTLS_HAVE_TIME) /* not in flavour minimal-psk: no certificates, no clock */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#endif

/* mbedtls_printf (a few debug-build self-checks) through the port's printf: newlib's lacks the
 * C99 "%zu" Mbed TLS uses, and would add ~16 KB of vfprintf to the image. */
#define MBEDTLS_PLATFORM_PRINTF_MACRO mps2_printf
int mps2_printf(const char *format, ...);

/* Thumb-2 multiply-accumulate assembly in bignum (about 6% faster P-256 on the M3). */
#define MBEDTLS_HAVE_ASM

/* Elliptic-curve speed/RAM trade-off: the library defaults (window 4, fixed-point tables in ROM)
 * cost ~2 KB heap more than w=2 but cut an ECDHE-ECDSA client handshake from ~108 M to ~66 M
 * instructions; this board has megabytes of RAM. Stated explicitly so the choice is visible. */
#define MBEDTLS_ECP_WINDOW_SIZE 4
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1

#endif
