// Stock-server stage: `paltls handshake` as a new user runs it, with NO --suite and NO
// --device-time, from the native board and the default QEMU board, against `openssl s_server`
// and `gnutls-serv` each configured with one seed suite only (TLS and DTLS), plus the failure
// cases a user meets first (expired certificate, unrelated CA, wrong PSK, no shared suite) and
// mutual authentication against `s_server -Verify 1`. Every row prints PASS/FAIL <id>; the last
// line is "N passed, N failed, N skipped".
//
// The rows call the CLI's main() in this process (the same code path as `npx paltls handshake`,
// without a node + ts-node start per row); --cli runs another tree's CLI the same way (used once
// to show which rows fail on the code before issue 10).
//
//   node -r ts-node/register tests/stock/run-stock.ts [--build build] [--boards native,qemu]
//        [--filter TEXT] [--cli host/src/cli.ts] [--qemu-board qemu]
import { ChildProcess, spawn } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

type Kind = 'psk' | 'cert';
interface Suite {
  name: string;
  kind: Kind;
  openssl: string;
  gnutls: [string, string, string];
}

const SUITES: Suite[] = [
  { name: 'TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8', kind: 'cert', openssl: 'ECDHE-ECDSA-AES128-CCM8', gnutls: ['ECDHE-ECDSA', 'AES-128-CCM-8', 'AEAD'] },
  { name: 'TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256', kind: 'cert', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', gnutls: ['ECDHE-ECDSA', 'AES-128-GCM', 'AEAD'] },
  { name: 'TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384', kind: 'cert', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384', gnutls: ['ECDHE-ECDSA', 'AES-256-GCM', 'AEAD'] },
  { name: 'TLS-PSK-WITH-AES-128-CCM-8', kind: 'psk', openssl: 'PSK-AES128-CCM8', gnutls: ['PSK', 'AES-128-CCM-8', 'AEAD'] },
  { name: 'TLS-PSK-WITH-AES-256-CCM-8', kind: 'psk', openssl: 'PSK-AES256-CCM8', gnutls: ['PSK', 'AES-256-CCM-8', 'AEAD'] },
  { name: 'TLS-PSK-WITH-AES-128-CBC-SHA256', kind: 'psk', openssl: 'PSK-AES128-CBC-SHA256', gnutls: ['PSK', 'AES-128-CBC', 'SHA256'] },
];
const byKind = (kind: Kind): string[] => SUITES.filter((s) => s.kind === kind).map((s) => s.name);

const ROOT = path.resolve(__dirname, '..', '..');
const args = parseArgs(process.argv.slice(2));
const BUILD = path.resolve(args.build ?? path.join(ROOT, 'build'));
const PKI = path.join(BUILD, 'pki');
const OUT = path.join(BUILD, 'stock');
const BOARDS = (args.boards ?? 'native,qemu').split(',');
// The spelling a user types for the default QEMU board (--qemu-board qemu-mps2-an385 for a CLI
// without aliases).
const QEMU_BOARD = args['qemu-board'] ?? 'qemu';
const boardArg = (board: string): string => (board === 'qemu' ? QEMU_BOARD : board);
const CLI = path.resolve(args.cli ?? path.join(ROOT, 'host', 'src', 'cli.ts'));
const PSK_ID = 'stock_identity';
const PSK_HEX = '0102030405060708090a0b0c0d0e0f10';
const pki = (f: string): string => path.join(PKI, f);

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i]!.replace(/^--/, '')] = argv[i + 1] ?? '';
  return out;
}

// ---- servers -------------------------------------------------------------------------------

interface ServerSpec {
  command: string;
  args: string[];
  ready: RegExp;
}

interface Credentials {
  psk?: boolean;
  cert?: string; // server certificate (DER) and its key `<name>.key.der`
  verifyClient?: boolean;
}

