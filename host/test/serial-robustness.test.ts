// Serial robustness: the device's serial port disappears (unplug, USB re-enumeration, QEMU exit)
// while the harness is waiting on it, and later comes back under the same path. A pty pair made
// by socat stands in for the port: one end is opened by SerialTransport exactly as a board's port
// is, the other plays the device; killing socat takes both ends away.
// What the harness implements (transport/serial.ts, protocol/session.ts): the transport reports a
// close, every pending request fails with a DeviceError (exit 2, infrastructure -- not a test
// failure), opening the vanished path is a DeviceError too, and once the port is back it opens
// again (board detection finds it by USB serial number; here the path stays the same).
// Found on the way: an idle port only notices the hangup once it is reading (a pty whose far end
// goes away within a few ms of the open is not reported until the next write); the harness always
// has a request in flight while it waits, so the cases give the port 100 ms first.
import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeviceError, ExitCode } from '../src/errors';
import { Session } from '../src/protocol/session';
import { Transcript } from '../src/report/transcript';
import { SerialTransport } from '../src/transport/serial';
import { CloseInfo } from '../src/transport/transport';

const haveSocat = spawnSync('socat', ['-V']).status === 0;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** socat with two linked ptys; resolves once both links exist. */
async function startPtyPair(device: string, far: string): Promise<ChildProcess> {
  const proc = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${far}`], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(device) && fs.existsSync(far)) return proc;
    await sleep(20);
  }
  proc.kill('SIGKILL');
  throw new Error('socat did not create the pty pair');
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  await exited;
}

describe('serial robustness: a port that disappears and comes back', function () {
  let dir: string;
  let device: string;
  let far: string;
  let socat: ChildProcess | undefined;

  before(function () {
    if (!haveSocat) this.skip(); // scripts/setup installs it
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-serial-'));
    device = path.join(dir, 'ttyDEVICE');
    far = path.join(dir, 'ttyFAR');
    socat = await startPtyPair(device, far);
  });

  afterEach(async () => {
    if (socat) await stop(socat);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails the pending request with an infrastructure error (exit 2), not a test failure', async () => {
    const transport = await SerialTransport.open(device, 115200);
    const session = new Session(transport, new Transcript());
    const closed = new Promise<CloseInfo>((resolve) => transport.once('close', resolve));
    try {
      // Nobody answers on the far end: the ping is pending when the port goes away.
      // Settled into a value at once, so the rejection is handled when it happens.
      const ping = session.ping(10000).then(
        () => undefined,
        (err: unknown) => err,
      );
      await sleep(100);
      await stop(socat!);
      const info = await closed;
      assert.match(info.reason, /closed \(device reset or unplugged\?\)/);
      const err = await ping;
      assert.ok(err instanceof DeviceError, `expected a DeviceError, got ${String(err)}`);
      assert.equal(err.exitCode, ExitCode.Infrastructure);
      assert.match(err.message, /device went away/);
      // Later requests fail the same way instead of hanging.
      await assert.rejects(session.ping(1000), (err: unknown) => err instanceof DeviceError && err.exitCode === ExitCode.Infrastructure);
      assert.throws(() => transport.write(Buffer.from('x')), (err: unknown) => err instanceof DeviceError);
    } finally {
      session.dispose();
      await transport.close();
    }
  });

  it('reports the vanished path as an infrastructure error, then re-opens it when it is back', async () => {
    const first = await SerialTransport.open(device, 115200);
    const closed = new Promise<CloseInfo>((resolve) => first.once('close', resolve));
    await sleep(100); // let the port settle into reading, as it is while the harness waits
    await stop(socat!);
    await closed;
    await first.close();
    await assert.rejects(SerialTransport.open(device, 115200), (err: unknown) => {
      assert.ok(err instanceof DeviceError, `expected a DeviceError, got ${String(err)}`);
      assert.equal(err.exitCode, ExitCode.Infrastructure);
      assert.match(err.message, /cannot open serial port/);
      return true;
    });

    // The port comes back under the same name: it opens again and carries data both ways.
    socat = await startPtyPair(device, far);
    const again = await SerialTransport.open(device, 115200);
    const farFd = fs.openSync(far, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
    try {
      const received = new Promise<Buffer>((resolve) => again.once('data', resolve));
      fs.writeSync(farFd, Buffer.from('boot banner\n'));
      assert.equal((await received).toString(), 'boot banner\n');
      again.write(Buffer.from('hello'));
      const echoed = Buffer.alloc(5);
      let got = 0;
      for (let i = 0; i < 50 && got < 5; i++) {
        try {
          got += fs.readSync(farFd, echoed, got, 5 - got, null);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
          await sleep(20);
        }
      }
      assert.equal(echoed.toString(), 'hello');
    } finally {
      fs.closeSync(farFd);
      await again.close();
    }
  });
});
