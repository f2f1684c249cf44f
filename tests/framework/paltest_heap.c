/* Default heap probe for flavours that cannot count their heap: 0 means "not measured", so a
 * heap-drift check reads as zero drift there. Weak so a port's object file can replace it; it sits
 * alone in this file so an archive never pulls it in for another symbol. */
#include "paltest.h"

__attribute__((weak)) size_t paltest_heap_in_use(void)
{
    return 0;
}
