/* Entry point of the mps2-an385 image: brings up the time base and UART0, prints the boot
 * banner, then hands the serial line to the device test agent. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mps2_port.h"
#include "paltest.h"

#include "agent.h"

#ifndef PALTLS_BUILD_MBEDTLS_VERSION
#define PALTLS_BUILD_MBEDTLS_VERSION "?"
#endif

/* Peer (through the socket bridge) and the agent's deliberate hang/crash cases; no threads. */
#define MPS2_CAPABILITIES (PALTEST_NEEDS_PEER | PALTEST_NEEDS_FAULT_HOOKS)

uint32_t paltest_capabilities(void)
{
    return MPS2_CAPABILITIES;
}

/* Plain-text console line (the serial protocol shows text between frames as device log). */
static void print_line(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void print_line(const char *format, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(line, sizeof(line) - 2, format, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    size_t len = (size_t)n < sizeof(line) - 3 ? (size_t)n : sizeof(line) - 3;
    line[len++] = '\r';
    line[len++] = '\n';
    (void)mps2_uart_write((const uint8_t *)line, len);
}

static int io_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    return mps2_uart_read(buf, len, timeout_ms);
}

static int io_write(const uint8_t *buf, size_t len)
{
    return mps2_uart_write(buf, len) == (int)len ? 0 : -1;
}

/* QEMU's pty backend drops guest output until it notices that the host has opened the pty (it
 * polls once a second). The host speaks first (HELLO), so wait for its first byte -- it stays in
 * the receive ring for the agent -- before printing anything; give up after a few seconds so a
 * console attached from the start (-serial stdio, a real UART) still gets the banner. */
#define MPS2_HOST_WAIT_MS 3000u

static void wait_for_host(void)
{
    uint64_t until = mps2_uptime_ms() + MPS2_HOST_WAIT_MS;
    while (mps2_uart_rx_available() == 0 && mps2_uptime_ms() < until) {
        mps2_idle();
    }
}

int main(void)
{
    mps2_time_init();
    mps2_uart_init();
    wait_for_host();
    print_line("%s", "");
    print_line("paltls " MPS2_BOARD_NAME ": Cortex-M3 bare metal (no RTOS, no threads), build %s, Mbed TLS %s",
               mps2_build_id(), PALTLS_BUILD_MBEDTLS_VERSION);
    print_line("paltls " MPS2_BOARD_NAME ": thread stack %u KiB, heap %u KiB; ENTROPY IS TEST-ONLY: no TRNG, "
               "the only seed is the one the host injects (not secure)",
               (unsigned)(mps2_stack_size() / 1024u), (unsigned)(mps2_heap_size() / 1024u));
    static const agent_io_t io = {io_read, io_write};
    static agent_board_info_t info = {MPS2_BOARD_NAME, NULL, MPS2_CAPABILITIES, true};
    info.build_id = mps2_build_id();
    mps2_set_wait_service(agent_poll);
    agent_main(&io, &info);
    return 0;
}
