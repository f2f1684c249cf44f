// `paltls handshake`: one PAL handshake from the device to any server, with the result (PAL
// status, what the device offered, negotiated suite, verification, the clock used, ServerHello
// time and its plausibility, duration) printed and in JSON.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ExitCode, ExitCodeValue } from '../errors';
import { MsgType, Tag } from '../protocol/constants';
import { TlvReader, TlvWriter } from '../protocol/tlv';
import { Transcript } from '../report/transcript';
import { alertHint, alertName } from '../tls/alerts';
import { parseSuiteList } from '../tls/suites';
import { connectDevice, makeRunner, newResultsDir, resolveBoard, usesBridge } from './common';

export interface HandshakeOptions {
  board?: string;
  port?: string;
  probe?: string;
  server: string;
  transport: string;
  suite?: string;
  ca?: string;
  cert?: string;
  key?: string;
  pskIdentity?: string;
  psk?: string;
  auth?: string;
  deviceTime?: string;
  json?: string;
  timeout?: number;
  build: boolean;
  bridge?: boolean;
  deterministic?: boolean; // QEMU boards: -icount shift=0
  portWaitMs?: number; // USB boards: how long to look for the serial port after flashing
}

export type ClockSource = 'host' | 'fixed' | 'unset';
export type TimeVerdict = 'inside-certificate-validity' | 'outside-certificate-validity' | 'no-certificate';

export interface HandshakeResult {
  board: string;
  build: { id: string; mbedtls: string };
  server: string;
  transport: 'tls' | 'dtls';
  status: string;
  status_code: number;
  stage: string;
  version: string | null;
  offered_suites: string[];
  suite: string | null;
  /** true only when the server certificate went through verification. */
  verified: boolean;
  /** PAL verify result and its flags; null when no certificate was verified. */
  verify_result: number | null;
  verify_flags: string[] | null;
  alert: { code: number; name: string } | null;
  hint: string | null;
  device_clock: { source: ClockSource; set_to: number | null; at_handshake: number | null };
  server_time: number;
  server_time_verdict: TimeVerdict | null;
  server_time_plausible: boolean | null;
  device_time_after: number;
  duration_ms: number;
}

const VERIFY_FLAGS: [number, string][] = [
  [0x01, 'BADCERT_EXPIRED'],
  [0x02, 'BADCERT_FUTURE'],
  [0x04, 'BADCERT_BAD_MD'],
  [0x08, 'BADCERT_BAD_PK'],
  [0x10, 'BADCERT_NOT_TRUSTED'],
  [0x20, 'BADCERT_BAD_KEY'],
];

export function verifyFlagNames(verify: number): string[] {
  return VERIFY_FLAGS.filter(([bit]) => verify & bit).map(([, n]) => n);
}

/** `--suite`: one name or a comma list in any spelling → the device's names, comma-joined. */
export function normaliseSuite(list: string): string {
  return parseSuiteList(list)
    .map((s) => s.name)
    .join(',');
}

/** `--device-time`: absent or `now` → the host clock; `unset`/`0` → leave the device clock alone. */
export function deviceClock(option: string | undefined, now = Math.floor(Date.now() / 1000)): { source: ClockSource; setTo: number | null } {
  if (option === undefined || option === 'now') return { source: 'host', setTo: now };
  if (option === 'unset' || option === '0') return { source: 'unset', setTo: null };
  if (!/^\d+$/.test(option)) throw new ConfigError(`--device-time must be UNIX seconds, 'now' or 'unset', got '${option}'`);
  return { source: 'fixed', setTo: Number(option) };
}

function readDer(file: string | undefined, what: string): Buffer | undefined {
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new ConfigError(`${what} file not found: ${file}`);
  const data = fs.readFileSync(file);
  if (data.subarray(0, 11).toString() === '-----BEGIN ') {
    // PEM: take the first block's base64 body (DER is what the device parses most cheaply).
    const m = /-----BEGIN [^-]+-----([\s\S]*?)-----END/.exec(data.toString());
    if (!m) throw new ConfigError(`${what}: cannot read PEM in ${file}`);
    return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  }
  return data;
}

