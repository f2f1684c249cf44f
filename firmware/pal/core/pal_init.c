/* PAL life cycle: pal_init()/pal_destroy(), reference counted.
 *
 * The counter is a plain variable: PAL cannot protect it with one of its own mutexes before the
 * RTOS layer is up, so pal_init()/pal_destroy() must not race each other (in practice they run
 * from the application's start-up and shut-down code, or from the test fixture). */
#include "pal.h"
#include "pal_core_internal.h"
#include "pal_plat_network.h"
#include "pal_plat_rtos.h"
#include "pal_plat_storage.h"

typedef palStatus_t (*pal_init_step_f)(void);

typedef struct pal_init_step {
    pal_init_step_f init;
    pal_init_step_f destroy;
} pal_init_step_t;

/* The platform storage has no shutdown: it models flash, whose content outlives pal_destroy. */
static palStatus_t pal_noDestroy(void)
{
    return PAL_SUCCESS;
}

/* Order matters: every module needs the RTOS layer (mutexes); the time and DRBG modules read
 * storage; sockets come before TLS because TLS configurations bind to sockets. */
static const pal_init_step_t g_initSteps[] = {
    { pal_plat_RTOSInitialize, pal_plat_RTOSDestroy },
    { pal_plat_storageInit, pal_noDestroy },
    { pal_storageModuleInit, pal_storageModuleDestroy },
    { pal_timeModuleInit, pal_timeModuleDestroy },
    { pal_drbgModuleInit, pal_drbgModuleDestroy },
    { pal_plat_socketsInit, pal_plat_socketsTerminate },
    { pal_initTLSLibrary, pal_cleanupTLS },
};

#define PAL_INIT_STEP_COUNT (sizeof(g_initSteps) / sizeof(g_initSteps[0]))

static int32_t g_palInitCount = 0;

/* Undoes steps [0, count) in reverse order; returns the first failure, but always runs every
 * destroy so that one failing module does not leak the others. */
static palStatus_t pal_undoSteps(size_t count)
{
    palStatus_t first_error = PAL_SUCCESS;

    while (count > 0) {
        palStatus_t status;

        count--;
        status = g_initSteps[count].destroy();
        if (status != PAL_SUCCESS && first_error == PAL_SUCCESS) {
            first_error = status;
        }
    }
    return first_error;
}

palStatus_t pal_init(void)
{
    size_t done;

    if (g_palInitCount > 0) {
        g_palInitCount++;
        return PAL_SUCCESS;
    }
    for (done = 0; done < PAL_INIT_STEP_COUNT; done++) {
        palStatus_t status = g_initSteps[done].init();

        if (status != PAL_SUCCESS) {
            /* The init failure is what the caller needs to see; undo errors are secondary. */
            (void)pal_undoSteps(done);
            return status;
        }
    }
    g_palInitCount = 1;
    return PAL_SUCCESS;
}

int32_t pal_destroy(void)
{
    palStatus_t status;

    if (g_palInitCount <= 0) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    g_palInitCount--;
    if (g_palInitCount > 0) {
        return g_palInitCount;
    }
    status = pal_undoSteps(PAL_INIT_STEP_COUNT);
    if (status != PAL_SUCCESS) {
        return status;
    }
    return 0;
}
