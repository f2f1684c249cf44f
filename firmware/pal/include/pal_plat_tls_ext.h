/* This project's additions to the PAL TLS platform API (pal_plat_TLS.h declares exactly
 * upstream's), and the options our pal_plat_TLS.c needs beyond upstream's pal_configuration.h, with
 * defaults so that the file also builds in an upstream tree. */
#ifndef PAL_PLAT_TLS_EXT_H
#define PAL_PLAT_TLS_EXT_H

#include "pal_plat_TLS.h"

/* RAM buffer holding a serialised DTLS context or a TLS session blob (upstream: 2048, fixed). */
#ifndef PAL_SSL_SESSION_BUFFER_SIZE
#define PAL_SSL_SESSION_BUFFER_SIZE 2048
#endif

/* Cap on simultaneously initialised TLS contexts (PAL_ERR_TLS_RESOURCE beyond it); 0 means
 * unlimited, upstream's behaviour. */
#ifndef PAL_MAX_NUM_OF_TLS_CTX
#define PAL_MAX_NUM_OF_TLS_CTX 0
#endif

/* A suite upstream does not have (PSK with CBC, for peers without CCM), selected like the others
 * through pal_plat_setCipherSuites and the PAL_TLS_CIPHER_SUITE bit
 * PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE. */
#define PAL_TLS_PSK_WITH_AES_128_CBC_SHA256 ((palTLSSuites_t)6)

/* Whether PAL_TLS_CIPHER_SUITE names one suite (the reference behaviour: pal_initTLSConfiguration
 * sets it) or a group the platform layer narrows to the credentials (docs/architecture.md,
 * "Default suites"). An upstream pal_configuration.h names one. */
#define PAL_TLS_CIPHER_SUITE_IS_SINGLE ((PAL_TLS_CIPHER_SUITE & (PAL_TLS_CIPHER_SUITE - 1)) == 0)
#ifndef PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE
#define PAL_TLS_PSK_WITH_AES_128_CBC_SHA256_SUITE 0x40
#endif

/* Length of the suite list a configuration can offer: every suite the PAL knows. */
#define PAL_TLS_SUITE_LIST_CAPACITY 7

/* Negotiated suite of an established session, as its IANA name (e.g.
 * "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8"); NULL before the handshake completed. */
const char *pal_plat_sslGetCipherSuiteName(palTLSHandle_t palTLSHandle);

/* Whether unixTime lies within the validity period of the certificate the peer presented in this
 * session; false when it presented none (PSK, abbreviated handshake). Only a time vouched for by
 * a verified certificate may set the device clock: a server contradicting its own certificate has
 * a broken clock (or sends random bytes there), and a PSK server proves nothing about time (the
 * reference does not even allow secure time in PSK builds). */
bool pal_plat_sslTimeWithinPeerCertificate(palTLSHandle_t palTLSHandle, uint64_t unixTime);

#endif
