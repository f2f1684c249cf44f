/* paltls serial protocol v1: frame codec and TLV helpers. See docs/protocol.md. */
#include "agent_proto.h"

#include <string.h>

uint32_t ap_crc32(uint32_t crc, const uint8_t *data, size_t len)
{
    /* Reflected CRC-32 (IEEE 802.3), nibble table: small in flash, fast enough for a UART. */
    static const uint32_t table[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
        0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
    };
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ table[crc & 0x0Fu];
        crc = (crc >> 4) ^ table[crc & 0x0Fu];
    }
    return ~crc;
}

uint8_t ap_crc8(const uint8_t *data, size_t len)
{
    /* CRC-8, polynomial 0x07, initial value 0. */
    uint8_t crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (uint8_t)((crc & 0x80u) ? (((unsigned)crc << 1) ^ 0x07u) : ((unsigned)crc << 1));
        }
    }
    return crc;
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

uint32_t ap_read_le(const uint8_t *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n && i < 4; i++) {
        v |= (uint32_t)p[i] << (8 * i);
    }
    return v;
}

void ap_begin(ap_writer_t *w, uint8_t *frame_buf, size_t frame_size)
{
    size_t room = frame_size > AP_HEADER_SIZE + AP_TRAILER_SIZE ? frame_size - AP_HEADER_SIZE - AP_TRAILER_SIZE : 0;

    w->buf = frame_buf;
    w->capacity = room < AP_MAX_PAYLOAD ? room : AP_MAX_PAYLOAD;
    w->len = 0;
    w->overflow = frame_size < AP_HEADER_SIZE + AP_TRAILER_SIZE;
}

void ap_put(ap_writer_t *w, uint8_t tag, const void *value, size_t len)
{
    if (w->overflow || len > 0xFFFFu || len > w->capacity || w->len + 3u + len > w->capacity) {
        w->overflow = true;
        return;
    }
    uint8_t *p = w->buf + AP_HEADER_SIZE + w->len;
    p[0] = tag;
    put_le(p + 1, len, 2);
    if (len > 0) {
        memcpy(p + 3, value, len);
    }
    w->len += 3u + len;
}

void ap_put_str(ap_writer_t *w, uint8_t tag, const char *s)
{
    ap_put(w, tag, s ? s : "", s ? strlen(s) : 0);
}

void ap_put_u8(ap_writer_t *w, uint8_t tag, uint8_t v)
{
    ap_put(w, tag, &v, 1);
}

void ap_put_u16(ap_writer_t *w, uint8_t tag, uint16_t v)
{
    uint8_t b[2];
    put_le(b, v, 2);
    ap_put(w, tag, b, 2);
}

void ap_put_u32(ap_writer_t *w, uint8_t tag, uint32_t v)
{
    uint8_t b[4];
    put_le(b, v, 4);
    ap_put(w, tag, b, 4);
}

void ap_put_u64(ap_writer_t *w, uint8_t tag, uint64_t v)
{
    uint8_t b[8];
    put_le(b, v, 8);
    ap_put(w, tag, b, 8);
}

size_t ap_finish(ap_writer_t *w, uint8_t type, uint16_t seq)
{
    if (w->overflow) {
        return 0;
    }
    uint8_t *h = w->buf;
    h[0] = AP_SOF0;
    h[1] = AP_SOF1;
    h[2] = AP_VERSION;
    h[3] = type;
    put_le(h + 4, seq, 2);
    put_le(h + 6, w->len, 2);
    h[8] = ap_crc8(h + 2, 6);
    uint32_t crc = ap_crc32(0, h + 2, AP_HEADER_SIZE - 2 + w->len);
    put_le(h + AP_HEADER_SIZE + w->len, crc, 4);
    return AP_HEADER_SIZE + w->len + AP_TRAILER_SIZE;
}

void ap_parser_init(ap_parser_t *p)
{
    memset(p, 0, sizeof(*p));
}

static void drop(ap_parser_t *p, size_t n)
{
    if (n >= p->fill) {
        p->fill = 0;
        return;
    }
    memmove(p->buf, p->buf + n, p->fill - n);
    p->fill -= n;
}

