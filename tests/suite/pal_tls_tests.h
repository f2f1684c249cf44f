#ifndef PAL_TLS_TESTS_H
#define PAL_TLS_TESTS_H

#include <stddef.h>

#include "paltest.h"

/* The 16 cases of the reference catalogue, in the reference runner's order. */
extern const paltest_case_t paltest_tls_reference_cases[];
extern const size_t paltest_tls_reference_case_count;

/* The port's own cases: every suite and transport, error paths, server mode, limits. */
extern const paltest_case_t paltest_tls_port_cases[];
extern const size_t paltest_tls_port_case_count;

/* The upstream API surface taken on for drop-in use: caller-owned DTLS timers, CID by value,
 * the DTLS context save/load contract. */
extern const paltest_case_t paltest_tls_api_cases[];
extern const size_t paltest_tls_api_case_count;

/* Shared by the case files. */
#include "tls_session.h"
bool require_pki(void);
palStatus_t read_u64_item(const char *name, uint64_t *value);
palStatus_t connect_with_certificates(tls_session_t *session, palTLSTransportMode_t mode, const char *profile,
                                      const char *ca_key);

#endif
