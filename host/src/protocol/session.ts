// Host side of the protocol: request/response over a Transport, the sync handshake, manifest,
// environment, case execution with per-case timeout, and unsolicited frames (boot, fault,
// socket-bridge requests).
import { randomBytes } from 'crypto';
import { EventEmitter } from 'events';
import { CaseStatusCode, MsgType, PROTOCOL_VERSION, Tag, typeName } from './constants';
import { crc32 } from './crc';
import { encodeFrame, Frame, FrameParser } from './frame';
import { readI64, TlvReader, TlvWriter } from './tlv';
import { DeviceError, ProtocolError, SyncError, TimeoutError } from '../errors';
import { CloseInfo, Transport } from '../transport/transport';
import { Transcript } from '../report/transcript';

export interface DeviceIdentity {
  protocol: number;
  board: string;
  buildId: string;
  mbedtls: string;
  capabilities: number;
  entropyTestOnly: boolean;
  caseCount: number;
  manifestCrc: number;
}

export interface ManifestCase {
  index: number;
  name: string;
  needs: number;
}

export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'error';

export interface CaseMetric {
  name: string;
  value: number;
}

export interface CaseReport {
  name: string;
  status: CaseStatus;
  durationMs: number;
  message?: string;
  metrics: CaseMetric[];
}

export interface FaultReport {
  reason: string;
  caseName?: string;
  registers: Record<string, number>;
}

/** How a RUN ended: a result from the device, or one of the ways a device can fail us. */
export type CaseOutcome =
  | { kind: 'result'; report: CaseReport }
  | { kind: 'timeout'; elapsedMs: number }
  | { kind: 'crash'; elapsedMs: number; fault?: FaultReport; exit?: CloseInfo; rebooted: boolean };

export interface SyncOptions {
  timeoutMs?: number;
  helloIntervalMs?: number;
  expectedBuildId?: string;
  expectedBoard?: string;
}

interface Pending {
  seq: number;
  accept: (f: Frame) => 'done' | 'more' | 'ignore';
  resolve: (frames: Frame[]) => void;
  reject: (err: Error) => void;
  frames: Frame[];
}

class CancelledError extends Error {
  constructor() {
    super('request cancelled');
  }
}

const STATUS_BY_CODE: Record<number, CaseStatus> = {
  [CaseStatusCode.Passed]: 'passed',
  [CaseStatusCode.Failed]: 'failed',
  [CaseStatusCode.Skipped]: 'skipped',
  [CaseStatusCode.Error]: 'error',
};

/**
 * (METRIC_NAME, METRIC_VALUE)* pairs, one reading for CASE_RESULT metrics and FAULT registers:
 * METRIC_VALUE is an i64 (registers are u32, zero-extended by the agent, so they read the same).
 */
export function parseMetrics(r: TlvReader): CaseMetric[] {
  const names = r.all(Tag.MetricName).map((b) => b.toString('utf8'));
  const values = r.all(Tag.MetricValue).map((b) => Number(readI64(Tag.MetricValue, b)));
  if (names.length !== values.length) throw new ProtocolError(`${names.length} METRIC_NAME entries but ${values.length} METRIC_VALUE entries`);
  return names.map((name, i) => ({ name, value: values[i]! }));
}

/** FAULT frame; throws ProtocolError when the payload does not decode. */
export function parseFault(frame: Frame): FaultReport {
  const r = new TlvReader(frame.payload);
  const registers: Record<string, number> = {};
  for (const m of parseMetrics(r)) registers[m.name] = m.value;
  return { reason: r.str(Tag.Message) ?? 'fault', caseName: r.str(Tag.Name), registers };
}

/** CASE_RESULT frame; throws ProtocolError when the payload does not decode. */
export function parseCaseResult(payload: Buffer, name: string, elapsedMs: number): CaseReport {
  const r = new TlvReader(payload);
  return {
    name: r.str(Tag.Name) ?? name,
    status: STATUS_BY_CODE[r.uint(Tag.Status) ?? 3] ?? 'error',
    durationMs: r.uint(Tag.Duration) ?? elapsedMs,
    message: r.str(Tag.Message),
    metrics: parseMetrics(r),
  };
}

