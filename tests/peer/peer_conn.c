/* Connections: life cycle, BIO and timer callbacks, handshake and the application behaviour
 * (CoAP ping -> CoAP RST, anything else echoed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/net_sockets.h"

#include "peer.h"

static const unsigned char g_coap_ping[4] = { 0x40, 0x00, 0x00, 0x00 };
static const unsigned char g_coap_rst[4] = { 0x70, 0x00, 0x00, 0x00 };

/* Close reason meaning "close without the summary line" (already logged). */
static const char g_close_quietly[] = "";

int64_t peer_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- DTLS timer (mbedtls_ssl_set_timer_t / mbedtls_ssl_get_timer_t) ---- */

static void peer_timer_set(void *ctx, uint32_t int_ms, uint32_t fin_ms)
{
    struct peer_timer *t = ctx;

    t->start_ms = peer_now_ms();
    t->int_ms = int_ms;
    t->fin_ms = fin_ms;
}

static int peer_timer_get(void *ctx)
{
    const struct peer_timer *t = ctx;
    int64_t elapsed;

    if (t->fin_ms == 0) {
        return -1;
    }
    elapsed = peer_now_ms() - t->start_ms;
    if (elapsed >= (int64_t) t->fin_ms) {
        return 2;
    }
    if (elapsed >= (int64_t) t->int_ms) {
        return 1;
    }
    return 0;
}

/* ---- BIO callbacks ---- */

static int peer_io_len(size_t len)
{
    return len > (size_t) 0x7fffffff ? 0x7fffffff : (int) len;
}

static int peer_tcp_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct peer_conn *c = ctx;
    ssize_t n = send(c->fd, buf, (size_t) peer_io_len(len), MSG_NOSIGNAL);

    if (n >= 0) {
        c->wire_out += (unsigned long long) n;
        return (int) n;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        c->want_write = 1;
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    c->last_errno = errno;
    return (errno == EPIPE || errno == ECONNRESET) ? MBEDTLS_ERR_NET_CONN_RESET
                                                   : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int peer_tcp_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct peer_conn *c = ctx;
    ssize_t n = recv(c->fd, buf, (size_t) peer_io_len(len), 0);

    if (n > 0) {
        c->wire_in += (unsigned long long) n;
        c->last_ms = peer_now_ms();
        return (int) n;
    }
    if (n == 0) {
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    c->last_errno = errno;
    return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* UDP send never blocks the session: a datagram the kernel cannot take now is lost like any
 * other datagram, and the DTLS retransmission timer recovers. */
static int peer_dtls_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct peer_conn *c = ctx;
    ssize_t n = sendto(c->fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *) &c->addr.ss,
                       c->addr.len);

    if (n >= 0) {
        c->wire_out += (unsigned long long) n;
        return (int) n;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR) {
        return peer_io_len(len);
    }
    c->last_errno = errno;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

/* Hands over the datagram the event loop received for this session (one per call). */
static int peer_dtls_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct peer_conn *c = ctx;
    const unsigned char *rx = c->rx;
    size_t n = c->rx_len;

    if (rx == NULL) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    c->rx = NULL;
    if (n > len) {
        peer_log_conn(c, "dropped a %zu-byte datagram (record buffer is %zu bytes)", n, len);
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    memcpy(buf, rx, n);
    c->wire_in += n;
    c->last_ms = peer_now_ms();
    return (int) n;
}

/* ---- connection table ---- */

struct peer_conn *peer_conn_find_addr(struct peer *p, const struct peer_listener *l,
                                      const struct peer_addr *addr)
{
    size_t i;

    for (i = 0; i < p->conn_count; i++) {
        struct peer_conn *c = p->conns[i];

        if (c->listener == l && c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM &&
            peer_addr_equal(&c->addr, addr)) {
            return c;
        }
    }
    return NULL;
}

struct peer_conn *peer_conn_find_cid(struct peer *p, const struct peer_listener *l,
                                     const unsigned char *cid)
{
    size_t i;

    for (i = 0; i < p->conn_count; i++) {
        struct peer_conn *c = p->conns[i];

        if (c->listener == l && c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM &&
            memcmp(c->cid, cid, PEER_CID_LEN) == 0) {
            return c;
        }
    }
    return NULL;
}

static int peer_conn_cid_in_use(const struct peer *p, const unsigned char *cid)
{
    size_t i;

    for (i = 0; i < p->conn_count; i++) {
        if (memcmp(p->conns[i]->cid, cid, PEER_CID_LEN) == 0) {
            return 1;
        }
    }
    return 0;
}

static void peer_conn_remove(struct peer *p, const struct peer_conn *c)
{
    size_t i;

    for (i = 0; i < p->conn_count; i++) {
        if (p->conns[i] == c) {
            p->conns[i] = p->conns[p->conn_count - 1];
            p->conns[p->conn_count - 1] = NULL;
            p->conn_count--;
            return;
        }
    }
}

/* ---- set-up ---- */

/* Records the client certificate's subject (depth 0); verification itself is Mbed TLS's. */
static int peer_conn_on_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct peer_conn *c = ctx;

    (void) flags;
    if (depth == 0 && mbedtls_x509_dn_gets(c->client_cert, sizeof(c->client_cert),
                                           &crt->subject) < 0) {
        strcpy(c->client_cert, "(unprintable subject)");
    }
    return 0;
}

