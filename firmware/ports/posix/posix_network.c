/* posix port, sockets: BSD sockets, IPv4 and IPv6, optional non-blocking mode (O_NONBLOCK) and
 * asynchronous notifications through the poll service (posix_poll.c).
 *
 * errno -> PAL status (posix_socketStatus):
 *   EINPROGRESS                 PAL_ERR_SOCKET_IN_PROGRES        (arms POLLOUT)
 *   EAGAIN / EWOULDBLOCK        PAL_ERR_SOCKET_WOULD_BLOCK       (arms the blocked direction; also
 *                                                                 an expired SO_RCVTIMEO/SNDTIMEO)
 *   EISCONN / EALREADY          PAL_ERR_SOCKET_ALREADY_CONNECTED (EALREADY arms POLLOUT: the
 *                                                                 connection may still be pending)
 *   ECONNRESET                  PAL_ERR_SOCKET_CONNECTION_RESET
 *   ECONNREFUSED, EPIPE         PAL_ERR_SOCKET_CONNECTION_CLOSED  (the peer is reachable but will
 *                                                                 not, or no longer, talk to us)
 *   ECONNABORTED                PAL_ERR_SOCKET_CONNECTION_ABORTED
 *   ENOTCONN                    PAL_ERR_SOCKET_NOT_CONNECTED
 *   EHOSTUNREACH, ENETUNREACH   PAL_ERR_SOCKET_HOST_UNREACHABLE
 *   ETIMEDOUT                   PAL_ERR_TIMEOUT_EXPIRED           (TCP connect gave up)
 *   EADDRINUSE                  PAL_ERR_SOCKET_ADDRESS_IN_USE
 *   EADDRNOTAVAIL               PAL_ERR_SOCKET_INVALID_ADDRESS
 *   EAFNOSUPPORT                PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY
 *   EMSGSIZE                    PAL_ERR_SOCKET_SEND_BUFFER_TOO_BIG
 *   EACCES, EPERM               PAL_ERR_SOCKET_OPERATION_NOT_PERMITTED
 *   EINTR                       PAL_ERR_SOCKET_INTERRUPTED
 *   ENOBUFS, ENOMEM             PAL_ERR_NO_MEMORY
 *   ENOPROTOOPT                 PAL_ERR_SOCKET_OPTION_NOT_SUPPORTED
 *   anything else               PAL_ERR_SOCKET_GENERIC
 * recv() returning 0 on a stream socket is PAL_ERR_SOCKET_CONNECTION_CLOSED; an empty datagram is
 * a successful 0-byte receive. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "pal_plat_network.h"
#include "posix_port.h"

/* palSocketAddress_t.addressData: port at 0..1, address from byte 2, network byte order. */
#define POSIX_ADDRESS_PORT_OFFSET 0u
#define POSIX_ADDRESS_IP_OFFSET 2u
#define POSIX_MS_PER_SECOND 1000u
#define POSIX_US_PER_MS 1000u

/* A send to a peer that has gone must report an error, not kill the process with SIGPIPE. */
#ifdef MSG_NOSIGNAL
#define POSIX_SEND_FLAGS MSG_NOSIGNAL
#else
#define POSIX_SEND_FLAGS 0
#endif

