/* Heap probe of the mps2 image: newlib's count of bytes allocated and not freed. _mallinfo_r, not
 * mallinfo(): the latter drags malloc_stats and fiprintf into the image (see mps2_case_metrics.c).
 * Linked as an object, not from the port archive: it replaces the framework's weak default. */
#include <malloc.h>
#include <reent.h>

#include "paltest.h"

size_t paltest_heap_in_use(void)
{
    return (size_t)_mallinfo_r(_REENT).uordblks;
}
