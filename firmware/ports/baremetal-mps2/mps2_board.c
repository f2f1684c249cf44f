/* Board identity for the mps2-an385 image: the build id comes from the GNU build-id note the
 * linker stores in the image (a SHA-1 of the linked code and data), so it changes exactly when
 * the image does. */
#include <stdint.h>

#include "mps2_port.h"

extern const uint8_t __build_id_start[], __build_id_end[];

const char *mps2_build_id(void)
{
    static char text[17];
    if (text[0] != '\0') {
        return text;
    }
    /* ELF note: namesz, descsz, type (u32 each), name ("GNU\0"), descriptor. */
    const uint8_t *note = __build_id_start;
    if (__build_id_end - __build_id_start < 16) {
        return "unknown";
    }
    uint32_t namesz = (uint32_t)note[0] | ((uint32_t)note[1] << 8) | ((uint32_t)note[2] << 16) |
                      ((uint32_t)note[3] << 24);
    uint32_t descsz = (uint32_t)note[4] | ((uint32_t)note[5] << 8) | ((uint32_t)note[6] << 16) |
                      ((uint32_t)note[7] << 24);
    const uint8_t *desc = note + 12 + ((namesz + 3u) & ~3u);
    static const char hex[] = "0123456789abcdef";
    size_t n = descsz < 8u ? descsz : 8u;
    if (desc + n > __build_id_end) {
        return "unknown";
    }
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = hex[desc[i] >> 4];
        text[2 * i + 1] = hex[desc[i] & 0x0Fu];
    }
    text[2 * n] = '\0';
    return text;
}
