// QEMU boards (flavour baremetal-qemu): the image is cross-built with CMake, booted with
// `qemu-system-arm ... -serial pty`, and reached through the pty (boards/process.ts). QEMU is
// restarted after a hang or a crash and never outlives the CLI.
//
// Deterministic mode (RunnerOptions.deterministic: `--deterministic`, or
// `PALTLS_QEMU_DETERMINISTIC=1` read by the CLI) adds `-icount shift=0`: one guest instruction per
// nanosecond of virtual time, so the device's clock counts instructions (benchmarks report
// per-case instruction counts from it).
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { Board } from './registry';
import { boardBuildDir, boardImage, buildBoard, builtId, substitute } from './build';
import { DeviceRunner, RunnerOptions } from './device';
import { writeFootprintReport } from './footprint';
import { killOnTeardown, openPty, OutputTail, PtyTransport, stopProcess, waitForPty } from './process';
import { BuildError, ConfigError, DeviceError } from '../errors';
import { Transport } from '../transport/transport';
import { which } from '../util/exec';
import { repoRoot } from '../util/paths';

/**
 * -icount shift=0, plus a flag word planted by QEMU's generic loader in the last word of the
 * image's RAM (__host_flags in firmware/ports/baremetal-mps2/mps2_an385.ld): "ICNT" tells the
 * firmware that its clock counts instructions, so it reports per-case `instructions` metrics.
 */
export const ICOUNT_ARGS = ['-icount', 'shift=0', '-device', 'loader,addr=0x203ffffc,data=0x49434e54,data-len=4'];
const PTY_TIMEOUT_MS = 10000;

/** `PALTLS_QEMU_DETERMINISTIC`: set and not 0/false. Read once by the CLI, passed on as a value. */
export function deterministicFromEnv(env: NodeJS.ProcessEnv): boolean {
  const v = env.PALTLS_QEMU_DETERMINISTIC ?? '';
  return v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The QEMU command line of a board: run.command with {image}/{build}/{root} substituted. */
export function qemuCommandLine(board: Board, image: string, buildDir: string, deterministic: boolean): { cmd: string; args: string[] } {
  const template = board.run?.command;
  if (!template || template.length === 0) throw new ConfigError(`board ${board.id}: run.command is missing`);
  const argv = substitute(template, { image, build: buildDir, root: repoRoot() });
  if (!argv.includes('pty')) {
    throw new ConfigError(`board ${board.id}: run.command must put the UART on a pty (-serial pty)`);
  }
  if (deterministic && !argv.includes('-icount')) argv.push(...ICOUNT_ARGS);
  return { cmd: argv[0]!, args: argv.slice(1) };
}

export class QemuBoardRunner implements DeviceRunner {
  private qemu?: ChildProcess;
  private line?: PtyTransport;
  private removeTeardown?: () => void;
  readonly deterministic: boolean;

  constructor(
    readonly board: Board,
    private readonly options: RunnerOptions,
  ) {
    this.deterministic = options.deterministic ?? false;
  }

  get buildDir(): string {
    return boardBuildDir(this.board);
  }

  get image(): string {
    return boardImage(this.board);
  }

  async build(): Promise<void> {
    await buildBoard(this.board, this.options.echo);
    if (!fs.existsSync(this.image)) throw new BuildError(`build finished but the image ${this.image} is missing`);
    await writeFootprintReport(this.board, this.image, this.expectedBuildId(), this.options.echo);
  }

  expectedBuildId(): string | undefined {
    return builtId(this.board);
  }

  async start(): Promise<Transport> {
    if (!fs.existsSync(this.image)) {
      throw new BuildError(`image ${this.image} not built`, `run \`npx paltls build --board ${this.board.id}\` (or drop --no-build)`);
    }
    const { cmd, args } = qemuCommandLine(this.board, this.image, this.buildDir, this.deterministic);
    if (!which(cmd) && !fs.existsSync(cmd)) throw new ConfigError(`'${cmd}' not found`, 'install qemu-system-arm with ./scripts/setup');
    const qemu = spawn(cmd, args, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.qemu = qemu;
    this.removeTeardown = killOnTeardown(qemu, false);
    const output = new OutputTail(qemu, 16384);
    const ptyPath = await waitForPty(qemu, output, PTY_TIMEOUT_MS, {
      timeout: (out) => new DeviceError(`QEMU did not report its serial pty within ${PTY_TIMEOUT_MS / 1000} s:\n${out}`),
      exit: (code, out) =>
        new DeviceError(`QEMU exited (code ${code}) before the serial line was up:\n${out.trim()}`, 'check the board run.command and that the image is an ARM ELF'),
      spawnError: (err) => new DeviceError(`cannot start ${cmd}: ${err.message}`),
    });
    const port = await openPty(ptyPath, this.board.console.baud);
    const line = new PtyTransport(port, ptyPath, qemu, {
      description: `QEMU pid ${qemu.pid} serial ${ptyPath}${this.deterministic ? ' (-icount shift=0)' : ''}`,
    });
    this.line = line;
    qemu.on('exit', (code, signal) => line.qemuExited(code, signal, output.text));
    return line;
  }

  async stop(): Promise<void> {
    const q = this.qemu;
    const line = this.line;
    this.qemu = undefined;
    this.line = undefined;
    // Kill first: closing a pty whose other end is still live can block on pending output.
    if (q) await stopProcess(q);
    this.removeTeardown?.();
    this.removeTeardown = undefined;
    await line?.close();
  }

  async restart(): Promise<Transport> {
    await this.stop();
    return this.start();
  }
}