static int peer_conn_new_cid(struct peer *p, struct peer_conn *c)
{
    int ret;

    do {
        ret = mbedtls_ctr_drbg_random(&p->drbg, c->cid, sizeof(c->cid));
        if (ret != 0) {
            return ret;
        }
    } while (peer_conn_cid_in_use(p, c->cid));
    return 0;
}

static int peer_conn_setup_dtls(struct peer *p, struct peer_conn *c)
{
    unsigned char id[32];
    size_t id_len = peer_addr_transport_id(&c->addr, id, sizeof(id));
    int ret;

    mbedtls_ssl_set_bio(&c->ssl, c, peer_dtls_send, peer_dtls_recv, NULL);
    mbedtls_ssl_set_timer_cb(&c->ssl, &c->timer, peer_timer_set, peer_timer_get);
    ret = mbedtls_ssl_set_client_transport_id(&c->ssl, id, id_len);
    if (ret != 0) {
        peer_log_error(c, "mbedtls_ssl_set_client_transport_id", ret);
        return ret;
    }
    ret = peer_conn_new_cid(p, c);
    if (ret != 0) {
        peer_log_error(c, "CID generation", ret);
        return ret;
    }
    ret = mbedtls_ssl_set_cid(&c->ssl, MBEDTLS_SSL_CID_ENABLED, c->cid, sizeof(c->cid));
    if (ret != 0) {
        peer_log_error(c, "mbedtls_ssl_set_cid", ret);
    }
    return ret;
}

static int peer_conn_setup_ssl(struct peer *p, struct peer_conn *c)
{
    struct peer_listener *l = c->listener;
    const mbedtls_ssl_config *conf =
        c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM ? &l->dtls.conf : &l->tls.conf;
    int ret;

    mbedtls_ssl_init(&c->ssl);
    c->ssl_ready = 1;
    ret = mbedtls_ssl_setup(&c->ssl, conf);
    if (ret != 0) {
        peer_log_error(c, "mbedtls_ssl_setup", ret);
        return ret;
    }
    mbedtls_ssl_set_verify(&c->ssl, peer_conn_on_verify, c);
    if (c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM) {
        return peer_conn_setup_dtls(p, c);
    }
    mbedtls_ssl_set_bio(&c->ssl, c, peer_tcp_send, peer_tcp_recv, NULL);
    return 0;
}

static void peer_conn_free(struct peer_conn *c)
{
    if (c->ssl_ready) {
        mbedtls_ssl_free(&c->ssl);
    }
    if (c->transport == MBEDTLS_SSL_TRANSPORT_STREAM && c->fd >= 0) {
        close(c->fd);
    }
    free(c);
}

/* DTLS clients usually vanish without close_notify (the PAL tests just free their context), so
 * a full table first evicts the least recently active DTLS session. */