static palStatus_t posix_socketStatus(int err)
{
    switch (err) {
    case EINPROGRESS:
        return PAL_ERR_SOCKET_IN_PROGRES;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return PAL_ERR_SOCKET_WOULD_BLOCK;
    case EISCONN:
    case EALREADY:
        return PAL_ERR_SOCKET_ALREADY_CONNECTED;
    case ECONNRESET:
        return PAL_ERR_SOCKET_CONNECTION_RESET;
    case ECONNREFUSED:
    case EPIPE:
        return PAL_ERR_SOCKET_CONNECTION_CLOSED;
    case ECONNABORTED:
        return PAL_ERR_SOCKET_CONNECTION_ABORTED;
    case ENOTCONN:
        return PAL_ERR_SOCKET_NOT_CONNECTED;
    case EHOSTUNREACH:
    case ENETUNREACH:
        return PAL_ERR_SOCKET_HOST_UNREACHABLE;
    case ETIMEDOUT:
        return PAL_ERR_TIMEOUT_EXPIRED;
    case EADDRINUSE:
        return PAL_ERR_SOCKET_ADDRESS_IN_USE;
    case EADDRNOTAVAIL:
        return PAL_ERR_SOCKET_INVALID_ADDRESS;
    case EAFNOSUPPORT:
        return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
    case EMSGSIZE:
        return PAL_ERR_SOCKET_SEND_BUFFER_TOO_BIG;
    case EACCES:
    case EPERM:
        return PAL_ERR_SOCKET_OPERATION_NOT_PERMITTED;
    case EINTR:
        return PAL_ERR_SOCKET_INTERRUPTED;
    case ENOBUFS:
    case ENOMEM:
        return PAL_ERR_NO_MEMORY;
    case ENOPROTOOPT:
        return PAL_ERR_SOCKET_OPTION_NOT_SUPPORTED;
    default:
        return PAL_ERR_SOCKET_GENERIC;
    }
}

/* Maps the failed call's errno and arms the direction that would block. */
static palStatus_t posix_failedIo(posix_socket_t *socket, short blocked_direction)
{
    int err = errno;
    palStatus_t status = posix_socketStatus(err);

    if (status == PAL_ERR_SOCKET_WOULD_BLOCK || status == PAL_ERR_SOCKET_IN_PROGRES || err == EALREADY) {
        posix_pollArm(socket, blocked_direction);
    }
    return status;
}

static posix_socket_t *posix_fromHandle(palSocket_t socket)
{
    return (posix_socket_t *)socket;
}

static palStatus_t posix_toSockaddr(const palSocketAddress_t *address, struct sockaddr_storage *out,
                                    socklen_t *length)
{
    memset(out, 0, sizeof(*out));
    if (address->addressType == PAL_AF_INET) {
        struct sockaddr_in *in4 = (struct sockaddr_in *)out;

        in4->sin_family = AF_INET;
        memcpy(&in4->sin_port, &address->addressData[POSIX_ADDRESS_PORT_OFFSET], sizeof(in4->sin_port));
        memcpy(&in4->sin_addr, &address->addressData[POSIX_ADDRESS_IP_OFFSET], PAL_IPV4_ADDRESS_SIZE);
        *length = (socklen_t)sizeof(*in4);
        return PAL_SUCCESS;
    }
    if (address->addressType == PAL_AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;

        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_port, &address->addressData[POSIX_ADDRESS_PORT_OFFSET], sizeof(in6->sin6_port));
        memcpy(&in6->sin6_addr, &address->addressData[POSIX_ADDRESS_IP_OFFSET], PAL_IPV6_ADDRESS_SIZE);
        *length = (socklen_t)sizeof(*in6);
        return PAL_SUCCESS;
    }
    return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
}

static palStatus_t posix_fromSockaddr(const struct sockaddr *in, palSocketAddress_t *address)
{
    memset(address, 0, sizeof(*address));
    if (in->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)in;

        address->addressType = PAL_AF_INET;
        memcpy(&address->addressData[POSIX_ADDRESS_PORT_OFFSET], &in4->sin_port, sizeof(in4->sin_port));
        memcpy(&address->addressData[POSIX_ADDRESS_IP_OFFSET], &in4->sin_addr, PAL_IPV4_ADDRESS_SIZE);
        return PAL_SUCCESS;
    }
    if (in->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)in;

        address->addressType = PAL_AF_INET6;
        memcpy(&address->addressData[POSIX_ADDRESS_PORT_OFFSET], &in6->sin6_port, sizeof(in6->sin6_port));
        memcpy(&address->addressData[POSIX_ADDRESS_IP_OFFSET], &in6->sin6_addr, PAL_IPV6_ADDRESS_SIZE);
        return PAL_SUCCESS;
    }
    return PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY;
}

static palStatus_t posix_setNonBlocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return PAL_ERR_SOCKET_FAILED_TO_SET_SOCKET_TO_NON_BLOCKING;
    }
    return PAL_SUCCESS;
}

