/* Footprint flavour of the build: exactly one of PALTLS_FLAVOUR_MINIMAL_PSK, PALTLS_FLAVOUR_CERT,
 * PALTLS_FLAVOUR_FULL is defined to 1, by CMake (-DPALTLS_FLAVOUR=...) or by Zephyr's Kconfig
 * choice (firmware/CMakeLists.txt), for every translation unit: Mbed TLS and the PAL derive their
 * configurations from it (paltls_mbedtls_config.h, paltls_flavour_pal.h). A build that names no
 * flavour gets full, the configuration every feature of the PAL needs. docs/mbedtls-config.md
 * describes each flavour option by option. */
#ifndef PALTLS_FLAVOUR_H
#define PALTLS_FLAVOUR_H

#if !defined(PALTLS_FLAVOUR_MINIMAL_PSK) && !defined(PALTLS_FLAVOUR_CERT) && !defined(PALTLS_FLAVOUR_FULL)
#define PALTLS_FLAVOUR_FULL 1
#endif

#if defined(PALTLS_FLAVOUR_MINIMAL_PSK) + defined(PALTLS_FLAVOUR_CERT) + defined(PALTLS_FLAVOUR_FULL) != 1
#error "define exactly one of PALTLS_FLAVOUR_MINIMAL_PSK, PALTLS_FLAVOUR_CERT, PALTLS_FLAVOUR_FULL"
#endif

#if defined(PALTLS_FLAVOUR_MINIMAL_PSK)
#define PALTLS_FLAVOUR_NAME "minimal-psk"
#elif defined(PALTLS_FLAVOUR_CERT)
#define PALTLS_FLAVOUR_NAME "cert"
#else
#define PALTLS_FLAVOUR_NAME "full"
#endif

#endif
