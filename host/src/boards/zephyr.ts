// Zephyr boards: the exact `west build` / `west flash` command lines, runner selection and probe
// selection, kept as pure functions so they can be checked without Zephyr (host/test/zephyr*.ts).
// Every option used here was read in Zephyr's sources; the file paths are listed in
// docs/zephyr-verification.md, section "Host tool (west command lines)".
import * as fs from 'fs';
import * as path from 'path';
import { Board } from './registry';
import { ConfigError } from '../errors';
import { repoRoot } from '../util/paths';

/** One way to flash a board: a `west flash` runner and how it selects a probe by serial number. */
export interface FlashRunnerSpec {
  runner: string;
  /** Runner option that takes the probe serial as its value (e.g. --dev-id). */
  probeOption?: string;
  /** Runner arguments selecting the probe; `{probe}` is replaced by the serial number. */
  probeArgs?: string[];
  extraArgs?: string[];
}

export interface ZephyrBuildOptions {
  bridge?: boolean;
  /** --conf: extra Kconfig fragments of the user's (the board's own come from firmware/boards/). */
  conf?: string[];
}

export interface ZephyrFlashOptions {
  runner?: string; // --runner
  probe?: string; // --probe
  skipRebuild?: boolean; // the image was not (re)built by us: do not let west flash rebuild it
}

/** Runners that only boot an emulator (`west build -t run`); there is nothing to flash. */
export const EMULATOR_RUNNERS = new Set(['qemu']);

export function zephyrBuildDir(board: Board): string {
  return path.resolve(repoRoot(), board.build.dir);
}

export function zephyrSourceDir(board: Board): string {
  return path.resolve(repoRoot(), board.build.source ?? 'firmware');
}

/** The default runner first, then the registry's alternatives (order of the registry). */
export function flashRunners(board: Board): FlashRunnerSpec[] {
  const f = board.flash;
  if (!f) throw new ConfigError(`board ${board.id} has no flash section in the registry`);
  const { alternatives, ...main } = f;
  return [main, ...(alternatives ?? [])];
}

export function selectRunner(board: Board, requested?: string): FlashRunnerSpec {
  const all = flashRunners(board);
  if (requested === undefined) return all[0]!;
  const found = all.find((r) => r.runner === requested);
  if (!found) {
    throw new ConfigError(
      `board ${board.id} has no west flash runner '${requested}'`,
      `runners in the registry for this board: ${all.map((r) => r.runner).join(', ')} (boards/${board.id}/board.json, flash.alternatives)`,
    );
  }
  return found;
}

/** The runner arguments that pick the probe with serial number `serial`. */
export function probeArgsFor(board: Board, spec: FlashRunnerSpec, serial: string): string[] {
  if (spec.probeArgs?.length) return spec.probeArgs.map((a) => a.split('{probe}').join(serial));
  if (spec.probeOption) return [spec.probeOption, serial];
  const others = flashRunners(board).filter((r) => r !== spec && (r.probeArgs?.length || r.probeOption));
  throw new ConfigError(
    `board ${board.id}: runner ${spec.runner} has no probe selection option, so --probe ${serial} cannot be honoured`,
    EMULATOR_RUNNERS.has(spec.runner)
      ? `${board.id} runs in an emulator: drop --probe`
      : others.length
        ? `use --runner ${others.map((r) => r.runner).join(' or --runner ')}, or drop --probe with a single probe attached`
        : `drop --probe (only one probe can be attached), or add flash.probeArgs to boards/${board.id}/board.json`,
  );
}

/**
 * Build-system variables of the application. With sysbuild the application is one image among
 * several and its variables are namespaced by the image name (the source directory's name).
 */
function appVariable(board: Board, name: string): string {
  const sysbuild = (board.zephyr?.westBuildArgs ?? []).includes('--sysbuild');
  return sysbuild ? `${path.basename(zephyrSourceDir(board))}_${name}` : name;
}

/**
 * The name Zephyr gives a board target's files in an application's boards/ directory: the board
 * and its qualifiers joined by '_' (cmake/modules/extensions.cmake, zephyr_build_string), e.g.
 * nrf9160dk/nrf9160/ns -> nrf9160dk_nrf9160_ns. (Single-SoC boards may also drop the SoC, as
 * nucleo_f429zi does because its target names no SoC.)
 */
export function zephyrBoardFileStem(target: string): string {
  return target.split('/').join('_');
}

