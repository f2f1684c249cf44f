/* Native (Linux) platform services for the benchmark: monotonic nanoseconds as the counter. */
#include <stdio.h>
#include <time.h>

#include "bench.h"

uint64_t bench_counter(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t bench_uptime_ms(void)
{
    return bench_counter() / 1000000ull;
}

void bench_stack_paint(void)
{
}

uint32_t bench_stack_measure(void)
{
    return 0;
}

void bench_print(const char *text)
{
    fputs(text, stdout);
    fflush(stdout);
}
