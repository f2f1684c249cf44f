/* PAL options on Zephyr: Kconfig (firmware/Kconfig) -> PAL_* macros. Named by
 * PAL_PLATFORM_DEFINED_CONFIGURATION (set in firmware/CMakeLists.txt), so pal_configuration.h
 * includes it before applying its own defaults. CONFIG_* symbols come from autoconf.h, which the
 * Zephyr build force-includes into every compilation unit. */
#ifndef PALTLS_ZEPHYR_CONFIG_H
#define PALTLS_ZEPHYR_CONFIG_H

#if defined(CONFIG_PALTLS_SECURE_TIME)
#define PAL_USE_SECURE_TIME 1
#else
#define PAL_USE_SECURE_TIME 0
#endif

/* An #ifdef option, as upstream: defined only when on. */
#if defined(CONFIG_PALTLS_SERVER_MODE)
#define PAL_TLS_SUPPORT_SERVER_MODE 1
#endif

#define PAL_MAX_NUM_OF_TLS_CTX CONFIG_PALTLS_MAX_TLS_CONTEXTS

#if defined(CONFIG_PALTLS_X509)
#define PAL_ENABLE_X509 1
#else
#define PAL_ENABLE_X509 0
#endif

#if defined(CONFIG_PALTLS_PSK)
#define PAL_ENABLE_PSK 1
#else
#define PAL_ENABLE_PSK 0
#endif

#if defined(CONFIG_PALTLS_SESSION_RESUME)
#define PAL_USE_SSL_SESSION_RESUME 1
#else
#define PAL_USE_SSL_SESSION_RESUME 0
#endif

/* Hardware TRNG behind sys_csrand_get() unless the board runs on the test generator. */
#if defined(CONFIG_PALTLS_ENTROPY_TEST_ONLY)
#define PAL_USE_HW_TRNG 0
#else
#define PAL_USE_HW_TRNG 1
#endif

/* Storage items survive reset only with the settings backend. */
#if defined(CONFIG_PALTLS_STORAGE_SETTINGS)
#define PAL_USE_INTERNAL_FLASH 1
#else
#define PAL_USE_INTERNAL_FLASH 0
#endif

#endif
