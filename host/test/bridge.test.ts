// Host half of the socket bridge driven by NET_REQ frames from a fake device (review row 10):
// a datagram larger than the receive limit is an error the device sees (and the transcript
// names), never a silently cut datagram; smaller ones are delivered whole, in order. A peer that
// streams data (`openssl s_server < /dev/zero`) neither floods the serial line with readiness
// events nor makes the host buffer its stream without bound.
import { strict as assert } from 'assert';
import * as dgram from 'dgram';
import * as net from 'net';
import { BRIDGE_DATA_MAX, BRIDGE_RX_HIGH_WATER, SocketBridge } from '../src/bridge/bridge';
import { MsgType, NetEventFlag, NetOp, PalDomain, PalSockType, PalStatus, Tag } from '../src/protocol/constants';
import { Session } from '../src/protocol/session';
import { TlvReader, TlvWriter } from '../src/protocol/tlv';
import { Transcript } from '../src/report/transcript';
import { FakeDevice } from './helpers/fakeDevice';

/** The device side of the bridge: NET_REQ out, the NET_RSP with the same sequence number back. */
class BridgeClient {
  private seq = 100;
  constructor(private readonly dev: FakeDevice) {}

  async call(op: number, build: (w: TlvWriter) => TlvWriter = (w) => w): Promise<TlvReader> {
    const seq = ++this.seq;
    this.dev.sendFrame(MsgType.NetReq, seq, build(new TlvWriter().u8(Tag.Op, op)).build());
    for (let i = 0; i < 500; i++) {
      const rsp = this.dev.received.find((f) => f.type === MsgType.NetRsp && f.seq === seq);
      if (rsp) return new TlvReader(rsp.payload);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no NET_RSP for op ${op} seq ${seq}`);
  }
}

function firstMessage(sock: dgram.Socket): Promise<dgram.RemoteInfo> {
  return new Promise((resolve) => sock.once('message', (_m, rinfo) => resolve(rinfo)));
}

describe('socket bridge (host half)', () => {
  let dev: FakeDevice;
  let session: Session;
  let bridge: SocketBridge;
  let peer: dgram.Socket;
  const log: string[] = [];

  beforeEach(async () => {
    log.length = 0;
    dev = new FakeDevice({ mode: 'silent' });
    session = new Session(dev, new Transcript());
    bridge = new SocketBridge(session, (t) => log.push(t));
    peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  });

  afterEach(async () => {
    bridge.closeAll();
    session.dispose();
    await dev.close();
    peer.close();
  });

  it('refuses a datagram over the receive limit instead of cutting it, then delivers the next one whole', async () => {
    const c = new BridgeClient(dev);
    const opened = await c.call(NetOp.Socket, (w) => w.u8(Tag.Domain, PalDomain.INET).u8(Tag.SockType, PalSockType.DGRAM));
    assert.equal(opened.int32(Tag.Status), PalStatus.SUCCESS);
    const sock = opened.uint(Tag.Sock)!;
    const peerPort = peer.address().port;
    const arrived = firstMessage(peer);
    const hello = await c.call(NetOp.SendTo, (w) => w.u32(Tag.Sock, sock).put(Tag.Addr, Buffer.from([127, 0, 0, 1])).u16(Tag.Port, peerPort).put(Tag.Data, Buffer.from('hi')));
    assert.equal(hello.int32(Tag.Status), PalStatus.SUCCESS);
    const from = await arrived;

    const big = Buffer.alloc(BRIDGE_DATA_MAX + 1, 0x5a);
    const exact = Buffer.alloc(BRIDGE_DATA_MAX, 0x33);
    const small = Buffer.from('after the big one');
    for (const d of [big, exact, small]) await new Promise<void>((r) => peer.send(d, from.port, '127.0.0.1', () => r()));

    const recv = (): Promise<TlvReader> => c.call(NetOp.RecvFrom, (w) => w.u32(Tag.Sock, sock).u32(Tag.Len, BRIDGE_DATA_MAX).u32(Tag.Timeout, 3000));
    const first = await recv();
    assert.equal(first.int32(Tag.Status), PalStatus.BUFFER_TOO_SMALL);
    assert.equal(first.bytes(Tag.Data), undefined);
    assert.ok(log.some((l) => l.includes(`datagram of ${big.length} bytes`)), log.join('\n'));
    const second = await recv();
    assert.equal(second.int32(Tag.Status), PalStatus.SUCCESS);
    assert.deepEqual(second.bytes(Tag.Data), exact);
    const third = await recv();
    assert.deepEqual(third.bytes(Tag.Data), small);
    assert.equal(third.uint(Tag.Port), peerPort);
  });

  it('a datagram larger than the buffer the device asked for is refused the same way', async () => {
    const c = new BridgeClient(dev);
    const sock = (await c.call(NetOp.Socket, (w) => w.u8(Tag.Domain, PalDomain.INET).u8(Tag.SockType, PalSockType.DGRAM))).uint(Tag.Sock)!;
    const arrived = firstMessage(peer);
    await c.call(NetOp.SendTo, (w) => w.u32(Tag.Sock, sock).put(Tag.Addr, Buffer.from([127, 0, 0, 1])).u16(Tag.Port, peer.address().port).put(Tag.Data, Buffer.from('x')));
    const from = await arrived;
    await new Promise<void>((r) => peer.send(Buffer.alloc(200, 1), from.port, '127.0.0.1', () => r()));
    const r = await c.call(NetOp.RecvFrom, (w) => w.u32(Tag.Sock, sock).u32(Tag.Len, 100).u32(Tag.Timeout, 3000));
    assert.equal(r.int32(Tag.Status), PalStatus.BUFFER_TOO_SMALL);
  });
});

describe('socket bridge (host half) against a streaming TCP peer', () => {
  let dev: FakeDevice;
  let session: Session;
  let bridge: SocketBridge;
  let server: net.Server;
  let written = 0;
  let finished = false;
  const total = 64 * 1024 * 1024;

  /** Writes `total` bytes as fast as the connection takes them, honouring backpressure. */
  function stream(conn: net.Socket): void {
    const chunk = Buffer.alloc(16 * 1024, 0x30);
    const pump = (): void => {
      while (written < total) {
        written += chunk.length;
        if (!conn.write(chunk)) {
          conn.once('drain', pump);
          return;
        }
      }
      finished = true;
    };
    conn.on('error', () => undefined);
    pump();
  }

  beforeEach(async () => {
    written = 0;
    finished = false;
    dev = new FakeDevice({ mode: 'silent' });
    session = new Session(dev, new Transcript());
    bridge = new SocketBridge(session, () => undefined);
    server = net.createServer(stream);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });

  afterEach(async () => {
    bridge.closeAll();
    session.dispose();
    await dev.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function connectAsync(c: BridgeClient): Promise<number> {
    const opened = await c.call(NetOp.Socket, (w) => w.u8(Tag.Domain, PalDomain.INET).u8(Tag.SockType, PalSockType.STREAM).u8(Tag.Flags, 1));
    const sock = opened.uint(Tag.Sock)!;
    const port = (server.address() as net.AddressInfo).port;
    const connected = await c.call(NetOp.Connect, (w) => w.u32(Tag.Sock, sock).put(Tag.Addr, Buffer.from([127, 0, 0, 1])).u16(Tag.Port, port).u32(Tag.Timeout, 3000));
    assert.equal(connected.int32(Tag.Status), PalStatus.SUCCESS);
    return sock;
  }

  function readableEvents(sock: number): number {
    return dev.received.filter((f) => {
      if (f.type !== MsgType.NetEvent) return false;
      const r = new TlvReader(f.payload);
      return r.uint(Tag.Sock) === sock && ((r.uint(Tag.Flags) ?? 0) & NetEventFlag.Readable) !== 0;
    }).length;
  }

  it('sends one readable event until the device reads, then one more while data is left', async () => {
    const c = new BridgeClient(dev);
    const sock = await connectAsync(c);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(readableEvents(sock), 1, 'readable events before the device read');
    const got = await c.call(NetOp.Recv, (w) => w.u32(Tag.Sock, sock).u32(Tag.Len, 1024));
    assert.equal(got.int32(Tag.Status), PalStatus.SUCCESS);
    assert.equal(got.bytes(Tag.Data)?.length, 1024);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(readableEvents(sock), 2, 'readable events after one read with data left');
  });

  it('stops reading from the peer once it holds the high-water mark, and reads on as the device drains it', async () => {
    const c = new BridgeClient(dev);
    const sock = await connectAsync(c);
    let stalled = written;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (written === stalled || finished) break;
      stalled = written;
    }
    assert.equal(finished, false, `the peer wrote all ${total} bytes: the host read them all without the device`);
    // Without resuming, the host would hold at most the mark plus one chunk for the device.
    let drained = 0;
    for (let i = 0; i < 256 && drained < 4 * BRIDGE_RX_HIGH_WATER; i++) {
      const got = await c.call(NetOp.Recv, (w) => w.u32(Tag.Sock, sock).u32(Tag.Len, BRIDGE_DATA_MAX));
      assert.equal(got.int32(Tag.Status), PalStatus.SUCCESS);
      drained += got.bytes(Tag.Data)?.length ?? 0;
    }
    assert.ok(drained >= 4 * BRIDGE_RX_HIGH_WATER, `the device read ${drained} bytes`);
  });
});
