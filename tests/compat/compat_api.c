/* Drop-in check, part 1: the upstream TLS API (mbed-client-pal 4.13.4, pal_TLS.h and
 * pal_plat_TLS.h) as a client tree and an upstream pal_TLS.c use it, and the PAL socket, RTOS and
 * random services our pal_plat_TLS.c calls, compiled with -Werror against our headers. Each function is bound to a pointer of the exact upstream type (any difference in a
 * return or parameter type is an incompatible-pointer error) and called once with upstream-typed
 * arguments. Written from the upstream declarations; includes only what an upstream caller does. */
#include <stdlib.h>

#include "pal.h"
#include "pal_plat_TLS.h"

#include "compat.h"

/* ---- service API (pal_TLS.h) ---- */
typedef palStatus_t (*up_initTLSLibrary_f)(void);
typedef palStatus_t (*up_cleanupTLS_f)(void);
typedef palStatus_t (*up_initTLS_f)(palTLSConfHandle_t, palTLSHandle_t *, bool);
typedef palStatus_t (*up_freeTLS_f)(palTLSHandle_t *);
typedef palStatus_t (*up_addEntropySource_f)(palEntropySource_f);
typedef palStatus_t (*up_initTLSConfiguration_f)(palTLSConfHandle_t *, palTLSTransportMode_t);
typedef palStatus_t (*up_tlsConfigurationFree_f)(palTLSConfHandle_t *);
typedef palStatus_t (*up_setOwnCertChain_f)(palTLSConfHandle_t, palX509_t *);
typedef palStatus_t (*up_initPrivateKey_f)(const void *, size_t, palPrivateKey_t *);
typedef palStatus_t (*up_setOwnPrivateKey_f)(palTLSConfHandle_t, palPrivateKey_t *);
typedef palStatus_t (*up_setCAChain_f)(palTLSConfHandle_t, palX509_t *, palX509CRL_t *);
typedef palStatus_t (*up_setPSK_f)(palTLSConfHandle_t, const unsigned char *, uint32_t, const unsigned char *,
                                   uint32_t);
typedef palStatus_t (*up_tlsSetSocket_f)(palTLSConfHandle_t, palTLSSocket_t *);
typedef palStatus_t (*up_handShake_f)(palTLSHandle_t, palTLSConfHandle_t, bool);
typedef palStatus_t (*up_setHandShakeTimeOut_f)(palTLSConfHandle_t, uint32_t, uint32_t);
typedef palStatus_t (*up_sslGetVerifyResultExtended_f)(palTLSHandle_t, int32_t *);
typedef palStatus_t (*up_sslRead_f)(palTLSHandle_t, void *, uint32_t, uint32_t *);
typedef palStatus_t (*up_sslWrite_f)(palTLSHandle_t, palTLSConfHandle_t, const void *, uint32_t, uint32_t *);
typedef palStatus_t (*up_sslSetDebugging_f)(palTLSConfHandle_t, uint8_t);
typedef palStatus_t (*up_sslDebugging_f)(uint8_t);
typedef void (*up_store_cid_f)(void);
typedef void (*up_remove_cid_f)(void);
typedef bool (*up_is_cid_available_f)(void);
typedef void (*up_enableSslSessionStoring_f)(palTLSConfHandle_t, bool);
typedef void (*up_setDTLSSocketCallback_f)(palTLSConfHandle_t, palSocketCallback_f, void *);
typedef void (*up_set_cid_value_f)(palTLSHandle_t, palTLSConfHandle_t, const uint8_t *, const size_t);

