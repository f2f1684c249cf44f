#!/usr/bin/env node
// Fault-injection cases: the PAL client (build/paltls_interop) talks to the test peer
// (paltls_peer) through tests/fault/proxy.mjs.
//   dtls-loss-10 / dtls-loss-30  DTLS handshakes with 10% / 30% datagram loss in both directions
//                                complete with the configured retransmission timers
//   dtls-chaos                   duplicates, reordering, delays, truncation and some loss
//   dtls-vanish                  the server stops answering mid-handshake: PAL_ERR_TLS_TIMEOUT
//                                once the handshake timer's maximum has passed
//   tls-cut-*                    the TCP stream ends (FIN / RST / silence) inside a handshake
//                                record or an application-data record: a clear PAL status
// Every case has a hard bound. Prints one line per case, writes <out>/fault.json and ends with
// "N passed, N failed, N skipped".
//
//   node tests/fault/run-fault.mjs --build build [--seeds 10] [--filter TEXT]
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, parseArgs, runProcess, startProcess } from '../interop/lib.mjs';
import { TcpProxy, UdpProxy } from './proxy.mjs';

const options = parseArgs(process.argv.slice(2), { build: 'build', seeds: '30', filter: '', out: '' });
const BUILD = path.resolve(options.build);
const PKI = path.join(BUILD, 'pki');
const DRIVER = path.join(BUILD, 'paltls_interop');
const PEER = path.join(BUILD, 'paltls_peer');
const OUT = path.resolve(options.out || path.join(BUILD, 'fault'));
const SEEDS = Number(options.seeds);

const CERT = ['--suite', 'TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8', '--ca', path.join(PKI, 'ca.der'),
  '--cert', path.join(PKI, 'device_cert.der'), '--key', path.join(PKI, 'device_key.der')];
const PSK = ['--suite', 'TLS-PSK-WITH-AES-128-CCM-8', '--psk-identity', 'Client_identity', '--psk', '123445678910'];
// Retransmission timer for the loss cases: 200 ms doubling up to 25.6 s (8 tries per flight).
const LOSSY_TIMER = '200:25600';

async function startPeer() {
  const peer = startProcess(PEER, ['--pki', PKI, '--listen', 'default=0', '--exit-on-stdin-eof',
    '--log', path.join(OUT, 'peer.log')], { readyPattern: /READY all/, readyMs: 10000 });
  await peer.ready;
  const port = Number(/READY default (\d+)/.exec(peer.output.stdout)[1]);
  return { peer, port };
}

async function driver(args, boundMs) {
  const result = await runProcess(DRIVER, ['--host', '127.0.0.1', '--device-time', 'now', ...args], { timeoutMs: boundMs });
  return { json: lastJson(result.stdout), ms: result.ms, timedOut: result.timedOut, stderr: result.stderr };
}

