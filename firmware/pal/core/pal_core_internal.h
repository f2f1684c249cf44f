/* Life-cycle hooks of the PAL core modules, called only by pal_init()/pal_destroy() (pal_init.c).
 * Each module owns a PAL mutex, which can only be created once the platform RTOS layer is up, so
 * the modules cannot initialise themselves lazily. */
#ifndef PAL_CORE_INTERNAL_H
#define PAL_CORE_INTERNAL_H

#include "pal_types.h"

palStatus_t pal_storageModuleInit(void);
palStatus_t pal_storageModuleDestroy(void);

palStatus_t pal_timeModuleInit(void);
palStatus_t pal_timeModuleDestroy(void);

palStatus_t pal_drbgModuleInit(void);
palStatus_t pal_drbgModuleDestroy(void);

#endif
