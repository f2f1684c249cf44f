/* libFuzzer target: the PAL entry points that take DER or PSK input from the application
 * (pal_setCAChain, pal_setOwnCertChain, pal_initPrivateKey + pal_setOwnPrivateKey, pal_setPSK)
 * and the x509 helpers (pal_x509CertParse, pal_x509CertGetAttribute, pal_x509CertVerify).
 * Input: [selector:u8][split:u8][bytes...]. Every object is freed after each input, so
 * LeakSanitizer flags any leak on a rejection path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (pal_init() != PAL_SUCCESS || pal_osSetTime(1700000000u) != PAL_SUCCESS) {
        abort();
    }
    return 0;
}

static void fuzz_x509(const uint8_t *der, size_t length, const uint8_t *second, size_t second_length)
{
    palX509Handle_t cert = 0;
    palX509Handle_t chain = 0;
    uint8_t id[64];
    size_t id_length = 0;
    int32_t verify = 0;

    if (pal_x509Initiate(&cert) != PAL_SUCCESS) {
        return;
    }
    if (pal_x509CertParse(cert, der, length) == PAL_SUCCESS) {
        (void)pal_x509CertGetAttribute(cert, PAL_X509_CERT_ID_ATTR, id, sizeof(id), &id_length);
        if (id_length > sizeof(id)) {
            abort();
        }
        (void)pal_x509CertGetAttribute(cert, PAL_X509_CERT_ID_ATTR, id, 1, &id_length);
        if (pal_x509Initiate(&chain) == PAL_SUCCESS && pal_x509CertParse(chain, second, second_length) == PAL_SUCCESS) {
            (void)pal_x509CertVerifyExtended(cert, chain, &verify);
        }
    }
    if (chain != 0) {
        (void)pal_x509Free(&chain);
    }
    (void)pal_x509Free(&cert);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    palTLSConfHandle_t conf = NULLPTR;
    palTLSHandle_t tls = NULLPTR;
    uint8_t selector;
    size_t split;
    const uint8_t *body;
    size_t length;
    /* Exact-size heap copy: ASan catches any read past the length PAL was given. */
    uint8_t *copy;

    if (size < 2) {
        return 0;
    }
    selector = data[0];
    body = data + 2;
    length = size - 2;
    split = length == 0 ? 0 : data[1] % (length + 1);
    copy = malloc(length == 0 ? 1 : length);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, body, length);

    if ((selector & 7) == 7) {
        fuzz_x509(copy, split, copy + split, length - split);
        free(copy);
        return 0;
    }
    if (pal_initTLSConfiguration(&conf, (selector & 8) ? PAL_DTLS_MODE : PAL_TLS_MODE) != PAL_SUCCESS) {
        free(copy);
        return 0;
    }
    if (selector & 16) {
        (void)pal_initTLS(conf, &tls, false);
    }
    switch (selector & 7) {
    case 0: {
        palX509_t ca = { copy, (uint32_t)length };
        (void)pal_setCAChain(conf, &ca, NULL);
        break;
    }
    case 1: {
        palX509_t own = { copy, (uint32_t)length };
        (void)pal_setOwnCertChain(conf, &own);
        break;
    }
    case 2: {
        palPrivateKey_t key;
        if (pal_initPrivateKey(copy, length, &key) == PAL_SUCCESS) {
            (void)pal_setOwnPrivateKey(conf, &key);
        }
        break;
    }
    case 3:
        (void)pal_setPSK(conf, copy, (uint32_t)split, copy + split, (uint32_t)(length - split));
        break;
    case 4: {
        /* Certificate then key (or key then certificate): the pair is handed over when both exist. */
        palX509_t own = { copy, (uint32_t)split };
        palPrivateKey_t key;
        if (selector & 32) {
            (void)pal_setOwnCertChain(conf, &own);
        }
        if (pal_initPrivateKey(copy + split, length - split, &key) == PAL_SUCCESS) {
            (void)pal_setOwnPrivateKey(conf, &key);
        }
        if (!(selector & 32)) {
            (void)pal_setOwnCertChain(conf, &own);
        }
        break;
    }
    case 5: {
        /* Repeated calls replace earlier objects without leaking them. */
        palX509_t first = { copy, (uint32_t)split };
        palX509_t second = { copy + split, (uint32_t)(length - split) };
        (void)pal_setCAChain(conf, &first, NULL);
        (void)pal_setCAChain(conf, &second, NULL);
        (void)pal_setPSK(conf, copy, (uint32_t)split, copy, (uint32_t)split);
        (void)pal_setPSK(conf, copy + split, (uint32_t)(length - split), copy, (uint32_t)length);
        break;
    }
    default: {
        palX509_t own = { copy, (uint32_t)length };
        palX509_t ca = { copy, (uint32_t)length };
        (void)pal_setOwnCertChain(conf, &own);
        (void)pal_setCAChain(conf, &ca, NULL);
        break;
    }
    }
    if (tls != NULLPTR) {
        (void)pal_freeTLS(&tls);
    }
    (void)pal_tlsConfigurationFree(&conf);
    free(copy);
    return 0;
}
