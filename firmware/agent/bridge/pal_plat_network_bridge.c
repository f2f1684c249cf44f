/* Socket bridge: pal_plat_network.h implemented over the paltls serial protocol. The host
 * performs the real TCP/UDP operations and answers each NET_REQ with a NET_RSP carrying a PAL
 * status; readiness of asynchronous sockets arrives as NET_EVENT frames and the registered
 * callbacks run from agent_poll() (ports without threads call it from semaphore waits and
 * delays) or at the end of any bridge call. Only the C library is used: no OS headers.
 *
 * Threads: the request frame (s_frame), the reply copy (s_reply) and the socket table are shared,
 * so every call builds its request, exchanges it and reads its reply between bridge_enter() and
 * bridge_leave(), under the agent's I/O lock (recursive: a callback may call the bridge again).
 * Calls from several threads are serialised; one request is on the line at a time. */
#include <string.h>

#include "agent_internal.h"
#include "pal_plat_network.h"

#ifndef BRIDGE_MAX_SOCKETS
#define BRIDGE_MAX_SOCKETS 8
#endif
#define BRIDGE_REPLY_TIMEOUT_MS 3000u
#define BRIDGE_ATTEMPTS 3
#define BRIDGE_DATA_MAX (AP_MAX_PAYLOAD - 64u)
#define BRIDGE_DEFAULT_BLOCKING_MS 30000u

typedef struct bridge_socket {
    uint32_t id; /* host id; 0 = free slot */
    bool non_blocking;
    uint32_t rcv_timeout_ms;
    palAsyncSocketCallback_t callback;
    void *argument;
    volatile uint8_t pending;
} bridge_socket_t;

static bridge_socket_t s_sockets[BRIDGE_MAX_SOCKETS];
static uint8_t s_frame[AP_MAX_FRAME];
static uint8_t s_reply[AP_MAX_PAYLOAD];

static bridge_socket_t *slot_of(palSocket_t socket)
{
    uint32_t id = (uint32_t)(uintptr_t)socket;
    if (id == 0) {
        return NULL;
    }
    for (size_t i = 0; i < BRIDGE_MAX_SOCKETS; i++) {
        if (s_sockets[i].id == id) {
            return &s_sockets[i];
        }
    }
    return NULL;
}

static void on_event(const ap_frame_t *frame)
{
    uint32_t id = 0, flags = 0;
    if (!ap_get_u32(frame, AT_SOCK, &id) || !ap_get_u32(frame, AT_FLAGS, &flags)) {
        return;
    }
    for (size_t i = 0; i < BRIDGE_MAX_SOCKETS; i++) {
        if (s_sockets[i].id == id && id != 0) {
            s_sockets[i].pending |= (uint8_t)flags;
        }
    }
}

/* Runs the callbacks of sockets with pending readiness. The flags are taken under the lock (on_event
 * sets them under it); the callbacks run without it, so they may block or call the bridge. */
static void deliver(void)
{
    palAsyncSocketCallback_t callbacks[BRIDGE_MAX_SOCKETS];
    void *arguments[BRIDGE_MAX_SOCKETS];
    size_t count = 0;

    agent_io_lock();
    for (size_t i = 0; i < BRIDGE_MAX_SOCKETS; i++) {
        bridge_socket_t *s = &s_sockets[i];
        if (s->id != 0 && s->pending != 0) {
            s->pending = 0;
            if (s->callback != NULL) {
                callbacks[count] = s->callback;
                arguments[count] = s->argument;
                count++;
            }
        }
    }
    agent_io_unlock();
    for (size_t i = 0; i < count; i++) {
        callbacks[i](arguments[i]);
    }
}

static void bridge_enter(void)
{
    agent_io_lock();
}

static void bridge_leave(void)
{
    agent_io_unlock();
    deliver();
}