export function parseIdentity(frame: Frame): DeviceIdentity {
  const r = new TlvReader(frame.payload);
  return {
    protocol: r.uint(Tag.Proto) ?? 0,
    board: r.str(Tag.Board) ?? '',
    buildId: r.str(Tag.Build) ?? '',
    mbedtls: r.str(Tag.Mbedtls) ?? '',
    capabilities: r.uint(Tag.Caps) ?? 0,
    entropyTestOnly: (r.uint(Tag.EntropyTest) ?? 0) !== 0,
    caseCount: r.uint(Tag.Count) ?? 0,
    manifestCrc: r.uint(Tag.ManifestCrc) ?? 0,
  };
}

export function manifestCrc(cases: ManifestCase[]): number {
  let crc = 0;
  for (const c of cases) {
    crc = crc32(Buffer.from(c.name + '\0', 'utf8'), 0, undefined, crc);
    const needs = Buffer.alloc(4);
    needs.writeUInt32LE(c.needs >>> 0);
    crc = crc32(needs, 0, undefined, crc);
  }
  return crc;
}

/** The device's ERROR reply as the error of the request it answers. */
function refusal(frame: Frame): ProtocolError {
  try {
    const r = new TlvReader(frame.payload);
    return new ProtocolError(`device refused the request: ${r.str(Tag.Message) ?? 'error'} (status ${r.int32(Tag.Status)})`);
  } catch (err) {
    return new ProtocolError(`device refused the request (malformed ERROR frame: ${(err as Error).message})`);
  }
}

