/* Zephyr port, PAL storage over the settings subsystem (NVS or ZMS backend on the board's
 * settings partition: DT chosen zephyr,settings-partition, else storage_partition). Compiled
 * with CONFIG_PALTLS_STORAGE_SETTINGS; QEMU targets use the RAM store instead.
 *
 * Every item lives under the "pt/" subtree. Its settings value is one marker byte followed by the
 * data, because the settings backends treat a zero-length value as a delete and PAL items may be
 * empty. Names: the PAL key with '/', '=' and '%' escaped as %XX; keys whose name would not fit
 * SETTINGS_MAX_NAME_LEN use "#" and a 64-bit FNV-1a hash of the key instead. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/settings/settings.h>

#include "pal_plat_storage.h"

#define ZSTORE_SUBTREE "pt"
#define ZSTORE_MARKER 0xA5u
#define ZSTORE_NAME_SIZE 64u /* including the subtree and the terminator; SETTINGS_MAX_NAME_LEN is 64 */
#define ZSTORE_MAX_VALUE 4096u
#define ZSTORE_RESET_BATCH 16u

static K_MUTEX_DEFINE(s_store_lock);
static uint8_t s_value[ZSTORE_MAX_VALUE + 1u]; /* guarded by s_store_lock */
static bool s_ready;

