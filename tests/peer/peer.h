/* paltls_peer: TLS 1.2 / DTLS 1.2 test server for the PAL TLS suite (spec sections 5.18 and 5.19).
 *
 * One process serves several listeners. Each listener owns one port number, bound for both TCP
 * (TLS) and UDP (DTLS), and one certificate profile. A single thread drives everything from a
 * ppoll() loop: TCP connections have their own sockets; DTLS sessions share the listener's UDP
 * socket and are told apart by client address (or by the peer's own connection ID). */
#ifndef PALTLS_PEER_H
#define PALTLS_PEER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/x509_crt.h"

#define PEER_MAX_LISTENERS 16
#define PEER_MAX_SUITES 16
#define PEER_MAX_PSK_IDENTITY 128
#define PEER_DEFAULT_MAX_CONNECTIONS 64
#define PEER_MAX_CONNECTIONS_LIMIT 1024
#define PEER_IDLE_TIMEOUT_MS 60000
#define PEER_CID_LEN 4
#define PEER_HELLO_RANDOM_LEN 32
#define PEER_APP_BUF_LEN MBEDTLS_SSL_IN_CONTENT_LEN
#define PEER_DGRAM_BUF_LEN 16384
#define PEER_ADDR_STR_LEN 64
#define PEER_CERT_NAME_LEN 128

/* What a listener presents; the files are in the --pki directory (tests/pki/gen-pki.sh). */
struct peer_profile {
    const char *name;
    const char *cert_file; /* NULL: "silent" profile, no TLS at all */
    const char *key_file;
    int relax_key_usage;   /* see peer_setup.c: badku */
    uint32_t claimed_time; /* non-zero: the time this profile claims (ServerHello), see "liar" */
};

struct peer_listen_opt {
    const struct peer_profile *profile;
    uint16_t port; /* 0: ephemeral */
};

struct peer_options {
    const char *pki_dir;
    const char *host;
    const char *log_path;
    struct peer_listen_opt listen[PEER_MAX_LISTENERS];
    size_t listen_count;
    int suites[PEER_MAX_SUITES + 1]; /* 0-terminated Mbed TLS ciphersuite ids */
    char psk_identity[PEER_MAX_PSK_IDENTITY];
    unsigned char psk[MBEDTLS_PSK_MAX_LEN];
    size_t psk_len;
    int authmode;      /* MBEDTLS_SSL_VERIFY_* */
    int cookies;       /* DTLS HelloVerifyRequest */
    int renegotiation; /* MBEDTLS_SSL_RENEGOTIATION_* */
    size_t max_connections;
    int exit_on_stdin_eof;
    int debug_level;
};

struct peer_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

struct peer;
struct peer_listener;

/* One transport of a listener: its configuration and its session cache. */
struct peer_endpoint {
    struct peer_listener *listener;
    mbedtls_ssl_config conf;
    mbedtls_ssl_cache_context cache;
    int ready;
};

struct peer_listener {
    struct peer *peer;
    const struct peer_profile *profile;
    uint16_t port;
    int tcp_fd;
    int udp_fd;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    struct peer_endpoint tls;
    struct peer_endpoint dtls;
};

/* Retransmission timer for one DTLS context (MBEDTLS_TIMING_C is not in the library). */
struct peer_timer {
    int64_t start_ms;
    uint32_t int_ms;
    uint32_t fin_ms; /* 0: cancelled */
};

