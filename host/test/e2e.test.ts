// End to end through the real CLI, the native agent process, the protocol and the peer.
// Needs the native build (scripts/run-tests builds it first); skipped with a message otherwise.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'host', 'bin', 'paltls.js');
const agent = path.join(root, 'build', 'paltls_agent_native');
const peer = path.join(root, 'build', 'paltls_peer');

function paltls(args: string[], timeoutMs = 120000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('end to end: paltls test --board native', function () {
  let dir = '';
  before(function () {
    if (!fs.existsSync(agent) || !fs.existsSync(peer) || !fs.existsSync(path.join(root, 'build', 'pki', 'ca.der'))) {
      // eslint-disable-next-line no-console
      console.log(`      (skipped: native build absent; run: cmake -S . -B build -G Ninja && ninja -C build paltls_agent_native paltls_peer)`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-e2e-'));
  });

  it('runs pal_tls.tlsConfiguration and writes the JSON and a valid JUnit file', () => {
    const json = path.join(dir, 'r.json');
    const junit = path.join(dir, 'r.xml');
    const r = paltls(['test', '--board', 'native', '--no-build', '--filter', 'pal_tls.tlsConfiguration', '--json', json, '--junit', junit, '--results', path.join(dir, 'res1')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /\[1\/1\] pal_tls\.tlsConfiguration\s+PASSED/);
    const data = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.equal(data.board, 'native');
    assert.match(data.build.mbedtls, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(data.tests.map((t: { id: string; status: string }) => [t.id, t.status]), [['pal_tls.tlsConfiguration', 'passed']]);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    assert.equal(doc.testsuites.tests, '1');
    assert.ok(fs.existsSync(path.join(dir, 'res1', 'transcript.log')));
    assert.ok(fs.existsSync(path.join(dir, 'res1', 'events.jsonl')));
  });

  it('times out a hanging case, restarts the device and runs the next case', () => {
    const json = path.join(dir, 'hang.json');
    const r = paltls(['test', '--board', 'native', '--no-build', '--filter', 'pal_tls.hookHang,pal_tls.tlsConfiguration', '--timeout', '2', '--json', json, '--results', path.join(dir, 'res2')]);
    assert.equal(r.code, 1, r.out); // a test-level failure, not an infrastructure error
    const data = JSON.parse(fs.readFileSync(json, 'utf8'));
    const byId = Object.fromEntries(data.tests.map((t: { id: string }) => [t.id, t]));
    assert.equal(byId['pal_tls.hookHang'].status, 'error');
    assert.match(byId['pal_tls.hookHang'].message, /timed out after 2s/);
    assert.equal(byId['pal_tls.tlsConfiguration'].status, 'passed');
    const bundle = path.join(dir, 'res2', 'failures', 'pal_tls.hookHang');
    assert.ok(fs.existsSync(path.join(bundle, 'transcript.log')));
    assert.ok(fs.existsSync(path.join(bundle, 'peer.log')));
    assert.ok(fs.existsSync(path.join(bundle, 'repro.json')));
  });

  it('reports a crashing case with the fault the device sent, and continues', () => {
    const json = path.join(dir, 'crash.json');
    const r = paltls(['test', '--board', 'native', '--no-build', '--filter', 'hookCrash,tlsConfiguration', '--json', json, '--results', path.join(dir, 'res3')]);
    assert.equal(r.code, 1, r.out);
    const data = JSON.parse(fs.readFileSync(json, 'utf8'));
    const byId = Object.fromEntries(data.tests.map((t: { id: string }) => [t.id, t]));
    assert.equal(byId['pal_tls.hookCrash'].status, 'error');
    assert.match(byId['pal_tls.hookCrash'].message, /device crashed: SIGILL/);
    assert.equal(byId['pal_tls.tlsConfiguration'].status, 'passed');
  });

  it('fault hooks are not run by a wildcard filter', () => {
    const r = paltls(['test', '--board', 'native', '--no-build', '--list', '--results', path.join(dir, 'res4')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /pal_tls\.hookHang/);
  });

  it('--bridge runs the agent linked with the socket bridge: two threads share the line', function () {
    if (!fs.existsSync(path.join(root, 'build', 'paltls_agent_native_bridge'))) this.skip();
    const json = path.join(dir, 'bridge.json');
    const results = path.join(dir, 'res5');
    const r = paltls(['test', '--board', 'native', '--bridge', '--no-build', '--filter', 'pal_tls.soakTwoThreadsAtOnce', '--json', json, '--results', results]);
    assert.equal(r.code, 0, r.out);
    const data = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.deepEqual(data.tests.map((t: { id: string; status: string }) => [t.id, t.status]), [['pal_tls.soakTwoThreadsAtOnce', 'passed']]);
    // The sockets went through the host: the device sent socket-bridge requests.
    assert.match(fs.readFileSync(path.join(results, 'transcript.log'), 'utf8'), /RX {2}NetReq /);
  });

  it('--bridge: a blocking DTLS session sets the receive timeout when it changes, not on every read', function () {
    if (!fs.existsSync(path.join(root, 'build', 'paltls_agent_native_bridge'))) this.skip();
    const results = path.join(dir, 'res6');
    const r = paltls(['test', '--board', 'native', '--bridge', '--no-build', '--filter', 'pal_tls.dtlsHandshakeOnBlockingSocket', '--results', results]);
    assert.equal(r.code, 0, r.out);
    const transcript = fs.readFileSync(path.join(results, 'transcript.log'), 'utf8');
    const receives = (transcript.match(/RX {2}NetReq seq=\d+ Op=<1 bytes> Sock=<4 bytes> Len=<4 bytes> Timeout=/g) ?? []).length;
    const options = (transcript.match(/RX {2}NetReq seq=\d+ Op=<1 bytes> Sock=<4 bytes> Option=/g) ?? []).length;
    // Handshake flights + three ping replies are read; the timeout changes once (handshake -> data).
    assert.ok(receives >= 5, `${receives} receive requests`);
    assert.ok(options >= 1 && options <= 2, `${options} SO_RCVTIMEO requests for ${receives} receives`);
  });

  it('exits 4 with a hint for an unknown board', () => {
    const r = paltls(['test', '--board', 'nope', '--no-build']);
    assert.equal(r.code, 4);
    assert.match(r.out, /unknown board 'nope'/);
    assert.match(r.out, /hint: known boards: .*native/);
  });
});
