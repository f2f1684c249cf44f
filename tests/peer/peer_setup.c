/* Start-up and shut-down: time and entropy hooks, credentials, one TLS and one DTLS configuration
 * per listener, sockets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/debug.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"

#include "peer.h"

#define PEER_MAX_FILE_LEN 16384
#define PEER_ENTROPY_THRESHOLD 32
#define PEER_HS_TIMEOUT_MIN_MS 1000
#define PEER_HS_TIMEOUT_MAX_MS 16000

static const uint16_t g_groups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};

/* TLS 1.2 encoding (hash << 8 | signature): ECDSA with SHA-256 (the PKI) or SHA-384. */
static const uint16_t g_sig_algs[] = {
    (MBEDTLS_SSL_HASH_SHA256 << 8) | MBEDTLS_SSL_SIG_ECDSA,
    (MBEDTLS_SSL_HASH_SHA384 << 8) | MBEDTLS_SSL_SIG_ECDSA,
    MBEDTLS_TLS1_3_SIG_NONE,
};

static uint32_t g_claimed_time;

void peer_claim_time(uint32_t seconds)
{
    g_claimed_time = seconds;
}

/* The library is built with MBEDTLS_PLATFORM_TIME_ALT: without this hook ServerHello.random and
 * certificate checks would see 1970. The peer uses the real clock unless the connection being
 * driven belongs to a profile that claims another time. */
static mbedtls_time_t peer_time(mbedtls_time_t *out)
{
    time_t now = g_claimed_time != 0 ? (time_t) g_claimed_time : time(NULL);

    if (out != NULL) {
        *out = (mbedtls_time_t) now;
    }
    return (mbedtls_time_t) now;
}

/* MBEDTLS_NO_PLATFORM_ENTROPY: the only entropy source is the kernel's getrandom(). */
static int peer_entropy_source(void *data, unsigned char *output, size_t len, size_t *olen)
{
    size_t done = 0;

    (void) data;
    while (done < len) {
        ssize_t n = getrandom(output + done, len - done, 0);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
        }
        done += (size_t) n;
    }
    *olen = done;
    return 0;
}

static int peer_rng_setup(struct peer *p)
{
    static const char pers[] = "paltls_peer";
    int ret;

    ret = mbedtls_platform_set_time(peer_time);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_platform_set_time", ret);
        return ret;
    }
    ret = mbedtls_entropy_add_source(&p->entropy, peer_entropy_source, NULL,
                                     PEER_ENTROPY_THRESHOLD, MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_entropy_add_source", ret);
        return ret;
    }
    ret = mbedtls_ctr_drbg_seed(&p->drbg, mbedtls_entropy_func, &p->entropy,
                                (const unsigned char *) pers, sizeof(pers) - 1);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_ctr_drbg_seed", ret);
    }
    return ret;
}

/* Reads PKI_DIR/name into a heap buffer (the caller frees it). MBEDTLS_FS_IO is not built. */
static int peer_read_file(const struct peer *p, const char *name, unsigned char **buf, size_t *len)
{
    char path[4096];
    FILE *f;
    size_t n;
    int n_path = snprintf(path, sizeof(path), "%s/%s", p->opt.pki_dir, name);

    if (n_path < 0 || (size_t) n_path >= sizeof(path)) {
        peer_log("pki path too long: %s/%s", p->opt.pki_dir, name);
        return -1;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        peer_log("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    *buf = malloc(PEER_MAX_FILE_LEN);
    if (*buf == NULL) {
        fclose(f);
        peer_log("out of memory reading %s", path);
        return -1;
    }
    n = fread(*buf, 1, PEER_MAX_FILE_LEN, f);
    if (ferror(f) || n == 0 || n == PEER_MAX_FILE_LEN) {
        peer_log("cannot read %s (empty, too large or I/O error)", path);
        fclose(f);
        free(*buf);
        *buf = NULL;
        return -1;
    }
    fclose(f);
    *len = n;
    return 0;
}

static int peer_load_crt(const struct peer *p, const char *name, mbedtls_x509_crt *crt)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int ret;

    if (peer_read_file(p, name, &buf, &len) != 0) {
        return -1;
    }
    ret = mbedtls_x509_crt_parse_der(crt, buf, len);
    free(buf);
    if (ret != 0) {
        peer_log_error(NULL, name, ret);
    }
    return ret;
}

static int peer_load_key(struct peer *p, const char *name, mbedtls_pk_context *key)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int ret;

    if (peer_read_file(p, name, &buf, &len) != 0) {
        return -1;
    }
    ret = mbedtls_pk_parse_key(key, buf, len, NULL, 0, mbedtls_ctr_drbg_random, &p->drbg);
    mbedtls_platform_zeroize(buf, len);
    free(buf);
    if (ret != 0) {
        peer_log_error(NULL, name, ret);
    }
    return ret;
}

