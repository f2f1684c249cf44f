/* Time base: SysTick at 1 kHz from the 25 MHz core clock. The interrupt only counts; software
 * timers run from the thread-level service loop (pal_plat_rtos_mps2.c), never from here. */
#include <stdint.h>

#include "mps2_an385.h"
#include "mps2_port.h"

#define MPS2_TICK_CYCLES (MPS2_SYSCLK_HZ / 1000u)

void SysTick_Handler(void);

static volatile uint64_t s_ticks;       /* milliseconds since mps2_time_init */
static volatile uint64_t s_idle_cycles; /* cycles spent in mps2_idle */

void SysTick_Handler(void)
{
    s_ticks++;
}

void mps2_time_init(void)
{
    SYST_CSR = 0;
    SYST_RVR = MPS2_TICK_CYCLES - 1u;
    SYST_CVR = 0;
    /* Lowest priority for SysTick; the UART receive interrupt stays above it. */
    SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (0xFFu << 24);
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

uint64_t mps2_uptime_ms(void)
{
    uint32_t primask = mps2_irq_save();
    uint64_t ticks = s_ticks;
    mps2_irq_restore(primask);
    return ticks;
}

uint64_t mps2_cycles(void)
{
    uint32_t primask = mps2_irq_save();
    uint64_t ticks = s_ticks;
    uint32_t current = SYST_CVR;
    /* A wrap after masking interrupts leaves the SysTick exception pending: count it here. */
    if (SCB_ICSR & (1u << 26)) { /* PENDSTSET */
        ticks++;
        current = SYST_CVR;
    }
    mps2_irq_restore(primask);
    return ticks * MPS2_TICK_CYCLES + (MPS2_TICK_CYCLES - 1u - current);
}

uint64_t mps2_busy_cycles(void)
{
    uint32_t primask = mps2_irq_save();
    uint64_t idle = s_idle_cycles;
    mps2_irq_restore(primask);
    return mps2_cycles() - idle;
}

#define MPS2_HOST_FLAG_ICOUNT 0x49434E54u /* "ICNT", see the linker script */

extern const volatile uint32_t __host_flags[];

bool mps2_icount_mode(void)
{
    return __host_flags[0] == MPS2_HOST_FLAG_ICOUNT;
}

void mps2_idle(void)
{
    /* Interrupts masked around the check-and-sleep: WFI still wakes on a pending interrupt, so
     * an interrupt that arrives between the caller's check and the WFI is not slept through. */
    uint32_t primask = mps2_irq_save();
    uint64_t start = mps2_cycles();
    __asm volatile("dsb\n\twfi" ::: "memory");
    uint64_t end = mps2_cycles();
    s_idle_cycles += end - start;
    mps2_irq_restore(primask);
}