function asProtocolError(err: unknown, what: string): ProtocolError {
  return new ProtocolError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

function describeFrame(f: Frame): string {
  let detail = '';
  try {
    const r = new TlvReader(f.payload);
    detail = r.entries
      .map((e) => {
        const printable = e.value.length <= 64 && /^[\x20-\x7e]*$/.test(e.value.toString('latin1'));
        return `${Tag[e.tag] ?? e.tag}=${printable ? JSON.stringify(e.value.toString('latin1')) : `<${e.value.length} bytes>`}`;
      })
      .join(' ');
  } catch {
    detail = `<${f.payload.length} bytes, not TLV>`;
  }
  return `${typeName(f.type)} seq=${f.seq}${detail ? ' ' + detail : ''}`;
}

export interface SessionEvents {
  line: (text: string) => void; // device log line (from the line or the log stream)
  boot: (id: DeviceIdentity | undefined) => void; // undefined: the BOOT payload did not decode
  fault: (fault: FaultReport) => void;
  netreq: (frame: Frame) => void;
  close: (info: CloseInfo) => void;
}

export class Session extends EventEmitter {
  private readonly parser = new FrameParser();
  private seq = 1;
  private pending: Pending[] = [];
  private textLine = '';
  private logLine = '';
  private closedInfo?: CloseInfo;
  private lastRx = 0;
  private flushTimer?: NodeJS.Timeout;
  bytesReceived = 0;
  framesReceived = 0;
  identity?: DeviceIdentity;
  private readonly dataListener = (chunk: Buffer): void => this.onData(chunk);
  private readonly logListener = (chunk: Buffer): void => this.onLog(chunk);
  private readonly closeListener = (info: CloseInfo): void => this.onClose(info);

  constructor(
    readonly transport: Transport,
    readonly transcript: Transcript,
  ) {
    super();
    transport.on('data', this.dataListener);
    transport.on('log', this.logListener);
    transport.on('close', this.closeListener);
    this.flushTimer = setInterval(() => this.flushStale(), 250);
    this.flushTimer.unref();
  }

  override on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): this {
    return super.on(event, listener);
  }

  get closed(): CloseInfo | undefined {
    return this.closedInfo;
  }

  get parserStats(): FrameParser['stats'] {
    return this.parser.stats;
  }

  /** Abandons the requests with this sequence number (their timers are cleared). */
  cancel(seq: number): void {
    const gone = this.pending.filter((p) => p.seq === seq);
    this.pending = this.pending.filter((p) => p.seq !== seq);
    for (const p of gone) p.reject(new CancelledError());
  }

  dispose(): void {
    for (const p of this.pending.splice(0)) p.reject(new CancelledError());
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.transport.off('data', this.dataListener);
    this.transport.off('log', this.logListener);
    this.transport.off('close', this.closeListener);
  }

  private onData(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    this.lastRx = Date.now();
    for (const item of this.parser.push(chunk)) {
      if (item.kind === 'text') this.onText(item.text);
      else this.onFrame(item.frame);
    }
  }

  private flushStale(): void {
    // A partial frame that never completes (noise that looked like a header) is log text.
    if (this.parser.pending() > 0 && Date.now() - this.lastRx > 500) {
      for (const item of this.parser.flush()) {
        if (item.kind === 'text') this.onText(item.text);
        else this.onFrame(item.frame);
      }
    }
  }

  private onText(text: Buffer): void {
    this.textLine += text.toString('latin1');
    this.textLine = this.emitLines(this.textLine, 'rx');
  }

  private onLog(chunk: Buffer): void {
    this.logLine += chunk.toString('utf8');
    this.logLine = this.emitLines(this.logLine, 'log');
  }

  private emitLines(buffer: string, dir: 'rx' | 'log'): string {
    const parts = buffer.split(/\r?\n/);
    const rest = parts.pop() ?? '';
    for (const line of parts) {
      this.transcript.add(dir, dir === 'rx' ? `text ${JSON.stringify(line)}` : line);
      this.emit('line', line);
    }
    return rest.length > 4096 ? (this.emitLines(rest + '\n', dir), '') : rest;
  }

  private onFrame(frame: Frame): void {
    this.framesReceived++;
    this.transcript.add('rx', describeFrame(frame));
    for (const p of this.pending) {
      if (frame.seq !== p.seq) continue;
      if (frame.type === MsgType.Error) {
        this.pending = this.pending.filter((x) => x !== p);
        p.reject(refusal(frame));
        return;
      }
      let verdict: ReturnType<Pending['accept']>;
      try {
        verdict = p.accept(frame);
      } catch (err) {
        // A reply that does not decode ends its request (as a protocol error), not the CLI.
        this.pending = this.pending.filter((x) => x !== p);
        p.reject(asProtocolError(err, `malformed ${typeName(frame.type)}`));
        return;
      }
      if (verdict === 'ignore') continue;
      p.frames.push(frame);
      if (verdict === 'done') {
        this.pending = this.pending.filter((x) => x !== p);
        p.resolve(p.frames);
      }
      return;
    }
    switch (frame.type) {
      case MsgType.Boot:
        this.emit('boot', this.decodeUnsolicited(frame, parseIdentity, () => undefined));
        break;
      case MsgType.Fault:
        this.emit('fault', this.decodeUnsolicited(frame, parseFault, (why) => ({ reason: `malformed FAULT frame (${why})`, registers: {} })));
        break;
      case MsgType.NetReq:
        this.emit('netreq', frame);
        break;
      default:
        break; // late reply to a request we gave up on
    }
  }

  /** A BOOT or FAULT still means a reboot or a crash when its payload does not decode. */
  private decodeUnsolicited<T>(frame: Frame, parse: (f: Frame) => T, fallback: (why: string) => T): T {
    try {
      return parse(frame);
    } catch (err) {
      const why = (err as Error).message;
      this.transcript.note(`malformed ${typeName(frame.type)} frame: ${why}`);
      return fallback(why);
    }
  }

  private onClose(info: CloseInfo): void {
    if (this.closedInfo) return;
    this.closedInfo = info;
    if (this.textLine) this.emitLines(this.textLine + '\n', 'rx');
    if (this.logLine) this.emitLines(this.logLine + '\n', 'log');
    this.transcript.note(`line closed: ${info.reason}`);
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) p.reject(new DeviceError(`device went away: ${info.reason}`));
    this.emit('close', info);
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) & 0xffff || 1;
    return this.seq;
  }

  send(type: number, seq: number, payload: Buffer = Buffer.alloc(0)): void {
    const frame = { type, seq, payload };
    this.transcript.add('tx', describeFrame(frame));
    this.transport.write(encodeFrame(type, seq, payload));
  }

  /**
   * Sends a request and collects reply frames until accept() says done. Idempotent requests are
   * retransmitted with the same sequence number when nothing arrives within retryMs.
   */
  request(
    type: number,
    payload: Buffer,
    accept: (f: Frame) => 'done' | 'more' | 'ignore',
    options: { timeoutMs: number; retryMs?: number; seq?: number },
  ): Promise<Frame[]> {
    if (this.closedInfo) return Promise.reject(new DeviceError(`device went away: ${this.closedInfo.reason}`));
    const seq = options.seq ?? this.nextSeq();
    return new Promise<Frame[]>((resolve, reject) => {
      let retry: NodeJS.Timeout | undefined;
      let settled = false;
      const timer = setTimeout(() => {
        this.pending = this.pending.filter((x) => x !== entry);
        if (retry) clearInterval(retry);
        reject(new TimeoutError(`no reply to ${typeName(type)} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const entry: Pending = {
        seq,
        accept,
        frames: [],
        resolve: (frames) => {
          settled = true;
          clearTimeout(timer);
          if (retry) clearInterval(retry);
          resolve(frames);
        },
        reject: (err) => {
          settled = true;
          clearTimeout(timer);
          if (retry) clearInterval(retry);
          reject(err);
        },
      };
      this.pending.push(entry);
      try {
        this.send(type, seq, payload);
      } catch (err) {
        entry.reject(err as Error);
        return;
      }
      // A line that answers within write() (in-process transports) may have settled it already.
      if (options.retryMs && !settled) {
        retry = setInterval(() => {
          if (entry.frames.length === 0 && !this.closedInfo) {
            this.transcript.note(`retransmitting ${typeName(type)} seq=${seq}`);
            try {
              this.send(type, seq, payload);
            } catch {
              /* close handler rejects */
            }
          }
        }, options.retryMs);
      }
    });
  }

  private async simple(type: number, payload: Buffer, replyType: number, timeoutMs = 3000): Promise<TlvReader> {
    const frames = await this.request(type, payload, (f) => (f.type === replyType ? 'done' : 'ignore'), {
      timeoutMs,
      retryMs: 1000,
    });
    return new TlvReader(frames[0]!.payload);
  }

  /**
   * Sync: HELLO with a fresh nonce, repeated until the echo comes back. Proves the device is
   * alive now (not a stale buffered reply), speaks our protocol, and runs the expected build.
   */
  async sync(options: SyncOptions = {}): Promise<DeviceIdentity> {
    const timeoutMs = options.timeoutMs ?? 10000;
    const interval = options.helloIntervalMs ?? 500;
    const nonce = randomBytes(16);
    const payload = new TlvWriter().put(Tag.Nonce, nonce).u8(Tag.Proto, PROTOCOL_VERSION).build();
    const seq = this.nextSeq();
    const startBytes = this.bytesReceived;
    const startFrames = this.framesReceived;
    let versionError: ProtocolError | undefined;
    let ack: Frame | undefined;
    try {
      const frames = await this.request(
        MsgType.Hello,
        payload,
        (f) => {
          if (f.type !== MsgType.HelloAck) return 'ignore';
          const echo = new TlvReader(f.payload).bytes(Tag.Nonce);
          return echo && echo.equals(nonce) ? 'done' : 'ignore'; // stale answer to an older HELLO
        },
        { timeoutMs, retryMs: interval, seq },
      );
      ack = frames[0];
    } catch (err) {
      if (err instanceof ProtocolError) versionError = err;
      else if (!(err instanceof TimeoutError)) throw err instanceof DeviceError ? this.deviceGone(err) : err;
    }
    if (versionError) throw new SyncError('version', `sync failed: ${versionError.message}`, 'rebuild and reflash the firmware with this version of paltls');
    if (!ack) throw this.classifySyncFailure(timeoutMs, this.bytesReceived - startBytes, this.framesReceived - startFrames);
    let id: DeviceIdentity;
    try {
      id = parseIdentity(ack);
    } catch (err) {
      throw new SyncError('version', `sync failed: malformed HELLO_ACK: ${(err as Error).message}`, 'rebuild and reflash the firmware with this version of paltls');
    }
    this.identity = id;
    if (id.protocol !== PROTOCOL_VERSION) {
      throw new SyncError('version', `device speaks protocol v${id.protocol}, host v${PROTOCOL_VERSION}`, 'rebuild/reflash the firmware from this checkout');
    }
    if (options.expectedBoard && id.board !== options.expectedBoard) {
      throw new SyncError('wrong-board', `device reports board '${id.board}', expected '${options.expectedBoard}'`, 'check --board and --port');
    }
    if (options.expectedBuildId && id.buildId !== options.expectedBuildId) {
      throw new SyncError(
        'stale-build',
        `device runs build ${id.buildId}, but the image just built is ${options.expectedBuildId}`,
        'the device was not (re)flashed with the new image: run `paltls flash` or check the flash runner and --port',
      );
    }
    return id;
  }

  private deviceGone(err: DeviceError): SyncError {
    return new SyncError('no-device', `sync failed: ${err.message}`, 'the device process/line closed before answering; see the device log above');
  }

  private classifySyncFailure(timeoutMs: number, bytes: number, frames: number): SyncError {
    const s = this.parser.stats;
    if (bytes === 0) {
      return new SyncError(
        'no-device',
        `sync failed: no byte received from ${this.transport.description} in ${timeoutMs} ms`,
        'is the device powered, flashed and on this port? For USB boards check `paltls boards`; try a reset',
      );
    }
    if (frames === 0 && (s.headerErrors + s.crcErrors > 0 || this.looksLikeGarbage())) {
      return new SyncError(
        'garbage',
        `sync failed: ${bytes} bytes received but no valid frame (${s.headerErrors} bad headers, ${s.crcErrors} CRC errors)`,
        'wrong baud rate or wrong port? Check console.baud in the board file and --port',
      );
    }
    return new SyncError(
      'no-reply',
      `sync failed: the device sent ${bytes} bytes (${frames} frames) but never answered HELLO in ${timeoutMs} ms`,
      'is the paltls agent running on the device (not another firmware, not stuck in a bootloader)? See the device log in the transcript',
    );
  }

  private looksLikeGarbage(): boolean {
    // Called only when no frame came: inspect the transcript's recent rx text for non-printables.
    const rx = this.transcript.entries.filter((e) => e.dir === 'rx').slice(-20).map((e) => e.text).join('');
    const bad = rx.replace(/[\x20-\x7e]/g, '').length;
    return rx.length > 0 ? bad / rx.length > 0.2 || /\\u00[89a-f][0-9a-f]/.test(rx) : true;
  }

  async list(): Promise<ManifestCase[]> {
    const frames = await this.request(
      MsgType.List,
      Buffer.alloc(0),
      (f) => (f.type === MsgType.CaseInfo ? 'more' : f.type === MsgType.ListEnd ? 'done' : 'ignore'),
      // Retransmitted only while nothing came back; a duplicate answer after LIST_END is a late reply.
      { timeoutMs: 5000, retryMs: 1000 },
    );
    const cases: ManifestCase[] = [];
    let end: TlvReader | undefined;
    for (const f of frames) {
      const r = new TlvReader(f.payload);
      if (f.type === MsgType.ListEnd) end = r;
      else cases.push({ index: r.uint(Tag.Index) ?? cases.length, name: r.str(Tag.Name) ?? '', needs: r.uint(Tag.Needs) ?? 0 });
    }
    const crc = manifestCrc(cases);
    if (!end || end.uint(Tag.Count) !== cases.length || end.uint(Tag.ManifestCrc) !== crc) {
      throw new SyncError('manifest', `manifest transfer inconsistent: got ${cases.length} cases, device announced ${end?.uint(Tag.Count)}`);
    }
    if (this.identity && (this.identity.caseCount !== cases.length || this.identity.manifestCrc !== crc)) {
      throw new SyncError('manifest', 'manifest differs from the one announced in the sync handshake');
    }
    return cases;
  }

  async setEnv(key: string, value: Buffer | string): Promise<void> {
    const payload = new TlvWriter().str(Tag.Key, key).put(Tag.Value, typeof value === 'string' ? Buffer.from(value) : value).build();
    const r = await this.simple(MsgType.EnvSet, payload, MsgType.Ack);
    if ((r.int32(Tag.Status) ?? -1) !== 0) throw new ProtocolError(`device refused env ${key}: ${r.str(Tag.Message) ?? 'error'}`);
  }

  async clearEnv(): Promise<void> {
    await this.simple(MsgType.EnvClear, Buffer.alloc(0), MsgType.Ack);
  }

  async ping(timeoutMs = 2000): Promise<void> {
    await this.simple(MsgType.Ping, Buffer.from('ping'), MsgType.Pong, timeoutMs);
  }

  /** Runs one case. Never throws for device trouble: returns a timeout or crash outcome. */
  async runCase(name: string, timeoutMs: number): Promise<CaseOutcome> {
    const started = Date.now();
    const seq = this.nextSeq();
    const payload = new TlvWriter().str(Tag.Name, name).build();
    let sawStart = false;
    let fault: FaultReport | undefined;
    let rebooted = false;
    return new Promise<CaseOutcome>((resolve) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        clearTimeout(ackTimer);
        this.off('fault', onFault);
        this.off('boot', onBoot);
        this.off('close', onClose);
      };
      const crashed = (exit?: CloseInfo): void => {
        cleanup();
        this.cancel(seq);
        resolve({ kind: 'crash', elapsedMs: Date.now() - started, fault, exit, rebooted });
      };
      const onFault = (f: FaultReport): void => {
        fault = f;
        // Give the port a moment to exit/reboot; the close or boot event finishes the case.
        setTimeout(() => crashed(this.closedInfo), 300);
      };
      const onBoot = (): void => {
        rebooted = true;
        crashed();
      };
      const onClose = (info: CloseInfo): void => crashed(info);
      const timer = setTimeout(() => {
        cleanup();
        this.cancel(seq);
        resolve({ kind: 'timeout', elapsedMs: Date.now() - started });
      }, timeoutMs);
      // CASE_START acknowledges RUN; resend once if it does not come (the device replays, never
      // runs a case twice for the same sequence number).
      const ackTimer = setTimeout(() => {
        if (!sawStart && !this.closedInfo) {
          this.transcript.note(`no CASE_START for ${name}: retransmitting RUN`);
          try {
            this.send(MsgType.Run, seq, payload);
          } catch {
            /* handled by close */
          }
        }
      }, 2000);
      this.on('fault', onFault);
      this.on('boot', onBoot);
      this.on('close', onClose);
      if (this.closedInfo) return crashed(this.closedInfo);
      this.request(
        MsgType.Run,
        payload,
        (f) => {
          if (f.type === MsgType.CaseStart) {
            sawStart = true;
            return 'more';
          }
          return f.type === MsgType.CaseResult ? 'done' : 'ignore';
        },
        { timeoutMs: timeoutMs + 60000, seq },
      ).then(
        (frames) => {
          let report: CaseReport;
          try {
            report = parseCaseResult(frames[frames.length - 1]!.payload, name, Date.now() - started);
          } catch (err) {
            // The case ran and the device is still in sync: this case is an error, the run goes on.
            const message = `malformed CASE_RESULT from the device: ${(err as Error).message}`;
            this.transcript.note(`case ${name}: ${message}`);
            report = { name, status: 'error', durationMs: Date.now() - started, message, metrics: [] };
          }
          cleanup();
          resolve({ kind: 'result', report });
        },
        (err: Error) => {
          if (err instanceof ProtocolError) {
            cleanup();
            resolve({
              kind: 'result',
              report: { name, status: 'error', durationMs: Date.now() - started, message: err.message, metrics: [] },
            });
          }
          // DeviceError: handled by onClose; TimeoutError cannot happen before our own timer.
        },
      );
    });
  }
}