function opensslServer(port: number, dtls: boolean, cipher: string | null, c: Credentials): ServerSpec {
  const a = ['s_server', '-accept', `127.0.0.1:${port}`];
  if (dtls) a.push('-dtls');
  if (cipher) a.push('-cipher', cipher);
  if (c.cert) a.push('-cert', pki(`${c.cert}.der`), '-certform', 'DER', '-key', pki(`${c.cert}.key.der`), '-keyform', 'DER');
  else a.push('-nocert');
  if (c.psk) a.push('-psk', PSK_HEX, '-psk_identity', PSK_ID);
  if (c.verifyClient) a.push('-Verify', '1', '-CAfile', pki('ca.pem'));
  return { command: 'openssl', args: a, ready: /ACCEPT/ };
}

function gnutlsServer(port: number, dtls: boolean, suite: Suite): ServerSpec {
  const [kx, cipher, mac] = suite.gnutls;
  const version = dtls ? 'VERS-DTLS1.2' : 'VERS-TLS1.2';
  const a = ['-p', String(port), '--priority', `NONE:+${version}:+${kx}:+${cipher}:+${mac}:+COMP-NULL:+SIGN-ALL:+GROUP-SECP256R1:+CTYPE-X509`];
  if (dtls) a.push('--udp');
  if (suite.kind === 'cert') a.push('--x509fmtder', '--x509certfile', pki('server.der'), '--x509keyfile', pki('server.key.der'));
  else a.push('--pskpasswd', path.join(OUT, 'psk.txt'));
  return { command: 'gnutls-serv', args: a, ready: /listening/i };
}

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free TCP+UDP port');
}

interface Running {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a server with its stdin held open (s_server ends on EOF and sends what it reads). */
function startServer(spec: ServerSpec): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    let done = false;
    const stop = (): Promise<void> =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      });
    const timer = setTimeout(() => finish(new Error(`${spec.command} not ready after 10 s: ${text.slice(-300)}`)), 10000);
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) void stop().then(() => reject(err));
      else resolve({ child, output: () => text, stop });
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (spec.ready.test(text)) finish();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => finish(e));
    child.on('exit', (code) => finish(new Error(`${spec.command} exited (${code}): ${text.slice(-300)}`)));
  });
}

// ---- the CLI, in process ----------------------------------------------------------------------

