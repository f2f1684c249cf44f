/* PAL socket API: argument checks, then the platform port (pal_plat_network.h); plus the
 * OS-independent palSocketAddress_t helpers.
 *
 * Address lengths (palSocketLength_t) are accepted for API compatibility but not checked:
 * palSocketAddress_t is self-describing through addressType, and reference ports did not even
 * fill the length in (spec 7.3), so callers cannot be relied on to pass a meaningful one.
 * interfaceNum is ignored: ports use the system's routing. */
#include <string.h>

#include "pal_network.h"
#include "pal_plat_network.h"

/* addressData layout: port (network order) at 0..1, address (network order) from byte 2. */
#define PAL_ADDRESS_PORT_OFFSET 0u
#define PAL_ADDRESS_IP_OFFSET 2u

static bool pal_isValidDomain(palSocketDomain_t domain)
{
    return domain == PAL_AF_INET || domain == PAL_AF_INET6;
}

static bool pal_isValidType(palSocketType_t type)
{
    return type == PAL_SOCK_STREAM || type == PAL_SOCK_DGRAM || type == PAL_SOCK_STREAM_SERVER;
}

static bool pal_isValidAddressFamily(const palSocketAddress_t *address)
{
    return address->addressType == PAL_AF_INET || address->addressType == PAL_AF_INET6;
}

static palStatus_t pal_createSocket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                                    palAsyncSocketCallback_t callback, void *callbackArgument, palSocket_t *socket)
{
    palStatus_t status;
    palSocket_t created = NULL;

    if (socket == NULL || !pal_isValidType(type)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (!pal_isValidDomain(domain)) {
        return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
    }
    status = pal_plat_socket(domain, type, nonBlockingSocket, callback, callbackArgument, &created);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *socket = created;
    return PAL_SUCCESS;
}

palStatus_t pal_socket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                       uint32_t interfaceNum, palSocket_t *socket)
{
    (void)interfaceNum;
    return pal_createSocket(domain, type, nonBlockingSocket, NULL, NULL, socket);
}

palStatus_t pal_asynchronousSocketWithArgument(palSocketDomain_t domain, palSocketType_t type,
                                               bool nonBlockingSocket, uint32_t interfaceNum,
                                               palAsyncSocketCallback_t callback, void *callbackArgument,
                                               palSocket_t *socket)
{
    (void)interfaceNum;
    if (callback == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_createSocket(domain, type, nonBlockingSocket, callback, callbackArgument, socket);
}

palStatus_t pal_asynchronousSocket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                                   uint32_t interfaceNum, palAsyncSocketCallback_t callback, palSocket_t *socket)
{
    return pal_asynchronousSocketWithArgument(domain, type, nonBlockingSocket, interfaceNum, callback, NULL, socket);
}

/* Closing an already closed (NULL) handle succeeds: cleanup paths of the tests close their
 * sockets unconditionally (spec 8.37). */
