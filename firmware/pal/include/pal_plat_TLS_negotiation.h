/* Extensions of this port (not in the upstream PAL API): which suites a configuration offers,
 * and what a handshake learnt about the peer, for diagnostics that must not guess. */
#ifndef PAL_PLAT_TLS_NEGOTIATION_H
#define PAL_PLAT_TLS_NEGOTIATION_H

#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"

/* Offer exactly these suites, in this order (a group, where pal_plat_setCipherSuites takes one).
 * 1..PAL_TLS_SUITE_LIST_CAPACITY entries, duplicates dropped. Any suite not compiled in:
 * PAL_ERR_TLS_INVALID_CIPHER and nothing is offered, as with pal_plat_setCipherSuites. */
palStatus_t pal_plat_setCipherSuiteList(palTLSConfHandle_t sslConf, const palTLSSuites_t *suites, size_t count);

/* The IANA names ("TLS-PSK-WITH-AES-128-CCM-8") of the suites the configuration offers now, in
 * order; returns how many there are (names holds the first `max`). */
size_t pal_plat_getOfferedCipherSuiteNames(palTLSConfHandle_t sslConf, const char **names, size_t max);

/* Whether the peer's certificate went through verification in this session: false for PSK, for a
 * handshake that ended before the Certificate message, and with PAL_TLS_VERIFY_NONE. Only then do
 * the verify-result flags describe a certificate. */
bool pal_plat_sslPeerCertificateChecked(palTLSHandle_t palTLSHandle);

/* Description byte of the fatal alert the peer sent to end the last handshake step (RFC 5246
 * 7.2: 40 handshake_failure, 51 decrypt_error, ...), or -1 when the peer sent none. */
int pal_plat_sslReceivedAlert(palTLSHandle_t palTLSHandle);

#endif
