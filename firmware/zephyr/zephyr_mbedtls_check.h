/* What the PAL needs from whichever Mbed TLS configuration the SDK builds: Zephyr's module with
 * paltls_zephyr_mbedtls_config.h provides all of it; NCS's nrf_security generates its own from
 * Kconfig (firmware/boards/nrf9160dk_nrf9160_ns.conf). A missing option stops the build here with
 * its name instead of as an undefined symbol at link time or a certificate check that never
 * looks at dates. Include after mbedtls/build_info.h. See docs/porting.md, "nRF9160". */
#ifndef PALTLS_ZEPHYR_MBEDTLS_CHECK_H
#define PALTLS_ZEPHYR_MBEDTLS_CHECK_H

#if !defined(MBEDTLS_SSL_TLS_C) || !defined(MBEDTLS_SSL_PROTO_TLS1_2) || !defined(MBEDTLS_SSL_PROTO_DTLS)
#error "Mbed TLS configuration: the PAL needs MBEDTLS_SSL_TLS_C, MBEDTLS_SSL_PROTO_TLS1_2 and MBEDTLS_SSL_PROTO_DTLS"
#endif
#if !defined(MBEDTLS_CTR_DRBG_C) || !defined(MBEDTLS_ENTROPY_C)
#error "Mbed TLS configuration: the PAL's DRBG needs MBEDTLS_CTR_DRBG_C and MBEDTLS_ENTROPY_C (NCS: CONFIG_MBEDTLS_LEGACY_CRYPTO_C)"
#endif
#if defined(MBEDTLS_X509_CRT_PARSE_C) && !defined(MBEDTLS_HAVE_TIME_DATE)
#error "Mbed TLS configuration: without MBEDTLS_HAVE_TIME_DATE certificate validity dates are not checked"
#endif
#if !defined(MBEDTLS_PLATFORM_TIME_ALT)
#error "Mbed TLS configuration: PAL secure time needs MBEDTLS_PLATFORM_TIME_ALT (mbedtls_platform_set_time)"
#endif
#if !defined(MBEDTLS_VERSION_C)
#error "Mbed TLS configuration: the agent banner needs MBEDTLS_VERSION_C"
#endif

#endif
