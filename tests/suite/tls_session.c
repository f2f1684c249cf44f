#include <stdio.h>
#include <string.h>

#include "paltest.h"
#include "paltest_env.h"
#include "tls_session.h"

const unsigned char tls_test_psk_identity[] = "Client_identity";
const unsigned char tls_test_psk[6] = { 0x12, 0x34, 0x45, 0x67, 0x89, 0x10 };

static const uint8_t coap_ping[4] = { 0x40, 0x00, 0x00, 0x00 };
static const uint8_t coap_reset[4] = { 0x70, 0x00, 0x00, 0x00 };

static void wake_waiter(void *argument)
{
    tls_session_t *session = (tls_session_t *)argument;

    if (session->wake != NULLPTR) {
        (void)pal_osSemaphoreRelease(session->wake);
    }
}

static void wait_for_event(tls_session_t *session, uint32_t max_ms)
{
    int32_t available = 0;

    (void)pal_osSemaphoreWait(session->wake, max_ms, &available);
}

const uint8_t *tls_env_object(const char *key, uint32_t *length)
{
    size_t size = 0;
    const uint8_t *data = paltest_env_get(key, &size);

    *length = (uint32_t)size;
    return data;
}

static palStatus_t resolve_peer(tls_session_t *session, const char *profile)
{
    char key[48];
    const char *host = paltest_env_string("peer.host");
    uint64_t port;
    palStatus_t status;

    (void)snprintf(key, sizeof(key), "peer.port.%s", profile);
    port = paltest_env_number(key, 0);
    if (host == NULL || port == 0 || port > 65535) {
        return PAL_ERR_SOCKET_INVALID_ADDRESS;
    }
    status = pal_getAddressInfo(host, &session->address, &session->address_length);
    if (status != PAL_SUCCESS) {
        return status;
    }
    return pal_setSockAddrPort(&session->address, (uint16_t)port);
}

static palStatus_t connect_stream(tls_session_t *session)
{
    uint64_t start = pal_osKernelSysTick();
    palStatus_t status;

    for (;;) {
        status = pal_connect(session->socket, &session->address, session->address_length);
        if (status == PAL_ERR_SOCKET_ALREADY_CONNECTED) {
            return PAL_SUCCESS;
        }
        if (status != PAL_ERR_SOCKET_IN_PROGRES && status != PAL_ERR_SOCKET_WOULD_BLOCK) {
            return status;
        }
        if (pal_osKernelSysTick() - start > 10000u) {
            return PAL_ERR_TIMEOUT_EXPIRED;
        }
        wait_for_event(session, 100);
    }
}

void tls_session_close_deferred(void *session)
{
    tls_session_close((tls_session_t *)session);
}

static palStatus_t open_session(tls_session_t *session, palTLSTransportMode_t mode, const char *profile,
                                bool store_session, bool is_server_ping)
{
    palStatus_t status;

    memset(session, 0, sizeof(*session));
    session->mode = mode;
    session->owns_socket = true;
    paltest_defer(tls_session_close_deferred, session);
    status = pal_osSemaphoreCreate(1, &session->wake);
    if (status == PAL_SUCCESS) {
        status = resolve_peer(session, profile);
    }
    if (status == PAL_SUCCESS) {
        status = pal_asynchronousSocketWithArgument((palSocketDomain_t)session->address.addressType,
                                        mode == PAL_TLS_MODE ? PAL_SOCK_STREAM : PAL_SOCK_DGRAM, true, 0,
                                        wake_waiter, session, &session->socket);
    }
    if (status == PAL_SUCCESS && mode == PAL_TLS_MODE) {
        status = connect_stream(session);
    }
    if (status == PAL_SUCCESS) {
        status = pal_initTLSConfiguration(&session->conf, mode);
    }
    if (status == PAL_SUCCESS) {
        pal_enableSslSessionStoring(session->conf, store_session);
        status = pal_initTLS(session->conf, &session->tls, is_server_ping);
    }
    if (status == PAL_SUCCESS) {
        pal_setDTLSSocketCallback(session->conf, wake_waiter, session);
    }
    return status;
}

palStatus_t tls_session_open(tls_session_t *session, palTLSTransportMode_t mode, const char *profile)
{
    return open_session(session, mode, profile, false, false);
}

palStatus_t tls_session_open_resuming(tls_session_t *session, palTLSTransportMode_t mode, const char *profile)
{
    return open_session(session, mode, profile, true, false);
}

palStatus_t tls_session_open_server_ping(tls_session_t *session, palTLSTransportMode_t mode, const char *profile)
{
    return open_session(session, mode, profile, true, true);
}

