/* PAL TLS/DTLS service API (what the Device Management Client calls). */
#ifndef PAL_TLS_H
#define PAL_TLS_H

#include "pal_network.h"
#include "pal_types.h"

typedef uintptr_t palTLSHandle_t;
typedef uintptr_t palTLSConfHandle_t;

typedef enum palTLSTranportMode {
    PAL_TLS_MODE = 0,
    PAL_DTLS_MODE = 1,
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
typedef palTLSBuffer_t palPrivateKey_t;

typedef enum palTLSAuthMode {
    PAL_TLS_VERIFY_NONE = 0,
    PAL_TLS_VERIFY_OPTIONAL = 1,
    PAL_TLS_VERIFY_REQUIRED = 2,
} palTLSAuthMode_t;

typedef enum palTLSSuites {
    PAL_TLS_PSK_WITH_AES_128_CCM_8 = 0,
    PAL_TLS_PSK_WITH_AES_256_CCM_8 = 1,
    PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 = 2,
    PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 3,
    PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 4,
    PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 = 5,
    PAL_TLS_PSK_WITH_AES_128_CBC_SHA256 = 6,
} palTLSSuites_t;

typedef int (*palEntropySource_f)(void *data, unsigned char *output, size_t len, size_t *olen);
typedef void (*palSocketCallback_f)(void *argument);

palStatus_t pal_initTLSLibrary(void);
palStatus_t pal_cleanupTLS(void);

palStatus_t pal_initTLSConfiguration(palTLSConfHandle_t *palTLSConf, palTLSTransportMode_t transportationMode);
palStatus_t pal_tlsConfigurationFree(palTLSConfHandle_t *palTLSConf);
palStatus_t pal_initTLS(palTLSConfHandle_t palTLSConf, palTLSHandle_t *palTLSHandle, bool is_server_ping);
palStatus_t pal_freeTLS(palTLSHandle_t *palTLSHandle);

palStatus_t pal_addEntropySource(palEntropySource_f entropyCallback);

palStatus_t pal_initPrivateKey(const void *buf, size_t buf_size, palPrivateKey_t *privateKey);
palStatus_t pal_setOwnCertChain(palTLSConfHandle_t palTLSConf, palX509_t *ownCert);
palStatus_t pal_setOwnPrivateKey(palTLSConfHandle_t palTLSConf, palPrivateKey_t *privateKey);
palStatus_t pal_setCAChain(palTLSConfHandle_t palTLSConf, palX509_t *caChain, palX509CRL_t *caCRL);
palStatus_t pal_setPSK(palTLSConfHandle_t palTLSConf, const unsigned char *identity, uint32_t maxIdentityLenInBytes,
                       const unsigned char *psk, uint32_t maxPskLenInBytes);

palStatus_t pal_tlsSetSocket(palTLSConfHandle_t palTLSConf, palTLSSocket_t *socket);

/* Non-blocking: returns PAL_ERR_TLS_WANT_READ / _WANT_WRITE until the handshake (including a
 * secure-time retry by renegotiation) is complete. */
palStatus_t pal_handShake(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, bool skipResume);
palStatus_t pal_setHandShakeTimeOut(palTLSConfHandle_t palTLSConf, uint32_t minTimeout, uint32_t maxTimeout);
palStatus_t pal_sslGetVerifyResult(palTLSHandle_t palTLSHandle);
palStatus_t pal_sslGetVerifyResultExtended(palTLSHandle_t palTLSHandle, int32_t *verifyResult);
palStatus_t pal_sslRead(palTLSHandle_t palTLSHandle, void *buffer, uint32_t len, uint32_t *actualLen);
palStatus_t pal_sslWrite(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf, const void *buffer,
                         uint32_t len, uint32_t *bytesWritten);
palStatus_t pal_sslSetDebugging(palTLSConfHandle_t palTLSConf, uint8_t turnOn);
palStatus_t pal_sslDebugging(uint8_t turnOn);
void pal_setDTLSSocketCallback(palTLSConfHandle_t palTLSConf, palSocketCallback_f cb, void *argument);

/* Diagnostics for harnesses and logs: the ServerHello time captured by the last full handshake
 * (0 if none) and the IANA name of the negotiated suite (NULL before the handshake completed). */
uint64_t pal_tlsGetServerTime(palTLSHandle_t palTLSHandle);
const char *pal_tlsGetCipherSuiteName(palTLSHandle_t palTLSHandle);

/* The platform handles behind service handles: for tests and harnesses that exercise the
 * platform layer (suite selection, auth mode, logging, server mode) on service-made objects. */
palTLSConfHandle_t pal_tlsPlatformConfiguration(palTLSConfHandle_t palTLSConf);
palTLSHandle_t pal_tlsPlatformContext(palTLSHandle_t palTLSHandle);

/* Session resume (TLS session blob, DTLS serialised context with Connection ID). */
void pal_enableSslSessionStoring(palTLSConfHandle_t palTLSConf, bool enable);
void pal_store_cid(void);
void pal_remove_cid(void);
bool pal_is_cid_available(void);

#endif
