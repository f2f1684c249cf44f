// Zephyr boards: west build / west flash, console on the board's USB serial port (found again by
// VID:PID after flashing); the emulated board runs `west build -t run` instead (zephyrQemu.ts).
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Board } from './registry';
import { findBoardPort } from './detect';
import { DeviceRunner, RunnerOptions } from './device';
import { stopProcessGroup } from './process';
import { EMULATOR_RUNNERS, selectRunner, zephyrBuildArgs, zephyrBuildDir, zephyrFlashArgs, zephyrRunArgs } from './zephyr';
import { startZephyrQemu } from './zephyrQemu';
import { DeviceError } from '../errors';
import { SerialTransport } from '../transport/serial';
import { Transport } from '../transport/transport';
import { requireTool, run } from '../util/exec';
import { repoRoot } from '../util/paths';

const DEFAULT_PORT_WAIT_MS = 10000;

export class ZephyrRunner implements DeviceRunner {
  private line?: Transport;
  private qemu?: ChildProcess;
  constructor(
    readonly board: Board,
    private readonly options: RunnerOptions,
  ) {}

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
    return zephyrBuildArgs(this.board, { bridge: this.options.bridge, conf: this.options.conf });
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
    const line = await SerialTransport.open(port, this.board.console.baud);
    this.line = line;
    return line;
  }

  /** `west build -d <dir> -t run` with the console on a pty (the build passed -DQEMU_PTY=1). */
  private async startQemu(): Promise<Transport> {
    if (this.options.probe) zephyrFlashArgs(this.board, { runner: this.options.runner, probe: this.options.probe });
    ZephyrRunner.requireWest();
    const argv = zephyrRunArgs(this.board);
    const line = await startZephyrQemu(argv, this.board.console.baud, (p) => (this.qemu = p));
    this.line = line;
    return line;
  }

  async waitForPort(): Promise<string> {
    const deadline = Date.now() + (this.options.portWaitMs ?? DEFAULT_PORT_WAIT_MS);
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
