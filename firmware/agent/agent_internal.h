/* Agent internals shared by agent_link.c, agent.c, agent_handshake.c, agent_hooks.c and the
 * socket bridge. */
#ifndef PALTLS_AGENT_INTERNAL_H
#define PALTLS_AGENT_INTERNAL_H

#include "agent.h"
#include "agent_proto.h"
#include "paltest.h"

#define AGENT_NAME_SIZE 64

/* ---- the serial line (agent_link.c): below the request handlers and the socket bridge ---- */

void agent_link_init(const agent_io_t *io);

/* Starts a frame in the agent's transmit buffer (AP_MAX_FRAME bytes). One buffer, used by the
 * request handlers of the main loop only; the bridge and the traffic served during a case build
 * their frames in buffers of their own. */
void agent_begin(ap_writer_t *w);
int agent_send(ap_writer_t *w, uint8_t type, uint16_t seq);
int agent_write_raw(const uint8_t *frame, size_t length); /* an already finished frame */
uint16_t agent_next_seq(void);
void agent_log(const char *text); /* plain text line on the serial line (between frames) */

/* Serialises serial-line access between threads (recursive; a no-op before the PAL RTOS is up). */
void agent_io_lock(void);
void agent_io_unlock(void);

/* Reads the line once (up to timeout_ms) and hands each complete frame to fn until fn returns
 * true. Bytes read but not yet parsed are kept for the next call, never dropped. Returns 1 when
 * fn returned true, 0 when the frames ran out, <0 on an I/O error. Callers other than the main
 * loop hold the I/O lock. */
typedef bool (*agent_frame_fn)(const ap_frame_t *frame, void *ctx);
int agent_pump(uint32_t timeout_ms, agent_frame_fn fn, void *ctx);

/* Serves a frame that arrives while a case runs: NET_EVENT to the bridge, PING answered with
 * its echo, other requests answered "busy". */
void agent_serve_busy(const ap_frame_t *frame);

/* Waits for a frame of the given type and sequence number (a reply), servicing other traffic
 * meanwhile. Copies its payload into out (at most out_size bytes). Returns the payload length, or
 * -1 on timeout or I/O error. Takes the I/O lock. */
int agent_wait_reply(uint8_t type, uint16_t seq, uint8_t *out, size_t out_size, uint32_t timeout_ms);

/* Socket-bridge hooks: the bridge registers them when it is initialised. on_event runs under
 * the I/O lock and must only record; deliver runs without it and may call user callbacks. */
void agent_set_bridge_hooks(void (*on_event)(const ap_frame_t *frame), void (*deliver)(void));
void agent_bridge_event(const ap_frame_t *frame); /* a NET_EVENT frame to on_event, if any */

/* Milliseconds since boot (port clock). */
uint64_t agent_now_ms(void);

/* The case being run (agent_current_case in agent.h), NULL between cases. */
void agent_set_current_case(const char *name);
/* Marks the time a request (RUN, HANDSHAKE) is being served: agent_poll_busy serves the line only
 * then. Takes the I/O lock, so no service pump is mid-read when it returns. */
void agent_set_busy(bool busy);

/* ---- request handlers (agent.c, agent_handshake.c, agent_hooks.c) ---- */

/* Agent-provided cases (fault hooks), appended to the suite manifest. */
const paltest_case_t *agent_hook_cases(size_t *count);

/* HANDSHAKE request: runs one PAL handshake and writes the result fields into w. */
void agent_handshake(const ap_frame_t *request, ap_writer_t *w);

/* Port hook: called with the host-provided entropy seed (env key entropy.seed). Weak default
 * does nothing; ports without a TRNG override it to seed their generator. */
void agent_port_entropy_seed(const uint8_t *seed, size_t length);

#endif
