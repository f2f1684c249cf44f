// What every board runner offers the commands, whatever builds, boots or flashes it. Types only:
// the runner modules (native, qemu, zephyrRunner) import this, never each other.
import { Board } from './registry';
import { Transport } from '../transport/transport';

export interface RunnerOptions {
  port?: string; // --port
  probe?: string; // --probe (serial number of the debug probe)
  runner?: string; // --runner (Zephyr boards: west flash runner other than the registry default)
  flash?: boolean; // false: --no-flash (Zephyr boards: the image on the board is used as is)
  skipRebuild?: boolean; // west flash --skip-rebuild
  portWaitMs?: number; // how long to look for the USB serial port after flashing (default 10 s)
  deterministic?: boolean; // QEMU boards: -icount shift=0 (instruction-counting virtual clock)
  echo?: (line: string) => void; // build output
  verbose?: boolean;
  bridge?: boolean; // native boards: run the agent linked with the socket bridge (build.bridgeImage)
  buildDir?: string; // --build-dir: native boards, the build directory to take the image from (e.g. an ASan build)
  conf?: string[]; // --conf (Zephyr boards: extra Kconfig fragments for west build)
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