/* Certificate + key of the listener's profile. For "badku" the certificate on the wire has
 * keyUsage keyCertSign only, so that the *client* rejects it. An Mbed TLS server refuses to pick
 * such a certificate for an ECDHE-ECDSA suite (ssl_pick_cert checks the same key usage as the
 * client), so the parsed copy used for that local check gets digitalSignature added. The DER sent
 * to the client (crt->raw) is unchanged. */
static int peer_listener_credentials(struct peer *p, struct peer_listener *l)
{
    int ret;

    mbedtls_x509_crt_init(&l->crt);
    mbedtls_pk_init(&l->key);
    if (l->profile->cert_file == NULL) {
        return 0;
    }
    ret = peer_load_crt(p, l->profile->cert_file, &l->crt);
    if (ret != 0) {
        return ret;
    }
    ret = peer_load_key(p, l->profile->key_file, &l->key);
    if (ret != 0) {
        return ret;
    }
    ret = mbedtls_pk_check_pair(&l->crt.pk, &l->key, mbedtls_ctr_drbg_random, &p->drbg);
    if (ret != 0) {
        peer_log_error(NULL, "key/certificate pair check", ret);
        return ret;
    }
    if (l->profile->relax_key_usage) {
        l->crt.MBEDTLS_PRIVATE(key_usage) |= MBEDTLS_X509_KU_DIGITAL_SIGNATURE;
    }
    return 0;
}

/* Session cache wrappers: same behaviour as mbedtls_ssl_cache_*, plus bookkeeping on the
 * connection being driven, for which Mbed TLS has no public getter: "get" succeeds when the
 * initial handshake resumes a session; "set" runs at the end of every full handshake (the server
 * gives every new session an ID, and renegotiations are always full handshakes), so it counts
 * completed renegotiations even when one completes inside a single mbedtls_ssl_read() call. */
static int peer_cache_get(void *data, unsigned char const *id, size_t id_len,
                          mbedtls_ssl_session *session)
{
    struct peer_endpoint *ep = data;
    struct peer *p = ep->listener->peer;
    int ret = mbedtls_ssl_cache_get(&ep->cache, id, id_len, session);

    if (ret == 0 && p->current != NULL) {
        p->current->resumed = 1;
    }
    return ret;
}

static int peer_cache_set(void *data, unsigned char const *id, size_t id_len,
                          const mbedtls_ssl_session *session)
{
    struct peer_endpoint *ep = data;
    struct peer *p = ep->listener->peer;

    if (p->current != NULL) {
        p->current->full_handshakes++;
    }
    return mbedtls_ssl_cache_set(&ep->cache, id, id_len, session);
}

static int peer_endpoint_credentials(struct peer *p, struct peer_listener *l,
                                     mbedtls_ssl_config *conf)
{
    const struct peer_options *opt = &p->opt;
    int ret;

    ret = mbedtls_ssl_conf_own_cert(conf, &l->crt, &l->key);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_ssl_conf_own_cert", ret);
        return ret;
    }
    mbedtls_ssl_conf_ca_chain(conf, &p->ca, NULL);
    mbedtls_ssl_conf_authmode(conf, opt->authmode);
    ret = mbedtls_ssl_conf_psk(conf, opt->psk, opt->psk_len,
                               (const unsigned char *) opt->psk_identity,
                               strlen(opt->psk_identity));
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_ssl_conf_psk", ret);
    }
    return ret;
}

static int peer_endpoint_dtls(struct peer *p, mbedtls_ssl_config *conf)
{
    int ret;

    if (p->opt.cookies) {
        mbedtls_ssl_conf_dtls_cookies(conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check,
                                      &p->cookie);
    } else {
        mbedtls_ssl_conf_dtls_cookies(conf, NULL, NULL, NULL);
    }
    mbedtls_ssl_conf_handshake_timeout(conf, PEER_HS_TIMEOUT_MIN_MS, PEER_HS_TIMEOUT_MAX_MS);
    ret = mbedtls_ssl_conf_cid(conf, PEER_CID_LEN, MBEDTLS_SSL_UNEXPECTED_CID_IGNORE);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_ssl_conf_cid", ret);
    }
    return ret;
}

static int peer_endpoint_setup(struct peer *p, struct peer_listener *l, struct peer_endpoint *ep,
                               int transport)
{
    mbedtls_ssl_config *conf = &ep->conf;
    int ret;

    ep->listener = l;
    mbedtls_ssl_config_init(conf);
    mbedtls_ssl_cache_init(&ep->cache);
    ep->ready = 1;
    ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_SERVER, transport,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_ssl_config_defaults", ret);
        return ret;
    }
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &p->drbg);
    if (p->opt.debug_level > 0) {
        mbedtls_ssl_conf_dbg(conf, peer_debug, NULL);
    }
    mbedtls_ssl_conf_ciphersuites(conf, p->opt.suites);
    mbedtls_ssl_conf_groups(conf, g_groups);
    mbedtls_ssl_conf_sig_algs(conf, g_sig_algs);
    mbedtls_ssl_conf_renegotiation(conf, p->opt.renegotiation);
    mbedtls_ssl_conf_session_cache(conf, ep, peer_cache_get, peer_cache_set);
    ret = peer_endpoint_credentials(p, l, conf);
    if (ret == 0 && transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM) {
        ret = peer_endpoint_dtls(p, conf);
    }
    return ret;
}

