/* MBEDTLS_USER_CONFIG_FILE of the PSK-only footprint image: as fp_all, without the ECDHE-ECDSA
 * key exchange and the GCM/SHA-384 it alone needs. X.509, PK and ECP stay compiled (the PAL
 * platform layer references their types and free functions) but nothing calls their parsers or
 * arithmetic, so --gc-sections drops them. */
#ifndef BENCH_USER_CONFIG_FP_PSK_H
#define BENCH_USER_CONFIG_FP_PSK_H
#include "bench_user_config_fp_all.h"
#undef MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#undef MBEDTLS_GCM_C
#undef MBEDTLS_SHA384_C
#undef MBEDTLS_SHA512_C
#endif
