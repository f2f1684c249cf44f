/* posix port, hardware entropy: the kernel's CSPRNG through getrandom().
 *
 * Setting the environment variable PALTLS_TRNG=off makes the port report PAL_ERR_NOT_SUPPORTED,
 * like a board without a TRNG, so that the seed-only DRBG path (injected entropy) can be
 * exercised natively. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "pal_plat_rtos.h"

static bool posix_trngDisabled(void)
{
    const char *setting = getenv("PALTLS_TRNG");

    return setting != NULL && strcmp(setting, "off") == 0;
}

palStatus_t pal_plat_osRandomBuffer(uint8_t *randomBuf, size_t bufSizeBytes)
{
    if (posix_trngDisabled()) {
        return PAL_ERR_NOT_SUPPORTED;
    }
    /* Requests above 256 bytes may be cut short by a signal: keep going until filled. */
    while (bufSizeBytes > 0) {
        ssize_t got = getrandom(randomBuf, bufSizeBytes, 0);

        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == ENOSYS ? PAL_ERR_NOT_SUPPORTED : PAL_ERR_RTOS_TRNG_FAILED;
        }
        randomBuf += got;
        bufSizeBytes -= (size_t)got;
    }
    return PAL_SUCCESS;
}
