/* Per-case metrics added by the board: every suite case run by the agent goes through
 * paltest_run(), which the image links as __wrap_paltest_run (-Wl,--wrap=paltest_run, see
 * firmware/baremetal/CMakeLists.txt) so this port can measure around it without touching the
 * agent or the framework:
 *   stack_bytes   deepest thread-stack use during the case (stack painted before the case)
 *   heap_leaked   heap bytes still allocated after the case that were not before it (newlib's
 *                 _mallinfo_r: mallinfo() would drag malloc_stats and fiprintf into the image; the
 *                 fixture's pal_init/pal_destroy are inside the measurement, so this is 0 unless
 *                 something leaks); reported only when non-zero
 *   instructions  instructions executed by the device during the case (bridge traffic, crypto,
 *                 interrupts; time asleep waiting for the host excluded); only when QEMU runs
 *                 with -icount shift=0, where one instruction is one virtual nanosecond. */
#include <malloc.h>
#include <reent.h>

#include "mps2_port.h"
#include "paltest.h"

void __real_paltest_run(const paltest_case_t *test_case, paltest_result_t *result);
void __wrap_paltest_run(const paltest_case_t *test_case, paltest_result_t *result);

#define MPS2_NS_PER_CYCLE 40u /* 25 MHz */

static void add_metric(paltest_result_t *result, const char *name, int64_t value)
{
    for (size_t i = 0; i < result->metric_count; i++) {
        if (result->metrics[i].name == name) {
            result->metrics[i].value = value;
            return;
        }
    }
    if (result->metric_count < PALTEST_MAX_METRICS) {
        result->metrics[result->metric_count].name = name;
        result->metrics[result->metric_count].value = value;
        result->metric_count++;
    }
}

void __wrap_paltest_run(const paltest_case_t *test_case, paltest_result_t *result)
{
    mps2_stack_repaint();
    size_t heap_before = (size_t)_mallinfo_r(_REENT).uordblks;
    uint64_t busy_start = mps2_busy_cycles();
    __real_paltest_run(test_case, result);
    uint64_t busy = mps2_busy_cycles() - busy_start;
    size_t heap_after = (size_t)_mallinfo_r(_REENT).uordblks;
    if (result->status == PALTEST_SKIPPED) {
        return;
    }
    add_metric(result, "stack_bytes", (int64_t)mps2_stack_high_water());
    if (heap_after > heap_before) {
        add_metric(result, "heap_leaked", (int64_t)(heap_after - heap_before));
    }
    if (mps2_icount_mode()) {
        add_metric(result, "instructions", (int64_t)(busy * MPS2_NS_PER_CYCLE));
    }
}
