/* Sockets: addresses, the TCP+UDP port pair of a listener, TCP accept and the DTLS demultiplexer
 * on the listener's UDP socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

#define PEER_BIND_ATTEMPTS 32
#define PEER_LISTEN_BACKLOG 64
#define PEER_UDP_BURST 64

/* DTLS 1.2 record header: type(1) version(2) epoch(2) sequence(6) [cid] length(2). */
#define PEER_DTLS_HDR_LEN 13
#define PEER_DTLS_CID_OFFSET 11
/* Handshake header: type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3). */
#define PEER_DTLS_HS_HDR_LEN 12
#define PEER_HELLO_RANDOM_OFFSET (PEER_DTLS_HDR_LEN + PEER_DTLS_HS_HDR_LEN + 2)

int peer_addr_from_host(const char *host, struct peer_addr *out)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *) &out->ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &out->ss;

    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        out->len = sizeof(*in4);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        out->len = sizeof(*in6);
        return 0;
    }
    return -1;
}

static uint16_t peer_addr_port(const struct peer_addr *a)
{
    if (a->ss.ss_family == AF_INET6) {
        return ntohs(((const struct sockaddr_in6 *) &a->ss)->sin6_port);
    }
    return ntohs(((const struct sockaddr_in *) &a->ss)->sin_port);
}

static void peer_addr_set_port(struct peer_addr *a, uint16_t port)
{
    if (a->ss.ss_family == AF_INET6) {
        ((struct sockaddr_in6 *) &a->ss)->sin6_port = htons(port);
    } else {
        ((struct sockaddr_in *) &a->ss)->sin_port = htons(port);
    }
}

/* Address bytes followed by the port: the DTLS cookie binds to this, and so does equality. */
size_t peer_addr_transport_id(const struct peer_addr *a, unsigned char *buf, size_t len)
{
    const void *ip;
    size_t ip_len;
    uint16_t port = peer_addr_port(a);

    if (a->ss.ss_family == AF_INET6) {
        ip = &((const struct sockaddr_in6 *) &a->ss)->sin6_addr;
        ip_len = sizeof(struct in6_addr);
    } else {
        ip = &((const struct sockaddr_in *) &a->ss)->sin_addr;
        ip_len = sizeof(struct in_addr);
    }
    if (len < ip_len + 2) {
        return 0;
    }
    memcpy(buf, ip, ip_len);
    buf[ip_len] = (unsigned char) (port >> 8);
    buf[ip_len + 1] = (unsigned char) port;
    return ip_len + 2;
}

int peer_addr_equal(const struct peer_addr *a, const struct peer_addr *b)
{
    unsigned char ida[32];
    unsigned char idb[32];
    size_t la = peer_addr_transport_id(a, ida, sizeof(ida));
    size_t lb = peer_addr_transport_id(b, idb, sizeof(idb));

    return a->ss.ss_family == b->ss.ss_family && la == lb && memcmp(ida, idb, la) == 0;
}

void peer_addr_format(const struct peer_addr *a, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN] = "?";

    if (a->ss.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) &a->ss)->sin6_addr, ip, sizeof(ip));
        snprintf(buf, len, "[%s]:%u", ip, (unsigned) peer_addr_port(a));
    } else {
        inet_ntop(AF_INET, &((const struct sockaddr_in *) &a->ss)->sin_addr, ip, sizeof(ip));
        snprintf(buf, len, "%s:%u", ip, (unsigned) peer_addr_port(a));
    }
}

static int peer_socket_bound(const struct peer_addr *addr, int type, int *fd_out)
{
    int one = 1;
    int err;
    int fd = socket(addr->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        return errno;
    }
    if (type == SOCK_STREAM &&
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
        err = errno;
        close(fd);
        return err;
    }
    if (bind(fd, (const struct sockaddr *) &addr->ss, addr->len) != 0) {
        err = errno;
        close(fd);
        return err;
    }
    *fd_out = fd;
    return 0;
}

/* Binds TCP on host:port (0 = kernel's choice), then UDP on the same port number. Returns 0 or
 * an errno value; EADDRINUSE on the UDP side means "try another ephemeral port". */
static int peer_bind_pair(struct peer_listener *l, const struct peer_addr *host, uint16_t port)
{
    struct peer_addr addr = *host;
    int tcp = -1;
    int udp = -1;
    int err;

    peer_addr_set_port(&addr, port);
    err = peer_socket_bound(&addr, SOCK_STREAM, &tcp);
    if (err != 0) {
        return err;
    }
    addr.len = sizeof(addr.ss);
    if (getsockname(tcp, (struct sockaddr *) &addr.ss, &addr.len) != 0) {
        err = errno;
        close(tcp);
        return err;
    }
    err = peer_socket_bound(&addr, SOCK_DGRAM, &udp);
    if (err == 0 && listen(tcp, PEER_LISTEN_BACKLOG) != 0) {
        err = errno;
        close(udp);
    }
    if (err != 0) {
        close(tcp);
        return err;
    }
    l->tcp_fd = tcp;
    l->udp_fd = udp;
    l->port = peer_addr_port(&addr);
    return 0;
}

int peer_listener_bind(struct peer_listener *l, const struct peer_addr *host, uint16_t port)
{
    int attempts = port == 0 ? PEER_BIND_ATTEMPTS : 1;
    int err = 0;
    int i;

    for (i = 0; i < attempts; i++) {
        err = peer_bind_pair(l, host, port);
        if (err != EADDRINUSE) {
            break;
        }
    }
    if (err != 0) {
        peer_log("cannot bind profile %s to port %u for TCP and UDP: %s", l->profile->name,
                 (unsigned) port, strerror(err));
        return -1;
    }
    return 0;
}