/* Takes ownership of fd: on failure it is closed. */
/* TLS writes whole records, often several per flight (ClientKeyExchange, ChangeCipherSpec,
 * Finished): Nagle's algorithm would hold each one back until the previous is acknowledged, which
 * the peer's delayed ACK turns into ~40 ms per flight. Stacks without the option (some offloaded
 * modem sockets under Zephyr's POSIX API) still work, only slower, so its absence is tolerated. */
static palStatus_t posix_disableNagle(int fd)
{
    int one = 1;

    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof(one)) != 0 && errno != ENOPROTOOPT &&
        errno != EOPNOTSUPP) {
        return posix_socketStatus(errno);
    }
    return PAL_SUCCESS;
}

static palStatus_t posix_wrapDescriptor(int fd, int type, bool nonBlocking, palAsyncSocketCallback_t callback,
                                        void *callbackArgument, palSocket_t *socket)
{
    palStatus_t status = PAL_SUCCESS;
    posix_socket_t *wrapped = (posix_socket_t *)calloc(1, sizeof(*wrapped));

    if (wrapped == NULL) {
        status = PAL_ERR_NO_MEMORY;
    } else if (nonBlocking) {
        status = posix_setNonBlocking(fd);
    }
    if (status == PAL_SUCCESS && type == SOCK_STREAM) {
        status = posix_disableNagle(fd);
    }
    if (status == PAL_SUCCESS) {
        wrapped->fd = fd;
        wrapped->type = type;
        wrapped->non_blocking = nonBlocking;
        wrapped->callback = callback;
        wrapped->callback_argument = callbackArgument;
        if (callback != NULL) {
            status = posix_pollRegister(wrapped);
        }
    }
    if (status != PAL_SUCCESS) {
        free(wrapped);
        (void)close(fd); /* never used: there is nothing to flush or report */
        return status;
    }
    *socket = wrapped;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_socketsInit(void)
{
    return posix_pollServiceStart();
}

palStatus_t pal_plat_socketsTerminate(void)
{
    return posix_pollServiceStop();
}

/* The core validated domain and type; PAL_SOCK_STREAM_SERVER is a stream socket too. */
palStatus_t pal_plat_socket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                            palAsyncSocketCallback_t callback, void *callbackArgument, palSocket_t *created)
{
    int family = domain == PAL_AF_INET6 ? AF_INET6 : AF_INET;
    int socket_type = type == PAL_SOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
    int fd = socket(family, socket_type, 0);

    if (fd < 0) {
        return posix_socketStatus(errno);
    }
    return posix_wrapDescriptor(fd, socket_type, nonBlockingSocket, callback, callbackArgument, created);
}

/* The handle is released even when close() reports an error: Linux frees the descriptor in any
 * case, and keeping the handle would invite a second close. */
palStatus_t pal_plat_close(palSocket_t *socket)
{
    posix_socket_t *closing = posix_fromHandle(*socket);
    palStatus_t status = PAL_SUCCESS;

    if (closing->callback != NULL) {
        posix_pollUnregister(closing);
    }
    if (close(closing->fd) != 0) {
        status = posix_socketStatus(errno);
    }
    free(closing);
    *socket = NULL;
    return status;
}

