// Running external tools (cmake, ninja, west) with their output kept for error messages.
import { spawn } from 'child_process';
import * as fs from 'fs';
import { BuildError, ConfigError } from '../errors';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  echo?: (line: string) => void;
  logFile?: string;
}

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const full = `${dir}/${cmd}`;
    try {
      fs.accessSync(full, fs.constants.X_OK);
      return full;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function requireTool(cmd: string, hint: string): void {
  if (!which(cmd)) throw new ConfigError(`'${cmd}' not found on PATH`, hint);
}

/** Runs a command to completion; throws BuildError with the last lines of output on failure. */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let partial = '';
    const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      out += text;
      log?.write(text);
      if (options.echo) {
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        lines.forEach((l) => options.echo!(l));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      log?.end();
      reject(new BuildError(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      log?.end();
      if (code === 0) resolve(out);
      else {
        const tail = out.trim().split('\n').slice(-25).join('\n');
        reject(new BuildError(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
      }
    });
  });
}
