// Host half of the socket bridge: performs the TCP/UDP operations a device without a network
// asks for (NET_REQ), answers with PAL status codes (NET_RSP, same sequence number), and
// reports readiness of asynchronous sockets (NET_EVENT). Duplicated requests (device
// retransmissions) get the cached reply instead of being executed twice.
import * as dgram from 'dgram';
import * as dns from 'dns';
import * as net from 'net';
import { MAX_PAYLOAD, MsgType, NetEventFlag, NetOp, PalDomain, PalSockType, PalStatus, Tag } from '../protocol/constants';
import { Frame } from '../protocol/frame';
import { Session } from '../protocol/session';
import { TlvReader, TlvWriter } from '../protocol/tlv';
import { TcpFlow, TrafficRecorder } from '../report/capture/recorder';

type Reply = TlvWriter;

/**
 * Most data one NET_RSP carries: the payload limit less STATUS, the DATA header, ADDR (IPv6) and
 * PORT (the device asks for at most AP_MAX_PAYLOAD - 64 bytes, BRIDGE_DATA_MAX in
 * pal_plat_network_bridge.c).
 */
export const BRIDGE_DATA_MAX = MAX_PAYLOAD - 64;

/**
 * Received TCP bytes the host holds for one socket before it stops reading from the peer. A
 * device drains its sockets at serial-line speed; past this mark the TCP window closes and the
 * peer waits, as it would for a slow device on a real network, instead of the host buffering a
 * fast sender's stream without bound.
 */
export const BRIDGE_RX_HIGH_WATER = 64 * 1024;

interface BridgeSocket {
  id: number;
  kind: 'tcp' | 'udp' | 'server';
  family: 4 | 6;
  nonBlocking: boolean;
  async: boolean;
  tcp?: net.Socket;
  udp?: dgram.Socket;
  server?: net.Server;
  accepted: net.Socket[];
  connectState: 'idle' | 'connecting' | 'connected' | 'failed';
  connectError?: number;
  rx: Buffer[];
  datagrams: { data: Buffer; address: string; port: number }[];
  closed: boolean;
  bound?: { address: string; port: number };
  waiters: (() => void)[];
  /** A readable event went out and the device has not read since: further arrivals add none. */
  readableSignalled: boolean;
  /** The connection as recorded for captures (TCP sockets, when the bridge has a recorder). */
  flow?: TcpFlow;
  /** True when the device opened the connection (connect), false for accepted ones. */
  deviceIsClient?: boolean;
}

function bufferedBytes(s: BridgeSocket): number {
  return s.rx.reduce((sum, chunk) => sum + chunk.length, 0);
}

function addrToString(addr: Buffer): string {
  if (addr.length === 4) return Array.from(addr).join('.');
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(addr.readUInt16BE(i).toString(16));
  return parts.join(':');
}

function stringToAddr(address: string): Buffer {
  if (net.isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4mapped) return Buffer.from(v4mapped[1]!.split('.').map(Number));
  const b = Buffer.alloc(16);
  const [head, tail] = address.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  words.forEach((w, i) => b.writeUInt16BE(parseInt(w || '0', 16), i * 2));
  return b;
}

function errnoToPal(err: NodeJS.ErrnoException): number {
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return PalStatus.SOCKET_CONNECTION_RESET;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return PalStatus.SOCKET_HOST_UNREACHABLE;
    case 'EADDRINUSE':
      return PalStatus.SOCKET_ADDRESS_IN_USE;
    case 'ETIMEDOUT':
      return PalStatus.SOCKET_CONNECTION_ABORTED;
    case 'EPIPE':
      return PalStatus.SOCKET_CONNECTION_CLOSED;
    default:
      return PalStatus.SOCKET_GENERIC;
  }
}

export class SocketBridge {
  private readonly sockets = new Map<number, BridgeSocket>();
  private nextId = 1;
  private readonly replies = new Map<number, Buffer | 'pending'>();
  readonly stats = { requests: 0, duplicates: 0 };

