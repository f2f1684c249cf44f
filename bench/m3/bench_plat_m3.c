/* Cortex-M3 (QEMU mps2-an385) platform services for the benchmark image.
 *
 * Counter: SysTick on the core clock, polled (no interrupt), extended to 64 bits in software.
 * QEMU clocks SysTick at 25 MHz of *virtual* time; with -icount shift=0 one guest instruction is
 * one virtual nanosecond, so one tick is 40 instructions. The ratio is measured at start-up
 * (bench_m3_calibrate) against a loop of known length rather than assumed. The board has no
 * DWT cycle counter in QEMU, and the other timers (CMSDK APB timers, FPGA counter) run at the
 * same 25 MHz, so 40 instructions is the finest deterministic granularity available; every
 * measured interval is a whole number of ticks and identical from run to run. */
#include <stdint.h>

#include "mbedtls/platform_time.h"

#include "bench.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYSTICK_HZ 25000000u
#define STACK_PAINT 0xA5A5A5A5u
#define STACK_PAINT_BYTES (24u * 1024u)

void bench_semihost_write(const char *text);
uint32_t bench_m3_calibrate(uint32_t loop_iterations, uint32_t *ticks_out);

extern uint32_t __stack_bottom;

static uint32_t g_last;
static uint64_t g_ticks;
static uint32_t g_instr_per_tick = 40;
static uint32_t *g_paint_bottom;
static uintptr_t g_paint_sp;

static uint64_t ticks(void)
{
    uint32_t now = SYST_CVR;

    g_ticks += (g_last - now) & 0xFFFFFFu;
    g_last = now;
    return g_ticks;
}

static void systick_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = (1u << 2) | 1u; /* CLKSOURCE = core, ENABLE, no interrupt */
    g_last = SYST_CVR;
    g_ticks = 0;
}

/* 2 instructions per iteration (subs + bne); returns instructions per tick (rounded). */
uint32_t bench_m3_calibrate(uint32_t loop_iterations, uint32_t *ticks_out)
{
    uint64_t t0;
    uint64_t t1;
    uint32_t n = loop_iterations;

    systick_start();
    t0 = ticks();
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
    t1 = ticks();
    *ticks_out = (uint32_t)(t1 - t0);
    if (t1 > t0) {
        g_instr_per_tick = (uint32_t)((2ull * loop_iterations + (t1 - t0) / 2) / (t1 - t0));
    }
    return g_instr_per_tick;
}

uint64_t bench_counter(void)
{
    return ticks() * g_instr_per_tick;
}

uint64_t bench_uptime_ms(void)
{
    return ticks() / (SYSTICK_HZ / 1000u);
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)bench_uptime_ms();
}

void bench_stack_paint(void)
{
    uintptr_t sp;
    uint32_t *top;
    uint32_t *bottom;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    top = (uint32_t *)(sp - 32u); /* leave this function's own frame alone */
    bottom = (uint32_t *)(sp - STACK_PAINT_BYTES);
    if (bottom < &__stack_bottom) {
        bottom = &__stack_bottom;
    }
    for (uint32_t *p = bottom; p < top; p++) {
        *p = STACK_PAINT;
    }
    g_paint_bottom = bottom;
    g_paint_sp = sp;
}

uint32_t bench_stack_measure(void)
{
    uint32_t *p = g_paint_bottom;

    while ((uintptr_t)p < g_paint_sp - 32u && *p == STACK_PAINT) {
        p++;
    }
    return (uint32_t)(g_paint_sp - (uintptr_t)p);
}

void bench_print(const char *text)
{
    bench_semihost_write(text);
}