interface HandshakeJson {
  status: string;
  suite: string | null;
  offered_suites?: string[];
  verified?: boolean;
  verify_result: number | null;
  verify_flags: string[] | null;
  alert?: { code: number; name: string } | null;
  hint?: string | null;
  device_clock?: { source: string };
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const cli = require(CLI) as { main: (argv: string[]) => Promise<number> };
const built = new Set<string>();

async function handshake(board: string, port: number, transport: string, creds: string[]): Promise<{ code: number; text: string; json: HandshakeJson | null }> {
  const jsonFile = path.join(OUT, 'row.json');
  fs.rmSync(jsonFile, { force: true });
  const argv = ['handshake', '--board', boardArg(board), '--server', `127.0.0.1:${port}`, '--transport', transport, '--timeout', '20', '--json', jsonFile, ...creds];
  if (built.has(board)) argv.push('--no-build');
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  let text = '';
  const capture = ((chunk: string | Uint8Array): boolean => {
    text += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  let code: number;
  try {
    code = await cli.main(['node', 'paltls', ...argv]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  built.add(board);
  const json = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as HandshakeJson) : null;
  return { code, text, json };
}

// ---- rows -----------------------------------------------------------------------------------

interface Row {
  id: string;
  run: () => Promise<string | null>; // null = pass, else why it failed
}

const pskCreds = (psk = PSK_HEX): string[] => ['--psk-identity', PSK_ID, '--psk', psk];
const caCreds = (ca = 'ca.der'): string[] => ['--ca', pki(ca)];

async function withServer(spec: ServerSpec, body: () => Promise<string | null>): Promise<string | null> {
  const server = await startServer(spec);
  try {
    return await body();
  } finally {
    await server.stop();
  }
}

function expectOk(r: { text: string; json: HandshakeJson | null }, suite: string, kind: Kind): string | null {
  const j = r.json;
  if (!j) return `no JSON result: ${r.text.trim().split('\n').slice(-2).join(' / ')}`;
  if (j.status !== 'PAL_SUCCESS') return `${j.status} (${j.hint ?? 'no hint'})`;
  if (j.suite !== suite) return `negotiated ${j.suite}`;
  if (j.device_clock?.source !== 'host') return `device clock ${JSON.stringify(j.device_clock)}, expected the host clock by default`;
  if (JSON.stringify(j.offered_suites) !== JSON.stringify(byKind(kind))) return `offered ${JSON.stringify(j.offered_suites)}, expected the ${kind} seed suites`;
  if (kind === 'cert') {
    if (j.verified !== true || j.verify_result !== 0 || JSON.stringify(j.verify_flags) !== '[]') return `verify ${JSON.stringify([j.verified, j.verify_result, j.verify_flags])}`;
    if (!/verify {7}ok \(server certificate verified\)/.test(r.text)) return 'text does not say the certificate was verified';
  } else {
    if (j.verified !== false || j.verify_flags !== null) return `PSK session reported as verified: ${JSON.stringify([j.verified, j.verify_flags])}`;
    if (!/verify {7}not verified/.test(r.text)) return 'text does not say "not verified"';
  }
  if (!/server time {2}(-|\d+ \(.*\) (plausible|not plausible))/.test(r.text)) return 'server time without a plausibility verdict';
  return null;
}

function expectVerifyFailure(r: { text: string; json: HandshakeJson | null }, flag: string): string | null {
  const j = r.json;
  if (!j) return `no JSON result: ${r.text.trim().split('\n').slice(-2).join(' / ')}`;
  if (j.status !== 'PAL_ERR_X509_CERT_VERIFY_FAILED') return `status ${j.status}`;
  if (j.verified !== true) return 'not reported as a verified certificate';
  if (JSON.stringify(j.verify_flags) !== JSON.stringify([flag])) return `verify flags ${JSON.stringify(j.verify_flags)}, expected exactly [${flag}]`;
  if (!new RegExp(`verify {7}0x[0-9a-f]+ ${flag}\\n`).test(r.text)) return `text does not show exactly ${flag}`;
  return null;
}

function suiteRows(board: string): Row[] {
  const rows: Row[] = [];
  for (const stack of ['openssl', 'gnutls']) {
    for (const transport of ['tls', 'dtls']) {
      for (const suite of SUITES) {
        rows.push({
          id: `stock/${board}/${stack}/${transport}/${suite.name}`,
          run: async () => {
            const port = await freePort();
            const dtls = transport === 'dtls';
            const spec =
              stack === 'openssl'
                ? opensslServer(port, dtls, suite.openssl, suite.kind === 'cert' ? { cert: 'server' } : { psk: true })
                : gnutlsServer(port, dtls, suite);
            return withServer(spec, async () => expectOk(await handshake(board, port, transport, suite.kind === 'psk' ? pskCreds() : caCreds()), suite.name, suite.kind));
          },
        });
      }
    }
  }
  return rows;
}

function failureRows(board: string): Row[] {
  const ossl = async (cipher: string | null, c: Credentials, creds: string[], check: (r: Awaited<ReturnType<typeof handshake>>) => string | null): Promise<string | null> => {
    const port = await freePort();
    return withServer(opensslServer(port, false, cipher, c), async () => check(await handshake(board, port, 'tls', creds)));
  };
  return [
    {
      id: `stock/${board}/openssl/tls/expired-certificate`,
      run: () => ossl('ECDHE-ECDSA-AES128-GCM-SHA256', { cert: 'server_expired' }, caCreds(), (r) => expectVerifyFailure(r, 'BADCERT_EXPIRED')),
    },
    {
      id: `stock/${board}/openssl/tls/unrelated-ca`,
      run: () => ossl('ECDHE-ECDSA-AES128-GCM-SHA256', { cert: 'server' }, caCreds('unrelated_ca.der'), (r) => expectVerifyFailure(r, 'BADCERT_NOT_TRUSTED')),
    },
    {
      id: `stock/${board}/openssl/tls/wrong-psk`,
      run: () =>
        ossl('PSK-AES128-CCM8', { psk: true }, pskCreds('0f0e0d0c0b0a09080706050403020100'), (r) => {
          const j = r.json;
          if (!j) return `no JSON result: ${r.text.trim().split('\n').slice(-2).join(' / ')}`;
          if (j.status !== 'PAL_ERR_SSL_FATAL_ALERT_MESSAGE') return `status ${j.status}`;
          if (!j.alert?.name || /^alert /.test(j.alert.name)) return `alert ${JSON.stringify(j.alert)} is not named`;
          if (j.verified !== false || j.verify_flags !== null) return `reported verify ${JSON.stringify([j.verified, j.verify_flags])}, expected not verified`;
          if (!/verify {7}not verified/.test(r.text) || /BADCERT/.test(r.text)) return 'text does not say "not verified"';
          if (!/hint {9}wrong PSK\?/.test(r.text)) return `hint: ${j.hint}`;
          return null;
        }),
    },
    {
      id: `stock/${board}/openssl/tls/no-shared-suite`,
      run: () =>
        ossl('ECDHE-ECDSA-AES128-CCM8', { cert: 'server' }, pskCreds(), (r) => {
          const j = r.json;
          if (!j) return `no JSON result: ${r.text.trim().split('\n').slice(-2).join(' / ')}`;
          if (j.status !== 'PAL_ERR_SSL_FATAL_ALERT_MESSAGE') return `status ${j.status}`;
          if (j.alert?.name !== 'handshake_failure') return `alert ${JSON.stringify(j.alert)}`;
          if (j.hint !== `server offers none of: ${byKind('psk').join(', ')}`) return `hint: ${j.hint}`;
          return null;
        }),
    },
    {
      id: `stock/${board}/openssl/tls/mutual-auth-Verify-1`,
      run: async () => {
        const port = await freePort();
        const spec = opensslServer(port, false, null, { cert: 'server', verifyClient: true });
        const server = await startServer(spec);
        try {
          const r = await handshake(board, port, 'tls', [...caCreds(), '--cert', pki('device_cert.der'), '--key', pki('device_key.der')]);
          const j = r.json;
          if (!j) return `no JSON result: ${r.text.trim().split('\n').slice(-2).join(' / ')}`;
          if (j.status !== 'PAL_SUCCESS') return `${j.status} (${j.hint ?? 'no hint'})`;
          if (j.verified !== true || j.verify_result !== 0) return `verify ${JSON.stringify([j.verified, j.verify_result])}`;
          await new Promise((res) => setTimeout(res, 200));
          if (!/pal-test-device/.test(server.output())) return 's_server did not report the device certificate';
          return null;
        } finally {
          await server.stop();
        }
      },
    },
  ];
}

async function main(): Promise<void> {
  for (const f of ['ca.der', 'ca.pem', 'server.der', 'server_expired.der', 'unrelated_ca.der', 'device_cert.der']) {
    if (!fs.existsSync(pki(f))) {
      console.error(`run-stock: missing ${pki(f)} (build first: ninja -C build paltls_pki)`);
      console.log('0 passed, 1 failed, 0 skipped');
      process.exit(1);
    }
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'psk.txt'), `${PSK_ID}:${PSK_HEX}\n`);
  const rows = BOARDS.flatMap((b) => [...suiteRows(b), ...failureRows(b)]).filter((r) => !args.filter || r.id.includes(args.filter));
  let passed = 0;
  let failed = 0;
  for (const row of rows) {
    const t0 = Date.now();
    let why: string | null;
    try {
      why = await row.run();
    } catch (e) {
      why = `runner error: ${(e as Error).message}`;
    }
    if (why === null) passed++;
    else failed++;
    console.log(`${why === null ? 'PASS' : 'FAIL'} ${row.id} (${Date.now() - t0} ms)${why === null ? '' : ` - ${why}`}`);
  }
  console.log(`${passed} passed, ${failed} failed, 0 skipped`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
});
