// JUnit XML writer (the schema CI systems read: testsuites/testsuite/testcase with failure,
// error and skipped children), built with xmlbuilder2 so escaping is never hand-rolled.
import * as fs from 'fs';
import { create } from 'xmlbuilder2';
import { RunResult, summarize } from './results';

export interface JUnitExtras {
  /** Per test id: text for <system-out> (e.g. where the failure bundle was saved). */
  systemOut?: Record<string, string>;
  timestamp?: Date;
  hostname?: string;
}

export function renderJUnit(result: RunResult, extras: JUnitExtras = {}): string {
  const s = summarize(result.tests);
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const total = result.tests.reduce((n, t) => n + t.duration_ms, 0);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: 'paltls',
    tests: result.tests.length,
    failures: s.failed,
    errors: s.error,
    skipped: s.skipped,
    time: seconds(total),
  });
  // One <testsuite> per group (the part of the id before the first dot).
  const groups = new Map<string, typeof result.tests>();
  for (const t of result.tests) {
    const group = t.id.includes('.') ? t.id.slice(0, t.id.indexOf('.')) : 'paltls';
    groups.set(group, [...(groups.get(group) ?? []), t]);
  }
  for (const [group, tests] of groups) {
    const gs = summarize(tests);
    const suite = root.ele('testsuite', {
      name: `${group}@${result.board}`,
      tests: tests.length,
      failures: gs.failed,
      errors: gs.error,
      skipped: gs.skipped,
      time: seconds(tests.reduce((n, t) => n + t.duration_ms, 0)),
      timestamp: (extras.timestamp ?? new Date()).toISOString().replace(/\.\d+Z$/, ''),
      hostname: extras.hostname ?? 'localhost',
    });
    const props = suite.ele('properties');
    props.ele('property', { name: 'board', value: result.board });
    props.ele('property', { name: 'build.id', value: result.build.id });
    props.ele('property', { name: 'mbedtls', value: result.build.mbedtls });
    for (const t of tests) {
      const name = t.id.includes('.') ? t.id.slice(t.id.indexOf('.') + 1) : t.id;
      const tc = suite.ele('testcase', { classname: group, name, time: seconds(t.duration_ms) });
      const message = t.message ?? '';
      if (t.status === 'failed') tc.ele('failure', { message, type: 'failure' }).txt(message);
      else if (t.status === 'error') tc.ele('error', { message, type: 'error' }).txt(message);
      else if (t.status === 'skipped') tc.ele('skipped', { message });
      if (t.metrics && Object.keys(t.metrics).length) {
        const mp = tc.ele('properties');
        for (const [k, v] of Object.entries(t.metrics)) mp.ele('property', { name: `metric.${k}`, value: String(v) });
      }
      const out = extras.systemOut?.[t.id];
      if (out) tc.ele('system-out').txt(out);
    }
  }
  return root.end({ prettyPrint: true }) + '\n';
}

export function writeJUnit(file: string, result: RunResult, extras: JUnitExtras = {}): void {
  fs.writeFileSync(file, renderJUnit(result, extras));
}