palStatus_t pal_plat_bind(palSocket_t socket, palSocketAddress_t *myAddress, palSocketLength_t addressLength)
{
    struct sockaddr_storage address;
    socklen_t length = 0;
    palStatus_t status = posix_toSockaddr(myAddress, &address, &length);

    (void)addressLength;
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (bind(posix_fromHandle(socket)->fd, (const struct sockaddr *)&address, length) != 0) {
        return posix_socketStatus(errno);
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_listen(palSocket_t socket, int backlog)
{
    if (listen(posix_fromHandle(socket)->fd, backlog) != 0) {
        return posix_socketStatus(errno);
    }
    return PAL_SUCCESS;
}

/* The accepted socket inherits the listener's blocking mode. */
palStatus_t pal_plat_accept(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                            palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback, void *callbackArgument)
{
    posix_socket_t *listener = posix_fromHandle(socket);
    struct sockaddr_storage peer;
    socklen_t length = (socklen_t)sizeof(peer);
    palStatus_t status;
    int fd = accept(listener->fd, (struct sockaddr *)&peer, &length);

    if (fd < 0) {
        return posix_failedIo(listener, POLLIN);
    }
    status = posix_fromSockaddr((const struct sockaddr *)&peer, address);
    if (status != PAL_SUCCESS) {
        (void)close(fd); /* a peer of a family we cannot describe: never handed out */
        return status;
    }
    *addressLen = (palSocketLength_t)sizeof(*address);
    return posix_wrapDescriptor(fd, SOCK_STREAM, listener->non_blocking, callback, callbackArgument, acceptedSocket);
}

palStatus_t pal_plat_connect(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t addressLen)
{
    posix_socket_t *connecting = posix_fromHandle(socket);
    struct sockaddr_storage peer;
    socklen_t length = 0;
    palStatus_t status = posix_toSockaddr(address, &peer, &length);

    (void)addressLen;
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (connect(connecting->fd, (const struct sockaddr *)&peer, length) != 0) {
        return posix_failedIo(connecting, POLLOUT);
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_send(palSocket_t socket, const void *buf, size_t len, size_t *sent)
{
    posix_socket_t *sending = posix_fromHandle(socket);
    ssize_t result = send(sending->fd, buf, len, POSIX_SEND_FLAGS);

    if (result < 0) {
        return posix_failedIo(sending, POLLOUT);
    }
    *sent = (size_t)result;
    return PAL_SUCCESS;
}

static palStatus_t posix_received(const posix_socket_t *socket, ssize_t result, size_t *received)
{
    if (result == 0 && socket->type == SOCK_STREAM) {
        return PAL_ERR_SOCKET_CONNECTION_CLOSED;
    }
    *received = (size_t)result;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_recv(palSocket_t socket, void *buf, size_t len, size_t *received)
{
    posix_socket_t *receiving = posix_fromHandle(socket);
    ssize_t result = recv(receiving->fd, buf, len, 0);

    if (result < 0) {
        return posix_failedIo(receiving, POLLIN);
    }
    return posix_received(receiving, result, received);
}

palStatus_t pal_plat_sendTo(palSocket_t socket, const void *buffer, size_t length, const palSocketAddress_t *to,
                            palSocketLength_t toLength, size_t *bytesSent)
{
    posix_socket_t *sending = posix_fromHandle(socket);
    struct sockaddr_storage peer;
    socklen_t peer_length = 0;
    ssize_t result;
    palStatus_t status = posix_toSockaddr(to, &peer, &peer_length);

    (void)toLength;
    if (status != PAL_SUCCESS) {
        return status;
    }
    result = sendto(sending->fd, buffer, length, POSIX_SEND_FLAGS, (const struct sockaddr *)&peer, peer_length);
    if (result < 0) {
        return posix_failedIo(sending, POLLOUT);
    }
    *bytesSent = (size_t)result;
    return PAL_SUCCESS;
}

/* A connected stream socket reports no source address (length 0): from is then left alone. */
palStatus_t pal_plat_receiveFrom(palSocket_t socket, void *buffer, size_t length, palSocketAddress_t *from,
                                 palSocketLength_t *fromLength, size_t *bytesReceived)
{
    posix_socket_t *receiving = posix_fromHandle(socket);
    struct sockaddr_storage peer;
    socklen_t peer_length = (socklen_t)sizeof(peer);
    palStatus_t status;
    ssize_t result = recvfrom(receiving->fd, buffer, length, 0, (struct sockaddr *)&peer, &peer_length);

    if (result < 0) {
        return posix_failedIo(receiving, POLLIN);
    }
    status = posix_received(receiving, result, bytesReceived);
    if (status != PAL_SUCCESS || from == NULL || peer_length == 0) {
        return status;
    }
    status = posix_fromSockaddr((const struct sockaddr *)&peer, from);
    if (status == PAL_SUCCESS && fromLength != NULL) {
        *fromLength = (palSocketLength_t)sizeof(*from);
    }
    return status;
}

/* Timeouts are a uint32_t of milliseconds (0 = wait forever, as with SO_RCVTIMEO itself). */
static palStatus_t posix_setTimeoutOption(int fd, int option, const void *optionValue, palSocketLength_t optionLength)
{
    uint32_t milliseconds;
    struct timeval timeout;

    if (optionLength != sizeof(milliseconds)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    memcpy(&milliseconds, optionValue, sizeof(milliseconds));
    timeout.tv_sec = (time_t)(milliseconds / POSIX_MS_PER_SECOND);
    timeout.tv_usec = (suseconds_t)((milliseconds % POSIX_MS_PER_SECOND) * POSIX_US_PER_MS);
    if (setsockopt(fd, SOL_SOCKET, option, &timeout, (socklen_t)sizeof(timeout)) != 0) {
        return posix_socketStatus(errno);
    }
    return PAL_SUCCESS;
}

/* Boolean options are an int, as with setsockopt. */
static palStatus_t posix_setFlagOption(int fd, int option, const void *optionValue, palSocketLength_t optionLength)
{
    int value;

    if (optionLength != sizeof(value)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    memcpy(&value, optionValue, sizeof(value));
    if (setsockopt(fd, SOL_SOCKET, option, &value, (socklen_t)sizeof(value)) != 0) {
        return posix_socketStatus(errno);
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_setSocketOptions(palSocket_t socket, int optionName, const void *optionValue,
                                      palSocketLength_t optionLength)
{
    int fd = posix_fromHandle(socket)->fd;

    switch (optionName) {
    case PAL_SO_RCVTIMEO:
        return posix_setTimeoutOption(fd, SO_RCVTIMEO, optionValue, optionLength);
    case PAL_SO_SNDTIMEO:
        return posix_setTimeoutOption(fd, SO_SNDTIMEO, optionValue, optionLength);
    case PAL_SO_REUSEADDR:
        return posix_setFlagOption(fd, SO_REUSEADDR, optionValue, optionLength);
    case PAL_SO_KEEPALIVE:
        return posix_setFlagOption(fd, SO_KEEPALIVE, optionValue, optionLength);
    default:
        return PAL_ERR_SOCKET_OPTION_NOT_SUPPORTED;
    }
}

palStatus_t pal_plat_isNonBlocking(palSocket_t socket, bool *isNonBlocking)
{
    *isNonBlocking = posix_fromHandle(socket)->non_blocking;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_getSocketAddress(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen)
{
    struct sockaddr_storage local;
    socklen_t length = (socklen_t)sizeof(local);
    palStatus_t status;

    if (getsockname(posix_fromHandle(socket)->fd, (struct sockaddr *)&local, &length) != 0) {
        return posix_socketStatus(errno);
    }
    status = posix_fromSockaddr((const struct sockaddr *)&local, address);
    if (status == PAL_SUCCESS) {
        *addressLen = (palSocketLength_t)sizeof(*address);
    }
    return status;
}

static palStatus_t posix_resolverStatus(int err)
{
    if (err == EAI_MEMORY) {
        return PAL_ERR_NO_MEMORY;
    }
    return PAL_ERR_SOCKET_DNS_ERROR;
}

/* First IPv4 or IPv6 result in the resolver's preference order (RFC 6724); the port is 0. */
palStatus_t pal_plat_getAddressInfo(const char *hostname, palSocketAddress_t *address, palSocketLength_t *addressLength)
{
    struct addrinfo hints;
    struct addrinfo *results = NULL;
    const struct addrinfo *entry;
    palStatus_t status = PAL_ERR_SOCKET_DNS_ERROR;
    int err;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM; /* any one type: avoids one duplicate result per type */
    err = getaddrinfo(hostname, NULL, &hints, &results);
    if (err != 0) {
        return posix_resolverStatus(err);
    }
    for (entry = results; entry != NULL && status != PAL_SUCCESS; entry = entry->ai_next) {
        if (entry->ai_addr != NULL) {
            status = posix_fromSockaddr(entry->ai_addr, address);
        }
    }
    freeaddrinfo(results);
    if (status == PAL_ERR_SOCKET_INVALID_ADDRESS_FAMILY) {
        return PAL_ERR_SOCKET_DNS_ERROR;
    }
    if (status == PAL_SUCCESS) {
        *addressLength = (palSocketLength_t)sizeof(*address);
    }
    return status;
}
