/* The agent's serial line: frame transmit, the receive pump, reply waits, the I/O lock, the
 * clock, and the traffic served while a case runs (NET_EVENT, PING). It sits below the request
 * handlers (agent.c, agent_handshake.c) and the socket bridge, and needs only the frame codec and
 * the port's RTOS calls, so the bridge can depend on it without depending on the agent. */
#include "agent_internal.h"

#include <string.h>

#include "pal_plat_rtos.h"

#define AGENT_CHUNK_SIZE 256u
#define AGENT_PING_ECHO_MAX 256u

static const agent_io_t *s_io;
static ap_parser_t s_parser;
static uint8_t s_tx[AP_MAX_FRAME];
static uint16_t s_seq;
static volatile const char *s_current_case;
static bool s_busy; /* a request (case, handshake) is being served; guarded by the I/O lock */

/* Bytes read from the line but not yet taken by the parser. A handler that ends a pump early
 * (a reply arrived) leaves the rest of the chunk here for the next pump instead of dropping it. */
static uint8_t s_chunk[AGENT_CHUNK_SIZE];
static size_t s_chunk_len;
static size_t s_chunk_used;

static void (*s_bridge_on_event)(const ap_frame_t *frame);
static void (*s_bridge_deliver)(void);

static palMutexID_t s_lock;
static bool s_lock_ready;
static bool s_lock_failed;

void agent_link_init(const agent_io_t *io)
{
    s_io = io;
    ap_parser_init(&s_parser);
    s_chunk_len = 0;
    s_chunk_used = 0;
}

void agent_begin(ap_writer_t *w)
{
    ap_begin(w, s_tx, sizeof(s_tx));
}

uint16_t agent_next_seq(void)
{
    return ++s_seq;
}

uint64_t agent_now_ms(void)
{
    return pal_plat_osUptimeMs();
}

void agent_set_current_case(const char *name)
{
    s_current_case = name;
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

void agent_bridge_event(const ap_frame_t *frame)
{
    if (s_bridge_on_event) {
        s_bridge_on_event(frame);
    }
}

/* Hands every complete frame to fn, feeding the parser from the held chunk as it makes room.
 * Returns true as soon as fn does; what is left of the chunk stays for the next call. */
static bool drain(agent_frame_fn fn, void *ctx)
{
    ap_frame_t frame;

    for (;;) {
        while (ap_parser_next(&s_parser, &frame)) {
            if (fn(&frame, ctx)) {
                return true;
            }
        }
        if (s_chunk_used >= s_chunk_len) {
            return false;
        }
        s_chunk_used += ap_parser_push(&s_parser, s_chunk + s_chunk_used, s_chunk_len - s_chunk_used);
    }
}

int agent_pump(uint32_t timeout_ms, agent_frame_fn fn, void *ctx)
{
    int n;

    if (s_io == NULL) {
        return -1;
    }
    if (drain(fn, ctx)) {
        return 1;
    }
    n = s_io->read(s_chunk, sizeof(s_chunk), timeout_ms);
    if (n < 0) {
        return n;
    }
    s_chunk_len = (size_t)n;
    s_chunk_used = 0;
    if (n == 0 && s_parser.fill > 0 && s_parser.consumed == 0) {
        /* Idle line with a partial frame held back: it will not complete. Rescan past it. */
        ap_parser_give_up(&s_parser);
    }
    return drain(fn, ctx) ? 1 : 0;
}

/* Answers traffic that arrives while a case runs. Its own frame buffer: the case may be
 * building a reply in s_tx (HANDSHAKE_RESULT) while its socket traffic pumps the line. */
void agent_serve_busy(const ap_frame_t *f)
{
    static uint8_t frame[AP_HEADER_SIZE + 64u + 3u + AGENT_PING_ECHO_MAX + AP_TRAILER_SIZE];
    ap_writer_t w;

    ap_begin(&w, frame, sizeof(frame));
    if (f->type == AP_NET_EVENT) {
        agent_bridge_event(f);
    } else if (f->type == AP_PING) {
        ap_put(&w, AT_VALUE, f->payload, f->len > AGENT_PING_ECHO_MAX ? AGENT_PING_ECHO_MAX : f->len);
        (void)agent_send(&w, AP_PONG, f->seq);
    } else if (f->type < 0x80u && f->type != AP_NET_RSP) {
        ap_put_u32(&w, AT_STATUS, (uint32_t)-5);
        ap_put_str(&w, AT_MESSAGE, "busy: a case is running");
        (void)agent_send(&w, AP_ERROR, f->seq);
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
    agent_serve_busy(f);
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
        int r = agent_pump(left > 50 ? 50 : (uint32_t)left, wait_fn, &ctx);
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
    agent_serve_busy(f);
    return false;
}

void agent_set_busy(bool busy)
{
    agent_io_lock();
    s_busy = busy;
    agent_io_unlock();
}

bool agent_poll_busy(void)
{
    int r = 0;
    bool served = false;

    if (s_io == NULL) {
        return false;
    }
    agent_io_lock();
    if (s_busy) {
        r = agent_pump(0, poll_fn, NULL);
        served = true;
    }
    agent_io_unlock();
    if (served && s_bridge_deliver) {
        s_bridge_deliver();
    }
    return served && r >= 0;
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
        int r = agent_pump(left > 20 ? 20 : (uint32_t)left, poll_fn, NULL);
        agent_io_unlock();
        if (s_bridge_deliver) {
            s_bridge_deliver();
        }
        if (r < 0) {
            break;
        }
    } while (agent_now_ms() < deadline);
}

/* Length of s capped at max, without reading past max bytes (s need not be terminated there). */
static size_t bounded_length(const char *s, size_t max)
{
    size_t n = 0;
    while (s != NULL && n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

void agent_report_fault(const agent_fault_t *fault)
{
    /* Reason and case name are cut to these lengths so that the registers always fit. */
    enum { REASON_MAX = 64, NAME_MAX = AGENT_NAME_SIZE, REG_NAME_MAX = 16 };
    static uint8_t buf[512];
    if (s_io == NULL) {
        return;
    }
    ap_writer_t w;
    ap_begin(&w, buf, sizeof(buf));
    ap_put(&w, AT_MESSAGE, fault->reason, bounded_length(fault->reason, REASON_MAX));
    const char *current = agent_current_case();
    if (current != NULL) {
        ap_put(&w, AT_NAME, current, bounded_length(current, NAME_MAX));
    }
    for (size_t i = 0; i < fault->reg_count && i < AGENT_FAULT_MAX_REGS; i++) {
        size_t name_len = bounded_length(fault->regs[i].name, REG_NAME_MAX);
        if (w.len + 3u + name_len + 3u + 8u > w.capacity) {
            break;
        }
        ap_put(&w, AT_METRIC_NAME, fault->regs[i].name, name_len);
        ap_put_u64(&w, AT_METRIC_VALUE, fault->regs[i].value);
    }
    size_t n = ap_finish(&w, AP_FAULT, 0);
    if (n != 0) {
        (void)s_io->write(buf, n);
    }
}
