// `paltls report A B`: compares two runs; exit 1 when B has a failure A did not (a CI gate).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { ExitCode, ExitCodeValue } from '../errors';
import { compareRuns, loadRun, renderComparison } from '../report/compare';

export interface ReportOptions {
  threshold?: number;
  json?: string;
  pager?: boolean;
}

export async function runReport(a: string, b: string, opts: ReportOptions): Promise<ExitCodeValue> {
  const threshold = opts.threshold ?? 5;
  const cmp = compareRuns(loadRun(a), loadRun(b), threshold);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(cmp, (_k, v) => (v === Infinity ? null : v), 2) + '\n');
  page(renderComparison(cmp, threshold), opts.pager !== false);
  return cmp.newFailures > 0 ? ExitCode.TestFailures : ExitCode.Ok;
}

/** Long output on a terminal goes through $PAGER (less by default); otherwise straight out. */
function page(text: string, allowed: boolean): void {
  const rows = process.stdout.rows ?? 0;
  if (allowed && process.stdout.isTTY && rows > 0 && text.split('\n').length > rows - 1) {
    const pager = process.env.PAGER || 'less -FRX';
    const r = spawnSync(pager, { input: text, stdio: ['pipe', 'inherit', 'inherit'], shell: true });
    if (r.status === 0) return;
  }
  process.stdout.write(text);
}