palStatus_t pal_close(palSocket_t *socket)
{
    palStatus_t status;

    if (socket == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (*socket == NULL) {
        return PAL_SUCCESS;
    }
    status = pal_plat_close(socket);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *socket = NULL;
    return PAL_SUCCESS;
}

palStatus_t pal_bind(palSocket_t socket, palSocketAddress_t *myAddress, palSocketLength_t addressLength)
{
    if (socket == NULL || myAddress == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_bind(socket, myAddress, addressLength);
}

palStatus_t pal_listen(palSocket_t socket, int backlog)
{
    if (socket == NULL || backlog < 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_listen(socket, backlog);
}

palStatus_t pal_accept(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                       palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback,
                       void *callbackArgument)
{
    palStatus_t status;
    palSocket_t accepted = NULL;

    if (socket == NULL || address == NULL || addressLen == NULL || acceptedSocket == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_plat_accept(socket, address, addressLen, &accepted, callback, callbackArgument);
    if (status != PAL_SUCCESS) {
        return status;
    }
    *acceptedSocket = accepted;
    return PAL_SUCCESS;
}

palStatus_t pal_connect(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t addressLen)
{
    if (socket == NULL || address == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_connect(socket, address, addressLen);
}

/* Zero-length transfers are refused: a 0-byte receive would be indistinguishable from the end of
 * a stream, and a 0-byte send makes TLS' BIO loop forever on "nothing written". */
palStatus_t pal_send(palSocket_t socket, const void *buf, size_t len, size_t *sentDataSize)
{
    if (socket == NULL || buf == NULL || len == 0 || sentDataSize == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *sentDataSize = 0;
    return pal_plat_send(socket, buf, len, sentDataSize);
}

palStatus_t pal_recv(palSocket_t socket, void *buf, size_t len, size_t *recievedDataSize)
{
    if (socket == NULL || buf == NULL || len == 0 || recievedDataSize == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *recievedDataSize = 0;
    return pal_plat_recv(socket, buf, len, recievedDataSize);
}

palStatus_t pal_sendTo(palSocket_t socket, const void *buffer, size_t length, const palSocketAddress_t *to,
                       palSocketLength_t toLength, size_t *bytesSent)
{
    if (socket == NULL || buffer == NULL || length == 0 || to == NULL || bytesSent == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *bytesSent = 0;
    return pal_plat_sendTo(socket, buffer, length, to, toLength, bytesSent);
}

/* from and fromLength are optional, as with recvfrom(). */
palStatus_t pal_receiveFrom(palSocket_t socket, void *buffer, size_t length, palSocketAddress_t *from,
                            palSocketLength_t *fromLength, size_t *bytesReceived)
{
    if (socket == NULL || buffer == NULL || length == 0 || bytesReceived == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *bytesReceived = 0;
    return pal_plat_receiveFrom(socket, buffer, length, from, fromLength, bytesReceived);
}

palStatus_t pal_setSocketOptions(palSocket_t socket, int optionName, const void *optionValue,
                                 palSocketLength_t optionLength)
{
    if (socket == NULL || optionValue == NULL || optionLength == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_setSocketOptions(socket, optionName, optionValue, optionLength);
}

palStatus_t pal_isNonBlocking(palSocket_t socket, bool *isNonBlocking)
{
    if (socket == NULL || isNonBlocking == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_isNonBlocking(socket, isNonBlocking);
}

palStatus_t pal_getSocketAddress(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen)
{
    if (socket == NULL || address == NULL || addressLen == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_getSocketAddress(socket, address, addressLen);
}

palStatus_t pal_getAddressInfo(const char *hostname, palSocketAddress_t *address, palSocketLength_t *addressLength)
{
    if (hostname == NULL || hostname[0] == '\0' || address == NULL || addressLength == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    return pal_plat_getAddressInfo(hostname, address, addressLength);
}

palStatus_t pal_setSockAddrPort(palSocketAddress_t *address, uint16_t port)
{
    if (address == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (!pal_isValidAddressFamily(address)) {
        return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
    }
    address->addressData[PAL_ADDRESS_PORT_OFFSET] = (char)(uint8_t)(port >> 8);
    address->addressData[PAL_ADDRESS_PORT_OFFSET + 1u] = (char)(uint8_t)(port & 0xFFu);
    return PAL_SUCCESS;
}

palStatus_t pal_getSockAddrPort(const palSocketAddress_t *address, uint16_t *port)
{
    if (address == NULL || port == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (!pal_isValidAddressFamily(address)) {
        return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
    }
    *port = (uint16_t)(((uint16_t)(uint8_t)address->addressData[PAL_ADDRESS_PORT_OFFSET] << 8) |
                       (uint16_t)(uint8_t)address->addressData[PAL_ADDRESS_PORT_OFFSET + 1u]);
    return PAL_SUCCESS;
}

/* Sets the family too (an IPv4 address makes it an IPv4 socket address); the port is kept. */
palStatus_t pal_setSockAddrIPV4Addr(palSocketAddress_t *address, const palIpV4Addr_t ipV4Addr)
{
    if (address == NULL || ipV4Addr == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    address->addressType = PAL_AF_INET;
    memcpy(&address->addressData[PAL_ADDRESS_IP_OFFSET], ipV4Addr, PAL_IPV4_ADDRESS_SIZE);
    return PAL_SUCCESS;
}

palStatus_t pal_getSockAddrIPV4Addr(const palSocketAddress_t *address, palIpV4Addr_t ipV4Addr)
{
    if (address == NULL || ipV4Addr == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    if (address->addressType != PAL_AF_INET) {
        return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
    }
    memcpy(ipV4Addr, &address->addressData[PAL_ADDRESS_IP_OFFSET], PAL_IPV4_ADDRESS_SIZE);
    return PAL_SUCCESS;
}
