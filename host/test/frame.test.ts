import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_PAYLOAD, MsgType, Tag } from '../src/protocol/constants';
import { crc32, crc8 } from '../src/protocol/crc';
import { encodeFrame, Frame, FrameParser } from '../src/protocol/frame';
import { TlvReader, TlvWriter } from '../src/protocol/tlv';
import { baseSeed, Prng } from './helpers/prng';

function parseAll(parser: FrameParser, chunks: Buffer[]): { frames: Frame[]; text: string } {
  const frames: Frame[] = [];
  let text = '';
  for (const c of chunks) {
    for (const item of parser.push(c)) {
      if (item.kind === 'frame') frames.push(item.frame);
      else text += item.text.toString('latin1');
    }
  }
  for (const item of parser.flush()) {
    if (item.kind === 'frame') frames.push(item.frame);
    else text += item.text.toString('latin1');
  }
  return { frames, text };
}

function randomFrame(prng: Prng, i: number): Frame {
  const len = prng.next() < 0.1 ? prng.int(MAX_PAYLOAD + 1) : prng.int(200);
  return { type: 0x80 + prng.int(0x20), seq: i & 0xffff, payload: prng.bytes(len) };
}

function splitRandomly(prng: Prng, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; ) {
    const n = 1 + prng.int(prng.next() < 0.5 ? 8 : 700);
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return out;
}

