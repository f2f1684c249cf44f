/* Command line of paltls_peer. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

static const struct peer_profile g_profiles[] = {
    { "default", "server.der", "server.key.der", 0, 0 },
    { "expired", "server_expired.der", "server_expired.key.der", 0, 0 },
    { "future", "server_future.der", "server_future.key.der", 0, 0 },
    { "unrelated", "server_unrelated.der", "server_unrelated.key.der", 0, 0 },
    { "badku", "server_badku.der", "server_badku.key.der", 1, 0 },
    /* A valid certificate but a ServerHello time of 2100-01-01, outside that certificate's
     * validity: what a server with a broken clock (or random gmt_unix_time) sends. */
    { "liar", "server.der", "server.key.der", 0, 4102444800u },
    { "silent", NULL, NULL, 0, 0 },
};

/* The suites of the porting guide (the client offers only the first by default). */
static const char g_default_suites[] =
    "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8,"
    "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256,"
    "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384,"
    "TLS-PSK-WITH-AES-128-CCM-8,"
    "TLS-PSK-WITH-AES-256-CCM-8,"
    "TLS-PSK-WITH-AES-128-CBC-SHA256";

static const char g_default_psk_identity[] = "Client_identity";
static const unsigned char g_default_psk[] = { 0x12, 0x34, 0x45, 0x67, 0x89, 0x10 };

enum {
    OPT_PKI = 256,
    OPT_HOST,
    OPT_LISTEN,
    OPT_LOG,
    OPT_SUITES,
    OPT_PSK_IDENTITY,
    OPT_PSK,
    OPT_AUTH,
    OPT_NO_COOKIES,
    OPT_NO_RENEGOTIATION,
    OPT_MAX_CONNECTIONS,
    OPT_EXIT_ON_STDIN_EOF,
    OPT_DEBUG,
    OPT_HELP,
};

static const struct option g_long_options[] = {
    { "pki", required_argument, NULL, OPT_PKI },
    { "host", required_argument, NULL, OPT_HOST },
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "log", required_argument, NULL, OPT_LOG },
    { "suites", required_argument, NULL, OPT_SUITES },
    { "psk-identity", required_argument, NULL, OPT_PSK_IDENTITY },
    { "psk", required_argument, NULL, OPT_PSK },
    { "auth", required_argument, NULL, OPT_AUTH },
    { "no-cookies", no_argument, NULL, OPT_NO_COOKIES },
    { "no-renegotiation", no_argument, NULL, OPT_NO_RENEGOTIATION },
    { "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
    { "exit-on-stdin-eof", no_argument, NULL, OPT_EXIT_ON_STDIN_EOF },
    { "debug", required_argument, NULL, OPT_DEBUG },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

static void peer_usage(FILE *out)
{
    fputs("usage: paltls_peer --pki DIR [--host 127.0.0.1] --listen PROFILE[=PORT] [--listen ...]\n"
          "                   [--log FILE] [--suites LIST] [--psk-identity ID --psk HEX]\n"
          "                   [--auth none|optional|required] [--no-cookies] [--no-renegotiation]\n"
          "                   [--max-connections N] [--exit-on-stdin-eof] [--debug 0-4] [--help]\n"
          "\n"
          "TLS 1.2 (TCP) and DTLS 1.2 (UDP) test server for the PAL TLS suite. Every --listen\n"
          "binds one port number (0 or omitted: a free ephemeral port) for both TCP and UDP.\n"
          "Profiles: default expired future unrelated badku silent.\n"
          "Prints 'READY <profile> <port>' per listener and 'READY all' on stdout once bound;\n"
          "logs go to stderr or --log FILE. Stops on SIGINT/SIGTERM (and stdin EOF if asked).\n"
          "Defaults: all six suites of the porting guide, PSK identity Client_identity with key\n"
          "123445678910, --auth optional (client certificates checked against ca.der),\n"
          "cookies and renegotiation on, at most 64 simultaneous connections.\n",
          out);
}

const struct peer_profile *peer_profile_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(g_profiles) / sizeof(g_profiles[0]); i++) {
        if (strcmp(g_profiles[i].name, name) == 0) {
            return &g_profiles[i];
        }
    }
    return NULL;
}

