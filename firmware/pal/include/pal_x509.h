/* The x509 helpers PAL TLS uses (trusted time server detection) and its tests call. */
#ifndef PAL_X509_H
#define PAL_X509_H

#include "pal_types.h"

typedef uintptr_t palX509Handle_t;

typedef enum palX509Attr {
    PAL_X509_CERT_ID_ATTR = 0, /* compressed SEC1 public key: 33 bytes for P-256 */
} palX509Attr_t;

palStatus_t pal_x509Initiate(palX509Handle_t *x509Cert);
palStatus_t pal_x509CertParse(palX509Handle_t x509Cert, const unsigned char *input, size_t inLen);
palStatus_t pal_x509CertGetAttribute(palX509Handle_t x509Cert, palX509Attr_t attr, void *output,
                                     size_t outLenBytes, size_t *actualOutLenBytes);
/* Verifies x509Cert against x509CertChain using the device time. */
palStatus_t pal_x509CertVerify(palX509Handle_t x509Cert, palX509Handle_t x509CertChain);
/* As above; *verifyResult receives the PAL_ERR_X509_BADCERT_* codes OR-ed, with the high
 * 0xE0000000 bits stripped (the crypto-service convention). */
palStatus_t pal_x509CertVerifyExtended(palX509Handle_t x509Cert, palX509Handle_t x509CertChain,
                                       int32_t *verifyResult);
palStatus_t pal_x509Free(palX509Handle_t *x509Cert);

#endif
