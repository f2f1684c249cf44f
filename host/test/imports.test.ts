// The host's own import graph has no cycle (review row 8): every module of src/ and test/ is
// resolved by madge, and a cycle planted in a scratch directory is found (the check is live).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import madge from 'madge';
import * as os from 'os';
import * as path from 'path';

const HOST = path.resolve(__dirname, '..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

async function graph(dirs: string[]): Promise<madge.MadgeInstance> {
  return madge(dirs, { fileExtensions: ['ts'], tsConfig: path.join(HOST, 'tsconfig.json'), baseDir: HOST });
}

describe('host import graph', function () {
  this.timeout(60000);

  it('has no cycle in src/ and test/, type-only imports included', async () => {
    const dirs = [path.join(HOST, 'src'), path.join(HOST, 'test')];
    const res = await graph(dirs);
    const seen = Object.keys(res.obj());
    const expected = dirs.flatMap(tsFiles).map((f) => path.relative(HOST, f));
    assert.deepEqual(expected.filter((f) => !seen.includes(f)), [], 'modules madge did not read');
    assert.deepEqual(res.warnings().skipped, [], 'imports madge could not resolve');
    assert.deepEqual(res.circular(), []);
  });

  it('finds a planted cycle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a';\nexport const b = (): number => 1;\nexport type A = typeof a;\n");
      const res = await madge(dir, { fileExtensions: ['ts'] });
      assert.deepEqual(res.circular(), [['a.ts', 'b.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
