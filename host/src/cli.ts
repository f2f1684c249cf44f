// paltls command line.
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeError, ExitCode, ExitCodeValue } from './errors';
import { HandshakeOptions, runHandshake } from './commands/handshake';
import { runBoards, runBuild, runFlash, runMonitor, runPeer } from './commands/misc';
import { runTest, TestOptions } from './commands/test';
import { registerBench } from './commands/bench';
import { runReport } from './commands/report';
import { deterministicFromEnv } from './boards/qemu';

/** Runner settings the environment may give; read here once and passed on as option values. */
export interface RunnerEnv {
  deterministic?: boolean;
  portWaitMs?: number;
}

/** --deterministic or PALTLS_QEMU_DETERMINISTIC=1; PALTLS_PORT_WAIT_MS (ms, default 10 s). */
export function withRunnerEnv<T extends RunnerEnv>(o: T, env: NodeJS.ProcessEnv = process.env): T & RunnerEnv {
  return { ...o, deterministic: Boolean(o.deterministic) || deterministicFromEnv(env), portWaitMs: o.portWaitMs ?? (Number(env.PALTLS_PORT_WAIT_MS) || undefined) };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

export async function main(argv: string[]): Promise<number> {
  let code: ExitCodeValue = ExitCode.Ok;
  const program = new Command('paltls')
    .description('Build, flash and drive the PAL TLS porting suite on a board, QEMU or the native process')
    .showHelpAfterError()
    .exitOverride();
  const wrap =
    <T>(fn: (o: T) => Promise<ExitCodeValue>) =>
    async (o: T): Promise<void> => {
      code = await fn(o);
    };

  program
    .command('test')
    .description('build, boot/flash, start peers, run the suite, report')
    .option('-b, --board <id>', 'board id from boards/ (default: the registry default)')
    .option('-p, --port <dev>', 'serial port of the board (default: detected by USB VID:PID)')
    .option('--probe <serial>', 'debug probe serial number (boards with several probes attached)')
    .option('--runner <name>', 'Zephyr boards: west flash runner other than the registry default (flash.alternatives)')
    .option('-f, --filter <globs>', "comma-separated globs on case ids, e.g. 'pal_tls.tlsHandshake*'")
    .option('--json <file>', 'write the JSON result')
    .option('--junit <file>', 'write JUnit XML')
    .option('-t, --timeout <s>', 'per-case timeout in seconds', seconds)
    .option('--results <dir>', 'results directory (default reports/<time>-<board>)')
    .option('--no-build', 'do not (re)build before running')
    .option('--no-flash', 'Zephyr boards: do not flash, use the image already on the board')
    .option('--bridge', 'route the device sockets through the serial socket bridge (native: the agent linked with the bridge)')
    .option('--build-dir <dir>', "native boards: run the agent of this build directory instead of the registry's, e.g. build-asan (-DPALTLS_SANITIZE=ON)")
    .option('--conf <file>', 'Zephyr boards: extra Kconfig fragment for west build (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--list', 'list the device manifest and exit')
    .option('-v, --verbose', 'show build output and the device log')
    .option('--deterministic', 'QEMU boards: -icount shift=0, per-case instruction counts (metric "instructions")')
    .option('--env <key=value>', 'extra test-environment entry, e.g. soak.count=200 (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--html <file>', 'write the HTML report here too (always written as report.html in the results directory)')
    .addOption(
      new Option('--capture [which]', 'packet captures (.pcapng) of failed cases (default), of all cases (--capture), or none')
        .choices(['failed', 'all', 'off'])
        .preset('all'),
    )
    .action(wrap((o: TestOptions) => runTest(withRunnerEnv(o))));

  program
    .command('report')
    .description('compare two runs (results.json or results directories): status changes, new failures first, metric deltas; exit 1 on a new failure')
    .argument('<a>', 'the earlier run')
    .argument('<b>', 'the later run')
    .option('--threshold <pct>', 'smallest relative metric change to show, in percent', (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
      return n;
    }, 5)
    .option('--json <file>', 'write the comparison as JSON')
    .option('--no-pager', 'never page the output')
    .action(async (a: string, b: string, o: { threshold: number; json?: string; pager: boolean }) => {
      code = await runReport(a, b, o);
    });

  program
    .command('handshake')
    .description('one TLS/DTLS handshake from the device to a server; prints status, offered and negotiated suite, verification, clock, server time')
    .option('-b, --board <id>', 'board id')
    .option('-p, --port <dev>', 'serial port')
    .option('--probe <serial>', 'debug probe serial number')
    .requiredOption('--server <host:port>', 'server address')
    .addOption(new Option('--transport <t>', 'tls (TCP) or dtls (UDP)').choices(['tls', 'dtls']).default('tls'))
    .option('--suite <names>', 'suites to offer, one or a comma list, IANA or OpenSSL names (TLS-PSK-WITH-AES-128-CCM-8, PSK-AES128-CCM8); default: every compiled suite the credentials can use')
    .option('--ca <file>', 'CA certificate (DER or PEM)')
    .option('--cert <file>', 'device certificate (DER or PEM)')
    .option('--key <file>', 'device private key (DER or PEM)')
    .option('--psk-identity <id>', 'PSK identity')
    .option('--psk <hex>', 'PSK as hex')
    .addOption(new Option('--auth <mode>', 'server certificate verification').choices(['required', 'optional', 'none']))
    .option('--device-time <unix|now|unset>', "device clock before the handshake: UNIX seconds, 'now' (the default: the host clock) or 'unset' / 0 (leave it alone, exercises secure time)")
    .option('--json <file>', 'write the result as JSON')
    .option('-t, --timeout <s>', 'handshake timeout in seconds', seconds)
    .option('--no-build', 'do not (re)build first')
    .option('--bridge', 'use the serial socket bridge')
    .option('--deterministic', 'QEMU boards: -icount shift=0 (instruction-counting clock)')
    .action(wrap((o: HandshakeOptions) => runHandshake(withRunnerEnv(o))));

  program
    .command('boards')
    .description('known boards and detected serial ports (USB VID:PID matched to boards)')
    .option('--json', 'machine-readable output')
    .action(wrap(runBoards));

  program
    .command('build')
    .description("build a board's image (incremental) plus the test peer and PKI")
    .option('-b, --board <id>', 'board id')
    .option('--bridge', 'build with the serial socket bridge (Zephyr boards)')
    .option('--conf <file>', 'Zephyr boards: extra Kconfig fragment for west build (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .action(wrap(runBuild));

  program
    .command('flash')
    .description('flash a Zephyr board with west flash (runner and probe from the registry)')
    .option('-b, --board <id>', 'board id')
    .option('--probe <serial>', 'probe serial number (passed with the runner option from the registry)')
    .option('--runner <name>', 'west flash runner other than the registry default (flash.alternatives)')
    .option('--no-build', 'flash the existing build')
    .action(wrap(runFlash));

  program
    .command('peer')
    .description('serve the test peers (all profiles) until Ctrl-C')
    .option('-b, --board <id>', 'board whose network mode decides the bind address')
    .option('--host <addr>', 'bind address')
    .option('--profiles <list>', 'comma-separated profiles (default: all)')
    .action(wrap(runPeer));

  program
    .command('monitor')
    .description('show the device line: log text, frames decoded')
    .option('-b, --board <id>', 'board id (boots native/QEMU boards)')
    .option('-p, --port <dev>', 'serial port to open instead')
    .option('--baud <n>', 'baud rate', (v) => Number(v))
    .option('--raw', 'do not decode frames')
    .action(wrap((o: Parameters<typeof runMonitor>[0]) => runMonitor(withRunnerEnv(o))));

  registerBench(program, wrap);

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : ExitCode.Config;
    }
    const d = describeError(err);
    process.stderr.write(`paltls: error: ${d.message}\n`);
    if (d.hint) process.stderr.write(`paltls: hint: ${d.hint}\n`);
    return d.exitCode;
  }
}
