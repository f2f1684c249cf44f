/* Test-side helpers: one client connection to the test peer through the PAL service API, with
 * the reference test's call order and its non-blocking wait loops. */
#ifndef TLS_SESSION_H
#define TLS_SESSION_H

#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"
#include "pal_tls_ext.h"

#define TLS_SESSION_WAIT_MS 1000u

typedef struct tls_session {
    palTLSTransportMode_t mode;
    palSocket_t socket;
    palSocketAddress_t address;
    palSocketLength_t address_length;
    palTLSSocket_t tls_socket;
    palTLSConfHandle_t conf;
    palTLSHandle_t tls;
    palSemaphoreID_t wake;
    bool owns_socket; /* false when the socket belongs to someone else (loopback tests) */
} tls_session_t;

/* PSK shared with the peer (spec 5.0). */
extern const unsigned char tls_test_psk_identity[];
extern const unsigned char tls_test_psk[6];

/* Socket to the peer's profile port (TCP connected, or UDP), configuration and context created.
 * The session is closed automatically after the case (paltest_defer), so it must outlive the
 * case body: declare it static. */
palStatus_t tls_session_open(tls_session_t *session, palTLSTransportMode_t mode, const char *profile);
/* As tls_session_open, with session storing enabled before pal_initTLS, so a stored session
 * (TLS blob or DTLS context) is loaded into the new context. */
palStatus_t tls_session_open_resuming(tls_session_t *session, palTLSTransportMode_t mode, const char *profile);
/* As tls_session_open_resuming for the client's server-ping connection (pal_initTLS with
 * is_server_ping): storing enabled, nothing loaded. */
palStatus_t tls_session_open_server_ping(tls_session_t *session, palTLSTransportMode_t mode, const char *profile);
/* Device credentials; ca_key names the trust anchor in the environment ("pki.ca", ...). */
palStatus_t tls_session_use_certificates(tls_session_t *session, const char *ca_key);
palStatus_t tls_session_use_psk(tls_session_t *session);
palStatus_t tls_session_attach_socket(tls_session_t *session);
/* pal_handShake until it stops asking for I/O or max_ms elapsed (device-independent clock). */
palStatus_t tls_session_handshake(tls_session_t *session, uint32_t max_ms);
/* Sends CoAP pings and expects the peer's RST reply each time. */
palStatus_t tls_session_ping(tls_session_t *session, unsigned count);
void tls_session_close(tls_session_t *session);
/* paltest_defer-compatible form of tls_session_close. */
void tls_session_close_deferred(void *session);

/* DER object from the environment; NULL (and the case skipped) if absent. */
const uint8_t *tls_env_object(const char *key, uint32_t *length);

#endif
