/* libFuzzer target: the agent's serial line as it runs on a device: the real receive pump
 * (firmware/agent/agent_link.c, agent_pump) over the frame decoder (agent_proto.c), and the TLV
 * readers on every frame it accepts. The input is cut into reads of varying sizes (first byte of
 * each piece says how long it is), as a UART delivers it; the line also "goes idle" now and then
 * (the pump gives up partial frames). The handler ends the pump at every NET_RSP, as a reply wait
 * does. A frame must have a consistent length and its payload must lie inside the parser's
 * buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "pal_plat_rtos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const ap_frame_t *frame)
{
    size_t offset = 0;
    ap_tlv_t tlv;
    char text[64];
    uint32_t u32;
    uint64_t u64;
    unsigned guard = 0;

    if (frame->len > AP_MAX_PAYLOAD) {
        abort();
    }
    while (ap_next(frame, &offset, &tlv) && guard++ < AP_MAX_PAYLOAD) {
        if (tlv.value + tlv.len > frame->payload + frame->len || offset > frame->len) {
            abort();
        }
    }
    (void)ap_get_str(frame, AT_NAME, text, sizeof(text));
    if (strlen(text) >= sizeof(text)) {
        abort();
    }
    (void)ap_get_u32(frame, AT_STATUS, &u32);
    (void)ap_get_u64(frame, AT_TIME, &u64);
    (void)ap_find(frame, AT_DATA, &tlv);
}

/* The agent's real pump (firmware/agent/agent_link.c) reads the line through this: each read
 * returns the next piece of the input (its first byte says how long: 1..505 bytes, or an idle
 * read of 0 bytes). */
static const uint8_t *g_data;
static size_t g_size;
static size_t g_at;

static int fuzz_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    size_t piece;
    bool idle;

    (void)timeout_ms;
    if (g_at >= g_size) {
        return 0;
    }
    piece = 1 + (g_data[g_at] & 0x3f) * 8;
    idle = (g_data[g_at] & 0xc0) == 0xc0;
    g_at++;
    if (idle) {
        return 0;
    }
    if (piece > g_size - g_at) {
        piece = g_size - g_at;
    }
    if (piece > len) {
        piece = len;
    }
    memcpy(buf, g_data + g_at, piece);
    g_at += piece;
    return (int)piece;
}

static int fuzz_write(const uint8_t *buf, size_t len)
{
    (void)buf;
    (void)len;
    return 0;
}

/* Port calls of the serial line: one thread, a counter for a clock. */
palStatus_t pal_plat_osMutexCreate(palMutexID_t *mutexID)
{
    *mutexID = 1;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexWait(palMutexID_t mutexID, uint32_t millisec)
{
    (void)mutexID;
    (void)millisec;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_osMutexRelease(palMutexID_t mutexID)
{
    (void)mutexID;
    return PAL_SUCCESS;
}

uint64_t pal_plat_osUptimeMs(void)
{
    static uint64_t now;
    return now++;
}

/* Checks every frame; ends the pump at a NET_RSP, as a reply wait does. */
static bool on_frame(const ap_frame_t *frame, void *ctx)
{
    (void)ctx;
    check_frame(frame);
    return frame->type == AP_NET_RSP;
}

/* Second use of each input: a valid frame stream, nothing lost. Up to four frames whose sizes
 * come from the input (large ones fill the parser), replies (NET_RSP, where the handler stops) and
 * events mixed, read in pieces of an input-chosen size (129..256 bytes, the pump's chunk at most;
 * the raw stream covers smaller pieces): every frame must come out once, in order, whatever the
 * pump was doing when its bytes arrived. */
#define STREAM_FRAMES 4
static uint8_t g_stream[STREAM_FRAMES * AP_MAX_FRAME];
static size_t g_stream_len;
static size_t g_stream_at;
static size_t g_stream_read;
static uint16_t g_expected_seq;
static bool g_stream_broken;

static int stream_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    size_t n = g_stream_len - g_stream_at;

    (void)timeout_ms;
    if (n > len) {
        n = len;
    }
    if (n > g_stream_read) {
        n = g_stream_read;
    }
    memcpy(buf, g_stream + g_stream_at, n);
    g_stream_at += n;
    return (int)n;
}

static bool on_stream_frame(const ap_frame_t *frame, void *ctx)
{
    (void)ctx;
    if (frame->seq != g_expected_seq) {
        g_stream_broken = true;
    }
    g_expected_seq++;
    return frame->type == AP_NET_RSP;
}

static void check_stream(const uint8_t *data, size_t size)
{
    static const agent_io_t io = { stream_read, fuzz_write };
    static uint8_t payload[AP_MAX_PAYLOAD];
    size_t frames = size < 2 ? 0 : (size - 1 < STREAM_FRAMES ? size - 1 : STREAM_FRAMES);
    size_t i;
    int quiet;

    if (frames == 0 || data[0] < 0x80u) {
        return; /* half the inputs: the raw stream above is the other half's whole work */
    }
    g_stream_len = 0;
    for (i = 0; i < frames; i++) {
        ap_writer_t w;
        size_t length = (size_t)(data[1 + i] >> 1) * 33u;

        if (length > AP_MAX_PAYLOAD - 3u) {
            length = AP_MAX_PAYLOAD - 3u;
        }

        ap_begin(&w, g_stream + g_stream_len, AP_MAX_FRAME);
        ap_put(&w, AT_DATA, payload, length);
        g_stream_len += ap_finish(&w, (data[1 + i] & 1u) ? AP_NET_RSP : AP_NET_EVENT, (uint16_t)(1 + i));
    }
    g_stream_at = 0;
    g_stream_read = 129u + (data[0] & 0x7fu); /* 129..256: a few reads per large frame */
    g_expected_seq = 1;
    g_stream_broken = false;
    agent_link_init(&io);
    for (quiet = 0; quiet < 3;) {
        size_t before = g_stream_at;
        uint16_t seen = g_expected_seq;
        (void)agent_pump(0, on_stream_frame, NULL);
        quiet = (before == g_stream_at && seen == g_expected_seq) ? quiet + 1 : 0;
    }
    if (g_stream_broken || g_expected_seq != (uint16_t)(1 + frames)) {
        abort(); /* a frame was lost, repeated or reordered */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const agent_io_t io = { fuzz_read, fuzz_write };
    static ap_parser_t parser;
    ap_frame_t frame;
    int idle;

    g_data = data;
    g_size = size;
    g_at = 0;
    agent_link_init(&io);
    while (g_at < g_size) {
        (void)agent_pump(0, on_frame, NULL);
    }
    /* The line goes quiet: the pump serves what is left and gives up partial frames. */
    for (idle = 0; idle < 4; idle++) {
        (void)agent_pump(0, on_frame, NULL);
    }
    check_stream(data, size);
    /* Round trip: a frame built from the input's first bytes decodes to the same payload. */
    if (size > 0) {
        static uint8_t out[AP_MAX_FRAME];
        ap_writer_t w;
        size_t n;
        ap_begin(&w, out, sizeof(out));
        ap_put(&w, AT_DATA, data, size < 1000 ? size : 1000);
        n = ap_finish(&w, AP_PING, (uint16_t)size);
        ap_parser_init(&parser);
        if (n == 0 || ap_parser_push(&parser, out, n) != n || !ap_parser_next(&parser, &frame) ||
            frame.type != AP_PING || frame.seq != (uint16_t)size || frame.len != w.len ||
            memcmp(frame.payload, out + AP_HEADER_SIZE, frame.len) != 0) {
            abort();
        }
    }
    return 0;
}
