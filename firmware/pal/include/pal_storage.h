/* Persistent items PAL uses: rollback-protected time items, the trusted time server id, the
 * stored TLS/DTLS session and the injected entropy seed. Missing is not an error:
 * PAL_ERR_ITEM_NOT_EXIST. */
#ifndef PAL_STORAGE_H
#define PAL_STORAGE_H

#include "pal_types.h"

#define STORAGE_RBP_SAVED_TIME_NAME "saved_time"
#define STORAGE_RBP_LAST_TIME_BACK_NAME "last_time_back"
#define STORAGE_RBP_TRUSTED_TIME_SRV_ID_NAME "time_srv_id"
#define STORAGE_RBP_RANDOM_SEED_NAME "entropy"
#define PAL_SSL_SESSION_ITEM_NAME "sslsession"

#define PAL_STORAGE_MAX_ITEM_SIZE 65535u

/* Rollback-protected items. is_write_once makes later writes fail with PAL_ERR_ITEM_EXIST. */
palStatus_t storage_rbp_read(const char *item_name, uint8_t *data, size_t data_size, size_t *data_actual_size);
palStatus_t storage_rbp_write(const char *item_name, const uint8_t *data, size_t data_size, bool is_write_once);

/* Plain configuration items (the KCM items of the client). */
palStatus_t pal_storageItemRead(const char *item_name, uint8_t *data, size_t data_size, size_t *data_actual_size);
palStatus_t pal_storageItemWrite(const char *item_name, const uint8_t *data, size_t data_size);
palStatus_t pal_storageItemDelete(const char *item_name);

/* Wipes every item (tests use it to start from a blank device). */
palStatus_t pal_SSTReset(void);

#endif
