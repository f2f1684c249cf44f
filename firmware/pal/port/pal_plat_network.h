/* What a platform port implements for sockets. Semantics are those of pal_network.h; the core
 * forwards after argument checks. */
#ifndef PAL_PLAT_NETWORK_H
#define PAL_PLAT_NETWORK_H

#include "pal_network.h"

palStatus_t pal_plat_socketsInit(void);
palStatus_t pal_plat_socketsTerminate(void);
palStatus_t pal_plat_socket(palSocketDomain_t domain, palSocketType_t type, bool nonBlockingSocket,
                            palAsyncSocketCallback_t callback, void *callbackArgument, palSocket_t *socket);
palStatus_t pal_plat_close(palSocket_t *socket);
palStatus_t pal_plat_bind(palSocket_t socket, palSocketAddress_t *myAddress, palSocketLength_t addressLength);
palStatus_t pal_plat_listen(palSocket_t socket, int backlog);
palStatus_t pal_plat_accept(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen,
                            palSocket_t *acceptedSocket, palAsyncSocketCallback_t callback, void *callbackArgument);
palStatus_t pal_plat_connect(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t addressLen);
palStatus_t pal_plat_send(palSocket_t socket, const void *buf, size_t len, size_t *sent);
palStatus_t pal_plat_recv(palSocket_t socket, void *buf, size_t len, size_t *received);
palStatus_t pal_plat_sendTo(palSocket_t socket, const void *buffer, size_t length, const palSocketAddress_t *to,
                            palSocketLength_t toLength, size_t *bytesSent);
palStatus_t pal_plat_receiveFrom(palSocket_t socket, void *buffer, size_t length, palSocketAddress_t *from,
                                 palSocketLength_t *fromLength, size_t *bytesReceived);
palStatus_t pal_plat_setSocketOptions(palSocket_t socket, int optionName, const void *optionValue,
                                      palSocketLength_t optionLength);
palStatus_t pal_plat_isNonBlocking(palSocket_t socket, bool *isNonBlocking);
palStatus_t pal_plat_getSocketAddress(palSocket_t socket, palSocketAddress_t *address, palSocketLength_t *addressLen);
palStatus_t pal_plat_getAddressInfo(const char *hostname, palSocketAddress_t *address, palSocketLength_t *addressLength);

#endif
