import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BoardRegistry } from '../src/boards/registry';
import { ConfigError } from '../src/errors';
import { ZephyrRunner } from '../src/boards/zephyrRunner';
import { repoRoot } from '../src/util/paths';

const schema = path.join(repoRoot(), 'boards', 'schema.json');

function tempRegistry(boards: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-boards-'));
  fs.copyFileSync(schema, path.join(dir, 'schema.json'));
  for (const [id, body] of Object.entries(boards)) {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'board.json'), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return dir;
}

const native = {
  id: 'native',
  title: 'Native',
  flavour: 'native',
  default: true,
  console: { baud: 115200 },
  network: { mode: 'host' },
  build: { dir: 'build', targets: ['paltls_agent_native'], image: 'paltls_agent_native' },
  run: { command: ['{image}'] },
};

const zephyr = {
  id: 'nrf9160dk',
  title: 'nRF9160 DK',
  flavour: 'zephyr',
  zephyr: { board: 'nrf9160dk/nrf9160/ns' },
  flash: { runner: 'nrfutil', probeOption: '--dev-id' },
  usb: [{ vid: '1366', pid: '1055' }],
  console: { baud: 115200 },
  network: { mode: 'lte' },
  build: { dir: 'build-nrf9160dk' },
};

function loadError(dir: string): ConfigError {
  try {
    BoardRegistry.load(dir);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  throw new Error('registry unexpectedly valid');
}

describe('board registry', () => {
  it('loads the repository boards; the default board comes from "default": true', () => {
    const reg = BoardRegistry.load();
    assert.ok(reg.boards.some((b) => b.id === 'native'));
    assert.equal(reg.boards.filter((b) => b.default).length, 1);
    assert.equal(reg.get(undefined).default, true);
  });

  it('accepts a zephyr board and finds it by id or by Zephyr target', () => {
    const reg = BoardRegistry.load(tempRegistry({ native, nrf9160dk: zephyr }));
    assert.equal(reg.get('nrf9160dk').flavour, 'zephyr');
    assert.equal(reg.get('nrf9160dk/nrf9160/ns').id, 'nrf9160dk');
  });

  it('names the file, the field and the allowed values in errors', () => {
    const err = loadError(tempRegistry({ native: { ...native, flavour: 'qemu', colour: 'red' } }));
    assert.match(err.message, /native[/\\]board\.json: \/flavour: must be one of "native", "baremetal-qemu", "zephyr"/);
    assert.match(err.message, /unknown field 'colour'/);
    assert.match(err.hint ?? '', /docs\/harness\.md/);
  });

  it('requires zephyr target and flash runner for zephyr boards', () => {
    const { zephyr: _z, flash: _f, ...bare } = zephyr;
    const err = loadError(tempRegistry({ native, nrf9160dk: bare }));
    assert.match(err.message, /missing required field 'zephyr'/);
    assert.match(err.message, /missing required field 'flash'/);
  });

  it('rejects malformed USB ids, bad JSON, id/directory mismatch and two defaults', () => {
    const err = loadError(
      tempRegistry({
        native,
        nrf9160dk: { ...zephyr, default: true, usb: [{ vid: '13666', pid: 'zz' }] },
        broken: '{ "id": ',
        other: { ...native, id: 'renamed', default: false },
      }),
    );
    assert.match(err.message, /\/usb\/0\/vid: must match pattern/);
    assert.match(err.message, /broken[/\\]board\.json: not valid JSON/);
    assert.match(err.message, /id 'renamed' must equal its directory name 'other'/);
    const err2 = loadError(tempRegistry({ native, nrf9160dk: { ...zephyr, default: true } }));
    assert.match(err2.message, /more than one board has "default": true \(native, nrf9160dk\)/);
  });

  it('unknown board ids list the known ones', () => {
    assert.throws(() => BoardRegistry.load().get('nope'), (e: ConfigError) => /unknown board 'nope'/.test(e.message) && /native/.test(e.hint ?? ''));
  });

  it('builds west command lines from the registry (runner, probe option)', () => {
    const reg = BoardRegistry.load(tempRegistry({ native, nrf9160dk: zephyr }));
    const r = new ZephyrRunner(reg.get('nrf9160dk'), { probe: '960012345' });
    assert.deepEqual(r.westFlashArgs().slice(-5), ['-r', 'nrfutil', '--', '--dev-id', '960012345']);
    assert.deepEqual(r.westBuildArgs().slice(0, 3), ['build', '-b', 'nrf9160dk/nrf9160/ns']);
  });

  it('a missing west gives an actionable error', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      assert.throws(() => ZephyrRunner.requireWest(), (e: ConfigError) => /'west' not found/.test(e.message) && /west init/.test(e.hint ?? ''));
    } finally {
      process.env.PATH = saved;
    }
  });
});
