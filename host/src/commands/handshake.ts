// `paltls handshake`: one PAL handshake from the device to any server, with the result (PAL
// status, negotiated suite, verify flags, ServerHello time, duration) printed and in JSON.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ExitCode, ExitCodeValue } from '../errors';
import { MsgType, Tag } from '../protocol/constants';
import { TlvReader, TlvWriter } from '../protocol/tlv';
import { Transcript } from '../report/transcript';
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

export interface HandshakeResult {
  board: string;
  build: { id: string; mbedtls: string };
  server: string;
  transport: 'tls' | 'dtls';
  status: string;
  status_code: number;
  stage: string;
  suite: string | null;
  verify_result: number;
  verify_flags: string[];
  server_time: number;
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

export function normaliseSuite(name: string): string {
  let n = name.trim().toUpperCase().replace(/_/g, '-');
  if (!n.startsWith('TLS-')) n = `TLS-${n}`;
  return n;
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

export function buildHandshakeRequest(o: HandshakeOptions): Buffer {
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
  if (o.deviceTime) {
    if (!/^\d+$/.test(o.deviceTime)) throw new ConfigError('--device-time must be UNIX seconds');
    w.u64(Tag.Time, BigInt(o.deviceTime));
  }
  w.u32(Tag.Timeout, (o.timeout ?? 30) * 1000);
  return w.build();
}

export async function runHandshake(o: HandshakeOptions): Promise<ExitCodeValue> {
  const payload = buildHandshakeRequest(o);
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
    const r = new TlvReader(frames[0]!.payload);
    const verify = r.int32(Tag.Verify) ?? 0;
    const result: HandshakeResult = {
      board: board.id,
      build: { id: conn.identity.buildId, mbedtls: conn.identity.mbedtls },
      server: o.server,
      transport: o.transport === 'dtls' ? 'dtls' : 'tls',
      status: r.str(Tag.StatusName) ?? 'UNKNOWN',
      status_code: r.int32(Tag.Status) ?? -1,
      stage: r.str(Tag.Stage) ?? '',
      suite: r.str(Tag.Suite) ?? null,
      verify_result: verify,
      verify_flags: VERIFY_FLAGS.filter(([bit]) => verify & bit).map(([, n]) => n),
      server_time: Number(r.u64(Tag.ServerTime) ?? 0n),
      device_time_after: Number(r.u64(Tag.Time) ?? 0n),
      duration_ms: r.uint(Tag.Duration) ?? 0,
    };
    conn.bridge?.closeAll();
    conn.session.dispose();
    const ok = result.status === 'PAL_SUCCESS';
    process.stdout.write(
      [
        `handshake ${result.transport.toUpperCase()} ${o.server} from ${board.id}: ${result.status}${ok ? '' : ` (at ${result.stage})`}`,
        `  suite        ${result.suite ?? '-'}`,
        `  verify       0x${(verify >>> 0).toString(16)}${result.verify_flags.length ? ` ${result.verify_flags.join('|')}` : ''}`,
        `  server time  ${result.server_time ? `${result.server_time} (${new Date(result.server_time * 1000).toISOString()})` : '-'}`,
        `  duration     ${result.duration_ms} ms`,
      ].join('\n') + '\n',
    );
    if (o.json) fs.writeFileSync(o.json, JSON.stringify(result, null, 2) + '\n');
    return ok ? ExitCode.Ok : ExitCode.TestFailures;
  } finally {
    await runner.stop().catch(() => undefined);
    await transcript.close();
  }
}
