// QEMU boards (flavour baremetal-qemu): the image is cross-built with CMake, booted with
// `qemu-system-arm ... -serial pty`, and reached through the pty with serialport, exactly like a
// USB board. QEMU is restarted after a hang or a crash and never outlives the CLI.
//
// Deterministic mode (`PALTLS_QEMU_DETERMINISTIC=1`, or RunnerOptions.deterministic) adds
// `-icount shift=0`: one guest instruction per nanosecond of virtual time, so the device's clock
// counts instructions (benchmarks report per-case instruction counts from it).
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SerialPort } from 'serialport';
import { Board, repoRoot } from './registry';
import { cmakeBuild, DeviceRunner, RunnerOptions } from './runner';
import { computeFootprint, formatFootprint } from './footprint';
import { BuildError, ConfigError, DeviceError } from '../errors';
import { CloseInfo, Transport, TransportBase } from '../transport/transport';
import { onTeardown } from '../util/cleanup';
import { which } from '../util/exec';

/**
 * -icount shift=0, plus a flag word planted by QEMU's generic loader in the last word of the
 * image's RAM (__host_flags in firmware/ports/baremetal-mps2/mps2_an385.ld): "ICNT" tells the
 * firmware that its clock counts instructions, so it reports per-case `instructions` metrics.
 */
export const ICOUNT_ARGS = ['-icount', 'shift=0', '-device', 'loader,addr=0x203ffffc,data=0x49434e54,data-len=4'];
const PTY_TIMEOUT_MS = 10000;

export interface QemuRunnerOptions extends RunnerOptions {
  /** Adds -icount shift=0 (instruction-counting virtual clock). */
  deterministic?: boolean;
}

export function deterministicFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.PALTLS_QEMU_DETERMINISTIC ?? '';
  return v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The QEMU command line of a board: run.command with {image}/{build}/{root} substituted. */
export function qemuCommandLine(board: Board, image: string, buildDir: string, deterministic: boolean): { cmd: string; args: string[] } {
  const template = board.run?.command;
  if (!template || template.length === 0) throw new ConfigError(`board ${board.id}: run.command is missing`);
  const vars: Record<string, string> = { image, build: buildDir, root: repoRoot() };
  const argv = template.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
  if (!argv.includes('pty')) {
    throw new ConfigError(`board ${board.id}: run.command must put the UART on a pty (-serial pty)`);
  }
  if (deterministic && !argv.includes('-icount')) argv.push(...ICOUNT_ARGS);
  return { cmd: argv[0]!, args: argv.slice(1) };
}

/** The serial line of one QEMU instance: the pty, closed (with a reason) when QEMU exits. */
export class QemuTransport extends TransportBase implements Transport {
  readonly description: string;
  private closed = false;

  constructor(
    private readonly port: SerialPort,
    readonly ptyPath: string,
    readonly qemu: ChildProcess,
    deterministic: boolean,
  ) {
    super();
    this.description = `QEMU pid ${qemu.pid} serial ${ptyPath}${deterministic ? ' (-icount shift=0)' : ''}`;
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    port.on('error', () => {
      /* EIO once QEMU is gone: reported by the exit handler */
    });
    port.on('close', () => this.finish({ code: null, signal: null, reason: `serial pty ${ptyPath} closed` }));
  }

