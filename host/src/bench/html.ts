// Self-contained HTML page of a `paltls bench` report: inline CSS and SVG bar charts, no scripts,
// no external resources (it must open offline and render in headless Chromium).
import { BenchReport, fmtInt, SUITES, Target, TRANSPORTS } from './report';
import { flavourSummary } from './flavours';

type Pick = (side: 'pal' | 'raw', s: string, t: string) => number | undefined;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Bar {
  label: string;
  values: { name: string; value: number; cls: string }[];
}

/** Horizontal grouped bars; one scale per chart; optional limit line (target). */
function barChart(title: string, unit: string, bars: Bar[], limit?: number): string {
  const rowH = 14;
  const groupGap = 8;
  const labelW = 300;
  const chartW = 460;
  const valueW = 110;
  const max = Math.max(limit ?? 0, ...bars.flatMap((b) => b.values.map((v) => v.value)), 1);
  const scale = chartW / (max * 1.05);
  let y = 6;
  const parts: string[] = [];
  for (const b of bars) {
    const h = b.values.length * rowH;
    parts.push(`<text x="${labelW - 8}" y="${y + h / 2 + 4}" class="lbl" text-anchor="end">${esc(b.label)}</text>`);
    for (const v of b.values) {
      const w = Math.max(1, v.value * scale);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 3}" class="${v.cls}"><title>${esc(`${b.label} ${v.name}: ${fmtInt(v.value)} ${unit}`)}</title></rect>`);
      parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + rowH - 5}" class="val">${esc(`${v.name} ${fmtInt(v.value)}`)}</text>`);
      y += rowH;
    }
    y += groupGap;
  }
  if (limit !== undefined) {
    const x = labelW + limit * scale;
    parts.push(`<line x1="${x.toFixed(1)}" y1="0" x2="${x.toFixed(1)}" y2="${y}" class="limit"/>`);
    parts.push(`<text x="${(x + 3).toFixed(1)}" y="${y + 10}" class="val">target ${fmtInt(limit)}</text>`);
    y += 12;
  }
  const width = labelW + chartW + valueW;
  return `<figure><figcaption>${esc(title)} <span class="unit">(${esc(unit)})</span></figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 4}" viewBox="0 0 ${width} ${y + 4}" role="img">${parts.join('')}</svg></figure>`;
}

function handshakeBars(pick: Pick, suites: readonly string[]): Bar[] {
  const bars: Bar[] = [];
  for (const s of suites) {
    for (const t of TRANSPORTS) {
      const pal = pick('pal', s, t);
      const raw = pick('raw', s, t);
      if (pal === undefined || raw === undefined) continue;
      bars.push({ label: `${s} ${t}`, values: [{ name: 'PAL', value: pal, cls: 'pal' }, { name: 'raw', value: raw, cls: 'raw' }] });
    }
  }
  return bars;
}

function targetRows(targets: Target[]): string {
  return targets
    .map((t) => {
      const status = t.met === null ? 'n/a' : t.met ? 'met' : 'missed';
      const value = t.value === null ? 'n/a' : t.unit === '%' ? t.value.toFixed(2) : fmtInt(t.value);
      const margin = t.margin === null ? '' : `${t.margin >= 0 ? '+' : ''}${t.unit === '%' ? t.margin.toFixed(2) : fmtInt(t.margin)} (${t.margin_pct}%)`;
      return `<tr class="${status}"><td>${esc(t.id)}</td><td>${esc(t.description)}</td><td class="n">${esc(value)}</td>` +
        `<td class="n">&le; ${esc(t.unit === '%' ? String(t.target) : fmtInt(t.target))} ${esc(t.unit)}</td><td>${status}</td><td class="n">${esc(margin)}</td><td>${esc(t.where)}</td></tr>`;
    })
    .join('\n');
}

