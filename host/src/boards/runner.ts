// How a board's image is built, booted or flashed, and reached: one runner per flavour.
// native: a local process (stdio = serial line). baremetal-qemu: QEMU with -serial pty.
// zephyr: west build / west flash and the board's USB serial console.
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Board, repoRoot } from './registry';
import { findBoardPort } from './detect';
import { BuildError, ConfigError, DeviceError } from '../errors';
import { ChildProcessTransport } from '../transport/child';
import { SerialTransport } from '../transport/serial';
import { Transport } from '../transport/transport';
import { requireTool, run, which } from '../util/exec';
import { QemuBoardRunner, QemuTransport } from './qemu';
import { EMULATOR_RUNNERS, selectRunner, zephyrBuildArgs, zephyrBuildDir, zephyrFlashArgs, zephyrRunArgs } from './zephyr';
import { startZephyrQemu, stopProcessGroup } from './zephyrQemu';

export interface RunnerOptions {
  port?: string; // --port
  probe?: string; // --probe (serial number of the debug probe)
  runner?: string; // --runner (Zephyr boards: west flash runner other than the registry default)
  flash?: boolean; // false: --no-flash (Zephyr boards: the image on the board is used as is)
  skipRebuild?: boolean; // west flash --skip-rebuild
  portWaitMs?: number; // how long to look for the USB serial port after flashing (default PALTLS_PORT_WAIT_MS, else 10 s)
  echo?: (line: string) => void; // build output
  verbose?: boolean;
  bridge?: boolean;
  buildDir?: string; // --build-dir: cmake boards, run the image of this build directory (e.g. an ASan build)
}

export interface DeviceRunner {
  readonly board: Board;
  /** Builds (incrementally) what the board needs; no-op if nothing changed. */
  build(): Promise<void>;
  /** Build id of the image that should be running, when the build tells it. */
  expectedBuildId(): string | undefined;
  /** Boots/flashes and opens the line. */
  start(): Promise<Transport>;
  /** Brings a hung or crashed device back (kill+respawn, QEMU restart, reflash/reset). */
  restart(): Promise<Transport>;
  stop(): Promise<void>;
}

function substitute(args: string[], vars: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
}

export async function cmakeBuild(dir: string, source: string, targets: string[], extraArgs: string[], echo?: (l: string) => void): Promise<void> {
  requireTool('cmake', 'install it with ./scripts/setup (Debian package cmake)');
  requireTool('ninja', 'install it with ./scripts/setup (Debian package ninja-build)');
  const root = repoRoot();
  const buildDir = path.resolve(root, dir);
  if (!fs.existsSync(path.join(buildDir, 'build.ninja'))) {
    await run('cmake', ['-S', path.resolve(root, source), '-B', buildDir, '-G', 'Ninja', ...extraArgs], { cwd: root, echo });
  }
  await run('ninja', ['-C', buildDir, ...targets], { cwd: root, echo });
}

/** The native build always provides the peer and the PKI, whatever the board. */
export async function buildHostTools(echo?: (l: string) => void): Promise<void> {
  await cmakeBuild('build', '.', ['paltls_peer', 'paltls_pki'], [], echo);
}

abstract class CmakeRunner implements DeviceRunner {
  constructor(readonly board: Board, protected readonly options: RunnerOptions) {}

  protected get buildDir(): string {
    return path.resolve(repoRoot(), this.options.buildDir ?? this.board.build.dir);
  }
  protected get imageName(): string | undefined {
    return this.board.build.image;
  }
  protected get idFileName(): string | undefined {
    return this.board.build.idFile;
  }
  protected get image(): string {
    return path.resolve(this.buildDir, this.imageName ?? '');
  }

  async build(): Promise<void> {
    const b = this.board.build;
    await cmakeBuild(this.options.buildDir ?? b.dir, b.source ?? '.', b.targets ?? [], b.cmakeArgs ?? [], this.options.echo);
    if (this.imageName && !fs.existsSync(this.image)) throw new BuildError(`build finished but the image ${this.image} is missing`);
  }

  expectedBuildId(): string | undefined {
    const f = this.idFileName;
    if (!f) return undefined;
    const file = path.resolve(this.buildDir, f);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  }

  protected command(): { cmd: string; args: string[] } {
    const cmdline = substitute(this.board.run?.command ?? ['{image}'], { image: this.image, build: this.buildDir, root: repoRoot() });
    if (!fs.existsSync(this.image)) {
      throw new BuildError(`image ${this.image} not built`, `run \`npx paltls build --board ${this.board.id}\` (or drop --no-build)`);
    }
    return { cmd: cmdline[0]!, args: cmdline.slice(1) };
  }

  abstract start(): Promise<Transport>;
  abstract stop(): Promise<void>;
  async restart(): Promise<Transport> {
    await this.stop();
    return this.start();
  }
}

export class NativeRunner extends CmakeRunner {
  private proc?: ChildProcessTransport;

  /** --bridge: the agent linked with the socket bridge, when the board has one. */
  protected override get imageName(): string | undefined {
    const b = this.board.build;
    if (!this.options.bridge) return b.image;
    if (!b.bridgeImage) throw new ConfigError(`board ${this.board.id} has no socket-bridge image (build.bridgeImage in its board.json)`);
    return b.bridgeImage;
  }
  protected override get idFileName(): string | undefined {
    return this.options.bridge ? this.board.build.bridgeIdFile : this.board.build.idFile;
  }

