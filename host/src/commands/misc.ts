// `boards`, `build`, `flash`, `peer`, `monitor`.
import { BoardRegistry } from '../boards/registry';
import { detectPorts } from '../boards/detect';
import { buildHostTools } from '../boards/build';
import { ZephyrRunner } from '../boards/zephyrRunner';
import { ConfigError, ExitCode, ExitCodeValue } from '../errors';
import { PeerProcess } from '../peers/peer';
import { FrameParser } from '../protocol/frame';
import { TlvReader } from '../protocol/tlv';
import { typeName, Tag } from '../protocol/constants';
import { SerialTransport } from '../transport/serial';
import { Transport } from '../transport/transport';
import { makeRunner, resolveBoard } from './common';

export async function runBoards(opts: { json?: boolean }): Promise<ExitCodeValue> {
  const reg = BoardRegistry.load();
  const ports = await detectPorts(reg.boards);
  if (opts.json) {
    process.stdout.write(JSON.stringify({ boards: reg.boards.map(({ file: _f, ...b }) => ({ ...b, aliases: reg.aliases(b as typeof reg.boards[number]) })), ports }, null, 2) + '\n');
    return ExitCode.Ok;
  }
  const def = reg.defaultBoard().id;
  process.stdout.write(`Boards:\n    ${'id'.padEnd(22)} ${'aliases'.padEnd(28)} ${'flavour'.padEnd(15)} network / flash / target  title\n`);
  for (const b of reg.boards) {
    const target = b.zephyr ? ` [${b.zephyr.board}]` : '';
    const flash = b.flash ? ` flash=${b.flash.runner}` : '';
    const aliases = reg.aliases(b).filter((a) => a !== b.zephyr?.board).join(',') || '-';
    process.stdout.write(`  ${b.id === def ? '*' : ' '} ${b.id.padEnd(22)} ${aliases.padEnd(28)} ${b.flavour.padEnd(15)} net=${b.network.mode.padEnd(9)}${flash}${target}  ${b.title}\n`);
  }
  process.stdout.write(`  (* = default board; --board takes the id or any alias, on every command)\n\nSerial ports:\n`);
  if (ports.length === 0) process.stdout.write('  none detected\n');
  for (const p of ports) {
    const usb = p.vid ? ` ${p.vid}:${p.pid}` : '';
    const sn = p.serialNumber ? ` sn=${p.serialNumber}` : '';
    const match = p.boards.length ? ` -> ${p.boards.join(', ')}` : '';
    process.stdout.write(`  ${p.path}${usb}${sn}${p.manufacturer ? ` (${p.manufacturer})` : ''}${match}\n`);
  }
  return ExitCode.Ok;
}

export async function runBuild(opts: { board?: string; verbose?: boolean; bridge?: boolean; conf?: string[] }): Promise<ExitCodeValue> {
  const board = resolveBoard(opts.board);
  const echo = (l: string): void => void process.stdout.write(`${l}\n`);
  const runner = makeRunner(board, { echo, bridge: opts.bridge, conf: opts.conf });
  await runner.build();
  await buildHostTools(echo);
  const id = runner.expectedBuildId();
  process.stdout.write(`built ${board.id}${id ? ` (build id ${id})` : ''}\n`);
  return ExitCode.Ok;
}

export async function runFlash(opts: { board?: string; probe?: string; runner?: string; build: boolean }): Promise<ExitCodeValue> {
  const board = resolveBoard(opts.board);
  if (board.flavour !== 'zephyr') {
    throw new ConfigError(`board ${board.id} (${board.flavour}) is not flashed: \`paltls test\` boots it directly`);
  }
  const echo = (l: string): void => void process.stdout.write(`${l}\n`);
  const runner = new ZephyrRunner(board, { probe: opts.probe, runner: opts.runner, skipRebuild: !opts.build, echo });
  runner.westFlashArgs(); // unknown runner, probe without a probe option, emulated board: before building
  if (opts.build) await runner.build();
  await runner.flash();
  process.stdout.write(`flashed ${board.id}\n`);
  return ExitCode.Ok;
}

export async function runPeer(opts: { board?: string; host?: string; profiles?: string }): Promise<ExitCodeValue> {
  const board = resolveBoard(opts.board);
  const host = opts.host ?? (['ethernet', 'lte'].includes(board.network.mode) ? '0.0.0.0' : '127.0.0.1');
  const peer = new PeerProcess({ bindHost: host, profiles: opts.profiles?.split(',').map((s) => s.trim()) });
  const ports = await peer.start();
  for (const [p, port] of ports) process.stdout.write(`peer ${p.padEnd(10)} ${host}:${port} (TLS/TCP and DTLS/UDP)\n`);
  process.stdout.write('serving; Ctrl-C to stop\n');
  let printed = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (; printed < peer.log.length; printed++) process.stdout.write(`  ${peer.log[printed]!.text}\n`);
      if (!peer.running) {
        clearInterval(timer);
        resolve();
      }
    }, 200);
    process.once('SIGINT', () => {
      clearInterval(timer);
      void peer.stop().then(resolve);
    });
  });
  return ExitCode.Ok;
}

/** Shows the device line: log text as is, frames decoded on one line each. */
export async function runMonitor(opts: {
  board?: string;
  port?: string;
  baud?: number;
  raw?: boolean;
  deterministic?: boolean;
  portWaitMs?: number;
}): Promise<ExitCodeValue> {
  const board = resolveBoard(opts.board);
  let line: Transport;
  let stop: () => Promise<void>;
  if (opts.port) {
    const t = await SerialTransport.open(opts.port, opts.baud ?? board.console.baud);
    line = t;
    stop = () => t.close();
  } else {
    const runner = makeRunner(board, { deterministic: opts.deterministic, portWaitMs: opts.portWaitMs });
    line = await runner.start();
    stop = () => runner.stop();
  }
  process.stderr.write(`monitor: ${line.description} (Ctrl-C to quit)\n`);
  const parser = new FrameParser();
  line.on('log', (chunk) => process.stdout.write(chunk));
  line.on('data', (chunk) => {
    if (opts.raw) return void process.stdout.write(chunk);
    for (const item of parser.push(chunk)) {
      if (item.kind === 'text') process.stdout.write(item.text.toString('latin1'));
      else {
        let detail = '';
        try {
          const r = new TlvReader(item.frame.payload);
          detail = ['Board', 'Build', 'Mbedtls', 'Name', 'Message', 'StatusName']
            .map((k) => [k, r.str(Tag[k as keyof typeof Tag])] as const)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k.toLowerCase()}=${v}`)
            .join(' ');
        } catch {
          detail = '(bad TLV)';
        }
        process.stdout.write(`\n<frame ${typeName(item.frame.type)} seq=${item.frame.seq} ${detail}>\n`);
      }
    }
  });
  await new Promise<void>((resolve) => {
    line.on('close', (info) => {
      process.stderr.write(`\nmonitor: ${info.reason}\n`);
      resolve();
    });
    process.once('SIGINT', () => resolve());
  });
  await stop();
  return ExitCode.Ok;
}