export function renderHtml(r: BenchReport): string {
  const sections: string[] = [];
  sections.push(`<h2>Targets</h2><table><thead><tr><th>id</th><th>what</th><th>value</th><th>bound</th><th>status</th><th>margin</th><th>where</th></tr></thead><tbody>${targetRows(r.targets)}</tbody></table>`);
  if (r.qemu) {
    const hs = r.qemu.handshakes;
    const get = (field: 'client' | 'heap_peak' | 'stack' | 'wire_bytes') => (side: 'pal' | 'raw', s: string, t: string): number | undefined => {
      const c = hs[s]?.[t];
      return c && c[side].ok ? c[side][field] : undefined;
    };
    const psk = SUITES.filter((s) => s.startsWith('psk'));
    const ecdhe = SUITES.filter((s) => s.startsWith('ecdhe'));
    sections.push('<h2>QEMU Cortex-M3 (mps2-an385, -icount shift=0): client handshake, PAL vs raw Mbed TLS</h2>');
    sections.push(barChart('Client handshake instructions, PSK suites', 'instructions', handshakeBars(get('client'), psk), 450000));
    sections.push(barChart('Client handshake instructions, ECDHE-ECDSA suites', 'instructions', handshakeBars(get('client'), ecdhe), 70e6));
    sections.push(barChart('Client heap peak per connection, PSK suites', 'bytes', handshakeBars(get('heap_peak'), psk), 6144));
    sections.push(barChart('Client heap peak per connection, ECDHE-ECDSA suites', 'bytes', handshakeBars(get('heap_peak'), ecdhe), 7168));
    sections.push(barChart('Client stack high-water', 'bytes', handshakeBars(get('stack'), SUITES), 3584));
    sections.push(barChart('Bytes on the wire (both directions)', 'bytes', handshakeBars(get('wire_bytes'), SUITES)));
    const aead = Object.entries(r.qemu.aead_instructions_per_byte).map(([k, v]) => ({ label: k, values: [{ name: '', value: v, cls: 'raw' }] }));
    sections.push(barChart('AEAD cost on the M3, 1 KiB messages', 'instructions/byte', aead));
    if (r.qemu.determinism) {
      sections.push(`<p>Determinism check: ${r.qemu.determinism.runs} QEMU runs, instruction counts <b>${r.qemu.determinism.identical ? 'identical' : 'different'}</b>.</p>`);
    }
  }
  if (r.footprint) {
    const f = r.footprint;
    const img = (label: string, pal: number, raw: number): Bar => ({
      label,
      values: [{ name: 'PAL', value: pal, cls: 'pal' }, { name: 'raw', value: raw, cls: 'raw' }],
    });
    sections.push('<h2>Footprint (linked client images, --gc-sections)</h2>');
    sections.push(barChart('Flash (text + data), PSK-only', 'bytes', [img('PSK-only', f.psk_only.pal.rom, f.psk_only.raw.rom)], 36 * 1024));
    sections.push(barChart('Flash (text + data), all six suites', 'bytes', [img('all six suites', f.all_suites.pal.rom, f.all_suites.raw.rom)], 64 * 1024));
    const objs = Object.entries(f.pal_layer.objects)
      .sort((a, b) => b[1].rom - a[1].rom)
      .map(([k, v]) => ({ label: k, values: [{ name: '', value: v.rom, cls: 'pal' }] }));
    sections.push(barChart(`PAL layer alone: ${fmtInt(f.pal_layer.rom)} B flash, by object`, 'bytes', objs));
  }
  if (r.flavours) {
    const rows = Object.entries(r.flavours)
      .map(([name, f]) => `<tr><td>${esc(name)}</td><td class="n">${fmtInt(f.pal.rom)}</td><td class="n">${fmtInt(f.raw.rom)}</td>` +
        `<td class="n">${fmtInt(f.pal_increment)}</td><td class="n">${fmtInt(f.pal_layer.rom)}</td><td class="n">${fmtInt(f.pal.bss)}</td><td class="n">${fmtInt(f.raw.bss)}</td></tr>`)
      .join('\n');
    sections.push('<h2>Footprint per flavour (PAL and raw Mbed TLS clients in the same flavour configuration)</h2>');
    sections.push(`<table><thead><tr><th>flavour</th><th>PAL flash</th><th>raw flash</th><th>PAL &minus; raw</th><th>PAL layer</th><th>PAL bss</th><th>raw bss</th></tr></thead><tbody>${rows}</tbody></table>`);
    const opt = (v: number | null, digits?: number): string => (v === null ? '&ndash;' : digits === undefined ? fmtInt(v) : v.toFixed(digits));
    const qrows = Object.entries(r.flavours)
      .map(([name, f]) => {
        const s = flavourSummary(f.qemu?.handshakes);
        const cells = [s.instructions_psk, s.instructions_ecdhe, s.heap_psk, s.heap_ecdhe, s.stack, s.wire_tls_psk_ccm8, s.wire_dtls_psk_ccm8,
          s.wire_dtls_cookie_psk_ccm8].map((v) => `<td class="n">${opt(v)}</td>`).join('');
        return `<tr><td>${esc(name)}</td>${cells}<td class="n">${opt(s.ratio_instructions, 4)}</td><td class="n">${opt(s.ratio_heap, 4)}</td></tr>`;
      })
      .join('\n');
    sections.push('<h3>QEMU M3 harness per flavour (worst case over its suites and transports)</h3>');
    sections.push(`<table><thead><tr><th>flavour</th><th>PSK instr</th><th>ECDHE instr</th><th>PSK heap</th><th>ECDHE heap</th><th>stack</th><th>TLS B</th><th>DTLS B</th><th>cookie B</th><th>instr PAL/raw</th><th>heap PAL/raw</th></tr></thead><tbody>${qrows}</tbody></table>`);
    sections.push(barChart('Flash (text + data) per flavour', 'bytes',
      Object.entries(r.flavours).map(([name, f]) => ({ label: name, values: [{ name: 'PAL', value: f.pal.rom, cls: 'pal' }, { name: 'raw', value: f.raw.rom, cls: 'raw' }] }))));
  }
  if (r.native) {
    const bars: Bar[] = [];
    for (const s of SUITES) {
      for (const t of TRANSPORTS) {
        const c = r.native.rates[s]?.[t];
        if (c) bars.push({ label: `${s} ${t}`, values: [{ name: 'PAL', value: c.pal_per_s, cls: 'pal' }, { name: 'raw', value: c.raw_per_s, cls: 'raw' }] });
      }
    }
    sections.push('<h2>Native (this machine)</h2>');
    sections.push(barChart('Full handshakes per second (client + server in one thread)', 'handshakes/s', bars));
    const aead = Object.entries(r.native.aead_mb_per_s).map(([k, v]) => ({ label: k, values: [{ name: '', value: v, cls: 'raw' }] }));
    sections.push(barChart('AEAD throughput, 16 KiB messages', 'MB/s', aead));
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>paltls bench ${esc(r.generated_at)}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.missed td{background:#fde2e2}tr.met td{background:#e3f6e3}
figure{margin:14px 0}figcaption{font-weight:600;margin-bottom:4px}.unit{font-weight:400;color:#666}
svg .pal{fill:#2b6cb0}svg .raw{fill:#a0aec0}svg .lbl,svg .val{font-size:11px;fill:#333}
svg .limit{stroke:#c53030;stroke-width:1.5;stroke-dasharray:4 3}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
</style></head><body>
<h1>paltls bench</h1>
<p>${esc(r.generated_at)} &middot; boards: ${esc(r.boards.join(', '))} &middot; ${esc(r.mbedtls_config)} &middot; schema ${esc(r.schema)}
<span class="legend"><span style="background:#2b6cb0"></span>PAL client<span style="background:#a0aec0"></span>raw Mbed TLS client<span style="background:#c53030;height:2px"></span>target</span></p>
${sections.join('\n')}
</body></html>
`;
}
