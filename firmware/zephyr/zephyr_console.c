/* Zephyr port, the agent's serial line: the console UART (DT chosen zephyr,console), received
 * in its interrupt into a ring buffer, sent with polled output. printk() shares the line; the
 * paltls protocol treats text between frames as device log, and the agent serialises its own
 * frames, so only the agent and printk from this application write to it (prj.conf keeps the
 * logging subsystem off for that reason). */
#include <errno.h>

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/kernel.h>
#include <zephyr/sys/ring_buffer.h>

#include "zephyr_port.h"

static const struct device *const s_uart = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
RING_BUF_DECLARE(s_rx_ring, CONFIG_PALTLS_AGENT_RX_BUFFER);
static K_SEM_DEFINE(s_rx_ready, 0, 1);

static void zconsole_isr(const struct device *dev, void *user_data)
{
    uint8_t chunk[32];

    (void)user_data;
    while (uart_irq_update(dev) > 0 && uart_irq_rx_ready(dev) > 0) {
        int n = uart_fifo_read(dev, chunk, sizeof(chunk));

        if (n <= 0) {
            break;
        }
        /* A full ring drops the rest: the frame CRC makes the host retransmit. */
        (void)ring_buf_put(&s_rx_ring, chunk, (uint32_t)n);
        k_sem_give(&s_rx_ready);
    }
}

int zephyr_console_init(void)
{
    if (!device_is_ready(s_uart)) {
        return -ENODEV;
    }
    if (uart_irq_callback_user_data_set(s_uart, zconsole_isr, NULL) != 0) {
        return -ENOTSUP; /* needs CONFIG_UART_INTERRUPT_DRIVEN and a driver that supports it */
    }
    uart_irq_rx_enable(s_uart);
    return 0;
}

int zephyr_console_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    int64_t deadline = k_uptime_get() + timeout_ms;

    for (;;) {
        uint32_t n = ring_buf_get(&s_rx_ring, buf, (uint32_t)len);
        int64_t left;

        if (n > 0u) {
            return (int)n;
        }
        left = deadline - k_uptime_get();
        if (left <= 0) {
            return 0;
        }
        /* The ISR may have filled the ring between the get and this take: the semaphore was
         * then given, so the take returns at once and the loop reads it. */
        (void)k_sem_take(&s_rx_ready, K_MSEC(left));
    }
}

int zephyr_console_write(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uart_poll_out(s_uart, buf[i]);
    }
    return 0;
}
