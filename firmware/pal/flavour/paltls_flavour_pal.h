/* PAL options of the footprint flavours (paltls_flavour.h). Included by pal_configuration.h after
 * the platform's own configuration and before the PAL defaults, so a platform may narrow a flavour
 * further (say, drop server mode from full) but never switch on what the flavour's Mbed TLS build
 * leaves out: paltls_flavour_check.h stops such a build. */
#ifndef PALTLS_FLAVOUR_PAL_H
#define PALTLS_FLAVOUR_PAL_H

#include "paltls_flavour.h"

#if defined(PALTLS_FLAVOUR_MINIMAL_PSK)
/* One PSK suite, client only, no certificates: nothing can vouch for the server's time. */
#ifndef PAL_ENABLE_X509
#define PAL_ENABLE_X509 0
#endif
#ifndef PAL_ENABLE_PSK
#define PAL_ENABLE_PSK 1
#endif
#ifndef PAL_USE_SECURE_TIME
#define PAL_USE_SECURE_TIME 0
#endif
#ifndef PAL_USE_SSL_SESSION_RESUME
#define PAL_USE_SSL_SESSION_RESUME 0
#endif
#ifndef PAL_TLS_CIPHER_SUITE
#define PAL_TLS_CIPHER_SUITE PAL_TLS_PSK_WITH_AES_128_CCM_8_SUITE
#endif

#elif defined(PALTLS_FLAVOUR_CERT)
/* The ECDHE-ECDSA suites with secure time (and the renegotiation it retries with), client only. */
#ifndef PAL_ENABLE_X509
#define PAL_ENABLE_X509 1
#endif
#ifndef PAL_ENABLE_PSK
#define PAL_ENABLE_PSK 0
#endif
#ifndef PAL_USE_SECURE_TIME
#define PAL_USE_SECURE_TIME 1
#endif
#ifndef PAL_USE_SSL_SESSION_RESUME
#define PAL_USE_SSL_SESSION_RESUME 0
#endif
#endif
/* full: the PAL defaults of pal_configuration.h (every feature on).
 * Server mode (PAL_TLS_SUPPORT_SERVER_MODE) is an #ifdef option, as upstream: the build defines it
 * for full (CMake, Kconfig PALTLS_SERVER_MODE) and never for minimal-psk or cert. */

/* Secure time only trusts a time a verified certificate vouches for: a build without
 * certificates has no secure time unless it asks for it (and paltls_flavour_check.h refuses). */
#if defined(PAL_ENABLE_X509) && !PAL_ENABLE_X509 && !defined(PAL_USE_SECURE_TIME)
#define PAL_USE_SECURE_TIME 0
#endif

#endif