/* ---- platform API (pal_plat_TLS.h) ---- */
typedef palStatus_t (*up_plat_initTLSLibrary_f)(void);
typedef palStatus_t (*up_plat_cleanupTLS_f)(void);
typedef palStatus_t (*up_plat_initTLSConf_f)(palTLSConfHandle_t *, palTLSTransportMode_t, palDTLSSide_t);
typedef palStatus_t (*up_plat_tlsConfigurationFree_f)(palTLSConfHandle_t *);
typedef palStatus_t (*up_plat_initTLS_f)(palTLSConfHandle_t, palTLSHandle_t *);
typedef palStatus_t (*up_plat_freeTLS_f)(palTLSHandle_t *);
typedef palStatus_t (*up_plat_addEntropySource_f)(palEntropySource_f);
typedef palStatus_t (*up_plat_setCipherSuites_f)(palTLSConfHandle_t, palTLSSuites_t);
typedef palStatus_t (*up_plat_sslGetVerifyResultExtended_f)(palTLSHandle_t, int32_t *);
typedef palStatus_t (*up_plat_sslRead_f)(palTLSHandle_t, void *, uint32_t, uint32_t *);
typedef palStatus_t (*up_plat_sslWrite_f)(palTLSHandle_t, const void *, uint32_t, uint32_t *);
typedef palStatus_t (*up_plat_setHandShakeTimeOut_f)(palTLSConfHandle_t, uint32_t, uint32_t);
typedef palStatus_t (*up_plat_sslSetup_f)(palTLSHandle_t, palTLSConfHandle_t);
typedef palStatus_t (*up_plat_handShake_f)(palTLSHandle_t, uint64_t *);
typedef palStatus_t (*up_plat_renegotiate_f)(palTLSHandle_t, uint64_t);
typedef palStatus_t (*up_plat_tlsSetSocket_f)(palTLSConfHandle_t, palTLSSocket_t *);
typedef palStatus_t (*up_plat_setOwnCertChain_f)(palTLSConfHandle_t, palX509_t *);
typedef palStatus_t (*up_plat_setOwnPrivateKey_f)(palTLSConfHandle_t, palPrivateKey_t *);
typedef palStatus_t (*up_plat_setCAChain_f)(palTLSConfHandle_t, palX509_t *, palX509CRL_t *);
typedef palStatus_t (*up_plat_setPSK_f)(palTLSConfHandle_t, const unsigned char *, uint32_t, const unsigned char *,
                                        uint32_t);
typedef palStatus_t (*up_plat_setAuthenticationMode_f)(palTLSConfHandle_t, palTLSAuthMode_t);
typedef palStatus_t (*up_plat_sslSetDebugging_f)(palTLSConfHandle_t, uint8_t);
typedef palStatus_t (*up_plat_sslSetIOCallBacks_f)(palTLSConfHandle_t, palTLSSocket_t *, palBIOSend_f, palBIORecv_f);
typedef palStatus_t (*up_plat_setTimeCB_f)(palTLSHandle_t *, palTimerCtx_t, palSetTimer_f, palGetTimer_f);
typedef palStatus_t (*up_plat_SetLoggingCb_f)(palTLSConfHandle_t, palLogFunc_f, void *);
typedef void (*up_plat_SetDTLSSocketCallback_f)(palTLSConfHandle_t, palSocketCallback_f, void *);
typedef uint8_t *(*up_plat_GetSslSessionBuffer_f)(palTLSHandle_t, size_t *);
typedef void (*up_plat_SetSslSession_f)(palTLSHandle_t, const uint8_t *);
typedef int32_t (*up_plat_saveSslSessionBuffer_f)(palTLSHandle_t);
typedef int32_t (*up_plat_loadSslSession_f)(palTLSHandle_t);
typedef void (*up_plat_removeSslSession_f)(void);
typedef bool (*up_plat_sslSessionAvailable_f)(void);
typedef const uint8_t *(*up_plat_get_cid_f)(size_t *);
typedef void (*up_plat_set_cid_f)(const uint8_t *, const size_t);
typedef void (*up_plat_set_cid_value_f)(palTLSHandle_t, const uint8_t *, const size_t);
typedef void (*up_plat_get_cid_value_f)(palTLSHandle_t, uint8_t *, size_t *);

/* ---- PAL services our pal_plat_TLS.c calls (upstream pal_network.h / pal_rtos.h): the platform
 * file links in an upstream tree only if these have upstream's signatures ---- */
typedef palStatus_t (*up_send_f)(palSocket_t, const void *, size_t, size_t *);
typedef palStatus_t (*up_recv_f)(palSocket_t, void *, size_t, size_t *);
typedef palStatus_t (*up_sendTo_f)(palSocket_t, const void *, size_t, const palSocketAddress_t *, palSocketLength_t,
                                   size_t *);
typedef palStatus_t (*up_receiveFrom_f)(palSocket_t, void *, size_t, palSocketAddress_t *, palSocketLength_t *,
                                        size_t *);
