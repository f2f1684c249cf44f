/* PAL TLS platform API: what a TLS library port implements (this project: Mbed TLS 3.6). Declares
 * exactly the upstream platform API of mbed-client-pal 4.13.4, so that this file and our
 * pal_plat_TLS.c can replace upstream's; tests/compat proves it. This project's additions live in
 * pal_plat_tls_ext.h. */
#ifndef PAL_PLAT_TLS_H
#define PAL_PLAT_TLS_H

#include "pal_TLS.h"

/* Server mode is an #ifdef option as upstream: without it the client is value 0. */
typedef enum palDTLSSide {
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    PAL_TLS_IS_SERVER,
#endif
    PAL_TLS_IS_CLIENT
} palDTLSSide_t;

typedef enum palTLSAuthMode {
    PAL_TLS_VERIFY_NONE,
    PAL_TLS_VERIFY_OPTIONAL,
    PAL_TLS_VERIFY_REQUIRED
} palTLSAuthMode_t;

typedef enum palTLSSuites {
    PAL_TLS_PSK_WITH_AES_128_CCM_8,
    PAL_TLS_PSK_WITH_AES_256_CCM_8,
    PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
    PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256
} palTLSSuites_t;

typedef void *palTLSSocketHandle_t;
typedef void *palTimerCtx_t;

typedef int (*palBIOSend_f)(palTLSSocketHandle_t socket, const unsigned char *buf, size_t len);
typedef int (*palBIORecv_f)(palTLSSocketHandle_t socket, unsigned char *buf, size_t len);
typedef int (*palVerifyCallback_f)(void *, void *, int, uint32_t *);
/* DTLS retransmission timer, Mbed TLS's f_set_timer / f_get_timer contract: set(data, 0, 0)
 * cancels; get returns -1 cancelled, 0 running, 1 intermediate delay passed, 2 final delay passed. */
typedef void (*palSetTimer_f)(void *data, uint32_t intMs, uint32_t finMs);
typedef int (*palGetTimer_f)(void *data);
typedef void (*palLogFunc_f)(void *context, int debugLevel, const char *fileName, int line, const char *message);

palStatus_t pal_plat_initTLSLibrary(void);
palStatus_t pal_plat_cleanupTLS(void);

palStatus_t pal_plat_initTLSConf(palTLSConfHandle_t *confCtx, palTLSTransportMode_t transportVersion,
                                 palDTLSSide_t methodType);
palStatus_t pal_plat_tlsConfigurationFree(palTLSConfHandle_t *palTLSConf);
palStatus_t pal_plat_initTLS(palTLSConfHandle_t palTLSConf, palTLSHandle_t *palTLSHandle);
palStatus_t pal_plat_freeTLS(palTLSHandle_t *palTLSHandle);

palStatus_t pal_plat_addEntropySource(palEntropySource_f entropyCallback);
palStatus_t pal_plat_setCipherSuites(palTLSConfHandle_t sslConf, palTLSSuites_t palSuite);
palStatus_t pal_plat_sslGetVerifyResultExtended(palTLSHandle_t palTLSHandle, int32_t *verifyResult);
palStatus_t pal_plat_sslRead(palTLSHandle_t palTLSHandle, void *buffer, uint32_t len, uint32_t *actualLen);
palStatus_t pal_plat_sslWrite(palTLSHandle_t palTLSHandle, const void *buffer, uint32_t len, uint32_t *bytesWritten);
palStatus_t pal_plat_setHandShakeTimeOut(palTLSConfHandle_t palTLSConf, uint32_t minTimeout, uint32_t maxTimeout);
/* Binds the context to the configuration. Once per context: a second call is refused with
 * PAL_ERR_TLS_MULTIPLE_HANDSHAKE. */
