// Pieces shared by the commands: board + runner resolution, device session setup, results dir.
import * as fs from 'fs';
import * as path from 'path';
import { Board, BoardRegistry } from '../boards/registry';
import { DeviceRunner, RunnerOptions } from '../boards/device';
import { createRunner } from '../boards/runner';
import { SocketBridge } from '../bridge/bridge';
import { DeviceIdentity, Session } from '../protocol/session';
import { TrafficRecorder } from '../report/capture/recorder';
import { Transcript } from '../report/transcript';
import { repoRoot } from '../util/paths';

export interface DeviceConnection {
  session: Session;
  identity: DeviceIdentity;
  bridge?: SocketBridge;
}

/** Every command's --board goes through the registry's one resolver (ids, targets, aliases). */
export function resolveBoard(id: string | undefined): Board {
  return BoardRegistry.load().resolve(id);
}

export function makeRunner(board: Board, options: RunnerOptions): DeviceRunner {
  return createRunner(board, options);
}

export function usesBridge(board: Board, forced?: boolean): boolean {
  return Boolean(forced) || board.network.mode === 'bridge';
}

/** Boots (or reboots) the device and syncs; the caller disposes the previous session. */
export async function connectDevice(
  runner: DeviceRunner,
  transcript: Transcript,
  options: { restart?: boolean; bridge?: boolean; onLine?: (line: string) => void; checkBuild?: boolean; tap?: TrafficRecorder },
): Promise<DeviceConnection> {
  const transport = options.restart ? await runner.restart() : await runner.start();
  transcript.note(`device line: ${transport.description}`);
  const session = new Session(transport, transcript);
  if (options.onLine) session.on('line', options.onLine);
  const bridge = options.bridge ? new SocketBridge(session, (t) => transcript.note(t), options.tap) : undefined;
  const t0 = Date.now();
  const identity = await session.sync({
    timeoutMs: (runner.board.run?.syncSeconds ?? 10) * 1000,
    expectedBoard: runner.board.id,
    expectedBuildId: options.checkBuild === false ? undefined : runner.expectedBuildId(),
  });
  transcript.note(`synced in ${Date.now() - t0} ms: board=${identity.board} build=${identity.buildId} mbedtls=${identity.mbedtls}`);
  return { session, identity, bridge };
}

export function newResultsDir(base: string | undefined, board: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
  const dir = base ? path.resolve(base) : path.join(repoRoot(), 'reports', `${stamp}-${board}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
