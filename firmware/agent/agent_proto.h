/* paltls serial protocol v1: frame codec and TLV payload helpers (docs/protocol.md).
 * Pure C99, no allocation, no OS: shared by the agent, the socket bridge and any port.
 * Incoming bytes that are not part of a valid frame are dropped (the host side shows them as
 * device log text; the device has nothing to log them to). */
#ifndef PALTLS_AGENT_PROTO_H
#define PALTLS_AGENT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AP_VERSION 1u
#define AP_SOF0 0x02u /* STX */
#define AP_SOF1 0xB5u /* never follows STX in log text (not a UTF-8 lead byte) */
#define AP_HEADER_SIZE 9u
#define AP_TRAILER_SIZE 4u
#ifndef AP_MAX_PAYLOAD
#define AP_MAX_PAYLOAD 4096u
#endif
#define AP_MAX_FRAME (AP_HEADER_SIZE + AP_MAX_PAYLOAD + AP_TRAILER_SIZE)

/* Message types. Host -> device 0x01..0x4F, device -> host 0x80..0xCF. */
enum {
    AP_HELLO = 0x01,
    AP_LIST = 0x02,
    AP_ENV_SET = 0x03,
    AP_ENV_CLEAR = 0x04,
    AP_RUN = 0x05,
    AP_HANDSHAKE = 0x06,
    AP_PING = 0x07,
    AP_NET_RSP = 0x40,
    AP_NET_EVENT = 0x41,

    AP_BOOT = 0x80,
    AP_HELLO_ACK = 0x81,
    AP_CASE_INFO = 0x82,
    AP_LIST_END = 0x83,
    AP_ACK = 0x84,
    AP_CASE_START = 0x85,
    AP_CASE_RESULT = 0x86,
    AP_HANDSHAKE_RESULT = 0x87,
    AP_PONG = 0x88,
    AP_FAULT = 0x8E,
    AP_ERROR = 0x8F,
    AP_NET_REQ = 0xC0,
};

/* TLV tags (payload = sequence of tag:u8, length:u16le, value). */
enum {
    AT_NONCE = 0x01,        /* bytes */
    AT_PROTO = 0x02,        /* u8 */
    AT_BOARD = 0x03,        /* string */
    AT_BUILD = 0x04,        /* string */
    AT_MBEDTLS = 0x05,      /* string */
    AT_CAPS = 0x06,         /* u32 */
    AT_ENTROPY_TEST = 0x07, /* u8 */
    AT_COUNT = 0x08,        /* u32 */
    AT_MANIFEST_CRC = 0x09, /* u32 */
    AT_INDEX = 0x0A,        /* u32 */
    AT_NAME = 0x0B,         /* string */
    AT_NEEDS = 0x0C,        /* u32 */
    AT_KEY = 0x0D,          /* string */
    AT_VALUE = 0x0E,        /* bytes */
    AT_STATUS = 0x0F,       /* i32 (PAL status or paltest status, per message) */
    AT_MESSAGE = 0x10,      /* string */
    AT_DURATION = 0x11,     /* u32, milliseconds */
    AT_METRIC_NAME = 0x12,  /* string; followed by AT_METRIC_VALUE */
    AT_METRIC_VALUE = 0x13, /* i64 */
    AT_TRANSPORT = 0x14,    /* u8: 0 TLS/TCP, 1 DTLS/UDP */
    AT_HOST = 0x15,         /* string */
    AT_PORT = 0x16,         /* u16 */
    AT_SUITE = 0x17,        /* string */
    AT_CA = 0x18,           /* bytes (DER) */
    AT_CERT = 0x19,         /* bytes (DER) */
    AT_PKEY = 0x1A,         /* bytes (DER) */
    AT_PSK_ID = 0x1B,       /* bytes */
    AT_PSK = 0x1C,          /* bytes */
    AT_AUTH = 0x1D,         /* u8: 0 none, 1 optional, 2 required */
    AT_TIME = 0x1E,         /* u64 UNIX seconds */
    AT_STATUS_NAME = 0x1F,  /* string */
    AT_VERIFY = 0x20,       /* i32 */
    AT_SERVER_TIME = 0x21,  /* u64 */
    AT_STAGE = 0x22,        /* string */
    AT_VERIFIED = 0x23,     /* u8: 1 the peer certificate was verified (VERIFY describes it) */
    AT_OFFERED = 0x24,      /* string: suites the device offered, IANA-style, comma-separated */
    AT_ALERT = 0x25,        /* u8: description of the fatal alert the peer sent */
    AT_VERSION = 0x26,      /* string: protocol version offered ("TLS 1.2", "DTLS 1.2") */
    AT_TIME_VERDICT = 0x27, /* u8: ServerHello time 0 unjudged (no certificate), 1 inside, 2 outside its validity */
    AT_TIME_BEFORE = 0x28,  /* u64: device time when the handshake started */
    AT_OP = 0x30,           /* u8 socket-bridge operation */
    AT_SOCK = 0x31,         /* u32 bridge socket id */
    AT_DOMAIN = 0x32,       /* u8 palSocketDomain_t */
    AT_SOCKTYPE = 0x33,     /* u8 palSocketType_t */
    AT_NONBLOCK = 0x34,     /* u8 */
    AT_ADDR = 0x35,         /* bytes: 4 (IPv4) or 16 (IPv6), network order */
    AT_DATA = 0x36,         /* bytes */
    AT_LEN = 0x37,          /* u32 */
    AT_OPTION = 0x38,       /* u32 option name */
    AT_FLAGS = 0x39,        /* u8 readiness flags */
    AT_TIMEOUT = 0x3A,      /* u32 ms */
};

