// QEMU board runner pieces that need no emulator: command line, deterministic mode, footprint
// parsing. (The QEMU suite itself runs in the `qemu` stage of npm test: scripts/test-qemu.)
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { BoardRegistry } from '../src/boards/registry';
import { componentOf, formatFootprint, imageTotals, parseLinkMap, parseSizeA } from '../src/boards/footprint';
import { deterministicFromEnv, ICOUNT_ARGS, QemuBoardRunner, qemuCommandLine } from '../src/boards/qemu';
import { createRunner } from '../src/boards/runner';
import { OutputTail, stopProcess, waitForPty } from '../src/boards/process';
import { main, withRunnerEnv } from '../src/cli';
import { ExitCode } from '../src/errors';

const MAP = `Archive member included to satisfy reference by file (symbol)

Discarded input sections

 .text.unused   0x00000000       0x40 libmps2_mbedtls.a(aes.c.obj)

Linker script and memory map

.isr_vector     0x00000000       0xc0
 *(.isr_vector)
 .isr_vector    0x00000000       0xc0 libmps2_port.a(mps2_startup.c.obj)
                0x00000000                mps2_vectors

.text           0x000000c0      0x400
 .text.mbedtls_aes_setkey_enc
                0x000000c0      0x100 libmps2_mbedtls.a(aes.c.obj)
 .text.pal_initTLS
                0x000001c0       0x80 libmps2_pal_core.a(pal_TLS.c.obj)
 .text.pal_plat_initTLS
                0x00000240       0x60 libmps2_pal_core.a(pal_plat_TLS.c.obj)
 *fill*         0x000002a0        0x2
 .text.memcpy   0x000002a4       0x20 /usr/lib/arm-none-eabi/lib/libg.a(lib_a-memcpy.o)
 .text.pal_plat_osDelay
                0x000002c4       0x30 libmps2_port.a(pal_plat_rtos_mps2.c.obj)
 .text.bridge_send
                0x000002f4       0x44 libmps2_agent.a(pal_plat_network_bridge.c.obj)
 .text.main     0x00000338       0x28 CMakeFiles/paltls-mps2-an385.dir/work/main/firmware/ports/baremetal-mps2/main/mps2_main.c.obj

.stack          0x20001000    0x10000
                0x20001000                __stack_bottom = .

.data           0x20011000       0x10 load address 0x000004c0
 .data.g_x      0x20011000       0x10 libmps2_suite.a(registry.c.obj)

.bss            0x20011010      0x120
 .bss.s_rx_ring
                0x20011010      0x100 libmps2_port.a(mps2_uart.c.obj)
 COMMON         0x20011110       0x20 libmps2_pal_core.a(pal_TLS.c.obj)

.debug_info     0x00000000     0x9999
 .debug_info    0x00000000     0x9999 libmps2_mbedtls.a(aes.c.obj)
`;

describe('QEMU board', () => {
  const board = BoardRegistry.load().get('qemu-mps2-an385');

  it('is the default board and a baremetal-qemu runner', () => {
    assert.equal(BoardRegistry.load().defaultBoard().id, 'qemu-mps2-an385');
    assert.equal(createRunner(board, {}).constructor.name, 'QemuBoardRunner');
  });

  it('puts the image in the QEMU command line; -icount only in deterministic mode', () => {
    const normal = qemuCommandLine(board, '/b/img.elf', '/b', false);
    assert.equal(normal.cmd, 'qemu-system-arm');
    assert.deepEqual(normal.args.slice(-2), ['-kernel', '/b/img.elf']);
    assert.ok(normal.args.includes('pty'));
    assert.ok(!normal.args.includes('-icount'));
    const det = qemuCommandLine(board, '/b/img.elf', '/b', true);
    assert.deepEqual(det.args.slice(-ICOUNT_ARGS.length), ICOUNT_ARGS);
    assert.ok(det.args.join(' ').includes('shift=0'));
  });

  it('refuses a board whose UART is not on a pty', () => {
    const stdio = { ...board, run: { command: ['qemu-system-arm', '-serial', 'stdio', '-kernel', '{image}'] } };
    assert.throws(() => qemuCommandLine(stdio, 'x.elf', '.', false), /must put the UART on a pty/);
  });

  it('reads the deterministic switch from the environment', () => {
    assert.equal(deterministicFromEnv({}), false);
    assert.equal(deterministicFromEnv({ PALTLS_QEMU_DETERMINISTIC: '0' }), false);
    assert.equal(deterministicFromEnv({ PALTLS_QEMU_DETERMINISTIC: '1' }), true);
  });

  it('takes deterministic mode as an option value; only the CLI reads the environment', () => {
    const saved = process.env.PALTLS_QEMU_DETERMINISTIC;
    process.env.PALTLS_QEMU_DETERMINISTIC = '1';
    try {
      assert.equal((createRunner(board, {}) as QemuBoardRunner).deterministic, false);
      assert.equal((createRunner(board, { deterministic: true }) as QemuBoardRunner).deterministic, true);
      assert.equal(withRunnerEnv({}, { PALTLS_QEMU_DETERMINISTIC: '1' }).deterministic, true);
      assert.equal(withRunnerEnv({ deterministic: true }, {}).deterministic, true);
      assert.equal(withRunnerEnv({}, {}).deterministic, false);
      assert.equal(withRunnerEnv({}, { PALTLS_PORT_WAIT_MS: '250' }).portWaitMs, 250);
    } finally {
      if (saved === undefined) delete process.env.PALTLS_QEMU_DETERMINISTIC;
      else process.env.PALTLS_QEMU_DETERMINISTIC = saved;
    }
  });

  it('--deterministic does not write the process environment', async () => {
    assert.equal(process.env.PALTLS_QEMU_DETERMINISTIC, undefined);
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['node', 'paltls', 'handshake', '--deterministic', '--board', 'no-such-board', '--server', '127.0.0.1:1', '--psk-identity', 'i', '--psk', '00']);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, ExitCode.Config);
    assert.equal(process.env.PALTLS_QEMU_DETERMINISTIC, undefined);
  });
});

