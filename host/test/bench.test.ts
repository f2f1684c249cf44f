// `paltls bench` plumbing: parsing, determinism comparison, targets, map attribution, HTML. No
// timing assertions (benchmarks are not tests). The QEMU determinism case runs the prebuilt image
// twice when build-bench-m3 exists (a few seconds), and is skipped otherwise.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FlavourTable, flavourFootprint, flavourTargets, formatFlavours } from '../src/bench/flavours';
import { renderHtml } from '../src/bench/html';
import { BenchReport, compareRuns, evaluateTargets, formatReport, qemuSection, SCHEMA } from '../src/bench/report';
import { archiveSizesFromMap, benchBuildDirs, parseBenchLines, runQemuBench } from '../src/bench/run';
import { which } from '../src/util/exec';

function hsLine(suite: string, transport: string, impl: string, client: number, heap: number): string {
  return `BENCH ${JSON.stringify({
    kind: 'handshake', suite, transport, impl, ok: true, error: 0, stage: '', negotiated: 'X',
    counter_unit: 'instructions', client_counter: client, server_counter: 1, client_steps: 3,
    client_heap_peak: heap, client_conf_heap: 10, client_heap_allocs: 2, server_heap_peak: 5,
    client_stack: 1000, server_stack: 900, bytes_c2s: 133, bytes_s2c: 142, writes_c2s: 4, writes_s2c: 4,
  })}`;
}

const sample = [
  'noise line',
  'BENCH {"kind":"start","board":"qemu","instructions_per_tick":40,"calibration_ticks":50000}',
  hsLine('psk_aes128_ccm8', 'tls', 'pal', 404000, 5000),
  hsLine('psk_aes128_ccm8', 'tls', 'raw', 400000, 4990),
  'BENCH {"kind":"aead","aead":"aes128_ccm8","ok":true,"message_bytes":1024,"messages":8,"counter":819200}',
  'BENCH {"kind":"done"}',
].join('\n');