typedef palStatus_t (*up_setSocketOptions_f)(palSocket_t, int, const void *, palSocketLength_t);
typedef palStatus_t (*up_isNonBlocking_f)(palSocket_t, bool *);
typedef palStatus_t (*up_close_f)(palSocket_t *);
typedef palStatus_t (*up_asynchronousSocket_f)(palSocketDomain_t, palSocketType_t, bool, uint32_t,
                                               palAsyncSocketCallback_t, palSocket_t *);
typedef palStatus_t (*up_asynchronousSocketWithArgument_f)(palSocketDomain_t, palSocketType_t, bool, uint32_t,
                                                           palAsyncSocketCallback_t, void *, palSocket_t *);
typedef uint64_t (*up_osKernelSysTick_f)(void);
typedef uint64_t (*up_osKernelSysTickFrequency_f)(void);
typedef uint64_t (*up_osGetTime_f)(void);
typedef palStatus_t (*up_osSetTime_f)(uint64_t);
typedef palStatus_t (*up_osDelay_f)(uint32_t);
typedef palStatus_t (*up_osTimerCreate_f)(palTimerFuncPtr, void *, palTimerType_t, palTimerID_t *);
typedef palStatus_t (*up_osTimerStart_f)(palTimerID_t, uint32_t);
typedef palStatus_t (*up_osTimerStop_f)(palTimerID_t);
typedef palStatus_t (*up_osTimerDelete_f)(palTimerID_t *);
typedef palStatus_t (*up_osMutexCreate_f)(palMutexID_t *);
typedef palStatus_t (*up_osMutexWait_f)(palMutexID_t, uint32_t);
typedef palStatus_t (*up_osMutexRelease_f)(palMutexID_t);
typedef palStatus_t (*up_osMutexDelete_f)(palMutexID_t *);
typedef palStatus_t (*up_osSemaphoreCreate_f)(uint32_t, palSemaphoreID_t *);
typedef palStatus_t (*up_osSemaphoreWait_f)(palSemaphoreID_t, uint32_t, int32_t *);
typedef palStatus_t (*up_osSemaphoreRelease_f)(palSemaphoreID_t);
typedef palStatus_t (*up_osSemaphoreDelete_f)(palSemaphoreID_t *);
typedef palStatus_t (*up_osRandomBuffer_f)(uint8_t *, size_t);

static const up_send_f c_send = pal_send;
static const up_recv_f c_recv = pal_recv;
static const up_sendTo_f c_sendTo = pal_sendTo;
static const up_receiveFrom_f c_receiveFrom = pal_receiveFrom;
static const up_setSocketOptions_f c_setSocketOptions = pal_setSocketOptions;
static const up_isNonBlocking_f c_isNonBlocking = pal_isNonBlocking;
static const up_close_f c_close = pal_close;
static const up_asynchronousSocket_f c_asynchronousSocket = pal_asynchronousSocket;
static const up_asynchronousSocketWithArgument_f c_asynchronousSocketWithArgument =
    pal_asynchronousSocketWithArgument;
static const up_osKernelSysTick_f c_osKernelSysTick = pal_osKernelSysTick;
static const up_osKernelSysTickFrequency_f c_osKernelSysTickFrequency = pal_osKernelSysTickFrequency;
static const up_osGetTime_f c_osGetTime = pal_osGetTime;
static const up_osSetTime_f c_osSetTime = pal_osSetTime;
static const up_osDelay_f c_osDelay = pal_osDelay;
static const up_osTimerCreate_f c_osTimerCreate = pal_osTimerCreate;
static const up_osTimerStart_f c_osTimerStart = pal_osTimerStart;
static const up_osTimerStop_f c_osTimerStop = pal_osTimerStop;
static const up_osTimerDelete_f c_osTimerDelete = pal_osTimerDelete;
static const up_osMutexCreate_f c_osMutexCreate = pal_osMutexCreate;
static const up_osMutexWait_f c_osMutexWait = pal_osMutexWait;
static const up_osMutexRelease_f c_osMutexRelease = pal_osMutexRelease;
static const up_osMutexDelete_f c_osMutexDelete = pal_osMutexDelete;
static const up_osSemaphoreCreate_f c_osSemaphoreCreate = pal_osSemaphoreCreate;
static const up_osSemaphoreWait_f c_osSemaphoreWait = pal_osSemaphoreWait;
static const up_osSemaphoreRelease_f c_osSemaphoreRelease = pal_osSemaphoreRelease;
static const up_osSemaphoreDelete_f c_osSemaphoreDelete = pal_osSemaphoreDelete;
static const up_osRandomBuffer_f c_osRandomBuffer = pal_osRandomBuffer;

