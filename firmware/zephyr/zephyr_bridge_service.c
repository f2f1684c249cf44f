/* Zephyr port, socket-bridge builds (CONFIG_PALTLS_TRANSPORT_BRIDGE): while a case or a handshake
 * waits on a semaphore or a delay, the agent's main thread is blocked, yet readiness events and
 * late bridge replies still arrive on the console line and must be read then, or an asynchronous
 * socket callback never fires. This kernel thread serves the line during those waits, as the
 * native bridge agent's service thread and the bare-metal port's waits do; between requests
 * agent_poll_busy() does nothing and the agent's main loop reads the line itself. */
#include <zephyr/kernel.h>

#include "agent.h"

static void bridge_service_main(void *p1, void *p2, void *p3)
{
    ARG_UNUSED(p1);
    ARG_UNUSED(p2);
    ARG_UNUSED(p3);
    for (;;) {
        (void)agent_poll_busy();
        (void)k_msleep(CONFIG_PALTLS_BRIDGE_SERVICE_INTERVAL_MS);
    }
}

K_THREAD_DEFINE(paltls_bridge_service, CONFIG_PALTLS_BRIDGE_SERVICE_STACK_SIZE, bridge_service_main, NULL, NULL,
                NULL, K_PRIO_PREEMPT(CONFIG_NUM_PREEMPT_PRIORITIES - 4), 0, 0);