  async start(): Promise<Transport> {
    const { cmd, args } = this.command();
    this.proc = new ChildProcessTransport(cmd, args, { cwd: repoRoot() });
    return this.proc;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await p?.kill();
  }
}

/** QEMU with the UART on a pty: QEMU prints "char device redirected to /dev/pts/N". */
export class QemuRunner extends CmakeRunner {
  private qemu?: ChildProcess;
  private line?: SerialTransport;

  async start(): Promise<Transport> {
    const { cmd, args } = this.command();
    if (!which(cmd) && !fs.existsSync(cmd)) throw new ConfigError(`'${cmd}' not found`, 'install qemu-system-arm with ./scripts/setup');
    const qemu = spawn(cmd, args, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.qemu = qemu;
    const ptyPath = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new DeviceError(`QEMU did not report its serial pty within 10 s:\n${out}`)), 10000);
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        const m = /char device redirected to (\/dev\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      qemu.stdout!.on('data', onData);
      qemu.stderr!.on('data', onData);
      qemu.on('exit', (code) => {
        clearTimeout(timer);
        reject(new DeviceError(`QEMU exited (code ${code}) before the serial line was up:\n${out}`));
      });
    });
    this.line = await SerialTransport.open(ptyPath, this.board.console.baud);
    qemu.on('exit', () => void this.line?.close());
    return this.line;
  }

  async stop(): Promise<void> {
    await this.line?.close();
    this.line = undefined;
    const q = this.qemu;
    this.qemu = undefined;
    if (q && q.exitCode === null) {
      await new Promise<void>((resolve) => {
        q.once('exit', () => resolve());
        q.kill('SIGKILL');
      });
    }
  }
}

/** Zephyr boards: west build / west flash, console on the board's USB serial port. */
export class ZephyrRunner implements DeviceRunner {
  private line?: SerialTransport | QemuTransport;
  private qemu?: ChildProcess;
  constructor(readonly board: Board, private readonly options: RunnerOptions) {}

  private get buildDir(): string {
    return zephyrBuildDir(this.board);
  }

  /** The board runs in QEMU (`west build -t run`) instead of being flashed. */
  get emulated(): boolean {
    return EMULATOR_RUNNERS.has(selectRunner(this.board, this.options.runner).runner);
  }

  static requireWest(): void {
    requireTool(
      'west',
      'the Zephyr flavour needs a west workspace: pip install west, then `west init -l` in this checkout and `west update` (see docs/porting.md)',
    );
  }

  westBuildArgs(): string[] {
    return zephyrBuildArgs(this.board, { bridge: this.options.bridge });
  }

  westFlashArgs(): string[] {
    return zephyrFlashArgs(this.board, { runner: this.options.runner, probe: this.options.probe, skipRebuild: this.options.skipRebuild });
  }

  async build(): Promise<void> {
    ZephyrRunner.requireWest();
    await run('west', this.westBuildArgs(), { cwd: repoRoot(), echo: this.options.echo });
  }

  expectedBuildId(): string | undefined {
    const file = path.join(this.buildDir, this.board.build.idFile ?? 'paltls_build_id.txt');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  }

  async flash(): Promise<void> {
    const args = this.westFlashArgs(); // registry/usage errors before tool errors
    ZephyrRunner.requireWest();
    await run('west', args, { cwd: repoRoot(), echo: this.options.echo });
  }

  async start(): Promise<Transport> {
    if (this.emulated) return this.startQemu();
    // Open the console before flashing would be ideal; USB CDC consoles re-enumerate, so we
    // flash first and find the port again by VID:PID (and probe serial) afterwards.
    if (this.options.flash !== false) await this.flash();
    const port = await this.waitForPort();
    this.line = await SerialTransport.open(port, this.board.console.baud);
    return this.line;
  }

  /** `west build -d <dir> -t run` with the console on a pty (the build passed -DQEMU_PTY=1). */
  private async startQemu(): Promise<Transport> {
    if (this.options.probe) zephyrFlashArgs(this.board, { runner: this.options.runner, probe: this.options.probe });
    ZephyrRunner.requireWest();
    const argv = zephyrRunArgs(this.board);
    this.line = await startZephyrQemu(argv, this.board.console.baud, (p) => (this.qemu = p));
    return this.line;
  }

  async waitForPort(): Promise<string> {
    const deadline = Date.now() + (this.options.portWaitMs ?? (Number(process.env.PALTLS_PORT_WAIT_MS) || 10000));
    for (;;) {
      const p = await findBoardPort(this.board, this.options.port, this.options.probe);
      if (p) return p;
      if (Date.now() >= deadline) {
        const usb = (this.board.usb ?? []).map((u) => `${u.vid}:${u.pid}`).join(', ') || 'ids not in registry';
        throw new DeviceError(
          `no serial port found for ${this.board.id} (USB ${usb}${this.options.probe ? `, serial number ${this.options.probe}` : ''})`,
          'check the USB cable and `paltls boards`; pass --port /dev/ttyACM0, or --probe SERIAL when several boards are attached',
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async restart(): Promise<Transport> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    const q = this.qemu;
    this.qemu = undefined;
    if (q) await stopProcessGroup(q);
    await this.line?.close();
    this.line = undefined;
  }
}

export function createRunner(board: Board, options: RunnerOptions): DeviceRunner {
  switch (board.flavour) {
    case 'native':
      return new NativeRunner(board, options);
    case 'baremetal-qemu':
      return new QemuBoardRunner(board, options); // host/src/boards/qemu.ts
    case 'zephyr':
      return new ZephyrRunner(board, options);
  }
}
