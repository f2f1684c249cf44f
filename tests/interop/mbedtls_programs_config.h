/* Extra Mbed TLS options for the library's own sample programs (ssl_server2, ssl_client2) used
 * as interop peers: applied on top of firmware/pal/mbedtls/paltls_mbedtls_config.h through
 * MBEDTLS_USER_CONFIG_FILE, so the programs speak exactly the suites and groups the PAL build
 * has, plus what a host program needs (sockets, timers, files, PEM, the OS entropy source). */
#define MBEDTLS_NET_C
#define MBEDTLS_TIMING_C
#define MBEDTLS_FS_IO
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C
#undef MBEDTLS_NO_PLATFORM_ENTROPY
/* The standard time() source: the server writes the real time into ServerHello.random. */
#undef MBEDTLS_PLATFORM_TIME_ALT
