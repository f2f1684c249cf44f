/* PAL platform port for the benchmark executables (native and M3): single thread, no real
 * network, RAM storage, deterministic randomness. Sockets are endpoints of the in-memory
 * transport, so the PAL client goes through the whole PAL socket layer (pal_send/pal_recv,
 * pal_sendTo/pal_receiveFrom) exactly as on a device. Everything here is static: the port itself
 * allocates nothing, so heap figures are those of the PAL and Mbed TLS alone. */
#include <string.h>

#include "pal_plat_network.h"
#include "pal_plat_rtos.h"
#include "pal_plat_storage.h"

#include "bench.h"

/* ---- randomness ------------------------------------------------------------------------------ */
static uint32_t g_rng_state = 0x12345678u;

void bench_rng_seed(uint32_t seed)
{
    g_rng_state = seed != 0 ? seed : 0x12345678u;
}

int bench_rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        /* xorshift32: reproducible, cheap and good enough to drive a benchmark. NOT secure. */
        g_rng_state ^= g_rng_state << 13;
        g_rng_state ^= g_rng_state >> 17;
        g_rng_state ^= g_rng_state << 5;
        out[i] = (unsigned char)(g_rng_state >> 24);
    }
    return 0;
}

palStatus_t pal_plat_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes)
{
    (void)bench_rng(NULL, randomBuf, bufSizeBytes);
    return PAL_SUCCESS;
}

/* ---- RTOS ------------------------------------------------------------------------------------ */
#define BENCH_OBJECTS 48

typedef struct bench_object {
    int used;
    int32_t count; /* mutex recursion depth or semaphore count */
} bench_object_t;

static bench_object_t g_objects[BENCH_OBJECTS];

static palStatus_t object_new(uintptr_t *id, int32_t count)
{
    for (size_t i = 0; i < BENCH_OBJECTS; i++) {
        if (!g_objects[i].used) {
            g_objects[i].used = 1;
            g_objects[i].count = count;
            *id = (uintptr_t)&g_objects[i];
            return PAL_SUCCESS;
        }
    }
    return PAL_ERR_NO_MEMORY;
}