void peer_listener_close(struct peer_listener *l)
{
    if (l->tcp_fd >= 0) {
        close(l->tcp_fd);
        l->tcp_fd = -1;
    }
    if (l->udp_fd >= 0) {
        close(l->udp_fd);
        l->udp_fd = -1;
    }
}

static int peer_accept_one(struct peer *p, struct peer_listener *l)
{
    struct peer_addr addr;
    int one = 1;
    int fd;

    addr.len = sizeof(addr.ss);
    fd = accept4(l->tcp_fd, (struct sockaddr *) &addr.ss, &addr.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) {
            return 0;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            peer_log("accept on port %u failed: %s", (unsigned) l->port, strerror(errno));
        }
        return -1;
    }
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
        peer_log("TCP_NODELAY failed: %s", strerror(errno));
    }
    if (peer_conn_open(p, l, MBEDTLS_SSL_TRANSPORT_STREAM, fd, &addr, NULL) == NULL) {
        close(fd);
    }
    return 0;
}

void peer_tcp_accept(struct peer *p, struct peer_listener *l)
{
    while (peer_accept_one(p, l) == 0) {
    }
}

/* The client_random of an epoch-0, unfragmented ClientHello record, or NULL. */
static const unsigned char *peer_dgram_hello_random(const unsigned char *buf, size_t len)
{
    const unsigned char *hs = buf + PEER_DTLS_HDR_LEN;

    if (len < PEER_HELLO_RANDOM_OFFSET + PEER_HELLO_RANDOM_LEN) {
        return NULL;
    }
    if (buf[0] != MBEDTLS_SSL_MSG_HANDSHAKE || buf[3] != 0 || buf[4] != 0) {
        return NULL;
    }
    if (hs[0] != MBEDTLS_SSL_HS_CLIENT_HELLO || hs[6] != 0 || hs[7] != 0 || hs[8] != 0) {
        return NULL;
    }
    return buf + PEER_HELLO_RANDOM_OFFSET;
}

/* The peer's own CID in a tls12_cid record (the client writes the CID we gave it), or NULL. */
static const unsigned char *peer_dgram_cid(const unsigned char *buf, size_t len)
{
    if (len < PEER_DTLS_HDR_LEN + PEER_CID_LEN || buf[0] != MBEDTLS_SSL_MSG_CID) {
        return NULL;
    }
    return buf + PEER_DTLS_CID_OFFSET;
}

/* Finds (or creates) the DTLS session a datagram belongs to:
 * - same source address: that session, unless the datagram is a ClientHello with a new
 *   client_random (the client restarted from the same port): then a fresh session replaces it;
 * - otherwise a CID record carrying one of our CIDs: that session (client moved address);
 * - otherwise a ClientHello creates a session; anything else is dropped. */
static struct peer_conn *peer_dtls_session(struct peer *p, struct peer_listener *l,
                                           const struct peer_addr *from, const unsigned char *buf,
                                           size_t len)
{
    const unsigned char *random = peer_dgram_hello_random(buf, len);
    const unsigned char *cid = peer_dgram_cid(buf, len);
    struct peer_conn *c = peer_conn_find_addr(p, l, from);

    if (c != NULL && random != NULL &&
        memcmp(random, c->hello_random, PEER_HELLO_RANDOM_LEN) != 0) {
        peer_conn_close(p, c, "replaced by a new ClientHello from the same address");
        c = NULL;
    }
    if (c == NULL && cid != NULL) {
        c = peer_conn_find_cid(p, l, cid);
    }
    if (c == NULL && random != NULL) {
        c = peer_conn_open(p, l, MBEDTLS_SSL_TRANSPORT_DATAGRAM, l->udp_fd, from, random);
    }
    if (c == NULL && random == NULL) {
        char name[PEER_ADDR_STR_LEN];

        peer_addr_format(from, name, sizeof(name));
        peer_log("udp %s %s dropped %zu bytes: no session for this address or CID",
                 l->profile->name, name, len);
    }
    return c;
}

static void peer_udp_deliver(struct peer *p, struct peer_listener *l, const struct peer_addr *from,
                             size_t len)
{
    struct peer_conn *c;

    if (l->profile->cert_file == NULL) {
        char name[PEER_ADDR_STR_LEN];

        peer_addr_format(from, name, sizeof(name));
        peer_log("udp silent %s dropped %zu bytes", name, len);
        return;
    }
    c = peer_dtls_session(p, l, from, p->dgram, len);
    if (c == NULL) {
        return;
    }
    c->rx = p->dgram;
    c->rx_len = len;
    c->rx_from = *from;
    peer_conn_drive(p, c);
}

void peer_udp_receive(struct peer *p, struct peer_listener *l)
{
    struct peer_addr from;
    ssize_t n;
    int i;

    for (i = 0; i < PEER_UDP_BURST; i++) {
        from.len = sizeof(from.ss);
        n = recvfrom(l->udp_fd, p->dgram, sizeof(p->dgram), MSG_DONTWAIT | MSG_TRUNC,
                     (struct sockaddr *) &from.ss, &from.len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                peer_log("recvfrom on port %u failed: %s", (unsigned) l->port, strerror(errno));
            }
            return;
        }
        if ((size_t) n > sizeof(p->dgram)) {
            peer_log("udp %s dropped an oversized datagram (%zd bytes)", l->profile->name, n);
            continue;
        }
        peer_udp_deliver(p, l, &from, (size_t) n);
    }
}
