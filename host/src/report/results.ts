// The run result model and the --json contract of PRODUCT.md:
// { board, build: { id, mbedtls }, tests: [ { id, status, duration_ms, message?, metrics? } ],
//   summary: { passed, failed, skipped, error } }
import * as fs from 'fs';
import { CaseStatus } from '../protocol/session';

export interface TestRecord {
  id: string;
  status: CaseStatus;
  duration_ms: number;
  message?: string;
  metrics?: Record<string, number>;
}

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  error: number;
}

export interface RunResult {
  board: string;
  build: { id: string; mbedtls: string };
  tests: TestRecord[];
  summary: RunSummary;
}

export function summarize(tests: TestRecord[]): RunSummary {
  const s: RunSummary = { passed: 0, failed: 0, skipped: 0, error: 0 };
  for (const t of tests) s[t.status]++;
  return s;
}

export function writeJson(file: string, result: RunResult): void {
  const ordered: RunResult = {
    board: result.board,
    build: { id: result.build.id, mbedtls: result.build.mbedtls },
    tests: result.tests.map((t) => {
      const r: TestRecord = { id: t.id, status: t.status, duration_ms: t.duration_ms };
      if (t.message !== undefined && t.message !== '') r.message = t.message;
      if (t.metrics && Object.keys(t.metrics).length) r.metrics = t.metrics;
      return r;
    }),
    summary: summarize(result.tests),
  };
  fs.writeFileSync(file, JSON.stringify(ordered, null, 2) + '\n');
}
