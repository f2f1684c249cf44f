import { strict as assert } from 'assert';
import { SyncError } from '../src/errors';
import { MsgType, Tag } from '../src/protocol/constants';
import { Session } from '../src/protocol/session';
import { TlvWriter } from '../src/protocol/tlv';
import { Transcript } from '../src/report/transcript';
import { FakeDevice } from './helpers/fakeDevice';
import { Prng } from './helpers/prng';

function open(dev: FakeDevice): Session {
  return new Session(dev, new Transcript());
}

async function syncError(dev: FakeDevice, opts: Parameters<Session['sync']>[0]): Promise<SyncError> {
  const s = open(dev);
  try {
    await s.sync(opts);
  } catch (err) {
    return err as SyncError;
  } finally {
    s.dispose();
    await dev.close();
  }
  throw new Error('sync unexpectedly succeeded');
}

describe('session', () => {
  it('syncs, reads the manifest and runs a case over split, interleaved writes', async () => {
    const dev = new FakeDevice({ splitWrites: true, prng: new Prng(3), staleEchoFirst: true });
    const s = open(dev);
    const id = await s.sync({ timeoutMs: 2000, expectedBuildId: 'build-1', expectedBoard: 'fake' });
    assert.equal(id.board, 'fake');
    assert.equal(id.mbedtls, '3.6.0');
    assert.equal(id.entropyTestOnly, true);
    const cases = await s.list();
    assert.deepEqual(cases.map((c) => c.name), ['alpha', 'beta']);
    await s.setEnv('peer.host', '127.0.0.1');
    const outcome = await s.runCase('alpha', 1000);
    assert.equal(outcome.kind, 'result');
    if (outcome.kind === 'result') assert.equal(outcome.report.status, 'passed');
    assert.ok(s.transcript.entries.some((e) => e.dir === 'rx' && e.text.includes('some log text')), 'log text kept in transcript');
    assert.ok(s.transcript.entries.some((e) => e.dir === 'tx' && e.text.startsWith('Run')), 'requests kept in transcript');
    s.dispose();
  });

  it('sync failure: no device (nothing ever comes back)', async () => {
    const err = await syncError(new FakeDevice({ mode: 'silent' }), { timeoutMs: 600, helloIntervalMs: 100 });
    assert.ok(err instanceof SyncError);
    assert.equal(err.reason, 'no-device');
    assert.match(err.message, /no byte received/);
    assert.ok(err.hint);
  });

  it('sync failure: garbage on the line (wrong baud rate)', async () => {
    const err = await syncError(new FakeDevice({ mode: 'garbage', prng: new Prng(11) }), { timeoutMs: 600, helloIntervalMs: 100 });
    assert.equal(err.reason, 'garbage');
    assert.match(err.hint ?? '', /baud/);
  });

  it('sync failure: readable text but no agent (bootloader, other firmware)', async () => {
    const err = await syncError(new FakeDevice({ mode: 'text-only' }), { timeoutMs: 600, helloIntervalMs: 100 });
    assert.equal(err.reason, 'no-reply');
    assert.match(err.message, /never answered HELLO/);
  });

  it('sync failure: stale build id (device not reflashed)', async () => {
    const err = await syncError(new FakeDevice({ buildId: 'old-build' }), { timeoutMs: 1000, expectedBuildId: 'new-build' });
    assert.equal(err.reason, 'stale-build');
    assert.match(err.message, /old-build/);
    assert.match(err.hint ?? '', /flash/);
  });

  it('sync failure: wrong board on the port', async () => {
    const err = await syncError(new FakeDevice({ board: 'other' }), { timeoutMs: 1000, expectedBoard: 'native' });
    assert.equal(err.reason, 'wrong-board');
  });

  it('ignores a HELLO_ACK that echoes another nonce (stale reply)', async () => {
    const dev = new FakeDevice({ staleEchoFirst: true });
    const s = open(dev);
    const id = await s.sync({ timeoutMs: 1000 });
    assert.equal(id.buildId, 'build-1');
    s.dispose();
  });

  it('retransmits a LIST the device never saw (docs/protocol.md §4) and reads the manifest once', async () => {
    const dev = new FakeDevice();
    const s = open(dev);
    await s.sync({ timeoutMs: 1000 });
    const write = dev.write.bind(dev);
    let dropped = 0;
    dev.write = (data: Buffer): void => {
      if (data[3] === MsgType.List && dropped++ === 0) return; // lost on the line
      write(data);
    };
    const cases = await s.list();
    assert.equal(dropped, 2);
    assert.deepEqual(
      cases.map((c) => c.name),
      dev.cases.map((c) => c.name),
    );
    s.dispose();
    await dev.close();
  });

  it('reports a hung case as a timeout', async () => {
    const dev = new FakeDevice({
      onRun: (name, d, seq) => d.sendFrame(MsgType.CaseStart, seq, new TlvWriter().str(Tag.Name, name).build()),
    });
    const s = open(dev);
    await s.sync({ timeoutMs: 1000 });
    const o = await s.runCase('alpha', 300);
    assert.equal(o.kind, 'timeout');
    s.dispose();
  });

  it('reports a crash (fault frame, then the line closes) with the fault details', async () => {
    const dev = new FakeDevice({
      onRun: (name, d, seq) => {
        d.sendFrame(MsgType.CaseStart, seq, new TlvWriter().str(Tag.Name, name).build());
        d.sendFrame(
          MsgType.Fault,
          0,
          new TlvWriter().str(Tag.Message, 'HardFault').str(Tag.Name, name).str(Tag.MetricName, 'pc').u64(Tag.MetricValue, 0x1234).build(),
        );
        setTimeout(() => d.crash({ code: null, signal: 'SIGILL', reason: 'device process killed by SIGILL' }), 20);
      },
    });
    const s = open(dev);
    await s.sync({ timeoutMs: 1000 });
    const o = await s.runCase('alpha', 5000);
    assert.equal(o.kind, 'crash');
    if (o.kind === 'crash') {
      assert.equal(o.fault?.reason, 'HardFault');
      assert.equal(o.fault?.registers.pc, 0x1234);
    }
    s.dispose();
  });

  it('turns a device ERROR reply into an error result instead of hanging', async () => {
    const dev = new FakeDevice({
      onRun: (_name, d, seq) => d.sendFrame(MsgType.Error, seq, new TlvWriter().u32(Tag.Status, 3).str(Tag.Message, "no case named 'zzz'").build()),
    });
    const s = open(dev);
    await s.sync({ timeoutMs: 1000 });
    const o = await s.runCase('zzz', 1000);
    assert.equal(o.kind, 'result');
    if (o.kind === 'result') {
      assert.equal(o.report.status, 'error');
      assert.match(o.report.message ?? '', /no case named/);
    }
    s.dispose();
  });
});
