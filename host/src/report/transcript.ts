// Two-way, timestamped record of everything on the device line (frames decoded, log text as
// is), the device log stream and harness notes. Sliceable per case for failure bundles.
// Everything goes to the file; memory keeps only the newest entries (soak runs send hundreds of
// thousands of frames), so a bundle of a very long case says what it left out.
import * as fs from 'fs';

export type TranscriptDir = 'tx' | 'rx' | 'log' | 'note';

export interface TranscriptEntry {
  at: number; // ms since the transcript started
  wall: string; // ISO time
  dir: TranscriptDir;
  text: string;
}

export interface TranscriptOptions {
  /** Entries kept in memory (default 20000); older ones are only in the file. */
  keep?: number;
}

export class Transcript {
  /** The newest entries (at most 1.5 x keep); mark() and slice() count from the first entry ever. */
  readonly entries: TranscriptEntry[] = [];
  private readonly t0 = Date.now();
  private stream?: fs.WriteStream;
  private readonly keep: number;
  private dropped = 0;

  constructor(
    private readonly file?: string,
    options: TranscriptOptions = {},
  ) {
    this.keep = Math.max(1, options.keep ?? 20000);
    if (file) this.stream = fs.createWriteStream(file, { flags: 'a' });
  }

  add(dir: TranscriptDir, text: string): void {
    const now = Date.now();
    const entry: TranscriptEntry = { at: now - this.t0, wall: new Date(now).toISOString(), dir, text };
    this.entries.push(entry);
    this.stream?.write(Transcript.format(entry) + '\n');
    // Trim in batches: one splice per keep/2 entries keeps add() O(1) amortised.
    if (this.entries.length > this.keep + Math.ceil(this.keep / 2)) {
      const n = this.entries.length - this.keep;
      this.entries.splice(0, n);
      this.dropped += n;
    }
  }

  note(text: string): void {
    this.add('note', text);
  }

  /** Position of the next entry, counted from the first entry ever added. */
  mark(): number {
    return this.dropped + this.entries.length;
  }

  /** Entries from mark `from` to mark `to`; those no longer in memory are summarised in one note. */
  slice(from: number, to = this.mark()): TranscriptEntry[] {
    const kept = this.entries.slice(Math.max(0, from - this.dropped), Math.max(0, to - this.dropped));
    const lost = Math.min(to, this.dropped) - from;
    if (lost <= 0) return kept;
    const first = kept[0] ?? this.entries[0];
    const where = this.file ? `the full transcript is in ${this.file}` : 'no transcript file was written';
    const note: TranscriptEntry = { at: first?.at ?? 0, wall: first?.wall ?? new Date().toISOString(), dir: 'note', text: `(${lost} earlier entries not kept in memory; ${where})` };
    return [note, ...kept];
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