/* ---- callback types: upstream-shaped functions must fit them ---- */
static int up_bio_send(palTLSSocketHandle_t socket, const unsigned char *buf, size_t len)
{
    (void)socket;
    (void)buf;
    return (int)len;
}

static int up_bio_recv(palTLSSocketHandle_t socket, unsigned char *buf, size_t len)
{
    (void)socket;
    (void)buf;
    return (int)len;
}

static int up_verify(void *a, void *b, int depth, uint32_t *flags)
{
    (void)a;
    (void)b;
    (void)flags;
    return depth;
}

static void up_set_timer(void *data, uint32_t intMs, uint32_t finMs)
{
    (void)data;
    (void)intMs;
    (void)finMs;
}

static int up_get_timer(void *data)
{
    (void)data;
    return -1;
}

static void up_log(void *context, int debugLevel, const char *fileName, int line, const char *message)
{
    (void)context;
    (void)debugLevel;
    (void)fileName;
    (void)line;
    (void)message;
}

static int up_entropy(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    (void)output;
    *olen = len;
    return 0;
}

static void up_socket_callback(void *argument)
{
    (void)argument;
}

static void up_timer_callback(void const *argument)
{
    (void)argument;
}

/* The services the way the platform file and the upstream tests use them. */
static palStatus_t compat_call_services(void)
{
    palSocket_t socket = NULL;
    palSocketAddress_t address = { 0 };
    palSocketLength_t length = sizeof(address);
    palTimerID_t timer = NULLPTR;
    palMutexID_t mutex = NULLPTR;
    palSemaphoreID_t semaphore = NULLPTR;
    uint8_t buffer[16] = { 0 };
    uint32_t timeout = 100;
    int32_t available = 0;
    size_t count = 0;
    bool non_blocking = false;
    palStatus_t status = PAL_SUCCESS;

    status |= c_asynchronousSocket(PAL_AF_INET, PAL_SOCK_DGRAM, true, 0, up_socket_callback, &socket);
    status |= c_asynchronousSocketWithArgument(PAL_AF_INET, PAL_SOCK_STREAM, true, 0, up_socket_callback, NULL,
                                               &socket);
    status |= c_isNonBlocking(socket, &non_blocking);
    status |= c_setSocketOptions(socket, PAL_SO_RCVTIMEO, &timeout, sizeof(timeout));
    status |= c_send(socket, buffer, sizeof(buffer), &count);
    status |= c_recv(socket, buffer, sizeof(buffer), &count);
    status |= c_sendTo(socket, buffer, sizeof(buffer), &address, length, &count);
    status |= c_receiveFrom(socket, buffer, sizeof(buffer), &address, &length, &count);
    status |= c_close(&socket);
    status |= c_osTimerCreate(up_timer_callback, NULL, palOsTimerOnce, &timer);
    status |= c_osTimerStart(timer, 10);
    status |= c_osTimerStop(timer);
    status |= c_osTimerDelete(&timer);
    status |= c_osMutexCreate(&mutex);
    status |= c_osMutexWait(mutex, PAL_RTOS_WAIT_FOREVER);
    status |= c_osMutexRelease(mutex);
    status |= c_osMutexDelete(&mutex);
    status |= c_osSemaphoreCreate(1, &semaphore);
    status |= c_osSemaphoreWait(semaphore, 10, &available);
    status |= c_osSemaphoreRelease(semaphore);
    status |= c_osSemaphoreDelete(&semaphore);
    status |= c_osRandomBuffer(buffer, sizeof(buffer));
    status |= c_osSetTime(c_osGetTime());
    status |= c_osDelay((uint32_t)(c_osKernelSysTick() % c_osKernelSysTickFrequency()));
    return status;
}

