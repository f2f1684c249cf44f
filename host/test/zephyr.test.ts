// Zephyr host paths against a fake `west` on PATH (host/test/helpers/fakeWest.ts): exact
// `west build` / `west flash` command lines for every Zephyr board and runner of the registry,
// probe selection, runner selection, and the errors a user meets. No Zephyr, no hardware.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SerialPort } from 'serialport';
import { findBoardPort, sameProbeSerial } from '../src/boards/detect';
import { Board, BoardRegistry } from '../src/boards/registry';
import { ZephyrRunner } from '../src/boards/zephyrRunner';
import { escapeQemuMux, flashRunners, zephyrBoardFileProblems, zephyrBoardFileStem, zephyrRunArgs } from '../src/boards/zephyr';
import { runFlash as runFlashCommand } from '../src/commands/misc';
import { BuildError, ConfigError, DeviceError, ExitCode, PaltlsError, PeerError } from '../src/errors';
import { peerPlan, pickLanAddress } from '../src/util/net';
import { repoRoot } from '../src/util/paths';
import { FakeWest, pathWithoutWest } from './helpers/fakeWest';

const ROOT = repoRoot();
const abs = (p: string): string => path.join(ROOT, p);
const SN = 'PROBE-SN-0001';

/**
 * Every Zephyr board: the exact build line. No board fragment or overlay on it: Zephyr applies
 * firmware/boards/<target, / as _>.conf and .overlay by itself, so this is what a Zephyr user types
 * (plus the PAL transport, always explicit).
 */
const BUILD: Record<string, string[]> = {
  'zephyr-mps2-an385': [
    'build', '-b', 'mps2/an385', '-d', abs('build/zephyr-mps2-an385'), '-p', 'auto', abs('firmware'), '--',
    '-DCONFIG_PALTLS_TRANSPORT_BRIDGE=y',
    '-DQEMU_PTY=1',
  ],
  'zephyr-nrf9160dk': [
    'build', '-b', 'nrf9160dk/nrf9160/ns', '-d', abs('build/zephyr-nrf9160dk'), '-p', 'auto', '--sysbuild', abs('firmware'), '--',
    '-Dfirmware_CONFIG_PALTLS_TRANSPORT_SOCKETS=y',
  ],
  'zephyr-nucleo-f429zi': [
    'build', '-b', 'nucleo_f429zi', '-d', abs('build/zephyr-nucleo-f429zi'), '-p', 'auto', abs('firmware'), '--',
    '-DCONFIG_PALTLS_TRANSPORT_SOCKETS=y',
  ],
  'zephyr-nucleo-h743zi': [
    'build', '-b', 'nucleo_h743zi', '-d', abs('build/zephyr-nucleo-h743zi'), '-p', 'auto', abs('firmware'), '--',
    '-DCONFIG_PALTLS_TRANSPORT_SOCKETS=y',
  ],
};

/** Every flashable Zephyr board x runner: [runner, probe arguments (after `--`)]; first = default. */
const FLASH: Record<string, [string, string[]][]> = {
  'zephyr-nrf9160dk': [
    ['nrfutil', ['--dev-id', SN]],
    ['nrfjprog', ['--dev-id', SN]],
    ['jlink', ['--dev-id', SN]],
  ],
  'zephyr-nucleo-f429zi': [
    ['openocd', ['--cmd-pre-init', `adapter serial ${SN}`]],
    ['jlink', ['--dev-id', SN]],
  ],
  'zephyr-nucleo-h743zi': [
    ['openocd', ['--cmd-pre-init', `adapter serial ${SN}`]],
    ['stm32cubeprogrammer', [`--tool-opt=sn=${SN}`]],
    ['jlink', ['--dev-id', SN]],
    ['pyocd', ['--dev-id', SN]],
  ],
};

function tempRegistry(boards: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-boards-'));
  fs.copyFileSync(path.join(ROOT, 'boards', 'schema.json'), path.join(dir, 'schema.json'));
  for (const [id, body] of Object.entries(boards)) {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'board.json'), JSON.stringify(body));
  }
  return dir;
}

