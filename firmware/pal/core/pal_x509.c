/* x509 helpers over Mbed TLS: certificate parsing (DER), the certificate ID attribute used for
 * trusted time server detection, and chain verification against the device time.
 *
 * A handle is a heap mbedtls_x509_crt; parsing appends, so one handle can hold a chain.
 * Verification reads "now" through mbedtls_time, which the TLS layer points at the PAL device
 * time (mbedtls_platform_set_time in pal_initTLSLibrary).
 *
 * A flavour without certificates (PAL_ENABLE_X509 0, minimal-psk) compiles none of this: every
 * function answers PAL_ERR_NOT_SUPPORTED. */
#include <string.h>

#include "pal_configuration.h"
#include "pal_x509.h"

#if PAL_ENABLE_X509
#include "mbedtls/ecp.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/x509_crt.h"

#include "pal_plat_TLS_mbedtls.h"
#include "pal_x509.h"

/* SEC1 compressed point: one prefix byte plus the X coordinate. */
#define PAL_X509_MAX_CERT_ID_SIZE (1u + MBEDTLS_ECP_MAX_BYTES)
/* The verification bits carry the bitmask module's high bits; the crypto-service convention
 * (pal_x509CertVerifyExtended) reports them stripped. */
#define PAL_X509_RESULT_HIGH_BITS ((uint32_t)PAL_ERR_MODULE_BITMASK_BASE)

/* What this project's PKI and TLS suites use: SHA-2 signatures, EC keys on P-256 only. */
static const mbedtls_x509_crt_profile g_palX509Profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1),
    0, /* no RSA keys are accepted at all */
};

static mbedtls_x509_crt *pal_x509FromHandle(palX509Handle_t handle)
{
    return (mbedtls_x509_crt *)handle;
}

/* A handle from pal_x509Initiate holds no certificate until a parse succeeded. */
static bool pal_x509HasCertificate(palX509Handle_t handle)
{
    return handle != NULLPTR && pal_x509FromHandle(handle)->raw.p != NULL;
}

palStatus_t pal_x509Initiate(palX509Handle_t *x509Cert)
{
    mbedtls_x509_crt *crt;

    if (x509Cert == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    crt = (mbedtls_x509_crt *)mbedtls_calloc(1, sizeof(*crt));
    if (crt == NULL) {
        return PAL_ERR_CRYPTO_ALLOC_FAILED;
    }
    mbedtls_x509_crt_init(crt);
    *x509Cert = (palX509Handle_t)crt;
    return PAL_SUCCESS;
}

palStatus_t pal_x509CertParse(palX509Handle_t x509Cert, const unsigned char *input, size_t inLen)
{
    int ret;

    if (x509Cert == NULLPTR || input == NULL || inLen == 0) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    ret = mbedtls_x509_crt_parse_der(pal_x509FromHandle(x509Cert), input, inLen);
    if (ret == 0) {
        return PAL_SUCCESS;
    }
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
        return PAL_ERR_CRYPTO_ALLOC_FAILED;
    }
    return PAL_ERR_CERT_PARSING_FAILED;
}

