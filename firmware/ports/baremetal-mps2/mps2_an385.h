/* Registers of the Cortex-M3 core (ARMv7-M architecture reference manual) and of the CMSDK
 * peripherals of the ARM MPS2 AN385 FPGA image as emulated by QEMU's mps2-an385 machine.
 * Only what the bare-metal paltls port uses. */
#ifndef MPS2_AN385_H
#define MPS2_AN385_H

#include <stdint.h>

#define MPS2_REG32(address) (*(volatile uint32_t *)(uintptr_t)(address))

/* Clock: QEMU drives the CPU (and SysTick with CLKSOURCE=1) and the APB peripherals at 25 MHz. */
#define MPS2_SYSCLK_HZ 25000000u

/* ---- System control block (0xE000ED00) ---- */
#define SCB_ICSR MPS2_REG32(0xE000ED04u)
#define SCB_VTOR MPS2_REG32(0xE000ED08u)
#define SCB_AIRCR MPS2_REG32(0xE000ED0Cu)
#define SCB_SCR MPS2_REG32(0xE000ED10u)
#define SCB_CCR MPS2_REG32(0xE000ED14u)
#define SCB_SHPR3 MPS2_REG32(0xE000ED20u)
#define SCB_SHCSR MPS2_REG32(0xE000ED24u)
#define SCB_CFSR MPS2_REG32(0xE000ED28u)
#define SCB_HFSR MPS2_REG32(0xE000ED2Cu)
#define SCB_MMFAR MPS2_REG32(0xE000ED34u)
#define SCB_BFAR MPS2_REG32(0xE000ED38u)

#define SCB_AIRCR_VECTKEY (0x05FAu << 16)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)
#define SCB_CCR_DIV_0_TRP (1u << 4)
#define SCB_CCR_STKALIGN (1u << 9)
#define SCB_SHCSR_MEMFAULTENA (1u << 16)
#define SCB_SHCSR_BUSFAULTENA (1u << 17)
#define SCB_SHCSR_USGFAULTENA (1u << 18)

/* CFSR = UFSR[31:16] | BFSR[15:8] | MMFSR[7:0] */
#define CFSR_MMARVALID (1u << 7)
#define CFSR_MSTKERR (1u << 4)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_STKERR (1u << 12)
#define HFSR_FORCED (1u << 30)

/* ---- SysTick (0xE000E010) ---- */
#define SYST_CSR MPS2_REG32(0xE000E010u)
#define SYST_RVR MPS2_REG32(0xE000E014u)
#define SYST_CVR MPS2_REG32(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)
#define SYST_CSR_COUNTFLAG (1u << 16)

/* ---- NVIC (0xE000E100) ---- */
#define NVIC_ISER0 MPS2_REG32(0xE000E100u)
#define NVIC_ICER0 MPS2_REG32(0xE000E180u)
#define NVIC_ISPR0 MPS2_REG32(0xE000E200u)
#define NVIC_ICPR0 MPS2_REG32(0xE000E280u)
#define NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))

/* ---- MPU, PMSAv7 (0xE000ED90) ---- */
#define MPU_TYPE MPS2_REG32(0xE000ED90u)
#define MPU_CTRL MPS2_REG32(0xE000ED94u)
#define MPU_RNR MPS2_REG32(0xE000ED98u)
#define MPU_RBAR MPS2_REG32(0xE000ED9Cu)
#define MPU_RASR MPS2_REG32(0xE000EDA0u)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RASR_ENABLE (1u << 0)
#define MPU_RASR_SIZE(log2_bytes) ((uint32_t)((log2_bytes) - 1u) << 1)
#define MPU_RASR_AP_NONE (0u << 24)
#define MPU_RASR_AP_RO (6u << 24)
#define MPU_RASR_XN (1u << 28)

/* ---- CMSDK APB UART0 (0x40004000) ---- */
#define UART0_BASE 0x40004000u
#define UART_DATA(base) MPS2_REG32((base) + 0x000u)
#define UART_STATE(base) MPS2_REG32((base) + 0x004u)
#define UART_CTRL(base) MPS2_REG32((base) + 0x008u)
#define UART_INTSTATUS(base) MPS2_REG32((base) + 0x00Cu) /* write 1 to clear */
#define UART_BAUDDIV(base) MPS2_REG32((base) + 0x010u)
#define UART_STATE_TXFULL (1u << 0)
#define UART_STATE_RXFULL (1u << 1)
#define UART_STATE_TXOVR (1u << 2)
#define UART_STATE_RXOVR (1u << 3)
#define UART_CTRL_TXEN (1u << 0)
#define UART_CTRL_RXEN (1u << 1)
#define UART_CTRL_TXINTEN (1u << 2)
#define UART_CTRL_RXINTEN (1u << 3)
#define UART_INT_TX (1u << 0)
#define UART_INT_RX (1u << 1)
#define UART0_RX_IRQ 0u
#define UART0_TX_IRQ 1u
#define UART_OVERFLOW_IRQ 12u /* UART0..2 overrun interrupts ORed together */

/* Number of external interrupts QEMU wires to the NVIC on AN385. */
#define MPS2_IRQ_COUNT 32u

static inline uint32_t mps2_irq_save(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void mps2_irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

#endif
