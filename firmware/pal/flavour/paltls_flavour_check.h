/* Stops a build whose PAL options ask for what its Mbed TLS configuration leaves out (a platform
 * override against the flavour, paltls_flavour_pal.h), with the option to change, instead of a
 * pile of undeclared-function errors. Included by the TLS platform layer after the Mbed TLS
 * headers and pal_configuration.h. */
#ifndef PALTLS_FLAVOUR_CHECK_H
#define PALTLS_FLAVOUR_CHECK_H

#if PAL_ENABLE_X509 && (!defined(MBEDTLS_X509_CRT_PARSE_C) || !defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED))
#error "PAL_ENABLE_X509 needs MBEDTLS_X509_CRT_PARSE_C and the ECDHE-ECDSA key exchange: flavour " PALTLS_FLAVOUR_NAME " has no certificates"
#endif
#if PAL_ENABLE_PSK && !defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED)
#error "PAL_ENABLE_PSK needs MBEDTLS_KEY_EXCHANGE_PSK_ENABLED: flavour " PALTLS_FLAVOUR_NAME " has no PSK suites"
#endif
#if PAL_USE_SECURE_TIME && (!PAL_ENABLE_X509 || !defined(MBEDTLS_SSL_RENEGOTIATION))
#error "PAL_USE_SECURE_TIME needs certificates and MBEDTLS_SSL_RENEGOTIATION (the retry with server time)"
#endif
#if defined(PAL_TLS_SUPPORT_SERVER_MODE) && (!defined(MBEDTLS_SSL_SRV_C) || !defined(MBEDTLS_SSL_COOKIE_C))
#error "PAL_TLS_SUPPORT_SERVER_MODE needs MBEDTLS_SSL_SRV_C and MBEDTLS_SSL_COOKIE_C: flavour " PALTLS_FLAVOUR_NAME " is client only"
#endif
#if (PAL_USE_SSL_SESSION_RESUME == 1) && (!defined(MBEDTLS_SSL_DTLS_CONNECTION_ID) || !defined(MBEDTLS_SSL_CONTEXT_SERIALIZATION))
#error "PAL_USE_SSL_SESSION_RESUME needs MBEDTLS_SSL_DTLS_CONNECTION_ID and MBEDTLS_SSL_CONTEXT_SERIALIZATION: flavour " PALTLS_FLAVOUR_NAME " has no session resume"
#endif

#endif
