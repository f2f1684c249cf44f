/* Mbed TLS specific helpers of the TLS platform layer, exposed for the service layer and for the
 * unit tests of the error translation tables. */
#ifndef PAL_PLAT_TLS_MBEDTLS_H
#define PAL_PLAT_TLS_MBEDTLS_H

#include "pal_plat_TLS.h"
#include "pal_plat_tls_ext.h"

/* Table A (application data) and table B (handshake) of pal_tls_spec.md section 3.10. */
palStatus_t pal_plat_mbedtlsDataError(int mbedtls_error);
palStatus_t pal_plat_mbedtlsHandshakeError(int mbedtls_error);

/* Section 3.11: OR of PAL_ERR_X509_BADCERT_* into *verifyResult; returns the code of the last
 * flag in the mandatory order, PAL_ERR_X509_CERT_VERIFY_FAILED for unmapped flags only. */
palStatus_t pal_plat_mbedtlsVerifyFlagsToPal(uint32_t flags, int32_t *verifyResult);

bool pal_plat_isDtls(palTLSConfHandle_t palTLSConf);

#endif
