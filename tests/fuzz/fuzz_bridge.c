/* libFuzzer target: the socket bridge's handling of host replies (firmware/agent/bridge). The
 * host is untrusted here: every NET_RSP payload the bridge waits for, and NET_EVENT frames in
 * between, come from the fuzz input. The agent's serial plumbing is replaced by the fakes below;
 * the bridge source is compiled unchanged.
 *
 * Input: a sequence of records [op:u8][len:u16le][payload:len]. op selects the bridge call to
 * make (socket, accept, recv, recvfrom, getaddr, resolve, send, setopt, close); its reply payload
 * is the record's bytes. Odd ops also deliver the payload as a NET_EVENT first. Receive buffers
 * are exact-size heap blocks so that ASan sees any write beyond what the caller asked for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "pal_plat_network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *g_reply;
static size_t g_reply_len;
static bool g_have_reply;
static uint16_t g_seq;
static void (*g_on_event)(const ap_frame_t *frame);
static void (*g_deliver)(void);
static unsigned g_callbacks;

int agent_write_raw(const uint8_t *frame, size_t length)
{
    (void)frame;
    (void)length;
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

uint64_t agent_now_ms(void)
{
    return 0;
}

void agent_set_bridge_hooks(void (*on_event)(const ap_frame_t *frame), void (*deliver)(void))
{
    g_on_event = on_event;
    g_deliver = deliver;
}

int agent_wait_reply(uint8_t type, uint16_t seq, uint8_t *out, size_t out_size, uint32_t timeout_ms)
{
    (void)type;
    (void)seq;
    (void)timeout_ms;
    if (!g_have_reply) {
        return -1; /* no reply: the bridge retries, then reports a socket error */
    }
    g_have_reply = false;
    if (g_reply_len > out_size) {
        return -1; /* the agent never hands out more than the caller's buffer */
    }
    memcpy(out, g_reply, g_reply_len);
    return (int)g_reply_len;
}

static void on_ready(void *argument)
{
    (void)argument;
    g_callbacks++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    palSocket_t sockets[4] = { 0 };
    size_t at = 0;
    unsigned steps = 0;

    (void)pal_plat_socketsInit();
    while (at + 3 <= size && steps++ < 64) {
        uint8_t op = data[at];
        size_t len = (size_t)data[at + 1] | ((size_t)data[at + 2] << 8);
        palSocket_t *sock = &sockets[op >> 6];
        palSocketAddress_t address;
        palSocketLength_t address_length = 0;
        size_t count = 0;

        at += 3;
        if (len > size - at) {
            len = size - at;
        }
        g_reply = data + at;
        g_reply_len = len;
        g_have_reply = true;
        at += len;
        if ((op & 1) && g_on_event != NULL) {
            ap_frame_t event = { AP_NET_EVENT, 0, g_reply, g_reply_len };
            g_on_event(&event);
        }
        switch ((op >> 1) % 9) {
        case 0:
            if (*sock == 0) {
                (void)pal_plat_socket(PAL_AF_INET, (op & 2) ? PAL_SOCK_DGRAM : PAL_SOCK_STREAM, true, on_ready, NULL, sock);
            }
            break;
        case 1: {
            palSocket_t accepted = 0;
            if (pal_plat_accept(*sock, &address, &address_length, &accepted, on_ready, NULL) == PAL_SUCCESS &&
                accepted != 0) {
                (void)pal_plat_close(&accepted);
            }
            break;
        }
        case 2:
        case 3: {
            size_t want = 1 + (op & 0x1f);
            uint8_t *buffer = malloc(want);
            if (buffer != NULL) {
                if ((op >> 1) % 9 == 2) {
                    (void)pal_plat_recv(*sock, buffer, want, &count);
                } else {
                    (void)pal_plat_receiveFrom(*sock, buffer, want, &address, &address_length, &count);
                }
                if (count > want) {
                    abort();
                }
                free(buffer);
            }
            break;
        }
        case 4:
            (void)pal_plat_getSocketAddress(*sock, &address, &address_length);
            break;
        case 5:
            (void)pal_plat_getAddressInfo("device.test", &address, &address_length);
            break;
        case 6: {
            static const uint8_t payload[16] = { 0x40 };
            (void)pal_plat_send(*sock, payload, sizeof(payload), &count);
            break;
        }
        case 7: {
            uint32_t timeout = 100;
            (void)pal_plat_setSocketOptions(*sock, PAL_SO_RCVTIMEO, &timeout, sizeof(timeout));
            break;
        }
        default:
            (void)pal_plat_close(sock);
            break;
        }
        if (g_deliver != NULL) {
            g_deliver();
        }
    }
    g_have_reply = false;
    (void)pal_plat_socketsTerminate();
    return 0;
}
