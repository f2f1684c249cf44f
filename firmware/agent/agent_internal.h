/* Agent internals shared by agent.c, agent_handshake.c, agent_hooks.c and the socket bridge. */
#ifndef PALTLS_AGENT_INTERNAL_H
#define PALTLS_AGENT_INTERNAL_H

#include "agent.h"
#include "agent_proto.h"
#include "paltest.h"

#define AGENT_NAME_SIZE 64

/* Frame transmit buffer (one; the agent and the bridge never build frames concurrently:
 * the bridge holds the I/O lock). */
uint8_t *agent_tx_buffer(void);
int agent_send(ap_writer_t *w, uint8_t type, uint16_t seq);
int agent_write_raw(const uint8_t *frame, size_t length); /* an already finished frame */
uint16_t agent_next_seq(void);
void agent_log(const char *text); /* plain text line on the serial line (between frames) */

/* Serialises serial-line access between threads (recursive; a no-op before the PAL RTOS is up). */
void agent_io_lock(void);
void agent_io_unlock(void);

/* Waits for a frame of the given type and sequence number (a reply), servicing other traffic
 * meanwhile. Copies its payload into out (AP_MAX_PAYLOAD bytes). Returns the payload length, or
 * -1 on timeout or I/O error. Takes the I/O lock. */
int agent_wait_reply(uint8_t type, uint16_t seq, uint8_t *out, size_t out_size, uint32_t timeout_ms);

/* Socket-bridge hooks: the bridge registers them when it is initialised. on_event runs under
 * the I/O lock and must only record; deliver runs without it and may call user callbacks. */
void agent_set_bridge_hooks(void (*on_event)(const ap_frame_t *frame), void (*deliver)(void));

/* Milliseconds since boot (port clock). */
uint64_t agent_now_ms(void);

/* Agent-provided cases (fault hooks), appended to the suite manifest. */
const paltest_case_t *agent_hook_cases(size_t *count);

/* HANDSHAKE request: runs one PAL handshake and writes the result fields into w. */
void agent_handshake(const ap_frame_t *request, ap_writer_t *w);

/* Port hook: called with the host-provided entropy seed (env key entropy.seed). Weak default
 * does nothing; ports without a TRNG override it to seed their generator. */
void agent_port_entropy_seed(const uint8_t *seed, size_t length);

#endif