  /** QEMU went away (crash of the emulator itself, or killed). */
  qemuExited(code: number | null, signal: string | null, stderr: string): void {
    const why = signal ? `killed by ${signal}` : `exit code ${code}`;
    this.finish({ code, signal, reason: `QEMU exited (${why})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    this.closePort();
  }

  private finish(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.emitClose(info);
  }

  write(data: Buffer): void {
    if (this.closed) throw new DeviceError(`cannot write: ${this.description} is closed`);
    this.port.write(data);
  }

  private closePort(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000); // never let a stuck close hold the run
      this.port.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.closePort();
  }
}

export class QemuBoardRunner implements DeviceRunner {
  private qemu?: ChildProcess;
  private line?: QemuTransport;
  private removeTeardown?: () => void;
  readonly deterministic: boolean;

  constructor(
    readonly board: Board,
    private readonly options: QemuRunnerOptions,
  ) {
    this.deterministic = options.deterministic ?? deterministicFromEnv();
  }

  get buildDir(): string {
    return path.resolve(repoRoot(), this.board.build.dir);
  }

  get image(): string {
    return path.resolve(this.buildDir, this.board.build.image ?? '');
  }

  async build(): Promise<void> {
    const b = this.board.build;
    await cmakeBuild(b.dir, b.source ?? '.', b.targets ?? [], b.cmakeArgs ?? [], this.options.echo);
    if (!fs.existsSync(this.image)) throw new BuildError(`build finished but the image ${this.image} is missing`);
    await this.reportFootprint();
  }

  /** Writes <build>/footprint.json and prints the table through the build echo. */
  async reportFootprint(): Promise<void> {
    const map = this.image.replace(/\.elf$/, '') + '.map';
    const sizeTool = which('arm-none-eabi-size');
    if (!sizeTool) return;
    try {
      const f = await computeFootprint({ board: this.board.id, elf: this.image, map, buildId: this.expectedBuildId(), sizeTool });
      fs.writeFileSync(path.join(this.buildDir, 'footprint.json'), JSON.stringify(f, null, 2) + '\n');
      for (const l of formatFootprint(f)) this.options.echo?.(l);
      this.options.echo?.(`  (written to ${path.relative(process.cwd(), path.join(this.buildDir, 'footprint.json'))})`);
    } catch (err) {
      this.options.echo?.(`footprint report skipped: ${(err as Error).message}`);
    }
  }

  expectedBuildId(): string | undefined {
    const f = this.board.build.idFile;
    if (!f) return undefined;
    const file = path.resolve(this.buildDir, f);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  }

  async start(): Promise<Transport> {
    if (!fs.existsSync(this.image)) {
      throw new BuildError(`image ${this.image} not built`, `run \`npx paltls build --board ${this.board.id}\` (or drop --no-build)`);
    }
    const { cmd, args } = qemuCommandLine(this.board, this.image, this.buildDir, this.deterministic);
    if (!which(cmd) && !fs.existsSync(cmd)) throw new ConfigError(`'${cmd}' not found`, 'install qemu-system-arm with ./scripts/setup');
    const qemu = spawn(cmd, args, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.qemu = qemu;
    this.removeTeardown = onTeardown(() => {
      if (qemu.exitCode === null && qemu.signalCode === null) qemu.kill('SIGKILL');
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 16384) output = output.slice(-8192);
    };
    qemu.stdout!.on('data', collect);
    qemu.stderr!.on('data', collect);
    const ptyPath = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new DeviceError(`QEMU did not report its serial pty within ${PTY_TIMEOUT_MS / 1000} s:\n${output}`));
      }, PTY_TIMEOUT_MS);
      const onData = (): void => {
        const m = /char device redirected to (\/dev\/\S+)/.exec(output);
        if (m) {
          cleanup();
          resolve(m[1]!);
        }
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new DeviceError(`QEMU exited (code ${code}) before the serial line was up:\n${output.trim()}`, 'check the board run.command and that the image is an ARM ELF'));
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(new DeviceError(`cannot start ${cmd}: ${err.message}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        qemu.stdout!.off('data', onData);
        qemu.stderr!.off('data', onData);
        qemu.off('exit', onExit);
        qemu.off('error', onError);
      };
      qemu.stdout!.on('data', onData);
      qemu.stderr!.on('data', onData);
      qemu.on('exit', onExit);
      qemu.on('error', onError);
    });
    const port = await new Promise<SerialPort>((resolve, reject) => {
      const p = new SerialPort({ path: ptyPath, baudRate: this.board.console.baud, autoOpen: false });
      p.open((err) => (err ? reject(new DeviceError(`cannot open QEMU's pty ${ptyPath}: ${err.message}`)) : resolve(p)));
    });
    const line = new QemuTransport(port, ptyPath, qemu, this.deterministic);
    this.line = line;
    qemu.on('exit', (code, signal) => line.qemuExited(code, signal, output));
    return line;
  }

  async stop(): Promise<void> {
    const q = this.qemu;
    const line = this.line;
    this.qemu = undefined;
    this.line = undefined;
    // Kill first: closing a pty whose other end is still live can block on pending output.
    if (q && q.exitCode === null && q.signalCode === null) {
      await new Promise<void>((resolve) => {
        q.once('exit', () => resolve());
        q.kill('SIGKILL');
      });
    }
    this.removeTeardown?.();
    this.removeTeardown = undefined;
    await line?.close();
  }

  async restart(): Promise<Transport> {
    await this.stop();
    return this.start();
  }
}
