/* Test environment handed to the device by whoever runs it (native main, or the host through the
 * agent protocol): peer address and ports, PKI material, seeds. Values are opaque byte strings
 * kept in a fixed arena (no heap).
 *
 * Keys used by the suite:
 *   peer.host              numeric IP of the peer, e.g. "127.0.0.1"
 *   peer.port.<profile>    decimal port; one port number serves TLS/TCP and DTLS/UDP
 *                          (profiles: default, expired, future, unrelated, badku, silent)
 *   pki.<name>             DER objects: ca, device_cert, device_key, unrelated_ca
 *   host.time              decimal UNIX time of the host when the run started
 *   tls.psk                optional: PSK bytes used instead of the suite's test PSK (a PSK
 *                          mismatch on purpose, e.g. `paltls test --env tls.psk=wrong`)
 */
#ifndef PALTEST_ENV_H
#define PALTEST_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PALTEST_ENV_ARENA_SIZE 12288u
#define PALTEST_ENV_MAX_KEYS 32u
#define PALTEST_ENV_KEY_SIZE 32u

/* Copies the value (a NUL is appended so string values can be read in place). False when the
 * arena or the key table is full or the key is too long. Setting a key again replaces it. */
bool paltest_env_set(const char *key, const void *value, size_t length);
const uint8_t *paltest_env_get(const char *key, size_t *length);
const char *paltest_env_string(const char *key);
/* Decimal value of a key, or fallback if absent or not a number. */
uint64_t paltest_env_number(const char *key, uint64_t fallback);
void paltest_env_clear(void);

#endif
