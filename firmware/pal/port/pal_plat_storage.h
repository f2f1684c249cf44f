/* What a platform port implements for persistent storage: a flat key/value store. Item
 * semantics (rollback protection, write-once) are implemented once in the core. */
#ifndef PAL_PLAT_STORAGE_H
#define PAL_PLAT_STORAGE_H

#include "pal_types.h"

palStatus_t pal_plat_storageInit(void);
/* PAL_ERR_ITEM_NOT_EXIST if absent; PAL_ERR_BUFFER_TOO_SMALL if data_size is too small (with
 * *actual_size set to the item size). */
palStatus_t pal_plat_storageRead(const char *key, uint8_t *data, size_t data_size, size_t *actual_size);
palStatus_t pal_plat_storageWrite(const char *key, const uint8_t *data, size_t data_size);
/* PAL_ERR_ITEM_NOT_EXIST if absent. */
palStatus_t pal_plat_storageDelete(const char *key);
palStatus_t pal_plat_storageReset(void);

#endif