size_t ap_parser_push(ap_parser_t *p, const uint8_t *data, size_t len)
{
    if (p->consumed) {
        drop(p, p->consumed);
        p->consumed = 0;
    }
    size_t room = sizeof(p->buf) - p->fill;
    size_t n = len < room ? len : room;
    memcpy(p->buf + p->fill, data, n);
    p->fill += n;
    return n;
}

bool ap_parser_next(ap_parser_t *p, ap_frame_t *frame)
{
    if (p->consumed) {
        drop(p, p->consumed);
        p->consumed = 0;
    }
    for (;;) {
        size_t skip = 0;
        while (skip < p->fill && p->buf[skip] != AP_SOF0) {
            skip++;
        }
        p->noise_bytes += (uint32_t)skip;
        drop(p, skip);
        if (p->fill < 2) {
            return false;
        }
        if (p->buf[1] != AP_SOF1) {
            p->noise_bytes++;
            drop(p, 1);
            continue;
        }
        if (p->fill < AP_HEADER_SIZE) {
            return false;
        }
        size_t len = ap_read_le(p->buf + 6, 2);
        if (p->buf[2] != AP_VERSION || len > AP_MAX_PAYLOAD || ap_crc8(p->buf + 2, 6) != p->buf[8]) {
            p->header_errors++;
            drop(p, 1);
            continue;
        }
        size_t total = AP_HEADER_SIZE + len + AP_TRAILER_SIZE;
        if (p->fill < total) {
            return false;
        }
        uint32_t crc = ap_crc32(0, p->buf + 2, AP_HEADER_SIZE - 2 + len);
        if (crc != ap_read_le(p->buf + AP_HEADER_SIZE + len, 4)) {
            /* Corrupted, or a frame cut short by a reboot: rescan from the next byte so a frame
             * that started inside this one is still found. */
            p->crc_errors++;
            drop(p, 1);
            continue;
        }
        frame->type = p->buf[3];
        frame->seq = (uint16_t)ap_read_le(p->buf + 4, 2);
        frame->payload = p->buf + AP_HEADER_SIZE;
        frame->len = len;
        p->consumed = total;
        return true;
    }
}

void ap_parser_give_up(ap_parser_t *p)
{
    if (p->consumed) {
        drop(p, p->consumed);
        p->consumed = 0;
    }
    if (p->fill > 0) {
        p->noise_bytes++;
        drop(p, 1);
    }
}

bool ap_next(const ap_frame_t *f, size_t *offset, ap_tlv_t *out)
{
    if (*offset + 3u > f->len) {
        return false;
    }
    const uint8_t *p = f->payload + *offset;
    size_t len = ap_read_le(p + 1, 2);
    if (*offset + 3u + len > f->len) {
        return false;
    }
    out->tag = p[0];
    out->value = p + 3;
    out->len = len;
    *offset += 3u + len;
    return true;
}

bool ap_find(const ap_frame_t *f, uint8_t tag, ap_tlv_t *out)
{
    size_t off = 0;
    ap_tlv_t t;
    while (ap_next(f, &off, &t)) {
        if (t.tag == tag) {
            *out = t;
            return true;
        }
    }
    return false;
}

bool ap_get_u32(const ap_frame_t *f, uint8_t tag, uint32_t *out)
{
    ap_tlv_t t;
    if (!ap_find(f, tag, &t) || t.len == 0 || t.len > 4) {
        return false;
    }
    *out = ap_read_le(t.value, t.len);
    return true;
}

bool ap_get_u64(const ap_frame_t *f, uint8_t tag, uint64_t *out)
{
    ap_tlv_t t;
    /* 8 bytes, or 1-4 zero-extended (docs/protocol.md section 3), as the host reads it: a 5-7
     * byte value is a damaged field, not a number. */
    if (!ap_find(f, tag, &t) || t.len == 0 || (t.len > 4 && t.len != 8)) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < t.len; i++) {
        v |= (uint64_t)t.value[i] << (8 * i);
    }
    *out = v;
    return true;
}

bool ap_get_str(const ap_frame_t *f, uint8_t tag, char *out, size_t size)
{
    ap_tlv_t t;
    if (size == 0 || !ap_find(f, tag, &t)) {
        return false;
    }
    size_t n = t.len < size - 1 ? t.len : size - 1;
    memcpy(out, t.value, n);
    out[n] = '\0';
    return true;
}
