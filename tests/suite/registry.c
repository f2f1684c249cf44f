/* The suite as one list: reference catalogue first (its order), then the port's cases, then the
 * core services, then the long-run (soak) cases. */
#include <string.h>

#include "pal_core_tests.h"
#include "pal_soak_tests.h"
#include "pal_tls_tests.h"

#define PALTEST_MAX_CASES 256u

static paltest_case_t g_all_cases[PALTEST_MAX_CASES];
static size_t g_all_count;

static void append_group(const paltest_case_t *cases, size_t count)
{
    size_t i;

    for (i = 0; i < count && g_all_count < PALTEST_MAX_CASES; i++) {
        g_all_cases[g_all_count++] = cases[i];
    }
}

const paltest_case_t *paltest_cases(size_t *count)
{
    if (g_all_count == 0) {
        append_group(paltest_tls_reference_cases, paltest_tls_reference_case_count);
        append_group(paltest_tls_port_cases, paltest_tls_port_case_count);
        append_group(paltest_tls_api_cases, paltest_tls_api_case_count);
        append_group(paltest_core_cases, paltest_core_case_count);
        append_group(paltest_soak_cases, paltest_soak_case_count);
    }
    *count = g_all_count;
    return g_all_cases;
}
