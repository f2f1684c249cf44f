// firmware/sample.yaml, the application's twister definition: checked against the keys of Zephyr's
// twister schema (scripts/schemas/twister/testsuite-schema.yaml, a pykwalify schema; the subset
// written below as JSON Schema, source commit in docs/zephyr-verification.md), against the board
// registry, and its console-harness regex against the ready line the real agent prints.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { BoardRegistry } from '../src/boards/registry';
import { repoRoot } from '../src/util/paths';
import { zephyrBoardFileStem } from '../src/boards/zephyr';

const ROOT = repoRoot();

/** The scenario keys this project uses, typed as the twister schema types them. */
const scenario = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tags: { type: 'array', items: { type: 'string' } },
    platform_allow: { type: 'array', items: { type: 'string' } },
    integration_platforms: { type: 'array', items: { type: 'string' } },
    harness: { type: 'string', enum: ['console'] },
    harness_config: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: ['one_line', 'multi_line'] },
        ordered: { type: 'boolean' },
        regex: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
    },
    extra_args: { type: 'array', items: { type: 'string' } },
    extra_configs: { type: 'array', items: { type: 'string' } },
    build_only: { type: 'boolean' },
    sysbuild: { type: 'boolean' },
    min_ram: { type: 'integer' },
    timeout: { type: 'integer' },
  },
};

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['tests'],
  properties: {
    sample: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string' }, description: { type: 'string' } },
    },
    common: scenario,
    tests: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-zA-Z0-9_.]+$' }, additionalProperties: scenario },
  },
};

interface Scenario {
  tags?: string[];
  platform_allow?: string[];
  harness?: string;
  harness_config?: { type?: string; regex?: string[] };
  sysbuild?: boolean;
}
interface SampleYaml {
  common: Scenario;
  tests: Record<string, Scenario>;
}

function loadSample(): SampleYaml {
  return yaml.load(fs.readFileSync(path.join(ROOT, 'firmware', 'sample.yaml'), 'utf8')) as SampleYaml;
}

/** CONFIG_PALTLS_BOARD_ID of a board target, from its firmware/boards/<stem>.conf. */
function boardIdInConf(target: string): string | undefined {
  const conf = fs.readFileSync(path.join(ROOT, 'firmware', 'boards', `${zephyrBoardFileStem(target)}.conf`), 'utf8');
  return /^CONFIG_PALTLS_BOARD_ID="([^"]+)"$/m.exec(conf)?.[1];
}

/** First line the native agent writes on its serial line (stdout): the ready banner. */
function nativeReadyLine(agent: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(agent, [], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      const end = out.indexOf('\r\n');
      if (end >= 0) {
        child.kill();
        resolve(out.slice(0, end));
      }
    });
    child.on('error', reject);
    child.on('exit', () => reject(new Error(`agent exited before its ready line: ${JSON.stringify(out)}`)));
  });
}

describe('firmware/sample.yaml (twister)', () => {
  const doc = loadSample();
  const zephyrBoards = BoardRegistry.load().boards.filter((b) => b.flavour === 'zephyr');

  it('uses only keys of the twister schema, with its types', () => {
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.ok(validate(doc), JSON.stringify(validate.errors));
  });

  it('a typo in a key is caught by that check', () => {
    const validate = new Ajv().compile(schema);
    assert.ok(!validate({ tests: { 'paltls.x': { platform_alow: ['mps2/an385'] } } }));
    assert.ok(!validate({ tests: { 'paltls.x': { harness: 'console', harness_config: { type: 'one_line', regexp: ['x'] } } } }));
  });

  it('one scenario per Zephyr board of the registry, allowed on exactly that board target', () => {
    const allowed = Object.values(doc.tests).map((t) => t.platform_allow ?? []);
    assert.ok(allowed.every((a) => a.length === 1));
    assert.deepEqual(allowed.map((a) => a[0]).sort(), zephyrBoards.map((b) => b.zephyr!.board).sort());
    for (const b of zephyrBoards) {
      const [, t] = Object.entries(doc.tests).find(([, s]) => s.platform_allow?.[0] === b.zephyr!.board)!;
      assert.equal(Boolean(t.sysbuild), (b.zephyr!.westBuildArgs ?? []).includes('--sysbuild'), b.id);
    }
  });

  it('console harness: one line, waited for by its regex', () => {
    assert.equal(doc.common.harness, 'console');
    assert.equal(doc.common.harness_config?.type, 'one_line');
    assert.equal(doc.common.harness_config?.regex?.length, 1);
  });

  it("the regex matches the agent's real ready line with each board's id", async function () {
    const agent = path.join(ROOT, 'build', 'paltls_agent_native');
    if (!fs.existsSync(agent)) {
      console.log(`      (skipped: native build absent; run: cmake -S . -B build -G Ninja && ninja -C build paltls_agent_native)`);
      this.skip();
    }
    const line = await nativeReadyLine(agent);
    assert.match(line, /^paltls agent: board=native /);
    // Twister searches each console line with Python's re.search; these constructs mean the same in JS.
    const regex = new RegExp(doc.common.harness_config!.regex![0]!);
    assert.ok(!regex.test(line), 'the native board id is not a Zephyr one');
    for (const b of zephyrBoards) {
      const id = boardIdInConf(b.zephyr!.board);
      assert.equal(id, b.id, `CONFIG_PALTLS_BOARD_ID in the board file of ${b.zephyr!.board}`);
      const zephyrLine = line.replace('board=native ', `board=${id} `);
      assert.ok(regex.test(zephyrLine), `${regex} does not match ${zephyrLine}`);
      assert.ok(!regex.test(zephyrLine.replace(/ protocol=\d+/, '')), 'the regex requires the whole banner');
    }
  });
});
