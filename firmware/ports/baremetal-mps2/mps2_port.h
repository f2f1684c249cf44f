/* Internal interfaces of the bare-metal mps2-an385 port (start-up, UART, time base, idle,
 * software timers, memory statistics). Not part of the PAL API. */
#ifndef MPS2_PORT_H
#define MPS2_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../pal/flavour/paltls_flavour.h"

/* The registry id (boards/): a footprint flavour other than full is a board of its own, so that
 * the host never runs a flavour's cases against another flavour's image. Its id does not start
 * with "qemu-": the short name `qemu` stays this board's (host/src/boards/registry.ts aliases). */
#if defined(PALTLS_FLAVOUR_FULL)
#define MPS2_BOARD_NAME "qemu-mps2-an385"
#else
#define MPS2_BOARD_NAME "mps2-an385-" PALTLS_FLAVOUR_NAME
#endif

/* Start-up (mps2_startup.c). */
void mps2_mpu_init(void);
size_t mps2_stack_size(void);
/* Deepest thread-stack use (bytes below the top) since boot or the last repaint. */
size_t mps2_stack_high_water(void);
/* Re-paints the unused part of the thread stack, so the next high-water is per interval. */
void mps2_stack_repaint(void);

/* UART0 (mps2_uart.c): interrupt-driven receive ring, polled transmit. */
void mps2_uart_init(void);
/* Copies up to len received bytes; waits up to timeout_ms for the first one. Returns the number
 * of bytes copied (0 on timeout). */
int mps2_uart_read(uint8_t *buf, size_t len, uint32_t timeout_ms);
/* Blocks until every byte is handed to the UART. Safe with interrupts disabled (fault path). */
int mps2_uart_write(const uint8_t *buf, size_t len);
/* Fault path: when a write was cut short (the fault hit the thread inside mps2_uart_write), sends
 * as many zero bytes as were still due, so a half-sent frame ends where its header said and the
 * host's parser drops it (CRC) and finds the next frame. Returns the count. */
size_t mps2_uart_abort_write(void);
size_t mps2_uart_rx_available(void);
/* Receive ring statistics: peak fill level and bytes held back by flow control. */
size_t mps2_uart_rx_peak(void);

/* Time base (mps2_time.c): SysTick at 1 kHz from the 25 MHz core clock. */
void mps2_time_init(void);
uint64_t mps2_uptime_ms(void);
/* 25 MHz core-clock counts since boot (40 ns resolution). */
uint64_t mps2_cycles(void);
/* Cycles spent outside mps2_idle(): with QEMU -icount shift=0 one cycle of 40 ns is 40 executed
 * instructions, so busy cycles * 40 estimates the instructions executed. */
uint64_t mps2_busy_cycles(void);
/* Sleeps (WFI) until an interrupt arrives; the time asleep is not counted as busy. */
void mps2_idle(void);

/* What semaphore waits and delays run while they wait (the agent's agent_poll); NULL: sleep. */
void mps2_set_wait_service(void (*service)(uint32_t timeout_ms));
/* True when the host started QEMU with -icount shift=0 (it plants a flag word in RAM): one
 * instruction per virtual nanosecond, so busy cycles * 40 is the instruction count. */
bool mps2_icount_mode(void);

/* Software timers of the RTOS port (pal_plat_rtos_mps2.c), run from wait loops. */
void mps2_timers_service(void);
/* Milliseconds until the next software timer is due (UINT32_MAX when none is armed). */
uint32_t mps2_timers_next_due_ms(void);

/* newlib heap (mps2_syscalls.c). */
size_t mps2_heap_size(void);
size_t mps2_heap_used(void); /* bytes obtained from _sbrk so far (the heap break) */

/* printf to UART0 with the C99 formats of mps2_printf.c (Mbed TLS' mbedtls_printf). */
int mps2_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Image identity (mps2_board.c). */
const char *mps2_build_id(void);

#endif
