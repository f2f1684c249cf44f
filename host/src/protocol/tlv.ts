// TLV payload encoding: a sequence of tag (u8), length (u16 little endian), value.
import { MAX_PAYLOAD } from './constants';
import { ProtocolError } from '../errors';

export class TlvWriter {
  private readonly parts: Buffer[] = [];
  private size = 0;

  put(tag: number, value: Uint8Array): this {
    if (value.length > 0xffff) throw new ProtocolError(`TLV value too long (${value.length} bytes) for tag ${tag}`);
    const head = Buffer.alloc(3);
    head[0] = tag;
    head.writeUInt16LE(value.length, 1);
    this.parts.push(head, Buffer.from(value));
    this.size += 3 + value.length;
    if (this.size > MAX_PAYLOAD) {
      throw new ProtocolError(`payload of ${this.size} bytes exceeds the protocol maximum of ${MAX_PAYLOAD}`);
    }
    return this;
  }
  str(tag: number, value: string): this {
    return this.put(tag, Buffer.from(value, 'utf8'));
  }
  u8(tag: number, value: number): this {
    return this.put(tag, Buffer.from([value & 0xff]));
  }
  u16(tag: number, value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value & 0xffff);
    return this.put(tag, b);
  }
  u32(tag: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    return this.put(tag, b);
  }
  u64(tag: number, value: bigint | number): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)));
    return this.put(tag, b);
  }
  build(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

export interface TlvEntry {
  tag: number;
  value: Buffer;
}

export class TlvReader {
  readonly entries: TlvEntry[] = [];

  constructor(payload: Buffer) {
    let off = 0;
    while (off + 3 <= payload.length) {
      const tag = payload[off]!;
      const len = payload.readUInt16LE(off + 1);
      if (off + 3 + len > payload.length) throw new ProtocolError(`truncated TLV (tag 0x${tag.toString(16)})`);
      this.entries.push({ tag, value: payload.subarray(off + 3, off + 3 + len) });
      off += 3 + len;
    }
    if (off !== payload.length) throw new ProtocolError('trailing bytes after the last TLV');
  }

  has(tag: number): boolean {
    return this.entries.some((e) => e.tag === tag);
  }
  bytes(tag: number): Buffer | undefined {
    return this.entries.find((e) => e.tag === tag)?.value;
  }
  str(tag: number): string | undefined {
    return this.bytes(tag)?.toString('utf8');
  }
  /**
   * Unsigned integer: 1-4 bytes little endian (as ap_get_u32 reads them) or 8 bytes (u64). Other
   * widths are never written by the agent (ap_put_u64 always writes 8): a ProtocolError.
   */
  uint(tag: number): number | undefined {
    const v = this.bytes(tag);
    if (v === undefined || v.length === 0) return undefined;
    if (v.length <= 4) return v.readUIntLE(0, v.length);
    return Number(this.u64(tag));
  }
  int32(tag: number): number | undefined {
    const v = this.uint(tag);
    return v === undefined ? undefined : v | 0;
  }
  u64(tag: number): bigint | undefined {
    const v = this.bytes(tag);
    if (v === undefined || v.length === 0) return undefined;
    if (v.length <= 4) return BigInt(v.readUIntLE(0, v.length));
    return readU64(tag, v);
  }
  all(tag: number): Buffer[] {
    return this.entries.filter((e) => e.tag === tag).map((e) => e.value);
  }
}

function widthError(tag: number, v: Buffer, expected: string): ProtocolError {
  return new ProtocolError(`TLV tag 0x${tag.toString(16)}: ${v.length}-byte integer (expected ${expected})`);
}

/** An 8-byte unsigned value (1-4 byte values widen, as the C reader does). */
export function readU64(tag: number, v: Buffer): bigint {
  if (v.length !== 8) throw widthError(tag, v, '1-4 or 8 bytes');
  return v.readBigUInt64LE(0);
}

/** An i64 (METRIC_VALUE): always 8 bytes, two's complement, little endian. */
export function readI64(tag: number, v: Buffer): bigint {
  if (v.length !== 8) throw widthError(tag, v, '8 bytes');
  return v.readBigInt64LE(0);
}
