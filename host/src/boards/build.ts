// Building images with CMake + Ninja, and where a CMake board's image and build id are.
import * as fs from 'fs';
import * as path from 'path';
import { Board } from './registry';
import { requireTool, run } from '../util/exec';
import { repoRoot } from '../util/paths';

export async function cmakeBuild(dir: string, source: string, targets: string[], extraArgs: string[], echo?: (l: string) => void): Promise<void> {
  requireTool('cmake', 'install it with ./scripts/setup (Debian package cmake)');
  requireTool('ninja', 'install it with ./scripts/setup (Debian package ninja-build)');
  const root = repoRoot();
  const buildDir = path.resolve(root, dir);
  if (!fs.existsSync(path.join(buildDir, 'build.ninja'))) {
    await run('cmake', ['-S', path.resolve(root, source), '-B', buildDir, '-G', 'Ninja', ...extraArgs], { cwd: root, echo });
  }
  await run('ninja', ['-C', buildDir, ...targets], { cwd: root, echo });
}

/** The native build always provides the peer and the PKI, whatever the board. */
export async function buildHostTools(echo?: (l: string) => void): Promise<void> {
  await cmakeBuild('build', '.', ['paltls_peer', 'paltls_pki'], [], echo);
}

/** Runs the board's CMake build (registry build section). */
export async function buildBoard(board: Board, echo?: (l: string) => void): Promise<void> {
  const b = board.build;
  await cmakeBuild(b.dir, b.source ?? '.', b.targets ?? [], b.cmakeArgs ?? [], echo);
}

export function boardBuildDir(board: Board): string {
  return path.resolve(repoRoot(), board.build.dir);
}

export function boardImage(board: Board): string {
  return path.resolve(boardBuildDir(board), board.build.image ?? '');
}

/** The build id the build wrote to build.idFile, when there is one. */
export function builtId(board: Board): string | undefined {
  const f = board.build.idFile;
  if (!f) return undefined;
  const file = path.resolve(boardBuildDir(board), f);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/** A registry command line with {image}, {build}, {root} (or any given variable) substituted. */
export function substitute(args: string[], vars: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
}
