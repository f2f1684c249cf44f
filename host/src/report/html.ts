// report.html of a `paltls test` run: one self-contained page (inline CSS, SVG and a few lines of
// script, no network, no external assets) with the run header, a filterable table of the cases
// and their metrics, a timeline, and for every failed or errored case its transcript, device
// output, peer log and packet capture link. Rendered with Eta, whose `<%= %>` escapes every value;
// the only raw insertion (`<%~ %>`) is the timeline SVG built below from numbers and escaped text.
// What the page shows comes from the run's records as they are (messages, transcript text): no
// wording of the device or the harness is interpreted here.
import * as fs from 'fs';
import { Eta } from 'eta';
import { RunSummary, TestRecord } from './results';

export interface CaseDetails {
  /** The case's slice of the two-way transcript (frames decoded, device log, harness notes). */
  transcript: string;
  /** Only the device's own log output within the case. */
  deviceOutput: string;
  peerLog: string;
  /** Link to the case's .pcapng, relative to the page. */
  capture?: string;
  /** Link to the failure bundle directory, relative to the page. */
  bundle?: string;
}

export interface CaseView extends TestRecord {
  /** Start of the case in ms since the run started (host clock). */
  startMs: number;
  /** End of the case, host clock, incl. any device restart after it; default start + duration. */
  endMs?: number;
  details?: CaseDetails;
}

export interface RunView {
  board: string;
  buildId: string;
  mbedtls: string;
  entropy: string;
  host: string;
  startedAt: string;
  durationMs: number;
  command: string;
  summary: RunSummary;
  cases: CaseView[];
}