static void begin(ap_writer_t *w, uint8_t op, uint32_t sock)
{
    ap_begin(w, s_frame, sizeof(s_frame));
    ap_put_u8(w, AT_OP, op);
    if (sock != 0) {
        ap_put_u32(w, AT_SOCK, sock);
    }
}

/* Sends the request (retransmitting with the same sequence number if no reply arrives; the host
 * answers a duplicate with its cached reply) and returns the PAL status of the reply. The reply
 * payload is left in s_reply / *reply; without a reply, *reply is empty. Caller: bridge_enter. */
static palStatus_t transact(ap_writer_t *w, ap_frame_t *reply, uint32_t wait_ms)
{
    uint16_t seq = agent_next_seq();
    size_t n = ap_finish(w, AP_NET_REQ, seq);
    int len = -1;
    if (n != 0) {
        uint32_t per_attempt = wait_ms + BRIDGE_REPLY_TIMEOUT_MS;
        for (int attempt = 0; attempt < BRIDGE_ATTEMPTS && len < 0; attempt++) {
            if (agent_write_raw(s_frame, n) != 0) {
                break;
            }
            len = agent_wait_reply(AP_NET_RSP, seq, s_reply, sizeof(s_reply), per_attempt);
        }
    }
    reply->type = AP_NET_RSP;
    reply->seq = seq;
    reply->payload = s_reply;
    reply->len = len < 0 ? 0 : (size_t)len;
    if (len < 0) {
        return PAL_ERR_SOCKET_GENERIC;
    }
    uint32_t status = (uint32_t)PAL_ERR_SOCKET_GENERIC;
    (void)ap_get_u32(reply, AT_STATUS, &status);
    return (palStatus_t)status;
}

static void put_address(ap_writer_t *w, const palSocketAddress_t *address)
{
    uint16_t port = (uint16_t)(((uint8_t)address->addressData[0] << 8) | (uint8_t)address->addressData[1]);
    if (address->addressType == PAL_AF_INET6) {
        ap_put(w, AT_ADDR, address->addressData + 2, PAL_IPV6_ADDRESS_SIZE);
    } else {
        ap_put(w, AT_ADDR, address->addressData + 2, PAL_IPV4_ADDRESS_SIZE);
    }
    ap_put_u16(w, AT_PORT, port);
}

static bool get_address(const ap_frame_t *reply, palSocketAddress_t *address, palSocketLength_t *length)
{
    ap_tlv_t addr;
    uint32_t port = 0;
    if (!ap_find(reply, AT_ADDR, &addr) || (addr.len != 4 && addr.len != 16)) {
        return false;
    }
    (void)ap_get_u32(reply, AT_PORT, &port);
    memset(address, 0, sizeof(*address));
    address->addressType = addr.len == 4 ? PAL_AF_INET : PAL_AF_INET6;
    address->addressData[0] = (char)(port >> 8);
    address->addressData[1] = (char)port;
    memcpy(address->addressData + 2, addr.value, addr.len);
    if (length) {
        *length = sizeof(palSocketAddress_t);
    }
    return true;
}

static uint32_t blocking_wait(const bridge_socket_t *s)
{
    if (s == NULL || s->non_blocking) {
        return 0;
    }
    return s->rcv_timeout_ms ? s->rcv_timeout_ms : BRIDGE_DEFAULT_BLOCKING_MS;
}

