/* Entry point of the mps2-an385 image: brings up the time base and UART0, prints the boot
 * banner, then hands the serial line to the device test agent (or, in a tree without the agent,
 * runs the suite cases that need no peer and prints their results). */
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
        printf("%-8s %s.%s (%lu ms, ~%lu k instr)%s%s\n", status_text(result.status), PALTEST_GROUP,
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
    printf("summary: %u passed, %u failed, %u skipped; stack high-water %u of %u bytes, heap break %u of %u\n",
           passed, failed, skipped, (unsigned)mps2_stack_high_water(), (unsigned)mps2_stack_size(),
           (unsigned)mps2_heap_used(), (unsigned)mps2_heap_size());
}
#endif

int main(void)
{
    mps2_time_init();
    mps2_uart_init();
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("\r\npaltls " MPS2_BOARD_NAME ": Cortex-M3 bare metal (no RTOS, no threads), build %s, "
           "Mbed TLS " PALTLS_BUILD_MBEDTLS_VERSION "\r\n",
           mps2_build_id());
    printf("paltls " MPS2_BOARD_NAME ": stack %u KiB, heap %u KiB; ENTROPY IS TEST-ONLY: no TRNG, "
           "the only seed is the one the host injects (not secure)\r\n",
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
