// Reports of real runs through the CLI: a PSK handshake made to fail on purpose (`--env
// tls.psk=wrong`) on the native board (host relay captures) and on the default QEMU board (socket
// bridge captures): report.html with the transcript and capture link, captures tshark decodes,
// and `paltls report` flagging the status change against a passing run.
// Native: needs the native build (scripts/run-tests builds it first). QEMU: needs the cross build
// directory the qemu stage leaves (rebuilt incrementally here). Each part is skipped, with a
// message, when its build is absent.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Browser } from 'playwright-core';
import { haveChromium, launchChromium } from './helpers/browser';
import { clientHelloSuites, haveTshark, tsharkFields } from './helpers/tshark';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'host', 'bin', 'paltls.js');
const PSK_AES128_CCM8 = 0xc0a8;
const TLS_CASE = 'pal_tls.suitePskAes128Ccm8_TLS';
const DTLS_CASE = 'pal_tls.suitePskAes128Ccm8_DTLS';

function paltls(args: string[], timeoutMs = 300000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function readJson(file: string): { tests: { id: string; status: string }[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The failed case in the page: one click on its summary shows the transcript; capture linked. */
async function checkPage(browser: Browser, file: string, caseId: string): Promise<string> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
  const details = `details[data-id="${caseId}"]`;
  assert.equal(await page.locator(`${details} pre.transcript`).isVisible(), false);
  await page.click(`${details} > summary`);
  assert.equal(await page.locator(`${details} pre.transcript`).isVisible(), true);
  assert.match((await page.textContent(`${details} pre.transcript`)) ?? '', new RegExp(`case ${caseId.replace('.', '\\.')} start`));
  const href = await page.getAttribute(`${details} a.capture`, 'href');
  assert.ok(href, 'the failed case links its capture');
  assert.deepEqual(problems, []);
  await page.close();
  return href!;
}

function checkCaptures(resultsDir: string): void {
  const tlsFile = path.join(resultsDir, 'captures', `${TLS_CASE}.pcapng`);
  const dtlsFile = path.join(resultsDir, 'captures', `${DTLS_CASE}.pcapng`);
  const tlsHello = clientHelloSuites(tlsFile, false);
  assert.equal(tlsHello.length, 1, 'one TLS ClientHello');
  assert.ok(tlsHello[0]!.includes(PSK_AES128_CCM8), `TLS ClientHello offers PSK-AES128-CCM8: ${tlsHello[0]}`);
  assert.deepEqual(tsharkFields(tlsFile, 'tls.alert_message', ['tls.alert_message.desc']), [['20']], 'the peer answers bad_record_mac');
  assert.deepEqual(tsharkFields(tlsFile, 'tcp.analysis.flags && !tcp.analysis.window_update', ['frame.number']), []);
  const dtlsHello = clientHelloSuites(dtlsFile, true);
  assert.ok(dtlsHello.length >= 1, 'a DTLS ClientHello');
  assert.ok(dtlsHello.every((s) => s.includes(PSK_AES128_CCM8)));
}

describe('reports of real runs', function () {
  let browser: Browser | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-reports-'));
  before(async function () {
    assert.ok(haveTshark(), 'tshark is missing: run scripts/setup');
    assert.ok(haveChromium(), 'chromium is missing: run scripts/setup');
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  describe('native board (captures from the host relay)', function () {
    before(function () {
      if (!fs.existsSync(path.join(root, 'build', 'paltls_agent_native')) || !fs.existsSync(path.join(root, 'build', 'paltls_peer'))) {
        // eslint-disable-next-line no-console
        console.log('      (skipped: native build absent; run: cmake -S . -B build -G Ninja && ninja -C build)');
        this.skip();
      }
    });

    it('a wrong PSK fails both PSK cases: page, captures, and `paltls report` against a passing run', async () => {
      const filter = `${TLS_CASE},${DTLS_CASE},pal_tls.tlsConfiguration`;
      const good = paltls(['test', '--board', 'native', '--no-build', '--filter', filter, '--results', path.join(dir, 'native-good')]);
      assert.equal(good.code, 0, good.out);
      assert.ok(fs.existsSync(path.join(dir, 'native-good', 'report.html')));
      assert.ok(!fs.existsSync(path.join(dir, 'native-good', 'captures')), 'no capture of passing cases by default');
      const copy = path.join(dir, 'native-bad-copy.html');
      const bad = paltls(['test', '--board', 'native', '--no-build', '--filter', filter, '--env', 'tls.psk=wrong', '--results', path.join(dir, 'native-bad'), '--html', copy]);
      assert.equal(bad.code, 1, bad.out);
      const statuses = Object.fromEntries(readJson(path.join(dir, 'native-bad', 'results.json')).tests.map((t) => [t.id, t.status]));
      assert.deepEqual(statuses, { [TLS_CASE]: 'failed', [DTLS_CASE]: 'failed', 'pal_tls.tlsConfiguration': 'passed' });
      checkCaptures(path.join(dir, 'native-bad'));
      const href = await checkPage(browser!, path.join(dir, 'native-bad', 'report.html'), TLS_CASE);
      assert.equal(href, `captures/${TLS_CASE}.pcapng`);
      assert.ok(fs.existsSync(path.join(dir, 'native-bad', href)));
      assert.equal(await checkPage(browser!, copy, TLS_CASE), path.join(dir, 'native-bad', 'captures', `${TLS_CASE}.pcapng`), 'a copy elsewhere links absolutely');
      const junit = fs.readFileSync(path.join(dir, 'native-bad', 'junit.xml'), 'utf8');
      assert.ok(junit.includes(`packet capture: ${path.join(dir, 'native-bad', 'captures', `${TLS_CASE}.pcapng`)}`), 'JUnit system-out names the capture');
      const repro = JSON.parse(fs.readFileSync(path.join(dir, 'native-bad', 'failures', TLS_CASE, 'repro.json'), 'utf8'));
      assert.equal(repro.capture, path.join('..', '..', 'captures', `${TLS_CASE}.pcapng`));

      const cmp = paltls(['report', path.join(dir, 'native-good'), path.join(dir, 'native-bad')]);
      assert.equal(cmp.code, 1, cmp.out);
      assert.match(cmp.out, new RegExp(`NEW FAILURES \\(2\\):\\n  ${DTLS_CASE.replace('.', '\\.')}  passed -> failed`));
      const back = paltls(['report', path.join(dir, 'native-bad'), path.join(dir, 'native-good')]);
      assert.equal(back.code, 0, back.out);
      assert.match(back.out, /fixed \(2\)/);
    });

    it('--capture writes captures of passing cases too; --capture off writes none', () => {
      const all = paltls(['test', '--board', 'native', '--no-build', '--filter', DTLS_CASE, '--capture', '--results', path.join(dir, 'native-all')]);
      assert.equal(all.code, 0, all.out);
      const file = path.join(dir, 'native-all', 'captures', `${DTLS_CASE}.pcapng`);
      assert.ok(clientHelloSuites(file, true).length >= 1);
      // The ping and its answer after the handshake: the last two datagrams go opposite ways.
      const ports = tsharkFields(file, 'udp', ['udp.srcport', 'udp.dstport']);
      assert.ok(ports.length >= 8, `handshake plus ping and answer: ${ports.length} datagrams`);
      assert.deepEqual(ports[ports.length - 1], [...ports[ports.length - 2]!].reverse());
      assert.deepEqual(tsharkFields(file, 'dtls.record.content_type == 23', ['frame.number']).length, 1, 'the peer\'s answer is application data');
      const off = paltls(['test', '--board', 'native', '--no-build', '--filter', TLS_CASE, '--env', 'tls.psk=wrong', '--capture', 'off', '--results', path.join(dir, 'native-off')]);
      assert.equal(off.code, 1, off.out);
      assert.ok(!fs.existsSync(path.join(dir, 'native-off', 'captures')));
    });
  });

  describe('default QEMU board (captures from the socket bridge)', function () {
    before(function () {
      if (!fs.existsSync(path.join(root, 'build', 'qemu-mps2-an385'))) {
        // eslint-disable-next-line no-console
        console.log('      (skipped: QEMU build absent; the qemu stage of scripts/run-tests builds it)');
        this.skip();
      }
    });

    it('npx paltls test leaves report.html; the failing PSK cases show transcript and capture; tshark decodes them', async () => {
      const res = path.join(dir, 'qemu-bad');
      const r = paltls(['test', '--filter', `${TLS_CASE},${DTLS_CASE}`, '--env', 'tls.psk=wrong', '--results', res]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /paltls test: board qemu-mps2-an385/);
      const statuses = readJson(path.join(res, 'results.json')).tests.map((t) => t.status);
      assert.deepEqual(statuses, ['failed', 'failed']);
      checkCaptures(res);
      assert.equal(await checkPage(browser!, path.join(res, 'report.html'), DTLS_CASE), `captures/${DTLS_CASE}.pcapng`);
    });
  });
});
