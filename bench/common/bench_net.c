/* In-memory transport: two directions, each a byte queue (TLS) or a datagram queue (DTLS),
 * with byte and write counters for the wire figures. Nothing is ever lost or reordered, so DTLS
 * retransmission timers never fire and every run is identical. */
#include <string.h>

#include "mbedtls/ssl.h"

#include "bench.h"

static void dir_reset(bench_dir_t *dir)
{
    memset(dir, 0, sizeof(*dir));
}

void bench_pipe_init(bench_pipe_t *pipe, int datagram, bench_endpoint_t *client, bench_endpoint_t *server)
{
    pipe->datagram = datagram;
    dir_reset(&pipe->to_server);
    dir_reset(&pipe->to_client);
    client->pipe = pipe;
    client->out = &pipe->to_server;
    client->in = &pipe->to_client;
    server->pipe = pipe;
    server->out = &pipe->to_client;
    server->in = &pipe->to_server;
}

size_t bench_net_send(bench_endpoint_t *ep, const void *buf, size_t len)
{
    bench_dir_t *dir = ep->out;

    if (len == 0) {
        return 0;
    }
    if (dir->head == dir->used) {
        dir->head = dir->used = 0;
    }
    if (len > sizeof(dir->data) - dir->used) {
        return 0;
    }
    if (ep->pipe->datagram) {
        size_t slots = sizeof(dir->dgram_len) / sizeof(dir->dgram_len[0]);
        if (dir->dgram_count == slots) {
            return 0;
        }
        dir->dgram_len[(dir->dgram_head + dir->dgram_count) % slots] = len;
        dir->dgram_count++;
    }
    memcpy(dir->data + dir->used, buf, len);
    dir->used += len;
    dir->bytes += (uint32_t)len;
    dir->writes++;
    return len;
}

size_t bench_net_recv(bench_endpoint_t *ep, void *buf, size_t len)
{
    bench_dir_t *dir = ep->in;
    size_t available = dir->used - dir->head;
    size_t take;

    if (available == 0) {
        return 0;
    }
    if (ep->pipe->datagram) {
        size_t slots = sizeof(dir->dgram_len) / sizeof(dir->dgram_len[0]);
        size_t dgram = dir->dgram_len[dir->dgram_head];
        take = dgram < len ? dgram : len; /* a short read truncates, like UDP */
        memcpy(buf, dir->data + dir->head, take);
        dir->head += dgram;
        dir->dgram_head = (dir->dgram_head + 1) % slots;
        dir->dgram_count--;
        return take;
    }
    take = available < len ? available : len;
    memcpy(buf, dir->data + dir->head, take);
    dir->head += take;
    return take;
}

int bench_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    size_t sent = bench_net_send((bench_endpoint_t *)ctx, buf, len);

    return sent == 0 ? MBEDTLS_ERR_SSL_WANT_WRITE : (int)sent;
}

int bench_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    size_t got = bench_net_recv((bench_endpoint_t *)ctx, buf, len);

    return got == 0 ? MBEDTLS_ERR_SSL_WANT_READ : (int)got;
}
