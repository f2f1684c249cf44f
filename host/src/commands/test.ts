// `paltls test`: build, boot/flash, start peers, sync, run the selected cases one by one with a
// per-case timeout, recover from hangs and crashes, report.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildHostTools } from '../boards/build';
import { ExitCode, ExitCodeValue, PaltlsError } from '../errors';
import { PeerProcess, defaultPkiDir } from '../peers/peer';
import { Needs } from '../protocol/constants';
import { CaseOutcome, DeviceIdentity, ManifestCase, Session } from '../protocol/session';
import { ConsoleReporter } from '../report/console';
import { EventLog } from '../report/events';
import { writeJUnit } from '../report/junit';
import { RunResult, summarize, TestRecord, writeJson } from '../report/results';
import { PeerRelay } from '../report/capture/relay';
import { CaptureMode, RunReporter } from '../report/runReport';
import { Transcript } from '../report/transcript';
import { CaseFilter } from '../util/glob';
import { connectDevice, DeviceConnection, makeRunner, newResultsDir, resolveBoard, usesBridge } from './common';
import { peerPlan } from '../util/net';

export interface TestOptions {
  board?: string;
  port?: string;
  probe?: string;
  runner?: string;
  flash?: boolean;
  filter?: string;
  json?: string;
  junit?: string;
  timeout?: number; // seconds per case
  results?: string;
  build: boolean;
  bridge?: boolean;
  buildDir?: string; // native boards: build directory of the agent instead of the registry's
  /** `--conf`: extra Kconfig fragments for a Zephyr build. */
  conf?: string[];
  verbose?: boolean;
  list?: boolean;
  /** Extra test-environment entries (`--env KEY=VALUE`), sent after the harness's own keys. */
  env?: string[];
  /** report.html elsewhere too (it is always written in the results directory). */
  html?: string;
  /** Packet captures: of failed cases (default), of every case, or none (no relay either). */
  capture?: CaptureMode;
  deterministic?: boolean; // QEMU boards: -icount shift=0
  portWaitMs?: number; // USB boards: how long to look for the serial port after flashing
}

const GROUP = 'pal_tls';
/** Environment key pki.<name> -> file in the PKI directory (tests/pki/gen-pki.sh). */
const PKI_OBJECTS: [string, string][] = [
  ['ca', 'ca.der'],
  ['device_cert', 'device_cert.der'],
  ['device_key', 'device_key.der'],
  ['unrelated_ca', 'unrelated_ca.der'],
  ['server_cert', 'server.der'],
  ['server_key', 'server.key.der'],
];

function describeOutcome(o: Exclude<CaseOutcome, { kind: 'result' }>, timeoutS: number): string {
  if (o.kind === 'timeout') return `timed out after ${timeoutS}s without a result (device hung); device restarted`;
  const parts = ['device crashed'];
  if (o.fault) {
    const regs = Object.entries(o.fault.registers)
      .map(([k, v]) => `${k}=0x${(v >>> 0).toString(16)}`)
      .join(' ');
    parts.push(`: ${o.fault.reason}${regs ? ` (${regs})` : ''}`);
  } else if (o.exit) parts.push(`: ${o.exit.reason}`);
  else if (o.rebooted) parts.push(': it rebooted mid-case');
  parts.push('; device restarted');
  return parts.join('');
}

