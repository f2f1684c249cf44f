/* Unit tests of the agent's serial line (firmware/agent/agent_link.c) over a scripted byte
 * stream: the real pump, the traffic served while a case runs, the bounded frame writer and the
 * fault report. Prints "N passed, N failed, 0 skipped"; exit 0 when all passed. */
#include <stdio.h>
#include <string.h>

#include "agent_internal.h"
#include "unit_check.h"

static uint8_t g_line[3 * AP_MAX_FRAME]; /* device input */
static size_t g_line_len;
static size_t g_line_at;
static size_t g_read_size = 256;
static uint8_t g_out[3 * AP_MAX_FRAME]; /* device output */
static size_t g_out_len;

static int fake_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    size_t n = g_line_len - g_line_at;
    (void)timeout_ms;
    if (n > len) {
        n = len;
    }
    if (n > g_read_size) {
        n = g_read_size;
    }
    memcpy(buf, g_line + g_line_at, n);
    g_line_at += n;
    return (int)n;
}

static int fake_write(const uint8_t *buf, size_t len)
{
    if (g_out_len + len > sizeof(g_out)) {
        return -1;
    }
    memcpy(g_out + g_out_len, buf, len);
    g_out_len += len;
    return 0;
}

static const agent_io_t g_io = { fake_read, fake_write };

static void reset_line(void)
{
    g_line_len = 0;
    g_line_at = 0;
    g_out_len = 0;
    g_read_size = 256;
    agent_link_init(&g_io);
}

static void feed_frame(uint8_t type, uint16_t seq, const void *value, size_t value_len)
{
    static uint8_t frame[AP_MAX_FRAME];
    ap_writer_t w;
    size_t n;

    ap_begin(&w, frame, sizeof(frame));
    ap_put(&w, AT_DATA, value, value_len);
    n = ap_finish(&w, type, seq);
    memcpy(g_line + g_line_len, frame, n);
    g_line_len += n;
}

typedef struct seen {
    uint8_t types[8];
    uint16_t seqs[8];
    size_t count;
    uint8_t stop_type; /* the handler ends the pump on this type (a reply) */
} seen_t;

static bool record(const ap_frame_t *frame, void *ctx)
{
    seen_t *seen = ctx;
    if (seen->count < 8) {
        seen->types[seen->count] = frame->type;
        seen->seqs[seen->count] = frame->seq;
        seen->count++;
    }
    return frame->type == seen->stop_type;
}

/* A reply that ends while the parser is nearly full, and a NET_EVENT right behind it in the same
 * read: the handler stops at the reply; the event must come out of the next pump, not be lost
 * with the rest of the chunk. */
static bool pumpKeepsTheRestOfAChunkAfterAReply(void)
{
    static uint8_t big[AP_MAX_PAYLOAD - 3];
    seen_t first = { { 0 }, { 0 }, 0, AP_NET_RSP };
    seen_t second = { { 0 }, { 0 }, 0, 0 };
    int r;

    reset_line();
    memset(big, 0x5A, sizeof(big));
    feed_frame(AP_NET_RSP, 7, big, sizeof(big) - 5); /* total AP_MAX_FRAME - 5: the 17th read straddles */
    feed_frame(AP_NET_EVENT, 8, "ev", 2);
    do {
        r = agent_pump(0, record, &first);
    } while (r == 0 && g_line_at < g_line_len);
    CHECK(r == 1 && first.count == 1 && first.types[0] == AP_NET_RSP && first.seqs[0] == 7);
    (void)agent_pump(0, record, &second);
    CHECK(second.count == 1 && second.types[0] == AP_NET_EVENT && second.seqs[0] == 8);
    return true;
}

/* Two small frames in one read, the handler stopping at the first. */
static bool pumpDeliversTwoFramesOfOneRead(void)
{
    seen_t first = { { 0 }, { 0 }, 0, AP_NET_RSP };
    seen_t second = { { 0 }, { 0 }, 0, 0 };

    reset_line();
    feed_frame(AP_NET_RSP, 1, "a", 1);
    feed_frame(AP_NET_EVENT, 2, "b", 1);
    CHECK(agent_pump(0, record, &first) == 1 && first.count == 1);
    CHECK(agent_pump(0, record, &second) == 0 && second.count == 1 && second.seqs[0] == 2);
    return true;
}