static palStatus_t pal_x509WriteCertId(const mbedtls_x509_crt *crt, uint8_t *output, size_t outLenBytes,
                                       size_t *actualOutLenBytes)
{
    uint8_t point[PAL_X509_MAX_CERT_ID_SIZE];
    size_t length = 0;
    int ret;
    const mbedtls_ecp_keypair *key = mbedtls_pk_ec(crt->pk);

    if (key == NULL) {
        return PAL_ERR_INVALID_X509_ATTR; /* not an EC key: there is no point to encode */
    }
    ret = mbedtls_ecp_write_public_key(key, MBEDTLS_ECP_PF_COMPRESSED, &length, point, sizeof(point));
    if (ret == MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE) {
        return PAL_ERR_NOT_SUPPORTED_CURVE;
    }
    if (ret != 0) {
        return PAL_ERR_FAILED_TO_WRITE_PUBLIC_KEY;
    }
    *actualOutLenBytes = length;
    if (length > outLenBytes) {
        return PAL_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(output, point, length);
    return PAL_SUCCESS;
}

palStatus_t pal_x509CertGetAttribute(palX509Handle_t x509Cert, palX509Attr_t attr, void *output,
                                     size_t outLenBytes, size_t *actualOutLenBytes)
{
    if (!pal_x509HasCertificate(x509Cert) || output == NULL || actualOutLenBytes == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *actualOutLenBytes = 0;
    if (attr != PAL_X509_CERT_ID_ATTR) {
        return PAL_ERR_INVALID_X509_ATTR;
    }
    return pal_x509WriteCertId(pal_x509FromHandle(x509Cert), (uint8_t *)output, outLenBytes, actualOutLenBytes);
}

/* Same flags and order as the TLS verify result (one table, in the platform layer), then the
 * crypto-service convention: high bits stripped. */
static int32_t pal_x509MapFlags(uint32_t flags)
{
    int32_t result = 0;

    (void)pal_plat_mbedtlsVerifyFlagsToPal(flags, &result);
    return (int32_t)((uint32_t)result & ~PAL_X509_RESULT_HIGH_BITS);
}

palStatus_t pal_x509CertVerifyExtended(palX509Handle_t x509Cert, palX509Handle_t x509CertChain,
                                       int32_t *verifyResult)
{
    uint32_t flags = 0;
    int ret;

    if (!pal_x509HasCertificate(x509Cert) || !pal_x509HasCertificate(x509CertChain) || verifyResult == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    *verifyResult = 0;
    ret = mbedtls_x509_crt_verify_with_profile(pal_x509FromHandle(x509Cert), pal_x509FromHandle(x509CertChain),
                                               NULL, &g_palX509Profile, NULL, &flags, NULL, NULL);
    if (ret == 0) {
        return PAL_SUCCESS;
    }
    /* On other (fatal) errors Mbed TLS sets every flag bit, which means nothing to map. */
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        *verifyResult = pal_x509MapFlags(flags);
    }
    return PAL_ERR_X509_CERT_VERIFY_FAILED;
}

palStatus_t pal_x509CertVerify(palX509Handle_t x509Cert, palX509Handle_t x509CertChain)
{
    int32_t ignored = 0;

    return pal_x509CertVerifyExtended(x509Cert, x509CertChain, &ignored);
}

palStatus_t pal_x509Free(palX509Handle_t *x509Cert)
{
    mbedtls_x509_crt *crt;

    if (x509Cert == NULL || *x509Cert == NULLPTR) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    crt = pal_x509FromHandle(*x509Cert);
    mbedtls_x509_crt_free(crt);
    mbedtls_free(crt);
    *x509Cert = NULLPTR;
    return PAL_SUCCESS;
}

#else

palStatus_t pal_x509Initiate(palX509Handle_t *x509Cert)
{
    if (x509Cert != NULL) {
        *x509Cert = NULLPTR;
    }
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_x509CertParse(palX509Handle_t x509Cert, const unsigned char *input, size_t inLen)
{
    (void)x509Cert;
    (void)input;
    (void)inLen;
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_x509CertGetAttribute(palX509Handle_t x509Cert, palX509Attr_t attr, void *output,
                                     size_t outLenBytes, size_t *actualOutLenBytes)
{
    (void)x509Cert;
    (void)attr;
    (void)output;
    (void)outLenBytes;
    if (actualOutLenBytes != NULL) {
        *actualOutLenBytes = 0;
    }
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_x509CertVerifyExtended(palX509Handle_t x509Cert, palX509Handle_t x509CertChain,
                                       int32_t *verifyResult)
{
    (void)x509Cert;
    (void)x509CertChain;
    if (verifyResult != NULL) {
        *verifyResult = 0;
    }
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_x509CertVerify(palX509Handle_t x509Cert, palX509Handle_t x509CertChain)
{
    (void)x509Cert;
    (void)x509CertChain;
    return PAL_ERR_NOT_SUPPORTED;
}

palStatus_t pal_x509Free(palX509Handle_t *x509Cert)
{
    (void)x509Cert;
    return PAL_ERR_NOT_SUPPORTED;
}

#endif
