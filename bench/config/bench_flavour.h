/* Tuned Mbed TLS options of the "bench" flavour (QEMU Cortex-M3 harness and footprint images),
 * applied on top of the shared firmware/pal/mbedtls/paltls_mbedtls_config.h through
 * MBEDTLS_USER_CONFIG_FILE. Each value can be overridden from the build (-DBENCH_...=...) so that
 * `scripts`-free tuning runs (bench/tune.sh) can measure every option's effect; the measured
 * effects are in docs/performance.md. */
#ifndef BENCH_FLAVOUR_H
#define BENCH_FLAVOUR_H

/* Record buffers: 1 KiB each way. The handshake messages of a one-certificate P-256 chain fit
 * easily (largest: server Certificate ~0.4 KiB); saves 2 x 3 KiB of heap per connection
 * against the shared 4 KiB default. */
#ifndef BENCH_CONTENT_LEN
#define BENCH_CONTENT_LEN 1024
#endif
#undef MBEDTLS_SSL_IN_CONTENT_LEN
#undef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN BENCH_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN BENCH_CONTENT_LEN

/* P-256 speed/RAM: window size for multiplications of arbitrary points (ECDH shared secret, the
 * public-key half of ECDSA verify); fixed-point (generator) multiplications use the comb tables
 * precomputed in ROM when FIXED_POINT_OPTIM is on (Mbed TLS 3.x: no RAM cost). */
#ifndef BENCH_ECP_WINDOW_SIZE
#define BENCH_ECP_WINDOW_SIZE 3
#endif
#ifndef BENCH_ECP_FIXED_POINT_OPTIM
#define BENCH_ECP_FIXED_POINT_OPTIM 1
#endif
#define MBEDTLS_ECP_WINDOW_SIZE BENCH_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_FIXED_POINT_OPTIM BENCH_ECP_FIXED_POINT_OPTIM

/* Thumb-2 / x86-64 multiply-accumulate assembly in bignum. */
#ifndef BENCH_NO_HAVE_ASM
#define MBEDTLS_HAVE_ASM
#endif

/* AES tables: in ROM (const) rather than generated into RAM at first use. */
#ifndef BENCH_NO_AES_ROM_TABLES
#define MBEDTLS_AES_ROM_TABLES
#endif
/* One 1 KiB table per direction instead of four (rotations at run time): -6 KiB of ROM. */
#ifndef BENCH_NO_AES_FEWER_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#endif

/* Only the six suites of the porting guide in the library's suite tables (the PAL offers one
 * of them per configuration anyway). */
/* (The smaller footprint flavours set their own, shorter list in the shared configuration.) */
#if !defined(BENCH_ALL_CIPHERSUITES) && !defined(MBEDTLS_SSL_CIPHERSUITES)
#define MBEDTLS_SSL_CIPHERSUITES                                                                   \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,   \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8,       \
        MBEDTLS_TLS_PSK_WITH_AES_256_CCM_8, MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256
#endif

/* No human-readable certificate dumps (mbedtls_x509_crt_info and friends, which pull in
 * snprintf): the PAL never prints certificates. */
#ifndef BENCH_X509_INFO
#define MBEDTLS_X509_REMOVE_INFO
#endif

/* P-256 only: bignums never exceed 32 bytes (smaller MPI stack buffers). */
#define MBEDTLS_MPI_MAX_SIZE 32
#define MBEDTLS_MPI_WINDOW_SIZE 2

#endif
