/* paltls_interop: one PAL TLS/DTLS session against a foreign TLS stack, through the PAL API.
 *
 *   client mode: connect to HOST:PORT, handshake with one suite, write a message, read a reply.
 *   server mode: listen on HOST:PORT (TCP, or one UDP peer for DTLS), handshake as the server
 *                (pal_plat_initTLSConf with PAL_TLS_IS_SERVER), echo what the client sends.
 *
 * Prints one JSON object on stdout and exits 0 when the session worked, 1 when a PAL call failed
 * (the status name is in the JSON), 2 on a usage error. Every wait is bounded by --timeout-ms.
 * Used by tests/interop/run-matrix.mjs and the fault-injection cases in tests/fault/. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pal.h"
#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"
#include "pal_tls_ext.h"

#define MAX_OBJECT 8192
#define MAX_REPLY 1024

typedef struct object {
    uint8_t data[MAX_OBJECT];
    size_t length;
} object_t;

typedef struct options {
    bool server;
    palTLSTransportMode_t mode;
    const char *host;
    uint16_t port;
    const char *suite;
    const char *ca_path;
    const char *cert_path;
    const char *key_path;
    const char *psk_identity;
    const char *psk_hex;
    int auth; /* -1: PAL default */
    uint64_t device_time;
    uint32_t timeout_ms;
    uint32_t hs_min_ms;
    uint32_t hs_max_ms;
    const char *message;
    bool no_data;
    bool quiet;
    bool debug;
} options_t;

static const struct {
    const char *name;
    palTLSSuites_t suite;
} g_suites[] = {
    { "TLS-PSK-WITH-AES-128-CCM-8", PAL_TLS_PSK_WITH_AES_128_CCM_8 },
    { "TLS-PSK-WITH-AES-256-CCM-8", PAL_TLS_PSK_WITH_AES_256_CCM_8 },
    { "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8", PAL_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 },
    { "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", PAL_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 },
    { "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384", PAL_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 },
    { "TLS-ECDHE-ECDSA-WITH-ARIA-128-GCM-SHA256", PAL_TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 },
    { "TLS-PSK-WITH-AES-128-CBC-SHA256", PAL_TLS_PSK_WITH_AES_128_CBC_SHA256 },
};

static palSemaphoreID_t g_wake;
static object_t g_ca, g_cert, g_key;
static uint8_t g_psk[64];
static size_t g_psk_length;

static void on_socket_event(void *argument)
{
    (void)argument;
    if (g_wake != NULLPTR) {
        (void)pal_osSemaphoreRelease(g_wake);
    }
}

static void wait_event(uint32_t ms)
{
    int32_t available = 0;

    if (g_wake != NULLPTR) {
        (void)pal_osSemaphoreWait(g_wake, ms, &available);
    } else {
        (void)pal_osDelay(ms);
    }
}

static void log_to_stderr(void *context, int level, const char *file, int line, const char *message)
{
    (void)context;
    fprintf(stderr, "[%d] %s:%d: %s", level, file, line, message);
}

/* --debug: the library's debug output (level 3) on stderr. */
static void enable_debug(const options_t *o, palTLSConfHandle_t platform_conf)
{
    if (o->debug) {
        (void)pal_plat_SetLoggingCb(platform_conf, log_to_stderr, NULL);
        (void)pal_plat_sslSetDebugging(platform_conf, 1);
    }
}

static bool wants_io(palStatus_t status)
{
    return status == PAL_ERR_TLS_WANT_READ || status == PAL_ERR_TLS_WANT_WRITE;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: paltls_interop [--server] --transport tls|dtls --host ADDR --port N --suite NAME\n"
            "                      [--ca DER] [--cert DER --key DER] [--psk-identity ID --psk HEX]\n"
            "                      [--auth none|optional|required] [--device-time UNIX|now]\n"
            "                      [--timeout-ms N] [--hs-timeout MIN:MAX] [--message TEXT] [--no-data] [--quiet] [--debug]\n");
}

