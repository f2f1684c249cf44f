// A byte-stream line to a device: a child process's stdio, a serial port, a QEMU pty.
import { EventEmitter } from 'events';

export interface TransportEvents {
  data: (chunk: Buffer) => void;
  /** Extra log stream of the device (native: the process's stderr). */
  log: (chunk: Buffer) => void;
  close: (info: CloseInfo) => void;
}

export interface CloseInfo {
  code: number | null;
  signal: string | null;
  reason: string;
}

export interface Transport {
  readonly description: string;
  write(data: Buffer): void;
  close(): Promise<void>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
}

/** Base with typed emit helpers. */
export abstract class TransportBase extends EventEmitter {
  protected emitData(chunk: Buffer): void {
    this.emit('data', chunk);
  }
  protected emitLog(chunk: Buffer): void {
    this.emit('log', chunk);
  }
  protected emitClose(info: CloseInfo): void {
    this.emit('close', info);
  }
}