palStatus_t tls_session_use_certificates(tls_session_t *session, const char *ca_key)
{
    palX509_t own_cert;
    palX509_t ca;
    palPrivateKey_t key;
    uint32_t key_length = 0;
    const uint8_t *key_der = tls_env_object("pki.device_key", &key_length);
    palStatus_t status;

    own_cert.buffer = tls_env_object("pki.device_cert", &own_cert.size);
    ca.buffer = tls_env_object(ca_key, &ca.size);
    if (key_der == NULL || own_cert.buffer == NULL || ca.buffer == NULL) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    status = pal_initPrivateKey(key_der, key_length, &key);
    if (status == PAL_SUCCESS) {
        status = pal_setOwnCertChain(session->conf, &own_cert);
    }
    if (status == PAL_SUCCESS) {
        status = pal_setOwnPrivateKey(session->conf, &key);
    }
    if (status == PAL_SUCCESS) {
        status = pal_setCAChain(session->conf, &ca, NULL);
    }
    return status;
}

/* The test PSK, or the bytes of the `tls.psk` environment entry when a run sets one: a way to make
 * a PSK handshake fail on purpose against the stock peer (report and capture tests). */
palStatus_t tls_session_use_psk(tls_session_t *session)
{
    size_t length = 0;
    const uint8_t *psk = paltest_env_get("tls.psk", &length);

    if (psk == NULL || length == 0) {
        psk = tls_test_psk;
        length = sizeof(tls_test_psk);
    }
    return pal_setPSK(session->conf, tls_test_psk_identity, (uint32_t)strlen((const char *)tls_test_psk_identity), psk,
                      (uint32_t)length);
}

palStatus_t tls_session_attach_socket(tls_session_t *session)
{
    session->tls_socket.socket = session->socket;
    session->tls_socket.socketAddress = &session->address;
    session->tls_socket.addressLength = session->address_length;
    session->tls_socket.transportationMode = session->mode;
    return pal_tlsSetSocket(session->conf, &session->tls_socket);
}

palStatus_t tls_session_handshake(tls_session_t *session, uint32_t max_ms)
{
    uint64_t start = pal_osKernelSysTick();
    palStatus_t status;

    do {
        status = pal_handShake(session->tls, session->conf, false);
        if (status != PAL_ERR_TLS_WANT_READ && status != PAL_ERR_TLS_WANT_WRITE) {
            break;
        }
        wait_for_event(session, TLS_SESSION_WAIT_MS);
    } while (pal_osKernelSysTick() - start < max_ms);
    return status;
}

static palStatus_t write_all(tls_session_t *session, const uint8_t *data, uint32_t length)
{
    uint64_t start = pal_osKernelSysTick();
    uint32_t written = 0;
    palStatus_t status;

    do {
        status = pal_sslWrite(session->tls, session->conf, data, length, &written);
        if (status != PAL_ERR_TLS_WANT_WRITE) {
            break;
        }
        wait_for_event(session, TLS_SESSION_WAIT_MS);
    } while (pal_osKernelSysTick() - start < 30000u);
    if (status == PAL_SUCCESS && written != length) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    return status;
}

static palStatus_t read_reply(tls_session_t *session, uint8_t *reply, uint32_t length)
{
    uint64_t start = pal_osKernelSysTick();
    uint32_t received = 0;
    palStatus_t status;

    do {
        status = pal_sslRead(session->tls, reply, length, &received);
        if (status != PAL_ERR_TLS_WANT_READ) {
            break;
        }
        wait_for_event(session, TLS_SESSION_WAIT_MS);
    } while (pal_osKernelSysTick() - start < 30000u);
    if (status == PAL_SUCCESS && received != length) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    return status;
}

palStatus_t tls_session_ping(tls_session_t *session, unsigned count)
{
    uint8_t reply[sizeof(coap_reset)];
    palStatus_t status = PAL_SUCCESS;
    unsigned i;

    for (i = 0; i < count && status == PAL_SUCCESS; i++) {
        status = write_all(session, coap_ping, sizeof(coap_ping));
    }
    for (i = 0; i < count && status == PAL_SUCCESS; i++) {
        status = read_reply(session, reply, sizeof(reply));
        if (status == PAL_SUCCESS && memcmp(reply, coap_reset, sizeof(reply)) != 0) {
            status = PAL_ERR_GENERIC_FAILURE;
        }
    }
    return status;
}

void tls_session_close(tls_session_t *session)
{
    if (session->tls != NULLPTR) {
        (void)pal_freeTLS(&session->tls);
    }
    if (session->conf != NULLPTR) {
        (void)pal_tlsConfigurationFree(&session->conf);
    }
    if (session->socket != NULL && session->owns_socket) {
        (void)pal_close(&session->socket);
    }
    session->socket = NULL;
    if (session->wake != NULLPTR) {
        (void)pal_osSemaphoreDelete(&session->wake);
    }
}
