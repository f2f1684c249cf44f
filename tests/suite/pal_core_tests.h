#ifndef PAL_CORE_TESTS_H
#define PAL_CORE_TESTS_H

#include <stddef.h>

#include "paltest.h"

/* Cases of the PAL services below TLS (time, storage, entropy, x509, RTOS, address helpers);
 * none needs a test peer. */
extern const paltest_case_t paltest_core_cases[];
extern const size_t paltest_core_case_count;

#endif
