/* Heap probe of the native runner: bytes live through the Mbed TLS allocator (every context,
 * certificate, bignum and record buffer of the PAL's TLS), counted by a thin wrapper around
 * calloc/free installed before main. Not glibc's mallinfo2: its main arena keeps growing over the
 * first dozen handshakes (allocator caches, the port's socket threads) and then settles, which is
 * not a leak and would hide one; the exact count needs no warm-up guesswork. tests/soak/soak.c
 * reports both for the long native runs. Linked as an object, this replaces the framework's weak
 * default. */
#include <stdint.h>
#include <stdlib.h>

#include "mbedtls/platform.h"
#include "paltest.h"

/* Header in front of each block: its size, padded so the block keeps malloc's alignment (C99 has
 * no max_align_t; these members cover what Mbed TLS stores). */
typedef union heap_header {
    size_t bytes;
    long double ld;
    long long ll;
    void *p;
} heap_header_t;

static size_t g_live_bytes;

static void *counting_calloc(size_t count, size_t size)
{
    heap_header_t *header;
    size_t bytes;

    if (size != 0 && count > (SIZE_MAX - sizeof(heap_header_t)) / size) {
        return NULL;
    }
    bytes = count * size;
    header = calloc(1, sizeof(heap_header_t) + bytes);
    if (header == NULL) {
        return NULL;
    }
    header->bytes = bytes;
    /* Atomic: the port's threads (socket callbacks, thread cases) allocate concurrently. */
    (void)__atomic_add_fetch(&g_live_bytes, bytes, __ATOMIC_RELAXED);
    return header + 1;
}

static void counting_free(void *block)
{
    heap_header_t *header;

    if (block == NULL) {
        return;
    }
    header = (heap_header_t *)block - 1;
    (void)__atomic_sub_fetch(&g_live_bytes, header->bytes, __ATOMIC_RELAXED);
    free(header);
}

__attribute__((constructor)) static void install_counting_allocator(void)
{
    (void)mbedtls_platform_set_calloc_free(counting_calloc, counting_free);
}

size_t paltest_heap_in_use(void)
{
    return __atomic_load_n(&g_live_bytes, __ATOMIC_RELAXED);
}
