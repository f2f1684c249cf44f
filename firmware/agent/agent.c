/* Device test agent: main loop, sync handshake, manifest, environment, case execution.
 * Protocol: docs/protocol.md. */
#include "agent_internal.h"

#include <stdio.h>
#include <string.h>

#include "mbedtls/version.h"
#include "pal_plat_rtos.h"
#include "paltest_env.h"

static const agent_io_t *s_io;
static const agent_board_info_t *s_info;
static ap_parser_t s_parser;
static uint8_t s_tx[AP_MAX_FRAME];
static uint8_t s_req[AP_MAX_PAYLOAD];
static uint16_t s_seq;
static char s_mbedtls_version[18];
static volatile const char *s_current_case;

static void (*s_bridge_on_event)(const ap_frame_t *frame);
static void (*s_bridge_deliver)(void);

static palMutexID_t s_lock;
static bool s_lock_ready;
static bool s_lock_failed;

/* Result of the last RUN, replayed if the host retransmits the same request. */
static struct {
    bool valid;
    uint16_t seq;
    char name[AGENT_NAME_SIZE];
    paltest_result_t result;
    uint32_t duration_ms;
} s_last_run;

__attribute__((weak)) void agent_port_entropy_seed(const uint8_t *seed, size_t length)
{
    (void)seed;
    (void)length;
}

uint8_t *agent_tx_buffer(void)
{
    return s_tx;
}

uint16_t agent_next_seq(void)
{
    return ++s_seq;
}

uint64_t agent_now_ms(void)
{
    return pal_plat_osUptimeMs();
}

const char *agent_current_case(void)
{
    return (const char *)s_current_case;
}

void agent_io_lock(void)
{
    if (!s_lock_ready && !s_lock_failed) {
        if (pal_plat_osMutexCreate(&s_lock) == PAL_SUCCESS) {
            s_lock_ready = true;
        } else {
            s_lock_failed = true;
        }
    }
    if (s_lock_ready) {
        (void)pal_plat_osMutexWait(s_lock, PAL_RTOS_WAIT_FOREVER);
    }
}

void agent_io_unlock(void)
{
    if (s_lock_ready) {
        (void)pal_plat_osMutexRelease(s_lock);
    }
}

int agent_send(ap_writer_t *w, uint8_t type, uint16_t seq)
{
    size_t n = ap_finish(w, type, seq);
    if (n == 0 || s_io == NULL) {
        return -1;
    }
    return s_io->write(w->buf, n);
}

int agent_write_raw(const uint8_t *frame, size_t length)
{
    return s_io == NULL ? -1 : s_io->write(frame, length);
}

void agent_log(const char *text)
{
    if (s_io == NULL) {
        return;
    }
    (void)s_io->write((const uint8_t *)text, strlen(text));
    (void)s_io->write((const uint8_t *)"\r\n", 2);
}

void agent_set_bridge_hooks(void (*on_event)(const ap_frame_t *frame), void (*deliver)(void))
{
    s_bridge_on_event = on_event;
    s_bridge_deliver = deliver;
}

static void send_error(uint16_t seq, int32_t status, const char *message)
{
    ap_writer_t w;
    ap_begin(&w, s_tx);
    ap_put_u32(&w, AT_STATUS, (uint32_t)status);
    ap_put_str(&w, AT_MESSAGE, message);
    (void)agent_send(&w, AP_ERROR, seq);
}

/* ---- manifest ---------------------------------------------------------------------------- */

static size_t manifest_count(void)
{
    size_t suite = 0, hooks = 0;
    (void)paltest_cases(&suite);
    (void)agent_hook_cases(&hooks);
    return suite + hooks;
}

