// Footprint flavours in `paltls bench` (docs/mbedtls-config.md, docs/performance.md): the linked
// PAL client and the raw Mbed TLS client of each flavour, built from the same flavour
// configuration in build-bench-m3, side by side, with the issue-11 footprint targets.
import { ObjectSizes, SectionSizes } from './run';
import { BenchReport, FlavourFootprint, fmtInt, HandshakeTable, SUITES, tableText, Target, target, TRANSPORTS, worst } from './report';

/** The flavours and, for the certificate flavours, their p256-m option ("+p256m"). */
export const FLAVOURS = ['minimal-psk', 'cert', 'cert+p256m', 'full', 'full+p256m'] as const;
export type Flavour = (typeof FLAVOURS)[number];

/** The footprint image set (bench/CMakeLists.txt) of each flavour; full's is the all-suites pair. */
export const FLAVOUR_IMAGE_SET: Record<Flavour, string> = {
  'minimal-psk': 'minimal_psk',
  cert: 'cert',
  'cert+p256m': 'cert_p256m',
  full: 'all',
  'full+p256m': 'all_p256m',
};

export const flavourImages = (f: Flavour): { pal: string; raw: string; archive: string } => {
  const set = FLAVOUR_IMAGE_SET[f];
  return { pal: `fp_${set}_pal`, raw: `fp_${set}_raw`, archive: `libfp_pal_core_${set}.a` };
};

/** The flavours of one bench run, each with its images and harness. */
export type FlavourTable = Record<Flavour, FlavourFootprint>;

/** The harness image of a flavour in build-bench-m3. */
export const flavourHarness = (f: Flavour): string => (f === 'full' ? 'bench_m3' : `bench_m3_${f.replace(/[-+]/g, '_')}`);

export interface FlavourSummary {
  heap_psk: number | null;
  heap_ecdhe: number | null;
  instructions_psk: number | null;
  instructions_ecdhe: number | null;
  stack: number | null;
  wire_tls_psk_ccm8: number | null;
  wire_dtls_psk_ccm8: number | null;
  wire_dtls_cookie_psk_ccm8: number | null;
  /** worst PAL/raw ratios over the flavour's cases */
  ratio_instructions: number | null;
  ratio_heap: number | null;
}

// report.ts imports this module too: its constants are only read at call time.
export function flavourSummary(hs: HandshakeTable | undefined): FlavourSummary {
  const PSK = SUITES.filter((s) => s.startsWith('psk'));
  const ECDHE = SUITES.filter((s) => s.startsWith('ecdhe'));
  const w = (suites: readonly string[], pick: Parameters<typeof worst>[3], transports: readonly string[] = TRANSPORTS) =>
    worst(hs, suites, transports, pick).value;
  return {
    heap_psk: w(PSK, (c) => c.pal.heap_peak),
    heap_ecdhe: w(ECDHE, (c) => c.pal.heap_peak),
    instructions_psk: w(PSK, (c) => c.pal.client),
    instructions_ecdhe: w(ECDHE, (c) => c.pal.client),
    stack: w(SUITES, (c) => c.pal.stack),
    wire_tls_psk_ccm8: w(['psk_aes128_ccm8'], (c) => c.pal.wire_bytes, ['tls']),
    wire_dtls_psk_ccm8: w(['psk_aes128_ccm8'], (c) => c.pal.wire_bytes, ['dtls']),
    wire_dtls_cookie_psk_ccm8: w(['psk_aes128_ccm8'], (c) => c.pal.wire_bytes, ['dtls_cookie']),
    ratio_instructions: w(SUITES, (c) => c.ratio.client),
    ratio_heap: w(SUITES, (c) => c.ratio.heap_peak),
  };
}


export function flavourFootprint(pal: SectionSizes, raw: SectionSizes, layer: ObjectSizes): FlavourFootprint {
  return { pal, raw, pal_increment: pal.rom - raw.rom, pal_layer: { rom: layer.rom, data: layer.data, objects: layer.objects } };
}

const overheadPct = (ratio: number | null): number | null => (ratio === null ? null : Math.round((ratio - 1) * 10000) / 100);

