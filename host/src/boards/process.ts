// Emulator processes and their serial ptys: QEMU (bare metal, and Zephyr's `west build -t run`)
// is started with its UART on a pty, prints "char device redirected to /dev/pts/N", and is
// reached through that pty with serialport exactly like a USB board. Nothing started here
// outlives the CLI (teardown on exit and Ctrl-C).
import { ChildProcess } from 'child_process';
import { SerialPort } from 'serialport';
import { DeviceError } from '../errors';
import { CloseInfo, Transport, TransportBase } from '../transport/transport';
import { onTeardown } from '../util/cleanup';

/** QEMU's announcement of a pty chardev (hw/char + chardev/char-pty.c). */
export const PTY_REDIRECT = /char device redirected to (\/dev\/\S+)/;

/** The newest output of a process (stdout and stderr interleaved), for error messages. */
export class OutputTail {
  private buf = '';

  /** Keeps at most `limit` characters; when over, drops the older half. */
  constructor(proc: ChildProcess, limit: number) {
    const collect = (chunk: Buffer): void => {
      this.buf += chunk.toString();
      if (this.buf.length > limit) this.buf = this.buf.slice(-Math.floor(limit / 2));
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
  }

  get text(): string {
    return this.buf;
  }
}

/** The errors a pty wait ends with, worded by the caller (which process, which hint). */
export interface PtyWaitErrors {
  timeout(output: string): Error;
  exit(code: number | null, output: string): Error;
  spawnError(err: Error): Error;
}

/** Resolves with the pty path once the process announces it; rejects on exit, spawn error or timeout. */
export function waitForPty(proc: ChildProcess, tail: OutputTail, timeoutMs: number, errors: PtyWaitErrors): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(errors.timeout(tail.text)), timeoutMs);
    const onData = (): void => {
      const m = PTY_REDIRECT.exec(tail.text);
      if (m) finish(undefined, m[1]!);
    };
    const onExit = (code: number | null): void => finish(errors.exit(code, tail.text));
    const onError = (err: Error): void => finish(errors.spawnError(err));
    function finish(err?: Error, pty?: string): void {
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      proc.stderr?.off('data', onData);
      proc.off('exit', onExit);
      proc.off('error', onError);
      if (err) reject(err);
      else resolve(pty!);
    }
    // Registered after the OutputTail's listeners, so the tail already holds the chunk.
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', onExit);
    proc.on('error', onError);
  });
}

export function openPty(ptyPath: string, baud: number): Promise<SerialPort> {
  return new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path: ptyPath, baudRate: baud, autoOpen: false });
    p.open((err) => (err ? reject(new DeviceError(`cannot open QEMU's pty ${ptyPath}: ${err.message}`)) : resolve(p)));
  });
}

export interface PtyTransportOptions {
  /** Shown in the transcript as the device line. */
  description: string;
  /** Applied to every host->guest write (e.g. QEMU mux escaping). */
  encode?: (data: Buffer) => Buffer;
}

/** The serial line of one emulator instance: its pty, closed (with a reason) when it exits. */
export class PtyTransport extends TransportBase implements Transport {
  readonly description: string;
  private closed = false;
  private readonly encode: (data: Buffer) => Buffer;

  constructor(
    private readonly port: SerialPort,
    readonly ptyPath: string,
    readonly proc: ChildProcess,
    options: PtyTransportOptions,
  ) {
    super();
    this.description = options.description;
    this.encode = options.encode ?? ((d) => d);
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    port.on('error', () => {
      /* EIO once QEMU is gone: reported by the exit handler */
    });
    port.on('close', () => this.finish({ code: null, signal: null, reason: `serial pty ${ptyPath} closed` }));
  }

  /** QEMU went away (crash of the emulator itself, or killed). */
  qemuExited(code: number | null, signal: string | null, stderr: string): void {
    const why = signal ? `killed by ${signal}` : `exit code ${code}`;
    this.finish({ code, signal, reason: `QEMU exited (${why})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    void this.closePort();
  }

  private finish(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.emitClose(info);
  }

  write(data: Buffer): void {
    if (this.closed) throw new DeviceError(`cannot write: ${this.description} is closed`);
    this.port.write(this.encode(data));
  }

  private closePort(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000); // never let a stuck close hold the run
      this.port.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.closePort();
  }
}

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/** SIGKILL on CLI exit or Ctrl-C; `group`: the whole process group (spawned with detached: true). */
export function killOnTeardown(proc: ChildProcess, group: boolean): () => void {
  return onTeardown(() => {
    if (!alive(proc) || proc.pid === undefined) return;
    if (!group) {
      proc.kill('SIGKILL');
      return;
    }
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
}

/** Kills a process and waits for its exit. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (!alive(proc)) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Kills a process started with `detached: true` together with its children (ninja, QEMU). */
export async function stopProcessGroup(proc: ChildProcess): Promise<void> {
  if (!alive(proc) || proc.pid === undefined) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
  });
}
