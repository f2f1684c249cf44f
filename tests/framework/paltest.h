/* Minimal test registry shared by every build flavour (native process, QEMU image, Zephyr app).
 * No allocation, no setjmp: an assertion records the failure and returns from the test body. */
#ifndef PALTEST_H
#define PALTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pal.h"

#define PALTEST_GROUP "pal_tls"
#define PALTEST_MESSAGE_SIZE 256
#define PALTEST_MAX_METRICS 8

/* Device time every case starts with: 2019-01-03T06:30:53Z (spec 5.0). */
#define PALTEST_T0 1546497053ULL

/* Capabilities a case needs; a runner without them reports the case as skipped with a reason. */
#define PALTEST_NEEDS_PEER 0x01u
#define PALTEST_NEEDS_THREADS 0x02u
#define PALTEST_NEEDS_FAULT_HOOKS 0x04u /* deliberately hangs or crashes: only run when asked */
/* PAL features a footprint flavour (paltls_flavour.h) may leave out; the framework derives them
 * from the build's PAL configuration, not from the runner. */
#define PALTEST_NEEDS_X509 0x10u           /* certificates: PAL_ENABLE_X509 */
#define PALTEST_NEEDS_PSK 0x20u            /* PAL_ENABLE_PSK */
#define PALTEST_NEEDS_SECURE_TIME 0x40u    /* PAL_USE_SECURE_TIME */
#define PALTEST_NEEDS_SESSION_RESUME 0x80u /* PAL_USE_SSL_SESSION_RESUME */
#define PALTEST_NEEDS_SERVER_MODE 0x100u   /* PAL_TLS_SUPPORT_SERVER_MODE */
#define PALTEST_NEEDS_ALL_SUITES 0x200u    /* a suite only the full flavour compiles in */

typedef enum paltest_status {
    PALTEST_PASSED = 0,
    PALTEST_FAILED = 1,
    PALTEST_SKIPPED = 2,
    PALTEST_ERROR = 3,
} paltest_status_t;

typedef struct paltest_case {
    const char *name; /* reported as pal_tls.<name> */
    void (*body)(void);
    uint32_t needs;
} paltest_case_t;

typedef struct paltest_metric {
    const char *name;
    int64_t value;
} paltest_metric_t;

typedef struct paltest_result {
    paltest_status_t status;
    char message[PALTEST_MESSAGE_SIZE];
    paltest_metric_t metrics[PALTEST_MAX_METRICS];
    size_t metric_count;
} paltest_result_t;

/* The registry (tests/suite). */
const paltest_case_t *paltest_cases(size_t *count);
const paltest_case_t *paltest_find(const char *name);

/* Capabilities of the running flavour (PALTEST_NEEDS_* bits it can satisfy). */
uint32_t paltest_capabilities(void);

/* PALTEST_NEEDS_* feature bits the PAL configuration of this build provides. */
uint32_t paltest_features(void);

/* Runs fixture setup, the body and teardown of one case. */
void paltest_run(const paltest_case_t *test_case, paltest_result_t *result);

/* For test bodies. */
void paltest_fail(const char *file, int line, const char *format, ...);
void paltest_skip(const char *reason);
bool paltest_has_failed(void);
void paltest_metric(const char *name, int64_t value);
/* Registers a cleanup that runs after the body, also when an assertion returned early, so a
 * failing case still frees what it opened (the leak checks would blame the next case). */
void paltest_defer(void (*cleanup)(void *argument), void *argument);

/* Heap bytes the running flavour has handed out and not yet freed, for cases that check the heap
 * returns to a baseline (soak). Weak default in tests/framework returns 0 ("cannot measure");
 * ports that can count it (newlib/glibc mallinfo) provide a strong definition. */
size_t paltest_heap_in_use(void);

#define PALTEST_ASSERT(condition)                                              \
    do {                                                                       \
        if (!(condition)) {                                                    \
            paltest_fail(__FILE__, __LINE__, "assertion failed: %s", #condition); \
            return;                                                            \
        }                                                                      \
    } while (0)

#define PALTEST_ASSERT_STATUS(expected, actual)                                  \
    do {                                                                         \
        palStatus_t paltest_expected_ = (expected);                              \
        palStatus_t paltest_actual_ = (actual);                                  \
        if (paltest_expected_ != paltest_actual_) {                              \
            paltest_fail_status(__FILE__, __LINE__, #actual, paltest_expected_,  \
                                paltest_actual_);                                \
            return;                                                              \
        }                                                                        \
    } while (0)

#define PALTEST_ASSERT_SUCCESS(actual) PALTEST_ASSERT_STATUS(PAL_SUCCESS, (actual))

void paltest_fail_status(const char *file, int line, const char *expression, palStatus_t expected,
                         palStatus_t actual);

#endif