static palStatus_t object_delete(uintptr_t id)
{
    bench_object_t *object = (bench_object_t *)id;

    if (object == NULL || !object->used) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    object->used = 0;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_RTOSInitialize(void)
{
    return PAL_SUCCESS;
}

palStatus_t pal_plat_RTOSDestroy(void)
{
    return PAL_SUCCESS;
}

uint64_t pal_plat_osUptimeMs(void)
{
    return bench_uptime_ms();
}

palStatus_t pal_plat_osDelay(uint32_t milliseconds)
{
    (void)milliseconds;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osThreadCreate(palThreadFuncPtr function, void *funcArgument, palThreadPriority_t priority,
                                    uint32_t stackSize, palThreadID_t *threadID)
{
    (void)function;
    (void)funcArgument;
    (void)priority;
    (void)stackSize;
    (void)threadID;
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_plat_osThreadJoin(palThreadID_t threadID)
{
    (void)threadID;
    return PAL_ERR_NOT_SUPPORTED;
}

palThreadID_t pal_plat_osThreadGetId(void)
{
    return 1;
}

palStatus_t pal_plat_osMutexCreate(palMutexID_t *mutexID)
{
    return object_new(mutexID, 0);
}

palStatus_t pal_plat_osMutexWait(palMutexID_t mutexID, uint32_t millisec)
{
    (void)millisec;
    ((bench_object_t *)mutexID)->count++;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexRelease(palMutexID_t mutexID)
{
    bench_object_t *mutex = (bench_object_t *)mutexID;

    if (mutex->count <= 0) {
        return PAL_ERR_RTOS_RESOURCE;
    }
    mutex->count--;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexDelete(palMutexID_t mutexID)
{
    return object_delete(mutexID);
}

palStatus_t pal_plat_osSemaphoreCreate(uint32_t count, palSemaphoreID_t *semaphoreID)
{
    return object_new(semaphoreID, (int32_t)count);
}

palStatus_t pal_plat_osSemaphoreWait(palSemaphoreID_t semaphoreID, uint32_t millisec, int32_t *countersAvailable)
{
    bench_object_t *semaphore = (bench_object_t *)semaphoreID;

    (void)millisec;
    if (semaphore->count <= 0) {
        if (countersAvailable != NULL) {
            *countersAvailable = 0;
        }
        return PAL_ERR_RTOS_TIMEOUT; /* single thread: nobody could release it */
    }
    semaphore->count--;
    if (countersAvailable != NULL) {
        *countersAvailable = semaphore->count;
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osSemaphoreRelease(palSemaphoreID_t semaphoreID)
{
    ((bench_object_t *)semaphoreID)->count++;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osSemaphoreDelete(palSemaphoreID_t semaphoreID)
{
    return object_delete(semaphoreID);
}

/* Timers exist but never fire: the in-memory transport loses nothing, so no DTLS retransmission
 * is ever due, and the PAL only arms its timer when a socket callback is registered. */
palStatus_t pal_plat_osTimerCreate(palTimerFuncPtr function, void *funcArgument, palTimerType_t timerType,
                                   palTimerID_t *timerID)
{
    (void)function;
    (void)funcArgument;
    (void)timerType;
    return object_new(timerID, 0);
}

palStatus_t pal_plat_osTimerStart(palTimerID_t timerID, uint32_t millisec)
{
    (void)timerID;
    (void)millisec;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerStop(palTimerID_t timerID)
{
    (void)timerID;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osTimerDelete(palTimerID_t timerID)
{
    return object_delete(timerID);
}

/* ---- storage: a small RAM key/value table ----------------------------------------------------- */
#define BENCH_STORAGE_ITEMS 8
#define BENCH_STORAGE_KEY 72
#define BENCH_STORAGE_DATA 64

typedef struct bench_item {
    char key[BENCH_STORAGE_KEY];
    uint8_t data[BENCH_STORAGE_DATA];
    size_t size;
    int used;
} bench_item_t;

static bench_item_t g_items[BENCH_STORAGE_ITEMS];

static bench_item_t *item_find(const char *key)
{
    for (size_t i = 0; i < BENCH_STORAGE_ITEMS; i++) {
        if (g_items[i].used && strcmp(g_items[i].key, key) == 0) {
            return &g_items[i];
        }
    }
    return NULL;
}

palStatus_t pal_plat_storageInit(void)
{
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageRead(const char *key, uint8_t *data, size_t data_size, size_t *actual_size)
{
    bench_item_t *item = item_find(key);

    if (item == NULL) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    *actual_size = item->size;
    if (data_size < item->size) {
        return PAL_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(data, item->data, item->size);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageWrite(const char *key, const uint8_t *data, size_t data_size)
{
    bench_item_t *item = item_find(key);

    if (strlen(key) >= BENCH_STORAGE_KEY || data_size > BENCH_STORAGE_DATA) {
        return PAL_ERR_NO_MEMORY;
    }
    for (size_t i = 0; item == NULL && i < BENCH_STORAGE_ITEMS; i++) {
        if (!g_items[i].used) {
            item = &g_items[i];
        }
    }
    if (item == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    strcpy(item->key, key);
    memcpy(item->data, data, data_size);
    item->size = data_size;
    item->used = 1;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageDelete(const char *key)
{
    bench_item_t *item = item_find(key);

    if (item == NULL) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    item->used = 0;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageReset(void)
{
    memset(g_items, 0, sizeof(g_items));
    return PAL_SUCCESS;
}

/* ---- sockets: endpoints of the in-memory transport --------------------------------------------- */
static bench_endpoint_t *g_next_endpoint;

void bench_port_set_next_endpoint(bench_endpoint_t *ep)
{
    g_next_endpoint = ep;
}

palStatus_t pal_plat_socketsInit(void)
{
    return PAL_SUCCESS;
}

palStatus_t pal_plat_socketsTerminate(void)
{
    return PAL_SUCCESS;
}

palStatus_t pal_plat_socket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                            palAsyncSocketCallback_t callback, void *callbackArgument, palSocket_t *socket)
{
    (void)domain;
    (void)type;
    (void)nonBlockingSocket;
    (void)callback;
    (void)callbackArgument;
    if (g_next_endpoint == NULL) {
        return PAL_ERR_SOCKET_ALLOCATION_FAILED;
    }
    *socket = g_next_endpoint;
    g_next_endpoint = NULL;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_close(palSocket_t *socket)
{
    *socket = NULL;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_bind(palSocket_t socket, palSocketAddress_t *myAddress, palSocketLength_t addressLength)
{
    (void)socket;
    (void)myAddress;
    (void)addressLength;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_listen(palSocket_t socket, int backlog)
{
    (void)socket;
    (void)backlog;
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_plat_accept(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                            palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback, void *callbackArgument)
{
    (void)socket;
    (void)address;
    (void)addressLen;
    (void)acceptedSocket;
    (void)callback;
    (void)callbackArgument;
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_plat_connect(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t addressLen)
{
    (void)socket;
    (void)address;
    (void)addressLen;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_send(palSocket_t socket, const void *buf, size_t len, size_t *sent)
{
    *sent = bench_net_send((bench_endpoint_t *)socket, buf, len);
    return *sent == 0 ? PAL_ERR_SOCKET_WOULD_BLOCK : PAL_SUCCESS;
}

palStatus_t pal_plat_recv(palSocket_t socket, void *buf, size_t len, size_t *received)
{
    *received = bench_net_recv((bench_endpoint_t *)socket, buf, len);
    return *received == 0 ? PAL_ERR_SOCKET_WOULD_BLOCK : PAL_SUCCESS;
}

palStatus_t pal_plat_sendTo(palSocket_t socket, const void *buffer, size_t length, const palSocketAddress_t *to,
                            palSocketLength_t toLength, size_t *bytesSent)
{
    (void)to;
    (void)toLength;
    return pal_plat_send(socket, buffer, length, bytesSent);
}

palStatus_t pal_plat_receiveFrom(palSocket_t socket, void *buffer, size_t length, palSocketAddress_t *from,
                                 palSocketLength_t *fromLength, size_t *bytesReceived)
{
    palStatus_t status = pal_plat_recv(socket, buffer, length, bytesReceived);

    if (status == PAL_SUCCESS && from != NULL) {
        memset(from, 0, sizeof(*from));
        from->addressType = PAL_AF_INET;
        if (fromLength != NULL) {
            *fromLength = PAL_NET_MAX_ADDR_SIZE;
        }
    }
    return status;
}

palStatus_t pal_plat_setSocketOptions(palSocket_t socket, int optionName, const void *optionValue,
                                      palSocketLength_t optionLength)
{
    (void)socket;
    (void)optionName;
    (void)optionValue;
    (void)optionLength;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_isNonBlocking(palSocket_t socket, bool *isNonBlocking)
{
    (void)socket;
    *isNonBlocking = true;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_getSocketAddress(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen)
{
    (void)socket;
    memset(address, 0, sizeof(*address));
    address->addressType = PAL_AF_INET;
    *addressLen = PAL_NET_MAX_ADDR_SIZE;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_getAddressInfo(const char *hostname, palSocketAddress_t *address, palSocketLength_t *addressLength)
{
    (void)hostname;
    (void)address;
    (void)addressLength;
    return PAL_ERR_NOT_SUPPORTED;
}