/* Socket-bridge operations (AT_OP of AP_NET_REQ). */
enum {
    AP_NET_SOCKET = 1,
    AP_NET_CLOSE = 2,
    AP_NET_BIND = 3,
    AP_NET_CONNECT = 4,
    AP_NET_SEND = 5,
    AP_NET_RECV = 6,
    AP_NET_SENDTO = 7,
    AP_NET_RECVFROM = 8,
    AP_NET_SETOPT = 9,
    AP_NET_GETADDR = 10,
    AP_NET_RESOLVE = 11,
    AP_NET_LISTEN = 12,
    AP_NET_ACCEPT = 13,
};
#define AP_EVENT_READABLE 0x01u
#define AP_EVENT_WRITABLE 0x02u
#define AP_EVENT_CLOSED 0x04u
#define AP_EVENT_ERROR 0x08u

uint32_t ap_crc32(uint32_t crc, const uint8_t *data, size_t len); /* start with 0 */
uint8_t ap_crc8(const uint8_t *data, size_t len);

/* Frame builder: payload written in place after the header. Every put is checked against the
 * capacity of the buffer it was given, not only against AP_MAX_PAYLOAD: a writer over a small
 * buffer (the fault report's) overflows instead of writing past it. */
typedef struct ap_writer {
    uint8_t *buf;    /* frame buffer: header, payload, trailer */
    size_t capacity; /* payload bytes the buffer can hold (at most AP_MAX_PAYLOAD) */
    size_t len;      /* payload bytes so far */
    bool overflow;
} ap_writer_t;

/* frame_size: the size of frame_buf in bytes; a buffer smaller than an empty frame makes every
 * put overflow and ap_finish return 0. */
void ap_begin(ap_writer_t *w, uint8_t *frame_buf, size_t frame_size);
void ap_put(ap_writer_t *w, uint8_t tag, const void *value, size_t len);
void ap_put_str(ap_writer_t *w, uint8_t tag, const char *s);
void ap_put_u8(ap_writer_t *w, uint8_t tag, uint8_t v);
void ap_put_u16(ap_writer_t *w, uint8_t tag, uint16_t v);
void ap_put_u32(ap_writer_t *w, uint8_t tag, uint32_t v);
void ap_put_u64(ap_writer_t *w, uint8_t tag, uint64_t v);
/* Fills header and CRC; returns the total frame length (0 if the payload overflowed). */
size_t ap_finish(ap_writer_t *w, uint8_t type, uint16_t seq);

/* Incremental parser with resynchronisation. Bytes that are not part of a valid frame are
 * reported as log text through on_text (may be NULL). */
typedef struct ap_frame {
    uint8_t type;
    uint16_t seq;
    const uint8_t *payload;
    size_t len;
} ap_frame_t;

typedef struct ap_parser {
    uint8_t buf[AP_MAX_FRAME];
    size_t fill;
    size_t consumed; /* length of the frame last returned by ap_parser_next */
    uint32_t noise_bytes;
    uint32_t crc_errors;
    uint32_t header_errors;
} ap_parser_t;

void ap_parser_init(ap_parser_t *p);
/* Copies as many bytes as fit into the parser; returns how many were taken. Call ap_parser_next
 * until it returns false, then push the rest. */
size_t ap_parser_push(ap_parser_t *p, const uint8_t *data, size_t len);
/* Returns the next valid frame, skipping noise, partial and corrupted frames. The payload stays
 * valid until the next call to ap_parser_push or ap_parser_next. */
bool ap_parser_next(ap_parser_t *p, ap_frame_t *frame);
/* The line went idle with a partial frame held back (noise that passed the header check, or a
 * frame cut short): drop its first byte so ap_parser_next rescans what follows. */
void ap_parser_give_up(ap_parser_t *p);

/* TLV reading. */
typedef struct ap_tlv {
    uint8_t tag;
    const uint8_t *value;
    size_t len;
} ap_tlv_t;

/* Iterates: *offset starts at 0; returns false at the end or on a malformed TLV. */
bool ap_next(const ap_frame_t *f, size_t *offset, ap_tlv_t *out);
bool ap_find(const ap_frame_t *f, uint8_t tag, ap_tlv_t *out);
bool ap_get_u32(const ap_frame_t *f, uint8_t tag, uint32_t *out);
bool ap_get_u64(const ap_frame_t *f, uint8_t tag, uint64_t *out);
/* Copies a string value (NUL-terminated, truncated to size-1). */
bool ap_get_str(const ap_frame_t *f, uint8_t tag, char *out, size_t size);
uint32_t ap_read_le(const uint8_t *p, size_t n);

#endif
