/* Unit tests of the socket bridge (firmware/agent/bridge) against a scripted host: the agent's
 * serial line is replaced by the fakes below, the bridge source is compiled unchanged. Prints
 * "N passed, N failed, 0 skipped"; exit 0 when all passed. */
#include <stdio.h>
#include <string.h>

#include "agent_internal.h"
#include "unit_check.h"
#include "pal_plat_network.h"

static uint8_t g_reply[256];
static size_t g_reply_len;
static bool g_have_reply;
static uint16_t g_seq;
static unsigned g_requests;

int agent_write_raw(const uint8_t *frame, size_t length)
{
    (void)frame;
    (void)length;
    g_requests++;
    return 0;
}

uint16_t agent_next_seq(void)
{
    return ++g_seq;
}

void agent_io_lock(void)
{
}

void agent_io_unlock(void)
{
}

void agent_set_bridge_hooks(void (*on_event)(const ap_frame_t *frame), void (*deliver)(void))
{
    (void)on_event;
    (void)deliver;
}

int agent_wait_reply(uint8_t type, uint16_t seq, uint8_t *out, size_t out_size, uint32_t timeout_ms)
{
    (void)type;
    (void)seq;
    (void)timeout_ms;
    if (!g_have_reply || g_reply_len > out_size) {
        return -1;
    }
    memcpy(out, g_reply, g_reply_len);
    return (int)g_reply_len;
}

/* The host's next reply: a status and optionally a socket id or a byte count. */
static void host_replies(uint32_t status, uint8_t tag, uint32_t value)
{
    static uint8_t frame[AP_HEADER_SIZE + sizeof(g_reply) + AP_TRAILER_SIZE];
    ap_writer_t w;

    ap_begin(&w, frame, sizeof(frame));
    ap_put_u32(&w, AT_STATUS, status);
    if (tag != 0) {
        ap_put_u32(&w, tag, value);
    }
    memcpy(g_reply, frame + AP_HEADER_SIZE, w.len);
    g_reply_len = w.len;
    g_have_reply = true;
}

static void host_is_silent(void)
{
    g_have_reply = false;
}

/* Leaves a recognisable pattern where the next call's locals will live, so that reading one
 * that was never written is not silently zero. */
static void poison_stack(void)
{
    volatile uint8_t area[8192];
    for (size_t i = 0; i < sizeof(area); i++) {
        area[i] = 0xA5;
    }
}

static palSocket_t open_socket(void)
{
    palSocket_t socket = 0;
    host_replies(PAL_SUCCESS, AT_SOCK, 7);
    if (pal_plat_socket(PAL_AF_INET, PAL_SOCK_STREAM, true, NULL, NULL, &socket) != PAL_SUCCESS) {
        return 0;
    }
    return socket;
}

static void close_socket(palSocket_t socket)
{
    host_replies(PAL_SUCCESS, 0, 0);
    (void)pal_plat_close(&socket);
}

/* No reply to a send (the line is down): a socket error and nothing sent, never a count read
 * from a reply that did not arrive. */
static bool sendWithoutReplyReportsNothingSent(void)
{
    static const uint8_t data[10] = { 1, 2, 3 };
    palSocket_t socket = open_socket();
    size_t sent = 12345;
    palStatus_t status;

    CHECK(socket != 0);
    host_is_silent();
    poison_stack();
    status = pal_plat_send(socket, data, sizeof(data), &sent);
    CHECK(status == PAL_ERR_SOCKET_GENERIC);
    CHECK(sent == 0);
    close_socket(socket);
    return true;
}

/* The host claims more bytes sent than the request carried: the count is capped at the chunk. */
static bool sentCountIsNeverMoreThanTheChunk(void)
{
    static const uint8_t data[10] = { 1, 2, 3 };
    palSocket_t socket = open_socket();
    size_t sent = 0;

    CHECK(socket != 0);
    host_replies(PAL_SUCCESS, AT_LEN, 100000);
    CHECK(pal_plat_send(socket, data, sizeof(data), &sent) == PAL_SUCCESS);
    CHECK(sent == sizeof(data));
    host_replies(PAL_SUCCESS, AT_LEN, 4);
    CHECK(pal_plat_send(socket, data, sizeof(data), &sent) == PAL_SUCCESS);
    CHECK(sent == 4);
    close_socket(socket);
    return true;
}

int main(void)
{
    (void)pal_plat_socketsInit();
    unit_run("sendWithoutReplyReportsNothingSent", sendWithoutReplyReportsNothingSent);
    unit_run("sentCountIsNeverMoreThanTheChunk", sentCountIsNeverMoreThanTheChunk);
    return unit_summary();
}
