// `paltls bench`: building and running the benchmark programs of bench/ (see docs/performance.md).
// Builds are incremental CMake/Ninja directories build-bench-native and build-bench-m3 at the
// repository root; programs print one "BENCH {json}" line per figure, collected here.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../util/paths';
import { BuildError, ConfigError, DeviceError } from '../errors';
import { run, which } from '../util/exec';

export type BenchLine = Record<string, unknown> & { kind: string };

/** The QEMU flags of the instruction-count runs (virtual clock = 1 ns per instruction). */
export const QEMU_BENCH_ARGS = [
  '-M', 'mps2-an385', '-cpu', 'cortex-m3', '-nographic', '-monitor', 'none', '-serial', 'null',
  '-semihosting-config', 'enable=on,target=native', '-icount', 'shift=0,align=off,sleep=off',
];

export const FOOTPRINT_IMAGES = ['fp_psk_pal', 'fp_psk_raw', 'fp_all_pal', 'fp_all_raw'] as const;

export interface BuildDirs {
  native: string;
  m3: string;
}

export function benchBuildDirs(root = repoRoot()): BuildDirs {
  return { native: path.join(root, 'build-bench-native'), m3: path.join(root, 'build-bench-m3') };
}

/** Extracts the BENCH lines of a program's output (other lines are ignored). */
export function parseBenchLines(text: string): BenchLine[] {
  const out: BenchLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('BENCH ')) continue;
    const value = JSON.parse(line.slice(6)) as BenchLine;
    if (typeof value.kind !== 'string') throw new DeviceError(`benchmark line without kind: ${line}`);
    out.push(value);
  }
  return out;
}

function niceArgs(cmd: string, args: string[]): { cmd: string; args: string[] } {
  return which('nice') ? { cmd: 'nice', args: [cmd, ...args] } : { cmd, args };
}

/** Configures (first time) and builds one bench directory with at most two jobs. */
export async function buildBench(kind: 'native' | 'm3', echo: (l: string) => void, targets: string[] = []): Promise<string> {
  const root = repoRoot();
  const dir = benchBuildDirs(root)[kind];
  for (const tool of ['cmake', 'ninja']) {
    if (!which(tool)) throw new ConfigError(`'${tool}' not found on PATH`, 'run ./scripts/setup');
  }
  if (kind === 'm3' && !which('arm-none-eabi-gcc')) {
    throw new ConfigError("'arm-none-eabi-gcc' not found on PATH", 'run ./scripts/setup (gcc-arm-none-eabi)');
  }
  if (!fs.existsSync(path.join(dir, 'build.ninja'))) {
    const args = ['-S', path.join(root, 'bench'), '-B', dir, '-G', 'Ninja'];
    if (kind === 'm3') args.push(`-DCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', 'toolchain-arm-none-eabi.cmake')}`);
    const c = niceArgs('cmake', args);
    await run(c.cmd, c.args, { echo, logFile: path.join(root, `build-bench-${kind}.configure.log`) });
  }
  const b = niceArgs('ninja', ['-C', dir, '-j2', ...targets]);
  await run(b.cmd, b.args, { echo, logFile: path.join(root, `build-bench-${kind}.build.log`) });
  return dir;
}

function runProgram(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new DeviceError(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // QEMU's semihosting console writes to stderr: the BENCH lines may be on either stream.
      if (code === 0) resolve(`${out}\n${err}`);
      else reject(new DeviceError(`${path.basename(cmd)} failed (${signal ?? `exit ${code}`}): ${(err || out).trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

export async function runQemuBench(elf: string, timeoutMs = 180000): Promise<BenchLine[]> {
  if (!which('qemu-system-arm')) throw new ConfigError("'qemu-system-arm' not found on PATH", 'run ./scripts/setup');
  const lines = parseBenchLines(await runProgram('qemu-system-arm', [...QEMU_BENCH_ARGS, '-kernel', elf], timeoutMs));
  if (!lines.some((l) => l.kind === 'done')) throw new DeviceError('QEMU benchmark image did not finish');
  return lines;
}

export async function runNativeBench(exe: string, seconds: number, timeoutMs = 300000): Promise<BenchLine[]> {
  const lines = parseBenchLines(await runProgram(exe, ['--seconds', String(seconds)], timeoutMs));
  if (!lines.some((l) => l.kind === 'done')) throw new DeviceError('native benchmark did not finish');
  return lines;
}

export interface SectionSizes {
  text: number;
  data: number;
  bss: number;
  /** Flash: text + data (initialised data is stored in flash). */
  rom: number;
}

/** `arm-none-eabi-size` (Berkeley format) of one ELF; the NOLOAD heap/stack areas are excluded. */
export async function elfSizes(elf: string): Promise<SectionSizes> {
  const out = await run('arm-none-eabi-size', ['-A', elf]);
  let text = 0;
  let data = 0;
  let bss = 0;
  for (const line of out.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(line.trim());
    if (!m) continue;
    const [, name, size] = m;
    const n = Number(size);
    if (name === '.text' || name === '.ARM.exidx' || name === '.vectors') text += n;
    else if (name === '.data') data += n;
    else if (name === '.bss') bss += n;
  }
  if (text === 0) throw new BuildError(`no .text in ${elf}`);
  return { text, data, bss, rom: text + data };
}

export interface ObjectSizes {
  /** bytes of .text/.rodata (flash) and .data per object file, and the totals. */
  objects: Record<string, { rom: number; data: number }>;
  rom: number;
  data: number;
}

/**
 * Sizes of the input sections a GNU ld map file attributes to members of one archive, after
 * --gc-sections (the map's "Discarded input sections" part is skipped). Flash = text + rodata +
 * data; data is also reported alone.
 */
export function archiveSizesFromMap(mapText: string, archiveName: string): ObjectSizes {
  const result: ObjectSizes = { objects: {}, rom: 0, data: 0 };
  const start = mapText.indexOf('Linker script and memory map');
  const body = start >= 0 ? mapText.slice(start) : mapText;
  const lines = body.split('\n');
  let pendingSection: string | undefined;
  for (const line of lines) {
    // Either " .text.name  0xaddr  0xsize  file" on one line, or the name alone then the rest.
    let m = /^ (\.[\w.$]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    let section: string | undefined;
    if (m) {
      section = m[1];
    } else if (pendingSection) {
      const m2 = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
      if (m2) {
        m = [line, pendingSection, m2[1]!, m2[2]!, m2[3]!] as unknown as RegExpExecArray;
        section = pendingSection;
      }
    }
    pendingSection = undefined;
    if (!m) {
      const only = /^ (\.[\w.$]+)\s*$/.exec(line);
      if (only) pendingSection = only[1];
      continue;
    }
    const size = parseInt(m[3]!, 16);
    const file = m[4]!.trim();
    if (size === 0 || !file.includes(`${archiveName}(`)) continue;
    const isRom = /^\.(text|rodata)/.test(section!);
    const isData = /^\.data/.test(section!);
    if (!isRom && !isData) continue;
    const obj = /\(([^)]+)\)/.exec(file)?.[1] ?? file;
    const key = obj.replace(/\.c\.obj$|\.obj$|\.o$/, '');
    const entry = (result.objects[key] ??= { rom: 0, data: 0 });
    entry.rom += size;
    result.rom += size;
    if (isData) {
      entry.data += size;
      result.data += size;
    }
  }
  return result;
}
