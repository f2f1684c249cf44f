/* Internals shared by the files of the Zephyr port (not part of the PAL port interface). */
#ifndef PALTLS_ZEPHYR_PORT_H
#define PALTLS_ZEPHYR_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Console UART for the agent (zephyr_console.c). */
int zephyr_console_init(void);
int zephyr_console_read(uint8_t *buf, size_t len, uint32_t timeout_ms);
int zephyr_console_write(const uint8_t *buf, size_t len);
uint32_t zephyr_console_overruns(void);

/* Network bring-up (zephyr_net.c): waits until the interface has an IPv4 address (DHCP or static
 * configuration) or, on nRF9160, until the modem is attached. Returns 0 or a negative errno. */
int zephyr_network_up(uint32_t timeout_ms);

#endif