/** The issue-11 targets: footprint (flash bytes), minimal-psk heap and wire bytes, PAL overhead. */
export function flavourTargets(f: FlavourTable): Target[] {
  const out: Target[] = [
    target('flavour_minimal_psk_rom', 'minimal-psk: linked PAL client flash', 'B', 36 * 1024, f['minimal-psk'].pal.rom, 'fp_minimal_psk_pal.elf'),
    target('flavour_minimal_psk_pal_increment', 'minimal-psk: PAL client flash above the raw Mbed TLS client', 'B', 3 * 1024,
      f['minimal-psk'].pal_increment, `raw fp_minimal_psk_raw.elf: ${f['minimal-psk'].raw.rom} B`),
    target('flavour_full_rom', 'full: linked PAL client flash (all six suites)', 'B', 64 * 1024, f.full.pal.rom, 'fp_all_pal.elf'),
  ];
  const psk = flavourSummary(f['minimal-psk'].qemu?.handshakes);
  const where = (suite: string, t: string): string => `${flavourHarness('minimal-psk')}.elf ${suite}/${t}`;
  out.push(
    target('flavour_minimal_psk_heap', 'minimal-psk: client heap peak per connection', 'B', 6 * 1024, psk.heap_psk, `${flavourHarness('minimal-psk')}.elf`),
    target('flavour_minimal_psk_wire_tls', 'minimal-psk: TLS PSK-CCM8 handshake bytes', 'B', 270, psk.wire_tls_psk_ccm8, where('psk_aes128_ccm8', 'tls')),
    target('flavour_minimal_psk_wire_dtls_cookie', 'minimal-psk: DTLS PSK-CCM8 handshake bytes with cookie', 'B', 570, psk.wire_dtls_cookie_psk_ccm8,
      where('psk_aes128_ccm8', 'dtls_cookie')),
  );
  for (const name of ['cert+p256m', 'full+p256m'] as const) {
    const sum = flavourSummary(f[name].qemu?.handshakes);
    out.push(target(`flavour_${name.replace(/[-+]/g, '_')}_instructions_ecdhe`, `${name}: ECDHE-ECDSA client handshake instructions (p256-m)`, 'instr',
      45e6, sum.instructions_ecdhe, `${flavourHarness(name)}.elf`));
  }
  for (const name of FLAVOURS) {
    const id = name.replace(/[-+]/g, '_');
    const sum = flavourSummary(f[name].qemu?.handshakes);
    const harness = `${flavourHarness(name)}.elf`;
    out.push(
      target(`flavour_${id}_pal_layer`, `${name}: PAL layer objects alone`, 'B', 6 * 1024, f[name].pal_layer.rom, flavourImages(name).archive),
      target(`flavour_${id}_overhead_instructions`, `${name}: worst PAL overhead, client handshake instructions (PAL/raw - 1)`, '%', 2,
        overheadPct(sum.ratio_instructions), harness),
      target(`flavour_${id}_overhead_heap`, `${name}: worst PAL overhead, client heap peak (PAL/raw - 1)`, '%', 2, overheadPct(sum.ratio_heap), harness),
    );
  }
  return out;
}

/** The per-flavour text tables of `paltls bench` (empty without flavours). */
export function formatFlavours(r: BenchReport): string {
  if (!r.flavours) return '';
  const parts: string[] = [];
    const rows = Object.entries(r.flavours).map(([name, f]) => [
      name, fmtInt(f.pal.rom), fmtInt(f.raw.rom), fmtInt(f.pal_increment), fmtInt(f.pal_layer.rom), fmtInt(f.pal.bss), fmtInt(f.raw.bss),
    ]);
    parts.push(
      'Footprint per flavour (linked client images, same flavour configuration for PAL and raw; bytes)\n' +
        tableText(['flavour', 'PAL flash', 'raw flash', 'PAL - raw', 'PAL layer', 'PAL bss', 'raw bss'], rows, 1),
    );
    const opt = (v: number | null, digits?: number): string => (v === null ? '-' : digits === undefined ? fmtInt(v) : v.toFixed(digits));
    const qrows = Object.entries(r.flavours).map(([name, f]) => {
      const s = flavourSummary(f.qemu?.handshakes);
      return [
        name, opt(s.instructions_psk), opt(s.instructions_ecdhe), opt(s.heap_psk), opt(s.heap_ecdhe), opt(s.stack),
        opt(s.wire_tls_psk_ccm8), opt(s.wire_dtls_psk_ccm8), opt(s.wire_dtls_cookie_psk_ccm8), opt(s.ratio_instructions, 4), opt(s.ratio_heap, 4),
      ];
    });
    parts.push(
      'Per flavour on the QEMU M3 harness (worst case over the flavour\'s suites and transports; PSK-CCM8 wire bytes)\n' +
        tableText(['flavour', 'PSK instr', 'ECDHE instr', 'PSK heap', 'ECDHE heap', 'stack', 'TLS B', 'DTLS B', 'cookie B', 'instr PAL/raw', 'heap PAL/raw'], qrows, 1),
    );
    return parts.join('\n\n') + '\n';
}
