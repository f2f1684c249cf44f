// report.html: escaping, then the page in headless Chromium: no console errors, no request
// leaves the file, a screenshot, filtering, and a failed case's transcript after one click.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Browser } from 'playwright-core';
import { renderHtml, RunView } from '../src/report/html';
import { haveChromium, launchChromium } from './helpers/browser';

const run: RunView = {
  board: 'qemu-mps2-an385',
  buildId: 'abc123',
  mbedtls: '3.6.6',
  entropy: 'TEST-ONLY: the host-injected seed is the only entropy',
  host: 'ci (linux, node v20)',
  startedAt: '2026-12-02T13:00:00.000Z',
  durationMs: 9000,
  command: 'paltls test --env tls.psk=wrong',
  summary: { passed: 1, failed: 1, skipped: 1, error: 0 },
  cases: [
    { id: 'pal_tls.tlsConfiguration', status: 'passed', duration_ms: 120, startMs: 100, metrics: { instructions: 1234567, heap_leaked: 0 } },
    {
      id: 'pal_tls.suitePskAes128Ccm8_TLS',
      status: 'failed',
      duration_ms: 2500,
      startMs: 400,
      message: 'handshake returned <PAL_ERR_SSL_FATAL_ALERT_MESSAGE> & "bad mac"',
      metrics: { instructions: 7654321 },
      details: {
        transcript: 'TX RUN suitePskAes128Ccm8_TLS\nRX RESULT failed <script>window.bad=1</script>',
        deviceOutput: 'LOG mbedtls: bad record mac',
        peerLog: 'peer: alert bad_record_mac',
        capture: 'captures/pal_tls.suitePskAes128Ccm8_TLS.pcapng',
        bundle: 'failures/pal_tls.suitePskAes128Ccm8_TLS',
      },
    },
    { id: 'pal_tls.threads', status: 'skipped', duration_ms: 0, startMs: 3000, message: 'no threads' },
  ],
};

describe('report.html', () => {
  it('escapes every value taken from the run (messages, transcripts)', () => {
    const html = renderHtml(run);
    assert.ok(!html.includes('<script>window.bad'), 'transcript text is escaped');
    assert.ok(html.includes('&lt;PAL_ERR_SSL_FATAL_ALERT_MESSAGE&gt; &amp; &quot;bad mac&quot;'));
    assert.ok(!/\b(src|href)="(https?:)?\/\//.test(html), 'no external resources');
    assert.match(html, /<th>heap_leaked<\/th><th>instructions<\/th>/, 'metric columns from the data');
    assert.match(html, /7,654,321/);
  });

  it('gives common metrics a column each and folds rare ones into one cell', () => {
    const many: RunView = {
      ...run,
      cases: [
        ...run.cases,
        ...Array.from({ length: 6 }, (_, i) => ({ id: `pal_tls.x${i}`, status: 'passed' as const, duration_ms: 1, startMs: 5000 + i, metrics: { instructions: i } })),
        { id: 'pal_tls.soak', status: 'passed', duration_ms: 1, startMs: 6000, metrics: { instructions: 9, soak_handshakes: 1000 } },
      ],
    };
    const html = renderHtml(many);
    assert.match(html, /<th>instructions<\/th><th>other metrics<\/th>/);
    assert.ok(!html.includes('<th>soak_handshakes</th>'));
    assert.match(html, /<td class="other">soak_handshakes=1,000<\/td>/);
    assert.match(html, /<td class="other">heap_leaked=0<\/td>/);
  });

  describe('in headless Chromium', function () {
    let browser: Browser | undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-html-'));
    before(async function () {
      assert.ok(haveChromium(), 'chromium is missing: run scripts/setup (Debian package chromium)');
      browser = await launchChromium();
    });
    after(async () => browser?.close());

    it('renders with no console errors and no network, filters, and opens a transcript in one click', async () => {
      const file = path.join(dir, 'report.html');
      fs.writeFileSync(file, renderHtml(run));
      const page = await browser!.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
      });
      await page.goto(pathToFileURL(file).href);
      const shot = path.join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(fs.statSync(shot).size > 5000, 'a screenshot with content');
      assert.equal(await page.textContent('#h-board'), 'qemu-mps2-an385');
      assert.equal(await page.textContent('#h-mbedtls'), '3.6.6');
      assert.equal(await page.locator('#timeline rect.t-failed').count(), 1);

      const transcript = page.locator('details[data-id="pal_tls.suitePskAes128Ccm8_TLS"] pre.transcript');
      assert.equal(await transcript.isVisible(), false, 'closed before the click');
      await page.click('details[data-id="pal_tls.suitePskAes128Ccm8_TLS"] > summary');
      assert.equal(await transcript.isVisible(), true, 'visible after one click');
      assert.match((await transcript.textContent()) ?? '', /RX RESULT failed <script>window\.bad=1<\/script>/);
      assert.equal(await page.evaluate('typeof globalThis.bad'), 'undefined', 'the escaped script did not run');
      const capture = page.locator('a.capture');
      assert.equal(await capture.getAttribute('href'), 'captures/pal_tls.suitePskAes128Ccm8_TLS.pcapng');

      await page.fill('#q', 'Psk');
      assert.equal(await page.textContent('#shown'), '1');
      await page.fill('#q', '');
      await page.uncheck('input[name=status][value=passed]');
      assert.equal(await page.locator('tr.case:visible').count(), 2);
      assert.deepEqual(problems, []);
    });
  });
});
