/* This project's additions to the PAL TLS service API (pal_TLS.h declares exactly upstream's).
 * Nothing here is needed by the Device Management Client; harnesses, diagnostics and the test
 * suite use it. Include after pal_TLS.h (or pal.h). */
#ifndef PAL_TLS_EXT_H
#define PAL_TLS_EXT_H

#include "pal_TLS.h"

/* pal_sslGetVerifyResultExtended without the flags (upstream dropped it after 4.x). */
palStatus_t pal_sslGetVerifyResult(palTLSHandle_t palTLSHandle);

/* Diagnostics for harnesses and logs: the ServerHello time captured by the last full handshake
 * (0 if none) and the IANA name of the negotiated suite (NULL before the handshake completed). */
uint64_t pal_tlsGetServerTime(palTLSHandle_t palTLSHandle);
const char *pal_tlsGetCipherSuiteName(palTLSHandle_t palTLSHandle);

/* The platform handles behind service handles: for tests and harnesses that exercise the
 * platform layer (suite selection, auth mode, logging, server mode, timer callbacks) on
 * service-made objects. */
palTLSConfHandle_t pal_tlsPlatformConfiguration(palTLSConfHandle_t palTLSConf);
palTLSHandle_t pal_tlsPlatformContext(palTLSHandle_t palTLSHandle);

/* Declared by pal_TLS.h only with session resume; this project defines it in every build (a
 * no-op without session resume) so that callers need no #if. */
void pal_enableSslSessionStoring(palTLSConfHandle_t palTLSConf, bool enable);

#endif
