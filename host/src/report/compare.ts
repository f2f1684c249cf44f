// Run-to-run comparison (`paltls report A B`): which cases changed status between two results
// (JSON of `paltls test`), new failures first, and per-case metric deltas (instructions, heap,
// stack... whatever the board reported) above a relative threshold.
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../errors';
import { RunResult, TestRecord } from './results';

export type ChangeKind = 'new-failure' | 'fixed' | 'changed' | 'added' | 'removed';

export interface StatusChange {
  id: string;
  kind: ChangeKind;
  before?: TestRecord['status'];
  after?: TestRecord['status'];
  message?: string;
}

export interface MetricDelta {
  id: string;
  metric: string;
  before: number;
  after: number;
  delta: number;
  /** delta / before, or Infinity when before is 0. */
  relative: number;
}

export interface Comparison {
  a: { file: string; board: string; build: string };
  b: { file: string; board: string; build: string };
  changes: StatusChange[];
  metrics: MetricDelta[];
  unchanged: number;
  newFailures: number;
}

const ORDER: Record<ChangeKind, number> = { 'new-failure': 0, changed: 1, removed: 2, added: 3, fixed: 4 };
const failing = (s?: string): boolean => s === 'failed' || s === 'error';

/** A results.json file, or a results directory holding one. */
export function loadRun(file: string): { file: string; run: RunResult } {
  const p = fs.existsSync(file) && fs.statSync(file).isDirectory() ? path.join(file, 'results.json') : file;
  if (!fs.existsSync(p)) throw new ConfigError(`no results file at ${p}`, 'pass the --json file of a `paltls test` run or its results directory');
  let run: RunResult;
  try {
    run = JSON.parse(fs.readFileSync(p, 'utf8')) as RunResult;
  } catch (err) {
    throw new ConfigError(`${p} is not JSON: ${(err as Error).message}`);
  }
  if (!run || !Array.isArray(run.tests)) throw new ConfigError(`${p} is not a paltls test result (no "tests" array)`);
  return { file: p, run };
}

export function compareRuns(a: { file: string; run: RunResult }, b: { file: string; run: RunResult }, thresholdPct = 5): Comparison {
  const before = new Map(a.run.tests.map((t) => [t.id, t]));
  const after = new Map(b.run.tests.map((t) => [t.id, t]));
  const changes: StatusChange[] = [];
  const metrics: MetricDelta[] = [];
  let unchanged = 0;
  for (const t of b.run.tests) {
    const old = before.get(t.id);
    if (!old) {
      changes.push({ id: t.id, kind: failing(t.status) ? 'new-failure' : 'added', after: t.status, message: t.message });
      continue;
    }
    if (old.status === t.status) unchanged++;
    else {
      const kind: ChangeKind = failing(t.status) && !failing(old.status) ? 'new-failure' : failing(old.status) && t.status === 'passed' ? 'fixed' : 'changed';
      changes.push({ id: t.id, kind, before: old.status, after: t.status, message: t.message ?? old.message });
    }
    for (const [metric, value] of Object.entries(t.metrics ?? {})) {
      const prev = old.metrics?.[metric];
      if (prev === undefined || prev === value) continue;
      const delta = value - prev;
      const relative = prev === 0 ? Infinity : delta / Math.abs(prev);
      if (Math.abs(relative) * 100 >= thresholdPct) metrics.push({ id: t.id, metric, before: prev, after: value, delta, relative });
    }
  }
  for (const t of a.run.tests) if (!after.has(t.id)) changes.push({ id: t.id, kind: 'removed', before: t.status });
  changes.sort((x, y) => ORDER[x.kind] - ORDER[y.kind] || x.id.localeCompare(y.id));
  metrics.sort((x, y) => Math.abs(y.relative) - Math.abs(x.relative) || x.id.localeCompare(y.id));
  const side = (s: { file: string; run: RunResult }): Comparison['a'] => ({ file: s.file, board: s.run.board, build: s.run.build?.id ?? '' });
  return { a: side(a), b: side(b), changes, metrics, unchanged, newFailures: changes.filter((c) => c.kind === 'new-failure').length };
}

const TITLES: Record<ChangeKind, string> = {
  'new-failure': 'NEW FAILURES',
  changed: 'other status changes',
  removed: 'cases no longer run',
  added: 'new cases',
  fixed: 'fixed',
};

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function renderComparison(c: Comparison, thresholdPct: number): string {
  const lines = [
    `A: ${c.a.file} (board ${c.a.board}, build ${c.a.build})`,
    `B: ${c.b.file} (board ${c.b.board}, build ${c.b.build})`,
    '',
  ];
  for (const kind of Object.keys(TITLES) as ChangeKind[]) {
    const group = c.changes.filter((x) => x.kind === kind);
    if (group.length === 0) continue;
    lines.push(`${TITLES[kind]} (${group.length}):`);
    for (const x of group) {
      const arrow = `${x.before ?? '-'} -> ${x.after ?? '-'}`;
      lines.push(`  ${x.id}  ${arrow}${x.message && failing(x.after) ? `  ${x.message}` : ''}`);
    }
    lines.push('');
  }
  if (c.metrics.length) {
    lines.push(`metric changes of ${thresholdPct}% or more (${c.metrics.length}):`);
    for (const m of c.metrics) {
      const pct = Number.isFinite(m.relative) ? `${m.relative >= 0 ? '+' : ''}${(m.relative * 100).toFixed(1)}%` : 'new non-zero';
      lines.push(`  ${m.id}  ${m.metric}: ${fmt(m.before)} -> ${fmt(m.after)} (${m.delta >= 0 ? '+' : ''}${fmt(m.delta)}, ${pct})`);
    }
    lines.push('');
  }
  lines.push(`${c.newFailures} new failure(s), ${c.changes.length} status change(s), ${c.unchanged} case(s) unchanged, ${c.metrics.length} metric change(s)`);
  return lines.join('\n') + '\n';
}
