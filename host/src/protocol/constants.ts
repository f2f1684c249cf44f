// Wire constants of the paltls serial protocol v1 (docs/protocol.md). Values and names are checked
// against firmware/agent/agent_proto.h, pal_errors.h, pal_network.h and paltest.h by
// host/test/constants.test.ts (the C compiler evaluates the headers).

export const PROTOCOL_VERSION = 1;
export const SOF0 = 0x02;
export const SOF1 = 0xb5;
export const HEADER_SIZE = 9;
export const TRAILER_SIZE = 4;
export const MAX_PAYLOAD = 4096;

export enum MsgType {
  Hello = 0x01,
  List = 0x02,
  EnvSet = 0x03,
  EnvClear = 0x04,
  Run = 0x05,
  Handshake = 0x06,
  Ping = 0x07,
  NetRsp = 0x40,
  NetEvent = 0x41,

  Boot = 0x80,
  HelloAck = 0x81,
  CaseInfo = 0x82,
  ListEnd = 0x83,
  Ack = 0x84,
  CaseStart = 0x85,
  CaseResult = 0x86,
  HandshakeResult = 0x87,
  Pong = 0x88,
  Fault = 0x8e,
  Error = 0x8f,
  NetReq = 0xc0,
}

export enum Tag {
  Nonce = 0x01,
  Proto = 0x02,
  Board = 0x03,
  Build = 0x04,
  Mbedtls = 0x05,
  Caps = 0x06,
  EntropyTest = 0x07,
  Count = 0x08,
  ManifestCrc = 0x09,
  Index = 0x0a,
  Name = 0x0b,
  Needs = 0x0c,
  Key = 0x0d,
  Value = 0x0e,
  Status = 0x0f,
  Message = 0x10,
  Duration = 0x11,
  MetricName = 0x12,
  MetricValue = 0x13,
  Transport = 0x14,
  Host = 0x15,
  Port = 0x16,
  Suite = 0x17,
  Ca = 0x18,
  Cert = 0x19,
  PrivateKey = 0x1a,
  PskId = 0x1b,
  Psk = 0x1c,
  Auth = 0x1d,
  Time = 0x1e,
  StatusName = 0x1f,
  Verify = 0x20,
  ServerTime = 0x21,
  Stage = 0x22,
  Verified = 0x23,
  Offered = 0x24,
  Alert = 0x25,
  Version = 0x26,
  TimeVerdict = 0x27,
  TimeBefore = 0x28,
  Op = 0x30,
  Sock = 0x31,
  Domain = 0x32,
  SockType = 0x33,
  NonBlock = 0x34,
  Addr = 0x35,
  Data = 0x36,
  Len = 0x37,
  Option = 0x38,
  Flags = 0x39,
  Timeout = 0x3a,
}

export enum NetOp {
  Socket = 1,
  Close = 2,
  Bind = 3,
  Connect = 4,
  Send = 5,
  Recv = 6,
  SendTo = 7,
  RecvFrom = 8,
  SetOpt = 9,
  GetAddr = 10,
  Resolve = 11,
  Listen = 12,
  Accept = 13,
}

export const NetEventFlag = { Readable: 0x01, Writable: 0x02, Closed: 0x04, Error: 0x08 } as const;

/** PALTEST_NEEDS_* bits (tests/framework/paltest.h). */
export const Needs = {
  Peer: 0x01,
  Threads: 0x02,
  FaultHooks: 0x04,
  // PAL features a footprint flavour may leave out (the framework skips such cases itself).
  X509: 0x10,
  Psk: 0x20,
  SecureTime: 0x40,
  SessionResume: 0x80,
  ServerMode: 0x100,
  AllSuites: 0x200,
} as const;

/** paltest_status_t */
export const CaseStatusCode = { Passed: 0, Failed: 1, Skipped: 2, Error: 3 } as const;

/** PAL status codes used by the socket bridge (firmware/pal/include/pal_errors.h). */
const NET = 0xffff0000 | 0;
export const PalStatus = {
  SUCCESS: 0,
  INVALID_ARGUMENT: (0xfffffff0 | 0) + 1,
  BUFFER_TOO_SMALL: (0xfffffff0 | 0) + 3,
  NOT_SUPPORTED: (0xfffffff0 | 0) + 4,
  SOCKET_GENERIC: NET,
  SOCKET_NO_BUFFERS: NET + 1,
  SOCKET_HOST_UNREACHABLE: NET + 2,
  SOCKET_IN_PROGRES: NET + 3,
  SOCKET_INVALID_VALUE: NET + 4,
  SOCKET_WOULD_BLOCK: NET + 5,
  SOCKET_ADDRESS_IN_USE: NET + 6,
  SOCKET_ALREADY_CONNECTED: NET + 7,
  SOCKET_CONNECTION_ABORTED: NET + 8,
  SOCKET_CONNECTION_RESET: NET + 9,
  SOCKET_NOT_CONNECTED: NET + 10,
  SOCKET_INPUT_OUTPUT_ERROR: NET + 11,
  SOCKET_CONNECTION_CLOSED: NET + 12,
  SOCKET_INVALID_ADDRESS_FAMILY: NET + 14,
  SOCKET_INVALID_ADDRESS: NET + 15,
  SOCKET_DNS_ERROR: NET + 16,
  SOCKET_OPTION_NOT_SUPPORTED: NET + 19,
  SOCKET_ALLOCATION_FAILED: NET + 21,
} as const;

/** PAL socket domain / type values (pal_network.h). */
export const PalDomain = { INET: 2, INET6: 10 } as const;
export const PalSockType = { STREAM: 1, DGRAM: 2, STREAM_SERVER: 99 } as const;
export const PalSockOpt = { REUSEADDR: 0x0004, KEEPALIVE: 0x0008, SNDTIMEO: 0x1005, RCVTIMEO: 0x1006 } as const;

export function typeName(type: number): string {
  return MsgType[type] ?? `0x${type.toString(16)}`;
}
