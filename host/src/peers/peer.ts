// Test peers: one paltls_peer process serving every profile a run needs, each on its own free
// port (TCP for TLS and UDP for DTLS share the number). Its log is kept with timestamps so the
// lines of one case can be saved with that case's failure bundle.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../util/paths';
import { PeerError } from '../errors';
import { onTeardown } from '../util/cleanup';

export const PEER_PROFILES = ['default', 'expired', 'future', 'unrelated', 'badku', 'liar', 'silent'] as const;
export type PeerProfile = (typeof PEER_PROFILES)[number];

export interface PeerOptions {
  binary?: string;
  pkiDir?: string;
  bindHost?: string;
  profiles?: readonly string[];
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface PeerLogLine {
  at: number;
  text: string;
}

export function defaultPeerBinary(): string {
  return path.join(repoRoot(), 'build', 'paltls_peer');
}

export function defaultPkiDir(): string {
  return path.join(repoRoot(), 'build', 'pki');
}

export class PeerProcess {
  readonly ports = new Map<string, number>();
  readonly log: PeerLogLine[] = [];
  private child?: ChildProcess;
  private removeTeardown?: () => void;
  exited?: string;

  constructor(private readonly options: PeerOptions = {}) {}

  get running(): boolean {
    return this.child !== undefined && this.exited === undefined;
  }

  async start(): Promise<Map<string, number>> {
    const binary = this.options.binary ?? defaultPeerBinary();
    const pki = this.options.pkiDir ?? defaultPkiDir();
    if (!fs.existsSync(binary)) {
      throw new PeerError(`test peer not built: ${binary}`, 'run `npx paltls build --board native` (or `ninja -C build paltls_peer`)');
    }
    if (!fs.existsSync(path.join(pki, 'ca.der'))) {
      throw new PeerError(`test PKI missing in ${pki}`, 'run `ninja -C build paltls_pki` (tests/pki/gen-pki.sh)');
    }
    const profiles = this.options.profiles ?? PEER_PROFILES;
    const args = ['--pki', pki, '--exit-on-stdin-eof'];
    if (this.options.bindHost) args.push('--host', this.options.bindHost);
    for (const p of profiles) args.push('--listen', p);
    args.push(...(this.options.extraArgs ?? []));
    this.ports.clear();
    this.exited = undefined;
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.removeTeardown = onTeardown(() => child.kill('SIGKILL'));
    const t0 = Date.now();
    let errText = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) this.log.push({ at: Date.now(), text: line });
      errText += chunk.toString('utf8');
    });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new PeerError(`paltls_peer did not become ready in ${this.options.startTimeoutMs ?? 10000} ms:\n${errText}`));
      }, this.options.startTimeoutMs ?? 10000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const line of lines) {
          this.log.push({ at: Date.now(), text: `[stdout] ${line}` });
          const m = /^READY (\S+)(?: (\d+))?$/.exec(line.trim());
          if (!m) continue;
          if (m[1] === 'all') {
            clearTimeout(timer);
            this.log.push({ at: Date.now(), text: `[paltls] peer ready in ${Date.now() - t0} ms` });
            resolve(new Map(this.ports));
          } else this.ports.set(m[1]!, Number(m[2]));
        }
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new PeerError(`cannot start ${binary}: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        this.exited = signal ?? `exit ${code}`;
        this.log.push({ at: Date.now(), text: `[paltls] peer exited (${this.exited})` });
        clearTimeout(timer);
        this.removeTeardown?.();
        reject(new PeerError(`paltls_peer exited (${this.exited}) before it was ready:\n${errText.trim()}`, 'check the arguments and the PKI directory'));
      });
    });
  }

  linesSince(at: number): string {
    return this.log
      .filter((l) => l.at >= at)
      .map((l) => `${new Date(l.at).toISOString()} ${l.text}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || this.exited !== undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin!.end();
      child.kill('SIGTERM');
    });
    this.removeTeardown?.();
  }
}
