// The `paltls` launcher (bin/paltls.js) in the situations a user meets before the CLI proper
// runs: node modules older than the lock file (after a pull), and a pipe closed by the reader.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const HOST = path.resolve(__dirname, '..');

describe('paltls launcher', () => {
  it('asks for ./scripts/setup when the node modules are older than the lock file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-launcher-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.copyFileSync(path.join(HOST, 'bin', 'paltls.js'), path.join(dir, 'bin', 'paltls.js'));
      fs.writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), '{}');
      const later = new Date(Date.now() + 60_000);
      fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}');
      fs.utimesSync(path.join(dir, 'package-lock.json'), later, later);
      const run = spawnSync(process.execPath, [path.join(dir, 'bin', 'paltls.js'), 'boards'], { encoding: 'utf8' });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /run \.\/scripts\/setup/);
      assert.doesNotMatch(run.stderr, /Cannot find module|at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends quietly when the reader closes the pipe', () => {
    // `true` exits without reading, long before the CLI has started and writes.
    const run = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${path.join(HOST, 'bin', 'paltls.js')}" boards | true`], { encoding: 'utf8' });
    assert.doesNotMatch(run.stderr, /EPIPE/);
    assert.equal(run.status, 0);
  });
});