  /** tap: records what crosses the host's sockets, for per-case packet captures. */
  constructor(
    private readonly session: Session,
    private readonly log: (text: string) => void = () => undefined,
    private readonly tap?: TrafficRecorder,
  ) {
    session.on('netreq', (frame) => void this.onRequest(frame));
  }

  closeAll(): void {
    for (const s of this.sockets.values()) this.destroy(s);
    this.sockets.clear();
  }

  private reply(seq: number, payload: Buffer): void {
    this.replies.set(seq, payload);
    if (this.replies.size > 64) this.replies.delete(this.replies.keys().next().value as number);
    try {
      this.session.send(MsgType.NetRsp, seq, payload);
    } catch {
      /* device gone */
    }
  }

  private event(s: BridgeSocket, flags: number): void {
    for (const w of s.waiters.splice(0)) w();
    if (!s.async) return;
    // One readable event until the device reads: a peer that streams data would otherwise queue
    // one event per TCP chunk on the serial line, ahead of the replies the device waits for.
    if (flags === NetEventFlag.Readable && s.readableSignalled) return;
    if ((flags & NetEventFlag.Readable) !== 0) s.readableSignalled = true;
    try {
      this.session.send(MsgType.NetEvent, 0, new TlvWriter().u32(Tag.Sock, s.id).u8(Tag.Flags, flags).build());
    } catch {
      /* device gone */
    }
  }

  private async onRequest(frame: Frame): Promise<void> {
    const cached = this.replies.get(frame.seq);
    if (cached !== undefined) {
      this.stats.duplicates++;
      if (cached !== 'pending') this.session.send(MsgType.NetRsp, frame.seq, cached);
      return;
    }
    this.stats.requests++;
    this.replies.set(frame.seq, 'pending');
    let out: Reply;
    try {
      out = await this.execute(new TlvReader(frame.payload));
    } catch (err) {
      this.log(`bridge: ${(err as Error).message}`);
      out = new TlvWriter().u32(Tag.Status, PalStatus.SOCKET_GENERIC >>> 0);
    }
    this.reply(frame.seq, out.build());
  }

  private status(code: number): Reply {
    return new TlvWriter().u32(Tag.Status, code >>> 0);
  }

  private get(r: TlvReader): BridgeSocket | undefined {
    return this.sockets.get(r.uint(Tag.Sock) ?? 0);
  }

