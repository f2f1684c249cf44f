// Frames that pass the CRC but whose payload does not decode (review row 6): a malformed or
// truncated CASE_RESULT, integers of a width the agent never writes (5-7 bytes for a 64-bit
// value), a damaged ERROR, FAULT or BOOT. Each ends as an outcome of that case; the session stays
// usable for the next case and nothing escapes as an exception or an unhandled rejection.
import { strict as assert } from 'assert';
import { SyncError } from '../src/errors';
import { MsgType, Tag } from '../src/protocol/constants';
import { CaseOutcome, parseFault, Session } from '../src/protocol/session';
import { TlvReader, TlvWriter } from '../src/protocol/tlv';
import { Transcript } from '../src/report/transcript';
import { FakeDevice } from './helpers/fakeDevice';

/** A raw TLV entry of any length (TlvWriter only writes well-formed widths). */
function tlv(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head[0] = tag;
  head.writeUInt16LE(value.length, 1);
  return Buffer.concat([head, value]);
}

function result(name: string, extra: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([new TlvWriter().str(Tag.Name, name).u32(Tag.Status, 0).u32(Tag.Duration, 5).build(), extra]);
}

/** A device whose case `bad` answers with `payload` as its CASE_RESULT; other cases pass. */
function deviceAnswering(payload: Buffer, type: number = MsgType.CaseResult): FakeDevice {
  return new FakeDevice({
    cases: [
      { index: 0, name: 'bad', needs: 0 },
      { index: 1, name: 'good', needs: 0 },
    ],
    onRun: (name, d, seq) => {
      d.sendFrame(MsgType.CaseStart, seq, new TlvWriter().str(Tag.Name, name).build());
      if (name === 'bad') d.sendFrame(type, seq, payload);
      else d.sendFrame(MsgType.CaseResult, seq, result(name));
    },
  });
}

