/* PAL storage items over the platform key/value store (pal_plat_storage.h).
 *
 * Three namespaces share the flat platform store, told apart by a key prefix:
 *   "r:<name>"  rollback-protected item that may be rewritten,
 *   "o:<name>"  rollback-protected write-once item,
 *   "c:<name>"  plain configuration (KCM) item.
 * Encoding the write-once flag in the key keeps the stored value byte-identical to what the
 * caller wrote, so reads go straight into the caller's buffer (no scratch copy of up to 64 KiB),
 * and a configuration write can never overwrite a rollback-protected item of the same name.
 * Writing a write-once item stores "o:" first and then drops any older "r:" copy; reads prefer
 * "o:", so an interruption between the two steps still reads the newest value.
 *
 * A module mutex makes "check write-once, then write" atomic with respect to other threads. */
#include <string.h>

#include "pal_core_internal.h"
#include "pal_plat_storage.h"
#include "pal_rtos.h"
#include "pal_storage.h"

/* Item names are short identifiers ("saved_time", "sslsession"); a bound keeps keys on the stack
 * and within what flash key/value stores accept. */
#define PAL_STORAGE_MAX_NAME_LENGTH 64u
#define PAL_STORAGE_PREFIX_LENGTH 2u
#define PAL_STORAGE_KEY_SIZE (PAL_STORAGE_PREFIX_LENGTH + PAL_STORAGE_MAX_NAME_LENGTH + 1u)

static const char g_prefixRewritable[] = "r:";
static const char g_prefixWriteOnce[] = "o:";
static const char g_prefixConfig[] = "c:";

static palMutexID_t g_storageMutex = NULLPTR;

palStatus_t pal_storageModuleInit(void)
{
    return pal_osMutexCreate(&g_storageMutex);
}

palStatus_t pal_storageModuleDestroy(void)
{
    return pal_osMutexDelete(&g_storageMutex);
}

static bool pal_storageIsValidName(const char *item_name)
{
    size_t length;

    if (item_name == NULL) {
        return false;
    }
    length = strlen(item_name);
    return length > 0 && length <= PAL_STORAGE_MAX_NAME_LENGTH;
}

static bool pal_storageIsValidBuffer(const void *data, size_t data_size)
{
    return data != NULL && data_size > 0 && data_size <= PAL_STORAGE_MAX_ITEM_SIZE;
}

/* item_name was validated, so the key always fits. */
static void pal_storageMakeKey(char key[PAL_STORAGE_KEY_SIZE], const char *prefix, const char *item_name)
{
    memcpy(key, prefix, PAL_STORAGE_PREFIX_LENGTH);
    strcpy(key + PAL_STORAGE_PREFIX_LENGTH, item_name);
}

static palStatus_t pal_storageLock(void)
{
    if (g_storageMutex == NULLPTR) {
        return PAL_ERR_NOT_INITIALIZED;
    }
    return pal_osMutexWait(g_storageMutex, PAL_RTOS_WAIT_FOREVER);
}

/* Releases the module lock; the operation's own failure takes precedence over an unlock failure. */
static palStatus_t pal_storageUnlock(palStatus_t status)
{
    palStatus_t unlock = pal_osMutexRelease(g_storageMutex);

    return status != PAL_SUCCESS ? status : unlock;
}

/* Existence test without knowing the item size: a one-byte probe either fits or reports
 * PAL_ERR_BUFFER_TOO_SMALL, and both mean the item is there. */
static palStatus_t pal_storageKeyExists(const char *key, bool *exists)
{
    uint8_t probe;
    size_t actual = 0;
    palStatus_t status = pal_plat_storageRead(key, &probe, sizeof(probe), &actual);

    if (status == PAL_SUCCESS || status == PAL_ERR_BUFFER_TOO_SMALL) {
        *exists = true;
        return PAL_SUCCESS;
    }
    if (status == PAL_ERR_ITEM_NOT_EXIST) {
        *exists = false;
        return PAL_SUCCESS;
    }
    return status;
}

