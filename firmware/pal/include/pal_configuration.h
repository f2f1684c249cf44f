/* Compile-time PAL options. Every option can be overridden from the build system (-D) or by a
 * platform header named by PAL_PLATFORM_DEFINED_CONFIGURATION (Zephyr maps Kconfig into one). */
#ifndef PAL_CONFIGURATION_H
#define PAL_CONFIGURATION_H

#ifdef PAL_PLATFORM_DEFINED_CONFIGURATION
#include PAL_PLATFORM_DEFINED_CONFIGURATION
#endif
/* The footprint flavour's choices (minimal-psk, cert, full) come before the defaults below. */
#include "../flavour/paltls_flavour_pal.h"

#ifndef PAL_USE_SECURE_TIME
#define PAL_USE_SECURE_TIME 1
#endif
#ifndef PAL_ENABLE_X509
#define PAL_ENABLE_X509 1
#endif
/* Unlike the reference, PSK and certificates (and secure time) coexist in one build. */
#ifndef PAL_ENABLE_PSK
#define PAL_ENABLE_PSK 1
#endif
#if !PAL_ENABLE_X509 && !PAL_ENABLE_PSK
#error "PAL TLS needs PAL_ENABLE_X509 or PAL_ENABLE_PSK"
#endif

/* Suite selector bits for PAL_TLS_CIPHER_SUITE. */
#define PAL_TLS_PSK_WITH_AES_128_CCM_8_SUITE 0x01
#define PAL_TLS_PSK_WITH_AES_256_CCM_8_SUITE 0x02
#define PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8_SUITE 0x04
#define PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_SUITE 0x08
#define PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_SUITE 0x10
#define PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256_SUITE 0x20
#define PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE 0x40

/* The six suites of the porting guide, by key exchange. */
#define PAL_TLS_SEED_PSK_SUITES                                                                    \
    (PAL_TLS_PSK_WITH_AES_128_CCM_8_SUITE | PAL_TLS_PSK_WITH_AES_256_CCM_8_SUITE |                 \
     PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE)
#define PAL_TLS_SEED_CERT_SUITES                                                                   \
    (PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8_SUITE | PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_SUITE | \
     PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_SUITE)

/* PAL_TLS_CIPHER_SUITE is the set of suites a client offers when the application sets none.
 * One bit: the reference behaviour, exactly that suite (plus PAL_MAX_ALLOWED_CIPHER_SUITES - 1
 * fixed fallbacks), programmed by pal_initTLSConfiguration. Several bits (the default: every
 * seed suite of the enabled key exchanges): the group, narrowed to the suites the configured
 * credentials can use, in the preference order of docs/architecture.md ("Default suites"). */
#ifndef PAL_TLS_CIPHER_SUITE
#define PAL_TLS_CIPHER_SUITE                                                                       \
    ((PAL_ENABLE_PSK ? PAL_TLS_SEED_PSK_SUITES : 0) | (PAL_ENABLE_X509 ? PAL_TLS_SEED_CERT_SUITES : 0))
#endif
#if (PAL_TLS_CIPHER_SUITE & 0x7F) == 0
#error "PAL_TLS_CIPHER_SUITE selects no known suite"
#endif

#ifndef PAL_MAX_ALLOWED_CIPHER_SUITES
#define PAL_MAX_ALLOWED_CIPHER_SUITES 1
#endif
#if PAL_MAX_ALLOWED_CIPHER_SUITES < 1 || PAL_MAX_ALLOWED_CIPHER_SUITES > 5
#error "PAL_MAX_ALLOWED_CIPHER_SUITES must be 1..5"
#endif

/* Cap on simultaneously initialised TLS contexts (pal_initTLS); 0 means unlimited. */
#ifndef PAL_MAX_NUM_OF_TLS_CTX
#define PAL_MAX_NUM_OF_TLS_CTX 4
#endif

#ifndef PAL_TLS_DEBUG_THRESHOLD
#define PAL_TLS_DEBUG_THRESHOLD 5
#endif
#ifndef PAL_CERT_ID_SIZE
#define PAL_CERT_ID_SIZE 33
#endif
#ifndef PAL_INITIAL_RANDOM_SIZE
#define PAL_INITIAL_RANDOM_SIZE 48
#endif
/* Session resume takes a value, as upstream tests it: #if (PAL_USE_SSL_SESSION_RESUME == 1). */
#ifndef PAL_USE_SSL_SESSION_RESUME
#define PAL_USE_SSL_SESSION_RESUME 1
#endif
#if (0 - PAL_USE_SSL_SESSION_RESUME - 1) == 1
#error "PAL_USE_SSL_SESSION_RESUME takes a value (1 on, 0 off), as upstream; it is defined empty here"
#endif
#ifndef PAL_MAX_FRAG_LEN
#define PAL_MAX_FRAG_LEN 0
#endif
/* Tested with #ifdef, as upstream (which defines it to true): defined means TLS over TCP. */
#ifndef PAL_NET_TCP_AND_TLS_SUPPORT
#define PAL_NET_TCP_AND_TLS_SUPPORT 1
#endif
/* Server mode is an #ifdef option, as upstream: defined (with any value) means on, and it is off
 * unless the build defines it (this project's full builds do, from CMake or Kconfig). A value of
 * 0 would silently mean "on", so it is refused. */
#if defined(PAL_TLS_SUPPORT_SERVER_MODE) && ((0 - PAL_TLS_SUPPORT_SERVER_MODE - 1) != 1) && \
    ((PAL_TLS_SUPPORT_SERVER_MODE + 0) == 0)
#error "PAL_TLS_SUPPORT_SERVER_MODE is an #ifdef option (as upstream): leave it undefined to turn server mode off"
#endif
/* Storage with rollback protection is available on every port of this project (file, RAM, NVS). */
#ifndef PAL_USE_INTERNAL_FLASH
#define PAL_USE_INTERNAL_FLASH 1
#endif
#ifndef PAL_USE_HW_TRNG
#define PAL_USE_HW_TRNG 0
#endif
#ifndef PAL_RTOS_WAIT_FOREVER
#define PAL_RTOS_WAIT_FOREVER UINT32_MAX
#endif
/* Size of the RAM buffer holding a serialised DTLS context (session resume / CID); not an
 * upstream option (pal_plat_tls_ext.h gives the same default in an upstream tree). */
#ifndef PAL_SSL_SESSION_BUFFER_SIZE
#define PAL_SSL_SESSION_BUFFER_SIZE 2048
#endif

#endif