struct peer_conn {
    struct peer_listener *listener;
    unsigned id;
    int transport; /* MBEDTLS_SSL_TRANSPORT_STREAM or _DATAGRAM */
    int silent;
    int fd;        /* TCP: own socket; DTLS: the listener's UDP socket */
    struct peer_addr addr;
    char name[PEER_ADDR_STR_LEN];
    mbedtls_ssl_context ssl;
    int ssl_ready;
    struct peer_timer timer;
    /* DTLS: the datagram being delivered (valid during one peer_conn_drive call only). */
    const unsigned char *rx;
    size_t rx_len;
    struct peer_addr rx_from;
    unsigned char cid[PEER_CID_LEN];
    unsigned char hello_random[PEER_HELLO_RANDOM_LEN];
    int handshake_done;
    int resumed;               /* initial handshake resumed a cached session */
    unsigned full_handshakes;  /* counted by the session cache "set" hook */
    int want_write;
    unsigned renegotiations;
    char client_cert[PEER_CERT_NAME_LEN];
    unsigned char pending[PEER_APP_BUF_LEN];
    size_t pending_len;
    size_t pending_off;
    unsigned long long app_in, app_out, wire_in, wire_out;
    int64_t start_ms;
    int64_t last_ms;
    int last_errno;
};

enum peer_slot_kind { PEER_SLOT_STDIN, PEER_SLOT_TCP_LISTEN, PEER_SLOT_UDP, PEER_SLOT_CONN };

struct peer_slot {
    enum peer_slot_kind kind;
    struct peer_listener *listener;
    struct peer_conn *conn;
};

struct peer {
    struct peer_options opt;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_cookie_ctx cookie;
    struct peer_listener listeners[PEER_MAX_LISTENERS];
    size_t listener_count;
    struct peer_conn **conns;
    size_t conn_count;
    unsigned next_id;
    struct peer_conn *current; /* connection being driven (for the session cache hooks) */
    struct pollfd *pfds;
    struct peer_slot *slots;
    size_t slot_cap;
    unsigned char dgram[PEER_DGRAM_BUF_LEN];
    unsigned char app[PEER_APP_BUF_LEN];
};

/* peer_options.c */
#define PEER_OPTIONS_OK 0
#define PEER_OPTIONS_HELP 1
#define PEER_OPTIONS_ERROR (-1)
int peer_options_parse(struct peer_options *opt, int argc, char **argv);
const struct peer_profile *peer_profile_find(const char *name);

/* peer_log.c: every line starts with a UTC timestamp; goes to --log FILE or stderr. */
int peer_log_open(const char *path);
void peer_log_close(void);
void peer_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void peer_log_conn(const struct peer_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void peer_log_error(const struct peer_conn *c, const char *what, int ret);
void peer_debug(void *ctx, int level, const char *file, int line, const char *msg);

/* peer_setup.c */
int peer_setup(struct peer *p);
/* The clock Mbed TLS sees while one connection is driven: a profile's claimed time, 0 = real. */
void peer_claim_time(uint32_t seconds);
void peer_teardown(struct peer *p);

/* peer_net.c */
int peer_addr_from_host(const char *host, struct peer_addr *out);
int peer_addr_equal(const struct peer_addr *a, const struct peer_addr *b);
void peer_addr_format(const struct peer_addr *a, char *buf, size_t len);
size_t peer_addr_transport_id(const struct peer_addr *a, unsigned char *buf, size_t len);
int peer_listener_bind(struct peer_listener *l, const struct peer_addr *host, uint16_t port);
void peer_listener_close(struct peer_listener *l);
void peer_tcp_accept(struct peer *p, struct peer_listener *l);
void peer_udp_receive(struct peer *p, struct peer_listener *l);

/* peer_conn.c */
int64_t peer_now_ms(void);
struct peer_conn *peer_conn_open(struct peer *p, struct peer_listener *l, int transport, int fd,
                                 const struct peer_addr *addr, const unsigned char *hello_random);
void peer_conn_close(struct peer *p, struct peer_conn *c, const char *reason);
void peer_conn_close_all(struct peer *p);
void peer_conn_drive(struct peer *p, struct peer_conn *c);
struct peer_conn *peer_conn_find_addr(struct peer *p, const struct peer_listener *l,
                                      const struct peer_addr *addr);
struct peer_conn *peer_conn_find_cid(struct peer *p, const struct peer_listener *l,
                                     const unsigned char *cid);
int64_t peer_conn_deadline(const struct peer_conn *c);
void peer_conn_expire(struct peer *p, int64_t now);

#endif /* PALTLS_PEER_H */
