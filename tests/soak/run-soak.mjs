#!/usr/bin/env node
// Soak runs (tests/soak/soak.c) against one test peer: sequential handshakes per transport with
// the heap back at its baseline, PAL_MAX_NUM_OF_TLS_CTX contexts from as many threads, and the
// library clock hammered from other threads during secure-time renegotiations; then the suite
// case soakSequentialHandshakes on the QEMU Cortex-M3 image (`paltls test --env soak.count=N`):
// N handshakes (1/4 ECDHE-ECDSA, 3/4 PSK, TLS and DTLS) with newlib's heap back at its baseline.
// Writes <out>/soak.json; ends with "N passed, N failed, N skipped".
//
//   node tests/soak/run-soak.mjs --build build [--count 1000] [--threads 4] [--rounds 25] [--renegotiations 50]
//                                [--qemu-count 200]   (0: skip the QEMU run)
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, parseArgs, runProcess, startProcess } from '../interop/lib.mjs';

const options = parseArgs(process.argv.slice(2), { build: 'build', count: '1000', threads: '4', rounds: '25', renegotiations: '50', 'qemu-count': '200', out: '' });
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BUILD = path.resolve(options.build);
const PKI = path.join(BUILD, 'pki');
const SOAK = path.join(BUILD, 'paltls_soak');
const OUT = path.resolve(options.out || path.join(BUILD, 'soak'));

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const peer = startProcess(path.join(BUILD, 'paltls_peer'), ['--pki', PKI, '--listen', 'default=0', '--exit-on-stdin-eof',
    '--max-connections', '64', '--log', path.join(OUT, 'peer.log')], { readyPattern: /READY all/, readyMs: 10000 });
  await peer.ready;
  const port = /READY default (\d+)/.exec(peer.output.stdout)[1];
  const runs = [];
  for (const transport of ['tls', 'dtls']) {
    runs.push({ name: `sequential-${transport}`, args: ['--transport', transport, '--sequential', options.count], bound: 600000 });
  }
  for (const transport of ['tls', 'dtls']) {
    runs.push({ name: `threads-${transport}`, args: ['--transport', transport, '--threads', options.threads, '--rounds', options.rounds], bound: 300000 });
  }
  for (const transport of ['tls', 'dtls']) {
    runs.push({ name: `timehammer-${transport}`, args: ['--transport', transport, '--timehammer', options.renegotiations, '--hammers', '3'], bound: 300000 });
  }
  // A renegotiation held mid-flight must not stall another thread's library clock.
  runs.push({ name: 'slowreneg-tls', args: ['--transport', 'tls', '--slowreneg', '1'], bound: 120000 });
  const results = [];
  try {
    for (const run of runs) {
      const r = await runProcess(SOAK, ['--pki', PKI, '--port', port, ...run.args], { timeoutMs: run.bound });
      const json = lastJson(r.stdout);
      const ok = r.code === 0 && json !== null && !r.timedOut;
      results.push({ name: run.name, ok, ms: r.ms, result: json, log: r.stderr.trim().split('\n').slice(-6) });
      console.log(`${ok ? 'PASS' : 'FAIL'} ${run.name} ${r.ms} ms ${json ? JSON.stringify(json) : `(no result, exit ${r.code}${r.timedOut ? ', killed at bound' : ''}) ${r.stderr.slice(-300)}`}`);
    }
  } finally {
    await peer.stop();
  }
  const qemuCount = Number(options['qemu-count']);
  if (qemuCount > 0) results.push(await qemuSoak(qemuCount));
  fs.writeFileSync(path.join(OUT, 'soak.json'), JSON.stringify(results, null, 1));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed, 0 skipped`);
  process.exit(failed ? 1 : 0);
}

// The host tool builds the image, boots QEMU and starts its own peer; the case reports its figures
// as metrics (soak_handshakes, soak_ecdhe, soak_first_growth, soak_max_drift).
async function qemuSoak(count) {
  const json = path.join(OUT, 'qemu-soak.json');
  fs.rmSync(json, { force: true });
  const r = await runProcess(process.execPath, [path.join(ROOT, 'host', 'bin', 'paltls.js'), 'test', '--board', 'qemu-mps2-an385',
    '--filter', 'pal_tls.soakSequentialHandshakes', '--env', `soak.count=${count}`, '--timeout', '600', '--json', json,
    '--results', path.join(OUT, 'qemu-results')], { timeoutMs: 900000, cwd: ROOT });
  const test = fs.existsSync(json) ? JSON.parse(fs.readFileSync(json, 'utf8')).tests?.[0] : undefined;
  const metrics = test?.metrics ?? {};
  const ok = r.code === 0 && !r.timedOut && test?.status === 'passed' && metrics.soak_handshakes === count && metrics.soak_max_drift === 0;
  const result = { transport: 'tls+dtls', handshakes: metrics.soak_handshakes, ecdhe: metrics.soak_ecdhe,
    first_growth_bytes: metrics.soak_first_growth, max_drift_bytes: metrics.soak_max_drift, case_ms: test?.duration_ms };
  console.log(`${ok ? 'PASS' : 'FAIL'} qemu-sequential ${r.ms} ms ${JSON.stringify(result)}${ok ? '' : ` ${test?.message ?? ''} (exit ${r.code}) ${r.stdout.slice(-300)}`}`);
  return { name: 'qemu-sequential', ok, ms: r.ms, result, log: r.stdout.trim().split('\n').slice(-6) };
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
});
