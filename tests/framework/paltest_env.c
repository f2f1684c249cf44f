#include <string.h>

#include "paltest_env.h"

typedef struct env_entry {
    char key[PALTEST_ENV_KEY_SIZE];
    size_t offset;
    size_t length;
} env_entry_t;

static uint8_t g_arena[PALTEST_ENV_ARENA_SIZE];
static size_t g_arena_used;
static env_entry_t g_entries[PALTEST_ENV_MAX_KEYS];
static size_t g_entry_count;

static env_entry_t *find_entry(const char *key)
{
    size_t i;

    for (i = 0; i < g_entry_count; i++) {
        if (strcmp(g_entries[i].key, key) == 0) {
            return &g_entries[i];
        }
    }
    return NULL;
}

/* Replacing a value leaves its old bytes in the arena; the environment is set once per run, so
 * compaction is not worth its code. */
bool paltest_env_set(const char *key, const void *value, size_t length)
{
    env_entry_t *entry;

    if (key == NULL || strlen(key) >= PALTEST_ENV_KEY_SIZE || (value == NULL && length != 0) ||
        length + 1 > PALTEST_ENV_ARENA_SIZE - g_arena_used) {
        return false;
    }
    entry = find_entry(key);
    if (entry == NULL) {
        if (g_entry_count == PALTEST_ENV_MAX_KEYS) {
            return false;
        }
        entry = &g_entries[g_entry_count++];
        strcpy(entry->key, key);
    }
    if (length != 0) {
        memcpy(&g_arena[g_arena_used], value, length);
    }
    g_arena[g_arena_used + length] = 0;
    entry->offset = g_arena_used;
    entry->length = length;
    g_arena_used += length + 1;
    return true;
}

const uint8_t *paltest_env_get(const char *key, size_t *length)
{
    const env_entry_t *entry = find_entry(key);

    if (entry == NULL) {
        if (length != NULL) {
            *length = 0;
        }
        return NULL;
    }
    if (length != NULL) {
        *length = entry->length;
    }
    return &g_arena[entry->offset];
}

const char *paltest_env_string(const char *key)
{
    return (const char *)paltest_env_get(key, NULL);
}

uint64_t paltest_env_number(const char *key, uint64_t fallback)
{
    const char *text = paltest_env_string(key);
    uint64_t value = 0;

    if (text == NULL || *text == '\0') {
        return fallback;
    }
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9') {
            return fallback;
        }
        value = value * 10u + (uint64_t)(*text - '0');
    }
    return value;
}

void paltest_env_clear(void)
{
    g_arena_used = 0;
    g_entry_count = 0;
}
