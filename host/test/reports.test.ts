import { strict as assert } from 'assert';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderJUnit } from '../src/report/junit';
import { RunResult, summarize, writeJson } from '../src/report/results';
import { CaseFilter } from '../src/util/glob';

const result: RunResult = {
  board: 'native',
  build: { id: 'b1', mbedtls: '3.6.6' },
  tests: [
    { id: 'pal_tls.tlsConfiguration', status: 'passed', duration_ms: 12 },
    { id: 'pal_tls.tlsHandshakeTCP', status: 'failed', duration_ms: 250, message: 'expected <PAL_SUCCESS> & got "PAL_ERR_TLS_TIMEOUT"', metrics: { handshake_ms: 240 } },
    { id: 'pal_tls.TCPHandshakeWhileCertVerify_threads', status: 'skipped', duration_ms: 0, message: 'board has no threads' },
    { id: 'pal_tls.hookHang', status: 'error', duration_ms: 3001, message: 'timed out after 3s' },
  ],
  summary: { passed: 0, failed: 0, skipped: 0, error: 0 },
};

describe('report writers', () => {
  it('JSON follows the PRODUCT contract exactly', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-json-')), 'r.json');
    writeJson(file, result);
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(Object.keys(data), ['board', 'build', 'tests', 'summary']);
    assert.deepEqual(data.build, { id: 'b1', mbedtls: '3.6.6' });
    assert.deepEqual(data.summary, { passed: 1, failed: 1, skipped: 1, error: 1 });
    assert.deepEqual(Object.keys(data.tests[0]), ['id', 'status', 'duration_ms']);
    assert.deepEqual(Object.keys(data.tests[1]), ['id', 'status', 'duration_ms', 'message', 'metrics']);
    for (const t of data.tests) {
      assert.match(t.id, /^pal_tls\./);
      assert.ok(['passed', 'failed', 'skipped', 'error'].includes(t.status));
      assert.equal(typeof t.duration_ms, 'number');
    }
  });

  it('JUnit is well-formed and parses back to the same verdicts', () => {
    const xml = renderJUnit(result, { systemOut: { 'pal_tls.tlsHandshakeTCP': 'bundle: <dir> & more' } });
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suites = doc.testsuites;
    assert.equal(suites.tests, '4');
    assert.equal(suites.failures, '1');
    assert.equal(suites.errors, '1');
    assert.equal(suites.skipped, '1');
    const suite = suites.testsuite;
    assert.equal(suite.name, 'pal_tls@native');
    const cases = suite.testcase as Record<string, unknown>[];
    assert.equal(cases.length, 4);
    assert.equal(cases[0]!.name, 'tlsConfiguration');
    assert.equal(cases[0]!.classname, 'pal_tls');
    assert.equal(cases[1]!.time, '0.250');
    const failure = cases[1]!.failure as Record<string, string>;
    assert.equal(failure.message, 'expected <PAL_SUCCESS> & got "PAL_ERR_TLS_TIMEOUT"');
    assert.equal(cases[1]!['system-out'], 'bundle: <dir> & more');
    assert.ok(cases[2]!.skipped !== undefined);
    assert.ok(cases[3]!.error !== undefined);
  });

  it('summary counts every status', () => {
    assert.deepEqual(summarize(result.tests), { passed: 1, failed: 1, skipped: 1, error: 1 });
  });
});

describe('case filter', () => {
  it('matches ids and bare names with globs, comma-separated', () => {
    const f = new CaseFilter('pal_tls.tlsHandshake*,tlsConfiguration');
    assert.ok(f.matches('pal_tls.tlsHandshakeTCP', 'tlsHandshakeTCP'));
    assert.ok(f.matches('pal_tls.tlsConfiguration', 'tlsConfiguration'));
    assert.ok(!f.matches('pal_tls.tlsInitTLS', 'tlsInitTLS'));
    assert.ok(new CaseFilter().matches('x', 'x'));
  });

  it('selects fault hooks only when named explicitly', () => {
    assert.ok(!new CaseFilter('*').selectsExplicitly('pal_tls.hookHang', 'hookHang'));
    assert.ok(!new CaseFilter('pal_tls.*').selectsExplicitly('pal_tls.hookHang', 'hookHang'));
    assert.ok(new CaseFilter('pal_tls.hookHang').selectsExplicitly('pal_tls.hookHang', 'hookHang'));
    assert.ok(new CaseFilter('hook*').selectsExplicitly('pal_tls.hookCrash', 'hookCrash'));
  });
});
