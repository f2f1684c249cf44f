/* posix port, persistent storage: a fixed table of key/value items in RAM, optionally mirrored to
 * the file named by the environment variable PALTLS_STORAGE_FILE (read once at init, rewritten
 * atomically - temporary file, fsync, rename - after every change). Without the variable the
 * content lives as long as the process, which is what the native tests want: pal_destroy() and
 * pal_init() behave like a reboot that keeps flash.
 *
 * A change is only kept in RAM when the file write succeeded, so RAM and file never disagree.
 *
 * File format: "PALSTOR1", then per item: key length (2 bytes LE), key, value length (4 bytes
 * LE), value. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pal_plat_storage.h"
#include "pal_storage.h"
#include "posix_port.h"

#define POSIX_STORAGE_MAX_ITEMS 64u
#define POSIX_STORAGE_KEY_SIZE 80u /* including the NUL; PAL keys are a prefix + up to 64 chars */
#define POSIX_STORAGE_MAX_VALUE_SIZE PAL_STORAGE_MAX_ITEM_SIZE
#define POSIX_STORAGE_PATH_SIZE 4096u
#define POSIX_STORAGE_TEMP_SUFFIX ".tmp"

static const char g_fileMagic[8] = { 'P', 'A', 'L', 'S', 'T', 'O', 'R', '1' };

typedef struct posix_item {
    bool used;
    char key[POSIX_STORAGE_KEY_SIZE];
    uint8_t *value;
    size_t size;
} posix_item_t;

static pthread_mutex_t g_storageLock = PTHREAD_MUTEX_INITIALIZER;
static posix_item_t g_items[POSIX_STORAGE_MAX_ITEMS];
/* Reset keeps the old table here until the file write succeeded. */
static posix_item_t g_resetBackup[POSIX_STORAGE_MAX_ITEMS];
static bool g_loaded = false;
static char g_path[POSIX_STORAGE_PATH_SIZE]; /* empty: RAM only */

static void posix_storageLock(void)
{
    posix_mustSucceed(pthread_mutex_lock(&g_storageLock), "storage lock");
}

static void posix_storageUnlock(void)
{
    posix_mustSucceed(pthread_mutex_unlock(&g_storageLock), "storage unlock");
}

static bool posix_isValidKey(const char *key)
{
    size_t length = strlen(key);

    return length > 0 && length < POSIX_STORAGE_KEY_SIZE;
}

static posix_item_t *posix_findItem(const char *key)
{
    size_t i;

    for (i = 0; i < POSIX_STORAGE_MAX_ITEMS; i++) {
        if (g_items[i].used && strcmp(g_items[i].key, key) == 0) {
            return &g_items[i];
        }
    }
    return NULL;
}

static posix_item_t *posix_findFreeItem(void)
{
    size_t i;

    for (i = 0; i < POSIX_STORAGE_MAX_ITEMS; i++) {
        if (!g_items[i].used) {
            return &g_items[i];
        }
    }
    return NULL;
}

static void posix_freeItems(posix_item_t *items)
{
    size_t i;

    for (i = 0; i < POSIX_STORAGE_MAX_ITEMS; i++) {
        if (items[i].used) {
            free(items[i].value);
        }
        memset(&items[i], 0, sizeof(items[i]));
    }
}

static bool posix_writeAll(FILE *file, const void *data, size_t size)
{
    return fwrite(data, 1, size, file) == size;
}

static bool posix_writeItem(FILE *file, const posix_item_t *item)
{
    size_t key_length = strlen(item->key);
    uint8_t key_header[2];
    uint8_t value_header[4];

    key_header[0] = (uint8_t)(key_length & 0xFFu);
    key_header[1] = (uint8_t)(key_length >> 8);
    value_header[0] = (uint8_t)(item->size & 0xFFu);
    value_header[1] = (uint8_t)((item->size >> 8) & 0xFFu);
    value_header[2] = (uint8_t)((item->size >> 16) & 0xFFu);
    value_header[3] = (uint8_t)((item->size >> 24) & 0xFFu);
    return posix_writeAll(file, key_header, sizeof(key_header)) && posix_writeAll(file, item->key, key_length) &&
           posix_writeAll(file, value_header, sizeof(value_header)) && posix_writeAll(file, item->value, item->size);
}

static bool posix_writeTable(FILE *file)
{
    size_t i;

    if (!posix_writeAll(file, g_fileMagic, sizeof(g_fileMagic))) {
        return false;
    }
    for (i = 0; i < POSIX_STORAGE_MAX_ITEMS; i++) {
        if (g_items[i].used && !posix_writeItem(file, &g_items[i])) {
            return false;
        }
    }
    return fflush(file) == 0 && fsync(fileno(file)) == 0;
}

