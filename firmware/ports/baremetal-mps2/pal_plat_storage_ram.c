/* PAL storage port for the bare-metal image: a flat key/value store in a fixed RAM arena.
 * Records are packed back to back: [key length u8][value length u16le][key][value].
 * Contents are lost at reset (the emulated board has no flash to keep them in); the rollback
 * protection and write-once semantics on top are implemented by the PAL core. */
#include <string.h>

#include "pal_plat_storage.h"

#ifndef MPS2_STORAGE_ARENA_SIZE
#define MPS2_STORAGE_ARENA_SIZE (64u * 1024u)
#endif
#define RECORD_HEADER 3u
#define MAX_KEY_LENGTH 255u

static uint8_t s_arena[MPS2_STORAGE_ARENA_SIZE];
static size_t s_used;

static size_t record_size(const uint8_t *record)
{
    return RECORD_HEADER + record[0] + ((size_t)record[1] | ((size_t)record[2] << 8));
}

/* Offset of the record for key, or SIZE_MAX. */
static size_t find(const char *key, size_t key_length)
{
    size_t offset = 0;
    while (offset < s_used) {
        const uint8_t *record = &s_arena[offset];
        if (record[0] == key_length && memcmp(record + RECORD_HEADER, key, key_length) == 0) {
            return offset;
        }
        offset += record_size(record);
    }
    return SIZE_MAX;
}

static void remove_at(size_t offset)
{
    size_t size = record_size(&s_arena[offset]);
    memmove(&s_arena[offset], &s_arena[offset + size], s_used - offset - size);
    s_used -= size;
    memset(&s_arena[s_used], 0, size);
}

static bool valid_key(const char *key, size_t *length)
{
    if (key == NULL) {
        return false;
    }
    *length = strlen(key);
    return *length > 0 && *length <= MAX_KEY_LENGTH;
}

palStatus_t pal_plat_storageInit(void)
{
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageRead(const char *key, uint8_t *data, size_t data_size, size_t *actual_size)
{
    size_t key_length;
    if (!valid_key(key, &key_length) || actual_size == NULL || (data == NULL && data_size != 0)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    size_t offset = find(key, key_length);
    if (offset == SIZE_MAX) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    const uint8_t *record = &s_arena[offset];
    size_t value_length = (size_t)record[1] | ((size_t)record[2] << 8);
    *actual_size = value_length;
    if (data_size < value_length) {
        return PAL_ERR_BUFFER_TOO_SMALL;
    }
    if (value_length != 0) {
        memcpy(data, record + RECORD_HEADER + key_length, value_length);
    }
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageWrite(const char *key, const uint8_t *data, size_t data_size)
{
    size_t key_length;
    if (!valid_key(key, &key_length) || (data == NULL && data_size != 0) || data_size > 0xFFFFu) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    size_t needed = RECORD_HEADER + key_length + data_size;
    size_t offset = find(key, key_length);
    size_t reclaimed = offset == SIZE_MAX ? 0 : record_size(&s_arena[offset]);
    if (s_used - reclaimed + needed > sizeof(s_arena)) {
        return PAL_ERR_SST_WRITE_FAILED; /* arena full: the old value stays */
    }
    if (offset != SIZE_MAX) {
        remove_at(offset);
    }
    uint8_t *record = &s_arena[s_used];
    record[0] = (uint8_t)key_length;
    record[1] = (uint8_t)(data_size & 0xFFu);
    record[2] = (uint8_t)(data_size >> 8);
    memcpy(record + RECORD_HEADER, key, key_length);
    if (data_size != 0) {
        memcpy(record + RECORD_HEADER + key_length, data, data_size);
    }
    s_used += needed;
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageDelete(const char *key)
{
    size_t key_length;
    if (!valid_key(key, &key_length)) {
        return PAL_ERR_INVALID_ARGUMENT;
    }
    size_t offset = find(key, key_length);
    if (offset == SIZE_MAX) {
        return PAL_ERR_ITEM_NOT_EXIST;
    }
    remove_at(offset);
    return PAL_SUCCESS;
}

palStatus_t pal_plat_storageReset(void)
{
    memset(s_arena, 0, s_used);
    s_used = 0;
    return PAL_SUCCESS;
}