export function buildHandshakeRequest(o: HandshakeOptions, now?: number): Buffer {
  const m = /^(.+):(\d+)$/.exec(o.server);
  if (!m) throw new ConfigError(`--server must be HOST:PORT, got '${o.server}'`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new ConfigError(`--server port out of range: ${port}`);
  if (!['tls', 'dtls'].includes(o.transport)) throw new ConfigError(`--transport must be tls or dtls, got '${o.transport}'`);
  const w = new TlvWriter().u8(Tag.Transport, o.transport === 'dtls' ? 1 : 0).str(Tag.Host, m[1]!.replace(/^\[|\]$/g, '')).u16(Tag.Port, port);
  if (o.suite) w.str(Tag.Suite, normaliseSuite(o.suite));
  const usingPsk = o.psk !== undefined || o.pskIdentity !== undefined;
  if (usingPsk) {
    if (!o.psk || !o.pskIdentity) throw new ConfigError('--psk and --psk-identity go together');
    if (!/^([0-9a-fA-F]{2})+$/.test(o.psk)) throw new ConfigError('--psk must be hex, e.g. 123445678910');
    w.put(Tag.PskId, Buffer.from(o.pskIdentity)).put(Tag.Psk, Buffer.from(o.psk, 'hex'));
  }
  const ca = readDer(o.ca, '--ca');
  const cert = readDer(o.cert, '--cert');
  const key = readDer(o.key, '--key');
  if ((cert && !key) || (key && !cert)) throw new ConfigError('--cert and --key go together');
  if (ca) w.put(Tag.Ca, ca);
  if (cert && key) w.put(Tag.Cert, cert).put(Tag.PrivateKey, key);
  if (!usingPsk && !ca) throw new ConfigError('give credentials: --ca [--cert --key] for certificates, or --psk-identity and --psk');
  if (o.auth) {
    const modes: Record<string, number> = { none: 0, optional: 1, required: 2 };
    const v = modes[o.auth];
    if (v === undefined) throw new ConfigError(`--auth must be required, optional or none, got '${o.auth}'`);
    w.u8(Tag.Auth, v);
  }
  const clock = deviceClock(o.deviceTime, now);
  if (clock.setTo !== null) w.u64(Tag.Time, BigInt(clock.setTo));
  w.u32(Tag.Timeout, (o.timeout ?? 30) * 1000);
  return w.build();
}

const VERDICTS: Record<number, TimeVerdict> = { 0: 'no-certificate', 1: 'inside-certificate-validity', 2: 'outside-certificate-validity' };

/** The HANDSHAKE_RESULT payload as the JSON result (docs/harness.md). */
export function decodeHandshakeResult(
  payload: Buffer,
  ctx: { board: string; build: { id: string; mbedtls: string }; options: HandshakeOptions; clock: { source: ClockSource; setTo: number | null } },
): HandshakeResult {
  const r = new TlvReader(payload);
  const verified = (r.uint(Tag.Verified) ?? 0) === 1;
  const verify = r.int32(Tag.Verify) ?? 0;
  const alertCode = r.uint(Tag.Alert);
  const offered = (r.str(Tag.Offered) ?? '').split(',').filter((x) => x);
  const version = r.str(Tag.Version) ?? null;
  const status = r.str(Tag.StatusName) ?? 'UNKNOWN';
  const serverTime = Number(r.u64(Tag.ServerTime) ?? 0n);
  const verdictCode = r.uint(Tag.TimeVerdict);
  const verdict = serverTime && verdictCode !== undefined ? (VERDICTS[verdictCode] ?? null) : null;
  const timeBefore = r.u64(Tag.TimeBefore);
  const failedByPeer = status === 'PAL_ERR_SSL_FATAL_ALERT_MESSAGE' || status === 'PAL_ERR_SOCKET_CONNECTION_CLOSED';
  const o = ctx.options;
  return {
    board: ctx.board,
    build: ctx.build,
    server: o.server,
    transport: o.transport === 'dtls' ? 'dtls' : 'tls',
    status,
    status_code: r.int32(Tag.Status) ?? -1,
    stage: r.str(Tag.Stage) ?? '',
    version,
    offered_suites: offered,
    suite: r.str(Tag.Suite) ?? null,
    verified,
    verify_result: verified ? verify : null,
    verify_flags: verified ? verifyFlagNames(verify) : null,
    alert: alertCode !== undefined ? { code: alertCode, name: alertName(alertCode) } : null,
    hint: failedByPeer ? peerFailureHint(alertCode ?? null, verified ? verifyFlagNames(verify) : null, offered, version, o) : null,
    device_clock: { source: ctx.clock.source, set_to: ctx.clock.setTo, at_handshake: timeBefore !== undefined ? Number(timeBefore) : null },
    server_time: serverTime,
    server_time_verdict: verdict,
    server_time_plausible: verdict === null ? null : verdict === 'inside-certificate-validity',
    device_time_after: Number(r.u64(Tag.Time) ?? 0n),
    duration_ms: r.uint(Tag.Duration) ?? 0,
  };
}

/**
 * Why the peer ended the handshake. A certificate that is only "not yet valid" by the device
 * clock makes PAL retry under the server's time by renegotiation (secure time), which many stock
 * servers refuse: that, not the suite list, is then the cause.
 */
function peerFailureHint(alert: number | null, flags: string[] | null, offered: string[], version: string | null, o: HandshakeOptions): string {
  if (flags && flags.length === 1 && flags[0] === 'BADCERT_FUTURE') {
    return "the certificate is not yet valid by the device clock; PAL's secure-time retry (a renegotiation under the server's time) was refused by the server: set the device clock (the default, or --device-time UNIX)";
  }
  return alertHint(alert, { suites: offered, version: version ?? 'TLS 1.2', usedPsk: Boolean(o.psk), usedCert: Boolean(o.ca || o.cert) });
}

function isoTime(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

function clockLine(r: HandshakeResult): string {
  const c = r.device_clock;
  switch (c.source) {
    case 'host':
      return `host clock, ${c.set_to} (${isoTime(c.set_to ?? 0)}) set before the handshake`;
    case 'fixed':
      return `--device-time ${c.set_to} (${isoTime(c.set_to ?? 0)}) set before the handshake`;
    default:
      return `left unset (--device-time unset): the device's own clock, ${c.at_handshake ?? 0} at the handshake`;
  }
}

function verifyLine(r: HandshakeResult): string {
  if (!r.verified || r.verify_result === null) return 'not verified (no server certificate was checked)';
  if (r.verify_result === 0) return 'ok (server certificate verified)';
  return `0x${(r.verify_result >>> 0).toString(16)} ${r.verify_flags?.join('|') ?? ''}`;
}

export function serverTimeLine(r: HandshakeResult, hostNow = Math.floor(Date.now() / 1000)): string {
  if (!r.server_time) return '-';
  const days = Math.round((r.server_time - hostNow) / 86400);
  const fromHost = Math.abs(days) <= 1 ? 'matches the host clock' : `${Math.abs(days)} days ${days > 0 ? 'ahead of' : 'behind'} the host clock`;
  const verdict =
    r.server_time_verdict === 'inside-certificate-validity'
      ? "plausible: inside the server certificate's validity"
      : r.server_time_verdict === 'outside-certificate-validity'
        ? "not plausible — random? (outside the server certificate's validity)"
        : 'not plausible — random? (no verified certificate to check it against)';
  return `${r.server_time} (${isoTime(r.server_time)}) ${verdict}; ${fromHost}`;
}

export function formatHandshake(r: HandshakeResult): string {
  const ok = r.status === 'PAL_SUCCESS';
  const lines = [
    `handshake ${r.transport.toUpperCase()} ${r.server} from ${r.board}: ${r.status}${ok ? '' : ` (at ${r.stage})`}`,
    `  offered      ${r.version ?? '-'}: ${r.offered_suites.join(', ') || '-'}`,
    `  suite        ${r.suite ?? '-'}`,
    `  verify       ${verifyLine(r)}`,
  ];
  if (r.alert) lines.push(`  alert        ${r.alert.name} (${r.alert.code}) from the server`);
  if (r.hint) lines.push(`  hint         ${r.hint}`);
  lines.push(`  device clock ${clockLine(r)}`, `  server time  ${serverTimeLine(r)}`, `  duration     ${r.duration_ms} ms`);
  return lines.join('\n') + '\n';
}

export async function runHandshake(o: HandshakeOptions): Promise<ExitCodeValue> {
  const clock = deviceClock(o.deviceTime);
  const payload = buildHandshakeRequest(o, clock.setTo ?? undefined);
  const board = resolveBoard(o.board);
  const bridge = usesBridge(board, o.bridge);
  const runner = makeRunner(board, { port: o.port, probe: o.probe, bridge, deterministic: o.deterministic, portWaitMs: o.portWaitMs });
  const dir = newResultsDir(undefined, `${board.id}-handshake`);
  const transcript = new Transcript(path.join(dir, 'transcript.log'));
  try {
    if (o.build) await runner.build();
    const conn = await connectDevice(runner, transcript, { bridge });
    // Boards without a TRNG (QEMU bare metal) have no entropy until the host gives them a seed.
    if (conn.identity.entropyTestOnly) await conn.session.setEnv('entropy.seed', randomBytes(48));
    const frames = await conn.session.request(MsgType.Handshake, payload, (f) => (f.type === MsgType.HandshakeResult ? 'done' : 'ignore'), {
      timeoutMs: ((o.timeout ?? 30) + 15) * 1000,
    });
    const result = decodeHandshakeResult(frames[0]!.payload, {
      board: board.id,
      build: { id: conn.identity.buildId, mbedtls: conn.identity.mbedtls },
      options: o,
      clock,
    });
    conn.bridge?.closeAll();
    conn.session.dispose();
    process.stdout.write(formatHandshake(result));
    if (o.json) fs.writeFileSync(o.json, JSON.stringify(result, null, 2) + '\n');
    return result.status === 'PAL_SUCCESS' ? ExitCode.Ok : ExitCode.TestFailures;
  } finally {
    await runner.stop().catch(() => undefined);
    await transcript.close();
  }
}