static int peer_parse_ulong(const char *text, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    if (text[0] == '\0' || !isdigit((unsigned char) text[0])) {
        return -1;
    }
    errno = 0;
    v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* The parsers below return 0 (PEER_OPTIONS_OK) or -1 (PEER_OPTIONS_ERROR) after a message. */

/* PROFILE[=PORT] */
static int peer_parse_listen(struct peer_options *opt, const char *arg)
{
    char name[32];
    const char *eq = strchr(arg, '=');
    size_t name_len = eq != NULL ? (size_t) (eq - arg) : strlen(arg);
    unsigned long port = 0;
    struct peer_listen_opt *l;

    if (opt->listen_count >= PEER_MAX_LISTENERS) {
        fprintf(stderr, "paltls_peer: at most %d --listen options\n", PEER_MAX_LISTENERS);
        return -1;
    }
    if (name_len == 0 || name_len >= sizeof(name)) {
        fprintf(stderr, "paltls_peer: bad --listen '%s'\n", arg);
        return -1;
    }
    memcpy(name, arg, name_len);
    name[name_len] = '\0';
    l = &opt->listen[opt->listen_count];
    l->profile = peer_profile_find(name);
    if (l->profile == NULL) {
        fprintf(stderr, "paltls_peer: unknown profile '%s'\n", name);
        return -1;
    }
    if (eq != NULL && peer_parse_ulong(eq + 1, 65535, &port) != 0) {
        fprintf(stderr, "paltls_peer: bad port in --listen '%s'\n", arg);
        return -1;
    }
    l->port = (uint16_t) port;
    opt->listen_count++;
    return 0;
}

/* Comma-separated Mbed TLS suite names -> 0-terminated id list. */
static int peer_parse_suites(struct peer_options *opt, const char *list)
{
    char name[96];
    const char *p = list;
    size_t count = 0;

    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t) (comma - p) : strlen(p);
        int id;

        if (len == 0 || len >= sizeof(name) || count >= PEER_MAX_SUITES) {
            fprintf(stderr, "paltls_peer: bad --suites list '%s'\n", list);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        id = mbedtls_ssl_get_ciphersuite_id(name);
        if (id == 0) {
            fprintf(stderr, "paltls_peer: ciphersuite '%s' unknown or not in this build\n", name);
            return -1;
        }
        opt->suites[count++] = id;
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    if (count == 0) {
        fprintf(stderr, "paltls_peer: empty --suites list\n");
        return -1;
    }
    opt->suites[count] = 0;
    return 0;
}

static int peer_hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    ch = (char) tolower((unsigned char) ch);
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    return -1;
}

static int peer_parse_psk(struct peer_options *opt, const char *hex)
{
    size_t len = strlen(hex);
    size_t i;

    if (len == 0 || len % 2 != 0 || len / 2 > sizeof(opt->psk)) {
        fprintf(stderr, "paltls_peer: --psk needs 2..%zu hex digits, even count\n",
                2 * sizeof(opt->psk));
        return -1;
    }
    for (i = 0; i < len / 2; i++) {
        int hi = peer_hex_digit(hex[2 * i]);
        int lo = peer_hex_digit(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            fprintf(stderr, "paltls_peer: --psk is not hex: '%s'\n", hex);
            return -1;
        }
        opt->psk[i] = (unsigned char) (hi << 4 | lo);
    }
    opt->psk_len = len / 2;
    return 0;
}

static int peer_parse_psk_identity(struct peer_options *opt, const char *id)
{
    size_t len = strlen(id);

    if (len == 0 || len >= sizeof(opt->psk_identity)) {
        fprintf(stderr, "paltls_peer: --psk-identity must be 1..%zu characters\n",
                sizeof(opt->psk_identity) - 1);
        return -1;
    }
    memcpy(opt->psk_identity, id, len + 1);
    return 0;
}

static int peer_parse_auth(struct peer_options *opt, const char *mode)
{
    if (strcmp(mode, "none") == 0) {
        opt->authmode = MBEDTLS_SSL_VERIFY_NONE;
    } else if (strcmp(mode, "optional") == 0) {
        opt->authmode = MBEDTLS_SSL_VERIFY_OPTIONAL;
    } else if (strcmp(mode, "required") == 0) {
        opt->authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
    } else {
        fprintf(stderr, "paltls_peer: --auth must be none, optional or required\n");
        return -1;
    }
    return 0;
}