static palStatus_t pal_storageRbpReadLocked(const char *item_name, uint8_t *data, size_t data_size,
                                            size_t *data_actual_size)
{
    char key[PAL_STORAGE_KEY_SIZE];
    palStatus_t status;

    pal_storageMakeKey(key, g_prefixWriteOnce, item_name);
    status = pal_plat_storageRead(key, data, data_size, data_actual_size);
    if (status != PAL_ERR_ITEM_NOT_EXIST) {
        return status;
    }
    pal_storageMakeKey(key, g_prefixRewritable, item_name);
    return pal_plat_storageRead(key, data, data_size, data_actual_size);
}

static palStatus_t pal_storageRbpWriteLocked(const char *item_name, const uint8_t *data, size_t data_size,
                                             bool is_write_once)
{
    char once_key[PAL_STORAGE_KEY_SIZE];
    char rewritable_key[PAL_STORAGE_KEY_SIZE];
    bool locked = false;
    palStatus_t status;

    pal_storageMakeKey(once_key, g_prefixWriteOnce, item_name);
    pal_storageMakeKey(rewritable_key, g_prefixRewritable, item_name);
    status = pal_storageKeyExists(once_key, &locked);
    if (status != PAL_SUCCESS) {
        return status;
    }
    if (locked) {
        return PAL_ERR_ITEM_EXIST;
    }
    if (!is_write_once) {
        return pal_plat_storageWrite(rewritable_key, data, data_size);
    }
    status = pal_plat_storageWrite(once_key, data, data_size);
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_storageDelete(rewritable_key);
    return status == PAL_ERR_ITEM_NOT_EXIST ? PAL_SUCCESS : status;
}

palStatus_t storage_rbp_read(const char *item_name, uint8_t *data, size_t data_size, size_t *data_actual_size)
{
    palStatus_t status;

    if (!pal_storageIsValidName(item_name) || !pal_storageIsValidBuffer(data, data_size) ||
        data_actual_size == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_storageLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_storageRbpReadLocked(item_name, data, data_size, data_actual_size);
    return pal_storageUnlock(status);
}

palStatus_t storage_rbp_write(const char *item_name, const uint8_t *data, size_t data_size, bool is_write_once)
{
    palStatus_t status;

    if (!pal_storageIsValidName(item_name) || !pal_storageIsValidBuffer(data, data_size)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    status = pal_storageLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_storageRbpWriteLocked(item_name, data, data_size, is_write_once);
    return pal_storageUnlock(status);
}

palStatus_t pal_storageItemRead(const char *item_name, uint8_t *data, size_t data_size, size_t *data_actual_size)
{
    char key[PAL_STORAGE_KEY_SIZE];
    palStatus_t status;

    if (!pal_storageIsValidName(item_name) || !pal_storageIsValidBuffer(data, data_size) ||
        data_actual_size == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    pal_storageMakeKey(key, g_prefixConfig, item_name);
    status = pal_storageLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_storageRead(key, data, data_size, data_actual_size);
    return pal_storageUnlock(status);
}

palStatus_t pal_storageItemWrite(const char *item_name, const uint8_t *data, size_t data_size)
{
    char key[PAL_STORAGE_KEY_SIZE];
    palStatus_t status;

    if (!pal_storageIsValidName(item_name) || !pal_storageIsValidBuffer(data, data_size)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    pal_storageMakeKey(key, g_prefixConfig, item_name);
    status = pal_storageLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_storageWrite(key, data, data_size);
    return pal_storageUnlock(status);
}

palStatus_t pal_storageItemDelete(const char *item_name)
{
    char key[PAL_STORAGE_KEY_SIZE];
    palStatus_t status;

    if (!pal_storageIsValidName(item_name)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    pal_storageMakeKey(key, g_prefixConfig, item_name);
    status = pal_storageLock();
    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_storageDelete(key);
    return pal_storageUnlock(status);
}

palStatus_t pal_SSTReset(void)
{
    palStatus_t status = pal_storageLock();

    if (status != PAL_SUCCESS) {
        return status;
    }
    status = pal_plat_storageReset();
    return pal_storageUnlock(status);
}