static int peer_conn_make_room(struct peer *p)
{
    struct peer_conn *oldest = NULL;
    size_t i;

    if (p->conn_count < p->opt.max_connections) {
        return 0;
    }
    for (i = 0; i < p->conn_count; i++) {
        struct peer_conn *c = p->conns[i];

        if (c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM &&
            (oldest == NULL || c->last_ms < oldest->last_ms)) {
            oldest = c;
        }
    }
    if (oldest == NULL) {
        return -1;
    }
    peer_conn_close(p, oldest, "evicted: connection table full (--max-connections)");
    return 0;
}

/* Creates a connection and adds it to the table. On failure returns NULL and leaves fd open. */
struct peer_conn *peer_conn_open(struct peer *p, struct peer_listener *l, int transport, int fd,
                                 const struct peer_addr *addr, const unsigned char *hello_random)
{
    struct peer_conn *c;
    char name[PEER_ADDR_STR_LEN];

    if (peer_conn_make_room(p) != 0) {
        peer_addr_format(addr, name, sizeof(name));
        peer_log("%s %s %s rejected: %zu connections open (--max-connections)",
                 transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM ? "udp" : "tcp", l->profile->name,
                 name, p->conn_count);
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        peer_log("out of memory for a connection");
        return NULL;
    }
    c->listener = l;
    c->id = ++p->next_id;
    c->transport = transport;
    c->silent = l->profile->cert_file == NULL;
    c->fd = fd;
    c->addr = *addr;
    c->start_ms = c->last_ms = peer_now_ms();
    peer_addr_format(addr, c->name, sizeof(c->name));
    if (hello_random != NULL) {
        memcpy(c->hello_random, hello_random, PEER_HELLO_RANDOM_LEN);
    }
    if (!c->silent && peer_conn_setup_ssl(p, c) != 0) {
        c->fd = -1;
        peer_conn_free(c);
        return NULL;
    }
    p->conns[p->conn_count++] = c;
    peer_log_conn(c, "%s", c->silent ? "connected (silent: never answered)" :
                  transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM ? "new session (ClientHello)" :
                  "connected");
    return c;
}

void peer_conn_close(struct peer *p, struct peer_conn *c, const char *reason)
{
    if (reason != NULL) {
        peer_log_conn(c, "closed: %s; renegotiations %u, app bytes in %llu out %llu, "
                      "wire bytes in %llu out %llu, %lld ms",
                      reason, c->renegotiations, c->app_in, c->app_out, c->wire_in, c->wire_out,
                      (long long) (peer_now_ms() - c->start_ms));
    }
    if (p->current == c) {
        p->current = NULL;
    }
    peer_conn_remove(p, c);
    peer_conn_free(c);
}

/* Best-effort close_notify; the socket may already be gone. */
static void peer_conn_notify(struct peer_conn *c)
{
    if (c->ssl_ready && c->handshake_done && mbedtls_ssl_is_handshake_over(&c->ssl)) {
        (void) mbedtls_ssl_close_notify(&c->ssl);
    }
}

void peer_conn_close_all(struct peer *p)
{
    while (p->conn_count > 0) {
        struct peer_conn *c = p->conns[p->conn_count - 1];

        peer_conn_notify(c);
        peer_conn_close(p, c, "peer shutting down");
    }
}

/* ---- handshake and application data ---- */

/* The client certificate of the current session, if it sent one. */
static const char *peer_conn_client_cert(const struct peer_conn *c, uint32_t flags)
{
    if (c->client_cert[0] == '\0' || (flags & MBEDTLS_X509_BADCERT_MISSING) != 0 ||
        (flags & MBEDTLS_X509_BADCERT_SKIP_VERIFY) != 0) {
        return "none";
    }
    return c->client_cert;
}