static const up_initTLSLibrary_f c_initTLSLibrary = pal_initTLSLibrary;
static const up_cleanupTLS_f c_cleanupTLS = pal_cleanupTLS;
static const up_initTLS_f c_initTLS = pal_initTLS;
static const up_freeTLS_f c_freeTLS = pal_freeTLS;
static const up_addEntropySource_f c_addEntropySource = pal_addEntropySource;
static const up_initTLSConfiguration_f c_initTLSConfiguration = pal_initTLSConfiguration;
static const up_tlsConfigurationFree_f c_tlsConfigurationFree = pal_tlsConfigurationFree;
static const up_setOwnCertChain_f c_setOwnCertChain = pal_setOwnCertChain;
static const up_initPrivateKey_f c_initPrivateKey = pal_initPrivateKey;
static const up_setOwnPrivateKey_f c_setOwnPrivateKey = pal_setOwnPrivateKey;
static const up_setCAChain_f c_setCAChain = pal_setCAChain;
static const up_setPSK_f c_setPSK = pal_setPSK;
static const up_tlsSetSocket_f c_tlsSetSocket = pal_tlsSetSocket;
static const up_handShake_f c_handShake = pal_handShake;
static const up_setHandShakeTimeOut_f c_setHandShakeTimeOut = pal_setHandShakeTimeOut;
static const up_sslGetVerifyResultExtended_f c_sslGetVerifyResultExtended = pal_sslGetVerifyResultExtended;
static const up_sslRead_f c_sslRead = pal_sslRead;
static const up_sslWrite_f c_sslWrite = pal_sslWrite;
static const up_sslSetDebugging_f c_sslSetDebugging = pal_sslSetDebugging;
static const up_sslDebugging_f c_sslDebugging = pal_sslDebugging;
static const up_store_cid_f c_store_cid = pal_store_cid;
static const up_remove_cid_f c_remove_cid = pal_remove_cid;
static const up_is_cid_available_f c_is_cid_available = pal_is_cid_available;
static const up_setDTLSSocketCallback_f c_setDTLSSocketCallback = pal_setDTLSSocketCallback;
static const up_set_cid_value_f c_set_cid_value = pal_set_cid_value;

static const up_plat_initTLSLibrary_f c_plat_initTLSLibrary = pal_plat_initTLSLibrary;
static const up_plat_cleanupTLS_f c_plat_cleanupTLS = pal_plat_cleanupTLS;
static const up_plat_initTLSConf_f c_plat_initTLSConf = pal_plat_initTLSConf;
static const up_plat_tlsConfigurationFree_f c_plat_tlsConfigurationFree = pal_plat_tlsConfigurationFree;
static const up_plat_initTLS_f c_plat_initTLS = pal_plat_initTLS;
static const up_plat_freeTLS_f c_plat_freeTLS = pal_plat_freeTLS;
static const up_plat_addEntropySource_f c_plat_addEntropySource = pal_plat_addEntropySource;
static const up_plat_setCipherSuites_f c_plat_setCipherSuites = pal_plat_setCipherSuites;
static const up_plat_sslGetVerifyResultExtended_f c_plat_sslGetVerifyResultExtended =
    pal_plat_sslGetVerifyResultExtended;
static const up_plat_sslRead_f c_plat_sslRead = pal_plat_sslRead;
static const up_plat_sslWrite_f c_plat_sslWrite = pal_plat_sslWrite;
static const up_plat_setHandShakeTimeOut_f c_plat_setHandShakeTimeOut = pal_plat_setHandShakeTimeOut;
static const up_plat_sslSetup_f c_plat_sslSetup = pal_plat_sslSetup;
static const up_plat_handShake_f c_plat_handShake = pal_plat_handShake;
static const up_plat_tlsSetSocket_f c_plat_tlsSetSocket = pal_plat_tlsSetSocket;
static const up_plat_setOwnCertChain_f c_plat_setOwnCertChain = pal_plat_setOwnCertChain;
static const up_plat_setOwnPrivateKey_f c_plat_setOwnPrivateKey = pal_plat_setOwnPrivateKey;
static const up_plat_setCAChain_f c_plat_setCAChain = pal_plat_setCAChain;
static const up_plat_setPSK_f c_plat_setPSK = pal_plat_setPSK;
static const up_plat_setAuthenticationMode_f c_plat_setAuthenticationMode = pal_plat_setAuthenticationMode;
static const up_plat_sslSetDebugging_f c_plat_sslSetDebugging = pal_plat_sslSetDebugging;
static const up_plat_sslSetIOCallBacks_f c_plat_sslSetIOCallBacks = pal_plat_sslSetIOCallBacks;
static const up_plat_setTimeCB_f c_plat_setTimeCB = pal_plat_setTimeCB;
static const up_plat_SetLoggingCb_f c_plat_SetLoggingCb = pal_plat_SetLoggingCb;
static const up_plat_SetDTLSSocketCallback_f c_plat_SetDTLSSocketCallback = pal_plat_SetDTLSSocketCallback;
#if PAL_USE_SECURE_TIME
static const up_plat_renegotiate_f c_plat_renegotiate = pal_plat_renegotiate;
#endif

