// Zephyr on QEMU (zephyr-mps2-an385): `west build -d <dir> -t run` starts QEMU through ninja.
// The build is configured with -DQEMU_PTY=1, so Zephyr's cmake/emu/qemu.cmake puts the console on
// `-chardev pty,id=con,mux=on` and QEMU prints "char device redirected to /dev/pts/N (label con)".
// The chardev is shared with the QEMU monitor, so host->guest bytes are mux-escaped.
import { ChildProcess, spawn } from 'child_process';
import { SerialPort } from 'serialport';
import { repoRoot } from './registry';
import { QemuTransport } from './qemu';
import { escapeQemuMux } from './zephyr';
import { DeviceError } from '../errors';
import { onTeardown } from '../util/cleanup';

const PTY_TIMEOUT_MS = 120000; // `-t run` may rebuild first

/** Kills a process started with `detached: true` together with its children (ninja, QEMU). */
export async function stopProcessGroup(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
  });
}

export async function startZephyrQemu(argv: string[], baud: number, onSpawn: (p: ChildProcess) => void): Promise<QemuTransport> {
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  onSpawn(proc);
  const removeTeardown = onTeardown(() => {
    if (proc.pid !== undefined && proc.exitCode === null) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  proc.once('exit', () => removeTeardown());
  let output = '';
  const ptyPath = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new DeviceError(`QEMU did not report its console pty within ${PTY_TIMEOUT_MS / 1000} s:\n${output.slice(-2000)}`)), PTY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 65536) output = output.slice(-32768);
      const m = /char device redirected to (\/dev\/\S+)/.exec(output);
      if (m) done(undefined, m[1]!);
    };
    const onExit = (code: number | null): void =>
      done(
        new DeviceError(
          `\`${argv.join(' ')}\` exited (code ${code}) before QEMU's console was up:\n${output.trim().split('\n').slice(-25).join('\n')}`,
          `rebuild with \`paltls build\` (the build must pass -DQEMU_PTY=1) and check that qemu-system-arm is installed`,
        ),
      );
    const onError = (err: Error): void => done(new DeviceError(`cannot run ${argv[0]}: ${err.message}`));
    function done(err?: Error, pty?: string): void {
      clearTimeout(timer);
      proc.off('exit', onExit);
      proc.off('error', onError);
      if (err) reject(err);
      else resolve(pty!);
    }
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', onExit);
    proc.on('error', onError);
  }).catch(async (err: unknown) => {
    await stopProcessGroup(proc);
    throw err;
  });
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path: ptyPath, baudRate: baud, autoOpen: false });
    p.open((err) => (err ? reject(new DeviceError(`cannot open QEMU's pty ${ptyPath}: ${err.message}`)) : resolve(p)));
  });
  // (qemu.ts and runner.ts import each other, so QemuTransport is only touched at run time.)
  const line = new QemuTransport(port, ptyPath, proc, false);
  const rawWrite = line.write.bind(line);
  line.write = (data: Buffer): void => rawWrite(escapeQemuMux(data));
  proc.on('exit', (code, signal) => line.qemuExited(code, signal, output));
  return line;
}
