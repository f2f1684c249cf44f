// Live progress on the terminal: "[n/N] name ... elapsed" while a case runs (redrawn in place
// on a TTY), one line per finished case, and a summary.
import { TestRecord, RunSummary } from './results';

const COLORS = { passed: '\x1b[32m', failed: '\x1b[31m', error: '\x1b[35m', skipped: '\x1b[33m', reset: '\x1b[0m', dim: '\x1b[2m' };

export class ConsoleReporter {
  private timer?: NodeJS.Timeout;
  private current?: { label: string; start: number };
  private readonly tty: boolean;
  private readonly color: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly quiet = false) {
    this.tty = Boolean(out.isTTY);
    this.color = this.tty && !process.env.NO_COLOR;
  }

  private paint(kind: keyof typeof COLORS, text: string): string {
    return this.color ? `${COLORS[kind]}${text}${COLORS.reset}` : text;
  }

  info(text: string): void {
    this.clearLine();
    this.out.write(text + '\n');
    this.redraw();
  }

  deviceLine(text: string): void {
    if (this.quiet) return;
    this.info(this.paint('dim', `  | ${text}`));
  }

  caseStart(index: number, total: number, id: string): void {
    const width = String(total).length;
    this.current = { label: `[${String(index).padStart(width)}/${total}] ${id}`, start: Date.now() };
    if (this.tty) {
      this.timer = setInterval(() => this.redraw(), 250);
      this.redraw();
    }
  }

  caseEnd(record: TestRecord): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const label = this.current?.label ?? record.id;
    this.current = undefined;
    this.clearLine();
    const status = this.paint(record.status, record.status.toUpperCase().padEnd(7));
    const msg = record.message && record.status !== 'passed' ? `  ${record.message}` : '';
    this.out.write(`${label}  ${status} ${(record.duration_ms / 1000).toFixed(2)}s${msg}\n`);
  }

  summary(s: RunSummary, totalMs: number, extra: string[] = []): void {
    this.clearLine();
    const parts = [
      this.paint('passed', `${s.passed} passed`),
      this.paint('failed', `${s.failed} failed`),
      this.paint('error', `${s.error} error`),
      this.paint('skipped', `${s.skipped} skipped`),
    ];
    this.out.write(`\n${parts.join(', ')} in ${(totalMs / 1000).toFixed(1)}s\n`);
    for (const line of extra) this.out.write(line + '\n');
  }

  private clearLine(): void {
    if (this.tty && this.current) this.out.write('\r\x1b[2K');
  }

  private redraw(): void {
    if (!this.tty || !this.current) return;
    const secs = ((Date.now() - this.current.start) / 1000).toFixed(1);
    this.out.write(`\r\x1b[2K${this.current.label}  ... ${secs}s`);
  }
}
