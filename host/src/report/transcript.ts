// Two-way, timestamped record of everything on the device line (frames decoded, log text as
// is), the device log stream and harness notes. Sliceable per case for failure bundles.
import * as fs from 'fs';

export type TranscriptDir = 'tx' | 'rx' | 'log' | 'note';

export interface TranscriptEntry {
  at: number; // ms since the transcript started
  wall: string; // ISO time
  dir: TranscriptDir;
  text: string;
}

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly t0 = Date.now();
  private stream?: fs.WriteStream;

  constructor(file?: string) {
    if (file) this.stream = fs.createWriteStream(file, { flags: 'a' });
  }

  add(dir: TranscriptDir, text: string): void {
    const now = Date.now();
    const entry: TranscriptEntry = { at: now - this.t0, wall: new Date(now).toISOString(), dir, text };
    this.entries.push(entry);
    this.stream?.write(Transcript.format(entry) + '\n');
  }

  note(text: string): void {
    this.add('note', text);
  }

  mark(): number {
    return this.entries.length;
  }

  slice(from: number, to = this.entries.length): TranscriptEntry[] {
    return this.entries.slice(from, to);
  }

  static format(e: TranscriptEntry): string {
    const dir = { tx: 'TX ', rx: 'RX ', log: 'LOG', note: '-- ' }[e.dir];
    return `${e.wall} +${(e.at / 1000).toFixed(3).padStart(9)} ${dir} ${e.text}`;
  }

  static render(entries: TranscriptEntry[]): string {
    return entries.map((e) => Transcript.format(e)).join('\n') + (entries.length ? '\n' : '');
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    return new Promise((resolve) => (s ? s.end(() => resolve()) : resolve()));
  }
}