/* PING while a case runs: the same echo as between cases (docs/protocol.md: PONG echoes). */
static bool pingDuringACaseIsEchoed(void)
{
    ap_parser_t parser;
    ap_frame_t frame;
    ap_tlv_t value;
    seen_t none = { { 0 }, { 0 }, 0, 0 };
    static const uint8_t ping[] = { 'p', 'i', 'n', 'g' };
    static uint8_t frame_buf[64];
    ap_writer_t w;
    size_t n;

    reset_line();
    ap_begin(&w, frame_buf, sizeof(frame_buf));
    memcpy(frame_buf + AP_HEADER_SIZE, ping, sizeof(ping));
    w.len = sizeof(ping);
    n = ap_finish(&w, AP_PING, 42);
    memcpy(g_line, frame_buf, n);
    g_line_len = n;
    while (agent_pump(0, record, &none) == 0 && g_line_at < g_line_len) {
    }
    CHECK(none.count == 1);
    agent_serve_busy(&(ap_frame_t){ AP_PING, 42, ping, sizeof(ping) });
    ap_parser_init(&parser);
    CHECK(ap_parser_push(&parser, g_out, g_out_len) == g_out_len && ap_parser_next(&parser, &frame));
    CHECK(frame.type == AP_PONG && frame.seq == 42);
    CHECK(ap_find(&frame, AT_VALUE, &value) && value.len == sizeof(ping) && memcmp(value.value, ping, sizeof(ping)) == 0);
    return true;
}

/* A writer over a small buffer overflows instead of writing past it. */
static bool writerStopsAtItsBuffer(void)
{
    uint8_t buf[AP_HEADER_SIZE + 16 + AP_TRAILER_SIZE + 8];
    static const char long_text[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    ap_writer_t w;

    memset(buf, 0xEE, sizeof(buf));
    ap_begin(&w, buf, sizeof(buf) - 8);
    ap_put_str(&w, AT_MESSAGE, long_text);
    CHECK(w.overflow && ap_finish(&w, AP_ERROR, 1) == 0);
    for (size_t i = sizeof(buf) - 8; i < sizeof(buf); i++) {
        CHECK(buf[i] == 0xEE);
    }
    ap_begin(&w, buf, sizeof(buf) - 8);
    ap_put_str(&w, AT_MESSAGE, "short");
    CHECK(!w.overflow && ap_finish(&w, AP_ERROR, 1) == AP_HEADER_SIZE + 3 + 5 + AP_TRAILER_SIZE);
    return true;
}

/* 64-bit TLVs: the widths the protocol allows read as numbers, 5-7 bytes do not. */
static bool u64ReadsOnlyTheWidthsTheProtocolAllows(void)
{
    uint8_t payload[3 + 8] = { AT_TIME, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    ap_frame_t frame = { AP_HANDSHAKE, 1, payload, 0 };
    uint64_t value = 0;

    for (size_t len = 1; len <= 8; len++) {
        bool allowed = len <= 4 || len == 8;
        payload[1] = (uint8_t)len;
        frame.len = 3 + len;
        CHECK(ap_get_u64(&frame, AT_TIME, &value) == allowed);
    }
    CHECK(value == 0x0807060504030201ull);
    return true;
}

/* A reason and a case name far longer than the fault frame: the report still goes out, cut,
 * with every register. */
static bool faultReportWithLongReasonStillCarriesRegisters(void)
{
    static char reason[2000];
    agent_fault_t fault;
    ap_parser_t parser;
    ap_frame_t frame;
    size_t offset = 0, registers = 0;
    ap_tlv_t tlv;

    reset_line();
    memset(reason, 'R', sizeof(reason) - 1);
    memset(&fault, 0, sizeof(fault));
    fault.reason = reason;
    fault.reg_count = AGENT_FAULT_MAX_REGS;
    for (size_t i = 0; i < AGENT_FAULT_MAX_REGS; i++) {
        fault.regs[i].name = "register-name-longer-than-sixteen";
        fault.regs[i].value = (uint32_t)i;
    }
    agent_set_current_case(reason);
    agent_report_fault(&fault);
    agent_set_current_case(NULL);
    ap_parser_init(&parser);
    CHECK(g_out_len > 0 && ap_parser_push(&parser, g_out, g_out_len) == g_out_len && ap_parser_next(&parser, &frame));
    CHECK(frame.type == AP_FAULT);
    while (ap_next(&frame, &offset, &tlv)) {
        registers += tlv.tag == AT_METRIC_VALUE ? 1 : 0;
    }
    CHECK(registers == AGENT_FAULT_MAX_REGS);
    return true;
}

int main(void)
{
    unit_run("pumpKeepsTheRestOfAChunkAfterAReply", pumpKeepsTheRestOfAChunkAfterAReply);
    unit_run("pumpDeliversTwoFramesOfOneRead", pumpDeliversTwoFramesOfOneRead);
    unit_run("pingDuringACaseIsEchoed", pingDuringACaseIsEchoed);
    unit_run("writerStopsAtItsBuffer", writerStopsAtItsBuffer);
    unit_run("faultReportWithLongReasonStillCarriesRegisters", faultReportWithLongReasonStillCarriesRegisters);
    unit_run("u64ReadsOnlyTheWidthsTheProtocolAllows", u64ReadsOnlyTheWidthsTheProtocolAllows);
    return unit_summary();
}
