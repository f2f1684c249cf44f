/* On-device test agent: speaks the paltls serial protocol (docs/protocol.md) over one byte
 * stream, runs the registered test cases one at a time on the host's request, and answers
 * handshake and socket-bridge traffic. OS independent: needs only the C library, the PAL API and
 * the two I/O callbacks below. */
#ifndef PALTLS_AGENT_H
#define PALTLS_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct agent_io {
    /* Reads up to len bytes, waiting at most timeout_ms; returns the count (0 on timeout), <0 on error. */
    int (*read)(uint8_t *buf, size_t len, uint32_t timeout_ms);
    /* Writes all bytes; returns 0 or <0. */
    int (*write)(const uint8_t *buf, size_t len);
} agent_io_t;

typedef struct agent_board_info {
    const char *board;         /* registry id, e.g. "native" */
    const char *build_id;      /* unique per build (hash/timestamp baked in by the build) */
    uint32_t capabilities;     /* PALTEST_NEEDS_* bits this board satisfies */
    bool entropy_is_test_only; /* true when the host-injected seed is the only entropy (banner says so) */
} agent_board_info_t;

void agent_main(const agent_io_t *io, const agent_board_info_t *info); /* never returns */

/* For platform ports without threads (bare-metal): services pending bridge traffic and socket
 * readiness callbacks for up to timeout_ms. Ports call it from semaphore waits and delays. */
void agent_poll(uint32_t timeout_ms);

/* For platform ports with threads whose network is the socket bridge: serves pending bridge
 * traffic and socket readiness callbacks once, without waiting, but only while the agent is
 * serving a request (a case, a handshake); between requests the agent's main loop reads the line
 * itself. A service thread calls it in a loop with a short sleep. Returns false when it did
 * nothing (no request being served, or an I/O error). */
bool agent_poll_busy(void);

/* Crash report (FAULT frame). Ports call it from their fault handler or signal handler; it only
 * formats into a static buffer and calls io->write, so it is usable where nothing else is. */
#define AGENT_FAULT_MAX_REGS 12
typedef struct agent_fault {
    const char *reason; /* e.g. "HardFault", "SIGSEGV" */
    size_t reg_count;
    struct {
        const char *name; /* e.g. "pc", "lr", "cfsr" */
        uint32_t value;
    } regs[AGENT_FAULT_MAX_REGS];
} agent_fault_t;
void agent_report_fault(const agent_fault_t *fault);

/* Name of the case being run, or NULL between cases (for fault handlers and logs). */
const char *agent_current_case(void);

#ifdef __cplusplus
}
#endif

#endif
