/* Start-up for the paltls bare-metal image on QEMU mps2-an385: vector table, reset handler
 * (.data copy, .bss clear, stack painting, MPU guard, fault enables) and the switch to the
 * thread stack (PSP) so that handlers keep their own stack (MSP). */
#include <stdint.h>
#include <string.h>

#include "mps2_an385.h"
#include "mps2_port.h"

#define MPS2_STACK_PAINT 0xC5C5C5C5u

/* Linker script symbols. */
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[], __stack_guard[];
extern uint32_t __msp_top[];

int main(void);
void Reset_Handler(void);
void mps2_fault_entry(void);
void SysTick_Handler(void);
void mps2_uart0_rx_irq(void);

typedef void (*mps2_vector_t)(void);

/* An exception or interrupt nobody enabled is reported like a fault (the report names the IPSR). */
#define Default_Handler mps2_fault_entry

/* Cortex-M3 vector table: 16 system exceptions + the 32 interrupts QEMU wires on AN385. */
__attribute__((section(".isr_vector"), used)) const mps2_vector_t mps2_vectors[16 + MPS2_IRQ_COUNT] = {
    (mps2_vector_t)(uintptr_t)__msp_top, /* initial MSP */
    Reset_Handler,
    mps2_fault_entry, /* NMI */
    mps2_fault_entry, /* HardFault */
    mps2_fault_entry, /* MemManage */
    mps2_fault_entry, /* BusFault */
    mps2_fault_entry, /* UsageFault */
    0, 0, 0, 0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    SysTick_Handler,
    [16 + UART0_RX_IRQ] = mps2_uart0_rx_irq,
    [16 + UART0_TX_IRQ] = Default_Handler,
    [16 + 2] = Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler,
};


size_t mps2_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}

size_t mps2_stack_high_water(void)
{
    const uint32_t *word = __stack_bottom;
    while (word < __stack_top && *word == MPS2_STACK_PAINT) {
        word++;
    }
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)word);
}

void mps2_stack_repaint(void)
{
    /* Only below the live part of the stack (interrupts run on the MSP, never here). */
    uint32_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    uint32_t *limit = (uint32_t *)(uintptr_t)((sp - 64u) & ~3u);
    for (uint32_t *word = __stack_bottom; word < limit;) {
        *word++ = MPS2_STACK_PAINT;
    }
}

static void mpu_region(uint32_t number, uint32_t base, uint32_t attributes)
{
    MPU_RNR = number;
    MPU_RBAR = base;
    MPU_RASR = attributes;
}

void mps2_mpu_init(void)
{
    if (((MPU_TYPE >> 8) & 0xFFu) < 2u) {
        return; /* no MPU: run unguarded */
    }
    MPU_CTRL = 0;
    /* Region 0: the code/read-only image (ZBT SSRAM1, RAM in the emulator) is read-only, so a
     * stray write (NULL pointer, corrupted pointer into code) faults instead of patching code. */
    mpu_region(0, 0x00000000u, MPU_RASR_ENABLE | MPU_RASR_SIZE(22) | MPU_RASR_AP_RO);
    /* Region 1: 4 KiB no-access guard below the thread stack. */
    mpu_region(1, (uint32_t)(uintptr_t)__stack_guard,
               MPU_RASR_ENABLE | MPU_RASR_SIZE(12) | MPU_RASR_AP_NONE | MPU_RASR_XN);
    /* Everything else keeps the default memory map for privileged code (all code here is). */
    MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
    __asm volatile("dsb\n\tisb" ::: "memory");
}

__attribute__((noreturn, used)) static void mps2_thread_start(void)
{
    (void)main();
    for (;;) {
        __asm volatile("wfi");
    }
}

/* Switches thread mode to the process stack and jumps to mps2_thread_start. */
__attribute__((naked, noreturn)) static void mps2_enter_thread_stack(__attribute__((unused)) uint32_t psp_top)
{
    __asm volatile(
        "msr psp, r0\n\t"
        "movs r1, #2\n\t" /* CONTROL.SPSEL = 1: thread mode uses PSP */
        "msr control, r1\n\t"
        "isb\n\t"
        "b mps2_thread_start\n\t");
}

void Reset_Handler(void)
{
    /* .data image from the code region, then a zero .bss. */
    const uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
    /* Paint the thread stack (we still run on the MSP) for the high-water mark. */
    for (uint32_t *word = __stack_bottom; word < __stack_top;) {
        *word++ = MPS2_STACK_PAINT;
    }

    SCB_VTOR = (uint32_t)(uintptr_t)mps2_vectors;
    /* Separate MemManage/BusFault/UsageFault handlers (they share one reporter), trap divide by
     * zero, 8-byte stack alignment on exception entry. */
    SCB_CCR |= SCB_CCR_DIV_0_TRP | SCB_CCR_STKALIGN;
    SCB_SHCSR |= SCB_SHCSR_MEMFAULTENA | SCB_SHCSR_BUSFAULTENA | SCB_SHCSR_USGFAULTENA;
    mps2_mpu_init();

    mps2_enter_thread_stack((uint32_t)(uintptr_t)__stack_top);
}