static void peer_conn_log_handshake(struct peer_conn *c, const char *what)
{
    char cid_text[40] = "off";
    unsigned char peer_cid[MBEDTLS_SSL_CID_OUT_LEN_MAX];
    size_t peer_cid_len = 0;
    int cid_enabled = MBEDTLS_SSL_CID_DISABLED;
    uint32_t flags = mbedtls_ssl_get_verify_result(&c->ssl);
    const char *cert = peer_conn_client_cert(c, flags);

    if (c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM &&
        mbedtls_ssl_get_peer_cid(&c->ssl, &cid_enabled, peer_cid, &peer_cid_len) == 0 &&
        cid_enabled == MBEDTLS_SSL_CID_ENABLED) {
        snprintf(cid_text, sizeof(cid_text), "on (own %d B, client's %zu B)", PEER_CID_LEN,
                 peer_cid_len);
    }
    if (strcmp(cert, "none") == 0) {
        peer_log_conn(c, "%s: %s %s, session %s, cid %s, client certificate none", what,
                      mbedtls_ssl_get_version(&c->ssl), mbedtls_ssl_get_ciphersuite(&c->ssl),
                      c->resumed ? "resumed" : "new", cid_text);
        return;
    }
    peer_log_conn(c, "%s: %s %s, session %s, cid %s, client certificate \"%s\" verify %s0x%08x",
                  what, mbedtls_ssl_get_version(&c->ssl), mbedtls_ssl_get_ciphersuite(&c->ssl),
                  c->resumed ? "resumed" : "new", cid_text, cert, flags == 0 ? "ok " : "FAILED ",
                  (unsigned) flags);
}

static const char *peer_conn_handshake(struct peer_conn *c)
{
    int ret = mbedtls_ssl_handshake(&c->ssl);

    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return NULL;
    }
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED) {
        /* Stateless cookie exchange: the ClientHello with the cookie opens a new session. */
        peer_log_conn(c, "HelloVerifyRequest sent");
        return g_close_quietly;
    }
    if (ret != 0) {
        peer_log_error(c, "handshake", ret);
        return "handshake failed";
    }
    c->handshake_done = 1;
    peer_conn_log_handshake(c, "handshake ok");
    return NULL;
}

/* Renegotiations run inside mbedtls_ssl_read/write and may complete within one call; they are
 * counted from the number of full handshakes (see the session cache hooks in peer_setup.c). */
static void peer_conn_track_renegotiation(struct peer_conn *c)
{
    unsigned initial = c->resumed ? 0u : 1u;
    unsigned done = c->full_handshakes > initial ? c->full_handshakes - initial : 0u;
    char what[48];

    while (c->renegotiations < done) {
        c->renegotiations++;
        snprintf(what, sizeof(what), "renegotiation %u ok", c->renegotiations);
        peer_conn_log_handshake(c, what);
    }
}

static const char *peer_conn_flush(struct peer_conn *c)
{
    while (c->pending_off < c->pending_len) {
        int ret = mbedtls_ssl_write(&c->ssl, c->pending + c->pending_off,
                                    c->pending_len - c->pending_off);

        peer_conn_track_renegotiation(c);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return NULL;
        }
        if (ret < 0) {
            peer_log_error(c, "write", ret);
            return "write failed";
        }
        c->pending_off += (size_t) ret;
        c->app_out += (unsigned long long) ret;
    }
    c->pending_off = 0;
    c->pending_len = 0;
    return NULL;
}

static const char *peer_conn_send(struct peer_conn *c, const unsigned char *buf, size_t len)
{
    memcpy(c->pending, buf, len);
    c->pending_len = len;
    c->pending_off = 0;
    return peer_conn_flush(c);
}

/* An authenticated record arrived: a DTLS client that moved (CID) is answered at its new address. */
static void peer_conn_follow_client(struct peer_conn *c)
{
    if (c->transport != MBEDTLS_SSL_TRANSPORT_DATAGRAM || c->rx_from.len == 0 ||
        peer_addr_equal(&c->addr, &c->rx_from)) {
        return;
    }
    c->addr = c->rx_from;
    peer_addr_format(&c->addr, c->name, sizeof(c->name));
    peer_log_conn(c, "client address changed (matched by connection ID)");
}

static const char *peer_conn_on_data(struct peer_conn *c, const unsigned char *buf, size_t len)
{
    c->app_in += len;
    peer_conn_follow_client(c);
    if (len == sizeof(g_coap_ping) && memcmp(buf, g_coap_ping, len) == 0) {
        peer_log_conn(c, "CoAP ping -> CoAP RST");
        return peer_conn_send(c, g_coap_rst, sizeof(g_coap_rst));
    }
    peer_log_conn(c, "echo %zu bytes", len);
    return peer_conn_send(c, buf, len);
}

