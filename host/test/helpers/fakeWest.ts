// A fake `west` for the Zephyr tests: an executable node script in a temp directory that appends
// {argv, cwd} as one JSON line to a log file and exits with a chosen code (FAKE_WEST_EXIT), after
// printing FAKE_WEST_STDERR to stderr. Prepend `dir` to PATH to make it "the" west.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface WestCall {
  argv: string[];
  cwd: string;
}

export class FakeWest {
  readonly dir: string;
  readonly log: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-fake-west-'));
    this.log = path.join(this.dir, 'calls.jsonl');
    const script = [
      `#!${process.execPath}`,
      "'use strict';",
      "const fs = require('fs');",
      `fs.appendFileSync(${JSON.stringify(this.log)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }) + '\\n');`,
      "if (process.env.FAKE_WEST_STDOUT) process.stdout.write(process.env.FAKE_WEST_STDOUT + '\\n');",
      "if (process.env.FAKE_WEST_STDERR) process.stderr.write(process.env.FAKE_WEST_STDERR + '\\n');",
      "process.exitCode = Number(process.env.FAKE_WEST_EXIT || '0');",
      '',
    ].join('\n');
    fs.writeFileSync(path.join(this.dir, 'west'), script, { mode: 0o755 });
  }

  /** PATH with the fake west first. */
  path(base = process.env.PATH ?? ''): string {
    return `${this.dir}${path.delimiter}${base}`;
  }

  calls(): WestCall[] {
    if (!fs.existsSync(this.log)) return [];
    return fs
      .readFileSync(this.log, 'utf8')
      .split('\n')
      .filter((l) => l)
      .map((l) => JSON.parse(l) as WestCall);
  }

  reset(): void {
    fs.rmSync(this.log, { force: true });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A PATH that has node's directory but no west anywhere. */
export function pathWithoutWest(): string {
  const keep = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d && !fs.existsSync(path.join(d, 'west')));
  return [path.dirname(process.execPath), ...keep].join(path.delimiter);
}
