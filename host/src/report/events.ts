// JSON Lines event stream of a run (results dir/events.jsonl): board, build, sync, every case
// start/end, restarts, peer events. CI dashboards can follow it live; the JSON and JUnit
// reports are built from the same records.
import * as fs from 'fs';

export type RunEvent =
  | { event: 'run-start'; board: string; argv: string[] }
  | { event: 'build'; ok: boolean; ms: number }
  | { event: 'peer'; ports: Record<string, number> }
  | { event: 'sync'; board: string; build: string; mbedtls: string; cases: number; ms: number }
  | { event: 'case-start'; id: string; index: number; total: number }
  | { event: 'case-end'; id: string; status: string; duration_ms: number; message?: string }
  | { event: 'device-restart'; reason: string }
  | { event: 'run-end'; summary: Record<string, number>; exit: number };

export class EventLog {
  private fd?: number;
  constructor(file?: string) {
    if (file) this.fd = fs.openSync(file, 'a');
  }
  emit(ev: RunEvent): void {
    if (this.fd !== undefined) fs.writeSync(this.fd, JSON.stringify({ t: new Date().toISOString(), ...ev }) + '\n');
  }
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
