/* Entry point of the mps2-an385 image: brings up the time base and UART0, prints the boot
 * banner, then hands the serial line to the device test agent (or, in a tree without the agent,
 * runs the suite cases that need no peer and prints their results). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mps2_port.h"
#include "paltest.h"

#if PALTLS_HAVE_AGENT
#include "agent.h"
#endif

#ifndef PALTLS_BUILD_MBEDTLS_VERSION
#define PALTLS_BUILD_MBEDTLS_VERSION "?"
#endif

/* Peer (through the socket bridge) and the agent's deliberate hang/crash cases; no threads. */
#define MPS2_CAPABILITIES (PALTEST_NEEDS_PEER | PALTEST_NEEDS_FAULT_HOOKS)

uint32_t paltest_capabilities(void)
{
#if PALTLS_HAVE_AGENT
    return MPS2_CAPABILITIES;
#else
    return 0; /* local runner: no host, so no peer and nobody to report a crash to */
#endif
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

#if PALTLS_HAVE_AGENT
static int io_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    return mps2_uart_read(buf, len, timeout_ms);
}

static int io_write(const uint8_t *buf, size_t len)
{
    return mps2_uart_write(buf, len) == (int)len ? 0 : -1;
}
#else
static const char *status_text(paltest_status_t status)
{
    switch (status) {
    case PALTEST_PASSED:
        return "passed";
    case PALTEST_FAILED:
        return "FAILED";
    case PALTEST_SKIPPED:
        return "skipped";
    default:
        return "ERROR";
    }
}

static void run_local_suite(void)
{
    static paltest_result_t result;
    size_t count = 0;
    const paltest_case_t *cases = paltest_cases(&count);
    unsigned passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t start = mps2_uptime_ms();
        uint64_t busy = mps2_busy_cycles();
        memset(&result, 0, sizeof(result));
        paltest_run(&cases[i], &result);
        print_line("%-8s %s.%s (%lu ms, ~%lu k instr)%s%s", status_text(result.status), PALTEST_GROUP,
                   cases[i].name, (unsigned long)(mps2_uptime_ms() - start),
                   (unsigned long)((mps2_busy_cycles() - busy) * 40u / 1000u),
                   result.message[0] ? ": " : "", result.message);
        if (result.status == PALTEST_PASSED) {
            passed++;
        } else if (result.status == PALTEST_SKIPPED) {
            skipped++;
        } else {
            failed++;
        }
    }
    print_line("summary: %u passed, %u failed, %u skipped; stack high-water %u of %u bytes, heap break %u of %u",
               passed, failed, skipped, (unsigned)mps2_stack_high_water(), (unsigned)mps2_stack_size(),
               (unsigned)mps2_heap_used(), (unsigned)mps2_heap_size());
}
#endif

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
#if PALTLS_HAVE_AGENT
    static const agent_io_t io = {io_read, io_write};
    static agent_board_info_t info = {MPS2_BOARD_NAME, NULL, MPS2_CAPABILITIES, true};
    info.build_id = mps2_build_id();
    agent_main(&io, &info);
#else
    run_local_suite();
#endif
    return 0;
}