describe('emulator process and pty (boards/process.ts, shared by both QEMU boards)', () => {
  const errors = {
    timeout: () => new Error('timeout'),
    exit: (code: number | null, out: string) => new Error(`exit ${code}: ${out.trim()}`),
    spawnError: (err: Error) => err,
  };

  it("takes the pty from QEMU's 'char device redirected' line, on stdout or stderr", async () => {
    for (const stream of ['stdout', 'stderr']) {
      const proc = spawn(process.execPath, ['-e', `process.${stream}.write('QEMU 8.2\\nchar device redirected to /dev/pts/77 (label serial0)\\n'); setTimeout(() => {}, 10000)`]);
      try {
        assert.equal(await waitForPty(proc, new OutputTail(proc, 1000), 10000, errors), '/dev/pts/77');
      } finally {
        await stopProcess(proc);
      }
    }
  });

  it('reports an emulator that exits before announcing its pty, with its output', async () => {
    const proc = spawn(process.execPath, ['-e', "console.error('qemu: could not load kernel'); process.exit(1)"]);
    await assert.rejects(waitForPty(proc, new OutputTail(proc, 1000), 10000, errors), /exit 1: qemu: could not load kernel/);
  });
});

describe('footprint', () => {
  it('attributes link-map input files to components', () => {
    assert.equal(componentOf('libmps2_mbedtls.a(aes.c.obj)'), 'mbedtls');
    assert.equal(componentOf('libmps2_pal_core.a(pal_TLS.c.obj)'), 'pal_core');
    assert.equal(componentOf('libmps2_pal_core.a(pal_plat_TLS.c.obj)'), 'pal_plat_tls');
    assert.equal(componentOf('libmps2_agent.a(pal_plat_network_bridge.c.obj)'), 'pal_port_network_bridge');
    assert.equal(componentOf('libmps2_agent.a(agent.c.obj)'), 'agent');
    assert.equal(componentOf('libmps2_port.a(pal_plat_storage_ram.c.obj)'), 'pal_port_rtos_storage');
    assert.equal(componentOf('libmps2_port.a(mps2_uart.c.obj)'), 'board_support');
    assert.equal(componentOf('CMakeFiles/x.dir/work/firmware/ports/baremetal-mps2/main/mps2_main.c.obj'), 'board_support');
    assert.equal(componentOf('/usr/lib/arm-none-eabi/lib/libg.a(lib_a-memcpy.o)'), 'libc');
    assert.equal(componentOf('/usr/lib/gcc/arm-none-eabi/12/libgcc.a(_udivmoddi4.o)'), 'libgcc');
  });

  it('sums linked sections per component, skipping discarded, fill, reserved and debug sections', () => {
    const c = parseLinkMap(MAP);
    assert.deepEqual(c.mbedtls, { text: 0x100, data: 0, bss: 0 });
    assert.deepEqual(c.pal_core, { text: 0x80, data: 0, bss: 0x20 });
    assert.deepEqual(c.pal_plat_tls, { text: 0x60, data: 0, bss: 0 });
    assert.deepEqual(c.libc, { text: 0x20, data: 0, bss: 0 });
    assert.deepEqual(c.pal_port_rtos_storage, { text: 0x30, data: 0, bss: 0 });
    assert.deepEqual(c.pal_port_network_bridge, { text: 0x44, data: 0, bss: 0 });
    assert.deepEqual(c.board_support, { text: 0xc0 + 0x28, data: 0, bss: 0x100 });
    assert.deepEqual(c.suite, { text: 0, data: 0x10, bss: 0 });
  });

  it('reads size -A and keeps the reserved RAM regions apart', () => {
    const sections = parseSizeA(`x.elf  :
section                 size        addr
.isr_vector              192           0
.text                 173816         192
.rodata                62620      174008
.note.gnu.build-id        36      236628
.stack_guard            4096   536870912
.stack                 65536   536875008
.data                   2516   536944640
.bss                  137416   536947160
.heap                1048576   537084576
.debug_info           699251           0
Total                3014920
`);
    const { image, reserved } = imageTotals(sections);
    assert.deepEqual(image, { text: 192 + 173816 + 62620 + 36, data: 2516, bss: 137416 });
    assert.deepEqual(reserved, { stack_guard: 4096, stack: 65536, heap: 1048576 });
    const lines = formatFootprint({
      board: 'b',
      image: 'x.elf',
      image_size: image,
      reserved,
      components: parseLinkMap(MAP),
      pal: { text: 1, data: 0, bss: 0 },
      pal_with_ports: { text: 2, data: 0, bss: 0 },
    });
    assert.match(lines.join('\n'), /PAL layer \(core \+ plat_TLS\)/);
    assert.match(lines.join('\n'), /heap 1 MiB/);
  });
});
