/* PAL TLS platform API: what a TLS library port implements (this project: Mbed TLS 3.6). */
#ifndef PAL_PLAT_TLS_H
#define PAL_PLAT_TLS_H

#include "pal_TLS.h"

typedef enum palDTLSSide {
#if PAL_TLS_SUPPORT_SERVER_MODE
    PAL_TLS_IS_SERVER,
#endif
    PAL_TLS_IS_CLIENT,
} palDTLSSide_t;

typedef void *palTLSSocketHandle_t;
typedef void *palTimerCtx_t;

typedef int (*palBIOSend_f)(palTLSSocketHandle_t socket, const unsigned char *buf, size_t len);
typedef int (*palBIORecv_f)(palTLSSocketHandle_t socket, unsigned char *buf, size_t len);
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
palStatus_t pal_plat_SetLoggingCb(palTLSConfHandle_t palTLSConf, palLogFunc_f palLogFunction, void *logContext);
void pal_plat_SetDTLSSocketCallback(palTLSConfHandle_t palTLSConf, palSocketCallback_f cb, void *argument);

/* Negotiated suite of an established session, as its IANA name (e.g.
 * "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8"); NULL before the handshake completed. */
const char *pal_plat_sslGetCipherSuiteName(palTLSHandle_t palTLSHandle);

/* Whether unixTime lies within the validity period of the certificate the peer presented in this
 * session; false when it presented none (PSK, abbreviated handshake). Only a time vouched for by
 * a verified certificate may set the device clock: a server contradicting its own certificate has
 * a broken clock (or sends random bytes there), and a PSK server proves nothing about time (the
 * reference does not even allow secure time in PSK builds). */
bool pal_plat_sslTimeWithinPeerCertificate(palTLSHandle_t palTLSHandle, uint64_t unixTime);

#if PAL_USE_SSL_SESSION_RESUME
uint8_t *pal_plat_GetSslSessionBuffer(palTLSHandle_t palTLSHandle, size_t *buffer_size);
palStatus_t pal_plat_SetSslSession(palTLSHandle_t palTLSHandle, const uint8_t *session_buffer, size_t buffer_size);
int32_t pal_plat_saveSslSessionBuffer(palTLSHandle_t palTLSHandle);
int32_t pal_plat_loadSslSession(palTLSHandle_t palTLSHandle);
void pal_plat_removeSslSession(void);
bool pal_plat_sslSessionAvailable(void);
const uint8_t *pal_plat_get_cid(size_t *size);
void pal_plat_set_cid(const uint8_t *context, size_t length);
void pal_plat_get_cid_value(palTLSHandle_t palTLSHandle, uint8_t *data, size_t *len);
#endif

#endif
