/* libFuzzer target: the serial frame decoder (firmware/agent/agent_proto.c) and the TLV readers
 * on every frame it accepts. The input is cut into pushes of varying sizes (first byte of each
 * piece says how long it is), as a UART delivers it; the line also "goes idle" now and then
 * (ap_parser_give_up). A frame the decoder returns must have a consistent length and its
 * payload must lie inside the parser's buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const ap_parser_t *p, const ap_frame_t *frame)
{
    size_t offset = 0;
    ap_tlv_t tlv;
    char text[64];
    uint32_t u32;
    uint64_t u64;
    unsigned guard = 0;

    if (frame->len > AP_MAX_PAYLOAD || frame->payload < p->buf || frame->payload + frame->len > p->buf + sizeof(p->buf)) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ap_parser_t parser;
    ap_frame_t frame;
    size_t at = 0;
    unsigned frames = 0;

    ap_parser_init(&parser);
    while (at < size) {
        size_t piece = 1 + (data[at] & 0x3f) * 8; /* 1..505 bytes */
        bool idle = (data[at] & 0xc0) == 0xc0;
        at++;
        if (piece > size - at) {
            piece = size - at;
        }
        while (piece > 0) {
            size_t taken = ap_parser_push(&parser, data + at, piece);
            at += taken;
            piece -= taken;
            while (ap_parser_next(&parser, &frame)) {
                check_frame(&parser, &frame);
                frames++;
            }
            if (taken == 0) {
                /* Buffer full of something that never becomes a frame: the idle path must free it. */
                ap_parser_give_up(&parser);
            }
        }
        if (idle) {
            ap_parser_give_up(&parser);
            while (ap_parser_next(&parser, &frame)) {
                check_frame(&parser, &frame);
            }
        }
    }
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
    (void)frames;
    return 0;
}
