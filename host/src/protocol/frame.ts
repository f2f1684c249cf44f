// Frame codec with resynchronisation (docs/protocol.md §2). A frame:
//   STX 0xB5 | version | type | seq u16le | length u16le | crc8(version..length) | payload | crc32le
// Anything between frames is device log text.
import { HEADER_SIZE, MAX_PAYLOAD, PROTOCOL_VERSION, SOF0, SOF1, TRAILER_SIZE } from './constants';
import { crc32, crc8 } from './crc';
import { ProtocolError } from '../errors';

export interface Frame {
  type: number;
  seq: number;
  payload: Buffer;
}

export function encodeFrame(type: number, seq: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > MAX_PAYLOAD) throw new ProtocolError(`payload too long: ${payload.length} > ${MAX_PAYLOAD}`);
  const out = Buffer.alloc(HEADER_SIZE + payload.length + TRAILER_SIZE);
  out[0] = SOF0;
  out[1] = SOF1;
  out[2] = PROTOCOL_VERSION;
  out[3] = type & 0xff;
  out.writeUInt16LE(seq & 0xffff, 4);
  out.writeUInt16LE(payload.length, 6);
  out[8] = crc8(out, 2, 8);
  payload.copy(out, HEADER_SIZE);
  out.writeUInt32LE(crc32(out, 2, HEADER_SIZE + payload.length), HEADER_SIZE + payload.length);
  return out;
}

export interface ParserStats {
  frames: number;
  noiseBytes: number;
  headerErrors: number;
  crcErrors: number;
}

export type ParserItem = { kind: 'frame'; frame: Frame } | { kind: 'text'; text: Buffer };

/**
 * Incremental parser: push() bytes as they arrive, get frames and text spans back in order.
 * Noise, partial frames (e.g. a device that rebooted mid-frame) and corrupted frames are turned
 * back into text one byte at a time, so a valid frame that starts inside them is still found.
 */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);
  readonly stats: ParserStats = { frames: 0, noiseBytes: 0, headerErrors: 0, crcErrors: 0 };

  push(chunk: Buffer): ParserItem[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const items: ParserItem[] = [];
    let textStart = 0;
    let i = 0;
    const flushText = (end: number): void => {
      if (end > textStart) items.push({ kind: 'text', text: this.buf.subarray(textStart, end) });
    };
    for (;;) {
      while (i < this.buf.length && this.buf[i] !== SOF0) i++;
      if (i >= this.buf.length) break;
      const avail = this.buf.length - i;
      if (avail >= 2 && this.buf[i + 1] !== SOF1) {
        i++;
        continue;
      }
      if (avail < HEADER_SIZE) break; // wait for the rest of the header
      const len = this.buf.readUInt16LE(i + 6);
      if (this.buf[i + 2] !== PROTOCOL_VERSION || len > MAX_PAYLOAD || crc8(this.buf, i + 2, i + 8) !== this.buf[i + 8]) {
        this.stats.headerErrors++;
        i++;
        continue;
      }
      const total = HEADER_SIZE + len + TRAILER_SIZE;
      if (avail < total) break; // partial frame: wait
      const crc = this.buf.readUInt32LE(i + HEADER_SIZE + len);
      if (crc !== crc32(this.buf, i + 2, i + HEADER_SIZE + len)) {
        this.stats.crcErrors++;
        i++;
        continue;
      }
      flushText(i);
      items.push({
        kind: 'frame',
        frame: {
          type: this.buf[i + 3]!,
          seq: this.buf.readUInt16LE(i + 4),
          payload: Buffer.from(this.buf.subarray(i + HEADER_SIZE, i + HEADER_SIZE + len)),
        },
      });
      this.stats.frames++;
      i += total;
      textStart = i;
    }
    // Everything before i that is not a frame is text; keep from i on (possible frame start).
    flushText(i);
    this.stats.noiseBytes += items.filter((x) => x.kind === 'text').reduce((n, x) => n + (x.kind === 'text' ? x.text.length : 0), 0);
    // Copy out text spans before the buffer is trimmed (subarray shares memory).
    const out = items.map((x): ParserItem => (x.kind === 'text' ? { kind: 'text', text: Buffer.from(x.text) } : x));
    this.buf = Buffer.from(this.buf.subarray(i));
    return out;
  }

  /** Bytes held back as a possible frame start (reported as text by flush()). */
  pending(): number {
    return this.buf.length;
  }

  /**
   * Gives up on a held-back partial frame (the line went idle: it was noise that looked like a
   * header, or a frame cut short by a reboot). Its first byte becomes text and the rest is
   * scanned again, so frames that were queued behind the bogus length still come out.
   */
  flush(): ParserItem[] {
    const items: ParserItem[] = [];
    while (this.buf.length > 0) {
      const rest = this.buf;
      this.buf = Buffer.alloc(0);
      items.push({ kind: 'text', text: Buffer.from(rest.subarray(0, 1)) });
      this.stats.noiseBytes++;
      items.push(...this.push(rest.subarray(1)));
    }
    return items;
  }
}