static uint64_t zstore_hash(const char *key)
{
    uint64_t hash = 0xcbf29ce484222325ull;

    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
        hash ^= *p;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

static void zstore_name(const char *key, char name[ZSTORE_NAME_SIZE])
{
    size_t used = (size_t)snprintf(name, ZSTORE_NAME_SIZE, "%s/", ZSTORE_SUBTREE);

    for (const char *p = key; *p != '\0'; p++) {
        bool escape = (*p == '/' || *p == '=' || *p == '%' || (unsigned char)*p < 0x21u || (unsigned char)*p > 0x7eu);
        size_t need = escape ? 3u : 1u;

        if (used + need >= ZSTORE_NAME_SIZE) {
            (void)snprintf(name, ZSTORE_NAME_SIZE, "%s/#%016llx", ZSTORE_SUBTREE,
                           (unsigned long long)zstore_hash(key));
            return;
        }
        if (escape) {
            (void)snprintf(&name[used], 4, "%%%02X", (unsigned)(unsigned char)*p);
        } else {
            name[used] = *p;
            name[used + 1u] = '\0';
        }
        used += need;
    }
}

typedef struct zstore_read {
    uint8_t *buffer;
    size_t capacity;
    ssize_t length; /* stored length (marker included), -1 if absent */
    int error;
} zstore_read_t;

/* key is what follows the subtree we asked for: NULL or "" for the item itself. */
static int zstore_read_cb(const char *key, size_t len, settings_read_cb read_cb, void *cb_arg, void *param)
{
    zstore_read_t *read = (zstore_read_t *)param;
    ssize_t got;

    if (key != NULL && key[0] != '\0') {
        return 0;
    }
    read->length = (ssize_t)len;
    if (len > read->capacity) {
        return 1; /* too large for the buffer: the caller reports the size */
    }
    got = read_cb(cb_arg, read->buffer, len);
    if (got != (ssize_t)len) {
        read->error = -EIO;
    }
    return 1; /* stop: found */
}

static palStatus_t zstore_load(const char *name, zstore_read_t *read)
{
    read->buffer = s_value;
    read->capacity = sizeof(s_value);
    read->length = -1;
    read->error = 0;
    /* settings_load_subtree_direct() always returns 0 (subsys/settings/src/settings_store.c):
     * a failing backend is only seen through the read callback, as read->error. */
    (void)settings_load_subtree_direct(name, zstore_read_cb, read);
    if (read->error != 0) {
        return PAL_ERR_SYSCALL_FAILED;
    }
    if (read->length < 0) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    if (read->length < 1 || (size_t)read->length > read->capacity || s_value[0] != ZSTORE_MARKER) {
        return PAL_ERR_SYSCALL_FAILED; /* not written by this port, or larger than any PAL item */
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageInit(void)
{
    k_mutex_lock(&s_store_lock, K_FOREVER);
    if (!s_ready) {
        /* Mounts the backend on the settings partition. */
        s_ready = settings_subsys_init() == 0;
    }
    k_mutex_unlock(&s_store_lock);
    return s_ready ? PAL_SUCCESS : PAL_ERR_NOT_INITIALIZED;
}

palStatus_t pal_plat_storageRead(const char *key, uint8_t *data, size_t data_size, size_t *actual_size)
{
    char name[ZSTORE_NAME_SIZE];
    zstore_read_t read;
    palStatus_t status;
    size_t length;

    zstore_name(key, name);
    k_mutex_lock(&s_store_lock, K_FOREVER);
    status = zstore_load(name, &read);
    if (status == PAL_SUCCESS) {
        length = (size_t)read.length - 1u;
        *actual_size = length;
        if (length > data_size) {
            status = PAL_ERR_BUFFER_TOO_SMALL;
        } else if (length > 0u) {
            memcpy(data, &s_value[1], length);
        }
    }
    k_mutex_unlock(&s_store_lock);
    return status;
}

palStatus_t pal_plat_storageWrite(const char *key, const uint8_t *data, size_t data_size)
{
    char name[ZSTORE_NAME_SIZE];
    int err;

    if (data_size > ZSTORE_MAX_VALUE) {
        return PAL_ERR_BUFFER_TOO_SMALL;
    }
    zstore_name(key, name);
    k_mutex_lock(&s_store_lock, K_FOREVER);
    s_value[0] = ZSTORE_MARKER;
    if (data_size > 0u) {
        memcpy(&s_value[1], data, data_size);
    }
    err = settings_save_one(name, s_value, data_size + 1u);
    k_mutex_unlock(&s_store_lock);
    if (err == -ENOSPC) {
        return PAL_ERR_NO_MEMORY;
    }
    return err == 0 ? PAL_SUCCESS : PAL_ERR_SYSCALL_FAILED;
}

palStatus_t pal_plat_storageDelete(const char *key)
{
    char name[ZSTORE_NAME_SIZE];
    zstore_read_t read;
    palStatus_t status;

    zstore_name(key, name);
    k_mutex_lock(&s_store_lock, K_FOREVER);
    status = zstore_load(name, &read);
    if (status == PAL_SUCCESS || status == PAL_ERR_SYSCALL_FAILED) {
        status = settings_delete(name) == 0 ? PAL_SUCCESS : PAL_ERR_SYSCALL_FAILED;
    }
    k_mutex_unlock(&s_store_lock);
    return status;
}

typedef struct zstore_list {
    char names[ZSTORE_RESET_BATCH][ZSTORE_NAME_SIZE];
    size_t count;
} zstore_list_t;

static int zstore_list_cb(const char *key, size_t len, settings_read_cb read_cb, void *cb_arg, void *param)
{
    zstore_list_t *list = (zstore_list_t *)param;

    (void)len;
    (void)read_cb;
    (void)cb_arg;
    if (key == NULL || key[0] == '\0') {
        return 0;
    }
    (void)snprintf(list->names[list->count], ZSTORE_NAME_SIZE, "%s/%s", ZSTORE_SUBTREE, key);
    list->count++;
    return list->count == ZSTORE_RESET_BATCH ? 1 : 0;
}

/* Deletes every item in batches (the settings backends must not be written from inside a load
 * callback). */
palStatus_t pal_plat_storageReset(void)
{
    static zstore_list_t list; /* guarded by s_store_lock */
    palStatus_t status = PAL_SUCCESS;

    k_mutex_lock(&s_store_lock, K_FOREVER);
    do {
        list.count = 0;
        (void)settings_load_subtree_direct(ZSTORE_SUBTREE, zstore_list_cb, &list); /* always 0 */
        for (size_t i = 0; i < list.count; i++) {
            if (settings_delete(list.names[i]) != 0) {
                status = PAL_ERR_SYSCALL_FAILED;
            }
        }
    } while (list.count == ZSTORE_RESET_BATCH && status == PAL_SUCCESS);
    k_mutex_unlock(&s_store_lock);
    return status;
}
