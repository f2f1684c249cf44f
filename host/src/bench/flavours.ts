// Footprint flavours in `paltls bench` (docs/mbedtls-config.md, docs/performance.md): the linked
// PAL client and the raw Mbed TLS client of each flavour, built from the same flavour
// configuration in build-bench-m3, side by side, with the issue-11 footprint targets.
import { ObjectSizes, SectionSizes } from './run';
import { Target, target } from './report';

export const FLAVOURS = ['minimal-psk', 'cert', 'full'] as const;
export type Flavour = (typeof FLAVOURS)[number];

/** The footprint image set (bench/CMakeLists.txt) of each flavour; full's is the all-suites pair. */
export const FLAVOUR_IMAGE_SET: Record<Flavour, string> = { 'minimal-psk': 'minimal_psk', cert: 'cert', full: 'all' };

export const flavourImages = (f: Flavour): { pal: string; raw: string; archive: string } => {
  const set = FLAVOUR_IMAGE_SET[f];
  return { pal: `fp_${set}_pal`, raw: `fp_${set}_raw`, archive: `libfp_pal_core_${set}.a` };
};

export interface FlavourFootprint {
  pal: SectionSizes;
  raw: SectionSizes;
  /** PAL image flash - raw image flash */
  pal_increment: number;
  pal_layer: { rom: number; data: number; objects: ObjectSizes['objects'] };
}

export type FlavourSection = Record<Flavour, FlavourFootprint>;

export function flavourFootprint(pal: SectionSizes, raw: SectionSizes, layer: ObjectSizes): FlavourFootprint {
  return { pal, raw, pal_increment: pal.rom - raw.rom, pal_layer: { rom: layer.rom, data: layer.data, objects: layer.objects } };
}

/** The issue-11 footprint targets (bytes of flash). */
export function flavourTargets(f: FlavourSection): Target[] {
  const out: Target[] = [
    target('flavour_minimal_psk_rom', 'minimal-psk: linked PAL client flash', 'B', 36 * 1024, f['minimal-psk'].pal.rom, 'fp_minimal_psk_pal.elf'),
    target('flavour_minimal_psk_pal_increment', 'minimal-psk: PAL client flash above the raw Mbed TLS client', 'B', 3 * 1024,
      f['minimal-psk'].pal_increment, `raw fp_minimal_psk_raw.elf: ${f['minimal-psk'].raw.rom} B`),
    target('flavour_full_rom', 'full: linked PAL client flash (all six suites)', 'B', 64 * 1024, f.full.pal.rom, 'fp_all_pal.elf'),
  ];
  for (const name of FLAVOURS) {
    out.push(target(`flavour_${name.replace('-', '_')}_pal_layer`, `${name}: PAL layer objects alone`, 'B', 6 * 1024, f[name].pal_layer.rom,
      flavourImages(name).archive));
  }
  return out;
}
