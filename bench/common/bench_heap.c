/* Counting allocator. Every block carries a small header with its requested size and the side
 * (client/server/other) that was current when it was allocated; frees credit that side. The
 * figures are requested bytes (what the code asks for), not allocator overhead, so they do not
 * depend on the C library's malloc.
 *
 * Mbed TLS allocates through mbedtls_platform_set_calloc_free(bench_calloc, bench_free); the PAL
 * core calls calloc/malloc/free directly, which the bench executables route here with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=free,--wrap=realloc. The backing allocator is the C
 * library's (__real_malloc / __real_free). */
#include <string.h>

#include "bench.h"

void *__real_malloc(size_t size);
void __real_free(void *block);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void __wrap_free(void *block);
void *__wrap_realloc(void *block, size_t size);

typedef struct bench_block {
    uint32_t size;
    uint32_t side;
} bench_block_t; /* 8 bytes: keeps the payload 8-byte aligned */

static bench_side_t g_side = BENCH_SIDE_OTHER;
static size_t g_in_use[BENCH_SIDE_COUNT];
static size_t g_peak[BENCH_SIDE_COUNT];
static uint32_t g_allocs[BENCH_SIDE_COUNT];

void bench_heap_set_side(bench_side_t side)
{
    g_side = side;
}

bench_side_t bench_heap_side(void)
{
    return g_side;
}

size_t bench_heap_in_use(bench_side_t side)
{
    return g_in_use[side];
}

size_t bench_heap_peak(bench_side_t side)
{
    return g_peak[side];
}

uint32_t bench_heap_allocs(bench_side_t side)
{
    return g_allocs[side];
}

void bench_heap_reset_peak(bench_side_t side)
{
    g_peak[side] = g_in_use[side];
    g_allocs[side] = 0;
}

static void *bench_alloc(size_t size, int zero)
{
    bench_block_t *block;

    if (size > 0x7FFFFFFFu) {
        return NULL;
    }
    block = __real_malloc(sizeof(*block) + size);
    if (block == NULL) {
        return NULL;
    }
    block->size = (uint32_t)size;
    block->side = (uint32_t)g_side;
    if (zero) {
        memset(block + 1, 0, size);
    }
    g_in_use[g_side] += size;
    g_allocs[g_side]++;
    if (g_in_use[g_side] > g_peak[g_side]) {
        g_peak[g_side] = g_in_use[g_side];
    }
    return block + 1;
}

void *bench_calloc(size_t count, size_t size)
{
    if (size != 0 && count > 0x7FFFFFFFu / size) {
        return NULL;
    }
    return bench_alloc(count * size, 1);
}

void bench_free(void *payload)
{
    bench_block_t *block;

    if (payload == NULL) {
        return;
    }
    block = (bench_block_t *)payload - 1;
    g_in_use[block->side] -= block->size;
    __real_free(block);
}

void *__wrap_malloc(size_t size)
{
    return bench_alloc(size, 0);
}

void *__wrap_calloc(size_t count, size_t size)
{
    return bench_calloc(count, size);
}

void __wrap_free(void *block)
{
    bench_free(block);
}

void *__wrap_realloc(void *payload, size_t size)
{
    void *fresh;
    size_t old;

    if (payload == NULL) {
        return bench_alloc(size, 0);
    }
    old = ((bench_block_t *)payload - 1)->size;
    fresh = bench_alloc(size, 0);
    if (fresh != NULL) {
        memcpy(fresh, payload, old < size ? old : size);
        bench_free(payload);
    }
    return fresh;
}
