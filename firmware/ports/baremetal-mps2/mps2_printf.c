/* snprintf/vsnprintf for the bare-metal image. Debian's newlib is built without C99 printf
 * formats: "%zu" (used by Mbed TLS debug messages through MBEDTLS_PRINTF_SIZET) comes out as the
 * text "zu" and shifts every following argument, so a later "%s" would read a wrong pointer.
 * These definitions take precedence over the C library's (the port library is linked before it),
 * so Mbed TLS (mbedtls_snprintf/mbedtls_vsnprintf default to them), the PAL, the agent and the
 * suite all get C99 formats.
 *
 * mps2_printf() is Mbed TLS' mbedtls_printf (MBEDTLS_PLATFORM_PRINTF_MACRO in
 * mps2_mbedtls_user_config.h): the same formats, written to UART0, and no newlib vfprintf
 * (≈ 16 KB with its floating-point support) in the image.
 *
 * Supported: flags - 0 + space #, width and precision (also *), length hh h l ll z j t L,
 * conversions d i u o x X c s p % (no floating point: nothing on the device prints floats; an
 * %f/%e/%g/%a is emitted as "?" and consumes its double). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mps2_port.h"

typedef struct out {
    char *buf;
    size_t size;
    size_t len; /* characters the full output would have */
} out_t;

static void put_char(out_t *o, char c)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void put_repeat(out_t *o, char c, int count)
{
    while (count-- > 0) {
        put_char(o, c);
    }
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void put_integer(out_t *o, uintmax_t value, bool negative, unsigned base, bool upper, int flags,
                        int width, int precision)
{
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (!(value == 0 && precision == 0)) {
        do {
            digits[n++] = set[value % base];
            value /= base;
        } while (value != 0);
    }
    const char *prefix = "";
    if (negative) {
        prefix = "-";
    } else if (flags & F_PLUS) {
        prefix = "+";
    } else if (flags & F_SPACE) {
        prefix = " ";
    }
    if ((flags & F_ALT) && base == 16 && n > 0 && !(n == 1 && digits[0] == '0')) {
        prefix = upper ? "0X" : "0x";
    }
    int zeros = precision > n ? precision - n : 0;
    if ((flags & F_ALT) && base == 8 && zeros == 0 && (n == 0 || digits[n - 1] != '0')) {
        zeros = 1;
    }
    int prefix_len = (int)strlen(prefix);
    int pad = width - prefix_len - zeros - n;
    if ((flags & F_ZERO) && !(flags & F_LEFT) && precision < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(flags & F_LEFT)) {
        put_repeat(o, ' ', pad);
    }
    for (int i = 0; i < prefix_len; i++) {
        put_char(o, prefix[i]);
    }
    put_repeat(o, '0', zeros);
    while (n > 0) {
        put_char(o, digits[--n]);
    }
    if (flags & F_LEFT) {
        put_repeat(o, ' ', pad);
    }
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict format, va_list ap)
{
    out_t o = {buf, size, 0};
    va_list args;
    va_copy(args, ap);
    for (const char *p = format; *p != '\0'; p++) {
        if (*p != '%') {
            put_char(&o, *p);
            continue;
        }
        p++;
        int flags = 0;
        for (;; p++) {
            if (*p == '-') {
                flags |= F_LEFT;
            } else if (*p == '0') {
                flags |= F_ZERO;
            } else if (*p == '+') {
                flags |= F_PLUS;
            } else if (*p == ' ') {
                flags |= F_SPACE;
            } else if (*p == '#') {
                flags |= F_ALT;
            } else {
                break;
            }
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9') {
                width = width * 10 + (*p++ - '0');
            }
        }
        int precision = -1;
        if (*p == '.') {
            p++;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(args, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9') {
                    precision = precision * 10 + (*p++ - '0');
                }
            }
        }
        /* Length: 'H' = hh, 'h', 'l', 'L' = ll, 'z', 'j', 't'. */
        char length = 0;
        if (*p == 'h') {
            length = (p[1] == 'h') ? 'H' : 'h';
            p += (length == 'H') ? 2 : 1;
        } else if (*p == 'l') {
            length = (p[1] == 'l') ? 'L' : 'l';
            p += (length == 'L') ? 2 : 1;
        } else if (*p == 'z' || *p == 'j' || *p == 't' || *p == 'L') {
            length = (*p == 'L') ? 'D' : *p; /* 'D': long double (floating point only) */
            p++;
        }
        char conv = *p;
        if (conv == '\0') {
            break;
        }
        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (length) {
            case 'l': v = va_arg(args, long); break;
            case 'L': v = va_arg(args, long long); break;
            case 'z': v = (intmax_t)va_arg(args, ptrdiff_t); break; /* signed size_t */
            case 'j': v = va_arg(args, intmax_t); break;
            case 't': v = va_arg(args, ptrdiff_t); break;
            case 'H': v = (signed char)va_arg(args, int); break;
            case 'h': v = (short)va_arg(args, int); break;
            default: v = va_arg(args, int); break;
            }
            uintmax_t magnitude = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            put_integer(&o, magnitude, v < 0, 10, false, flags, width, precision);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uintmax_t v;
            switch (length) {
            case 'l': v = va_arg(args, unsigned long); break;
            case 'L': v = va_arg(args, unsigned long long); break;
            case 'z': v = va_arg(args, size_t); break;
            case 'j': v = va_arg(args, uintmax_t); break;
            case 't': v = (uintmax_t)va_arg(args, ptrdiff_t); break;
            case 'H': v = (unsigned char)va_arg(args, unsigned int); break;
            case 'h': v = (unsigned short)va_arg(args, unsigned int); break;
            default: v = va_arg(args, unsigned int); break;
            }
            unsigned base = conv == 'u' ? 10u : (conv == 'o' ? 8u : 16u);
            put_integer(&o, v, false, base, conv == 'X', flags & ~(F_PLUS | F_SPACE), width, precision);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(args, void *);
            put_integer(&o, v, false, 16, false, F_ALT | (flags & F_LEFT), width, -1);
            break;
        }
        case 'c': {
            char c = (char)va_arg(args, int);
            if (!(flags & F_LEFT)) {
                put_repeat(&o, ' ', width - 1);
            }
            put_char(&o, c);
            if (flags & F_LEFT) {
                put_repeat(&o, ' ', width - 1);
            }
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            int n = 0;
            while (s[n] != '\0' && (precision < 0 || n < precision)) {
                n++;
            }
            if (!(flags & F_LEFT)) {
                put_repeat(&o, ' ', width - n);
            }
            for (int i = 0; i < n; i++) {
                put_char(&o, s[i]);
            }
            if (flags & F_LEFT) {
                put_repeat(&o, ' ', width - n);
            }
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (length == 'D') {
                (void)va_arg(args, long double);
            } else {
                (void)va_arg(args, double);
            }
            put_char(&o, '?');
            break;
        case '%':
            put_char(&o, '%');
            break;
        default: /* unknown conversion: print it as is, consume nothing */
            put_char(&o, '%');
            put_char(&o, conv);
            break;
        }
    }
    va_end(args);
    if (size > 0) {
        buf[o.len < size ? o.len : size - 1] = '\0';
    }
    return o.len > INT32_MAX ? -1 : (int)o.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(buf, size, format, ap);
    va_end(ap);
    return n;
}

int mps2_printf(const char *restrict format, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(line, sizeof(line), format, ap);
    va_end(ap);
    if (n > 0) {
        (void)mps2_uart_write((const uint8_t *)line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    }
    return n;
}
