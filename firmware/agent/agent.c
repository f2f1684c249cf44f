/* Device test agent: main loop, sync handshake, manifest, environment, case execution.
 * Protocol: docs/protocol.md. */
#include "agent_internal.h"

#include <stdio.h>
#include <string.h>

#include "mbedtls/version.h"
#include "paltest_env.h"

static const agent_board_info_t *s_info;
static uint8_t s_req[AP_MAX_PAYLOAD];
static char s_mbedtls_version[18];

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

static void send_error(uint16_t seq, int32_t status, const char *message)
{
    ap_writer_t w;
    agent_begin(&w);
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
    agent_begin(&w);
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
        agent_begin(&w);
        ap_put_u32(&w, AT_INDEX, (uint32_t)i);
        ap_put_str(&w, AT_NAME, c->name);
        ap_put_u32(&w, AT_NEEDS, c->needs);
        (void)agent_send(&w, AP_CASE_INFO, f->seq);
    }
    agent_begin(&w);
    ap_put_u32(&w, AT_COUNT, (uint32_t)count);
    ap_put_u32(&w, AT_MANIFEST_CRC, manifest_crc());
    (void)agent_send(&w, AP_LIST_END, f->seq);
}

static void send_ack(uint16_t seq, int32_t status, const char *message)
{
    ap_writer_t w;
    agent_begin(&w);
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
    agent_begin(&w);
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
        agent_begin(&w);
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

    agent_begin(&w);
    ap_put_str(&w, AT_NAME, name);
    (void)agent_send(&w, AP_CASE_START, f->seq);

    const char *missing = missing_caps(c->needs, s_info->capabilities);
    uint64_t start = agent_now_ms();
    if (missing != NULL) {
        s_last_run.result.status = PALTEST_SKIPPED;
        snprintf(s_last_run.result.message, sizeof(s_last_run.result.message), "%s", missing);
    } else {
        agent_set_current_case(s_last_run.name);
        agent_set_busy(true);
        if (hook) {
            s_last_run.result.status = PALTEST_PASSED;
            c->body();
        } else {
            paltest_run(c, &s_last_run.result);
        }
        agent_set_busy(false);
        agent_set_current_case(NULL);
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
        agent_begin(&w);
        agent_set_busy(true);
        agent_handshake(f, &w);
        agent_set_busy(false);
        (void)agent_send(&w, AP_HANDSHAKE_RESULT, f->seq);
        break;
    case AP_PING:
        agent_serve_busy(f); /* the same echo whether or not a case runs */
        break;
    case AP_NET_RSP:
        break; /* late reply to a bridge request that timed out: drop */
    case AP_NET_EVENT:
        agent_bridge_event(f);
        break;
    default:
        send_error(f->seq, -4, "unknown message type");
        break;
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
    s_info = info;
    agent_link_init(io);
    mbedtls_version_get_string(s_mbedtls_version);

    char banner[200];
    snprintf(banner, sizeof(banner), "paltls agent: board=%s build=%s mbedtls=%s protocol=%u%s",
             info->board, info->build_id, s_mbedtls_version, (unsigned)AP_VERSION,
             info->entropy_is_test_only ? " entropy=TEST-ONLY(host seed, not secure)" : "");
    agent_log(banner);

    ap_writer_t w;
    agent_begin(&w);
    put_identity(&w);
    (void)agent_send(&w, AP_BOOT, agent_next_seq());

    for (;;) {
        if (agent_pump(1000, main_fn, NULL) < 0) {
            /* The port decides what an I/O error means (native: host went away, exit). Back off
             * so a broken line does not spin. */
            uint64_t until = agent_now_ms() + 100;
            while (agent_now_ms() < until) {
            }
        }
    }
}
