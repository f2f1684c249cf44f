// Footprint of a bare-metal image: text/data/bss of the whole ELF (arm-none-eabi-size) and per
// component from the GNU ld link map (what was actually linked after --gc-sections), so the PAL
// layer can be told apart from Mbed TLS, the agent, the suite and the C library.
import * as fs from 'fs';
import * as path from 'path';
import { Board } from './registry';
import { boardBuildDir } from './build';
import { run, which } from '../util/exec';

export interface SizeTriple {
  text: number;
  data: number;
  bss: number;
}

export interface Footprint {
  board: string;
  image: string;
  build_id?: string;
  /** Berkeley-style totals of the loaded image (reserved stack/heap regions excluded from bss). */
  image_size: SizeTriple;
  /** RAM regions reserved by the linker script (not part of bss above). */
  reserved: Record<string, number>;
  /** Linked input sections summed per component. */
  components: Record<string, SizeTriple>;
  /** PAL layer alone: core service layer + Mbed TLS platform layer (pal_core), and with the board's ports. */
  pal: SizeTriple;
  pal_with_ports: SizeTriple;
}

/** Output sections the linker script reserves as raw RAM (no input sections). */
const RESERVED = new Set(['.stack_guard', '.stack', '.msp_stack', '.heap']);
const TEXT = /^\.(isr_vector|text|rodata|ARM\.exidx|ARM\.extab|note\.gnu\.build-id)$/;

function zero(): SizeTriple {
  return { text: 0, data: 0, bss: 0 };
}

function add(a: SizeTriple, b: SizeTriple): SizeTriple {
  return { text: a.text + b.text, data: a.data + b.data, bss: a.bss + b.bss };
}

/** Which component an input file of the link belongs to. */
export function componentOf(file: string): string {
  const base = path.basename(file);
  const archive = /^lib([^()]+)\.a\(([^)]+)\)$/.exec(base);
  const lib = archive?.[1] ?? '';
  const obj = archive?.[2] ?? base;
  if (/mbedtls/.test(lib)) return 'mbedtls';
  if (/pal_core$/.test(lib)) return /^pal_plat_TLS\./.test(obj) ? 'pal_plat_tls' : 'pal_core';
  if (/suite$/.test(lib)) return 'suite';
  if (/agent$/.test(lib)) return /^pal_plat_network_bridge\./.test(obj) ? 'pal_port_network_bridge' : 'agent';
  if (/port$/.test(lib)) return /^pal_plat_/.test(obj) ? 'pal_port_rtos_storage' : 'board_support';
  if (/ports\/baremetal-[^/]+\/main\//.test(file)) return 'board_support';
  if (/^(c|g|c_nano|g_nano|m|nosys)$/.test(lib)) return 'libc';
  if (lib === 'gcc') return 'libgcc';
  return 'other';
}

/** Sums the linked input sections of a GNU ld map file per component. */
export function parseLinkMap(map: string): Record<string, SizeTriple> {
  const start = map.indexOf('Linker script and memory map');
  const lines = (start >= 0 ? map.slice(start) : map).split('\n');
  const out: Record<string, SizeTriple> = {};
  let outputSection = '';
  let pendingName: string | undefined;
  const account = (section: string, size: number, file: string): void => {
    if (size === 0 || RESERVED.has(outputSection)) return;
    let kind: keyof SizeTriple;
    if (TEXT.test(outputSection)) kind = 'text';
    else if (outputSection === '.data') kind = 'data';
    else if (outputSection === '.bss' || section === 'COMMON') kind = 'bss';
    else return; // debug info, comments, attributes
    const c = componentOf(file.trim());
    out[c] = out[c] ?? zero();
    out[c]![kind] += size;
  };
  for (const line of lines) {
    const top = /^(\.[^\s]+)(\s+0x[0-9a-f]+\s+0x[0-9a-f]+)?/.exec(line);
    if (top) {
      outputSection = top[1]!;
      pendingName = undefined;
      continue;
    }
    if (line.startsWith('/DISCARD/')) {
      outputSection = '/DISCARD/';
      continue;
    }
    const full = /^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (full && full[1] !== '*fill*') {
      account(full[1]!, parseInt(full[3]!, 16), full[4]!);
      pendingName = undefined;
      continue;
    }
    const nameOnly = /^ (\.\S+|COMMON)\s*$/.exec(line);
    if (nameOnly) {
      pendingName = nameOnly[1];
      continue;
    }
    const cont = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (cont && pendingName) {
      account(pendingName, parseInt(cont[2]!, 16), cont[3]!);
    }
    pendingName = undefined;
  }
  return out;
}

