/* Writes seed inputs for the fuzz targets into DIR/<target>/: well-formed frames for the frame
 * decoder (several types, split and surrounded by log text) and well-formed NET_RSP payloads
 * for the bridge target. Run by tests/fuzz/run-fuzz.sh before fuzzing. */
#include <stdio.h>
#include <string.h>

#include "agent_proto.h"

static uint8_t g_frame[AP_MAX_FRAME];

static void write_file(const char *dir, const char *target, const char *name, const uint8_t *data, size_t length)
{
    char path[1024];
    FILE *file;

    (void)snprintf(path, sizeof(path), "%s/%s/seed-%s", dir, target, name);
    file = fopen(path, "wb");
    if (file != NULL) {
        (void)fwrite(data, 1, length, file);
        (void)fclose(file);
    }
}

/* Frame decoder input: [piece-size byte][bytes] pieces (see fuzz_frame_decoder.c). */
static size_t as_pieces(const uint8_t *frame, size_t length, uint8_t *out)
{
    size_t at = 0, o = 0;

    while (at < length) {
        size_t piece = length - at < 505 ? length - at : 505;
        size_t code = (piece - 1) / 8;
        piece = 1 + code * 8;
        if (piece > length - at) {
            piece = length - at;
        }
        out[o++] = (uint8_t)code;
        memcpy(out + o, frame + at, piece);
        o += piece;
        at += piece;
    }
    return o;
}

int main(int argc, char **argv)
{
    static uint8_t out[3 * AP_MAX_FRAME];
    static uint8_t records[AP_MAX_FRAME];
    static const uint8_t addr4[4] = { 127, 0, 0, 1 };
    ap_writer_t w;
    size_t n, o;

    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_make_seeds DIR\n");
        return 2;
    }
    /* Frames. */
    ap_begin(&w, g_frame, sizeof(g_frame));
    ap_put_u32(&w, AT_STATUS, 0);
    ap_put_str(&w, AT_NAME, "tlsHandshakeTCP");
    ap_put_u64(&w, AT_TIME, 1700000000u);
    n = ap_finish(&w, AP_CASE_RESULT, 7);
    o = as_pieces(g_frame, n, out);
    write_file(argv[1], "frame_decoder", "case-result", out, o);
    memcpy(out + o, "log line\n", 9);
    o += 9;
    ap_begin(&w, g_frame, sizeof(g_frame));
    ap_put_u8(&w, AT_OP, AP_NET_RECV);
    ap_put(&w, AT_DATA, "hello", 5);
    n = ap_finish(&w, AP_NET_RSP, 9);
    o += as_pieces(g_frame, n, out + o);
    write_file(argv[1], "frame_decoder", "two-frames-and-text", out, o);
    ap_begin(&w, g_frame, sizeof(g_frame));
    n = ap_finish(&w, AP_PING, 1);
    write_file(argv[1], "frame_decoder", "empty-ping", out, as_pieces(g_frame, n, out));

    /* Bridge: records [op][len u16le][NET_RSP payload]. */
    o = 0;
    {
        const struct {
            uint8_t op;
            uint32_t sock;
            bool data;
            bool address;
        } steps[] = {
            { 0, 5, false, false },  /* socket -> id 5 */
            { 4, 0, true, false },   /* recv */
            { 6, 0, true, true },    /* recvfrom */
            { 8, 0, false, true },   /* getaddr */
            { 10, 0, false, true },  /* resolve */
            { 2, 6, false, true },   /* accept -> id 6 */
            { 12, 0, false, false }, /* send */
            { 17, 5, false, false }, /* event + close */
        };
        size_t i;
        for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
            ap_frame_t payload;
            ap_begin(&w, g_frame, sizeof(g_frame));
            ap_put_u32(&w, AT_STATUS, 0);
            if (steps[i].sock != 0) {
                ap_put_u32(&w, AT_SOCK, steps[i].sock);
                ap_put_u8(&w, AT_FLAGS, 1);
            }
            if (steps[i].data) {
                ap_put(&w, AT_DATA, "0123456789abcdef0123456789abcdef", 32);
            }
            if (steps[i].address) {
                ap_put(&w, AT_ADDR, addr4, sizeof(addr4));
                ap_put_u16(&w, AT_PORT, 5684);
            }
            ap_put_u32(&w, AT_LEN, 16);
            payload.payload = g_frame + AP_HEADER_SIZE;
            payload.len = w.len;
            records[o++] = steps[i].op;
            records[o++] = (uint8_t)payload.len;
            records[o++] = (uint8_t)(payload.len >> 8);
            memcpy(records + o, payload.payload, payload.len);
            o += payload.len;
        }
    }
    write_file(argv[1], "bridge", "session", records, o);
    return 0;
}
