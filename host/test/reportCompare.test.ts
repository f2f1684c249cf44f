// `paltls report A B`: status changes (new failures first), metric deltas over the threshold,
// exit status usable as a CI gate.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareRuns, renderComparison } from '../src/report/compare';
import { RunResult } from '../src/report/results';

const cli = path.resolve(__dirname, '..', 'bin', 'paltls.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-compare-'));

const before: RunResult = {
  board: 'qemu-mps2-an385',
  build: { id: 'b1', mbedtls: '3.6.6' },
  tests: [
    { id: 'pal_tls.a', status: 'passed', duration_ms: 10, metrics: { instructions: 1000000, heap_leaked: 0 } },
    { id: 'pal_tls.b', status: 'failed', duration_ms: 10, message: 'old failure' },
    { id: 'pal_tls.c', status: 'passed', duration_ms: 10, metrics: { instructions: 500000 } },
    { id: 'pal_tls.d', status: 'skipped', duration_ms: 0 },
    { id: 'pal_tls.gone', status: 'passed', duration_ms: 1 },
  ],
  summary: { passed: 3, failed: 1, skipped: 1, error: 0 },
};
const after: RunResult = {
  board: 'qemu-mps2-an385',
  build: { id: 'b2', mbedtls: '3.6.6' },
  tests: [
    { id: 'pal_tls.a', status: 'passed', duration_ms: 10, metrics: { instructions: 1030000, heap_leaked: 64 } },
    { id: 'pal_tls.b', status: 'passed', duration_ms: 10 },
    { id: 'pal_tls.c', status: 'error', duration_ms: 10, message: 'timed out', metrics: { instructions: 510000 } },
    { id: 'pal_tls.d', status: 'passed', duration_ms: 3 },
    { id: 'pal_tls.new', status: 'failed', duration_ms: 3, message: 'brand new and failing' },
  ],
  summary: { passed: 3, failed: 1, skipped: 0, error: 1 },
};

function paltls(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('paltls report (run comparison)', () => {
  const a = { file: 'a.json', run: before };
  const b = { file: 'b.json', run: after };

  it('classifies every change and puts new failures first', () => {
    const c = compareRuns(a, b, 5);
    assert.deepEqual(
      c.changes.map((x) => [x.kind, x.id]),
      [
        ['new-failure', 'pal_tls.c'],
        ['new-failure', 'pal_tls.new'],
        ['changed', 'pal_tls.d'],
        ['removed', 'pal_tls.gone'],
        ['fixed', 'pal_tls.b'],
      ],
    );
    assert.equal(c.newFailures, 2);
    assert.equal(c.unchanged, 1);
  });

  it('reports metric deltas at or above the threshold only', () => {
    const c = compareRuns(a, b, 2.5);
    // a.instructions +3% and a.heap_leaked 0 -> 64 qualify; c.instructions +2% does not.
    assert.deepEqual(c.metrics.map((m) => [m.id, m.metric, m.delta]), [
      ['pal_tls.a', 'heap_leaked', 64],
      ['pal_tls.a', 'instructions', 30000],
    ]);
    assert.equal(compareRuns(a, b, 1).metrics.length, 3);
    const text = renderComparison(c, 2.5);
    assert.match(text, /NEW FAILURES \(2\):\n {2}pal_tls\.c {2}passed -> error {2}timed out\n {2}pal_tls\.new {2}- -> failed/);
    assert.match(text, /pal_tls\.a {2}instructions: 1,000,000 -> 1,030,000 \(\+30,000, \+3\.0%\)/);
    assert.ok(text.indexOf('NEW FAILURES') < text.indexOf('fixed ('));
  });

  it('exits 1 on a new failure, 0 when the later run only fixed things', () => {
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(before));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(after));
    const worse = paltls(['report', path.join(dir, 'a.json'), path.join(dir, 'b.json'), '--json', path.join(dir, 'cmp.json')]);
    assert.equal(worse.code, 1, worse.out);
    assert.match(worse.out, /NEW FAILURES \(2\)/);
    const cmp = JSON.parse(fs.readFileSync(path.join(dir, 'cmp.json'), 'utf8'));
    assert.equal(cmp.newFailures, 2);
    const better = paltls(['report', path.join(dir, 'b.json'), path.join(dir, 'a.json')]);
    assert.match(better.out, /fixed \(1\):\n {2}pal_tls\.c {2}error -> passed/);
    assert.match(better.out, /pal_tls\.b {2}passed -> failed/, 'b fails again in a.json: a new failure in that direction');
    assert.equal(better.code, 1);
    const same = paltls(['report', path.join(dir, 'a.json'), path.join(dir, 'a.json')]);
    assert.equal(same.code, 0, same.out);
    assert.match(same.out, /0 new failure\(s\), 0 status change\(s\), 5 case\(s\) unchanged/);
  });

  it('a missing or malformed input is a configuration error (exit 4)', () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"board": 1}');
    assert.equal(paltls(['report', path.join(dir, 'nope.json'), path.join(dir, 'a.json')]).code, 4);
    const r = paltls(['report', path.join(dir, 'bad.json'), path.join(dir, 'a.json')]);
    assert.equal(r.code, 4);
    assert.match(r.out, /not a paltls test result/);
  });
});
