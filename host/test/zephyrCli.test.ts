// The Zephyr paths through the real CLI entry (node bin/paltls.js) with a fake `west` on PATH:
// exit codes, the error and hint lines a user sees, and the exact west command line.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../src/util/paths';
import { ExitCode } from '../src/errors';
import { FakeWest, pathWithoutWest } from './helpers/fakeWest';

const ROOT = repoRoot();
const CLI = path.join(ROOT, 'host', 'bin', 'paltls.js');

function paltls(args: string[], env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('Zephyr paths through the CLI (node bin/paltls.js, fake west)', () => {
  const west = new FakeWest();
  beforeEach(() => west.reset());
  after(() => west.remove());

  it('paltls flash --board zephyr-nucleo-h743zi --runner stm32cubeprogrammer --probe SN --no-build', () => {
    const r = paltls(['flash', '--board', 'zephyr-nucleo-h743zi', '--runner', 'stm32cubeprogrammer', '--probe', '066DFF535155878281', '--no-build'], {
      PATH: west.path(),
    });
    assert.equal(r.code, ExitCode.Ok, r.stderr);
    assert.match(r.stdout, /flashed zephyr-nucleo-h743zi/);
    assert.deepEqual(west.calls(), [
      {
        argv: ['flash', '-d', path.join(ROOT, 'build/zephyr-nucleo-h743zi'), '-r', 'stm32cubeprogrammer', '--skip-rebuild', '--', '--tool-opt=sn=066DFF535155878281'],
        cwd: ROOT,
      },
    ]);
  });

  it('without west on PATH: exit 4, the error line and the install hint', () => {
    const r = paltls(['flash', '--board', 'zephyr-nrf9160dk', '--probe', '960012345', '--no-build'], { PATH: pathWithoutWest() });
    assert.equal(r.code, ExitCode.Config);
    assert.match(r.stderr, /^paltls: error: 'west' not found on PATH$/m);
    assert.match(r.stderr, /^paltls: hint: the Zephyr flavour needs a west workspace: pip install west, then `west init -l` .*`west update`/m);
    assert.deepEqual(west.calls(), []);
  });

  it('west flash failing: exit 3 with west\'s stderr in the message', () => {
    const r = paltls(['flash', '--board', 'zephyr-nucleo-f429zi', '--probe', '0671FF3833554B3043164817', '--no-build'], {
      PATH: west.path(),
      FAKE_WEST_EXIT: '1',
      FAKE_WEST_STDERR: 'Error: libusb_open() failed with LIBUSB_ERROR_ACCESS\nFATAL ERROR: command exited with status 1',
    });
    assert.equal(r.code, ExitCode.Build);
    assert.match(r.stderr, /paltls: error: west flash -d \S+zephyr-nucleo-f429zi -r openocd --skip-rebuild -- --cmd-pre-init adapter serial 0671FF3833554B3043164817 failed \(exit 1\)/);
    assert.match(r.stderr, /LIBUSB_ERROR_ACCESS/);
    assert.equal(west.calls().length, 1);
  });

  it('--probe on the emulated board: exit 4 before west runs', () => {
    const r = paltls(['flash', '--board', 'zephyr-mps2-an385', '--probe', 'X1', '--no-build'], { PATH: west.path() });
    assert.equal(r.code, ExitCode.Config);
    assert.match(r.stderr, /runner qemu has no probe selection option, so --probe X1 cannot be honoured/);
    assert.match(r.stderr, /hint: zephyr-mps2-an385 runs in an emulator: drop --probe/);
    assert.deepEqual(west.calls(), []);
  });

  it('paltls test --board <usb board> --no-build: flashes, then reports that no serial port was found (exit 2)', () => {
    const results = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-zephyr-test-'));
    try {
      const r = paltls(['test', '--board', 'zephyr-nrf9160dk', '--runner', 'jlink', '--probe', '960012345', '--no-build', '--results', results], {
        PATH: west.path(),
        PALTLS_PORT_WAIT_MS: '200',
      });
      assert.equal(r.code, ExitCode.Infrastructure, r.stdout + r.stderr);
      assert.match(r.stderr, /paltls: error: no serial port found for zephyr-nrf9160dk \(USB 1366:1055, serial number 960012345\)/);
      assert.match(r.stderr, /paltls: hint: .*--port \/dev\/ttyACM0/);
      assert.deepEqual(west.calls(), [
        { argv: ['flash', '-d', path.join(ROOT, 'build/zephyr-nrf9160dk'), '-r', 'jlink', '--skip-rebuild', '--', '--dev-id', '960012345'], cwd: ROOT },
      ]);
    } finally {
      fs.rmSync(results, { recursive: true, force: true });
    }
  });

  it('paltls test --no-flash does not call west flash', () => {
    const results = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-zephyr-test-'));
    try {
      const r = paltls(['test', '--board', 'zephyr-nucleo-f429zi', '--no-build', '--no-flash', '--results', results], { PATH: west.path(), PALTLS_PORT_WAIT_MS: '100' });
      assert.equal(r.code, ExitCode.Infrastructure);
      assert.match(r.stderr, /no serial port found for zephyr-nucleo-f429zi/);
      assert.deepEqual(west.calls(), []);
    } finally {
      fs.rmSync(results, { recursive: true, force: true });
    }
  });
});
