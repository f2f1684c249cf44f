// Zephyr on QEMU (zephyr-mps2-an385): `west build -d <dir> -t run` starts QEMU through ninja.
// The build is configured with -DQEMU_PTY=1, so Zephyr's cmake/emu/qemu.cmake puts the console on
// `-chardev pty,id=con,mux=on` and QEMU prints "char device redirected to /dev/pts/N (label con)".
// The chardev is shared with the QEMU monitor, so host->guest bytes are mux-escaped.
import { ChildProcess, spawn } from 'child_process';
import { escapeQemuMux } from './zephyr';
import { killOnTeardown, openPty, OutputTail, PtyTransport, stopProcessGroup, waitForPty } from './process';
import { DeviceError } from '../errors';
import { repoRoot } from '../util/paths';

const PTY_TIMEOUT_MS = 120000; // `-t run` may rebuild first

export async function startZephyrQemu(argv: string[], baud: number, onSpawn: (p: ChildProcess) => void): Promise<PtyTransport> {
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  onSpawn(proc);
  const removeTeardown = killOnTeardown(proc, true);
  proc.once('exit', () => removeTeardown());
  const output = new OutputTail(proc, 65536);
  const ptyPath = await waitForPty(proc, output, PTY_TIMEOUT_MS, {
    timeout: (out) => new DeviceError(`QEMU did not report its console pty within ${PTY_TIMEOUT_MS / 1000} s:\n${out.slice(-2000)}`),
    exit: (code, out) =>
      new DeviceError(
        `\`${argv.join(' ')}\` exited (code ${code}) before QEMU's console was up:\n${out.trim().split('\n').slice(-25).join('\n')}`,
        `rebuild with \`paltls build\` (the build must pass -DQEMU_PTY=1) and check that qemu-system-arm is installed`,
      ),
    spawnError: (err) => new DeviceError(`cannot run ${argv[0]}: ${err.message}`),
  }).catch(async (err: unknown) => {
    await stopProcessGroup(proc);
    throw err;
  });
  const port = await openPty(ptyPath, baud);
  const line = new PtyTransport(port, ptyPath, proc, { description: `QEMU pid ${proc.pid} serial ${ptyPath}`, encode: escapeQemuMux });
  proc.on('exit', (code, signal) => line.qemuExited(code, signal, output.text));
  return line;
}
