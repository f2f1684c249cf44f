/* Zephyr port, network bring-up before the agent starts. Upstream boards (Ethernet, QEMU user
 * networking) are configured by Zephyr's net config library at boot (CONFIG_NET_CONFIG_SETTINGS:
 * static address or DHCPv4, waiting up to CONFIG_NET_CONFIG_INIT_TIMEOUT); nothing to do here.
 * nRF9160 (nRF Connect SDK): the modem library is started and the LTE link attached; sockets are
 * then offloaded to the modem for TCP/UDP only, while TLS stays in this application's Mbed TLS. */
#include <errno.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

#include "zephyr_port.h"

#if defined(CONFIG_NRF_MODEM_LIB)
#include <modem/lte_lc.h>
#include <modem/nrf_modem_lib.h>
#endif

int zephyr_network_up(void)
{
#if defined(CONFIG_NRF_MODEM_LIB)
    int err = nrf_modem_lib_init();

    if (err != 0) {
        printk("paltls: nrf_modem_lib_init failed: %d\n", err);
        return err < 0 ? err : -EIO;
    }
    printk("paltls: attaching to LTE (blocks until registered or CONFIG_LTE_NETWORK_TIMEOUT)\n");
    err = lte_lc_connect();
    if (err != 0) {
        printk("paltls: lte_lc_connect failed: %d\n", err);
        return err;
    }
#endif
    return 0;
}
