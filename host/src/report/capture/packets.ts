// IPv4/IPv6 + TCP/UDP headers around payloads the host relayed, so a capture written from
// socket-level data decodes like one taken on the wire. Hand-written: the headers are fixed
// layouts (RFC 791, 8200, 793, 768) and the npm packet libraries either decode only or come with
// libpcap bindings.
import * as net from 'net';

export interface Endpoint {
  address: string;
  port: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** IPv4-mapped IPv6 addresses are written as IPv4 (what the other end of the socket saw). */
function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

export function addressBytes(address: string): Buffer {
  const a = plainAddress(address);
  if (net.isIPv4(a)) return Buffer.from(a.split('.').map(Number));
  if (!net.isIPv6(a)) throw new Error(`not an IP address: ${address}`);
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const words = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt16BE(parseInt(w || '0', 16), i * 2));
  return b;
}

/** RFC 1071 ones' complement sum over the given buffers, folded and inverted. */
function checksum(parts: Buffer[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) sum += p.readUInt16BE(i);
    if (p.length % 2) sum += p[p.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Pseudo header for the transport checksum: addresses, protocol, transport length. */
function pseudoHeader(src: Buffer, dst: Buffer, proto: number, length: number): Buffer {
  if (src.length === 4) {
    const p = Buffer.alloc(12);
    src.copy(p, 0);
    dst.copy(p, 4);
    p[9] = proto;
    p.writeUInt16BE(length, 10);
    return p;
  }
  const p = Buffer.alloc(40);
  src.copy(p, 0);
  dst.copy(p, 16);
  p.writeUInt32BE(length, 32);
  p[39] = proto;
  return p;
}

function ipPacket(src: Buffer, dst: Buffer, proto: number, transport: Buffer, id: number): Buffer {
  if (src.length === 4 && dst.length === 4) {
    const h = Buffer.alloc(20);
    h[0] = 0x45;
    h.writeUInt16BE(20 + transport.length, 2);
    h.writeUInt16BE(id & 0xffff, 4);
    h.writeUInt16BE(0x4000, 6); // don't fragment
    h[8] = 64;
    h[9] = proto;
    src.copy(h, 12);
    dst.copy(h, 16);
    h.writeUInt16BE(checksum([h]), 10);
    return Buffer.concat([h, transport]);
  }
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(transport.length, 4);
  h[6] = proto;
  h[7] = 64;
  src.copy(h, 8);
  dst.copy(h, 24);
  return Buffer.concat([h, transport]);
}

/** Both addresses in one family: an IPv4 end talking to an IPv6 one is written as v4-mapped v6. */
function addressPair(src: Endpoint, dst: Endpoint): [Buffer, Buffer] {
  let s = addressBytes(src.address);
  let d = addressBytes(dst.address);
  const mapped = (v4: Buffer): Buffer => Buffer.concat([Buffer.alloc(10), Buffer.from([0xff, 0xff]), v4]);
  if (s.length !== d.length) {
    if (s.length === 4) s = mapped(s);
    if (d.length === 4) d = mapped(d);
  }
  return [s, d];
}

export function tcpPacket(
  src: Endpoint,
  dst: Endpoint,
  seg: { seq: number; ack: number; flags: number; payload?: Buffer },
  id: number,
): Buffer {
  const [s, d] = addressPair(src, dst);
  const payload = seg.payload ?? Buffer.alloc(0);
  const t = Buffer.alloc(20 + payload.length);
  t.writeUInt16BE(src.port, 0);
  t.writeUInt16BE(dst.port, 2);
  t.writeUInt32BE(seg.seq >>> 0, 4);
  t.writeUInt32BE(seg.flags & TCP_ACK ? seg.ack >>> 0 : 0, 8);
  t[12] = 5 << 4;
  t[13] = seg.flags;
  t.writeUInt16BE(0xffff, 14);
  payload.copy(t, 20);
  t.writeUInt16BE(checksum([pseudoHeader(s, d, PROTO_TCP, t.length), t]), 16);
  return ipPacket(s, d, PROTO_TCP, t, id);
}

export function udpPacket(src: Endpoint, dst: Endpoint, payload: Buffer, id: number): Buffer {
  const [s, d] = addressPair(src, dst);
  const u = Buffer.alloc(8 + payload.length);
  u.writeUInt16BE(src.port, 0);
  u.writeUInt16BE(dst.port, 2);
  u.writeUInt16BE(u.length, 4);
  payload.copy(u, 8);
  const sum = checksum([pseudoHeader(s, d, PROTO_UDP, u.length), u]);
  u.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  return ipPacket(s, d, PROTO_UDP, u, id);
}