async function rejects(p: Promise<unknown>): Promise<PaltlsError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PaltlsError, `expected a PaltlsError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('Zephyr boards: west command lines (fake west on PATH)', () => {
  const west = new FakeWest();
  const savedPath = process.env.PATH;
  const savedWrite = process.stdout.write.bind(process.stdout);
  let stdout = '';
  const reg = BoardRegistry.load();
  const zephyrBoards = reg.boards.filter((b) => b.flavour === 'zephyr');

  /** runFlash with its stdout captured (the mocha reporter keeps the real one). */
  const runFlash = async (opts: Parameters<typeof runFlashCommand>[0]): Promise<number> => {
    process.stdout.write = ((chunk: string | Uint8Array): boolean => {
      stdout += chunk.toString();
      return true;
    }) as typeof process.stdout.write;
    try {
      return await runFlashCommand(opts);
    } finally {
      process.stdout.write = savedWrite;
    }
  };

  beforeEach(() => {
    west.reset();
    stdout = '';
    process.env.PATH = west.path(savedPath);
    delete process.env.FAKE_WEST_EXIT;
    delete process.env.FAKE_WEST_STDERR;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });
  after(() => west.remove());

  it('the tables above cover every Zephyr board and every runner of the registry', () => {
    assert.deepEqual(zephyrBoards.map((b) => b.id).sort(), Object.keys(BUILD).sort());
    for (const b of zephyrBoards) {
      const runners = flashRunners(b).map((r) => r.runner);
      if (b.id === 'zephyr-mps2-an385') assert.deepEqual(runners, ['qemu']);
      else assert.deepEqual(runners, FLASH[b.id]!.map(([r]) => r), b.id);
    }
  });

  for (const [id, expected] of Object.entries(BUILD)) {
    it(`west build for ${id}`, async () => {
      await new ZephyrRunner(reg.get(id), {}).build();
      assert.deepEqual(west.calls(), [{ argv: expected, cwd: ROOT }]);
    });
  }

  it('no command line carries a board fragment or overlay (EXTRA_CONF_FILE / EXTRA_DTC_OVERLAY_FILE)', async () => {
    for (const b of zephyrBoards) await new ZephyrRunner(b, {}).build();
    const argv = west.calls().flatMap((c) => c.argv);
    assert.equal(west.calls().length, zephyrBoards.length);
    assert.deepEqual(argv.filter((a) => /EXTRA_CONF_FILE|EXTRA_DTC_OVERLAY_FILE|DTC_OVERLAY_FILE|CONF_FILE/.test(a)), []);
  });

  it('--conf passes the user\'s fragments as EXTRA_CONF_FILE, absolute, namespaced under sysbuild', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-conf-'));
    const a = path.join(dir, 'debug.conf');
    const b = path.join(dir, 'more.conf');
    fs.writeFileSync(a, 'CONFIG_MBEDTLS_DEBUG=y\n');
    fs.writeFileSync(b, 'CONFIG_PALTLS_MAX_TLS_CONTEXTS=2\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await new ZephyrRunner(reg.get('zephyr-nucleo-f429zi'), { conf: ['debug.conf', b] }).build();
      await new ZephyrRunner(reg.get('zephyr-nrf9160dk'), { conf: [a] }).build();
    } finally {
      process.chdir(cwd);
    }
    const [f429, nrf] = west.calls().map((c) => c.argv);
    assert.deepEqual(f429, [...BUILD['zephyr-nucleo-f429zi']!.slice(0, -1), `-DEXTRA_CONF_FILE=${a};${b}`, '-DCONFIG_PALTLS_TRANSPORT_SOCKETS=y']);
    assert.deepEqual(nrf, [...BUILD['zephyr-nrf9160dk']!.slice(0, -1), `-Dfirmware_EXTRA_CONF_FILE=${a}`, '-Dfirmware_CONFIG_PALTLS_TRANSPORT_SOCKETS=y']);
    const e = await rejects(new ZephyrRunner(reg.get('zephyr-nucleo-f429zi'), { conf: [path.join(dir, 'missing.conf')] }).build());
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /--conf: no such file: .*missing\.conf/);
    assert.equal(west.calls().length, 2, 'west must not run for a missing fragment');
  });

  it('board files: Zephyr names them after the target with / as _; the registry lists existing ones', () => {
    assert.equal(zephyrBoardFileStem('mps2/an385'), 'mps2_an385');
    assert.equal(zephyrBoardFileStem('nrf9160dk/nrf9160/ns'), 'nrf9160dk_nrf9160_ns');
    assert.equal(zephyrBoardFileStem('nucleo_f429zi'), 'nucleo_f429zi');
    for (const b of zephyrBoards) assert.deepEqual(zephyrBoardFileProblems(b), [], b.id);
    const wrong = { ...reg.get('zephyr-nrf9160dk') };
    wrong.zephyr = { board: 'nrf9160dk/nrf9160/ns', boardFiles: ['firmware/boards/nrf9160dk_ns.conf'] };
    assert.deepEqual(zephyrBoardFileProblems(wrong), [
      'board zephyr-nrf9160dk: firmware/boards/nrf9160dk_ns.conf is not named after nrf9160dk/nrf9160/ns (Zephyr looks for nrf9160dk_nrf9160_ns.conf/.overlay)',
      'board zephyr-nrf9160dk: firmware/boards/nrf9160dk_ns.conf does not exist',
    ]);
    const none = { ...reg.get('zephyr-nucleo-f429zi') };
    none.zephyr = { board: 'nucleo_f429zi' };
    assert.deepEqual(zephyrBoardFileProblems(none), ['board zephyr-nucleo-f429zi: no firmware/boards/nucleo_f429zi.conf in zephyr.boardFiles']);
  });

  it('sysbuild boards read the build id from the application image directory', () => {
    for (const b of zephyrBoards) {
      const sysbuild = (b.zephyr?.westBuildArgs ?? []).includes('--sysbuild');
      const imageDir = `${path.basename(b.build.source ?? 'firmware')}/`;
      assert.equal((b.build.idFile ?? '').startsWith(imageDir), sysbuild, b.id);
    }
  });

  it('--bridge builds the serial socket bridge transport (and back to sockets without it)', async () => {
    await new ZephyrRunner(reg.get('zephyr-nucleo-f429zi'), { bridge: true }).build();
    await new ZephyrRunner(reg.get('zephyr-nrf9160dk'), { bridge: true }).build();
    await new ZephyrRunner(reg.get('zephyr-nucleo-f429zi'), {}).build();
    const [f429Bridge, nrfBridge, f429] = west.calls().map((c) => c.argv.slice(-1)[0]);
    assert.equal(f429Bridge, '-DCONFIG_PALTLS_TRANSPORT_BRIDGE=y');
    assert.equal(nrfBridge, '-Dfirmware_CONFIG_PALTLS_TRANSPORT_BRIDGE=y');
    assert.equal(f429, '-DCONFIG_PALTLS_TRANSPORT_SOCKETS=y');
  });

  for (const [id, runners] of Object.entries(FLASH)) {
    for (const [runner, probeArgs] of runners) {
      const isDefault = runner === runners[0]![0];
      it(`paltls flash --board ${id}${isDefault ? '' : ` --runner ${runner}`} [--probe]`, async () => {
        const base = ['flash', '-d', abs(`build/${id}`), '-r', runner];
        const runnerOpt = isDefault ? undefined : runner;
        assert.equal(await runFlash({ board: id, runner: runnerOpt, build: false }), ExitCode.Ok);
        assert.equal(await runFlash({ board: id, runner: runnerOpt, probe: SN, build: false }), ExitCode.Ok);
        assert.equal(await runFlash({ board: id, runner: runnerOpt, probe: SN, build: true }), ExitCode.Ok);
        assert.deepEqual(west.calls(), [
          { argv: [...base, '--skip-rebuild'], cwd: ROOT },
          { argv: [...base, '--skip-rebuild', '--', ...probeArgs], cwd: ROOT },
          { argv: BUILD[id]!, cwd: ROOT },
          { argv: [...base, '--', ...probeArgs], cwd: ROOT },
        ]);
        assert.match(stdout, new RegExp(`flashed ${id}`));
      });
    }
  }

  it('the Zephyr target name selects the board too (paltls flash --board nucleo_f429zi)', async () => {
    await runFlash({ board: 'nucleo_f429zi', build: false });
    assert.deepEqual(west.calls()[0]!.argv, ['flash', '-d', abs('build/zephyr-nucleo-f429zi'), '-r', 'openocd', '--skip-rebuild']);
  });

  it('an unknown --runner is a configuration error listing the board runners', async () => {
    const e = await rejects(runFlash({ board: 'zephyr-nucleo-f429zi', runner: 'pyocd', build: false }));
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /zephyr-nucleo-f429zi has no west flash runner 'pyocd'/);
    assert.match(e.hint ?? '', /openocd, jlink/);
    assert.deepEqual(west.calls(), [], 'west must not run');
  });

  it('the QEMU board is not flashed; --probe on it says why', async () => {
    const e1 = await rejects(runFlash({ board: 'zephyr-mps2-an385', build: false }));
    assert.match(e1.message, /not flashed: runner qemu boots an emulator/);
    const e2 = await rejects(runFlash({ board: 'zephyr-mps2-an385', probe: SN, build: false }));
    assert.ok(e2 instanceof ConfigError);
    assert.match(e2.message, /runner qemu has no probe selection option, so --probe PROBE-SN-0001 cannot be honoured/);
    assert.match(e2.hint ?? '', /emulator: drop --probe/);
    assert.deepEqual(west.calls(), []);
  });

  it('--probe with a runner that has no probe option is a clear error naming runners that have one', async () => {
    const dir = tempRegistry({
      native: { id: 'native', title: 'n', flavour: 'native', default: true, console: { baud: 115200 }, network: { mode: 'host' }, build: { dir: 'build' }, run: { command: ['x'] } },
      bmp: {
        id: 'bmp',
        title: 'probe-less runner',
        flavour: 'zephyr',
        zephyr: { board: 'nucleo_f429zi' },
        flash: { runner: 'blackmagicprobe', alternatives: [{ runner: 'jlink', probeOption: '--dev-id' }] },
        console: { baud: 115200 },
        network: { mode: 'ethernet' },
        build: { dir: 'build/bmp' },
      },
    });
    const board = BoardRegistry.load(dir).get('bmp');
    const r = new ZephyrRunner(board, { probe: SN });
    assert.throws(
      () => r.westFlashArgs(),
      (e: ConfigError) => /runner blackmagicprobe has no probe selection option/.test(e.message) && /use --runner jlink/.test(e.hint ?? ''),
    );
    assert.deepEqual(new ZephyrRunner(board, { probe: SN, runner: 'jlink' }).westFlashArgs().slice(-3), ['--', '--dev-id', SN]);
    await rejects(r.flash());
    assert.deepEqual(west.calls(), []);
  });

  it('a missing west is a configuration error with the install steps (before anything runs)', async () => {
    process.env.PATH = pathWithoutWest();
    const e = await rejects(new ZephyrRunner(reg.get('zephyr-nrf9160dk'), {}).build());
    assert.ok(e instanceof ConfigError);
    assert.equal(e.exitCode, ExitCode.Config);
    assert.equal(e.message, "'west' not found on PATH");
    assert.match(e.hint ?? '', /pip install west.*west init -l.*west update/);
    const e2 = await rejects(runFlash({ board: 'zephyr-nucleo-h743zi', probe: SN, build: false }));
    assert.equal(e2.message, "'west' not found on PATH");
  });

  it('a failing west flash is a build/flash error carrying west\'s stderr', async () => {
    process.env.FAKE_WEST_EXIT = '1';
    process.env.FAKE_WEST_STDERR = 'FATAL ERROR: required program nrfutil not found; install it or add its location to PATH';
    const e = await rejects(runFlash({ board: 'zephyr-nrf9160dk', probe: SN, build: false }));
    assert.ok(e instanceof BuildError);
    assert.equal(e.exitCode, ExitCode.Build);
    assert.match(e.message, /^west flash -d \S+ -r nrfutil --skip-rebuild -- --dev-id PROBE-SN-0001 failed \(exit 1\)/);
    assert.match(e.message, /required program nrfutil not found/);
  });

  describe('serial port after flashing', () => {
    const savedList = SerialPort.list;
    type Listed = Awaited<ReturnType<typeof SerialPort.list>>;
    const fakePorts = (ports: Partial<Listed[number]>[]): void => {
      SerialPort.list = (async () => ports as Listed) as typeof SerialPort.list;
    };
    afterEach(() => {
      SerialPort.list = savedList;
    });

    it('none found: actionable error naming the USB ids and the probe serial', async () => {
      fakePorts([{ path: '/dev/ttyS0' }, { path: '/dev/ttyACM7', vendorId: '0483', productId: '374b', serialNumber: 'OTHER-BOARD' }]);
      const r = new ZephyrRunner(reg.get('zephyr-nucleo-h743zi'), { probe: SN, portWaitMs: 50 });
      const e = await rejects(r.start());
      assert.ok(e instanceof DeviceError);
      assert.equal(e.exitCode, ExitCode.Infrastructure);
      assert.equal(e.message, `no serial port found for zephyr-nucleo-h743zi (USB 0483:374b, 0483:374e, serial number ${SN})`);
      assert.match(e.hint ?? '', /--port \/dev\/ttyACM0.*--probe SERIAL/);
      assert.deepEqual(west.calls().map((c) => c.argv[0]), ['flash'], 'flashed first');
    });

    it('--no-flash skips west flash and still looks for the port', async () => {
      fakePorts([]);
      const e = await rejects(new ZephyrRunner(reg.get('zephyr-nucleo-f429zi'), { flash: false, portWaitMs: 10 }).start());
      assert.match(e.message, /no serial port found for zephyr-nucleo-f429zi/);
      assert.deepEqual(west.calls(), []);
    });

    it('finds the port by VID:PID, console interface and probe serial (J-Link leading zeros)', async () => {
      fakePorts([
        { path: '/dev/ttyACM0', vendorId: '1366', productId: '1055', serialNumber: '000960012345', pnpId: 'usb-SEGGER_J-Link_000960012345-if00' },
        { path: '/dev/ttyACM1', vendorId: '1366', productId: '1055', serialNumber: '000960012345', pnpId: 'usb-SEGGER_J-Link_000960012345-if02' },
        { path: '/dev/ttyACM2', vendorId: '1366', productId: '1055', serialNumber: '000960099999', pnpId: 'usb-SEGGER_J-Link_000960099999-if00' },
      ]);
      const nrf = reg.get('zephyr-nrf9160dk');
      assert.equal(await findBoardPort(nrf, undefined, '960012345'), '/dev/ttyACM0');
      assert.equal(await findBoardPort(nrf, undefined, '960099999'), '/dev/ttyACM2');
      assert.equal(await findBoardPort(nrf), undefined, 'two boards attached: ambiguous without --probe');
      assert.equal(await findBoardPort(nrf, '/dev/ttyUSB9'), '/dev/ttyUSB9', '--port wins');
      fakePorts([{ path: '/dev/ttyACM3', vendorId: '0483', productId: '374E', serialNumber: '003A00283132510B33353533' }]);
      assert.equal(await findBoardPort(reg.get('zephyr-nucleo-h743zi')), '/dev/ttyACM3');
      assert.equal(await findBoardPort(reg.get('zephyr-nucleo-f429zi')), undefined, 'STLINK-V3E is not the F429 probe');
      assert.ok(sameProbeSerial('003a00283132510b33353533', '003A00283132510B33353533'));
      assert.ok(!sameProbeSerial(undefined, 'x'));
    });
  });

  describe('network plan for the peers', () => {
    const lan = async (): Promise<string> => '192.168.7.20';
    const board = (id: string): Board => reg.get(id);

    it('ethernet and LTE boards: peers on all interfaces, device told the LAN address', async () => {
      assert.deepEqual(await peerPlan(board('zephyr-nucleo-f429zi'), false, lan), { bindHost: '0.0.0.0', peerHost: '192.168.7.20' });
      assert.deepEqual(await peerPlan(board('zephyr-nrf9160dk'), false, lan), { bindHost: '0.0.0.0', peerHost: '192.168.7.20' });
    });

    it('QEMU mps2/an385 (no NIC, serial bridge): the host makes the connections, peers on loopback', async () => {
      assert.deepEqual(await peerPlan(board('zephyr-mps2-an385'), false, lan), { peerHost: '127.0.0.1' });
    });

    it('--bridge: the host makes the connections, peers stay on loopback', async () => {
      for (const id of ['zephyr-nucleo-f429zi', 'zephyr-nrf9160dk', 'zephyr-mps2-an385']) {
        assert.deepEqual(await peerPlan(board(id), true, lan), { peerHost: '127.0.0.1' }, id);
      }
    });

    it('no LAN address for a network board is a peer error with a way out', async () => {
      await assert.rejects(peerPlan(board('zephyr-nucleo-h743zi'), false, async () => undefined), (e: PeerError) => /no LAN/.test(e.message) && /--bridge/.test(e.hint ?? ''));
    });

    it('picks a physical interface over container bridges and link-local addresses', () => {
      const v4 = (address: string, internal = false): os.NetworkInterfaceInfo =>
        ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null }) as os.NetworkInterfaceInfo;
      assert.equal(pickLanAddress({ lo: [v4('127.0.0.1', true)], docker0: [v4('172.17.0.1')], eth0: [v4('169.254.3.3'), v4('10.1.2.3')] }), '10.1.2.3');
      assert.equal(pickLanAddress({ lo: [v4('127.0.0.1', true)], docker0: [v4('172.17.0.1')] }), '172.17.0.1');
      assert.equal(pickLanAddress({ lo: [v4('127.0.0.1', true)] }), undefined);
    });
  });

  describe('QEMU board (zephyr-mps2-an385)', () => {
    it('boots with the registry run command: west build -d <dir> -t run', () => {
      assert.deepEqual(zephyrRunArgs(reg.get('zephyr-mps2-an385')), ['west', 'build', '-d', abs('build/zephyr-mps2-an385'), '-t', 'run']);
      assert.equal(new ZephyrRunner(reg.get('zephyr-mps2-an385'), {}).emulated, true);
      assert.equal(new ZephyrRunner(reg.get('zephyr-nucleo-f429zi'), {}).emulated, false);
    });

    it('escapes the QEMU mux character (C-a) in host-to-guest bytes', () => {
      assert.deepEqual([...escapeQemuMux(Buffer.from([0x7e, 0x01, 0x02, 0x01, 0x01]))], [0x7e, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01, 0x01]);
      const plain = Buffer.from('no escape');
      assert.equal(escapeQemuMux(plain), plain);
    });
  });

  describe('registry schema', () => {
    it('validates flash.alternatives and probeArgs, and rejects probeArgs without {probe}', () => {
      const base = {
        id: 'z',
        title: 'z',
        flavour: 'zephyr',
        zephyr: { board: 'nucleo_h743zi' },
        console: { baud: 115200 },
        network: { mode: 'ethernet' },
        build: { dir: 'build/z' },
      };
      const ok = tempRegistry({ z: { ...base, flash: { runner: 'openocd', probeArgs: ['--cmd-pre-init', 'adapter serial {probe}'], alternatives: [{ runner: 'pyocd', probeOption: '--dev-id' }] } } });
      assert.equal(flashRunners(BoardRegistry.load(ok).get('z')).length, 2);
      const bad = tempRegistry({ z: { ...base, flash: { runner: 'openocd', probeArgs: ['--serial'], alternatives: [{ probeOption: '--dev-id' }] } } });
      assert.throws(
        () => BoardRegistry.load(bad),
        (e: ConfigError) => /\/flash\/probeArgs: must contain at least 1 valid item/.test(e.message) && /\/flash\/alternatives\/0: missing required field 'runner'/.test(e.message),
      );
    });
  });
});
