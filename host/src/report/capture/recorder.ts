// What the host relayed for the device (socket bridge or relay), kept as synthesised packets
// with capture times, so the traffic of one case can be written as a pcapng file. TCP flows get
// a three-way handshake, consistent sequence/acknowledgement numbers, segments of at most one
// Ethernet MSS, FIN or RST at the end; UDP datagrams are written one packet each.
import { performance } from 'perf_hooks';
import { Endpoint, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, tcpPacket, udpPacket } from './packets';
import { PcapPacket, writePcapng } from './pcapng';

const MSS = 1460;

function nowUs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

/** One TCP connection as the device's peer saw it; `client` is the side that connected. */
export class TcpFlow {
  private next: { client: number; server: number };
  private finished = { client: false, server: false };
  private reset = false;

  constructor(private readonly rec: TrafficRecorder, readonly client: Endpoint, readonly server: Endpoint) {
    const isn = (): number => Math.floor(Math.random() * 0xffffffff) >>> 0;
    const c = isn();
    const s = isn();
    rec.tcp(client, server, { seq: c, ack: 0, flags: TCP_SYN });
    rec.tcp(server, client, { seq: s, ack: c + 1, flags: TCP_SYN | TCP_ACK });
    this.next = { client: (c + 1) >>> 0, server: (s + 1) >>> 0 };
    rec.tcp(client, server, { seq: this.next.client, ack: this.next.server, flags: TCP_ACK });
  }

  /** Bytes sent by the client (fromClient) or by the server. */
  data(fromClient: boolean, bytes: Buffer): void {
    if (this.reset || bytes.length === 0) return;
    const [from, to, side, other] = this.sides(fromClient);
    for (let off = 0; off < bytes.length; off += MSS) {
      const payload = bytes.subarray(off, off + MSS);
      this.rec.tcp(from, to, { seq: this.next[side], ack: this.next[other], flags: TCP_PSH | TCP_ACK, payload });
      this.next[side] = (this.next[side] + payload.length) >>> 0;
    }
    this.rec.tcp(to, from, { seq: this.next[other], ack: this.next[side], flags: TCP_ACK });
  }

  /** Orderly close of one direction (FIN), acknowledged by the other side. */
  end(fromClient: boolean): void {
    const [from, to, side, other] = this.sides(fromClient);
    if (this.reset || this.finished[side]) return;
    this.finished[side] = true;
    this.rec.tcp(from, to, { seq: this.next[side], ack: this.next[other], flags: TCP_FIN | TCP_ACK });
    this.next[side] = (this.next[side] + 1) >>> 0;
    this.rec.tcp(to, from, { seq: this.next[other], ack: this.next[side], flags: TCP_ACK });
  }

  /** Connection reset by one side. */
  abort(fromClient: boolean): void {
    if (this.reset || (this.finished.client && this.finished.server)) return;
    const [from, to, side, other] = this.sides(fromClient);
    this.reset = true;
    this.rec.tcp(from, to, { seq: this.next[side], ack: this.next[other], flags: TCP_RST | TCP_ACK });
  }

  private sides(fromClient: boolean): [Endpoint, Endpoint, 'client' | 'server', 'client' | 'server'] {
    return fromClient ? [this.client, this.server, 'client', 'server'] : [this.server, this.client, 'server', 'client'];
  }
}

export class TrafficRecorder {
  private packets: PcapPacket[] = [];
  private ipId = 1;
  private note?: string;

  /** Starts a TCP flow (writes its handshake). */
  connect(client: Endpoint, server: Endpoint): TcpFlow {
    return new TcpFlow(this, client, server);
  }

  datagram(from: Endpoint, to: Endpoint, payload: Buffer): void {
    this.push(udpPacket(from, to, payload, this.ipId++));
  }

  /** Internal to TcpFlow: one segment. */
  tcp(from: Endpoint, to: Endpoint, seg: { seq: number; ack: number; flags: number; payload?: Buffer }): void {
    this.push(tcpPacket(from, to, seg, this.ipId++));
  }

  /** The next packet carries this text as its pcapng comment (e.g. "case X start"). */
  annotate(text: string): void {
    this.note = text;
  }

  mark(): number {
    return this.packets.length;
  }

  get size(): number {
    return this.packets.length;
  }

  /** Forgets everything recorded so far (a case that passed needs no capture). */
  clear(): void {
    this.packets = [];
  }

  /** Writes the packets from `from` on; false (and no file) when there are none. */
  write(file: string, from = 0, comment?: string): boolean {
    const packets = this.packets.slice(from);
    if (packets.length === 0) return false;
    if (comment) packets[0] = { ...packets[0]!, comment: packets[0]!.comment ? `${comment}; ${packets[0]!.comment}` : comment };
    writePcapng(file, packets, { application: 'paltls (synthesised from the host socket relay)', interfaceName: 'paltls-relay' });
    return true;
  }

  private push(data: Buffer): void {
    this.packets.push({ timeUs: nowUs(), data, comment: this.note });
    this.note = undefined;
  }
}
