// A device that is a local process: its stdin/stdout are the serial line, stderr the log.
import { ChildProcess, spawn } from 'child_process';
import { DeviceError } from '../errors';
import { CloseInfo, Transport, TransportBase } from './transport';

export class ChildProcessTransport extends TransportBase implements Transport {
  private child: ChildProcess;
  private closed = false;
  private closeInfo?: CloseInfo;
  readonly description: string;

  constructor(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    super();
    this.description = `process ${[command, ...args].join(' ')}`;
    this.child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.emitData(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.emitLog(chunk));
    this.child.stdin!.on('error', () => {
      /* EPIPE after the device died: reported through 'close' */
    });
    this.child.on('error', (err) => this.finish({ code: null, signal: null, reason: `cannot start ${command}: ${err.message}` }));
    this.child.on('exit', (code, signal) =>
      this.finish({ code, signal, reason: signal ? `device process killed by ${signal}` : `device process exited with code ${code}` }),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private finish(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.closeInfo = info;
    this.emitClose(info);
  }

  write(data: Buffer): void {
    if (this.closed) throw new DeviceError(`cannot write to the device: ${this.closeInfo?.reason ?? 'closed'}`);
    this.child.stdin!.write(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    this.child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }

  /** Hard stop (a hung device). */
  async kill(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}