function buildCases(peerPort) {
  const cases = [];
  const lossCase = (name, faults, seed, credentials) => ({
    name: `${name}/seed-${seed}/${credentials === CERT ? 'ecdhe-ecdsa' : 'psk'}`,
    group: name,
    bound: 90000,
    async run() {
      const proxy = new UdpProxy({ upstreamPort: peerPort, seed, faults });
      const port = await proxy.start();
      try {
        const r = await driver(['--transport', 'dtls', '--port', String(port), ...credentials, '--hs-timeout', LOSSY_TIMER,
          '--no-data', '--timeout-ms', '80000'], this.bound);
        const ok = r.json?.status === 'PAL_SUCCESS';
        return { ok, status: r.json?.status ?? (r.timedOut ? 'hung' : 'no result'), ms: r.ms, handshake_ms: r.json?.handshake_ms, stats: proxy.stats };
      } finally {
        await proxy.stop();
      }
    },
  });
  for (let seed = 1; seed <= SEEDS; seed++) {
    const credentials = seed % 2 ? CERT : PSK;
    cases.push(lossCase('dtls-loss-10', { drop: 0.1 }, seed, credentials));
  }
  for (let seed = 1; seed <= SEEDS; seed++) {
    const credentials = seed % 2 ? CERT : PSK;
    cases.push(lossCase('dtls-loss-30', { drop: 0.3 }, 100 + seed, credentials));
  }
  for (let seed = 1; seed <= Math.max(2, Math.floor(SEEDS / 2)); seed++) {
    const credentials = seed % 2 ? CERT : PSK;
    cases.push(lossCase('dtls-chaos', { drop: 0.05, duplicate: 0.15, reorder: 0.15, delay: 0.2, delayMs: 300, truncate: 0.05 },
      200 + seed, credentials));
  }
  // The server goes away after its HelloVerifyRequest and first flight: with a 200..1600 ms
  // timer the client gives up after about 3 s with the handshake-timeout status.
  cases.push({
    name: 'dtls-vanish/after-server-flight-1',
    group: 'dtls-vanish',
    bound: 15000,
    async run() {
      const proxy = new UdpProxy({ upstreamPort: peerPort, seed: 1, faults: { vanishAfter: 2 } });
      const port = await proxy.start();
      try {
        const r = await driver(['--transport', 'dtls', '--port', String(port), ...CERT, '--hs-timeout', '200:1600',
          '--no-data', '--timeout-ms', '12000'], this.bound);
        const ok = r.json?.status === 'PAL_ERR_TLS_TIMEOUT' && r.ms < 8000;
        return { ok, status: r.json?.status ?? (r.timedOut ? 'hung' : 'no result'), ms: r.ms, stats: proxy.stats };
      } finally {
        await proxy.stop();
      }
    },
  });
  // TLS: the stream ends inside a record. Handshake record #1 is the server's Certificate
  // message; application-data record #0 is the peer's echo of our message.
  // Expected statuses: the spec's error tables (pal_tls_spec.md 3.10). A reset during the
  // handshake is Table B's PAL_ERR_SSL_FATAL_ALERT_MESSAGE; a reset during a read is not in
  // Table A and ends as PAL_ERR_GENERIC_FAILURE (reference behaviour, spec 8.18).
  const expected = {
    handshake: {
      fin: 'PAL_ERR_SOCKET_CONNECTION_CLOSED',
      rst: 'PAL_ERR_SSL_FATAL_ALERT_MESSAGE',
      // Nothing arrives and nothing closes: TLS over TCP has no handshake timer, so the caller's
      // bound ends the wait (the driver reports PAL_ERR_TIMEOUT_EXPIRED and frees everything).
      silent: 'PAL_ERR_TIMEOUT_EXPIRED',
    },
    record: {
      fin: 'PAL_ERR_END_OF_FILE',
      rst: 'PAL_ERR_GENERIC_FAILURE',
      silent: 'PAL_ERR_TIMEOUT_EXPIRED',
    },
  };
  for (const [where, contentType, index] of [['handshake', 22, 1], ['record', 23, 0]]) {
    for (const mode of ['fin', 'rst', 'silent']) {
      cases.push({
        name: `tls-cut-${where}/${mode}`,
        group: `tls-cut-${where}`,
        bound: 10000,
        async run() {
          const proxy = new TcpProxy({ upstreamPort: peerPort, seed: 1, cut: { contentType, index, mode } });
          const port = await proxy.start();
          try {
            const r = await driver(['--transport', 'tls', '--port', String(port), ...CERT, '--timeout-ms', '3000'], this.bound);
            const status = r.json?.status ?? (r.timedOut ? 'hung' : 'no result');
            const stageOk = where === 'handshake' ? r.json?.stage === 'pal_handShake' : r.json?.stage === 'pal_sslRead';
            const ok = expected[where][mode] === status && stageOk && proxy.stats.cutDone && r.ms < 6000;
            return { ok, status: `${r.json?.stage}: ${status}`, ms: r.ms, stats: { cut: proxy.stats.cutDone, records: proxy.stats.records.length } };
          } finally {
            await proxy.stop();
          }
        },
      });
    }
  }
  return cases.filter((c) => !options.filter || c.name.includes(options.filter));
}

async function main() {
  for (const file of [DRIVER, PEER, path.join(PKI, 'ca.der')]) {
    if (!fs.existsSync(file)) {
      console.error(`run-fault: missing ${file} (tests/interop/build-tools.sh builds it)`);
      console.log('0 passed, 1 failed, 0 skipped');
      process.exit(1);
    }
  }
  fs.mkdirSync(OUT, { recursive: true });
  const { peer, port } = await startPeer();
  const results = [];
  const started = Date.now();
  try {
    for (const c of buildCases(port)) {
      let outcome;
      try {
        outcome = await c.run();
      } catch (error) {
        outcome = { ok: false, status: `runner error: ${error.message}` };
      }
      results.push({ name: c.name, group: c.group, ...outcome });
      const stats = outcome.stats ? ` ${JSON.stringify(outcome.stats)}` : '';
      console.log(`${outcome.ok ? 'PASS' : 'FAIL'} ${c.name} ${outcome.status} ${outcome.ms ?? '?'} ms${stats}`);
    }
  } finally {
    await peer.stop();
  }
  const groups = {};
  for (const r of results) {
    const g = (groups[r.group] ??= { cases: 0, passed: 0, max_ms: 0, datagrams: 0, dropped: 0 });
    g.cases++;
    if (r.ok) g.passed++;
    g.max_ms = Math.max(g.max_ms, r.ms ?? 0);
    if (r.stats?.up) {
      g.datagrams += r.stats.up.seen + r.stats.down.seen;
      g.dropped += r.stats.up.dropped + r.stats.down.dropped;
    }
  }
  fs.writeFileSync(path.join(OUT, 'fault.json'), JSON.stringify({ duration_ms: Date.now() - started, groups, results }, null, 1));
  for (const [name, g] of Object.entries(groups)) {
    console.log(`group ${name}: ${g.passed}/${g.cases} passed, slowest ${g.max_ms} ms` +
      (g.datagrams ? `, ${g.dropped}/${g.datagrams} datagrams dropped` : ''));
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed, 0 skipped`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
});
