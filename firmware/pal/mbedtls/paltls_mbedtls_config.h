/* Mbed TLS 3.6 configuration for the PAL TLS port, one per footprint flavour
 * (firmware/pal/flavour/paltls_flavour.h): only what TLS 1.2 / DTLS 1.2 with the flavour's suites
 * and PAL features need. full carries the six suites of the porting guide, secure time, session
 * resume and server mode; cert the three ECDHE-ECDSA suites with secure time; minimal-psk one PSK
 * suite. Every option is explained in docs/mbedtls-config.md. Used as MBEDTLS_CONFIG_FILE by every
 * build (native, bare metal, Zephyr, benchmarks). */
#ifndef PALTLS_MBEDTLS_CONFIG_H
#define PALTLS_MBEDTLS_CONFIG_H

#include "../flavour/paltls_flavour.h"

#if defined(PALTLS_FLAVOUR_FULL) || defined(PALTLS_FLAVOUR_CERT)
#define PALTLS_MBEDTLS_X509 1
#endif
#if defined(PALTLS_FLAVOUR_FULL) || defined(PALTLS_FLAVOUR_MINIMAL_PSK)
#define PALTLS_MBEDTLS_PSK 1
#endif

/* Platform: the PAL installs its own allocator hooks and, with certificates, its time source. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#if defined(PALTLS_MBEDTLS_X509)
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_TIME_ALT
#endif

/* Entropy comes from the PAL DRBG, never from the library's own OS sources. */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* Symmetric crypto: AES-CCM(-8) in every flavour, GCM for the certificate suites, CBC only for
 * PSK-AES128-CBC-SHA256 (full). SHA-512 (under SHA-384) only for ECDHE-ECDSA-AES256-GCM-SHA384. */
#define MBEDTLS_AES_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#if defined(PALTLS_MBEDTLS_X509)
#define MBEDTLS_GCM_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#endif
#if defined(PALTLS_FLAVOUR_FULL)
#define MBEDTLS_CIPHER_MODE_CBC
#endif

#if defined(PALTLS_MBEDTLS_X509)
/* ECDHE-ECDSA on P-256 only. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C

/* Certificates (DER only) and keys. */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#endif
#if defined(PALTLS_MBEDTLS_PSK)
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#endif

#if defined(PALTLS_P256M) && defined(PALTLS_MBEDTLS_X509)
/* Option of cert and full (PALTLS_P256M): P-256 ECDH and ECDSA through the p256-m PSA driver.
 * TLS reaches it only through PSA (USE_PSA_CRYPTO); PSA draws randomness from the PAL
 * (mbedtls_psa_external_get_random in the platform layer), never from its own entropy pool.
 * The built-in ECC stays for what p256-m does not do (deterministic ECDSA, the certificate ID). */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_P256M_DRIVER_ENABLED
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
#endif

/* TLS 1.2 and DTLS 1.2 clients in every flavour. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_DTLS
#define MBEDTLS_SSL_DTLS_HELLO_VERIFY
#define MBEDTLS_SSL_DTLS_ANTI_REPLAY
#define MBEDTLS_SSL_DTLS_BADMAC_LIMIT
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#if defined(PALTLS_FLAVOUR_FULL)
/* Encrypt-then-MAC only protects CBC records: the one CBC suite is in full alone. */
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#endif

#if defined(PALTLS_FLAVOUR_FULL)
/* Server mode (PAL_TLS_SUPPORT_SERVER_MODE): server, DTLS cookies, session cache. */
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE
#define MBEDTLS_SSL_COOKIE_C
#define MBEDTLS_SSL_CACHE_C
/* Session resume: DTLS Connection ID (RFC 9146) and context serialisation. */
#define MBEDTLS_SSL_DTLS_CONNECTION_ID
#define MBEDTLS_SSL_DTLS_CONNECTION_ID_COMPAT 0
#define MBEDTLS_SSL_CONTEXT_SERIALIZATION
#endif

#if defined(PALTLS_MBEDTLS_X509)
/* The secure-time retry is a client-initiated renegotiation. */
#define MBEDTLS_SSL_RENEGOTIATION
#endif

/* Only the flavour's suites in the library's suite tables (the PAL offers a subset of them). */
#if defined(PALTLS_FLAVOUR_MINIMAL_PSK)
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8
#elif defined(PALTLS_FLAVOUR_CERT)
#define MBEDTLS_SSL_CIPHERSUITES                                                                   \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,   \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
#endif

/* Record buffers: handshake messages of this PKI fit easily; override per board. */
#ifndef MBEDTLS_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#endif
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#endif

/* Diagnostics: debug messages feed palLogFunc_f; error strings name failures in logs. */
#ifndef PALTLS_MBEDTLS_MINIMAL
#define MBEDTLS_DEBUG_C
#define MBEDTLS_ERROR_C
#endif
#define MBEDTLS_VERSION_C

#endif