describe('frame codec', () => {
  it('uses the standard CRC-32 and CRC-8 check values', () => {
    const check = Buffer.from('123456789');
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(crc8(check), 0xf4);
  });

  it('round-trips frames and keeps log text between them', () => {
    const p = new FrameParser();
    const f1 = encodeFrame(MsgType.Boot, 1, new TlvWriter().str(Tag.Board, 'native').build());
    const f2 = encodeFrame(MsgType.Pong, 0xffff, Buffer.alloc(0));
    const { frames, text } = parseAll(p, [Buffer.concat([Buffer.from('hello log\n'), f1, Buffer.from('more\n'), f2, Buffer.from('tail')])]);
    assert.deepEqual(frames.map((f) => [f.type, f.seq]), [[MsgType.Boot, 1], [MsgType.Pong, 0xffff]]);
    assert.equal(new TlvReader(frames[0]!.payload).str(Tag.Board), 'native');
    assert.equal(text, 'hello log\nmore\ntail');
  });

  it('rejects payloads over the maximum', () => {
    assert.throws(() => encodeFrame(1, 1, Buffer.alloc(MAX_PAYLOAD + 1)), /too long/);
  });

  it('reassembles frames from random split reads (property, seeded)', () => {
    for (let round = 0; round < 30; round++) {
      const seed = baseSeed() + round;
      const prng = new Prng(seed);
      const frames = Array.from({ length: 20 }, (_, i) => randomFrame(prng, i));
      const stream = Buffer.concat(frames.flatMap((f) => [Buffer.from(`log line ${f.seq}\r\n`), encodeFrame(f.type, f.seq, f.payload)]));
      const got = parseAll(new FrameParser(), splitRandomly(prng, stream)).frames;
      assert.equal(got.length, frames.length, `seed ${seed}`);
      got.forEach((g, i) => {
        assert.equal(g.type, frames[i]!.type, `seed ${seed}`);
        assert.equal(g.seq, frames[i]!.seq, `seed ${seed}`);
        assert.ok(g.payload.equals(frames[i]!.payload), `seed ${seed}`);
      });
    }
  });

  it('survives random corruption: never accepts a damaged frame, recovers every intact one (property, seeded)', () => {
    for (let round = 0; round < 30; round++) {
      const seed = baseSeed() + 1000 + round;
      const prng = new Prng(seed);
      const frames = Array.from({ length: 40 }, (_, i) => randomFrame(prng, i));
      const encoded = frames.map((f) => encodeFrame(f.type, f.seq, f.payload));
      const damaged = new Set<number>();
      const parts: Buffer[] = [];
      encoded.forEach((e, i) => {
        const copy = Buffer.from(e);
        const r = prng.next();
        if (r < 0.2) {
          copy[prng.int(copy.length)] ^= 1 << prng.int(8); // bit flip
          damaged.add(i);
        } else if (r < 0.3) {
          parts.push(copy.subarray(0, prng.int(copy.length))); // cut short: reboot mid-frame
          damaged.add(i);
          return;
        }
        parts.push(copy);
        if (prng.next() < 0.3) parts.push(prng.bytes(prng.int(50))); // line noise
      });
      const got = parseAll(new FrameParser(), splitRandomly(prng, Buffer.concat(parts))).frames;
      const expected = frames.filter((_, i) => !damaged.has(i));
      // Every intact frame comes out, in order; nothing else does (a flipped bit can only
      // survive by colliding with both CRCs).
      const key = (f: Frame): string => `${f.type}/${f.seq}/${f.payload.toString('hex')}`;
      const gotKeys = got.map(key);
      const expKeys = expected.map(key);
      assert.deepEqual(gotKeys.filter((k) => expKeys.includes(k)), expKeys, `seed ${seed}`);
      assert.equal(gotKeys.length, expKeys.length, `seed ${seed}: unexpected extra frames`);
    }
  });

  it('finds no frame in pure noise and turns it all into text', () => {
    const prng = new Prng(baseSeed() + 99);
    const noise = prng.bytes(20000);
    const p = new FrameParser();
    const { frames, text } = parseAll(p, splitRandomly(prng, noise));
    assert.equal(frames.length, 0);
    assert.equal(text.length, noise.length);
  });

  it('TLV reader rejects truncated payloads', () => {
    const good = new TlvWriter().str(Tag.Name, 'abc').u32(Tag.Status, 3).build();
    assert.equal(new TlvReader(good).uint(Tag.Status), 3);
    assert.throws(() => new TlvReader(good.subarray(0, good.length - 1)), /truncated/);
  });

  describe('interoperability with the device C codec', function () {
    let exe = '';
    before(function () {
      const root = path.resolve(__dirname, '..', '..');
      const cc = spawnSync('cc', ['--version']);
      if (cc.status !== 0) this.skip();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-proto-'));
      exe = path.join(dir, 'proto_echo');
      execFileSync('cc', [
        '-std=c99', '-D_POSIX_C_SOURCE=200809L', '-Wall', '-Wextra', '-Werror',
        `-I${path.join(root, 'firmware/agent')}`,
        path.join(__dirname, 'fixtures/proto_echo.c'),
        path.join(root, 'firmware/agent/agent_proto.c'),
        '-o', exe,
      ]);
    });

    it('C parser accepts host frames through noise and corruption; host parser accepts C frames', () => {
      const prng = new Prng(baseSeed() + 4242);
      const frames = Array.from({ length: 60 }, (_, i) => ({ ...randomFrame(prng, i), type: 1 + prng.int(0x40) }));
      const parts: Buffer[] = [];
      const intact: Frame[] = [];
      for (const f of frames) {
        const e = Buffer.from(encodeFrame(f.type, f.seq, f.payload));
        const r = prng.next();
        if (r < 0.15) e[prng.int(e.length)] ^= 0x10;
        else if (r < 0.25) {
          parts.push(e.subarray(0, prng.int(e.length))); // cut short
          continue;
        } else intact.push(f);
        parts.push(e, prng.bytes(prng.int(30)));
      }
      const out = execFileSync(exe, { input: Buffer.concat(parts), maxBuffer: 1 << 24 });
      const { frames: echoed, text } = parseAll(new FrameParser(), [out]);
      assert.equal(echoed.length, intact.length);
      echoed.forEach((e, i) => {
        assert.equal(e.type, intact[i]!.type ^ 0x80);
        assert.equal(e.seq, intact[i]!.seq);
        assert.ok(e.payload.equals(intact[i]!.payload));
      });
      assert.match(text, /stats noise=\d+ header=\d+ crc=\d+/);
    });
  });
});