/** What is wrong with a board's registry entry against the application's board files. */
export function zephyrBoardFileProblems(board: Board): string[] {
  const z = board.zephyr;
  if (!z) return [`board ${board.id} has no zephyr section`];
  const files = z.boardFiles ?? [];
  const stem = zephyrBoardFileStem(z.board);
  const problems: string[] = [];
  if (!files.some((f) => f.endsWith('.conf'))) problems.push(`board ${board.id}: no firmware/boards/${stem}.conf in zephyr.boardFiles`);
  for (const f of files) {
    const base = path.basename(f).replace(/\.(conf|overlay)$/, '');
    if (base !== stem) problems.push(`board ${board.id}: ${f} is not named after ${z.board} (Zephyr looks for ${stem}.conf/.overlay)`);
    if (!fs.existsSync(path.resolve(repoRoot(), f))) problems.push(`board ${board.id}: ${f} does not exist`);
  }
  return problems;
}

/**
 * `west build -b <target> -d <build dir> -p auto [board args] <source dir> -- <cmake args>`.
 * The board's settings are not passed: Zephyr applies firmware/boards/<stem>.conf and .overlay by
 * itself, so this is the command a Zephyr user types. Only the PAL transport is always given, so
 * that a build dir configured for --bridge goes back to sockets on the next build, and --conf
 * fragments (absolute: Zephyr resolves relative EXTRA_CONF_FILE entries against the application
 * directory, not the current one).
 */
export function zephyrBuildArgs(board: Board, options: ZephyrBuildOptions = {}): string[] {
  const z = board.zephyr;
  if (!z) throw new ConfigError(`board ${board.id} has no zephyr section in the registry`);
  const args = ['build', '-b', z.board, '-d', zephyrBuildDir(board), '-p', 'auto', ...(z.westBuildArgs ?? []), zephyrSourceDir(board)];
  const cmake: string[] = [];
  if (options.conf?.length) {
    const missing = options.conf.filter((f) => !fs.existsSync(path.resolve(f)));
    if (missing.length) throw new ConfigError(`--conf: no such file: ${missing.join(', ')}`, 'give the path of a Kconfig fragment (CONFIG_X=y lines)');
    cmake.push(`-D${appVariable(board, 'EXTRA_CONF_FILE')}=${options.conf.map((f) => path.resolve(f)).join(';')}`);
  }
  const bridge = options.bridge || board.network.mode === 'bridge';
  cmake.push(`-D${appVariable(board, bridge ? 'CONFIG_PALTLS_TRANSPORT_BRIDGE' : 'CONFIG_PALTLS_TRANSPORT_SOCKETS')}=y`);
  // Emulated boards: console on a pty (cmake/emu/qemu.cmake: -chardev pty,id=con,mux=on).
  if (board.flash && EMULATOR_RUNNERS.has(board.flash.runner)) cmake.push('-DQEMU_PTY=1');
  return [...args, '--', ...cmake];
}

/**
 * `west flash -d <build dir> -r <runner> [--skip-rebuild] [-- <runner args> <probe args>]`.
 * Runner arguments go after `--` (west passes everything after it to the runner unparsed, and
 * drops the `--` itself: scripts/west_commands/run_common.py), as twister does.
 */
export function zephyrFlashArgs(board: Board, options: ZephyrFlashOptions = {}): string[] {
  const spec = selectRunner(board, options.runner);
  if (EMULATOR_RUNNERS.has(spec.runner)) {
    if (options.probe) probeArgsFor(board, spec, options.probe); // throws the actionable error
    throw new ConfigError(`board ${board.id} is not flashed: runner ${spec.runner} boots an emulator (\`paltls test --board ${board.id}\` runs it)`);
  }
  const args = ['flash', '-d', zephyrBuildDir(board), '-r', spec.runner];
  if (options.skipRebuild) args.push('--skip-rebuild');
  const tail = [...(spec.extraArgs ?? []), ...(options.probe ? probeArgsFor(board, spec, options.probe) : [])];
  return tail.length ? [...args, '--', ...tail] : args;
}

/** `west build -d <build dir> -t run`: the board's run.command, or that default. */
export function zephyrRunArgs(board: Board): string[] {
  const template = board.run?.command ?? ['west', 'build', '-d', '{build}', '-t', 'run'];
  const vars: Record<string, string> = { build: zephyrBuildDir(board), root: repoRoot() };
  return template.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
}

/**
 * QEMU's console chardev is multiplexed with the monitor (mux=on): a 0x01 byte from the host is
 * the mux escape (C-a). "C-a C-a" sends one C-a to the guest, so every 0x01 is doubled.
 */
export function escapeQemuMux(data: Buffer): Buffer {
  if (!data.includes(0x01)) return data;
  const out: number[] = [];
  for (const b of data) {
    out.push(b);
    if (b === 0x01) out.push(0x01);
  }
  return Buffer.from(out);
}