  /** Waits (blocking sockets) until cond() holds or the timeout passes. */
  private waitFor(s: BridgeSocket, cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (cond() || timeoutMs <= 0) return Promise.resolve(cond());
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(cond()), timeoutMs);
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve(true);
        } else s.waiters.push(check);
      };
      s.waiters.push(check);
    });
  }

  private async execute(r: TlvReader): Promise<Reply> {
    const op = r.uint(Tag.Op);
    const wait = r.uint(Tag.Timeout) ?? 0;
    switch (op) {
      case NetOp.Socket: {
        const type = r.uint(Tag.SockType);
        const family: 4 | 6 = r.uint(Tag.Domain) === PalDomain.INET6 ? 6 : 4;
        const s: BridgeSocket = {
          id: this.nextId++,
          kind: type === PalSockType.DGRAM ? 'udp' : type === PalSockType.STREAM_SERVER ? 'server' : 'tcp',
          family,
          nonBlocking: (r.uint(Tag.NonBlock) ?? 0) !== 0,
          async: (r.uint(Tag.Flags) ?? 0) !== 0,
          accepted: [],
          connectState: 'idle',
          rx: [],
          datagrams: [],
          closed: false,
          waiters: [],
          readableSignalled: false,
        };
        if (s.kind === 'udp') {
          s.udp = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
          s.udp.on('message', (data, rinfo) => {
            this.tapDatagram(s, { address: rinfo.address, port: rinfo.port }, data, false);
            s.datagrams.push({ data, address: rinfo.address, port: rinfo.port });
            this.event(s, NetEventFlag.Readable);
          });
          s.udp.on('error', (err) => this.log(`bridge udp ${s.id}: ${err.message}`));
        }
        this.sockets.set(s.id, s);
        return this.status(PalStatus.SUCCESS).u32(Tag.Sock, s.id);
      }
      case NetOp.Close: {
        const s = this.get(r);
        if (s) {
          this.destroy(s);
          this.sockets.delete(s.id);
        }
        return this.status(PalStatus.SUCCESS);
      }
      case NetOp.Resolve: {
        const host = r.str(Tag.Host) ?? '';
        try {
          const res = await dns.promises.lookup(host, { family: 0 });
          return this.status(PalStatus.SUCCESS).put(Tag.Addr, stringToAddr(res.address)).u16(Tag.Port, 0);
        } catch {
          return this.status(PalStatus.SOCKET_DNS_ERROR);
        }
      }
      default:
        break;
    }
    const s = this.get(r);
    if (!s) return this.status(PalStatus.SOCKET_INVALID_VALUE);
    switch (op) {
      case NetOp.Bind:
        return this.bind(s, r);
      case NetOp.Connect:
        return this.connect(s, r, wait);
      case NetOp.Send:
      case NetOp.SendTo:
        return this.send(s, r, op === NetOp.SendTo);
      case NetOp.Recv:
      case NetOp.RecvFrom:
        return this.recv(s, r, wait);
      case NetOp.SetOpt:
        return this.status(PalStatus.SUCCESS);
      case NetOp.GetAddr: {
        const a = s.tcp?.localAddress
          ? { address: s.tcp.localAddress, port: s.tcp.localPort ?? 0 }
          : s.udp && s.bound
            ? s.udp.address()
            : s.server?.address();
        if (!a || typeof a === 'string') return this.status(PalStatus.SOCKET_NOT_CONNECTED);
        return this.status(PalStatus.SUCCESS).put(Tag.Addr, stringToAddr(a.address)).u16(Tag.Port, a.port);
      }
      case NetOp.Listen:
        return this.listen(s);
      case NetOp.Accept:
        return this.accept(s, wait);
      default:
        return this.status(PalStatus.NOT_SUPPORTED);
    }
  }

  private async bind(s: BridgeSocket, r: TlvReader): Promise<Reply> {
    const address = addrToString(r.bytes(Tag.Addr) ?? Buffer.alloc(4));
    const port = r.uint(Tag.Port) ?? 0;
    if (s.kind === 'udp') {
      try {
        await new Promise<void>((resolve, reject) => {
          s.udp!.once('error', reject);
          s.udp!.bind(port, address, () => {
            s.udp!.off('error', reject);
            resolve();
          });
        });
        s.bound = { address, port };
        return this.status(PalStatus.SUCCESS);
      } catch (err) {
        return this.status(errnoToPal(err as NodeJS.ErrnoException));
      }
    }
    s.bound = { address, port };
    return this.status(PalStatus.SUCCESS);
  }

  private async connect(s: BridgeSocket, r: TlvReader, wait: number): Promise<Reply> {
    const address = addrToString(r.bytes(Tag.Addr) ?? Buffer.alloc(4));
    const port = r.uint(Tag.Port) ?? 0;
    if (s.kind === 'udp') {
      return this.status(PalStatus.SUCCESS); // datagram sockets use sendTo with an address
    }
    if (s.connectState === 'connected') return this.status(PalStatus.SOCKET_ALREADY_CONNECTED);
    if (s.connectState === 'failed') return this.status(s.connectError ?? PalStatus.SOCKET_CONNECTION_RESET);
    if (s.connectState === 'idle') {
      s.connectState = 'connecting';
      const sock = net.connect({ host: address, port, localAddress: s.bound?.address, localPort: s.bound?.port || undefined });
      s.tcp = sock;
      sock.setNoDelay(true);
      sock.on('connect', () => {
        s.connectState = 'connected';
        s.deviceIsClient = true;
        s.flow = this.tap?.connect(
          { address: sock.localAddress ?? '127.0.0.1', port: sock.localPort ?? 0 },
          { address: sock.remoteAddress ?? address, port: sock.remotePort ?? port },
        );
        this.event(s, NetEventFlag.Writable);
      });
      sock.on('data', (chunk) => {
        s.flow?.data(false, chunk);
        this.received(s, chunk);
      });
      sock.on('end', () => {
        s.flow?.end(false);
        s.closed = true;
        this.event(s, NetEventFlag.Readable | NetEventFlag.Closed);
      });
      sock.on('error', (err: NodeJS.ErrnoException) => {
        if (s.connectState === 'connecting') {
          s.connectState = 'failed';
          s.connectError = errnoToPal(err);
        }
        s.flow?.abort(false);
        s.closed = true;
        this.event(s, NetEventFlag.Error | NetEventFlag.Closed);
      });
    }
    if (s.nonBlocking) return this.status(PalStatus.SOCKET_IN_PROGRES);
    await this.waitFor(s, () => s.connectState !== 'connecting', wait || 30000);
    const state = s.connectState as BridgeSocket['connectState'];
    if (state === 'connected') return this.status(PalStatus.SUCCESS);
    if (state === 'failed') return this.status(s.connectError ?? PalStatus.SOCKET_CONNECTION_RESET);
    return this.status(PalStatus.SOCKET_IN_PROGRES);
  }

  private async send(s: BridgeSocket, r: TlvReader, withAddress: boolean): Promise<Reply> {
    const data = r.bytes(Tag.Data) ?? Buffer.alloc(0);
    if (s.kind === 'udp') {
      const addr = r.bytes(Tag.Addr);
      if (!withAddress || !addr) return this.status(PalStatus.SOCKET_INVALID_ADDRESS);
      try {
        await new Promise<void>((resolve, reject) =>
          s.udp!.send(data, r.uint(Tag.Port) ?? 0, addrToString(addr), (err) => (err ? reject(err) : resolve())),
        );
        this.tapDatagram(s, { address: addrToString(addr), port: r.uint(Tag.Port) ?? 0 }, data, true);
        s.bound ??= { address: '0.0.0.0', port: 0 };
      } catch (err) {
        return this.status(errnoToPal(err as NodeJS.ErrnoException));
      }
      return this.status(PalStatus.SUCCESS).u32(Tag.Len, data.length);
    }
    if (!s.tcp || s.connectState !== 'connected') {
      return this.status(s.connectState === 'connecting' ? PalStatus.SOCKET_WOULD_BLOCK : PalStatus.SOCKET_NOT_CONNECTED);
    }
    if (s.closed) return this.status(PalStatus.SOCKET_CONNECTION_CLOSED);
    s.flow?.data(s.deviceIsClient === true, data);
    s.tcp.write(data);
    setImmediate(() => this.event(s, NetEventFlag.Writable));
    return this.status(PalStatus.SUCCESS).u32(Tag.Len, data.length);
  }

  private received(s: BridgeSocket, chunk: Buffer): void {
    s.rx.push(chunk);
    if (s.tcp && bufferedBytes(s) >= BRIDGE_RX_HIGH_WATER) s.tcp.pause();
    this.event(s, NetEventFlag.Readable);
  }

  private async recv(s: BridgeSocket, r: TlvReader, wait: number): Promise<Reply> {
    const max = Math.min(r.uint(Tag.Len) ?? 1024, BRIDGE_DATA_MAX);
    s.readableSignalled = false;
    if (s.kind === 'udp') {
      if (!s.nonBlocking) await this.waitFor(s, () => s.datagrams.length > 0, wait);
      const d = s.datagrams.shift();
      if (s.datagrams.length) setImmediate(() => this.event(s, NetEventFlag.Readable));
      if (!d) return this.status(PalStatus.SOCKET_WOULD_BLOCK);
      if (d.data.length > max) {
        // A cut datagram would reach DTLS as a damaged record; dropping it says what happened.
        this.log(`bridge udp ${s.id}: datagram of ${d.data.length} bytes from ${d.address}:${d.port} exceeds the ${max}-byte receive limit; dropped`);
        return this.status(PalStatus.BUFFER_TOO_SMALL);
      }
      return this.status(PalStatus.SUCCESS).put(Tag.Data, d.data).put(Tag.Addr, stringToAddr(d.address)).u16(Tag.Port, d.port);
    }
    if (!s.nonBlocking) await this.waitFor(s, () => s.rx.length > 0 || s.closed, wait);
    if (s.rx.length === 0) {
      if (s.closed) return this.status(PalStatus.SOCKET_CONNECTION_CLOSED);
      if (!s.tcp) return this.status(PalStatus.SOCKET_NOT_CONNECTED);
      return this.status(PalStatus.SOCKET_WOULD_BLOCK);
    }
    const all = Buffer.concat(s.rx);
    const out = all.subarray(0, max);
    s.rx = all.length > max ? [all.subarray(max)] : [];
    if (s.tcp?.isPaused() && bufferedBytes(s) < BRIDGE_RX_HIGH_WATER) s.tcp.resume();
    if (s.rx.length) setImmediate(() => this.event(s, NetEventFlag.Readable));
    return this.status(PalStatus.SUCCESS).put(Tag.Data, out);
  }

  private async listen(s: BridgeSocket): Promise<Reply> {
    s.kind = 'server';
    s.server = net.createServer((conn) => {
      s.accepted.push(conn);
      this.event(s, NetEventFlag.Readable);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        s.server!.once('error', reject);
        s.server!.listen(s.bound?.port ?? 0, s.bound?.address ?? '127.0.0.1', () => resolve());
      });
      return this.status(PalStatus.SUCCESS);
    } catch (err) {
      return this.status(errnoToPal(err as NodeJS.ErrnoException));
    }
  }

  private async accept(s: BridgeSocket, wait: number): Promise<Reply> {
    s.readableSignalled = false;
    if (!s.nonBlocking) await this.waitFor(s, () => s.accepted.length > 0, wait);
    const conn = s.accepted.shift();
    if (s.accepted.length) setImmediate(() => this.event(s, NetEventFlag.Readable));
    if (!conn) return this.status(PalStatus.SOCKET_WOULD_BLOCK);
    const c: BridgeSocket = {
      id: this.nextId++,
      kind: 'tcp',
      family: s.family,
      nonBlocking: s.nonBlocking,
      async: s.async,
      tcp: conn,
      accepted: [],
      connectState: 'connected',
      rx: [],
      datagrams: [],
      closed: false,
      waiters: [],
      readableSignalled: false,
      deviceIsClient: false,
      flow: this.tap?.connect(
        { address: conn.remoteAddress ?? '0.0.0.0', port: conn.remotePort ?? 0 },
        { address: conn.localAddress ?? '0.0.0.0', port: conn.localPort ?? 0 },
      ),
    };
    conn.on('data', (chunk) => {
      c.flow?.data(true, chunk);
      this.received(c, chunk);
    });
    conn.on('end', () => {
      c.flow?.end(true);
      c.closed = true;
      this.event(c, NetEventFlag.Closed);
    });
    conn.on('error', () => {
      c.closed = true;
    });
    this.sockets.set(c.id, c);
    return this.status(PalStatus.SUCCESS)
      .u32(Tag.Sock, c.id)
      .put(Tag.Addr, stringToAddr(conn.remoteAddress ?? '0.0.0.0'))
      .u16(Tag.Port, conn.remotePort ?? 0);
  }

  /** A datagram the device sent (outgoing) or received, with the host socket's own address. */
  private tapDatagram(s: BridgeSocket, remote: { address: string; port: number }, data: Buffer, outgoing: boolean): void {
    if (!this.tap || !s.udp) return;
    let local: { address: string; port: number };
    try {
      const a = s.udp.address();
      local = { address: a.address === '0.0.0.0' ? '127.0.0.1' : a.address === '::' ? '::1' : a.address, port: a.port };
    } catch {
      return; // not bound: nothing was sent
    }
    if (outgoing) this.tap.datagram(local, remote, data);
    else this.tap.datagram(remote, local, data);
  }

  private destroy(s: BridgeSocket): void {
    // The device closing a connection is an orderly close from its side (the FIN the host sends).
    s.flow?.end(s.deviceIsClient === true);
    s.tcp?.destroy();
    try {
      s.udp?.close();
    } catch {
      /* already closed */
    }
    s.server?.close();
    for (const c of s.accepted) c.destroy();
    for (const w of s.waiters.splice(0)) w();
  }
}
