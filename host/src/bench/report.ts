// `paltls bench` report: turns the benchmark programs' BENCH lines and the footprint sizes into
// the JSON document (schema "paltls-bench/1", documented in docs/performance.md), evaluates the
// issue-6 targets and prints the text table.
import { BenchLine, ObjectSizes, SectionSizes } from './run';

export const SCHEMA = 'paltls-bench/1';
export const SUITES = [
  'psk_aes128_ccm8',
  'psk_aes256_ccm8',
  'psk_aes128_cbc_sha256',
  'ecdhe_ecdsa_aes128_ccm8',
  'ecdhe_ecdsa_aes128_gcm_sha256',
  'ecdhe_ecdsa_aes256_gcm_sha384',
] as const;
export const TRANSPORTS = ['tls', 'dtls', 'dtls_cookie'] as const;

export interface SideFigures {
  ok: boolean;
  negotiated: string;
  /** client handshake cost: instructions (qemu) or nanoseconds of one handshake (native) */
  client: number;
  server: number;
  heap_peak: number;
  conf_heap: number;
  heap_allocs: number;
  server_heap_peak: number;
  stack: number;
  server_stack: number;
  wire_bytes: number;
  bytes_c2s: number;
  bytes_s2c: number;
  writes_c2s: number;
  writes_s2c: number;
  error?: string;
}

export interface HandshakeCase {
  pal: SideFigures;
  raw: SideFigures;
  /** pal / raw */
  ratio: { client: number; heap_peak: number; stack: number; wire_bytes: number };
}

export type HandshakeTable = Record<string, Record<string, HandshakeCase>>;

export interface QemuSection {
  machine: string;
  qemu_args: string[];
  instructions_per_tick: number;
  calibration_ticks: number;
  handshakes: HandshakeTable;
  aead_instructions_per_byte: Record<string, number>;
  determinism?: { runs: number; identical: boolean; differences: string[] };
}

export interface NativeRate {
  pal_per_s: number;
  raw_per_s: number;
  ratio: number;
  pal_handshakes: number;
  raw_handshakes: number;
}

export interface NativeSection {
  handshakes: HandshakeTable;
  rates: Record<string, Record<string, NativeRate>>;
  aead_mb_per_s: Record<string, number>;
}

export interface FootprintSection {
  psk_only: { pal: SectionSizes; raw: SectionSizes };
  all_suites: { pal: SectionSizes; raw: SectionSizes };
  /** PAL core + TLS platform layer objects as linked in the all-suites PAL image */
  pal_layer: { rom: number; data: number; objects: Record<string, { rom: number; data: number }> };
  pal_layer_psk_only: { rom: number; data: number };
  /** what choosing the PAL adds to an image: PAL image minus raw image (flash) */
  pal_increment: { psk_only: number; all_suites: number };
}

export interface Target {
  id: string;
  description: string;
  unit: string;
  /** upper bound */
  target: number;
  value: number | null;
  met: boolean | null;
  /** target - value (positive = headroom, negative = missed by) */
  margin: number | null;
  margin_pct: number | null;
  where: string;
}

/** One footprint flavour (host/src/bench/flavours.ts): its PAL and raw client images and harness. */
export interface FlavourFootprint {
  pal: SectionSizes;
  raw: SectionSizes;
  /** PAL image flash - raw image flash */
  pal_increment: number;
  pal_layer: { rom: number; data: number; objects: ObjectSizes['objects'] };
  /** The QEMU harness of the flavour (bench_m3_<flavour>.elf; full: bench_m3.elf). */
  qemu?: QemuSection;
}

/** Keyed by flavour name: minimal-psk, cert, cert+p256m, full, full+p256m. */
export type FlavourSection = Record<string, FlavourFootprint>;