#if (PAL_USE_SSL_SESSION_RESUME == 1)
static const up_enableSslSessionStoring_f c_enableSslSessionStoring = pal_enableSslSessionStoring;
static const up_plat_GetSslSessionBuffer_f c_plat_GetSslSessionBuffer = pal_plat_GetSslSessionBuffer;
static const up_plat_SetSslSession_f c_plat_SetSslSession = pal_plat_SetSslSession;
static const up_plat_saveSslSessionBuffer_f c_plat_saveSslSessionBuffer = pal_plat_saveSslSessionBuffer;
static const up_plat_loadSslSession_f c_plat_loadSslSession = pal_plat_loadSslSession;
static const up_plat_removeSslSession_f c_plat_removeSslSession = pal_plat_removeSslSession;
static const up_plat_sslSessionAvailable_f c_plat_sslSessionAvailable = pal_plat_sslSessionAvailable;
static const up_plat_get_cid_f c_plat_get_cid = pal_plat_get_cid;
static const up_plat_set_cid_f c_plat_set_cid = pal_plat_set_cid;
static const up_plat_set_cid_value_f c_plat_set_cid_value = pal_plat_set_cid_value;
static const up_plat_get_cid_value_f c_plat_get_cid_value = pal_plat_get_cid_value;
#endif

/* Names upstream declares only in some configurations must be free in the others: a static
 * object of the same name conflicts with any declaration of it in our headers. */
#ifndef PAL_TLS_SUPPORT_SERVER_MODE
static const int PAL_TLS_IS_SERVER = 0;
#endif
#if (PAL_USE_SSL_SESSION_RESUME != 1)
static const int pal_enableSslSessionStoring = 0;
static const int pal_plat_saveSslSessionBuffer = 0;
static const int pal_plat_set_cid_value = 0;
#endif

/* Every call the way upstream code makes it. Never run (it needs a peer and credentials); the
 * executable references it so that every name must also link. */
