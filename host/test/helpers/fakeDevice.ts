// An in-process stand-in for a device on a line, for session tests: a scripted agent that
// speaks the protocol (or misbehaves in chosen ways).
import { CloseInfo, Transport, TransportBase } from '../../src/transport/transport';
import { encodeFrame, Frame, FrameParser } from '../../src/protocol/frame';
import { MsgType, Tag } from '../../src/protocol/constants';
import { TlvReader, TlvWriter } from '../../src/protocol/tlv';
import { manifestCrc, ManifestCase } from '../../src/protocol/session';
import { Prng } from './prng';

export type FakeMode = 'normal' | 'silent' | 'garbage' | 'text-only';

export interface FakeOptions {
  mode?: FakeMode;
  board?: string;
  buildId?: string;
  cases?: ManifestCase[];
  prng?: Prng;
  /** Split device output into random small chunks. */
  splitWrites?: boolean;
  /** Reply to HELLO with a stale nonce first (an old buffered answer). */
  staleEchoFirst?: boolean;
  /** Behaviour of RUN per case name. */
  onRun?: (name: string, device: FakeDevice, seq: number) => void;
}

export class FakeDevice extends TransportBase implements Transport {
  readonly description = 'fake device';
  private readonly parser = new FrameParser();
  readonly received: Frame[] = [];
  private garbageTimer?: NodeJS.Timeout;
  private closed = false;
  readonly cases: ManifestCase[];

  constructor(readonly options: FakeOptions = {}) {
    super();
    this.cases = options.cases ?? [
      { index: 0, name: 'alpha', needs: 0 },
      { index: 1, name: 'beta', needs: 1 },
    ];
    if (options.mode === 'garbage') {
      const prng = options.prng ?? new Prng(7);
      this.garbageTimer = setInterval(() => this.emitData(prng.bytes(64)), 20);
    }
    if (options.mode === 'text-only') {
      this.garbageTimer = setInterval(() => this.emitData(Buffer.from('bootloader v1.2 waiting for image...\r\n')), 50);
    }
  }

  write(data: Buffer): void {
    if (this.closed) throw new Error('closed');
    for (const item of this.parser.push(data)) {
      if (item.kind === 'frame') {
        this.received.push(item.frame);
        setImmediate(() => this.handle(item.frame));
      }
    }
  }

  close(): Promise<void> {
    this.crash({ code: 0, signal: null, reason: 'closed by host' });
    return Promise.resolve();
  }

  crash(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    if (this.garbageTimer) clearInterval(this.garbageTimer);
    this.emitClose(info);
  }

  sendFrame(type: number, seq: number, payload: Buffer): void {
    const bytes = encodeFrame(type, seq, payload);
    if (!this.options.splitWrites) return this.emitData(bytes);
    const prng = this.options.prng ?? new Prng(1);
    let off = 0;
    while (off < bytes.length) {
      const n = 1 + prng.int(7);
      this.emitData(bytes.subarray(off, off + n));
      off += n;
    }
  }

  identity(w: TlvWriter): TlvWriter {
    return w
      .u8(Tag.Proto, 1)
      .str(Tag.Board, this.options.board ?? 'fake')
      .str(Tag.Build, this.options.buildId ?? 'build-1')
      .str(Tag.Mbedtls, '3.6.0')
      .u32(Tag.Caps, 7)
      .u8(Tag.EntropyTest, 1)
      .u32(Tag.Count, this.cases.length)
      .u32(Tag.ManifestCrc, manifestCrc(this.cases));
  }

  private handle(f: Frame): void {
    if (this.closed || (this.options.mode ?? 'normal') !== 'normal') return;
    const r = new TlvReader(f.payload);
    switch (f.type) {
      case MsgType.Hello: {
        if (this.options.staleEchoFirst) {
          this.sendFrame(MsgType.HelloAck, f.seq, this.identity(new TlvWriter().put(Tag.Nonce, Buffer.alloc(16, 1))).build());
        }
        this.emitData(Buffer.from('some log text while syncing\n'));
        this.sendFrame(MsgType.HelloAck, f.seq, this.identity(new TlvWriter().put(Tag.Nonce, r.bytes(Tag.Nonce)!)).build());
        break;
      }
      case MsgType.List:
        for (const c of this.cases) {
          this.sendFrame(MsgType.CaseInfo, f.seq, new TlvWriter().u32(Tag.Index, c.index).str(Tag.Name, c.name).u32(Tag.Needs, c.needs).build());
        }
        this.sendFrame(MsgType.ListEnd, f.seq, new TlvWriter().u32(Tag.Count, this.cases.length).u32(Tag.ManifestCrc, manifestCrc(this.cases)).build());
        break;
      case MsgType.EnvSet:
      case MsgType.EnvClear:
        this.sendFrame(MsgType.Ack, f.seq, new TlvWriter().u32(Tag.Status, 0).build());
        break;
      case MsgType.Run: {
        const name = r.str(Tag.Name)!;
        if (this.options.onRun) return this.options.onRun(name, this, f.seq);
        this.sendFrame(MsgType.CaseStart, f.seq, new TlvWriter().str(Tag.Name, name).build());
        this.sendFrame(MsgType.CaseResult, f.seq, new TlvWriter().str(Tag.Name, name).u32(Tag.Status, 0).u32(Tag.Duration, 5).build());
        break;
      }
      case MsgType.Ping:
        this.sendFrame(MsgType.Pong, f.seq, Buffer.alloc(0));
        break;
      default:
        this.sendFrame(MsgType.Error, f.seq, new TlvWriter().u32(Tag.Status, -4 >>> 0).str(Tag.Message, 'unknown message type').build());
    }
  }
}
