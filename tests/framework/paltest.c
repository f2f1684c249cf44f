#include <stdio.h>
#include <string.h>

#include "paltest.h"

#define PALTEST_MAX_DEFERRED 8

static paltest_result_t *g_current;
static struct {
    void (*cleanup)(void *argument);
    void *argument;
} g_deferred[PALTEST_MAX_DEFERRED];
static size_t g_deferred_count;

void paltest_defer(void (*cleanup)(void *argument), void *argument)
{
    size_t i;

    /* The same cleanup on the same object is one cleanup: a case that reuses one static session
     * in a loop (soak) registers it on every open and must not run out of slots. */
    for (i = 0; i < g_deferred_count; i++) {
        if (g_deferred[i].cleanup == cleanup && g_deferred[i].argument == argument) {
            return;
        }
    }
    if (g_deferred_count == PALTEST_MAX_DEFERRED) {
        paltest_fail(__FILE__, __LINE__, "too many deferred cleanups (max %d)", PALTEST_MAX_DEFERRED);
        return;
    }
    g_deferred[g_deferred_count].cleanup = cleanup;
    g_deferred[g_deferred_count].argument = argument;
    g_deferred_count++;
}

static void run_deferred(void)
{
    while (g_deferred_count > 0) {
        g_deferred_count--;
        g_deferred[g_deferred_count].cleanup(g_deferred[g_deferred_count].argument);
    }
}

void paltest_fail(const char *file, int line, const char *format, ...)
{
    const char *base = strrchr(file, '/');
    size_t used;
    va_list args;

    if (g_current == NULL || g_current->status != PALTEST_PASSED) {
        return;
    }
    g_current->status = PALTEST_FAILED;
    used = (size_t)snprintf(g_current->message, sizeof(g_current->message), "%s:%d: ",
                            base != NULL ? base + 1 : file, line);
    if (used >= sizeof(g_current->message)) {
        return;
    }
    va_start(args, format);
    (void)vsnprintf(g_current->message + used, sizeof(g_current->message) - used, format, args);
    va_end(args);
}

static void describe_status(char *out, size_t size, palStatus_t status)
{
    const char *name = pal_statusName(status);

    if (name != NULL) {
        (void)snprintf(out, size, "%s", name);
    } else {
        (void)snprintf(out, size, "%ld (0x%08lx)", (long)status, (unsigned long)(uint32_t)status);
    }
}

void paltest_fail_status(const char *file, int line, const char *expression, palStatus_t expected,
                         palStatus_t actual)
{
    char expected_text[64];
    char actual_text[64];

    describe_status(expected_text, sizeof(expected_text), expected);
    describe_status(actual_text, sizeof(actual_text), actual);
    paltest_fail(file, line, "%s returned %s, expected %s", expression, actual_text, expected_text);
}

void paltest_skip(const char *reason)
{
    if (g_current == NULL || g_current->status != PALTEST_PASSED) {
        return;
    }
    g_current->status = PALTEST_SKIPPED;
    (void)snprintf(g_current->message, sizeof(g_current->message), "%s", reason);
}

bool paltest_has_failed(void)
{
    return g_current != NULL && g_current->status != PALTEST_PASSED;
}

void paltest_metric(const char *name, int64_t value)
{
    size_t i;

    if (g_current == NULL) {
        return;
    }
    for (i = 0; i < g_current->metric_count; i++) {
        if (strcmp(g_current->metrics[i].name, name) == 0) {
            g_current->metrics[i].value = value;
            return;
        }
    }
    if (g_current->metric_count < PALTEST_MAX_METRICS) {
        g_current->metrics[g_current->metric_count].name = name;
        g_current->metrics[g_current->metric_count].value = value;
        g_current->metric_count++;
    }
}

const paltest_case_t *paltest_find(const char *name)
{
    size_t count = 0;
    const paltest_case_t *cases = paltest_cases(&count);
    size_t i;

    for (i = 0; i < count; i++) {
        if (strcmp(cases[i].name, name) == 0) {
            return &cases[i];
        }
    }
    return NULL;
}

