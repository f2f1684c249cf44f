// Flavour -> runner: native (a local process), baremetal-qemu (QEMU on a pty), zephyr (west
// build/flash, or `west build -t run` for the emulated board). The commands only see DeviceRunner.
import { Board } from './registry';
import { DeviceRunner, RunnerOptions } from './device';
import { NativeRunner } from './native';
import { QemuBoardRunner } from './qemu';
import { ZephyrRunner } from './zephyrRunner';

export function createRunner(board: Board, options: RunnerOptions): DeviceRunner {
  switch (board.flavour) {
    case 'native':
      return new NativeRunner(board, options);
    case 'baremetal-qemu':
      return new QemuBoardRunner(board, options);
    case 'zephyr':
      return new ZephyrRunner(board, options);
  }
}
