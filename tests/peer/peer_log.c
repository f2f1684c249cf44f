/* Logging: one line per event, prefixed with a UTC timestamp, to --log FILE or stderr. stdout is
 * reserved for the READY lines the runner parses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"

#include "peer.h"

#define PEER_LOG_LINE_LEN 1024

static FILE *g_log_file;

int peer_log_open(const char *path)
{
    if (path == NULL) {
        return 0;
    }
    g_log_file = fopen(path, "a");
    if (g_log_file == NULL) {
        fprintf(stderr, "paltls_peer: cannot open log file %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (setvbuf(g_log_file, NULL, _IOLBF, 0) != 0) {
        fprintf(stderr, "paltls_peer: cannot line-buffer %s\n", path);
    }
    return 0;
}

void peer_log_close(void)
{
    if (g_log_file != NULL) {
        if (fclose(g_log_file) != 0) {
            fprintf(stderr, "paltls_peer: closing the log file failed: %s\n", strerror(errno));
        }
        g_log_file = NULL;
    }
}

static FILE *peer_log_stream(void)
{
    return g_log_file != NULL ? g_log_file : stderr;
}

static size_t peer_log_timestamp(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    size_t n;
    int m;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL) {
        return 0;
    }
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0) {
        return 0;
    }
    m = snprintf(buf + n, len - n, ".%03ldZ ", ts.tv_nsec / 1000000L);
    if (m < 0 || (size_t) m >= len - n) {
        return n;
    }
    return n + (size_t) m;
}

/* Formats "<timestamp> <prefix><message>\n" into one buffer and writes it with one call. */
static void peer_log_line(const char *prefix, const char *fmt, va_list ap)
{
    char line[PEER_LOG_LINE_LEN];
    size_t n = peer_log_timestamp(line, sizeof(line));
    int m;

    m = snprintf(line + n, sizeof(line) - n, "%s", prefix);
    if (m > 0 && (size_t) m < sizeof(line) - n) {
        n += (size_t) m;
    }
    m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    if (m < 0) {
        m = 0;
    }
    n = ((size_t) m < sizeof(line) - n) ? n + (size_t) m : sizeof(line) - 1;
    while (n > 0 && line[n - 1] == '\n') {
        n--;
    }
    line[n] = '\0';
    fprintf(peer_log_stream(), "%s\n", line);
    fflush(peer_log_stream());
}

void peer_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    peer_log_line("", fmt, ap);
    va_end(ap);
}

void peer_log_conn(const struct peer_conn *c, const char *fmt, ...)
{
    char prefix[PEER_ADDR_STR_LEN + 64];
    va_list ap;

    snprintf(prefix, sizeof(prefix), "#%u %s %s %s ", c->id,
             c->transport == MBEDTLS_SSL_TRANSPORT_DATAGRAM ? "udp" : "tcp",
             c->listener->profile->name, c->name);
    va_start(ap, fmt);
    peer_log_line(prefix, fmt, ap);
    va_end(ap);
}

/* The BIO callbacks return MBEDTLS_ERR_NET_* codes, which mbedtls_strerror only knows when
 * MBEDTLS_NET_C is built (it is not). */
static void peer_error_text(int ret, char *text, size_t len)
{
    switch (ret) {
        case MBEDTLS_ERR_NET_CONN_RESET:
            snprintf(text, len, "NET - Connection was reset by peer");
            break;
        case MBEDTLS_ERR_NET_RECV_FAILED:
            snprintf(text, len, "NET - Reading information from the socket failed");
            break;
        case MBEDTLS_ERR_NET_SEND_FAILED:
            snprintf(text, len, "NET - Sending information through the socket failed");
            break;
        default:
            mbedtls_strerror(ret, text, len);
            break;
    }
}

/* "<what> failed: -0x7780 SSL - A fatal alert message was received from our peer" (+ errno). */
void peer_log_error(const struct peer_conn *c, const char *what, int ret)
{
    char text[160];
    char sys[96] = "";

    peer_error_text(ret, text, sizeof(text));
    if (c != NULL && c->last_errno != 0) {
        snprintf(sys, sizeof(sys), " (errno: %s)", strerror(c->last_errno));
    }
    if (c != NULL) {
        peer_log_conn(c, "%s failed: -0x%04x %s%s", what, (unsigned) -ret, text, sys);
    } else {
        peer_log("%s failed: -0x%04x %s", what, (unsigned) -ret, text);
    }
}

/* mbedtls_ssl_conf_dbg callback (only installed with --debug). */
void peer_debug(void *ctx, int level, const char *file, int line, const char *msg)
{
    const char *base = strrchr(file, '/');

    (void) ctx;
    peer_log("mbedtls[%d] %s:%d: %s", level, base != NULL ? base + 1 : file, line, msg);
}