palStatus_t pal_plat_sslSetup(palTLSHandle_t palTLSHandle, palTLSConfHandle_t palTLSConf);
palStatus_t pal_plat_handShake(palTLSHandle_t palTLSHandle, uint64_t *serverTime);
#if PAL_USE_SECURE_TIME
palStatus_t pal_plat_renegotiate(palTLSHandle_t palTLSHandle, uint64_t serverTime);
#endif
palStatus_t pal_plat_tlsSetSocket(palTLSConfHandle_t palTLSConf, palTLSSocket_t *socket);
palStatus_t pal_plat_setOwnCertChain(palTLSConfHandle_t palTLSConf, palX509_t *ownCert);
palStatus_t pal_plat_setOwnPrivateKey(palTLSConfHandle_t palTLSConf, palPrivateKey_t *privateKey);
palStatus_t pal_plat_setCAChain(palTLSConfHandle_t palTLSConf, palX509_t *caChain, palX509CRL_t *caCRL);
palStatus_t pal_plat_setPSK(palTLSConfHandle_t sslConf, const unsigned char *identity, uint32_t maxIdentityLenInBytes,
                            const unsigned char *psk, uint32_t maxPskLenInBytes);
palStatus_t pal_plat_setAuthenticationMode(palTLSConfHandle_t sslConf, palTLSAuthMode_t authMode);
palStatus_t pal_plat_sslSetDebugging(palTLSConfHandle_t palTLSConf, uint8_t turnOn);
palStatus_t pal_plat_sslSetIOCallBacks(palTLSConfHandle_t palTLSConf, palTLSSocket_t *palIOCtx,
                                       palBIOSend_f palBIOSend, palBIORecv_f palBIORecv);
/* Replaces the PAL's own DTLS retransmission timer of one context with the caller's (NULL for
 * both callbacks restores the PAL timer). With the caller's timer the DTLS socket callback is not
 * invoked: whoever owns the timer knows when to call pal_handShake again. */
palStatus_t pal_plat_setTimeCB(palTLSHandle_t *palTLSHandle, palTimerCtx_t timerCtx, palSetTimer_f setTimer,
                               palGetTimer_f getTimer);
palStatus_t pal_plat_SetLoggingCb(palTLSConfHandle_t palTLSConf, palLogFunc_f palLogFunction, void *logContext);
void pal_plat_SetDTLSSocketCallback(palTLSConfHandle_t palTLSConf, palSocketCallback_f cb, void *argument);

#if (PAL_USE_SSL_SESSION_RESUME == 1)
/* TLS: the established session as a heap blob (caller frees with free()), NULL on failure. The
 * blob records its own length, so SetSslSession needs none. */
uint8_t *pal_plat_GetSslSessionBuffer(palTLSHandle_t palTLSHandle, size_t *buffer_size);
/* TLS: offers a blob from GetSslSessionBuffer for an abbreviated handshake. A blob that does not
 * load is ignored (a full handshake follows). */
void pal_plat_SetSslSession(palTLSHandle_t palTLSHandle, const uint8_t *session_buffer);
/* DTLS: serialises the established context into the RAM buffer. The library resets the context
 * when it serialises it: the caller reloads it with pal_plat_loadSslSession. */
int32_t pal_plat_saveSslSessionBuffer(palTLSHandle_t palTLSHandle);
int32_t pal_plat_loadSslSession(palTLSHandle_t palTLSHandle);
void pal_plat_removeSslSession(void);
bool pal_plat_sslSessionAvailable(void);
/* The RAM buffer (the whole serialised context, despite the name) and its length. */
const uint8_t *pal_plat_get_cid(size_t *size);
void pal_plat_set_cid(const uint8_t *context, const size_t length);
/* Replaces the outgoing Connection ID of the established context and serialises it into the RAM
 * buffer (the context is reset: the caller reloads it). */
void pal_plat_set_cid_value(palTLSHandle_t palTLSHandle, const uint8_t *data_ptr, const size_t data_len);
/* The outgoing Connection ID (the peer's); *data_len is output only, 0 when there is none.
 * data_ptr must hold 32 bytes (MBEDTLS_SSL_CID_OUT_LEN_MAX in upstream's build). */
void pal_plat_get_cid_value(palTLSHandle_t palTLSHandle, uint8_t *data_ptr, size_t *data_len);
#endif

#endif
