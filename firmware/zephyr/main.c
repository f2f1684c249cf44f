/* Zephyr application entry: boot banner, network bring-up, then the device test agent on the
 * console UART (firmware/agent). The agent runs on the main thread (CONFIG_MAIN_STACK_SIZE). */
#include <stdbool.h>
#include <stdint.h>

#include <zephyr/fatal.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>
#include <zephyr/version.h>

#include "agent.h"
#include "mbedtls/build_info.h"
#include "paltest.h"
#include "zephyr_port.h"

extern const char paltls_agent_build_id[];

/* Peer cases always (sockets or bridge), thread cases (kernel threads), and the agent's
 * deliberate hang/crash cases (a crash ends in Zephyr's fatal error handler below). */
#define ZEPHYR_CAPABILITIES (PALTEST_NEEDS_PEER | PALTEST_NEEDS_THREADS | PALTEST_NEEDS_FAULT_HOOKS)

uint32_t paltest_capabilities(void)
{
    return ZEPHYR_CAPABILITIES;
}

static int io_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    return zephyr_console_read(buf, len, timeout_ms);
}

static int io_write(const uint8_t *buf, size_t len)
{
    return zephyr_console_write(buf, len);
}

/* Zephyr calls this after it has printed the fault (CPU registers, faulting thread). The agent
 * sends a FAULT frame so the host records the crash against the running case, then the board
 * halts; the host resets it (reflash or probe reset) before the next case. */
void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
    agent_fault_t fault = {0};

    (void)esf;
    fault.reason = "zephyr fatal error";
    fault.regs[0].name = "reason";
    fault.regs[0].value = reason;
    fault.reg_count = 1;
    agent_report_fault(&fault);
    for (;;) {
        k_cpu_idle();
    }
}

int main(void)
{
    static const agent_io_t io = {io_read, io_write};
    static agent_board_info_t info;
    bool test_entropy = IS_ENABLED(CONFIG_PALTLS_ENTROPY_TEST_ONLY);

    printk("\r\npaltls %s: Zephyr %s, Mbed TLS %s, transport %s, storage %s\r\n", CONFIG_PALTLS_BOARD_ID,
           KERNEL_VERSION_STRING, MBEDTLS_VERSION_STRING,
           IS_ENABLED(CONFIG_PALTLS_TRANSPORT_SOCKETS) ? "sockets" : "serial bridge",
           IS_ENABLED(CONFIG_PALTLS_STORAGE_SETTINGS) ? "settings" : "RAM (lost at reset)");
    if (test_entropy) {
        printk("paltls %s: ENTROPY IS TEST-ONLY: sys_csrand_get() runs on Zephyr's test generator "
               "(CONFIG_TEST_RANDOM_GENERATOR), not a TRNG; never use this build for real keys\r\n",
               CONFIG_PALTLS_BOARD_ID);
    }
    if (zephyr_console_init() != 0) {
        printk("paltls: console UART has no interrupt-driven input; the agent cannot run\r\n");
        return 0;
    }
#if defined(CONFIG_PALTLS_TRANSPORT_SOCKETS)
    if (zephyr_network_up() != 0) {
        printk("paltls: network bring-up failed; peer cases will fail\r\n");
    }
#endif
    info.board = CONFIG_PALTLS_BOARD_ID;
    info.build_id = paltls_agent_build_id;
    info.capabilities = ZEPHYR_CAPABILITIES;
    info.entropy_is_test_only = test_entropy;
    agent_main(&io, &info);
    return 0;
}
