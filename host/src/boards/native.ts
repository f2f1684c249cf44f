// Native boards: the suite is a local process built with CMake; its stdio is the serial line.
import * as fs from 'fs';
import { Board } from './registry';
import { boardBuildDir, boardImage, buildBoard, builtId, substitute } from './build';
import { DeviceRunner, RunnerOptions } from './device';
import { BuildError } from '../errors';
import { ChildProcessTransport } from '../transport/child';
import { Transport } from '../transport/transport';
import { repoRoot } from '../util/paths';

export class NativeRunner implements DeviceRunner {
  private proc?: ChildProcessTransport;

  constructor(
    readonly board: Board,
    private readonly options: RunnerOptions,
  ) {}

  private get image(): string {
    return boardImage(this.board);
  }

  async build(): Promise<void> {
    await buildBoard(this.board, this.options.echo);
    if (this.board.build.image && !fs.existsSync(this.image)) throw new BuildError(`build finished but the image ${this.image} is missing`);
  }

  expectedBuildId(): string | undefined {
    return builtId(this.board);
  }

  private command(): { cmd: string; args: string[] } {
    const cmdline = substitute(this.board.run?.command ?? ['{image}'], { image: this.image, build: boardBuildDir(this.board), root: repoRoot() });
    if (!fs.existsSync(this.image)) {
      throw new BuildError(`image ${this.image} not built`, `run \`npx paltls build --board ${this.board.id}\` (or drop --no-build)`);
    }
    return { cmd: cmdline[0]!, args: cmdline.slice(1) };
  }

  async start(): Promise<Transport> {
    const { cmd, args } = this.command();
    this.proc = new ChildProcessTransport(cmd, args, { cwd: repoRoot() });
    return this.proc;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    await p?.kill();
  }

  async restart(): Promise<Transport> {
    await this.stop();
    return this.start();
  }
}