static void peer_endpoint_free(struct peer_endpoint *ep)
{
    if (ep->ready) {
        mbedtls_ssl_config_free(&ep->conf);
        mbedtls_ssl_cache_free(&ep->cache);
        ep->ready = 0;
    }
}

static int peer_listener_setup(struct peer *p, struct peer_listener *l,
                               const struct peer_listen_opt *lo, const struct peer_addr *host)
{
    int ret;

    l->peer = p;
    l->profile = lo->profile;
    l->tcp_fd = -1;
    l->udp_fd = -1;
    ret = peer_listener_credentials(p, l);
    if (ret == 0 && l->profile->cert_file != NULL) {
        ret = peer_endpoint_setup(p, l, &l->tls, MBEDTLS_SSL_TRANSPORT_STREAM);
        if (ret == 0) {
            ret = peer_endpoint_setup(p, l, &l->dtls, MBEDTLS_SSL_TRANSPORT_DATAGRAM);
        }
    }
    if (ret == 0) {
        ret = peer_listener_bind(l, host, lo->port);
    }
    if (ret == 0) {
        peer_log("listening: profile %s on %s port %u (tcp+udp), certificate %s", l->profile->name,
                 p->opt.host, (unsigned) l->port,
                 l->profile->cert_file != NULL ? l->profile->cert_file : "none (silent)");
    }
    return ret;
}

static void peer_listener_free(struct peer_listener *l)
{
    peer_listener_close(l);
    peer_endpoint_free(&l->tls);
    peer_endpoint_free(&l->dtls);
    mbedtls_x509_crt_free(&l->crt);
    mbedtls_pk_free(&l->key);
}

static int peer_tables_setup(struct peer *p)
{
    p->slot_cap = 1 + 2 * p->listener_count + p->opt.max_connections;
    p->conns = calloc(p->opt.max_connections, sizeof(*p->conns));
    p->pfds = calloc(p->slot_cap, sizeof(*p->pfds));
    p->slots = calloc(p->slot_cap, sizeof(*p->slots));
    if (p->conns == NULL || p->pfds == NULL || p->slots == NULL) {
        peer_log("out of memory for %zu connections", p->opt.max_connections);
        return -1;
    }
    return 0;
}

static int peer_shared_setup(struct peer *p)
{
    int ret;

    mbedtls_entropy_init(&p->entropy);
    mbedtls_ctr_drbg_init(&p->drbg);
    mbedtls_x509_crt_init(&p->ca);
    mbedtls_ssl_cookie_init(&p->cookie);
    if (p->opt.debug_level > 0) {
        mbedtls_debug_set_threshold(p->opt.debug_level);
    }
    ret = peer_rng_setup(p);
    if (ret != 0) {
        return ret;
    }
    ret = peer_load_crt(p, "ca.der", &p->ca);
    if (ret != 0) {
        return ret;
    }
    ret = mbedtls_ssl_cookie_setup(&p->cookie, mbedtls_ctr_drbg_random, &p->drbg);
    if (ret != 0) {
        peer_log_error(NULL, "mbedtls_ssl_cookie_setup", ret);
    }
    return ret;
}

int peer_setup(struct peer *p)
{
    struct peer_addr host;
    size_t i;
    int ret;

    ret = peer_shared_setup(p);
    if (ret != 0) {
        return ret;
    }
    if (peer_addr_from_host(p->opt.host, &host) != 0) {
        peer_log("--host %s is not a numeric IPv4/IPv6 address", p->opt.host);
        return -1;
    }
    for (i = 0; i < p->opt.listen_count; i++) {
        p->listener_count++;
        ret = peer_listener_setup(p, &p->listeners[i], &p->opt.listen[i], &host);
        if (ret != 0) {
            return ret;
        }
    }
    return peer_tables_setup(p);
}

void peer_teardown(struct peer *p)
{
    size_t i;

    if (p->conns != NULL) {
        peer_conn_close_all(p);
    }
    for (i = 0; i < p->listener_count; i++) {
        peer_listener_free(&p->listeners[i]);
    }
    free(p->conns);
    free(p->pfds);
    free(p->slots);
    p->conns = NULL;
    p->pfds = NULL;
    p->slots = NULL;
    mbedtls_ssl_cookie_free(&p->cookie);
    mbedtls_x509_crt_free(&p->ca);
    mbedtls_ctr_drbg_free(&p->drbg);
    mbedtls_entropy_free(&p->entropy);
}