static const char *peer_conn_read_error(struct peer_conn *c, int ret)
{
    if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
        if (ret != 0) {
            peer_conn_notify(c);
        }
        return ret == 0 ? "closed by the client (no close_notify)" : "close_notify from the client";
    }
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        return "closed by the client (no close_notify)";
    }
    if (ret == MBEDTLS_ERR_NET_CONN_RESET) {
        return "connection reset by the client";
    }
    peer_log_error(c, "read", ret);
    return "read failed";
}

static const char *peer_conn_serve(struct peer *p, struct peer_conn *c)
{
    const char *reason;
    int ret;

    for (;;) {
        ret = mbedtls_ssl_read(&c->ssl, p->app, sizeof(p->app));
        peer_conn_track_renegotiation(c);
        if (ret > 0) {
            reason = peer_conn_on_data(c, p->app, (size_t) ret);
            if (reason != NULL || c->pending_len != 0) {
                return reason;
            }
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return NULL;
        }
        if (ret != MBEDTLS_ERR_SSL_CLIENT_RECONNECT) {
            return peer_conn_read_error(c, ret);
        }
        /* The library already reset the context and kept the new ClientHello. */
        peer_log_conn(c, "client reconnected from the same port; new handshake");
        c->handshake_done = 0;
        c->resumed = 0;
        c->full_handshakes = 0;
        c->renegotiations = 0;
        c->client_cert[0] = '\0';
        reason = peer_conn_handshake(c);
        if (reason != NULL || !c->handshake_done) {
            return reason;
        }
    }
}

static const char *peer_conn_step(struct peer *p, struct peer_conn *c)
{
    const char *reason;

    if (!c->handshake_done) {
        reason = peer_conn_handshake(c);
        if (reason != NULL || !c->handshake_done) {
            return reason;
        }
    }
    reason = peer_conn_flush(c);
    if (reason != NULL || c->pending_len != 0) {
        return reason;
    }
    return peer_conn_serve(p, c);
}

/* Silent profile over TCP: read and discard, never answer. */
static const char *peer_conn_drain(struct peer *p, struct peer_conn *c)
{
    for (;;) {
        ssize_t n = recv(c->fd, p->app, sizeof(p->app), 0);

        if (n > 0) {
            c->wire_in += (unsigned long long) n;
            c->last_ms = peer_now_ms();
            continue;
        }
        if (n == 0) {
            return "closed by the client";
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return NULL;
        }
        c->last_errno = errno;
        return "receive failed";
    }
}

void peer_conn_drive(struct peer *p, struct peer_conn *c)
{
    const char *reason;

    p->current = c;
    c->want_write = 0;
    peer_claim_time(c->listener->profile->claimed_time);
    reason = c->silent ? peer_conn_drain(p, c) : peer_conn_step(p, c);
    peer_claim_time(0);
    c->rx = NULL;
    c->rx_from.len = 0;
    p->current = NULL;
    if (reason != NULL) {
        peer_conn_close(p, c, reason == g_close_quietly ? NULL : reason);
    }
}

int64_t peer_conn_deadline(const struct peer_conn *c)
{
    int64_t deadline = c->last_ms + PEER_IDLE_TIMEOUT_MS;

    if (c->timer.fin_ms != 0 && c->timer.start_ms + c->timer.fin_ms < deadline) {
        deadline = c->timer.start_ms + c->timer.fin_ms;
    }
    return deadline;
}

/* Idle connections are closed; DTLS sessions whose timer expired are driven (retransmission or
 * handshake timeout). Walks backwards: closing swaps the last entry into the current slot. */
void peer_conn_expire(struct peer *p, int64_t now)
{
    size_t i = p->conn_count;

    while (i-- > 0) {
        struct peer_conn *c = p->conns[i];

        if (now >= c->last_ms + PEER_IDLE_TIMEOUT_MS) {
            peer_conn_notify(c);
            peer_conn_close(p, c, "idle for 60 s");
        } else if (c->timer.fin_ms != 0 && now >= c->timer.start_ms + c->timer.fin_ms) {
            peer_conn_drive(p, c);
        }
    }
}