palStatus_t pal_plat_socketsInit(void)
{
    agent_set_bridge_hooks(on_event, deliver);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_socketsTerminate(void)
{
    for (size_t i = 0; i < BRIDGE_MAX_SOCKETS; i++) {
        if (s_sockets[i].id != 0) {
            palSocket_t sock = (palSocket_t)(uintptr_t)s_sockets[i].id;
            (void)pal_plat_close(&sock);
        }
    }
    return PAL_SUCCESS;
}

/* A socket slot not in use, or NULL when all BRIDGE_MAX_SOCKETS are taken. Caller: bridge_enter. */
static bridge_socket_t *free_slot(void)
{
    for (size_t i = 0; i < BRIDGE_MAX_SOCKETS; i++) {
        if (s_sockets[i].id == 0) {
            return &s_sockets[i];
        }
    }
    return NULL;
}

static void claim_slot(bridge_socket_t *slot, uint32_t id, bool non_blocking, palAsyncSocketCallback_t callback,
                       void *argument)
{
    slot->non_blocking = non_blocking;
    slot->rcv_timeout_ms = 0;
    slot->callback = callback;
    slot->argument = argument;
    slot->pending = 0;
    slot->id = id;
}

/* The socket id of a SOCKET or ACCEPT reply; a success without one is a host error. */
static palStatus_t reply_socket_id(palStatus_t status, const ap_frame_t *reply, uint32_t *id)
{
    *id = 0;
    if (status == PAL_SUCCESS && (!ap_get_u32(reply, AT_SOCK, id) || *id == 0)) {
        return PAL_ERR_SOCKET_GENERIC;
    }
    return status;
}

static palStatus_t new_socket_locked(palSocketDomain_t domain, palSocketType_t type, bool nonBlocking,
                                     palAsyncSocketCallback_t callback, void *argument, palSocket_t *socket)
{
    bridge_socket_t *slot = free_slot();
    if (slot == NULL) {
        return PAL_ERR_SOCKET_ALLOCATION_FAILED;
    }
    ap_writer_t w;
    ap_frame_t reply;
    begin(&w, AP_NET_SOCKET, 0);
    ap_put_u8(&w, AT_DOMAIN, (uint8_t)domain);
    ap_put_u8(&w, AT_SOCKTYPE, (uint8_t)type);
    ap_put_u8(&w, AT_NONBLOCK, nonBlocking ? 1 : 0);
    ap_put_u8(&w, AT_FLAGS, callback != NULL ? 1 : 0);
    uint32_t id = 0;
    palStatus_t status = reply_socket_id(transact(&w, &reply, 0), &reply, &id);
    if (status != PAL_SUCCESS) {
        return status;
    }
    claim_slot(slot, id, nonBlocking, callback, argument);
    *socket = (palSocket_t)(uintptr_t)id;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_socket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                            palAsyncSocketCallback_t callback, void *callbackArgument, palSocket_t *socket)
{
    bridge_enter();
    palStatus_t status = new_socket_locked(domain, type, nonBlockingSocket, callback, callbackArgument, socket);
    bridge_leave();
    return status;
}

palStatus_t pal_plat_close(palSocket_t *socket)
{
    palStatus_t status = PAL_SUCCESS;
    bridge_enter();
    bridge_socket_t *s = slot_of(*socket);
    if (s != NULL) {
        ap_writer_t w;
        ap_frame_t reply;
        begin(&w, AP_NET_CLOSE, s->id);
        s->id = 0;
        s->callback = NULL;
        status = transact(&w, &reply, 0);
    }
    *socket = 0;
    bridge_leave();
    return status;
}

palStatus_t pal_plat_bind(palSocket_t socket, palSocketAddress_t *myAddress, palSocketLength_t addressLength)
{
    (void)addressLength;
    ap_writer_t w;
    ap_frame_t reply;
    bridge_enter();
    begin(&w, AP_NET_BIND, (uint32_t)(uintptr_t)socket);
    put_address(&w, myAddress);
    palStatus_t status = transact(&w, &reply, 0);
    bridge_leave();
    return status;
}

palStatus_t pal_plat_listen(palSocket_t socket, int backlog)
{
    ap_writer_t w;
    ap_frame_t reply;
    bridge_enter();
    begin(&w, AP_NET_LISTEN, (uint32_t)(uintptr_t)socket);
    ap_put_u32(&w, AT_LEN, (uint32_t)backlog);
    palStatus_t status = transact(&w, &reply, 0);
    bridge_leave();
    return status;
}

static palStatus_t accept_locked(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                                 palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback, void *callbackArgument)
{
    bridge_socket_t *listener = slot_of(socket);
    bridge_socket_t *slot = free_slot();
    if (slot == NULL) {
        return PAL_ERR_SOCKET_ALLOCATION_FAILED;
    }
    ap_writer_t w;
    ap_frame_t reply;
    uint32_t wait = blocking_wait(listener);
    begin(&w, AP_NET_ACCEPT, (uint32_t)(uintptr_t)socket);
    ap_put_u32(&w, AT_TIMEOUT, wait);
    uint32_t id = 0;
    palStatus_t status = reply_socket_id(transact(&w, &reply, wait), &reply, &id);
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (address != NULL) {
        (void)get_address(&reply, address, addressLen);
    }
    claim_slot(slot, id, listener ? listener->non_blocking : false, callback, callbackArgument);
    *acceptedSocket = (palSocket_t)(uintptr_t)id;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_accept(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                            palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback, void *callbackArgument)
{
    bridge_enter();
    palStatus_t status = accept_locked(socket, address, addressLen, acceptedSocket, callback, callbackArgument);
    bridge_leave();
    return status;
}

palStatus_t pal_plat_connect(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t addressLen)
{
    (void)addressLen;
    ap_writer_t w;
    ap_frame_t reply;
    bridge_enter();
    uint32_t wait = blocking_wait(slot_of(socket));
    begin(&w, AP_NET_CONNECT, (uint32_t)(uintptr_t)socket);
    put_address(&w, address);
    ap_put_u32(&w, AT_TIMEOUT, wait);
    palStatus_t status = transact(&w, &reply, wait);
    bridge_leave();
    return status;
}

/* One request carries at most BRIDGE_DATA_MAX bytes; the host reports how many it sent, which
 * is never believed beyond what the request carried. */
static palStatus_t send_common(uint8_t op, palSocket_t socket, const void *buf, size_t len,
                               const palSocketAddress_t *to, size_t *sent)
{
    ap_writer_t w;
    ap_frame_t reply;
    size_t chunk = len < BRIDGE_DATA_MAX ? len : BRIDGE_DATA_MAX;
    uint32_t count = 0;
    *sent = 0;
    bridge_enter();
    begin(&w, op, (uint32_t)(uintptr_t)socket);
    if (to != NULL) {
        put_address(&w, to);
    }
    ap_put(&w, AT_DATA, buf, chunk);
    palStatus_t status = transact(&w, &reply, blocking_wait(slot_of(socket)));
    if (status == PAL_SUCCESS && ap_get_u32(&reply, AT_LEN, &count)) {
        *sent = count < chunk ? count : chunk;
    }
    bridge_leave();
    return status;
}

palStatus_t pal_plat_send(palSocket_t socket, const void *buf, size_t len, size_t *sent)
{
    return send_common(AP_NET_SEND, socket, buf, len, NULL, sent);
}

palStatus_t pal_plat_sendTo(palSocket_t socket, const void *buffer, size_t length, const palSocketAddress_t *to,
                            palSocketLength_t toLength, size_t *bytesSent)
{
    (void)toLength;
    return send_common(AP_NET_SENDTO, socket, buffer, length, to, bytesSent);
}

static palStatus_t recv_locked(uint8_t op, palSocket_t socket, void *buf, size_t len, palSocketAddress_t *from,
                               palSocketLength_t *fromLength, size_t *received)
{
    uint32_t wait = blocking_wait(slot_of(socket));
    ap_writer_t w;
    ap_frame_t reply;
    begin(&w, op, (uint32_t)(uintptr_t)socket);
    ap_put_u32(&w, AT_LEN, (uint32_t)(len < BRIDGE_DATA_MAX ? len : BRIDGE_DATA_MAX));
    ap_put_u32(&w, AT_TIMEOUT, wait);
    palStatus_t status = transact(&w, &reply, wait);
    if (status != PAL_SUCCESS) {
        return status;
    }
    ap_tlv_t data;
    if (ap_find(&reply, AT_DATA, &data)) {
        size_t n = data.len < len ? data.len : len;
        memcpy(buf, data.value, n);
        *received = n;
    }
    if (from != NULL) {
        (void)get_address(&reply, from, fromLength);
    }
    return PAL_SUCCESS;
}

static palStatus_t recv_common(uint8_t op, palSocket_t socket, void *buf, size_t len, palSocketAddress_t *from,
                               palSocketLength_t *fromLength, size_t *received)
{
    *received = 0;
    bridge_enter();
    palStatus_t status = recv_locked(op, socket, buf, len, from, fromLength, received);
    bridge_leave();
    return status;
}

palStatus_t pal_plat_recv(palSocket_t socket, void *buf, size_t len, size_t *received)
{
    return recv_common(AP_NET_RECV, socket, buf, len, NULL, NULL, received);
}

palStatus_t pal_plat_receiveFrom(palSocket_t socket, void *buffer, size_t length, palSocketAddress_t *from,
                                 palSocketLength_t *fromLength, size_t *bytesReceived)
{
    return recv_common(AP_NET_RECVFROM, socket, buffer, length, from, fromLength, bytesReceived);
}

static palStatus_t set_option_locked(palSocket_t socket, int optionName, const void *optionValue,
                                     palSocketLength_t optionLength)
{
    bridge_socket_t *s = slot_of(socket);
    if (s == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (optionName == PAL_SO_RCVTIMEO && optionLength >= sizeof(uint32_t)) {
        uint32_t ms;
        memcpy(&ms, optionValue, sizeof(ms));
        s->rcv_timeout_ms = ms;
    }
    ap_writer_t w;
    ap_frame_t reply;
    begin(&w, AP_NET_SETOPT, s->id);
    ap_put_u32(&w, AT_OPTION, (uint32_t)optionName);
    ap_put(&w, AT_VALUE, optionValue, optionLength);
    return transact(&w, &reply, 0);
}

palStatus_t pal_plat_setSocketOptions(palSocket_t socket, int optionName, const void *optionValue,
                                      palSocketLength_t optionLength)
{
    bridge_enter();
    palStatus_t status = set_option_locked(socket, optionName, optionValue, optionLength);
    bridge_leave();
    return status;
}

palStatus_t pal_plat_isNonBlocking(palSocket_t socket, bool *isNonBlocking)
{
    palStatus_t status = PAL_SUCCESS;
    agent_io_lock();
    bridge_socket_t *s = slot_of(socket);
    if (s == NULL) {
        status = PAL_ERR_INVALID_ARGUMENT;
    } else {
        *isNonBlocking = s->non_blocking;
    }
    agent_io_unlock();
    return status;
}

palStatus_t pal_plat_getSocketAddress(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen)
{
    ap_writer_t w;
    ap_frame_t reply;
    bridge_enter();
    begin(&w, AP_NET_GETADDR, (uint32_t)(uintptr_t)socket);
    palStatus_t status = transact(&w, &reply, 0);
    if (status == PAL_SUCCESS && !get_address(&reply, address, addressLen)) {
        status = PAL_ERR_SOCKET_GENERIC;
    }
    bridge_leave();
    return status;
}

palStatus_t pal_plat_getAddressInfo(const char *hostname, palSocketAddress_t *address, palSocketLength_t *addressLength)
{
    ap_writer_t w;
    ap_frame_t reply;
    bridge_enter();
    begin(&w, AP_NET_RESOLVE, 0);
    ap_put_str(&w, AT_HOST, hostname);
    palStatus_t status = transact(&w, &reply, 0);
    if (status == PAL_SUCCESS && !get_address(&reply, address, addressLength)) {
        status = PAL_ERR_SOCKET_DNS_ERROR;
    }
    bridge_leave();
    return status;
}