static const paltest_case_t *manifest_at(size_t index, bool *is_hook)
{
    size_t suite = 0, hooks = 0;
    const paltest_case_t *cases = paltest_cases(&suite);
    const paltest_case_t *hook_cases = agent_hook_cases(&hooks);
    *is_hook = index >= suite;
    if (index < suite) {
        return &cases[index];
    }
    if (index - suite < hooks) {
        return &hook_cases[index - suite];
    }
    return NULL;
}

static uint32_t manifest_crc(void)
{
    uint32_t crc = 0;
    size_t count = manifest_count();
    for (size_t i = 0; i < count; i++) {
        bool hook;
        const paltest_case_t *c = manifest_at(i, &hook);
        uint8_t needs[4] = {(uint8_t)c->needs, (uint8_t)(c->needs >> 8), (uint8_t)(c->needs >> 16),
                            (uint8_t)(c->needs >> 24)};
        crc = ap_crc32(crc, (const uint8_t *)c->name, strlen(c->name) + 1);
        crc = ap_crc32(crc, needs, sizeof(needs));
    }
    return crc;
}

static const paltest_case_t *manifest_find(const char *name, bool *is_hook)
{
    size_t count = manifest_count();
    for (size_t i = 0; i < count; i++) {
        const paltest_case_t *c = manifest_at(i, is_hook);
        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return NULL;
}

/* ---- requests ---------------------------------------------------------------------------- */

static void put_identity(ap_writer_t *w)
{
    ap_put_u8(w, AT_PROTO, AP_VERSION);
    ap_put_str(w, AT_BOARD, s_info->board);
    ap_put_str(w, AT_BUILD, s_info->build_id);
    ap_put_str(w, AT_MBEDTLS, s_mbedtls_version);
    ap_put_u32(w, AT_CAPS, s_info->capabilities);
    ap_put_u8(w, AT_ENTROPY_TEST, s_info->entropy_is_test_only ? 1 : 0);
    ap_put_u32(w, AT_COUNT, (uint32_t)manifest_count());
    ap_put_u32(w, AT_MANIFEST_CRC, manifest_crc());
}

static void handle_hello(const ap_frame_t *f)
{
    ap_tlv_t nonce;
    uint32_t proto = 0;
    if (!ap_find(f, AT_NONCE, &nonce) || nonce.len == 0 || nonce.len > 64) {
        send_error(f->seq, -1, "HELLO without a nonce");
        return;
    }
    if (ap_get_u32(f, AT_PROTO, &proto) && proto != AP_VERSION) {
        char msg[80];
        snprintf(msg, sizeof(msg), "protocol version %u not supported (device speaks %u)",
                 (unsigned)proto, (unsigned)AP_VERSION);
        send_error(f->seq, -2, msg);
        return;
    }
    ap_writer_t w;
    ap_begin(&w, s_tx);
    ap_put(&w, AT_NONCE, nonce.value, nonce.len);
    put_identity(&w);
    (void)agent_send(&w, AP_HELLO_ACK, f->seq);
}

static void handle_list(const ap_frame_t *f)
{
    size_t count = manifest_count();
    ap_writer_t w;
    for (size_t i = 0; i < count; i++) {
        bool hook;
        const paltest_case_t *c = manifest_at(i, &hook);
        ap_begin(&w, s_tx);
        ap_put_u32(&w, AT_INDEX, (uint32_t)i);
        ap_put_str(&w, AT_NAME, c->name);
        ap_put_u32(&w, AT_NEEDS, c->needs);
        (void)agent_send(&w, AP_CASE_INFO, f->seq);
    }
    ap_begin(&w, s_tx);
    ap_put_u32(&w, AT_COUNT, (uint32_t)count);
    ap_put_u32(&w, AT_MANIFEST_CRC, manifest_crc());
    (void)agent_send(&w, AP_LIST_END, f->seq);
}

static void send_ack(uint16_t seq, int32_t status, const char *message)
{
    ap_writer_t w;
    ap_begin(&w, s_tx);
    ap_put_u32(&w, AT_STATUS, (uint32_t)status);
    if (message) {
        ap_put_str(&w, AT_MESSAGE, message);
    }
    (void)agent_send(&w, AP_ACK, seq);
}

static void handle_env_set(const ap_frame_t *f)
{
    char key[40];
    ap_tlv_t value;
    if (!ap_get_str(f, AT_KEY, key, sizeof(key)) || !ap_find(f, AT_VALUE, &value)) {
        send_ack(f->seq, -1, "ENV_SET needs a key and a value");
        return;
    }
    if (!paltest_env_set(key, value.value, value.len)) {
        send_ack(f->seq, -1, "environment full or key too long");
        return;
    }
    if (strcmp(key, "entropy.seed") == 0) {
        agent_port_entropy_seed(value.value, value.len);
    }
    send_ack(f->seq, 0, NULL);
}

static const char *missing_caps(uint32_t needs, uint32_t caps)
{
    uint32_t missing = needs & ~caps;
    if (missing & PALTEST_NEEDS_THREADS) {
        return "board has no threads (PALTEST_NEEDS_THREADS)";
    }
    if (missing & PALTEST_NEEDS_PEER) {
        return "board cannot reach a test peer (PALTEST_NEEDS_PEER)";
    }
    if (missing & PALTEST_NEEDS_FAULT_HOOKS) {
        return "board does not support fault hooks (PALTEST_NEEDS_FAULT_HOOKS)";
    }
    return NULL;
}

static void send_result(uint16_t seq)
{
    ap_writer_t w;
    ap_begin(&w, s_tx);
    ap_put_str(&w, AT_NAME, s_last_run.name);
    ap_put_u32(&w, AT_STATUS, (uint32_t)s_last_run.result.status);
    ap_put_u32(&w, AT_DURATION, s_last_run.duration_ms);
    if (s_last_run.result.message[0] != '\0') {
        ap_put_str(&w, AT_MESSAGE, s_last_run.result.message);
    }
    for (size_t i = 0; i < s_last_run.result.metric_count && i < PALTEST_MAX_METRICS; i++) {
        ap_put_str(&w, AT_METRIC_NAME, s_last_run.result.metrics[i].name);
        ap_put_u64(&w, AT_METRIC_VALUE, (uint64_t)s_last_run.result.metrics[i].value);
    }
    (void)agent_send(&w, AP_CASE_RESULT, seq);
}

static void handle_run(const ap_frame_t *f)
{
    char name[AGENT_NAME_SIZE];
    if (!ap_get_str(f, AT_NAME, name, sizeof(name))) {
        send_error(f->seq, -1, "RUN without a case name");
        return;
    }
    ap_writer_t w;
    if (s_last_run.valid && s_last_run.seq == f->seq && strcmp(s_last_run.name, name) == 0) {
        /* Retransmitted request: replay instead of running the case twice. */
        ap_begin(&w, s_tx);
        ap_put_str(&w, AT_NAME, name);
        (void)agent_send(&w, AP_CASE_START, f->seq);
        send_result(f->seq);
        return;
    }
    bool hook = false;
    const paltest_case_t *c = manifest_find(name, &hook);
    if (c == NULL) {
        char msg[AGENT_NAME_SIZE + 32];
        snprintf(msg, sizeof(msg), "no case named '%s'", name);
        send_error(f->seq, -3, msg);
        return;
    }
    memset(&s_last_run, 0, sizeof(s_last_run));
    s_last_run.seq = f->seq;
    memcpy(s_last_run.name, name, sizeof(name));

    ap_begin(&w, s_tx);
    ap_put_str(&w, AT_NAME, name);
    (void)agent_send(&w, AP_CASE_START, f->seq);

    const char *missing = missing_caps(c->needs, s_info->capabilities);
    uint64_t start = agent_now_ms();
    if (missing != NULL) {
        s_last_run.result.status = PALTEST_SKIPPED;
        snprintf(s_last_run.result.message, sizeof(s_last_run.result.message), "%s", missing);
    } else {
        s_current_case = s_last_run.name;
        if (hook) {
            s_last_run.result.status = PALTEST_PASSED;
            c->body();
        } else {
            paltest_run(c, &s_last_run.result);
        }
        s_current_case = NULL;
    }
    s_last_run.duration_ms = (uint32_t)(agent_now_ms() - start);
    s_last_run.valid = true;
    send_result(f->seq);
}

static void handle_request(const ap_frame_t *f)
{
    ap_writer_t w;
    switch (f->type) {
    case AP_HELLO:
        handle_hello(f);
        break;
    case AP_LIST:
        handle_list(f);
        break;
    case AP_ENV_SET:
        handle_env_set(f);
        break;
    case AP_ENV_CLEAR:
        paltest_env_clear();
        send_ack(f->seq, 0, NULL);
        break;
    case AP_RUN:
        handle_run(f);
        break;
    case AP_HANDSHAKE:
        ap_begin(&w, s_tx);
        agent_handshake(f, &w);
        (void)agent_send(&w, AP_HANDSHAKE_RESULT, f->seq);
        break;
    case AP_PING:
        ap_begin(&w, s_tx);
        ap_put(&w, AT_VALUE, f->payload, f->len > 256 ? 256 : f->len);
        (void)agent_send(&w, AP_PONG, f->seq);
        break;
    case AP_NET_RSP:
        break; /* late reply to a bridge request that timed out: drop */
    case AP_NET_EVENT:
        if (s_bridge_on_event) {
            s_bridge_on_event(f);
        }
        break;
    default:
        send_error(f->seq, -4, "unknown message type");
        break;
    }
}

/* Reads once (up to timeout_ms) and hands each complete frame to fn. Returns <0 on I/O error. */
static int pump(uint32_t timeout_ms, bool (*fn)(const ap_frame_t *frame, void *ctx), void *ctx)
{
    uint8_t chunk[256];
    int n = s_io->read(chunk, sizeof(chunk), timeout_ms);
    if (n < 0) {
        return n;
    }
    if (n == 0 && s_parser.fill > 0 && s_parser.consumed == 0) {
        /* Idle line with a partial frame held back: it will not complete. Rescan past it. */
        ap_frame_t frame;
        ap_parser_give_up(&s_parser);
        while (ap_parser_next(&s_parser, &frame)) {
            if (fn(&frame, ctx)) {
                return 1;
            }
        }
        return 0;
    }
    size_t off = 0;
    do {
        off += ap_parser_push(&s_parser, chunk + off, (size_t)n - off);
        ap_frame_t frame;
        while (ap_parser_next(&s_parser, &frame)) {
            if (fn(&frame, ctx)) {
                return 1;
            }
        }
    } while (off < (size_t)n);
    return 0;
}

/* While a case runs, only bridge and liveness traffic is served. */
static void serve_busy(const ap_frame_t *f)
{
    if (f->type == AP_NET_EVENT) {
        if (s_bridge_on_event) {
            s_bridge_on_event(f);
        }
    } else if (f->type == AP_PING) {
        ap_writer_t w;
        ap_begin(&w, s_tx);
        (void)agent_send(&w, AP_PONG, f->seq);
    } else if (f->type < 0x80u && f->type != AP_NET_RSP) {
        send_error(f->seq, -5, "busy: a case is running");
    }
}

struct wait_ctx {
    uint8_t type;
    uint16_t seq;
    uint8_t *out;
    size_t out_size;
    int len;
};

static bool wait_fn(const ap_frame_t *f, void *ctx)
{
    struct wait_ctx *w = ctx;
    if (f->type == w->type && f->seq == w->seq) {
        size_t n = f->len < w->out_size ? f->len : w->out_size;
        memcpy(w->out, f->payload, n);
        w->len = (int)n;
        return true;
    }
    serve_busy(f);
    return false;
}

int agent_wait_reply(uint8_t type, uint16_t seq, uint8_t *out, size_t out_size, uint32_t timeout_ms)
{
    struct wait_ctx ctx = {type, seq, out, out_size, -1};
    uint64_t deadline = agent_now_ms() + timeout_ms;
    agent_io_lock();
    for (;;) {
        uint64_t now = agent_now_ms();
        if (now >= deadline) {
            break;
        }
        uint64_t left = deadline - now;
        int r = pump(left > 50 ? 50 : (uint32_t)left, wait_fn, &ctx);
        if (r != 0) {
            break;
        }
    }
    agent_io_unlock();
    return ctx.len;
}

static bool poll_fn(const ap_frame_t *f, void *ctx)
{
    (void)ctx;
    serve_busy(f);
    return false;
}

void agent_poll(uint32_t timeout_ms)
{
    if (s_io == NULL) {
        return;
    }
    uint64_t deadline = agent_now_ms() + timeout_ms;
    do {
        uint64_t now = agent_now_ms();
        uint64_t left = deadline > now ? deadline - now : 0;
        agent_io_lock();
        int r = pump(left > 20 ? 20 : (uint32_t)left, poll_fn, NULL);
        agent_io_unlock();
        if (s_bridge_deliver) {
            s_bridge_deliver();
        }
        if (r < 0) {
            break;
        }
    } while (agent_now_ms() < deadline);
}

void agent_report_fault(const agent_fault_t *fault)
{
    static uint8_t buf[512];
    if (s_io == NULL) {
        return;
    }
    ap_writer_t w;
    /* Small frame: reuse the writer with a private buffer sized for it. */
    ap_begin(&w, buf);
    ap_put_str(&w, AT_MESSAGE, fault->reason);
    const char *current = agent_current_case();
    if (current != NULL) {
        ap_put_str(&w, AT_NAME, current);
    }
    for (size_t i = 0; i < fault->reg_count && i < AGENT_FAULT_MAX_REGS; i++) {
        if (w.len + 3 + 16 + 3 + 8 > sizeof(buf) - AP_HEADER_SIZE - AP_TRAILER_SIZE) {
            break;
        }
        ap_put_str(&w, AT_METRIC_NAME, fault->regs[i].name);
        ap_put_u64(&w, AT_METRIC_VALUE, fault->regs[i].value);
    }
    size_t n = ap_finish(&w, AP_FAULT, 0);
    if (n != 0) {
        (void)s_io->write(buf, n);
    }
}

static bool main_fn(const ap_frame_t *f, void *ctx)
{
    (void)ctx;
    /* Copy the request out of the parser: the handler may read the line again (bridge). */
    ap_frame_t req = *f;
    memcpy(s_req, f->payload, f->len);
    req.payload = s_req;
    handle_request(&req);
    return false;
}

void agent_main(const agent_io_t *io, const agent_board_info_t *info)
{
    s_io = io;
    s_info = info;
    ap_parser_init(&s_parser);
    mbedtls_version_get_string(s_mbedtls_version);

    char banner[200];
    snprintf(banner, sizeof(banner), "paltls agent: board=%s build=%s mbedtls=%s protocol=%u%s",
             info->board, info->build_id, s_mbedtls_version, (unsigned)AP_VERSION,
             info->entropy_is_test_only ? " entropy=TEST-ONLY(host seed, not secure)" : "");
    agent_log(banner);

    ap_writer_t w;
    ap_begin(&w, s_tx);
    put_identity(&w);
    (void)agent_send(&w, AP_BOOT, agent_next_seq());

    for (;;) {
        if (pump(1000, main_fn, NULL) < 0) {
            /* The port decides what an I/O error means (native: host went away, exit). Back off
             * so a broken line does not spin. */
            uint64_t until = agent_now_ms() + 100;
            while (agent_now_ms() < until) {
            }
        }
    }
}