/** `size -A` output: section name -> size. */
export function parseSizeA(text: string): Map<string, number> {
  const sections = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+\s*$/.exec(line);
    if (m) sections.set(m[1]!, Number(m[2]));
  }
  return sections;
}

export function imageTotals(sections: Map<string, number>): { image: SizeTriple; reserved: Record<string, number> } {
  const image = zero();
  const reserved: Record<string, number> = {};
  for (const [name, size] of sections) {
    if (RESERVED.has(name)) reserved[name.slice(1)] = size;
    else if (TEXT.test(name)) image.text += size;
    else if (name === '.data') image.data += size;
    else if (name === '.bss') image.bss += size;
  }
  return { image, reserved };
}

export async function computeFootprint(options: {
  board: string;
  elf: string;
  map: string;
  buildId?: string;
  sizeTool?: string;
}): Promise<Footprint> {
  const sizeOut = await run(options.sizeTool ?? 'arm-none-eabi-size', ['-A', options.elf]);
  const { image, reserved } = imageTotals(parseSizeA(sizeOut));
  const components = fs.existsSync(options.map) ? parseLinkMap(fs.readFileSync(options.map, 'utf8')) : {};
  const get = (k: string): SizeTriple => components[k] ?? zero();
  const pal = add(get('pal_core'), get('pal_plat_tls'));
  return {
    board: options.board,
    image: options.elf,
    build_id: options.buildId,
    image_size: image,
    reserved,
    components,
    pal,
    pal_with_ports: add(add(pal, get('pal_port_rtos_storage')), get('pal_port_network_bridge')),
  };
}

function kib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB` : `${(n / 1024).toFixed(n % 1024 ? 1 : 0)} KiB`;
}

/** Human-readable table. */
export function formatFootprint(f: Footprint): string[] {
  const num = (n: number): string => n.toLocaleString('en-US').padStart(9);
  const row = (name: string, s: SizeTriple): string => `  ${name.padEnd(26)}${num(s.text)}${num(s.data)}${num(s.bss)}`;
  const lines = [
    `footprint of ${f.board}${f.build_id ? ` (build ${f.build_id})` : ''}: ${path.basename(f.image)}`,
    `  ${''.padEnd(26)}${'text'.padStart(9)}${'data'.padStart(9)}${'bss'.padStart(9)}`,
    row('image', f.image_size),
  ];
  const order = ['mbedtls', 'pal_core', 'pal_plat_tls', 'pal_port_rtos_storage', 'pal_port_network_bridge', 'agent', 'suite', 'board_support', 'libc', 'libgcc', 'other'];
  for (const k of [...order, ...Object.keys(f.components).filter((c) => !order.includes(c)).sort()]) {
    if (f.components[k]) lines.push(row(`  ${k}`, f.components[k]!));
  }
  lines.push(row('PAL layer (core + plat_TLS)', f.pal));
  lines.push(row('PAL layer + board ports', f.pal_with_ports));
  const reserved = Object.entries(f.reserved).map(([k, v]) => `${k} ${kib(v)}`);
  if (reserved.length) lines.push(`  RAM reserved by the linker script (not in bss): ${reserved.join(', ')}`);
  return lines;
}

/**
 * After a bare-metal build: writes <build>/footprint.json and prints the table through the build
 * echo. Needs arm-none-eabi-size (skipped without it); a failure is reported, never fatal.
 */
export async function writeFootprintReport(board: Board, image: string, buildId: string | undefined, echo?: (l: string) => void): Promise<void> {
  const map = image.replace(/\.elf$/, '') + '.map';
  const sizeTool = which('arm-none-eabi-size');
  if (!sizeTool) return;
  const out = path.join(boardBuildDir(board), 'footprint.json');
  try {
    const f = await computeFootprint({ board: board.id, elf: image, map, buildId, sizeTool });
    fs.writeFileSync(out, JSON.stringify(f, null, 2) + '\n');
    for (const l of formatFootprint(f)) echo?.(l);
    echo?.(`  (written to ${path.relative(process.cwd(), out)})`);
  } catch (err) {
    echo?.(`footprint report skipped: ${(err as Error).message}`);
  }
}
