// Host half of the socket bridge driven by NET_REQ frames from a fake device (review row 10):
// a datagram larger than the receive limit is an error the device sees (and the transcript
// names), never a silently cut datagram; smaller ones are delivered whole, in order.
import { strict as assert } from 'assert';
import * as dgram from 'dgram';
import { BRIDGE_DATA_MAX, SocketBridge } from '../src/bridge/bridge';
import { MsgType, NetOp, PalDomain, PalSockType, PalStatus, Tag } from '../src/protocol/constants';
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
