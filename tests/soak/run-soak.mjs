#!/usr/bin/env node
// Soak runs (tests/soak/soak.c) against one test peer: sequential handshakes per transport with
// the heap back at its baseline, PAL_MAX_NUM_OF_TLS_CTX contexts from as many threads, and the
// library clock hammered from other threads during secure-time renegotiations.
// Writes <out>/soak.json; ends with "N passed, N failed, N skipped".
//
//   node tests/soak/run-soak.mjs --build build-rel [--count 1000] [--threads 4] [--rounds 25] [--renegotiations 50]
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, parseArgs, runProcess, startProcess } from '../interop/lib.mjs';

const options = parseArgs(process.argv.slice(2), { build: 'build-rel', count: '1000', threads: '4', rounds: '25', renegotiations: '50', out: '' });
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
  fs.writeFileSync(path.join(OUT, 'soak.json'), JSON.stringify(results, null, 1));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed, 0 skipped`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
});