export interface BenchReport {
  schema: string;
  generated_at: string;
  mbedtls_config: string;
  boards: string[];
  qemu?: QemuSection;
  footprint?: FootprintSection;
  /** Footprint per flavour (host/src/bench/flavours.ts). */
  flavours?: FlavourSection;
  native?: NativeSection;
  targets: Target[];
  duration_s: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

function side(l: BenchLine): SideFigures {
  const f: SideFigures = {
    ok: l.ok === true,
    negotiated: String(l.negotiated ?? ''),
    client: num(l.client_counter),
    server: num(l.server_counter),
    heap_peak: num(l.client_heap_peak),
    conf_heap: num(l.client_conf_heap),
    heap_allocs: num(l.client_heap_allocs),
    server_heap_peak: num(l.server_heap_peak),
    stack: num(l.client_stack),
    server_stack: num(l.server_stack),
    bytes_c2s: num(l.bytes_c2s),
    bytes_s2c: num(l.bytes_s2c),
    wire_bytes: num(l.bytes_c2s) + num(l.bytes_s2c),
    writes_c2s: num(l.writes_c2s),
    writes_s2c: num(l.writes_s2c),
  };
  if (!f.ok) f.error = `${String(l.stage)}: ${String(l.error)}`;
  return f;
}

const ratio = (a: number, b: number): number => (b === 0 ? (a === 0 ? 1 : Infinity) : Math.round((a / b) * 1e5) / 1e5);

export function handshakeTable(lines: BenchLine[]): HandshakeTable {
  const table: HandshakeTable = {};
  const pending: Record<string, Partial<Record<'pal' | 'raw', SideFigures>>> = {};
  for (const l of lines) {
    if (l.kind !== 'handshake') continue;
    const key = `${String(l.suite)}/${String(l.transport)}`;
    (pending[key] ??= {})[l.impl === 'pal' ? 'pal' : 'raw'] = side(l);
  }
  for (const [key, p] of Object.entries(pending)) {
    if (!p.pal || !p.raw) continue;
    const [suite, transport] = key.split('/') as [string, string];
    (table[suite] ??= {})[transport] = {
      pal: p.pal,
      raw: p.raw,
      ratio: {
        client: ratio(p.pal.client, p.raw.client),
        heap_peak: ratio(p.pal.heap_peak, p.raw.heap_peak),
        stack: ratio(p.pal.stack, p.raw.stack),
        wire_bytes: ratio(p.pal.wire_bytes, p.raw.wire_bytes),
      },
    };
  }
  return table;
}

export function qemuSection(lines: BenchLine[], args: string[]): QemuSection {
  const start = lines.find((l) => l.kind === 'start') ?? { kind: 'start' };
  const aead: Record<string, number> = {};
  for (const l of lines) {
    if (l.kind === 'aead' && l.ok === true) {
      aead[String(l.aead)] = Math.round((num(l.counter) / (num(l.message_bytes) * num(l.messages))) * 10) / 10;
    }
  }
  return {
    machine: 'mps2-an385 (Cortex-M3)',
    qemu_args: args,
    instructions_per_tick: num(start.instructions_per_tick),
    calibration_ticks: num(start.calibration_ticks),
    handshakes: handshakeTable(lines),
    aead_instructions_per_byte: aead,
  };
}

/** Every instruction count of two QEMU runs, compared one by one. */
export function compareRuns(a: BenchLine[], b: BenchLine[]): { identical: boolean; differences: string[] } {
  const key = (l: BenchLine): string => [l.kind, l.suite, l.transport, l.impl, l.aead].filter((x) => x !== undefined).join('/');
  const counters = (lines: BenchLine[]): Map<string, string> =>
    new Map(
      lines
        .filter((l) => l.kind === 'handshake' || l.kind === 'aead' || l.kind === 'start')
        .map((l) => [key(l), JSON.stringify([l.client_counter, l.server_counter, l.counter, l.calibration_ticks, l.client_heap_peak, l.bytes_c2s, l.bytes_s2c])]),
    );
  const ca = counters(a);
  const cb = counters(b);
  const differences: string[] = [];
  for (const [k, v] of ca) if (cb.get(k) !== v) differences.push(`${k}: ${v} vs ${cb.get(k) ?? 'missing'}`);
  for (const k of cb.keys()) if (!ca.has(k)) differences.push(`${k}: missing in first run`);
  return { identical: differences.length === 0 && ca.size > 0, differences };
}

export function nativeSection(lines: BenchLine[]): NativeSection {
  const rates: Record<string, Record<string, NativeRate>> = {};
  const aead: Record<string, number> = {};
  for (const l of lines) {
    if (l.kind === 'rate' && l.ok === true) {
      const pal = (num(l.pal_handshakes) / num(l.pal_ns)) * 1e9;
      const raw = (num(l.raw_handshakes) / num(l.raw_ns)) * 1e9;
      (rates[String(l.suite)] ??= {})[String(l.transport)] = {
        pal_per_s: Math.round(pal * 10) / 10,
        raw_per_s: Math.round(raw * 10) / 10,
        ratio: Math.round((pal / raw) * 1000) / 1000,
        pal_handshakes: num(l.pal_handshakes),
        raw_handshakes: num(l.raw_handshakes),
      };
    } else if (l.kind === 'aead' && l.ok === true) {
      aead[String(l.aead)] = Math.round(((num(l.message_bytes) * num(l.messages)) / num(l.counter)) * 1000 * 10) / 10;
    }
  }
  return { handshakes: handshakeTable(lines), rates, aead_mb_per_s: aead };
}

export function target(id: string, description: string, unit: string, bound: number, value: number | null, where: string): Target {
  if (value === null || !Number.isFinite(value)) {
    return { id, description, unit, target: bound, value: null, met: null, margin: null, margin_pct: null, where };
  }
  const margin = Math.round((bound - value) * 1000) / 1000;
  return {
    id,
    description,
    unit,
    target: bound,
    value,
    met: value <= bound,
    margin,
    margin_pct: Math.round((margin / bound) * 10000) / 100,
    where,
  };
}

export function worst(
  table: HandshakeTable | undefined,
  suites: readonly string[],
  transports: readonly string[],
  pick: (c: HandshakeCase) => number,
): { value: number | null; where: string } {
  let best: { value: number | null; where: string } = { value: null, where: '' };
  for (const s of suites) {
    for (const t of transports) {
      const c = table?.[s]?.[t];
      if (!c || !c.pal.ok || !c.raw.ok) continue;
      const v = pick(c);
      if (best.value === null || v > best.value) best = { value: v, where: `${s}/${t}` };
    }
  }
  return best;
}

const PSK = SUITES.filter((s) => s.startsWith('psk'));
const ECDHE = SUITES.filter((s) => s.startsWith('ecdhe'));

export function evaluateTargets(r: Pick<BenchReport, 'qemu' | 'footprint'>): Target[] {
  const hs = r.qemu?.handshakes;
  const pct = (x: number): number => Math.round((x - 1) * 10000) / 100;
  const out: Target[] = [];
  const ov = worst(hs, SUITES, TRANSPORTS, (c) => pct(c.ratio.client));
  out.push(target('pal_overhead_instructions', 'PAL/raw client handshake instructions - 1, worst suite/transport', '%', 2, ov.value, ov.where));
  const oh = worst(hs, SUITES, TRANSPORTS, (c) => pct(c.ratio.heap_peak));
  out.push(target('pal_overhead_heap', 'PAL/raw client heap peak - 1, worst suite/transport', '%', 2, oh.value, oh.where));
  const fp = r.footprint;
  out.push(target('rom_psk_only', 'linked PSK-only PAL client image, flash (text+data)', 'B', 36 * 1024, fp?.psk_only.pal.rom ?? null, 'fp_psk_pal.elf'));
  out.push(target('rom_all_suites', 'linked all-six-suites PAL client image, flash (text+data)', 'B', 64 * 1024, fp?.all_suites.pal.rom ?? null, 'fp_all_pal.elf'));
  out.push(target('rom_pal_layer', 'PAL core + TLS platform layer objects in the all-suites image', 'B', 6 * 1024, fp?.pal_layer.rom ?? null, 'fp_all_pal.elf (map)'));
  const hp = worst(hs, PSK, TRANSPORTS, (c) => c.pal.heap_peak);
  out.push(target('heap_psk', 'client heap peak per connection, PSK suites, 1 KiB records', 'B', 6 * 1024, hp.value, hp.where));
  const he = worst(hs, ECDHE, TRANSPORTS, (c) => c.pal.heap_peak);
  out.push(target('heap_ecdhe_ecdsa', 'client heap peak per connection, ECDHE-ECDSA suites, 1 KiB records', 'B', 7 * 1024, he.value, he.where));
  const st = worst(hs, SUITES, TRANSPORTS, (c) => c.pal.stack);
  out.push(target('stack', 'client handshake stack high-water (PAL)', 'B', 3.5 * 1024, st.value, st.where));
  const pi = worst(hs, ['psk_aes128_ccm8'], TRANSPORTS, (c) => c.pal.client);
  out.push(target('instructions_psk', 'PSK-AES128-CCM8 client handshake (TLS, DTLS, DTLS+cookie), PAL', 'instr', 450000, pi.value, pi.where));
  const ei = worst(hs, ECDHE, TRANSPORTS, (c) => c.pal.client);
  out.push(target('instructions_ecdhe_ecdsa', 'ECDHE-ECDSA client handshake, worst suite/transport, PAL', 'instr', 70e6, ei.value, ei.where));
  const wire = (t: string): number | null => {
    const c = hs?.psk_aes128_ccm8?.[t];
    return c && c.pal.ok ? c.pal.wire_bytes : null;
  };
  out.push(target('wire_tls_psk_ccm8', 'bytes on the wire, TLS PSK-AES128-CCM8 handshake', 'B', 270, wire('tls'), 'psk_aes128_ccm8/tls'));
  out.push(target('wire_dtls_psk_ccm8', 'bytes on the wire, DTLS PSK-AES128-CCM8, no cookie', 'B', 390, wire('dtls'), 'psk_aes128_ccm8/dtls'));
  out.push(target('wire_dtls_cookie_psk_ccm8', 'bytes on the wire, DTLS PSK-AES128-CCM8, with cookie', 'B', 570, wire('dtls_cookie'), 'psk_aes128_ccm8/dtls_cookie'));
  return out;
}

// ---- text output --------------------------------------------------------------------------------

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function tableText(headers: string[], rows: string[][], leftCols = 2): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < leftCols ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatReport(r: BenchReport): string {
  const parts: string[] = [];
  if (r.qemu) {
    const rows: string[][] = [];
    for (const s of SUITES) {
      for (const t of TRANSPORTS) {
        const c = r.qemu.handshakes[s]?.[t];
        if (!c) continue;
        rows.push([
          s, t,
          c.pal.ok ? fmtInt(c.pal.client) : 'FAIL', c.raw.ok ? fmtInt(c.raw.client) : 'FAIL', c.ratio.client.toFixed(4),
          fmtInt(c.pal.heap_peak), fmtInt(c.raw.heap_peak), c.ratio.heap_peak.toFixed(4),
          fmtInt(c.pal.stack), fmtInt(c.pal.wire_bytes),
        ]);
      }
    }
    parts.push(
      `QEMU Cortex-M3 (mps2-an385, -icount shift=0): client handshake, PAL vs raw Mbed TLS\n` +
        tableText(['suite', 'transport', 'PAL instr', 'raw instr', 'ratio', 'PAL heap', 'raw heap', 'ratio', 'stack', 'wire B'], rows),
    );
    const aead = Object.entries(r.qemu.aead_instructions_per_byte).map(([k, v]) => `${k} ${v}`).join(', ');
    parts.push(`AEAD on the M3 (instructions/byte, 1 KiB messages): ${aead}`);
    if (r.qemu.determinism) {
      parts.push(`Determinism: ${r.qemu.determinism.runs} QEMU runs, instruction counts ${r.qemu.determinism.identical ? 'identical' : 'DIFFER: ' + r.qemu.determinism.differences.slice(0, 3).join('; ')}`);
    }
  }
  if (r.footprint) {
    const f = r.footprint;
    const row = (name: string, s: SectionSizes): string[] => [name, fmtInt(s.text), fmtInt(s.data), fmtInt(s.bss), fmtInt(s.rom)];
    parts.push(
      'Footprint (linked, --gc-sections, -Os, newlib-nano; bytes)\n' +
        tableText(
          ['image', 'text', 'data', 'bss', 'flash'],
          [
            row('PSK-only, PAL client', f.psk_only.pal),
            row('PSK-only, raw Mbed TLS', f.psk_only.raw),
            row('all six suites, PAL client', f.all_suites.pal),
            row('all six suites, raw Mbed TLS', f.all_suites.raw),
          ],
          1,
        ) +
        `\nPAL layer alone (core + platform layer objects): ${fmtInt(f.pal_layer.rom)} B flash (PSK-only build ${fmtInt(f.pal_layer_psk_only.rom)} B); ` +
        `PAL image - raw image: ${fmtInt(f.pal_increment.psk_only)} B (PSK-only), ${fmtInt(f.pal_increment.all_suites)} B (all suites)`,
    );
  }
  if (r.native) {
    const rows: string[][] = [];
    for (const s of SUITES) {
      for (const t of TRANSPORTS) {
        const c = r.native.rates[s]?.[t];
        if (!c) continue;
        rows.push([s, t, fmtInt(c.pal_per_s), fmtInt(c.raw_per_s), c.ratio.toFixed(3)]);
      }
    }
    parts.push(`Native (this machine, client+server in one thread): full handshakes per second\n` + tableText(['suite', 'transport', 'PAL hs/s', 'raw hs/s', 'PAL/raw'], rows));
    parts.push(`AEAD (native, 16 KiB messages): ${Object.entries(r.native.aead_mb_per_s).map(([k, v]) => `${k} ${v} MB/s`).join(', ')}`);
  }
  const trows = r.targets.map((t) => [
    t.id,
    t.value === null ? 'n/a' : t.unit === '%' ? t.value.toFixed(2) : fmtInt(t.value),
    `<= ${t.unit === '%' ? t.target : fmtInt(t.target)} ${t.unit}`,
    t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED',
    t.margin === null ? '' : `${t.margin >= 0 ? '+' : ''}${t.unit === '%' ? t.margin.toFixed(2) : fmtInt(t.margin)} (${t.margin_pct}%)`,
    t.where,
  ]);
  parts.push('Targets (issues 6 and 11)\n' + tableText(['target', 'value', 'bound', 'status', 'margin', 'where'], trows, 1));
  return parts.join('\n\n') + '\n';
}

export function footprintSection(
  sizes: Record<string, SectionSizes>,
  palAll: ObjectSizes,
  palPsk: ObjectSizes,
): FootprintSection {
  return {
    psk_only: { pal: sizes.fp_psk_pal!, raw: sizes.fp_psk_raw! },
    all_suites: { pal: sizes.fp_all_pal!, raw: sizes.fp_all_raw! },
    pal_layer: { rom: palAll.rom, data: palAll.data, objects: palAll.objects },
    pal_layer_psk_only: { rom: palPsk.rom, data: palPsk.data },
    pal_increment: {
      psk_only: sizes.fp_psk_pal!.rom - sizes.fp_psk_raw!.rom,
      all_suites: sizes.fp_all_pal!.rom - sizes.fp_all_raw!.rom,
    },
  };
}
