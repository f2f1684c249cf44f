// `paltls bench [--board qemu|native] [--json FILE] [--html FILE]`: builds the benchmark
// programs of bench/ (incrementally), runs them, prints a table, writes JSON (+ an HTML page next
// to it). The QEMU image runs twice and its instruction counts are compared (determinism check).
import * as fs from 'fs';
import * as path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import { BoardRegistry } from '../boards/registry';
import { repoRoot } from '../util/paths';
import { renderHtml } from '../bench/html';
import {
  BenchReport,
  compareRuns,
  evaluateTargets,
  footprintSection,
  formatReport,
  nativeSection,
  qemuSection,
  SCHEMA,
} from '../bench/report';
import {
  archiveSizesFromMap,
  BenchLine,
  buildBench,
  elfSizes,
  FOOTPRINT_IMAGES,
  QEMU_BENCH_ARGS,
  runNativeBench,
  runQemuBench,
  SectionSizes,
} from '../bench/run';
import { ConfigError, ExitCode, ExitCodeValue } from '../errors';
import { FlavourTable, FLAVOURS, flavourFootprint, flavourHarness, flavourImages, flavourTargets, formatFlavours } from '../bench/flavours';

export interface BenchOptions {
  board?: string;
  json?: string;
  html?: string;
  seconds?: number;
  runs?: number;
  verbose?: boolean;
}

/** `--board` through the registry resolver: the bench runs on the QEMU Cortex-M3 or natively. */
export function benchTarget(spelling: string): 'qemu' | 'native' {
  const board = BoardRegistry.load().resolve(spelling);
  if (board.flavour === 'baremetal-qemu') return 'qemu';
  if (board.flavour === 'native') return 'native';
  throw new ConfigError(`paltls bench runs on the QEMU Cortex-M3 board or natively, not on '${board.id}'`, 'use --board qemu or --board native');
}

function defaultOutput(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
  const dir = path.join(repoRoot(), 'reports', `${stamp}-bench`);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, 'bench.json');
}

