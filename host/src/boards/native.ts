// Native boards: the suite is a local process built with CMake; its stdio is the serial line.
// With --bridge the process is the agent linked with the socket bridge (build.bridgeImage), whose
// sockets the host performs; --build-dir takes the image from another build (e.g. ASan).
import * as fs from 'fs';
import * as path from 'path';
import { Board } from './registry';
import { boardBuildDir, cmakeBuild, substitute } from './build';
import { DeviceRunner, RunnerOptions } from './device';
import { BuildError, ConfigError } from '../errors';
import { ChildProcessTransport } from '../transport/child';
import { Transport } from '../transport/transport';
import { repoRoot } from '../util/paths';

export class NativeRunner implements DeviceRunner {
  private proc?: ChildProcessTransport;

  constructor(
    readonly board: Board,
    private readonly options: RunnerOptions,
  ) {}

  private get buildDir(): string {
    return this.options.buildDir ? path.resolve(repoRoot(), this.options.buildDir) : boardBuildDir(this.board);
  }

  private get imageName(): string | undefined {
    const b = this.board.build;
    if (!this.options.bridge) return b.image;
    if (!b.bridgeImage) throw new ConfigError(`board ${this.board.id} has no socket-bridge image`, 'add build.bridgeImage to its board.json, or drop --bridge');
    return b.bridgeImage;
  }

  private get image(): string {
    return path.resolve(this.buildDir, this.imageName ?? '');
  }

  async build(): Promise<void> {
    const b = this.board.build;
    await cmakeBuild(this.buildDir, b.source ?? '.', b.targets ?? [], b.cmakeArgs ?? [], this.options.echo);
    if (this.imageName && !fs.existsSync(this.image)) throw new BuildError(`build finished but the image ${this.image} is missing`);
  }

  expectedBuildId(): string | undefined {
    const f = this.options.bridge ? this.board.build.bridgeIdFile : this.board.build.idFile;
    if (!f) return undefined;
    const file = path.resolve(this.buildDir, f);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  }

  private command(): { cmd: string; args: string[] } {
    const cmdline = substitute(this.board.run?.command ?? ['{image}'], { image: this.image, build: this.buildDir, root: repoRoot() });
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
