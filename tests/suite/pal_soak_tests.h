#ifndef PAL_SOAK_TESTS_H
#define PAL_SOAK_TESTS_H

#include <stddef.h>

#include "paltest.h"

/* Long-run cases: sized by the environment (soak.count) so a normal run stays short and a soak
 * stage can ask for hundreds of iterations on the same image. */
extern const paltest_case_t paltest_soak_cases[];
extern const size_t paltest_soak_case_count;

#endif
