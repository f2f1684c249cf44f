// pcapng file writer (section header, one raw-IP interface, enhanced packet blocks with comments).
// Hand-written on purpose: the npm registry has pcap *readers* and libpcap bindings (which capture
// from a live interface and need root and a native build), but no maintained writer; the format
// needed here is three fixed block layouts (pcapng draft, sections 4.1-4.3), about 60 lines.
import * as fs from 'fs';

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** LINKTYPE_RAW: each packet starts with an IPv4 or IPv6 header (no link layer). */
export const LINKTYPE_RAW = 101;
const OPT_END = 0;
const OPT_COMMENT = 1;
const OPT_SHB_USERAPPL = 4;
const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;

export interface PcapPacket {
  /** Capture time in microseconds since the Unix epoch. */
  timeUs: bigint;
  /** The packet from its IP header on. */
  data: Buffer;
  comment?: string;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function option(code: number, value: Buffer): Buffer {
  const b = Buffer.alloc(4 + pad4(value.length));
  b.writeUInt16LE(code, 0);
  b.writeUInt16LE(value.length, 2);
  value.copy(b, 4);
  return b;
}

function options(list: [number, Buffer][]): Buffer {
  if (list.length === 0) return Buffer.alloc(0);
  return Buffer.concat([...list.map(([c, v]) => option(c, v)), option(OPT_END, Buffer.alloc(0))]);
}

/** type | total length | body | total length: the frame every pcapng block shares. */
function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

function sectionHeader(application: string): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  fixed.writeUInt16LE(1, 4);
  fixed.writeUInt16LE(0, 6);
  fixed.writeBigInt64LE(-1n, 8); // section length not given
  return block(BLOCK_SHB, Buffer.concat([fixed, options([[OPT_SHB_USERAPPL, Buffer.from(application)]])]));
}

function interfaceDescription(name: string): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(LINKTYPE_RAW, 0);
  fixed.writeUInt32LE(0, 4); // no snap length
  return block(BLOCK_IDB, Buffer.concat([fixed, options([[OPT_IF_NAME, Buffer.from(name)], [OPT_IF_TSRESOL, Buffer.from([6])]])]));
}

function enhancedPacket(p: PcapPacket): Buffer {
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32LE(0, 0); // interface 0
  fixed.writeUInt32LE(Number(p.timeUs >> 32n), 4);
  fixed.writeUInt32LE(Number(p.timeUs & 0xffffffffn), 8);
  fixed.writeUInt32LE(p.data.length, 12);
  fixed.writeUInt32LE(p.data.length, 16);
  const data = Buffer.alloc(pad4(p.data.length));
  p.data.copy(data);
  const opts = p.comment ? options([[OPT_COMMENT, Buffer.from(p.comment)]]) : Buffer.alloc(0);
  return block(BLOCK_EPB, Buffer.concat([fixed, data, opts]));
}

export function renderPcapng(packets: PcapPacket[], meta: { application: string; interfaceName: string }): Buffer {
  return Buffer.concat([sectionHeader(meta.application), interfaceDescription(meta.interfaceName), ...packets.map(enhancedPacket)]);
}

export function writePcapng(file: string, packets: PcapPacket[], meta: { application: string; interfaceName: string }): void {
  fs.writeFileSync(file, renderPcapng(packets, meta));
}