export async function runBench(opts: BenchOptions): Promise<ExitCodeValue> {
  const t0 = Date.now();
  const boards = opts.board ? [benchTarget(opts.board)] : ['qemu', 'native'];
  const say = (l: string): void => void process.stdout.write(`${l}\n`);
  const echo = opts.verbose ? say : (): void => undefined;
  const report: BenchReport = {
    schema: SCHEMA,
    generated_at: new Date().toISOString(),
    mbedtls_config: 'firmware/pal/mbedtls/paltls_mbedtls_config.h (per flavour) + bench/config/bench_flavour.h',
    boards,
    targets: [],
    duration_s: 0,
  };
  let failures = 0;

  if (boards.includes('qemu')) {
    say('bench: building the Cortex-M3 harness and footprint images (build-bench-m3)...');
    const dir = await buildBench('m3', echo);
    const elf = path.join(dir, 'bench_m3.elf');
    const runs = Math.max(1, opts.runs ?? 2);
    const results: BenchLine[][] = [];
    for (let i = 0; i < runs; i++) {
      say(`bench: QEMU run ${i + 1}/${runs} (-icount shift=0)...`);
      results.push(await runQemuBench(elf));
    }
    report.qemu = qemuSection(results[0]!, [...QEMU_BENCH_ARGS, '-kernel', elf]);
    if (runs > 1) {
      const cmp = results.slice(1).map((r) => compareRuns(results[0]!, r));
      report.qemu.determinism = {
        runs,
        identical: cmp.every((c) => c.identical),
        differences: cmp.flatMap((c) => c.differences),
      };
      if (!report.qemu.determinism.identical) failures++;
    }
    const sizes: Record<string, SectionSizes> = {};
    for (const img of FOOTPRINT_IMAGES) sizes[img] = await elfSizes(path.join(dir, `${img}.elf`));
    const map = (name: string): string => fs.readFileSync(path.join(dir, `${name}.map`), 'utf8');
    report.footprint = footprintSection(
      sizes,
      archiveSizesFromMap(map('fp_all_pal'), 'libfp_pal_core_all.a'),
      archiveSizesFromMap(map('fp_psk_pal'), 'libfp_pal_core_psk.a'),
    );
    const flavours: Partial<FlavourTable> = {};
    for (const f of FLAVOURS) {
      const img = flavourImages(f);
      const [pal, raw] = [await elfSizes(path.join(dir, `${img.pal}.elf`)), await elfSizes(path.join(dir, `${img.raw}.elf`))];
      const footprint = flavourFootprint(pal, raw, archiveSizesFromMap(map(img.pal), img.archive));
      if (f === 'full') {
        footprint.qemu = report.qemu;
      } else {
        const harness = path.join(dir, `${flavourHarness(f)}.elf`);
        say(`bench: QEMU run of flavour ${f} (${path.basename(harness)})...`);
        footprint.qemu = qemuSection(await runQemuBench(harness), [...QEMU_BENCH_ARGS, '-kernel', harness]);
        for (const s of Object.values(footprint.qemu.handshakes)) for (const c of Object.values(s)) if (!c.pal.ok || !c.raw.ok) failures++;
      }
      flavours[f] = footprint;
    }
    report.flavours = flavours as FlavourTable;
    for (const s of Object.values(report.qemu.handshakes)) for (const c of Object.values(s)) if (!c.pal.ok || !c.raw.ok) failures++;
  }
  if (boards.includes('native')) {
    say('bench: building the native harness (build-bench-native)...');
    const dir = await buildBench('native', echo);
    say('bench: native handshakes/s (PAL and raw interleaved) and AEAD MB/s...');
    report.native = nativeSection(await runNativeBench(path.join(dir, 'bench_native'), opts.seconds ?? 0.5));
    for (const s of Object.values(report.native.handshakes)) for (const c of Object.values(s)) if (!c.pal.ok || !c.raw.ok) failures++;
  }
  report.targets = evaluateTargets(report);
  if (report.flavours) report.targets.push(...flavourTargets(report.flavours as FlavourTable));
  report.duration_s = Math.round((Date.now() - t0) / 100) / 10;

  process.stdout.write('\n' + formatReport(report) + (report.flavours ? '\n' + formatFlavours(report) : ''));
  const jsonFile = path.resolve(opts.json ?? (opts.html ? opts.html.replace(/\.html?$/i, '') + '.json' : defaultOutput()));
  const htmlFile = path.resolve(opts.html ?? jsonFile.replace(/\.json$/i, '') + '.html');
  fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
  fs.writeFileSync(jsonFile, JSON.stringify(report, null, 2) + '\n');
  fs.mkdirSync(path.dirname(htmlFile), { recursive: true });
  fs.writeFileSync(htmlFile, renderHtml(report));
  say(`\nwrote ${jsonFile}\nwrote ${htmlFile}\n(${report.duration_s} s)`);
  // Missed targets are findings, not failures; a failed handshake or a non-deterministic count is.
  return failures === 0 ? ExitCode.Ok : ExitCode.TestFailures;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

export function registerBench(program: Command, wrap: (fn: (o: BenchOptions) => Promise<ExitCodeValue>) => (o: BenchOptions) => Promise<void>): void {
  program
    .command('bench')
    .description('footprint, heap, stack, handshake cost and wire bytes per suite, PAL vs raw Mbed TLS (QEMU M3 + native)')
    .option('-b, --board <board>', 'only one of the two: qemu (Cortex-M3 instruction counts + footprint) or native; any id or alias of those boards')
    .option('--json <file>', 'write the JSON report (default reports/<time>-bench/bench.json)')
    .option('--html <file>', 'write the HTML report (default: next to the JSON)')
    .option('--seconds <s>', 'native: seconds per suite/transport for handshakes/s (default 0.5)', positive)
    .option('--runs <n>', 'QEMU runs compared for identical instruction counts (default 2)', positive)
    .option('-v, --verbose', 'show build output')
    .action(wrap(runBench));
}