void compat_call_everything(void)
{
    palTLSConfHandle_t conf = NULLPTR;
    palTLSConfHandle_t plat_conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    palTLSHandle_t plat_tls = NULLPTR;
    palSocketAddress_t address = { 0 };
    palTLSSocket_t socket = { NULL, &address, sizeof(address), PAL_DTLS_MODE };
    palX509_t certificate = { NULL, 0 };
    palX509CRL_t crl = { NULL, 0 };
    palPrivateKey_t key;
    const unsigned char identity[] = "id";
    const unsigned char psk[] = { 1, 2, 3, 4 };
    uint8_t buffer[32] = { 0 };
    uint32_t count = 0;
    int32_t verify = 0;
    uint64_t server_time = 0;
    palTimerCtx_t timer_ctx = NULL;
    palStatus_t status = PAL_SUCCESS;
    bool available;
    palVerifyCallback_f verify_cb = up_verify;

    status |= c_initTLSLibrary();
    status |= c_addEntropySource(up_entropy);
    status |= c_initTLSConfiguration(&conf, PAL_TLS_MODE);
    status |= c_initPrivateKey(buffer, sizeof(buffer), &key);
    status |= c_setOwnPrivateKey(conf, &key);
    status |= c_setOwnCertChain(conf, &certificate);
    status |= c_setCAChain(conf, &certificate, &crl);
    status |= c_setPSK(conf, identity, 2, psk, sizeof(psk));
    status |= c_initTLS(conf, &tls, false);
    status |= c_tlsSetSocket(conf, &socket);
    status |= c_setHandShakeTimeOut(conf, 1000, 8000);
    c_setDTLSSocketCallback(conf, up_socket_callback, NULL);
    status |= c_handShake(tls, conf, false);
    status |= c_sslGetVerifyResultExtended(tls, &verify);
    status |= c_sslWrite(tls, conf, buffer, sizeof(buffer), &count);
    status |= c_sslRead(tls, buffer, sizeof(buffer), &count);
    status |= c_sslSetDebugging(conf, 1);
    status |= c_sslDebugging(0);
    c_set_cid_value(tls, conf, buffer, 4);
    c_store_cid();
    available = c_is_cid_available();
    c_remove_cid();
    status |= c_freeTLS(&tls);
    status |= c_tlsConfigurationFree(&conf);

#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    status |= c_plat_initTLSConf(&plat_conf, PAL_DTLS_MODE, PAL_TLS_IS_SERVER);
#endif
    status |= c_plat_initTLSLibrary();
    status |= c_plat_addEntropySource(up_entropy);
    status |= c_plat_initTLSConf(&plat_conf, PAL_DTLS_MODE, PAL_TLS_IS_CLIENT);
    status |= c_plat_setAuthenticationMode(plat_conf, PAL_TLS_VERIFY_REQUIRED);
    status |= c_plat_setCipherSuites(plat_conf, PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
    status |= c_plat_setOwnPrivateKey(plat_conf, &key);
    status |= c_plat_setOwnCertChain(plat_conf, &certificate);
    status |= c_plat_setCAChain(plat_conf, &certificate, &crl);
    status |= c_plat_setPSK(plat_conf, identity, 2, psk, sizeof(psk));
    status |= c_plat_initTLS(plat_conf, &plat_tls);
    status |= c_plat_sslSetup(plat_tls, plat_conf);
    status |= c_plat_tlsSetSocket(plat_conf, &socket);
    status |= c_plat_sslSetIOCallBacks(plat_conf, &socket, up_bio_send, up_bio_recv);
    status |= c_plat_setTimeCB(&plat_tls, timer_ctx, up_set_timer, up_get_timer);
    status |= c_plat_setHandShakeTimeOut(plat_conf, 1000, 8000);
    status |= c_plat_SetLoggingCb(plat_conf, up_log, NULL);
    status |= c_plat_sslSetDebugging(plat_conf, 0);
    c_plat_SetDTLSSocketCallback(plat_conf, up_socket_callback, NULL);
    status |= c_plat_handShake(plat_tls, &server_time);
#if PAL_USE_SECURE_TIME
    status |= c_plat_renegotiate(plat_tls, server_time);
#endif
    status |= c_plat_sslGetVerifyResultExtended(plat_tls, &verify);
    status |= c_plat_sslWrite(plat_tls, buffer, sizeof(buffer), &count);
    status |= c_plat_sslRead(plat_tls, buffer, sizeof(buffer), &count);
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    {
        size_t size = 0;
        size_t cid_len = 0;
        uint8_t *session = c_plat_GetSslSessionBuffer(plat_tls, &size);
        const uint8_t *context;
        int32_t result;

        c_enableSslSessionStoring(conf, true);
        c_plat_SetSslSession(plat_tls, session);
        result = c_plat_saveSslSessionBuffer(plat_tls);
        result |= c_plat_loadSslSession(plat_tls);
        available = available && c_plat_sslSessionAvailable();
        context = c_plat_get_cid(&size);
        c_plat_set_cid(context, size);
        c_plat_set_cid_value(plat_tls, buffer, 4);
        c_plat_get_cid_value(plat_tls, buffer, &cid_len);
        c_plat_removeSslSession();
        free(session);
        status |= result;
    }
#endif
    status |= c_plat_freeTLS(&plat_tls);
    status |= c_plat_tlsConfigurationFree(&plat_conf);
    status |= c_plat_cleanupTLS();
    status |= c_cleanupTLS();
    status |= compat_call_services();
#ifndef PAL_TLS_SUPPORT_SERVER_MODE
    status |= PAL_TLS_IS_SERVER;
#endif
#if (PAL_USE_SSL_SESSION_RESUME != 1)
    status |= pal_enableSslSessionStoring + pal_plat_saveSslSessionBuffer + pal_plat_set_cid_value;
#endif
    compat_sink(status, available, verify_cb);
}