/* Writes the current table; the old file stays in place until the new one is complete. */
static palStatus_t posix_saveLocked(void)
{
    char temp_path[POSIX_STORAGE_PATH_SIZE + sizeof(POSIX_STORAGE_TEMP_SUFFIX)];
    FILE *file;
    bool written;

    if (g_path[0] == '\0') {
        return PAL_SUCCESS;
    }
    strcpy(temp_path, g_path);
    strcat(temp_path, POSIX_STORAGE_TEMP_SUFFIX);
    file = fopen(temp_path, "wb");
    if (file == NULL) {
        return PAL_ERR_SST_WRITE_FAILED;
    }
    written = posix_writeTable(file);
    if (fclose(file) != 0 || !written || rename(temp_path, g_path) != 0) {
        (void)remove(temp_path); /* best effort: a stale temporary file is never read */
        return PAL_ERR_SST_WRITE_FAILED;
    }
    return PAL_SUCCESS;
}

static bool posix_readAll(FILE *file, void *data, size_t size)
{
    return fread(data, 1, size, file) == size;
}

/* Reads one item; *end is set at a clean end of file. */
static palStatus_t posix_loadItem(FILE *file, posix_item_t *item, bool *end)
{
    uint8_t key_header[2];
    uint8_t value_header[4];
    size_t key_length;

    *end = false;
    if (!posix_readAll(file, key_header, sizeof(key_header))) {
        *end = feof(file) != 0 && !ferror(file);
        return *end ? PAL_SUCCESS : PAL_ERR_SST_READ_FAILED;
    }
    key_length = (size_t)key_header[0] | ((size_t)key_header[1] << 8);
    if (key_length == 0 || key_length >= POSIX_STORAGE_KEY_SIZE || !posix_readAll(file, item->key, key_length) ||
        !posix_readAll(file, value_header, sizeof(value_header))) {
        return PAL_ERR_SST_READ_FAILED;
    }
    item->key[key_length] = '\0';
    item->size = (size_t)value_header[0] | ((size_t)value_header[1] << 8) | ((size_t)value_header[2] << 16) |
                 ((size_t)value_header[3] << 24);
    if (item->size == 0 || item->size > POSIX_STORAGE_MAX_VALUE_SIZE) {
        return PAL_ERR_SST_READ_FAILED;
    }
    item->value = (uint8_t *)malloc(item->size);
    if (item->value == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    item->used = true;
    if (!posix_readAll(file, item->value, item->size)) {
        return PAL_ERR_SST_READ_FAILED;
    }
    return PAL_SUCCESS;
}

static palStatus_t posix_loadTable(FILE *file)
{
    char magic[sizeof(g_fileMagic)];
    size_t i;

    if (!posix_readAll(file, magic, sizeof(magic)) || memcmp(magic, g_fileMagic, sizeof(magic)) != 0) {
        return PAL_ERR_SST_READ_FAILED;
    }
    for (i = 0; i < POSIX_STORAGE_MAX_ITEMS; i++) {
        bool end = false;
        palStatus_t status = posix_loadItem(file, &g_items[i], &end);

        if (status != PAL_SUCCESS || end) {
            return status;
        }
    }
    /* Anything after a full table was not written by this port. */
    return fgetc(file) == EOF ? PAL_SUCCESS : PAL_ERR_SST_READ_FAILED;
}

/* A missing file is an empty store; a damaged one is reported rather than silently dropped. */
static palStatus_t posix_loadLocked(void)
{
    palStatus_t status;
    FILE *file = fopen(g_path, "rb");

    if (file == NULL) {
        return errno == ENOENT ? PAL_SUCCESS : PAL_ERR_SST_READ_FAILED;
    }
    status = posix_loadTable(file);
    if (fclose(file) != 0 && status == PAL_SUCCESS) {
        status = PAL_ERR_SST_READ_FAILED;
    }
    if (status != PAL_SUCCESS) {
        posix_freeItems(g_items);
    }
    return status;
}

static palStatus_t posix_initLocked(void)
{
    const char *path = getenv("PALTLS_STORAGE_FILE");
    palStatus_t status;

    if (g_loaded) {
        return PAL_SUCCESS;
    }
    g_path[0] = '\0';
    if (path != NULL && path[0] != '\0') {
        if (strlen(path) >= sizeof(g_path)) {
            return PAL_ERR_INVALID_ARGUMENT;
        }
        strcpy(g_path, path);
        status = posix_loadLocked();
        if (status != PAL_SUCCESS) {
            return status;
        }
    }
    g_loaded = true;
    return PAL_SUCCESS;
}

/* Storage models flash: loaded once per process, kept across pal_destroy()/pal_init(). */
palStatus_t pal_plat_storageInit(void)
{
    palStatus_t status;

    posix_storageLock();
    status = posix_initLocked();
    posix_storageUnlock();
    return status;
}

static palStatus_t posix_readLocked(const char *key, uint8_t *data, size_t data_size, size_t *actual_size)
{
    const posix_item_t *item = posix_findItem(key);

    if (item == NULL) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    *actual_size = item->size;
    if (item->size > data_size) {
        return PAL_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(data, item->value, item->size);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageRead(const char *key, uint8_t *data, size_t data_size, size_t *actual_size)
{
    palStatus_t status;

    if (key == NULL || !posix_isValidKey(key) || data == NULL || actual_size == NULL) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    posix_storageLock();
    status = g_loaded ? posix_readLocked(key, data, data_size, actual_size) : PAL_ERR_SST_NOT_READY;
    posix_storageUnlock();
    return status;
}

/* value is consumed: kept in the table on success, freed on failure. */
static palStatus_t posix_replaceLocked(posix_item_t *item, uint8_t *value, size_t size)
{
    uint8_t *old_value = item->value;
    size_t old_size = item->size;
    palStatus_t status;

    item->value = value;
    item->size = size;
    status = posix_saveLocked();
    if (status != PAL_SUCCESS) {
        item->value = old_value;
        item->size = old_size;
        free(value);
        return status;
    }
    free(old_value);
    return PAL_SUCCESS;
}

/* value is consumed: kept in the table on success, freed on failure. */
static palStatus_t posix_addLocked(const char *key, uint8_t *value, size_t size)
{
    palStatus_t status;
    posix_item_t *item = posix_findFreeItem();

    if (item == NULL) {
        free(value);
        return PAL_ERR_NO_MEMORY;
    }
    strcpy(item->key, key);
    item->value = value;
    item->size = size;
    item->used = true;
    status = posix_saveLocked();
    if (status != PAL_SUCCESS) {
        free(value);
        memset(item, 0, sizeof(*item));
    }
    return status;
}

static palStatus_t posix_writeLocked(const char *key, const uint8_t *data, size_t data_size)
{
    posix_item_t *item = posix_findItem(key);
    uint8_t *value = (uint8_t *)malloc(data_size);

    if (value == NULL) {
        return PAL_ERR_NO_MEMORY;
    }
    memcpy(value, data, data_size);
    if (item != NULL) {
        return posix_replaceLocked(item, value, data_size);
    }
    return posix_addLocked(key, value, data_size);
}

palStatus_t pal_plat_storageWrite(const char *key, const uint8_t *data, size_t data_size)
{
    palStatus_t status;

    if (key == NULL || !posix_isValidKey(key) || data == NULL || data_size == 0 ||
        data_size > POSIX_STORAGE_MAX_VALUE_SIZE) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    posix_storageLock();
    status = g_loaded ? posix_writeLocked(key, data, data_size) : PAL_ERR_SST_NOT_READY;
    posix_storageUnlock();
    return status;
}

static palStatus_t posix_deleteLocked(const char *key)
{
    posix_item_t removed;
    palStatus_t status;
    posix_item_t *item = posix_findItem(key);

    if (item == NULL) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    removed = *item;
    item->used = false;
    status = posix_saveLocked();
    if (status != PAL_SUCCESS) {
        *item = removed;
        return status;
    }
    free(removed.value);
    memset(item, 0, sizeof(*item));
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageDelete(const char *key)
{
    palStatus_t status;

    if (key == NULL || !posix_isValidKey(key)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    posix_storageLock();
    status = g_loaded ? posix_deleteLocked(key) : PAL_ERR_SST_NOT_READY;
    posix_storageUnlock();
    return status;
}

static palStatus_t posix_resetLocked(void)
{
    palStatus_t status;

    memcpy(g_resetBackup, g_items, sizeof(g_items));
    memset(g_items, 0, sizeof(g_items));
    status = posix_saveLocked();
    if (status != PAL_SUCCESS) {
        memcpy(g_items, g_resetBackup, sizeof(g_items));
        return status;
    }
    posix_freeItems(g_resetBackup);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageReset(void)
{
    palStatus_t status;

    posix_storageLock();
    status = g_loaded ? posix_resetLocked() : PAL_ERR_SST_NOT_READY;
    posix_storageUnlock();
    return status;
}