/* Fixture of the pal_tls group (spec 5.0): a blank device with a known clock, for every case. */
static bool fixture_setup(void)
{
    static const uint8_t zero_seed[48] = { 0 };
    palStatus_t status;

    status = pal_init();
    if (status != PAL_SUCCESS) {
        paltest_fail_status(__FILE__, __LINE__, "pal_init()", PAL_SUCCESS, status);
        return false;
    }
    status = pal_SSTReset();
    if (status != PAL_SUCCESS) {
        paltest_fail_status(__FILE__, __LINE__, "pal_SSTReset()", PAL_SUCCESS, status);
        return false;
    }
    status = pal_osEntropyInject(zero_seed, sizeof(zero_seed));
    if (status != PAL_SUCCESS && status != PAL_ERR_ENTROPY_EXISTS) {
        paltest_fail_status(__FILE__, __LINE__, "pal_osEntropyInject()", PAL_SUCCESS, status);
        return false;
    }
    status = pal_initTime();
    if (status != PAL_SUCCESS) {
        paltest_fail_status(__FILE__, __LINE__, "pal_initTime()", PAL_SUCCESS, status);
        return false;
    }
    status = pal_osSetTime(PALTEST_T0);
    if (status != PAL_SUCCESS) {
        paltest_fail_status(__FILE__, __LINE__, "pal_osSetTime(T0)", PAL_SUCCESS, status);
        return false;
    }
    return true;
}

static void fixture_teardown(void)
{
    palStatus_t status = pal_SSTReset();
    int32_t remaining;

    if (status != PAL_SUCCESS) {
        paltest_fail_status(__FILE__, __LINE__, "pal_SSTReset()", PAL_SUCCESS, status);
    }
    remaining = pal_destroy();
    if (remaining < 0) {
        paltest_fail_status(__FILE__, __LINE__, "pal_destroy()", PAL_SUCCESS, remaining);
    }
}

uint32_t paltest_features(void)
{
    uint32_t features = 0;

#if PAL_ENABLE_X509
    features |= PALTEST_NEEDS_X509;
#endif
#if PAL_ENABLE_PSK
    features |= PALTEST_NEEDS_PSK;
#endif
#if PAL_USE_SECURE_TIME
    features |= PALTEST_NEEDS_SECURE_TIME;
#endif
#if (PAL_USE_SSL_SESSION_RESUME == 1)
    features |= PALTEST_NEEDS_SESSION_RESUME;
#endif
#ifdef PAL_TLS_SUPPORT_SERVER_MODE
    features |= PALTEST_NEEDS_SERVER_MODE;
#endif
#if defined(PALTLS_FLAVOUR_FULL)
    features |= PALTEST_NEEDS_ALL_SUITES;
#endif
    return features;
}

static const struct {
    uint32_t feature;
    const char *reason;
} g_feature_reasons[] = {
    { PALTEST_NEEDS_X509, "needs certificates (PAL_ENABLE_X509), which flavour " PALTLS_FLAVOUR_NAME " leaves out" },
    { PALTEST_NEEDS_PSK, "needs PSK suites (PAL_ENABLE_PSK), which flavour " PALTLS_FLAVOUR_NAME " leaves out" },
    { PALTEST_NEEDS_SECURE_TIME, "needs secure time (PAL_USE_SECURE_TIME), which flavour " PALTLS_FLAVOUR_NAME " leaves out" },
    { PALTEST_NEEDS_SESSION_RESUME,
      "needs session resume (PAL_USE_SSL_SESSION_RESUME), which flavour " PALTLS_FLAVOUR_NAME " leaves out" },
    { PALTEST_NEEDS_SERVER_MODE,
      "needs server mode (PAL_TLS_SUPPORT_SERVER_MODE), which flavour " PALTLS_FLAVOUR_NAME " leaves out" },
    { PALTEST_NEEDS_ALL_SUITES, "needs a cipher suite that flavour " PALTLS_FLAVOUR_NAME " does not compile in" },
};

/* The first missing feature, in table order, names the reason. */
static const char *missing_feature_reason(uint32_t missing)
{
    size_t i;

    for (i = 0; i < sizeof(g_feature_reasons) / sizeof(g_feature_reasons[0]); i++) {
        if ((missing & g_feature_reasons[i].feature) != 0) {
            return g_feature_reasons[i].reason;
        }
    }
    return NULL;
}

void paltest_run(const paltest_case_t *test_case, paltest_result_t *result)
{
    uint32_t missing = test_case->needs & ~(paltest_capabilities() | paltest_features());
    const char *feature_reason = missing_feature_reason(missing);

    memset(result, 0, sizeof(*result));
    result->status = PALTEST_PASSED;
    g_current = result;
    if (feature_reason != NULL) {
        paltest_skip(feature_reason);
    } else if ((missing & PALTEST_NEEDS_THREADS) != 0) {
        paltest_skip("needs RTOS threads, which this board does not have");
    } else if ((missing & PALTEST_NEEDS_PEER) != 0) {
        paltest_skip("needs a test peer; none was given in the environment");
    } else if ((missing & PALTEST_NEEDS_FAULT_HOOKS) != 0) {
        paltest_skip("fault hook: runs only when selected explicitly");
    } else if (fixture_setup()) {
        test_case->body();
        run_deferred();
        fixture_teardown();
    }
    g_current = NULL;
}