describe('bench report', () => {
  it('parses BENCH lines and ignores other output', () => {
    const lines = parseBenchLines(sample);
    assert.equal(lines.length, 5);
    assert.equal(lines[0]!.kind, 'start');
  });

  it('pairs PAL and raw and computes ratios and AEAD cost per byte', () => {
    const q = qemuSection(parseBenchLines(sample), []);
    const c = q.handshakes.psk_aes128_ccm8!.tls!;
    assert.equal(c.ratio.client, 1.01);
    assert.equal(c.pal.wire_bytes, 275);
    assert.equal(q.aead_instructions_per_byte.aes128_ccm8, 100);
    assert.equal(q.instructions_per_tick, 40);
  });

  it('reports every instruction-count difference between runs', () => {
    const a = parseBenchLines(sample);
    assert.deepEqual(compareRuns(a, parseBenchLines(sample)), { identical: true, differences: [] });
    const b = parseBenchLines(sample.replace('"client_counter":404000', '"client_counter":404040'));
    const cmp = compareRuns(a, b);
    assert.equal(cmp.identical, false);
    assert.equal(cmp.differences.length, 1);
    assert.match(cmp.differences[0]!, /psk_aes128_ccm8\/tls\/pal/);
  });

  it('evaluates targets with signed margins and n/a for missing figures', () => {
    const q = qemuSection(parseBenchLines(sample), []);
    const t = evaluateTargets({ qemu: q });
    const byId = Object.fromEntries(t.map((x) => [x.id, x]));
    assert.equal(byId.pal_overhead_instructions!.value, 1);
    assert.equal(byId.pal_overhead_instructions!.met, true);
    assert.equal(byId.wire_tls_psk_ccm8!.value, 275);
    assert.equal(byId.wire_tls_psk_ccm8!.met, false);
    assert.equal(byId.wire_tls_psk_ccm8!.margin, -5);
    assert.equal(byId.rom_psk_only!.value, null);
    assert.equal(byId.rom_psk_only!.met, null);
  });

  it('attributes linked input sections of one archive from a GNU ld map', () => {
    const map = [
      'Archive member included to satisfy reference by file (symbol)',
      'libfp_pal_core_all.a(pal_TLS.c.obj)  fp_client.c.obj (pal_initTLS)',
      'Discarded input sections',
      ' .text.unused   0x00000000       0x40 libfp_pal_core_all.a(pal_TLS.c.obj)',
      'Linker script and memory map',
      ' .text.pal_initTLS',
      '                0x00001000       0x164 libfp_pal_core_all.a(pal_TLS.c.obj)',
      ' .text.other    0x00001200       0x20 libother.a(x.c.obj)',
      ' .rodata.tbl    0x00002000       0x10 libfp_pal_core_all.a(pal_errors.c.obj)',
      ' .data.g        0x20000000        0x8 libfp_pal_core_all.a(pal_TLS.c.obj)',
      ' .bss.h         0x20000010      0x100 libfp_pal_core_all.a(pal_TLS.c.obj)',
    ].join('\n');
    const s = archiveSizesFromMap(map, 'libfp_pal_core_all.a');
    assert.equal(s.rom, 0x164 + 0x10 + 0x8);
    assert.equal(s.data, 8);
    assert.deepEqual(Object.keys(s.objects).sort(), ['pal_TLS', 'pal_errors']);
  });

  it('puts every flavour side by side with its raw client and checks the issue-11 footprint bounds', () => {
    const size = (rom: number) => ({ text: rom - 100, data: 100, bss: 50, rom });
    const layer = (rom: number) => ({ rom, data: 0, objects: { pal_TLS: { rom, data: 0 } } });
    const flavours: FlavourTable = {
      'minimal-psk': flavourFootprint(size(33000), size(29000), layer(5000)),
      cert: flavourFootprint(size(80000), size(73000), layer(6500)),
      'cert+p256m': flavourFootprint(size(98000), size(91000), layer(6600)),
      full: flavourFootprint(size(90000), size(78000), layer(7000)),
      'full+p256m': flavourFootprint(size(99000), size(88000), layer(7100)),
    };
    flavours['minimal-psk'].qemu = qemuSection(
      [hsLine('psk_aes128_ccm8', 'tls', 'pal', 400000, 4400), hsLine('psk_aes128_ccm8', 'tls', 'raw', 390000, 4300)].flatMap(parseBenchLines),
      [],
    );
    assert.equal(flavours['minimal-psk'].pal_increment, 4000);
    const t = Object.fromEntries(flavourTargets(flavours).map((x) => [x.id, x]));
    assert.equal(t.flavour_minimal_psk_rom!.met, true);
    assert.equal(t.flavour_minimal_psk_pal_increment!.met, false);
    assert.equal(t.flavour_minimal_psk_pal_increment!.margin, 3072 - 4000);
    assert.equal(t.flavour_full_rom!.met, false);
    assert.equal(t.flavour_minimal_psk_pal_layer!.met, true);
    assert.equal(t.flavour_cert_pal_layer!.met, false);
    // From the harness: heap and wire bytes of the PSK-CCM8 case, overhead as PAL/raw - 1.
    assert.equal(t.flavour_minimal_psk_heap!.value, 4400);
    assert.equal(t.flavour_minimal_psk_wire_tls!.value, 133 + 142);
    assert.equal(t.flavour_minimal_psk_wire_tls!.met, false);
    assert.equal(t.flavour_minimal_psk_overhead_instructions!.value, 2.56);
    assert.equal(t.flavour_minimal_psk_overhead_instructions!.met, false);
    assert.equal(t.flavour_cert_p256m_instructions_ecdhe!.met, null);
    const report: BenchReport = { schema: SCHEMA, generated_at: 'now', mbedtls_config: 'x', boards: ['qemu'], targets: [], duration_s: 0, flavours };
    const text = formatFlavours(report);
    assert.match(text, /Footprint per flavour/);
    assert.match(text, /minimal-psk\s+33,000\s+29,000\s+4,000\s+5,000/);
    assert.match(renderHtml(report), /<td>cert<\/td><td class="n">80,000<\/td><td class="n">73,000<\/td>/);
  });

  it('renders a self-contained HTML page and a text table', () => {
    const q = qemuSection(parseBenchLines(sample), []);
    const report: BenchReport = {
      schema: SCHEMA, generated_at: 'now', mbedtls_config: 'cfg', boards: ['qemu'], qemu: q,
      targets: evaluateTargets({ qemu: q }), duration_s: 1,
    };
    const html = renderHtml(report);
    assert.match(html, /<svg /);
    assert.doesNotMatch(html, /<script|<link |src=|href=|url\(|@import/i);
    assert.match(formatReport(report), /pal_overhead_instructions/);
  });
});

describe('bench QEMU determinism', function () {
  this.timeout(120000);
  const elf = path.join(benchBuildDirs().m3, 'bench_m3.elf');

  it('gives identical instruction counts in two runs of the harness image', async function () {
    if (!fs.existsSync(elf) || !which('qemu-system-arm')) this.skip();
    const [a, b] = [await runQemuBench(elf), await runQemuBench(elf)];
    const cmp = compareRuns(a, b);
    assert.deepEqual(cmp.differences, []);
    assert.equal(cmp.identical, true);
  });
});
