// Board registry: boards/<id>/board.json, validated against boards/schema.json.
import Ajv, { ErrorObject } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../errors';
import { repoRoot } from '../util/paths';

export type Flavour = 'native' | 'baremetal-qemu' | 'zephyr';
export type NetworkMode = 'host' | 'bridge' | 'qemu-user' | 'ethernet' | 'lte';

export interface BoardUsb {
  vid: string;
  pid: string;
  interface?: number;
  probe?: string;
}

/** A west flash runner; probeArgs take the probe serial as `{probe}` (see host/src/boards/zephyr.ts). */
export interface FlashSpec {
  runner: string;
  probeOption?: string;
  probeArgs?: string[];
  extraArgs?: string[];
}

export interface Board {
  id: string;
  title: string;
  flavour: Flavour;
  default?: boolean;
  zephyr?: { board: string; boardFiles?: string[]; westBuildArgs?: string[] };
  flash?: FlashSpec & { alternatives?: FlashSpec[] };
  usb?: BoardUsb[];
  console: { baud: number };
  network: { mode: NetworkMode; peerHost?: string };
  build: {
    dir: string;
    system?: 'cmake' | 'west';
    source?: string;
    cmakeArgs?: string[];
    targets?: string[];
    image?: string;
    idFile?: string;
    bridgeImage?: string; // native boards: the agent with the socket bridge (--bridge)
    bridgeIdFile?: string;
  };
  run?: { command?: string[]; syncSeconds?: number; caseTimeoutSeconds?: number };
  notes?: string;
  /** Where it was loaded from (not part of the file). */
  file: string;
}

/**
 * Names a board could be called by: its id, the id without a leading `zephyr-`/`qemu-`
 * (`nrf9160dk`), the id's first word (`qemu`, `native`), its Zephyr board target
 * (`nucleo_f429zi`). `BoardRegistry.aliases` keeps those no other board claims.
 */
export function candidateAliases(board: Board): string[] {
  const id = board.id.toLowerCase();
  const names = [id, id.replace(/^(zephyr|qemu)-/, ''), id.split('-')[0]!];
  if (board.zephyr) names.push(board.zephyr.board.toLowerCase());
  return [...new Set(names.filter((n) => n !== ''))];
}

function formatAjvError(e: ErrorObject): string {
  const where = e.instancePath || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    case 'required':
      return `${where}: missing required field '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'enum':
      return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'if':
      return '';
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

export class BoardRegistry {
  private constructor(readonly boards: Board[], readonly dir: string) {}

  /** Loads and validates every boards/<id>/board.json; throws one ConfigError listing all problems. */
  static load(dir = path.join(repoRoot(), 'boards')): BoardRegistry {
    const schemaFile = path.join(dir, 'schema.json');
    if (!fs.existsSync(schemaFile)) throw new ConfigError(`board schema not found: ${schemaFile}`);
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const problems: string[] = [];
    const boards: Board[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const file = path.join(dir, entry.name, 'board.json');
      if (!fs.existsSync(file)) continue;
      const rel = path.relative(repoRoot(), file);
      let data: unknown;
      try {
        data = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`${rel}: not valid JSON: ${(err as Error).message}`);
        continue;
      }
      if (!validate(data)) {
        const msgs = [...new Set((validate.errors ?? []).map(formatAjvError).filter((m) => m))];
        problems.push(...msgs.map((m) => `${rel}: ${m}`));
        continue;
      }
      const board = { ...(data as Omit<Board, 'file'>), file };
      if (board.id !== entry.name) problems.push(`${rel}: id '${board.id}' must equal its directory name '${entry.name}'`);
      boards.push(board);
    }
    const defaults = boards.filter((b) => b.default);
    if (defaults.length > 1) {
      problems.push(`more than one board has "default": true (${defaults.map((b) => b.id).join(', ')}); keep exactly one`);
    }
    if (problems.length) {
      throw new ConfigError(`invalid board registry:\n  ${problems.join('\n  ')}`, `fix the files above (schema: ${path.relative(repoRoot(), schemaFile)}, fields in docs/harness.md)`);
    }
    if (boards.length === 0) throw new ConfigError(`no boards found in ${dir}`);
    return new BoardRegistry(boards, dir);
  }

  /** The one board resolver every command uses: `resolve(id)`. */
  get(id: string | undefined): Board {
    return this.resolve(id);
  }

  /**
   * A board from what a user types: nothing (the default board), a registry id, a Zephyr board
   * target, or a short alias (`boardAliases`). Case-insensitive. An alias two boards share is an
   * error naming both, never a guess.
   */
  resolve(spelling: string | undefined): Board {
    if (spelling === undefined) return this.boards.find((b) => b.default) ?? this.boards[0]!;
    const want = spelling.trim().toLowerCase();
    const exact = this.boards.find((b) => b.id === want || b.zephyr?.board.toLowerCase() === want);
    if (exact) return exact;
    const claimed = this.boards.filter((b) => candidateAliases(b).includes(want));
    if (claimed.length === 1) return claimed[0]!;
    if (claimed.length > 1) {
      throw new ConfigError(`ambiguous board '${spelling}': ${claimed.map((b) => b.id).join(', ')}`, 'give the full board id (see `paltls boards`)');
    }
    const known = this.boards.map((b) => (this.aliases(b).length ? `${b.id} (${this.aliases(b).join(', ')})` : b.id)).join(', ');
    throw new ConfigError(`unknown board '${spelling}'`, `known boards: ${known} (see \`paltls boards\`)`);
  }

  /** The short names that select this board and no other. */
  aliases(board: Board): string[] {
    const taken = (alias: string): boolean => this.boards.some((b) => b !== board && (b.id === alias || candidateAliases(b).includes(alias)));
    return candidateAliases(board).filter((a) => a !== board.id && !taken(a));
  }

  defaultBoard(): Board {
    return this.get(undefined);
  }
}