static int peer_parse_count(const char *what, const char *text, unsigned long min,
                            unsigned long max, unsigned long *out)
{
    if (peer_parse_ulong(text, max, out) != 0 || *out < min) {
        fprintf(stderr, "paltls_peer: %s must be a number in %lu..%lu\n", what, min, max);
        return -1;
    }
    return 0;
}

static int peer_options_defaults(struct peer_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->host = "127.0.0.1";
    opt->authmode = MBEDTLS_SSL_VERIFY_OPTIONAL;
    opt->cookies = 1;
    opt->renegotiation = MBEDTLS_SSL_RENEGOTIATION_ENABLED;
    opt->max_connections = PEER_DEFAULT_MAX_CONNECTIONS;
    memcpy(opt->psk_identity, g_default_psk_identity, sizeof(g_default_psk_identity));
    memcpy(opt->psk, g_default_psk, sizeof(g_default_psk));
    opt->psk_len = sizeof(g_default_psk);
    return peer_parse_suites(opt, g_default_suites);
}

static int peer_parse_max_connections(struct peer_options *opt, const char *arg)
{
    unsigned long n;

    if (peer_parse_count("--max-connections", arg, 1, PEER_MAX_CONNECTIONS_LIMIT, &n) != 0) {
        return PEER_OPTIONS_ERROR;
    }
    opt->max_connections = n;
    return PEER_OPTIONS_OK;
}

static int peer_parse_debug(struct peer_options *opt, const char *arg)
{
    unsigned long n;

    if (peer_parse_count("--debug", arg, 0, 4, &n) != 0) {
        return PEER_OPTIONS_ERROR;
    }
    opt->debug_level = (int) n;
    return PEER_OPTIONS_OK;
}

/* One option; returns PEER_OPTIONS_OK, _HELP or _ERROR. */
static int peer_options_apply(struct peer_options *opt, int code, const char *arg)
{
    switch (code) {
        case OPT_PKI:
            opt->pki_dir = arg;
            return PEER_OPTIONS_OK;
        case OPT_HOST:
            opt->host = arg;
            return PEER_OPTIONS_OK;
        case OPT_LOG:
            opt->log_path = arg;
            return PEER_OPTIONS_OK;
        case OPT_LISTEN:
            return peer_parse_listen(opt, arg);
        case OPT_SUITES:
            return peer_parse_suites(opt, arg);
        case OPT_PSK_IDENTITY:
            return peer_parse_psk_identity(opt, arg);
        case OPT_PSK:
            return peer_parse_psk(opt, arg);
        case OPT_AUTH:
            return peer_parse_auth(opt, arg);
        case OPT_NO_COOKIES:
            opt->cookies = 0;
            return PEER_OPTIONS_OK;
        case OPT_NO_RENEGOTIATION:
            opt->renegotiation = MBEDTLS_SSL_RENEGOTIATION_DISABLED;
            return PEER_OPTIONS_OK;
        case OPT_EXIT_ON_STDIN_EOF:
            opt->exit_on_stdin_eof = 1;
            return PEER_OPTIONS_OK;
        case OPT_MAX_CONNECTIONS:
            return peer_parse_max_connections(opt, arg);
        case OPT_DEBUG:
            return peer_parse_debug(opt, arg);
        case OPT_HELP:
            peer_usage(stdout);
            return PEER_OPTIONS_HELP;
        default:
            peer_usage(stderr);
            return PEER_OPTIONS_ERROR;
    }
}

int peer_options_parse(struct peer_options *opt, int argc, char **argv)
{
    int code;
    int ret;

    if (peer_options_defaults(opt) != 0) {
        return PEER_OPTIONS_ERROR;
    }
    while ((code = getopt_long(argc, argv, "", g_long_options, NULL)) != -1) {
        ret = peer_options_apply(opt, code, optarg);
        if (ret != PEER_OPTIONS_OK) {
            return ret;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "paltls_peer: unexpected argument '%s'\n", argv[optind]);
        return PEER_OPTIONS_ERROR;
    }
    if (opt->pki_dir == NULL || opt->listen_count == 0) {
        fprintf(stderr, "paltls_peer: --pki and at least one --listen are required\n");
        peer_usage(stderr);
        return PEER_OPTIONS_ERROR;
    }
    return PEER_OPTIONS_OK;
}