const eta = new Eta({ autoEscape: true, autoTrim: false, useWith: false });

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1f21}
h1{font-size:1.4em;margin:0 0 .4em}
table{border-collapse:collapse}
.hdr td{padding:1px 12px 1px 0;vertical-align:top}
.hdr td:first-child{color:#666}
.sum span{margin-right:1em;font-weight:600}
#cases{width:100%;margin-top:.6em}
.scroll{overflow-x:auto}
td.other{font-size:12px;color:#444}
#cases th,#cases td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
#cases th{background:#f3f3f3;position:sticky;top:0}
#cases td.num{text-align:right;font-variant-numeric:tabular-nums}
.st{font-weight:600;text-transform:uppercase;font-size:12px}
.passed .st,.sum .passed{color:#137333}.failed .st,.sum .failed{color:#c5221f}.error .st,.sum .error{color:#8e24aa}.skipped .st,.sum .skipped{color:#b06000}
tr.detail td{background:#fafafa}
details>summary{cursor:pointer;color:#1a5fb4}
pre{background:#111;color:#e8e8e8;padding:8px;overflow:auto;max-height:32em;font-size:12px;white-space:pre-wrap}
.tools{margin:.8em 0}
.tools label{margin-right:1em}
svg text{font-size:11px}
.t-passed{fill:#34a853}.t-failed{fill:#ea4335}.t-error{fill:#a142f4}.t-skipped{fill:#fbbc04}
.msg{color:#555}
`;

// Filtering and one-click disclosure; kept tiny and free of any external dependency.
const SCRIPT = `
(function(){
  var q=document.getElementById('q');
  var boxes=document.querySelectorAll('input[name=status]');
  function apply(){
    var text=q.value.toLowerCase();
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
    var shown=0;
    document.querySelectorAll('tr.case').forEach(function(tr){
      var ok=on[tr.dataset.status]&&tr.dataset.id.toLowerCase().indexOf(text)>=0;
      tr.hidden=!ok; if(ok)shown++;
      var d=document.getElementById('detail-'+tr.dataset.index); if(d)d.hidden=!ok;
    });
    document.getElementById('shown').textContent=String(shown);
  }
  q.addEventListener('input',apply);boxes.forEach(function(b){b.addEventListener('change',apply);});
  document.querySelectorAll('a.open').forEach(function(a){a.addEventListener('click',function(ev){
    ev.preventDefault();var d=document.querySelector('#detail-'+a.dataset.index+' details');if(d){d.open=true;d.scrollIntoView();}
  });});
  apply();
})();
`;

const TEMPLATE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>paltls test: <%= it.run.board %> <%= it.run.startedAt %></title>
<style><%~ it.style %></style></head>
<body>
<h1>paltls test: <%= it.run.board %></h1>
<table class="hdr">
<tr><td>board</td><td id="h-board"><%= it.run.board %></td></tr>
<tr><td>build id</td><td id="h-build"><%= it.run.buildId %></td></tr>
<tr><td>Mbed TLS</td><td id="h-mbedtls"><%= it.run.mbedtls %></td></tr>
<tr><td>entropy</td><td id="h-entropy"><%= it.run.entropy %></td></tr>
<tr><td>host</td><td id="h-host"><%= it.run.host %></td></tr>
<tr><td>started</td><td><%= it.run.startedAt %></td></tr>
<tr><td>duration</td><td id="h-duration"><%= it.seconds(it.run.durationMs) %> s</td></tr>
<tr><td>command</td><td><code><%= it.run.command %></code></td></tr>
</table>
<p class="sum"><span class="passed"><%= it.run.summary.passed %> passed</span><span class="failed"><%= it.run.summary.failed %> failed</span><span class="error"><%= it.run.summary.error %> error</span><span class="skipped"><%= it.run.summary.skipped %> skipped</span></p>
<h2>Timeline</h2>
<%~ it.timeline %>
<h2>Cases</h2>
<div class="tools">
<label>filter <input id="q" type="search" placeholder="case id"></label>
<% for (const s of it.statuses) { %><label><input type="checkbox" name="status" value="<%= s %>" checked> <%= s %></label><% } %>
<span><span id="shown"><%= it.run.cases.length %></span> of <%= it.run.cases.length %> shown</span>
</div>
<div class="scroll"><table id="cases">
<thead><tr><th>#</th><th>case</th><th>status</th><th>duration (s)</th><% for (const m of it.metrics) { %><th><%= m %></th><% } %><% if (it.otherMetrics) { %><th>other metrics</th><% } %><th>message</th></tr></thead>
<tbody>
<% it.run.cases.forEach(function (c, i) { %>
<tr class="case <%= c.status %>" data-id="<%= c.id %>" data-status="<%= c.status %>" data-index="<%= i %>">
<td class="num"><%= i + 1 %></td>
<td><% if (c.details) { %><a href="#detail-<%= i %>" class="open" data-index="<%= i %>"><%= c.id %></a><% } else { %><%= c.id %><% } %></td>
<td class="st"><%= c.status %></td>
<td class="num"><%= it.seconds(c.duration_ms) %></td>
<% for (const m of it.metrics) { %><td class="num"><%= c.metrics && c.metrics[m] !== undefined ? it.int(c.metrics[m]) : '' %></td><% } %>
<% if (it.otherMetrics) { %><td class="other"><%= it.others(c) %></td><% } %>
<td class="msg"><%= c.message || '' %></td>
</tr>
<% if (c.details) { %>
<tr class="detail" id="detail-<%= i %>"><td></td><td colspan="<%= it.metrics.length + (it.otherMetrics ? 5 : 4) %>">
<details class="case-details" data-id="<%= c.id %>"><summary>transcript, device output and peer log of <%= c.id %></summary>
<% if (c.details.capture) { %><p>packet capture: <a class="capture" href="<%= c.details.capture %>"><%= c.details.capture %></a> (open with Wireshark or <code>tshark -r</code>)</p><% } %>
<% if (c.details.bundle) { %><p>failure bundle: <a href="<%= c.details.bundle %>"><%= c.details.bundle %></a></p><% } %>
<h3>Transcript</h3><pre class="transcript"><%= c.details.transcript %></pre>
<h3>Device output</h3><pre class="device"><%= c.details.deviceOutput || '(none)' %></pre>
<h3>Peer log</h3><pre class="peer"><%= c.details.peerLog || '(none)' %></pre>
</details></td></tr>
<% } %>
<% }) %>
</tbody></table></div>
<script><%~ it.script %></script>
</body></html>
`;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One bar per case on the run's time axis; hover shows the case, status and duration. */
export function timelineSvg(run: RunView, width = 960): string {
  const end = (c: CaseView): number => c.endMs ?? c.startMs + c.duration_ms;
  const total = Math.max(run.durationMs, ...run.cases.map(end), 1);
  const h = 28;
  const scale = width / total;
  const bars = run.cases.map((c) => {
    const x = Math.min(width - 1, c.startMs * scale);
    const w = Math.max(1, (end(c) - c.startMs) * scale);
    const tip = `${c.id}: ${c.status}, ${(c.duration_ms / 1000).toFixed(2)} s on the device, ${((end(c) - c.startMs) / 1000).toFixed(2)} s on the host from +${(c.startMs / 1000).toFixed(2)} s`;
    return `<rect x="${x.toFixed(1)}" y="2" width="${w.toFixed(1)}" height="${h - 4}" class="t-${esc(c.status)}"><title>${esc(tip)}</title></rect>`;
  });
  const firstStart = Math.min(...run.cases.map((c) => c.startMs), total);
  const setup = firstStart > 0
    ? `<rect x="0" y="${h / 2 - 2}" width="${(firstStart * scale).toFixed(1)}" height="4" fill="#9aa0a6"><title>${esc(`build, boot, sync, peers: ${(firstStart / 1000).toFixed(1)} s`)}</title></rect>`
    : '';
  const ticks: string[] = [];
  const step = niceStep(total / 8);
  for (let i = 0; i * step <= total; i++) {
    const x = i * step * scale;
    const label = step >= 1000 ? `${(i * step) / 1000}s` : `${((i * step) / 1000).toFixed(step >= 100 ? 1 : 2)}s`;
    ticks.push(`<line x1="${x.toFixed(1)}" y1="${h}" x2="${x.toFixed(1)}" y2="${h + 4}" stroke="#888"/><text x="${x.toFixed(1)}" y="${h + 15}" text-anchor="middle">${label}</text>`);
  }
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width + 20}" height="${h + 20}" viewBox="-10 0 ${width + 20} ${h + 20}" role="img" aria-label="run timeline">` +
    `<rect x="0" y="2" width="${width}" height="${h - 4}" fill="#f1f1f1"/>${setup}${bars.join('')}${ticks.join('')}</svg>`;
}

/** A tick spacing in ms out of 1-2-5 steps, at least `raw`. */
function niceStep(raw: number): number {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (m * p >= raw) return m * p;
}

/**
 * Metrics most cases report (instructions, heap, stack on a board that measures them) get a
 * column each; the ones only a few cases report (a soak's counters) share one cell per case.
 */
export function metricColumns(cases: CaseView[]): { columns: string[]; others: string[] } {
  const count = new Map<string, number>();
  for (const c of cases) for (const k of Object.keys(c.metrics ?? {})) count.set(k, (count.get(k) ?? 0) + 1);
  const names = [...count.keys()].sort();
  const columns = names.filter((n) => count.get(n)! * 4 >= cases.length);
  return { columns, others: names.filter((n) => !columns.includes(n)) };
}

export function renderHtml(run: RunView): string {
  const { columns, others } = metricColumns(run.cases);
  return eta.renderString(TEMPLATE, {
    run,
    metrics: columns,
    otherMetrics: others.length > 0,
    others: (c: CaseView) =>
      others
        .filter((m) => c.metrics?.[m] !== undefined)
        .map((m) => `${m}=${c.metrics![m]!.toLocaleString('en-US')}`)
        .join(' '),
    statuses: ['passed', 'failed', 'error', 'skipped'],
    style: STYLE,
    script: SCRIPT,
    timeline: timelineSvg(run),
    seconds: (ms: number) => (ms / 1000).toFixed(2),
    int: (n: number) => n.toLocaleString('en-US'),
  });
}

export function writeHtml(file: string, run: RunView): void {
  fs.writeFileSync(file, renderHtml(run));
}
