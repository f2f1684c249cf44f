// Per-run report state of `paltls test`: when each case started, the packets the host relayed
// during it (kept only until the case passes, written as captures/<case>.pcapng when it fails or
// with --capture all), what each failed case left (transcript, device output, peer log) and the
// report.html page built from all of it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrafficRecorder } from './capture/recorder';
import { CaseView, RunView, writeHtml } from './html';
import { RunResult, TestRecord } from './results';
import { Transcript, TranscriptEntry } from './transcript';

export type CaptureMode = 'failed' | 'all' | 'off';

export interface RunHeader {
  buildId: string;
  mbedtls: string;
  entropyTestOnly: boolean;
}

export class RunReporter {
  readonly recorder = new TrafficRecorder();
  private readonly cases: CaseView[] = [];
  private readonly started = Date.now();
  private caseStartedAt = this.started;

  constructor(private readonly resultsDir: string, readonly captureMode: CaptureMode = 'failed') {}

  get capturing(): boolean {
    return this.captureMode !== 'off';
  }

  caseStarted(id: string): void {
    this.caseStartedAt = Date.now();
    this.recorder.clear();
    this.recorder.annotate(`paltls case ${id}`);
  }

  /**
   * Records the finished case; writes its capture when it failed (or always with --capture all)
   * and returns the capture's path, if one was written.
   */
  caseEnded(record: TestRecord, failure?: { transcript: TranscriptEntry[]; peerLog: string; bundleDir: string }): string | undefined {
    const failed = record.status === 'failed' || record.status === 'error';
    let capture: string | undefined;
    if (this.capturing && (failed || this.captureMode === 'all')) {
      const file = path.join(this.resultsDir, 'captures', `${record.id}.pcapng`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (this.recorder.write(file, 0, `paltls ${record.id}: ${record.status}${record.message ? ` (${record.message})` : ''}`)) capture = file;
    }
    this.recorder.clear();
    const view: CaseView = { ...record, startMs: this.caseStartedAt - this.started, endMs: Date.now() - this.started };
    if (failure) {
      view.details = {
        transcript: Transcript.render(failure.transcript),
        deviceOutput: failure.transcript
          .filter((e) => e.dir === 'log')
          .map((e) => Transcript.format(e))
          .join('\n'),
        peerLog: failure.peerLog,
        bundle: path.relative(this.resultsDir, failure.bundleDir),
        capture: capture ? path.relative(this.resultsDir, capture) : undefined,
      };
    }
    this.cases.push(view);
    return capture;
  }

  /** report.html in the results directory, and a copy at `extra` (--html FILE) if given. */
  write(result: RunResult, header: RunHeader, extra?: string): string {
    const view: RunView = {
      board: result.board,
      buildId: header.buildId,
      mbedtls: header.mbedtls,
      entropy: header.entropyTestOnly ? 'TEST-ONLY: the host-injected seed is the only entropy' : 'device entropy source (not test-only)',
      host: `${os.hostname()} (${os.platform()} ${os.release()}, node ${process.version})`,
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      command: ['paltls', ...process.argv.slice(2)].join(' '),
      summary: result.summary,
      cases: this.cases,
    };
    const file = path.join(this.resultsDir, 'report.html');
    writeHtml(file, view);
    if (extra) {
      // Links in the page are relative to the results directory; a copy elsewhere gets absolute ones.
      const abs: RunView = {
        ...view,
        cases: view.cases.map((c) =>
          c.details
            ? {
                ...c,
                details: {
                  ...c.details,
                  bundle: c.details.bundle && path.join(this.resultsDir, c.details.bundle),
                  capture: c.details.capture && path.join(this.resultsDir, c.details.capture),
                },
              }
            : c,
        ),
      };
      writeHtml(path.resolve(extra), path.resolve(path.dirname(extra)) === this.resultsDir ? view : abs);
    }
    return file;
  }
}
