/* Minimal Cortex-M3 start-up for the benchmark and footprint images: vector table, .data/.bss
 * initialisation, newlib's _sbrk over the linker-defined heap, semihosting exit. Shared by the
 * QEMU harness and the footprint images so that their start-up cost is the same ~0.3 KB. */
#include <stddef.h>
#include <stdint.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern char __heap_start, __heap_end;

int main(void);
void bench_reset(void);
void bench_fault(void);
void bench_semihost_exit(int status);
void *_sbrk(ptrdiff_t increment);

__attribute__((section(".vectors"), used)) static const uintptr_t g_vectors[16] = {
    (uintptr_t)&__stack_top, (uintptr_t)bench_reset, (uintptr_t)bench_fault, (uintptr_t)bench_fault,
    (uintptr_t)bench_fault,  (uintptr_t)bench_fault, (uintptr_t)bench_fault,
};

static int semihost(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void bench_semihost_write(const char *text)
{
    (void)semihost(0x04, (void *)text); /* SYS_WRITE0 */
}

void bench_semihost_exit(int status)
{
    /* SYS_EXIT with ADP_Stopped_ApplicationExit (QEMU exits 0) or RunTimeErrorUnknown (1). */
    (void)semihost(0x18, (void *)(uintptr_t)(status == 0 ? 0x20026u : 0x20023u));
    for (;;) {
    }
}

void bench_fault(void)
{
    bench_semihost_write("BENCH {\"kind\":\"fault\"}\n");
    bench_semihost_exit(1);
}

void *_sbrk(ptrdiff_t increment)
{
    static char *brk = &__heap_start;
    char *previous = brk;

    if (increment > &__heap_end - brk) {
        return (void *)-1;
    }
    brk += increment;
    return previous;
}

void bench_reset(void)
{
    uint32_t *src = &__data_load;

    for (uint32_t *dst = &__data_start; dst < &__data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) {
        *dst++ = 0;
    }
    bench_semihost_exit(main());
}