/** Fails the test instead of hanging when an outcome never comes. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no outcome within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('session: payloads that do not decode', () => {
  const escaped: unknown[] = [];
  const onEscape = (err: unknown): void => void escaped.push(err);
  let saved: NodeJS.UnhandledRejectionListener[] = [];
  let savedExc: NodeJS.UncaughtExceptionListener[] = [];

  beforeEach(() => {
    escaped.length = 0;
    saved = process.listeners('unhandledRejection');
    savedExc = process.listeners('uncaughtException');
    process.removeAllListeners('unhandledRejection');
    process.removeAllListeners('uncaughtException');
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
  });

  afterEach(() => {
    process.removeAllListeners('unhandledRejection');
    process.removeAllListeners('uncaughtException');
    for (const l of saved) process.on('unhandledRejection', l);
    for (const l of savedExc) process.on('uncaughtException', l);
  });

  async function runBadThenGood(dev: FakeDevice): Promise<[CaseOutcome, CaseOutcome]> {
    const s = new Session(dev, new Transcript());
    try {
      await s.sync({ timeoutMs: 2000 });
      const bad = await within(s.runCase('bad', 1500), 4000, 'case bad');
      const good = await within(s.runCase('good', 1500), 4000, 'case good');
      await new Promise((r) => setImmediate(r));
      return [bad, good];
    } finally {
      s.dispose();
      await dev.close();
    }
  }

  function assertErrorThenPass([bad, good]: [CaseOutcome, CaseOutcome], message: RegExp): void {
    assert.deepEqual(escaped, [], 'an exception or rejection escaped the session');
    assert.equal(bad.kind, 'result');
    if (bad.kind === 'result') {
      assert.equal(bad.report.status, 'error');
      assert.match(bad.report.message ?? '', message);
    }
    assert.equal(good.kind, 'result');
    if (good.kind === 'result') assert.equal(good.report.status, 'passed');
  }

  it('truncated CASE_RESULT (a TLV longer than the payload): error outcome, next case runs', async () => {
    const full = result('bad');
    assertErrorThenPass(await runBadThenGood(deviceAnswering(full.subarray(0, full.length - 2))), /malformed CASE_RESULT.*truncated TLV/);
  });

  it('CASE_RESULT with trailing bytes after the last TLV: error outcome', async () => {
    assertErrorThenPass(await runBadThenGood(deviceAnswering(Buffer.concat([result('bad'), Buffer.from([0x11])]))), /malformed CASE_RESULT.*trailing bytes/);
  });

  for (const width of [5, 6, 7]) {
    it(`${width}-byte METRIC_VALUE: error outcome, next case runs`, async () => {
      const metric = Buffer.concat([tlv(Tag.MetricName, Buffer.from('stack_bytes')), tlv(Tag.MetricValue, Buffer.alloc(width, 0x01))]);
      assertErrorThenPass(await runBadThenGood(deviceAnswering(result('bad', metric))), new RegExp(`malformed CASE_RESULT.*${width}-byte integer`));
    });

    it(`${width}-byte DURATION: error outcome, next case runs`, async () => {
      const payload = Buffer.concat([new TlvWriter().str(Tag.Name, 'bad').u32(Tag.Status, 0).build(), tlv(Tag.Duration, Buffer.alloc(width, 0x02))]);
      assertErrorThenPass(await runBadThenGood(deviceAnswering(payload)), new RegExp(`${width}-byte integer`));
    });
  }

  it('METRIC_NAME without its METRIC_VALUE: error outcome', async () => {
    assertErrorThenPass(await runBadThenGood(deviceAnswering(result('bad', tlv(Tag.MetricName, Buffer.from('x'))))), /METRIC_NAME/);
  });

  it('an ERROR reply that does not decode: error outcome, next case runs', async () => {
    assertErrorThenPass(await runBadThenGood(deviceAnswering(Buffer.from([0x10, 0xff, 0xff]), MsgType.Error)), /malformed ERROR frame/);
  });

  it('a FAULT that does not decode is still a crash, reported as such', async () => {
    const dev = new FakeDevice({
      onRun: (name, d, seq) => {
        d.sendFrame(MsgType.CaseStart, seq, new TlvWriter().str(Tag.Name, name).build());
        d.sendFrame(MsgType.Fault, 0, Buffer.concat([tlv(Tag.Message, Buffer.from('HardFault')), tlv(Tag.MetricName, Buffer.from('pc')), tlv(Tag.MetricValue, Buffer.alloc(6))]));
        setTimeout(() => d.crash({ code: null, signal: 'SIGSEGV', reason: 'killed' }), 20);
      },
    });
    const s = new Session(dev, new Transcript());
    await s.sync({ timeoutMs: 2000 });
    const o = await within(s.runCase('alpha', 3000), 5000, 'case alpha');
    s.dispose();
    assert.deepEqual(escaped, []);
    assert.equal(o.kind, 'crash');
    if (o.kind === 'crash') assert.match(o.fault?.reason ?? '', /malformed FAULT frame.*6-byte integer/);
  });

  it('a BOOT that does not decode mid-case is still a reboot', async () => {
    const dev = new FakeDevice({
      onRun: (name, d, seq) => {
        d.sendFrame(MsgType.CaseStart, seq, new TlvWriter().str(Tag.Name, name).build());
        d.sendFrame(MsgType.Boot, 0, Buffer.from([0x03, 0x40, 0x00, 0x61]));
      },
    });
    const s = new Session(dev, new Transcript());
    await s.sync({ timeoutMs: 2000 });
    const o = await within(s.runCase('alpha', 3000), 5000, 'case alpha');
    s.dispose();
    await dev.close();
    assert.deepEqual(escaped, []);
    assert.equal(o.kind, 'crash');
    if (o.kind === 'crash') assert.equal(o.rebooted, true);
  });

  it('a HELLO_ACK that does not decode fails the sync as a version mismatch', async () => {
    const dev = new FakeDevice();
    const s = new Session(dev, new Transcript());
    const origWrite = dev.write.bind(dev);
    dev.write = (data: Buffer): void => {
      origWrite(data);
      const hello = dev.received[dev.received.length - 1]!;
      dev.sendFrame(MsgType.HelloAck, hello.seq, Buffer.concat([new TlvWriter().put(Tag.Nonce, new TlvReader(hello.payload).bytes(Tag.Nonce)!).build(), tlv(Tag.Count, Buffer.alloc(5))]));
    };
    const err = await s.sync({ timeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    s.dispose();
    await dev.close();
    assert.deepEqual(escaped, []);
    assert.ok(err instanceof SyncError, String(err));
    assert.equal((err as SyncError).reason, 'version');
  });

  it('reads METRIC_VALUE as i64 in CASE_RESULT and FAULT alike (one reading)', async () => {
    const neg = Buffer.alloc(8);
    neg.writeBigInt64LE(-5n);
    const fault = parseFault({
      type: MsgType.Fault,
      seq: 0,
      payload: Buffer.concat([tlv(Tag.MetricName, Buffer.from('r0')), tlv(Tag.MetricValue, neg), new TlvWriter().str(Tag.MetricName, 'pc').u64(Tag.MetricValue, 0xfffffff9).build()]),
    });
    assert.equal(fault.registers.r0, -5);
    assert.equal(fault.registers.pc, 0xfffffff9);
    const dev = new FakeDevice({
      onRun: (name, d, seq) => {
        d.sendFrame(MsgType.CaseStart, seq, new TlvWriter().str(Tag.Name, name).build());
        d.sendFrame(MsgType.CaseResult, seq, result(name, Buffer.concat([tlv(Tag.MetricName, Buffer.from('delta')), tlv(Tag.MetricValue, neg)])));
      },
    });
    const s = new Session(dev, new Transcript());
    await s.sync({ timeoutMs: 2000 });
    const o = await within(s.runCase('alpha', 3000), 5000, 'case alpha');
    s.dispose();
    await dev.close();
    assert.equal(o.kind, 'result');
    if (o.kind === 'result') assert.deepEqual(o.report.metrics, [{ name: 'delta', value: -5 }]);
  });
});
