/* PAL TLS/DTLS service API (what the Device Management Client calls). Declares exactly the
 * upstream service API of mbed-client-pal 4.13.4 (names, types, values, option semantics), so a
 * client tree can take this file in place of its own; tests/compat proves it. This project's
 * additions live in pal_tls_ext.h. Unlike upstream, the header is self-contained (upstream insists
 * on pal.h being included first). */
#ifndef PAL_TLS_H
#define PAL_TLS_H

#include "pal_network.h"
#include "pal_types.h"

typedef uintptr_t palTLSHandle_t;
typedef uintptr_t palTLSConfHandle_t;

/* The tag keeps upstream's spelling. Without TCP support the DTLS value becomes 0, as upstream. */
typedef enum palTLSTranportMode {
#ifdef PAL_NET_TCP_AND_TLS_SUPPORT
    PAL_TLS_MODE,
#endif
    PAL_DTLS_MODE
} palTLSTransportMode_t;

/* Referenced, not copied: must outlive the TLS context. In DTLS mode socketAddress is overwritten
 * with the source of each received datagram. */
typedef struct palTLSSocket {
    palSocket_t socket;
    palSocketAddress_t *socketAddress;
    palSocketLength_t addressLength;
    palTLSTransportMode_t transportationMode;
} palTLSSocket_t;

typedef struct palTLSBuffer {
    const void *buffer;
    uint32_t size;
} palTLSBuffer_t;

typedef palTLSBuffer_t palX509_t;
typedef palTLSBuffer_t palX509CRL_t;
/* With PSA the private key is a PSA key handle, otherwise a DER buffer. */
#ifdef MBED_CONF_MBED_CLOUD_CLIENT_PSA_SUPPORT
typedef uintptr_t palPrivateKey_t;
#else
typedef palTLSBuffer_t palPrivateKey_t;
#endif

typedef int (*palEntropySource_f)(void *data, unsigned char *output, size_t len, size_t *olen);
typedef void (*palSocketCallback_f)(void *argument);

palStatus_t pal_initTLSLibrary(void);
palStatus_t pal_cleanupTLS(void);

/* is_server_ping: a short-lived extra connection that must not take over the stored session. */
palStatus_t pal_initTLS(palTLSConfHandle_t palTLSConf, palTLSHandle_t *palTLSHandle, bool is_server_ping);
palStatus_t pal_freeTLS(palTLSHandle_t *palTLSHandle);

/* Has an effect only before the first pal_initTLSConfiguration. */
palStatus_t pal_addEntropySource(palEntropySource_f entropyCallback);

palStatus_t pal_initTLSConfiguration(palTLSConfHandle_t *palTLSConf, palTLSTransportMode_t transportationMode);
palStatus_t pal_tlsConfigurationFree(palTLSConfHandle_t *palTLSConf);

palStatus_t pal_setOwnCertChain(palTLSConfHandle_t palTLSConf, palX509_t *ownCert);
/* PSA: buf points to the key handle and buf_size is its size; otherwise buf is the DER key
 * (referenced, not copied). */
palStatus_t pal_initPrivateKey(const void *buf, size_t buf_size, palPrivateKey_t *privateKey);
palStatus_t pal_setOwnPrivateKey(palTLSConfHandle_t palTLSConf, palPrivateKey_t *privateKey);
palStatus_t pal_setCAChain(palTLSConfHandle_t palTLSConf, palX509_t *caChain, palX509CRL_t *caCRL);
palStatus_t pal_setPSK(palTLSConfHandle_t palTLSConf, const unsigned char *identity, uint32_t maxIdentityLenInBytes,
                       const unsigned char *psk, uint32_t maxPskLenInBytes);

/* After pal_initTLS: the socket goes to the context bound to the configuration. */
palStatus_t pal_tlsSetSocket(palTLSConfHandle_t palTLSConf, palTLSSocket_t *socket);

/* Non-blocking: returns PAL_ERR_TLS_WANT_READ / _WANT_WRITE until the handshake (including a
 * secure-time retry by renegotiation) is complete. skipResume: do a handshake even when a DTLS
 * context is stored. */
palStatus_t pal_handShake(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, bool skipResume);
palStatus_t pal_setHandShakeTimeOut(palTLSConfHandle_t palTLSConf, uint32_t minTimeout, uint32_t maxTimeout);
/* PAL_SUCCESS or PAL_ERR_X509_CERT_VERIFY_FAILED with the OR of PAL_ERR_X509_BADCERT_* codes. */
palStatus_t pal_sslGetVerifyResultExtended(palTLSHandle_t palTLSHandle, int32_t *verifyResult);
palStatus_t pal_sslRead(palTLSHandle_t palTLSHandle, void *buffer, uint32_t len, uint32_t *actualLen);
palStatus_t pal_sslWrite(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, const void *buffer,
                         uint32_t len, uint32_t *bytesWritten);
palStatus_t pal_sslSetDebugging(palTLSConfHandle_t palTLSConf, uint8_t turnOn);
palStatus_t pal_sslDebugging(uint8_t turnOn);

/* DTLS Connection ID context: persist the RAM copy (before power-down), forget it, query it. */
void pal_store_cid(void);
void pal_remove_cid(void);
bool pal_is_cid_available(void);

#if (PAL_USE_SSL_SESSION_RESUME == 1)
/* Off by default; call before pal_initTLS so that a stored session is loaded into the context. */
void pal_enableSslSessionStoring(palTLSConfHandle_t palTLSConf, bool enable);
#endif

/* After pal_initTLS (which resets the configuration's timer state). Called from the timer
 * context when a DTLS retransmission is due, so that the caller calls pal_handShake again. */
void pal_setDTLSSocketCallback(palTLSConfHandle_t palTLSConf, palSocketCallback_f callback, void *argument);

/* Replaces the outgoing DTLS Connection ID of an established context (upstream: an internal test
 * function) and reloads the context from the stored copy. */
void pal_set_cid_value(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, const uint8_t *data_ptr,
                       const size_t data_len);

#endif
