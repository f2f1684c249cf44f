/* The few lines the agent's stand-alone unit tests share: a failed check prints where it failed
 * and ends that test; each test is counted, and the closing line has the shape every stage of
 * scripts/run-tests reads ("N passed, N failed, 0 skipped"). */
#ifndef PALTLS_UNIT_CHECK_H
#define PALTLS_UNIT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#define CHECK(cond)                                                                                  \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            printf("  %s:%d: %s\n", __FILE__, __LINE__, #cond);                                      \
            return false;                                                                            \
        }                                                                                            \
    } while (0)

static unsigned g_unit_passed;
static unsigned g_unit_failed;

static void unit_run(const char *name, bool (*test)(void))
{
    if (test()) {
        printf("PASS - %s\n", name);
        g_unit_passed++;
    } else {
        printf("FAIL - %s\n", name);
        g_unit_failed++;
    }
}

static int unit_summary(void)
{
    printf("%u passed, %u failed, 0 skipped\n", g_unit_passed, g_unit_failed);
    return g_unit_failed == 0 ? 0 : 1;
}

#endif
