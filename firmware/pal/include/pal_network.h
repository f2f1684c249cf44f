#ifndef PAL_NETWORK_H
#define PAL_NETWORK_H

#include "pal_types.h"

#define PAL_NET_MAX_ADDR_SIZE 32
#define PAL_IPV4_ADDRESS_SIZE 4
#define PAL_IPV6_ADDRESS_SIZE 16

typedef void *palSocket_t;
typedef uint32_t palSocketLength_t;

typedef struct palSocketAddress {
    unsigned short addressType;
    char addressData[PAL_NET_MAX_ADDR_SIZE];
} palSocketAddress_t;

typedef uint8_t palIpV4Addr_t[PAL_IPV4_ADDRESS_SIZE];
typedef uint8_t palIpV6Addr_t[PAL_IPV6_ADDRESS_SIZE];

typedef enum {
    PAL_AF_UNSPEC = 0,
    PAL_AF_INET = 2,
    PAL_AF_INET6 = 10,
} palSocketDomain_t;

typedef enum {
    PAL_SOCK_STREAM = 1,
    PAL_SOCK_DGRAM = 2,
    PAL_SOCK_STREAM_SERVER = 99,
} palSocketType_t;

typedef enum {
    PAL_SO_REUSEADDR = 0x0004,
    PAL_SO_KEEPALIVE = 0x0008,
    PAL_SO_SNDTIMEO = 0x1005,
    PAL_SO_RCVTIMEO = 0x1006,
} palSocketOptionName_t;

typedef void (*palAsyncSocketCallback_t)(void *argument);

/* Socket API (non-blocking sockets return PAL_ERR_SOCKET_WOULD_BLOCK / _IN_PROGRES). An
 * asynchronous socket calls callback(callbackArgument) from a port thread whenever the socket may
 * have become readable or writable; callers then retry their operation. */
palStatus_t pal_socket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                       uint32_t interfaceNum, palSocket_t *socket);
/* Upstream's pair: the callback gets callbackArgument, or NULL without it. */
palStatus_t pal_asynchronousSocketWithArgument(palSocketDomain_t domain, palSocketType_t type,
                                               bool nonBlockingSocket, uint32_t interfaceNum,
                                               palAsyncSocketCallback_t callback, void *callbackArgument,
                                               palSocket_t *socket);
palStatus_t pal_asynchronousSocket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                                   uint32_t interfaceNum, palAsyncSocketCallback_t callback, palSocket_t *socket);
palStatus_t pal_close(palSocket_t *socket);
palStatus_t pal_bind(palSocket_t socket, palSocketAddress_t *myAddress, palSocketLength_t addressLength);
palStatus_t pal_listen(palSocket_t socket, int backlog);
palStatus_t pal_accept(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                       palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback,
                       void *callbackArgument);
palStatus_t pal_connect(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t addressLen);
palStatus_t pal_send(palSocket_t socket, const void *buf, size_t len, size_t *sentDataSize);
palStatus_t pal_recv(palSocket_t socket, void *buf, size_t len, size_t *recievedDataSize);
palStatus_t pal_sendTo(palSocket_t socket, const void *buffer, size_t length, const palSocketAddress_t *to,
                       palSocketLength_t toLength, size_t *bytesSent);
palStatus_t pal_receiveFrom(palSocket_t socket, void *buffer, size_t length, palSocketAddress_t *from,
                            palSocketLength_t *fromLength, size_t *bytesReceived);
palStatus_t pal_setSocketOptions(palSocket_t socket, int optionName, const void *optionValue,
                                 palSocketLength_t optionLength);
palStatus_t pal_isNonBlocking(palSocket_t socket, bool *isNonBlocking);
palStatus_t pal_getSocketAddress(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen);

/* Resolves a host name or a numeric address (IPv4/IPv6). */
palStatus_t pal_getAddressInfo(const char *hostname, palSocketAddress_t *address, palSocketLength_t *addressLength);

/* Address helpers (OS-independent). addressData holds the port at bytes 0..1 and the address from
 * byte 2 (4 bytes IPv4, 16 bytes IPv6), all in network byte order. */
palStatus_t pal_setSockAddrPort(palSocketAddress_t *address, uint16_t port);
palStatus_t pal_getSockAddrPort(const palSocketAddress_t *address, uint16_t *port);
palStatus_t pal_setSockAddrIPV4Addr(palSocketAddress_t *address, const palIpV4Addr_t ipV4Addr);
palStatus_t pal_getSockAddrIPV4Addr(const palSocketAddress_t *address, palIpV4Addr_t ipV4Addr);

#endif
