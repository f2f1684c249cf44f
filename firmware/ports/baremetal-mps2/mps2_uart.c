/* CMSDK APB UART0 driver. Receive is interrupt driven into a ring buffer so that bytes keep
 * arriving while the CPU is busy in crypto; transmit polls the one-byte holding register.
 *
 * Flow control: the UART holds one received byte. When the ring is full the interrupt handler
 * leaves that byte in the UART and masks the receive interrupt; QEMU then stops delivering
 * (its chardev backend waits until the holding register is free), so nothing is lost. The
 * reader re-arms the interrupt once it has made room. */
#include <stddef.h>
#include <stdint.h>

#include "mps2_an385.h"
#include "mps2_port.h"

#define RX_RING_SIZE 16384u /* power of two */

void mps2_uart0_rx_irq(void);

static uint8_t s_rx_ring[RX_RING_SIZE];
static volatile uint32_t s_rx_head; /* written by the interrupt handler */
static volatile uint32_t s_rx_tail; /* written by the reader */
static volatile uint32_t s_rx_peak;
static volatile uint32_t s_rx_throttled;
static volatile size_t s_tx_remaining; /* bytes of the current mps2_uart_write not yet sent */

void mps2_uart_init(void)
{
    UART_CTRL(UART0_BASE) = 0;
    UART_BAUDDIV(UART0_BASE) = MPS2_SYSCLK_HZ / 115200u; /* >= 16 as the CMSDK UART requires */
    UART_INTSTATUS(UART0_BASE) = UART_INT_TX | UART_INT_RX;
    UART_STATE(UART0_BASE) = UART_STATE_TXOVR | UART_STATE_RXOVR;
    s_rx_head = s_rx_tail = 0;
    NVIC_IPR_BYTE(UART0_RX_IRQ) = 0x40; /* above SysTick */
    NVIC_ICPR0 = 1u << UART0_RX_IRQ;
    NVIC_ISER0 = 1u << UART0_RX_IRQ;
    UART_CTRL(UART0_BASE) = UART_CTRL_TXEN | UART_CTRL_RXEN | UART_CTRL_RXINTEN;
}

void mps2_uart0_rx_irq(void)
{
    /* Clear the interrupt before draining: a byte arriving after the last read raises it again,
     * so no byte can be left in the holding register without a pending interrupt. */
    UART_INTSTATUS(UART0_BASE) = UART_INT_RX;
    while (UART_STATE(UART0_BASE) & UART_STATE_RXFULL) {
        uint32_t head = s_rx_head;
        uint32_t used = head - s_rx_tail;
        if (used >= RX_RING_SIZE) {
            /* Ring full: keep the byte in the UART and stop listening until the reader drains. */
            UART_CTRL(UART0_BASE) &= ~UART_CTRL_RXINTEN;
            s_rx_throttled++;
            return;
        }
        s_rx_ring[head & (RX_RING_SIZE - 1u)] = (uint8_t)UART_DATA(UART0_BASE);
        s_rx_head = head + 1u;
        if (used + 1u > s_rx_peak) {
            s_rx_peak = used + 1u;
        }
    }
}

size_t mps2_uart_rx_available(void)
{
    return (size_t)(s_rx_head - s_rx_tail);
}

size_t mps2_uart_rx_peak(void)
{
    return s_rx_peak;
}

static void rearm_if_throttled(void)
{
    if (!(UART_CTRL(UART0_BASE) & UART_CTRL_RXINTEN)) {
        uint32_t primask = mps2_irq_save();
        UART_CTRL(UART0_BASE) |= UART_CTRL_RXINTEN;
        /* The held byte raised no new interrupt: pend one so the handler drains it. */
        NVIC_ISPR0 = 1u << UART0_RX_IRQ;
        mps2_irq_restore(primask);
    }
}

int mps2_uart_read(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    if (len == 0) {
        return 0;
    }
    uint64_t start = mps2_uptime_ms();
    while (s_rx_head == s_rx_tail) {
        if (mps2_uptime_ms() - start >= timeout_ms) {
            return 0;
        }
        mps2_idle();
    }
    size_t count = 0;
    uint32_t tail = s_rx_tail;
    uint32_t head = s_rx_head;
    while (count < len && tail != head) {
        buf[count++] = s_rx_ring[tail & (RX_RING_SIZE - 1u)];
        tail++;
    }
    s_rx_tail = tail;
    rearm_if_throttled();
    return (int)count;
}

static void put_byte(uint8_t byte)
{
    while (UART_STATE(UART0_BASE) & UART_STATE_TXFULL) {
    }
    UART_DATA(UART0_BASE) = byte;
}

int mps2_uart_write(const uint8_t *buf, size_t len)
{
    s_tx_remaining = len;
    for (size_t i = 0; i < len; i++) {
        put_byte(buf[i]);
        s_tx_remaining = len - i - 1u;
    }
    return (int)len;
}

size_t mps2_uart_abort_write(void)
{
    size_t remaining = s_tx_remaining;
    for (size_t i = 0; i < remaining; i++) {
        put_byte(0);
    }
    s_tx_remaining = 0;
    return remaining;
}