static bool load_object(const char *path, object_t *object)
{
    FILE *file = fopen(path, "rb");

    if (file == NULL) {
        fprintf(stderr, "paltls_interop: cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    object->length = fread(object->data, 1, sizeof(object->data), file);
    (void)fclose(file);
    if (object->length == 0 || object->length == sizeof(object->data)) {
        fprintf(stderr, "paltls_interop: %s is empty or larger than %u bytes\n", path, (unsigned)MAX_OBJECT);
        return false;
    }
    return true;
}

static bool parse_hex(const char *text, uint8_t *out, size_t capacity, size_t *length)
{
    size_t n = strlen(text);
    size_t i;

    if (n == 0 || n % 2 != 0 || n / 2 > capacity) {
        return false;
    }
    for (i = 0; i < n / 2; i++) {
        unsigned value;
        if (sscanf(text + 2 * i, "%2x", &value) != 1) {
            return false;
        }
        out[i] = (uint8_t)value;
    }
    *length = n / 2;
    return true;
}

static int parse_options(int argc, char **argv, options_t *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->mode = PAL_TLS_MODE;
    o->host = "127.0.0.1";
    o->auth = -1;
    o->timeout_ms = 20000;
    o->message = "ping from pal\n";
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(arg, "--server") == 0) {
            o->server = true;
            continue;
        }
        if (strcmp(arg, "--no-data") == 0) {
            o->no_data = true;
            continue;
        }
        if (strcmp(arg, "--quiet") == 0) {
            o->quiet = true;
            continue;
        }
        if (strcmp(arg, "--debug") == 0) {
            o->debug = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (value == NULL) {
            fprintf(stderr, "paltls_interop: %s needs a value\n", arg);
            return -1;
        }
        i++;
        if (strcmp(arg, "--transport") == 0) {
            if (strcmp(value, "tls") == 0) {
                o->mode = PAL_TLS_MODE;
            } else if (strcmp(value, "dtls") == 0) {
                o->mode = PAL_DTLS_MODE;
            } else {
                return -1;
            }
        } else if (strcmp(arg, "--host") == 0) {
            o->host = value;
        } else if (strcmp(arg, "--port") == 0) {
            long port = strtol(value, NULL, 10);
            if (port <= 0 || port > 65535) {
                return -1;
            }
            o->port = (uint16_t)port;
        } else if (strcmp(arg, "--suite") == 0) {
            o->suite = value;
        } else if (strcmp(arg, "--ca") == 0) {
            o->ca_path = value;
        } else if (strcmp(arg, "--cert") == 0) {
            o->cert_path = value;
        } else if (strcmp(arg, "--key") == 0) {
            o->key_path = value;
        } else if (strcmp(arg, "--psk-identity") == 0) {
            o->psk_identity = value;
        } else if (strcmp(arg, "--psk") == 0) {
            o->psk_hex = value;
        } else if (strcmp(arg, "--auth") == 0) {
            o->auth = strcmp(value, "none") == 0       ? PAL_TLS_VERIFY_NONE
                      : strcmp(value, "optional") == 0 ? PAL_TLS_VERIFY_OPTIONAL
                      : strcmp(value, "required") == 0 ? PAL_TLS_VERIFY_REQUIRED
                                                        : -2;
            if (o->auth == -2) {
                return -1;
            }
        } else if (strcmp(arg, "--device-time") == 0) {
            o->device_time = strcmp(value, "now") == 0 ? (uint64_t)time(NULL) : strtoull(value, NULL, 10);
        } else if (strcmp(arg, "--timeout-ms") == 0) {
            o->timeout_ms = (uint32_t)strtoul(value, NULL, 10);
        } else if (strcmp(arg, "--hs-timeout") == 0) {
            if (sscanf(value, "%u:%u", &o->hs_min_ms, &o->hs_max_ms) != 2 || o->hs_min_ms == 0 ||
                o->hs_max_ms < o->hs_min_ms) {
                return -1;
            }
        } else if (strcmp(arg, "--message") == 0) {
            o->message = value;
        } else {
            fprintf(stderr, "paltls_interop: unknown option %s\n", arg);
            return -1;
        }
    }
    if (o->port == 0 || o->suite == NULL || (o->psk_identity == NULL) != (o->psk_hex == NULL) ||
        (o->cert_path == NULL) != (o->key_path == NULL) || o->timeout_ms == 0) {
        return -1;
    }
    if (o->ca_path != NULL && !load_object(o->ca_path, &g_ca)) {
        return -1;
    }
    if (o->cert_path != NULL && (!load_object(o->cert_path, &g_cert) || !load_object(o->key_path, &g_key))) {
        return -1;
    }
    if (o->psk_hex != NULL && !parse_hex(o->psk_hex, g_psk, sizeof(g_psk), &g_psk_length)) {
        fprintf(stderr, "paltls_interop: bad --psk\n");
        return -1;
    }
    return 0;
}

static bool lookup_suite(const char *name, palTLSSuites_t *suite)
{
    size_t i;

    for (i = 0; i < sizeof(g_suites) / sizeof(g_suites[0]); i++) {
        if (strcmp(g_suites[i].name, name) == 0) {
            *suite = g_suites[i].suite;
            return true;
        }
    }
    return false;
}

/* JSON string body: printable ASCII kept, everything else \u00XX. */
static void print_json_string(const uint8_t *data, size_t length)
{
    size_t i;

    putchar('"');
    for (i = 0; i < length; i++) {
        uint8_t c = data[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c >= 0x20 && c < 0x7f) {
            putchar(c);
        } else {
            printf("\\u%04x", c);
        }
    }
    putchar('"');
}

typedef struct result {
    const char *stage;
    palStatus_t status;
    const char *suite;
    int32_t verify;
    bool have_verify;
    uint64_t server_time;
    uint64_t handshake_ms;
    uint8_t reply[MAX_REPLY];
    size_t reply_length;
} result_t;

static void report(const options_t *o, const result_t *r)
{
    const char *name = pal_statusName(r->status);

    printf("{\"role\":\"%s\",\"transport\":\"%s\",\"requested_suite\":\"%s\",\"stage\":\"%s\",\"status\":\"%s\","
           "\"status_code\":%ld",
           o->server ? "server" : "client", o->mode == PAL_TLS_MODE ? "tls" : "dtls", o->suite, r->stage,
           name != NULL ? name : "UNKNOWN", (long)r->status);
    if (r->suite != NULL) {
        printf(",\"suite\":\"%s\"", r->suite);
    }
    if (r->have_verify) {
        printf(",\"verify\":%ld", (long)r->verify);
    }
    printf(",\"server_time\":%llu,\"device_time_after\":%llu,\"handshake_ms\":%llu,\"reply\":",
           (unsigned long long)r->server_time, (unsigned long long)pal_osGetTime(), (unsigned long long)r->handshake_ms);
    print_json_string(r->reply, r->reply_length);
    printf("}\n");
    fflush(stdout);
}

#define STEP(r, name, call)               \
    do {                                  \
        (r)->stage = (name);              \
        (r)->status = (call);             \
        if ((r)->status != PAL_SUCCESS) { \
            goto done;                    \
        }                                 \
    } while (0)

static palStatus_t resolve(const options_t *o, palSocketAddress_t *address, palSocketLength_t *length)
{
    palStatus_t status = pal_getAddressInfo(o->host, address, length);

    return status == PAL_SUCCESS ? pal_setSockAddrPort(address, o->port) : status;
}

static palStatus_t connect_bounded(palSocket_t socket, const palSocketAddress_t *address, palSocketLength_t length,
                                   uint32_t timeout_ms)
{
    uint64_t start = pal_osKernelSysTick();
    palStatus_t status;

    for (;;) {
        status = pal_connect(socket, address, length);
        if (status == PAL_ERR_SOCKET_ALREADY_CONNECTED) {
            return PAL_SUCCESS;
        }
        if (status != PAL_ERR_SOCKET_IN_PROGRES && status != PAL_ERR_SOCKET_WOULD_BLOCK) {
            return status;
        }
        if (pal_osKernelSysTick() - start > timeout_ms) {
            return PAL_ERR_TIMEOUT_EXPIRED;
        }
        wait_event(50);
    }
}

/* Reads until at least one byte arrived and the line is complete (or the buffer is full). */
static palStatus_t read_some(palTLSHandle_t tls, bool platform, result_t *r, uint64_t deadline)
{
    palStatus_t status = PAL_ERR_TLS_WANT_READ;

    while (pal_osKernelSysTick() < deadline && r->reply_length < sizeof(r->reply)) {
        uint32_t got = 0;
        status = platform ? pal_plat_sslRead(tls, r->reply + r->reply_length,
                                             (uint32_t)(sizeof(r->reply) - r->reply_length), &got)
                          : pal_sslRead(tls, r->reply + r->reply_length,
                                        (uint32_t)(sizeof(r->reply) - r->reply_length), &got);
        if (status == PAL_SUCCESS) {
            r->reply_length += got;
            if (got > 0 && r->reply[r->reply_length - 1] == '\n') {
                return PAL_SUCCESS;
            }
            continue;
        }
        if (status != PAL_ERR_TLS_WANT_READ && status != PAL_ERR_TLS_WANT_WRITE) {
            /* Data first, then a close: the data counts. */
            return r->reply_length > 0 ? PAL_SUCCESS : status;
        }
        if (r->reply_length > 0) {
            /* Some data arrived but no newline yet: give the rest a short grace period. */
            wait_event(50);
            if (pal_osKernelSysTick() + 200 < deadline) {
                deadline = pal_osKernelSysTick() + 200;
            }
        } else {
            wait_event(50);
        }
    }
    return r->reply_length > 0 ? PAL_SUCCESS : PAL_ERR_TIMEOUT_EXPIRED;
}

static palStatus_t write_all(palTLSHandle_t tls, palTLSConfHandle_t conf, bool platform, const uint8_t *data,
                             uint32_t length, uint64_t deadline)
{
    uint32_t written = 0;
    palStatus_t status;

    do {
        status = platform ? pal_plat_sslWrite(tls, data, length, &written)
                          : pal_sslWrite(tls, conf, data, length, &written);
        if (status != PAL_ERR_TLS_WANT_WRITE && status != PAL_ERR_TLS_WANT_READ) {
            break;
        }
        wait_event(50);
    } while (pal_osKernelSysTick() < deadline);
    if (status == PAL_SUCCESS && written != length) {
        return PAL_ERR_GENERIC_FAILURE;
    }
    return status;
}

static int run_client(const options_t *o, result_t *r)
{
    palSocket_t socket = NULL;
    palSocketAddress_t address;
    palSocketLength_t address_length = 0;
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    palTLSSocket_t tls_socket;
    palTLSSuites_t suite;
    uint64_t start = pal_osKernelSysTick();
    uint64_t deadline = start + o->timeout_ms;
    uint64_t hs_start;

    memset(&address, 0, sizeof(address));
    STEP(r, "suite", lookup_suite(o->suite, &suite) ? PAL_SUCCESS : PAL_ERR_TLS_INVALID_CIPHER);
    STEP(r, "resolve", resolve(o, &address, &address_length));
    STEP(r, "pal_asynchronousSocket",
         pal_asynchronousSocketWithArgument((palSocketDomain_t)address.addressType,
                                o->mode == PAL_TLS_MODE ? PAL_SOCK_STREAM : PAL_SOCK_DGRAM, true, 0,
                                on_socket_event, NULL, &socket));
    if (o->mode == PAL_TLS_MODE) {
        STEP(r, "pal_connect", connect_bounded(socket, &address, address_length, o->timeout_ms));
    }
    STEP(r, "pal_initTLSConfiguration", pal_initTLSConfiguration(&conf, o->mode));
    STEP(r, "pal_plat_setCipherSuites", pal_plat_setCipherSuites(pal_tlsPlatformConfiguration(conf), suite));
    enable_debug(o, pal_tlsPlatformConfiguration(conf));
    if (o->auth >= 0) {
        STEP(r, "pal_plat_setAuthenticationMode",
             pal_plat_setAuthenticationMode(pal_tlsPlatformConfiguration(conf), (palTLSAuthMode_t)o->auth));
    }
    STEP(r, "pal_initTLS", pal_initTLS(conf, &tls, false));
    if (o->psk_identity != NULL) {
        STEP(r, "pal_setPSK",
             pal_setPSK(conf, (const unsigned char *)o->psk_identity, (uint32_t)strlen(o->psk_identity), g_psk,
                        (uint32_t)g_psk_length));
    }
    if (o->cert_path != NULL) {
        palX509_t own = { g_cert.data, (uint32_t)g_cert.length };
        palPrivateKey_t key;
        STEP(r, "pal_initPrivateKey", pal_initPrivateKey(g_key.data, g_key.length, &key));
        STEP(r, "pal_setOwnCertChain", pal_setOwnCertChain(conf, &own));
        STEP(r, "pal_setOwnPrivateKey", pal_setOwnPrivateKey(conf, &key));
    }
    if (o->ca_path != NULL) {
        palX509_t chain = { g_ca.data, (uint32_t)g_ca.length };
        STEP(r, "pal_setCAChain", pal_setCAChain(conf, &chain, NULL));
    }
    if (o->hs_min_ms != 0) {
        STEP(r, "pal_setHandShakeTimeOut", pal_setHandShakeTimeOut(conf, o->hs_min_ms, o->hs_max_ms));
    }
    pal_setDTLSSocketCallback(conf, on_socket_event, NULL);
    tls_socket.socket = socket;
    tls_socket.socketAddress = &address;
    tls_socket.addressLength = address_length;
    tls_socket.transportationMode = o->mode;
    STEP(r, "pal_tlsSetSocket", pal_tlsSetSocket(conf, &tls_socket));

    r->stage = "pal_handShake";
    hs_start = pal_osKernelSysTick();
    do {
        r->status = pal_handShake(tls, conf, true);
        if (wants_io(r->status)) {
            if (pal_osKernelSysTick() >= deadline) {
                r->status = PAL_ERR_TIMEOUT_EXPIRED;
                break;
            }
            wait_event(50);
        }
    } while (wants_io(r->status));
    r->handshake_ms = pal_osKernelSysTick() - hs_start;
    r->have_verify = pal_sslGetVerifyResultExtended(tls, &r->verify) != PAL_ERR_INVALID_ARGUMENT;
    r->suite = pal_tlsGetCipherSuiteName(tls);
    r->server_time = pal_tlsGetServerTime(tls);
    if (r->status != PAL_SUCCESS || o->no_data) {
        goto done;
    }
    STEP(r, "pal_sslWrite", write_all(tls, conf, false, (const uint8_t *)o->message, (uint32_t)strlen(o->message),
                                      deadline));
    STEP(r, "pal_sslRead", read_some(tls, false, r, deadline));

done:
    if (tls != NULLPTR) {
        (void)pal_freeTLS(&tls);
    }
    if (conf != NULLPTR) {
        (void)pal_tlsConfigurationFree(&conf);
    }
    if (socket != NULL) {
        (void)pal_close(&socket);
    }
    return r->status == PAL_SUCCESS ? 0 : 1;
}

/* Server side: platform API (the service layer is client-only). */
static int run_server(const options_t *o, result_t *r)
{
    palSocket_t listener = NULL;
    palSocket_t socket = NULL;
    palSocketAddress_t address;
    palSocketAddress_t peer;
    palSocketLength_t address_length = 0;
    palSocketLength_t peer_length = sizeof(peer);
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    palTLSSocket_t tls_socket;
    palTLSSuites_t suite;
    uint64_t server_time = 0;
    uint64_t deadline;
    uint64_t hs_start;
    uint16_t bound_port = 0;

    memset(&address, 0, sizeof(address));
    memset(&peer, 0, sizeof(peer));
    STEP(r, "suite", lookup_suite(o->suite, &suite) ? PAL_SUCCESS : PAL_ERR_TLS_INVALID_CIPHER);
    STEP(r, "resolve", resolve(o, &address, &address_length));
    if (o->mode == PAL_TLS_MODE) {
        STEP(r, "pal_socket", pal_socket((palSocketDomain_t)address.addressType, PAL_SOCK_STREAM_SERVER, true, 0,
                                         &listener));
        STEP(r, "pal_bind", pal_bind(listener, &address, address_length));
        STEP(r, "pal_listen", pal_listen(listener, 1));
    } else {
        STEP(r, "pal_asynchronousSocket",
             pal_asynchronousSocketWithArgument((palSocketDomain_t)address.addressType, PAL_SOCK_DGRAM, true, 0, on_socket_event,
                                    NULL, &socket));
        STEP(r, "pal_bind", pal_bind(socket, &address, address_length));
    }
    STEP(r, "pal_plat_initTLSConf", pal_plat_initTLSConf(&conf, o->mode, PAL_TLS_IS_SERVER));
    STEP(r, "pal_plat_setCipherSuites", pal_plat_setCipherSuites(conf, suite));
    enable_debug(o, conf);
    STEP(r, "pal_plat_setAuthenticationMode",
         pal_plat_setAuthenticationMode(conf, o->auth >= 0 ? (palTLSAuthMode_t)o->auth : PAL_TLS_VERIFY_NONE));
    if (o->psk_identity != NULL) {
        STEP(r, "pal_plat_setPSK",
             pal_plat_setPSK(conf, (const unsigned char *)o->psk_identity, (uint32_t)strlen(o->psk_identity), g_psk,
                             (uint32_t)g_psk_length));
    }
    if (o->cert_path != NULL) {
        palX509_t own = { g_cert.data, (uint32_t)g_cert.length };
        palPrivateKey_t key = { g_key.data, (uint32_t)g_key.length };
        STEP(r, "pal_plat_setOwnCertChain", pal_plat_setOwnCertChain(conf, &own));
        STEP(r, "pal_plat_setOwnPrivateKey", pal_plat_setOwnPrivateKey(conf, &key));
    }
    if (o->ca_path != NULL) {
        palX509_t chain = { g_ca.data, (uint32_t)g_ca.length };
        STEP(r, "pal_plat_setCAChain", pal_plat_setCAChain(conf, &chain, NULL));
    }
    if (o->hs_min_ms != 0) {
        STEP(r, "pal_plat_setHandShakeTimeOut", pal_plat_setHandShakeTimeOut(conf, o->hs_min_ms, o->hs_max_ms));
    }
    STEP(r, "pal_plat_initTLS", pal_plat_initTLS(conf, &tls));
    STEP(r, "pal_plat_sslSetup", pal_plat_sslSetup(tls, conf));
    (void)pal_getSockAddrPort(&address, &bound_port);
    /* The matrix runner starts its client after this line. */
    fprintf(stderr, "LISTENING %u\n", (unsigned)bound_port);
    fflush(stderr);
    deadline = pal_osKernelSysTick() + o->timeout_ms;
    if (o->mode == PAL_TLS_MODE) {
        r->stage = "pal_accept";
        do {
            peer_length = sizeof(peer);
            r->status = pal_accept(listener, &peer, &peer_length, &socket, on_socket_event, NULL);
            if (r->status == PAL_ERR_SOCKET_WOULD_BLOCK) {
                (void)pal_osDelay(10);
            }
        } while (r->status == PAL_ERR_SOCKET_WOULD_BLOCK && pal_osKernelSysTick() < deadline);
        if (r->status != PAL_SUCCESS) {
            goto done;
        }
    } else {
        peer = address;
        peer_length = address_length;
    }
    pal_plat_SetDTLSSocketCallback(conf, on_socket_event, NULL);
    tls_socket.socket = socket;
    tls_socket.socketAddress = &peer;
    tls_socket.addressLength = peer_length;
    tls_socket.transportationMode = o->mode;
    STEP(r, "pal_plat_tlsSetSocket", pal_plat_tlsSetSocket(conf, &tls_socket));

    r->stage = "pal_plat_handShake";
    hs_start = pal_osKernelSysTick();
    do {
        r->status = pal_plat_handShake(tls, &server_time);
        if (wants_io(r->status)) {
            if (pal_osKernelSysTick() >= deadline) {
                r->status = PAL_ERR_TIMEOUT_EXPIRED;
                break;
            }
            wait_event(20);
        }
    } while (wants_io(r->status));
    r->handshake_ms = pal_osKernelSysTick() - hs_start;
    r->suite = pal_plat_sslGetCipherSuiteName(tls);
    if (r->status != PAL_SUCCESS || o->no_data) {
        goto done;
    }
    STEP(r, "pal_plat_sslRead", read_some(tls, true, r, deadline));
    STEP(r, "pal_plat_sslWrite", write_all(tls, conf, true, r->reply, (uint32_t)r->reply_length, deadline));
    /* Let the client read the echo before the socket goes away. */
    (void)pal_osDelay(300);

done:
    if (tls != NULLPTR) {
        (void)pal_plat_freeTLS(&tls);
    }
    if (conf != NULLPTR) {
        (void)pal_plat_tlsConfigurationFree(&conf);
    }
    if (socket != NULL) {
        (void)pal_close(&socket);
    }
    if (listener != NULL) {
        (void)pal_close(&listener);
    }
    return r->status == PAL_SUCCESS ? 0 : 1;
}

int main(int argc, char **argv)
{
    static options_t options;
    static result_t result;
    int rc;

    if (parse_options(argc, argv, &options) != 0) {
        usage(stderr);
        return 2;
    }
    result.stage = "pal_init";
    result.status = pal_init();
    if (result.status != PAL_SUCCESS) {
        report(&options, &result);
        return 1;
    }
    if (options.device_time != 0) {
        result.stage = "pal_osSetTime";
        result.status = pal_osSetTime(options.device_time);
    }
    if (result.status == PAL_SUCCESS) {
        result.stage = "pal_osSemaphoreCreate";
        result.status = pal_osSemaphoreCreate(1, &g_wake);
    }
    if (result.status != PAL_SUCCESS) {
        rc = 1;
    } else {
        rc = options.server ? run_server(&options, &result) : run_client(&options, &result);
    }
    report(&options, &result);
    if (g_wake != NULLPTR) {
        (void)pal_osSemaphoreDelete(&g_wake);
    }
    (void)pal_destroy();
    return rc;
}
