/* Internals shared by the files of the Zephyr port (not part of the PAL port interface). */
#ifndef PALTLS_ZEPHYR_PORT_H
#define PALTLS_ZEPHYR_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Console UART for the agent (zephyr_console.c). */
int zephyr_console_init(void);
int zephyr_console_read(uint8_t *buf, size_t len, uint32_t timeout_ms);
int zephyr_console_write(const uint8_t *buf, size_t len);

/* Network bring-up (zephyr_net.c): on nRF9160 starts the modem and waits until LTE is attached
 * (up to CONFIG_LTE_NETWORK_TIMEOUT); elsewhere Zephyr's net config library has already brought
 * the interface up at boot. Returns 0 or a negative errno. */
int zephyr_network_up(void);

#endif