export async function runTest(opts: TestOptions): Promise<ExitCodeValue> {
  const board = resolveBoard(opts.board);
  const extraEnv = parseEnvOptions(opts.env ?? []);
  const out = new ConsoleReporter(process.stdout, !opts.verbose);
  const resultsDir = newResultsDir(opts.results, board.id);
  const transcript = new Transcript(path.join(resultsDir, 'transcript.log'));
  const events = new EventLog(path.join(resultsDir, 'events.jsonl'));
  events.emit({ event: 'run-start', board: board.id, argv: process.argv.slice(2) });
  const bridge = usesBridge(board, opts.bridge);
  const runner = makeRunner(board, {
    port: opts.port,
    probe: opts.probe,
    runner: opts.runner,
    flash: opts.flash,
    skipRebuild: !opts.build,
    bridge,
    buildDir: opts.buildDir,
    conf: opts.conf,
    deterministic: opts.deterministic,
    portWaitMs: opts.portWaitMs,
    echo: opts.verbose ? (l) => out.info(`  build| ${l}`) : undefined,
  });
  const plan = await peerPlan(board, bridge);
  const peer = new PeerProcess({ bindHost: plan.bindHost });
  const report = new RunReporter(resultsDir, opts.capture ?? 'failed');
  const tap = report.capturing ? report.recorder : undefined;
  // Boards with their own network stack reach the peers through a relay that records for captures.
  const relay = tap && !bridge ? new PeerRelay(tap, { bindHost: plan.bindHost, advertisedHost: plan.bindHost ? plan.peerHost : undefined }) : undefined;
  let conn: DeviceConnection | undefined;
  const started = Date.now();
  out.info(`paltls test: board ${board.id} (${board.flavour}), results in ${path.relative(process.cwd(), resultsDir) || '.'}`);
  try {
    if (opts.build) {
      const t0 = Date.now();
      out.info('building...');
      await runner.build();
      await buildHostTools(opts.verbose ? (l) => out.info(`  build| ${l}`) : undefined);
      events.emit({ event: 'build', ok: true, ms: Date.now() - t0 });
      out.info(`build ok (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    }
    const onLine = opts.verbose ? (l: string): void => out.deviceLine(l) : undefined;
    const t0 = Date.now();
    conn = await connectDevice(runner, transcript, { bridge, onLine, tap });
    const id = conn.identity;
    events.emit({ event: 'sync', board: id.board, build: id.buildId, mbedtls: id.mbedtls, cases: id.caseCount, ms: Date.now() - t0 });
    out.info(
      `device: board=${id.board} build=${id.buildId} mbedtls=${id.mbedtls} cases=${id.caseCount}` +
        (id.entropyTestOnly ? ' entropy=TEST-ONLY (host-injected seed)' : ''),
    );
    const manifest = await conn.session.list();
    if (opts.list) {
      for (const c of manifest) out.info(`${GROUP}.${c.name}${c.needs ? `  (needs 0x${c.needs.toString(16)})` : ''}`);
      return ExitCode.Ok;
    }
    const filter = new CaseFilter(opts.filter);
    const selected = manifest.filter((c) => {
      const fullId = `${GROUP}.${c.name}`;
      if (!filter.matches(fullId, c.name)) return false;
      if (c.needs & Needs.FaultHooks) return filter.selectsExplicitly(fullId, c.name);
      return true;
    });
    if (selected.length === 0) {
      throw new PaltlsError(`no case matches --filter '${opts.filter ?? ''}'`, ExitCode.Config, 'list the cases with `paltls test --list`');
    }
    const peerPorts = await peer.start();
    events.emit({ event: 'peer', ports: Object.fromEntries(peerPorts) });
    transcript.note(`peer ports: ${[...peerPorts].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const ports = relay ? await relay.start(peerPorts) : peerPorts;
    if (relay) transcript.note(`capture relay ports (sent to the device): ${[...ports].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const seed = randomBytes(48);
    const env = buildEnv(board.id, plan.peerHost, ports, seed, id);
    env.push(...extraEnv);
    await sendEnv(conn.session, env);

    const timeoutS = opts.timeout ?? board.run?.caseTimeoutSeconds ?? 60;
    const records: TestRecord[] = [];
    const bundles: Record<string, string> = {};
    const captures: Record<string, string> = {};
    for (let i = 0; i < selected.length; i++) {
      const c = selected[i]!;
      const testId = `${GROUP}.${c.name}`;
      out.caseStart(i + 1, selected.length, testId);
      events.emit({ event: 'case-start', id: testId, index: i + 1, total: selected.length });
      const mark = transcript.mark();
      const peerMark = Date.now();
      transcript.note(`case ${testId} start`);
      report.caseStarted(testId);
      let record: TestRecord;
      if (!conn) {
        record = { id: testId, status: 'error', duration_ms: 0, message: 'not run: the device did not come back after the previous failure' };
      } else {
        const outcome = await conn.session.runCase(c.name, timeoutS * 1000);
        if (outcome.kind === 'result') {
          const r = outcome.report;
          record = { id: testId, status: r.status, duration_ms: r.durationMs, message: r.message };
          if (r.metrics.length) record.metrics = Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
        } else {
          record = { id: testId, status: 'error', duration_ms: outcome.elapsedMs, message: describeOutcome(outcome, timeoutS) };
          transcript.note(`case ${testId}: ${record.message}`);
          events.emit({ event: 'device-restart', reason: outcome.kind });
          conn = await recover(conn, () => connectDevice(runner, transcript, { restart: true, bridge, onLine, tap }), transcript, env);
          if (!conn) record.message += ' (restart FAILED: remaining cases not run)';
          if (!peer.running) {
            transcript.note('peer died: restarting it');
            relay?.retarget(await peer.start());
          }
        }
      }
      transcript.note(`case ${testId} end: ${record.status}`);
      records.push(record);
      out.caseEnd(record);
      events.emit({ event: 'case-end', id: testId, status: record.status, duration_ms: record.duration_ms, message: record.message });
      if (record.status === 'failed' || record.status === 'error') {
        const caseTranscript = transcript.slice(mark);
        const peerLog = peer.linesSince(peerMark);
        const bundleDir = path.join(resultsDir, 'failures', testId);
        const capture = report.caseEnded(record, { transcript: caseTranscript, peerLog, bundleDir });
        if (capture) captures[testId] = capture;
        bundles[testId] = saveBundle(resultsDir, testId, {
          transcript: Transcript.render(caseTranscript),
          peerLog,
          repro: {
            command: ['npx', 'paltls', 'test', '--board', board.id, '--filter', testId],
            argv: process.argv,
            board: board.id,
            build: id.buildId,
            mbedtls: id.mbedtls,
            entropy_seed: seed.toString('hex'),
            peer_ports: Object.fromEntries(ports),
            host: { node: process.version, platform: `${os.platform()} ${os.release()}` },
            result: record,
            capture: capture ? path.relative(bundleDir, capture) : undefined,
          },
        });
      } else report.caseEnded(record);
    }

    const result: RunResult = { board: board.id, build: { id: id.buildId, mbedtls: id.mbedtls }, tests: records, summary: summarize(records) };
    if (opts.json) writeJson(opts.json, result);
    writeJson(path.join(resultsDir, 'results.json'), result);
    const systemOut = Object.fromEntries(
      Object.entries(bundles).map(([k, v]) => [k, `failure bundle: ${v}${captures[k] ? `\npacket capture: ${captures[k]}` : ''}`]),
    );
    if (opts.junit) writeJUnit(opts.junit, result, { systemOut, hostname: os.hostname() });
    writeJUnit(path.join(resultsDir, 'junit.xml'), result, { systemOut, hostname: os.hostname() });
    const page = report.write(result, { buildId: id.buildId, mbedtls: id.mbedtls, entropyTestOnly: id.entropyTestOnly }, opts.html);
    const s = result.summary;
    const extra = Object.values(bundles).map((b) => `  failure bundle: ${path.relative(process.cwd(), b)}`);
    extra.push(`  report: ${path.relative(process.cwd(), page)}`);
    out.summary(s, Date.now() - started, extra);
    const code = s.failed + s.error > 0 ? ExitCode.TestFailures : ExitCode.Ok;
    events.emit({ event: 'run-end', summary: { ...s }, exit: conn ? code : ExitCode.Infrastructure });
    return conn ? code : ExitCode.Infrastructure;
  } finally {
    conn?.bridge?.closeAll();
    conn?.session.dispose();
    await runner.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await peer.stop().catch(() => undefined);
    events.close();
    await transcript.close();
  }
}

function buildEnv(board: string, peerHost: string, ports: Map<string, number>, seed: Buffer, id: DeviceIdentity): [string, Buffer | string][] {
  const env: [string, Buffer | string][] = [['peer.host', peerHost]];
  for (const [profile, port] of ports) env.push([`peer.port.${profile}`, String(port)]);
  const pki = defaultPkiDir();
  for (const [key, name] of PKI_OBJECTS) {
    const file = path.join(pki, name);
    if (fs.existsSync(file)) env.push([`pki.${key}`, fs.readFileSync(file)]);
  }
  env.push(['host.time', String(Math.floor(Date.now() / 1000))]);
  env.push(['entropy.seed', seed]);
  env.push(['entropy.test_only', id.entropyTestOnly ? '1' : '0']);
  env.push(['board', board]);
  return env;
}

/** `--env KEY=VALUE` entries; a malformed one is a configuration error, not a test failure. */
export function parseEnvOptions(entries: string[]): [string, string][] {
  return entries.map((entry) => {
    const equals = entry.indexOf('=');
    if (equals <= 0) {
      throw new PaltlsError(`--env '${entry}' is not KEY=VALUE`, ExitCode.Config, 'e.g. --env soak.count=200');
    }
    return [entry.slice(0, equals), entry.slice(equals + 1)];
  });
}

async function sendEnv(session: Session, env: [string, Buffer | string][]): Promise<void> {
  await session.clearEnv();
  for (const [k, v] of env) await session.setEnv(k, v);
}

async function recover(
  old: DeviceConnection,
  reconnect: () => Promise<DeviceConnection>,
  transcript: Transcript,
  env: [string, Buffer | string][],
): Promise<DeviceConnection | undefined> {
  old.bridge?.closeAll();
  old.session.dispose();
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const c = await reconnect();
      await sendEnv(c.session, env);
      return c;
    } catch (err) {
      transcript.note(`restart attempt ${attempt} failed: ${(err as Error).message}`);
    }
  }
  return undefined;
}

function saveBundle(
  resultsDir: string,
  testId: string,
  data: { transcript: string; peerLog: string; repro: Record<string, unknown> },
): string {
  const dir = path.join(resultsDir, 'failures', testId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'transcript.log'), data.transcript);
  fs.writeFileSync(path.join(dir, 'peer.log'), data.peerLog + '\n');
  fs.writeFileSync(path.join(dir, 'repro.json'), JSON.stringify(data.repro, null, 2) + '\n');
  return dir;
}

export type { ManifestCase };
