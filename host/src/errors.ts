// Typed errors. Every error carries an exit code class and, where we can give one, a hint that
// tells the user what to do about it.

export const ExitCode = {
  Ok: 0,
  TestFailures: 1,
  Infrastructure: 2, // device, serial line, sync, protocol
  Build: 3, // build or flash failed
  Config: 4, // bad arguments, unknown board, invalid registry
  Peer: 5, // test peer could not be started
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class PaltlsError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConfigError extends PaltlsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Config, hint);
  }
}

export class BuildError extends PaltlsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Build, hint);
  }
}

export class PeerError extends PaltlsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Peer, hint);
  }
}

/** Malformed or unexpected protocol data. */
export class ProtocolError extends PaltlsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Infrastructure, hint);
  }
}

export type SyncFailureReason =
  | 'no-device' // nothing at all came back
  | 'garbage' // bytes came back but never a valid frame (wrong baud rate, wrong port, other firmware)
  | 'no-reply' // valid frames (or log text) but no answer to HELLO
  | 'stale-build' // the device runs another build than the one we built/flashed
  | 'wrong-board'
  | 'version' // protocol version mismatch
  | 'manifest'; // manifest transfer inconsistent

export class SyncError extends PaltlsError {
  constructor(
    readonly reason: SyncFailureReason,
    message: string,
    hint?: string,
  ) {
    super(message, ExitCode.Infrastructure, hint);
  }
}

/** The device stopped answering, exited or crashed. */
export class DeviceError extends PaltlsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Infrastructure, hint);
  }
}

export class TimeoutError extends PaltlsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Infrastructure, hint);
  }
}

export function describeError(err: unknown): { message: string; hint?: string; exitCode: ExitCodeValue } {
  if (err instanceof PaltlsError) return { message: err.message, hint: err.hint, exitCode: err.exitCode };
  if (err instanceof Error) return { message: err.message, exitCode: ExitCode.Infrastructure };
  return { message: String(err), exitCode: ExitCode.Infrastructure };
}
