/* Fault-hook cases: deliberately hang or crash the device so the host's per-case timeout,
 * crash detection, device restart and "continue with the next case" paths are exercised.
 * They carry PALTEST_NEEDS_FAULT_HOOKS: the host runs them only when selected explicitly. */
#include "agent_internal.h"

static void hook_hang(void)
{
    /* Busy loop that never yields to the agent: from the host it looks like a wedged device. */
    volatile uint32_t spin = 0;
    for (;;) {
        spin++;
    }
}

static void hook_crash(void)
{
    /* An undefined instruction: HardFault/UsageFault on Cortex-M, SIGILL on a host CPU. */
    __builtin_trap();
}

static const paltest_case_t s_hooks[] = {
    {"hookHang", hook_hang, PALTEST_NEEDS_FAULT_HOOKS},
    {"hookCrash", hook_crash, PALTEST_NEEDS_FAULT_HOOKS},
};

const paltest_case_t *agent_hook_cases(size_t *count)
{
    *count = sizeof(s_hooks) / sizeof(s_hooks[0]);
    return s_hooks;
}
