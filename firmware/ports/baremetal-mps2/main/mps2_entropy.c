/* Entropy on a board without a TRNG: the host sends a seed (environment key entropy.seed) and the
 * agent hands it to this hook, which stores it as the PAL's injected seed (pal_osEntropyInject).
 * It is the only entropy this image ever has: fine for tests against test peers, never for a
 * product -- the boot banner and the sync identity (entropy test-only) say so.
 * Linked as an object, not from the port archive: it replaces the agent's weak default. */
#include "agent_internal.h"
#include "pal.h"

void agent_port_entropy_seed(const uint8_t *seed, size_t length)
{
    if (seed == NULL || length == 0 || pal_init() != PAL_SUCCESS) {
        return;
    }
    /* PAL_ERR_ENTROPY_EXISTS when a seed is already stored (an earlier sync): keep it; the PAL
     * replaces it with fresh DRBG output after each use. Test cases inject their own. */
    (void)pal_osEntropyInject(seed, length > PAL_INITIAL_RANDOM_SIZE ? PAL_INITIAL_RANDOM_SIZE : length);
    (void)pal_destroy();
}
