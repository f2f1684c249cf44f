// Process and port helpers shared by the interop matrix, the fault-injection cases and the soak
// runner. Every wait is bounded; every process we start is killed by its own pid.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A port number free for both TCP and UDP on 127.0.0.1 (bounded number of attempts).
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address();
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free TCP+UDP port after 50 attempts');
}

// Starts a long-running process; `ready` resolves when `readyPattern` shows up on stdout or
// stderr, and rejects when the process exits first or `readyMs` passes.
export function startProcess(command, args, { readyPattern, readyMs = 10000, cwd, env } = {}) {
  const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  const listeners = [];
  let exited = null;
  const onData = (stream) => (chunk) => {
    output[stream] += chunk.toString('latin1');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData('stdout'));
  child.stderr.on('data', onData('stderr'));
  child.stdin.on('error', () => {});
  const exitPromise = new Promise((resolve) => {
    child.on('error', (error) => {
      output.stderr += `spawn error: ${error.message}\n`;
      exited = { code: 127, signal: null };
      for (const listener of listeners) listener();
      resolve(exited);
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const listener of listeners) listener();
      resolve(exited);
    });
  });
  const waitFor = (predicate, ms) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms`));
      }, ms);
      const check = () => {
        if (predicate()) {
          cleanup();
          resolve(true);
        } else if (exited) {
          cleanup();
          reject(new Error(`exited (code ${exited.code}, signal ${exited.signal})`));
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        const index = listeners.indexOf(check);
        if (index >= 0) listeners.splice(index, 1);
      };
      listeners.push(check);
      check();
    });
  const ready = readyPattern
    ? waitFor(() => readyPattern.test(output.stdout) || readyPattern.test(output.stderr), readyMs)
    : Promise.resolve(true);
  ready.catch(() => {});
  return {
    child,
    output,
    ready,
    exit: exitPromise,
    // Resolves true when pattern appears (stdout or stderr), false on timeout or exit.
    waitOutput: (pattern, ms) =>
      waitFor(() => pattern.test(output.stdout) || pattern.test(output.stderr), ms).then(
        () => true,
        () => false,
      ),
    write: (text) => {
      if (!child.stdin.destroyed) child.stdin.write(text);
    },
    async stop(graceMs = 1000) {
      if (exited) return exited;
      if (!child.stdin.destroyed) child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, graceMs);
      const result = await exitPromise;
      clearTimeout(timer);
      return result;
    },
  };
}

// Runs a process to completion, killed after timeoutMs (SIGKILL). Resolves with code, output
// and whether the bound was hit.
export async function runProcess(command, args, { timeoutMs = 30000, cwd, env, input } = {}) {
  const started = Date.now();
  const proc = startProcess(command, args, { cwd, env });
  if (input !== undefined) proc.write(input);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.child.kill('SIGKILL');
  }, timeoutMs);
  const { code, signal } = await proc.exit;
  clearTimeout(timer);
  return { code, signal, timedOut, stdout: proc.output.stdout, stderr: proc.output.stderr, ms: Date.now() - started };
}

// The last JSON object line printed by paltls_interop (or null).
export function lastJson(text) {
  const lines = text.split('\n').filter((line) => line.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {
      /* not JSON: keep looking */
    }
  }
  return null;
}

export function parseArgs(argv, defaults) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const key = arg.slice(2);
    if (typeof options[key] === 'boolean') {
      options[key] = true;
    } else {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      options[key] = argv[++i];
    }
  }
  return options;
}
