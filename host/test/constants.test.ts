// The numbers the host shares with the C side (review row 10), checked against the C headers as
// they are in the tree, not against a copy: the names come from the headers (regex over the enum
// blocks, so a constant added on one side only is reported) and the values from the C compiler
// (so any expression form the headers use is evaluated exactly as the firmware sees it).
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as C from '../src/protocol/constants';

const ROOT = path.resolve(__dirname, '..', '..');
const HEADERS = {
  proto: path.join(ROOT, 'firmware/agent/agent_proto.h'),
  errors: path.join(ROOT, 'firmware/pal/include/pal_errors.h'),
  network: path.join(ROOT, 'firmware/pal/include/pal_network.h'),
  paltest: path.join(ROOT, 'tests/framework/paltest.h'),
};

/** Enumerator and macro names of a header, comments removed. */
function namesIn(file: string, pattern: RegExp): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const names = new Set<string>();
  for (const m of text.matchAll(new RegExp(`(?:^\\s*#\\s*define\\s+|[{,]\\s*)(${pattern.source})\\b`, 'gm'))) names.add(m[1]!);
  return [...names];
}

/** The value of each C expression, as the compiler evaluates it (signed 64-bit). */
function cValues(exprs: string[]): Map<string, bigint> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-consts-'));
  try {
    const src = path.join(dir, 'consts.c');
    const lines = exprs.map((e) => `    printf("%s %lld\\n", "${e}", (long long)(${e}));`);
    fs.writeFileSync(
      src,
      ['#include <stdio.h>', ...Object.values(HEADERS).map((h) => `#include "${h}"`), 'int main(void)', '{', ...lines, '    return 0;', '}', ''].join('\n'),
    );
    const exe = path.join(dir, 'consts');
    execFileSync('cc', ['-std=c99', '-Wall', '-Werror', `-I${path.join(ROOT, 'firmware/pal/include')}`, `-I${path.join(ROOT, 'firmware/agent')}`, `-I${path.join(ROOT, 'tests/framework')}`, src, '-o', exe], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = execFileSync(exe, { encoding: 'utf8' });
    return new Map(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string])
        .map(([k, v]) => [k, BigInt(v)]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** TS member name -> the C spelling without prefix: CamelCase and UPPER_SNAKE compared without case or underscores. */
const norm = (s: string): string => s.replace(/_/g, '').toUpperCase();
/** The one TS name that is not a respelling of its C name. */
const ALIASES: Record<string, string> = { PKEY: 'PrivateKey' };

interface Family {
  what: string;
  ts: Record<string, number>;
  prefix: string;
  /** C names of the family (both directions checked), or undefined: only the TS names are checked. */
  cNames?: string[];
  cName?: (tsName: string) => string;
}

function numericMembers(e: object): Record<string, number> {
  return Object.fromEntries(Object.entries(e).filter(([k, v]) => typeof v === 'number' && Number.isNaN(Number(k)))) as Record<string, number>;
}

describe('constants shared with the C headers', function () {
  this.timeout(60000);
  let families: Family[] = [];
  let values = new Map<string, bigint>();

  before(function () {
    if (spawnSync('cc', ['--version']).status !== 0) this.skip();
    const enumBlockOf = (first: string): string[] => {
      const text = fs.readFileSync(HEADERS.proto, 'utf8');
      const block = [...text.matchAll(/enum\s*\{([\s\S]*?)\}/g)].map((m) => m[1]!).find((b) => new RegExp(`\\b${first}\\b`).test(b));
      assert.ok(block, `no enum with ${first} in ${HEADERS.proto}`);
      return [...block.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/\b([A-Z][A-Z0-9_]*)\s*=/g)].map((m) => m[1]!);
    };
    families = [
      { what: 'message types (MsgType)', ts: numericMembers(C.MsgType), prefix: 'AP_', cNames: enumBlockOf('AP_HELLO') },
      { what: 'TLV tags (Tag)', ts: numericMembers(C.Tag), prefix: 'AT_', cNames: enumBlockOf('AT_NONCE') },
      { what: 'bridge operations (NetOp)', ts: numericMembers(C.NetOp), prefix: 'AP_NET_', cNames: enumBlockOf('AP_NET_SOCKET') },
      { what: 'bridge event flags (NetEventFlag)', ts: { ...C.NetEventFlag }, prefix: 'AP_EVENT_', cNames: namesIn(HEADERS.proto, /AP_EVENT_[A-Z0-9_]+/) },
      { what: 'case needs (Needs)', ts: { ...C.Needs }, prefix: 'PALTEST_NEEDS_', cNames: namesIn(HEADERS.paltest, /PALTEST_NEEDS_[A-Z0-9_]+/) },
      { what: 'case status (CaseStatusCode)', ts: { ...C.CaseStatusCode }, prefix: 'PALTEST_', cNames: ['PALTEST_PASSED', 'PALTEST_FAILED', 'PALTEST_SKIPPED', 'PALTEST_ERROR'] },
      { what: 'socket domains (PalDomain)', ts: { ...C.PalDomain }, prefix: 'PAL_AF_', cName: (n) => `PAL_AF_${n}` },
      { what: 'socket types (PalSockType)', ts: { ...C.PalSockType }, prefix: 'PAL_SOCK_', cName: (n) => `PAL_SOCK_${n}` },
      { what: 'socket options (PalSockOpt)', ts: { ...C.PalSockOpt }, prefix: 'PAL_SO_', cName: (n) => `PAL_SO_${n}` },
      { what: 'PAL status codes (PalStatus)', ts: { ...C.PalStatus }, prefix: 'PAL_ERR_', cName: (n) => (n === 'SUCCESS' ? 'PAL_SUCCESS' : `PAL_ERR_${n}`) },
      {
        what: 'frame constants',
        ts: { AP_VERSION: C.PROTOCOL_VERSION, AP_SOF0: C.SOF0, AP_SOF1: C.SOF1, AP_HEADER_SIZE: C.HEADER_SIZE, AP_TRAILER_SIZE: C.TRAILER_SIZE, AP_MAX_PAYLOAD: C.MAX_PAYLOAD },
        prefix: '',
        cName: (n) => n,
      },
    ];
    const exprs = families.flatMap((f) => (f.cNames ? f.cNames : Object.keys(f.ts).map(f.cName!)));
    values = cValues(exprs);
  });

  /** C name -> TS member, for a family whose C names are listed. */
  function pair(f: Family): { matched: [string, string][]; cOnly: string[]; tsOnly: string[] } {
    const byNorm = new Map(Object.keys(f.ts).map((k) => [norm(k), k]));
    const matched: [string, string][] = [];
    const cOnly: string[] = [];
    for (const c of f.cNames!) {
      const bare = c.slice(f.prefix.length);
      const ts = byNorm.get(norm(bare)) ?? (ALIASES[bare] && ALIASES[bare] in f.ts ? ALIASES[bare] : undefined);
      if (ts) matched.push([c, ts]);
      else cOnly.push(c);
    }
    const tsOnly = Object.keys(f.ts).filter((k) => !matched.some(([, t]) => t === k));
    return { matched, cOnly, tsOnly };
  }

  it('every enumerator of the protocol, bridge and test-framework headers has its host constant, and back', () => {
    for (const f of families.filter((x) => x.cNames)) {
      // The bridge ops share the AP_ prefix with the message types: keep them apart.
      const names = f.prefix === 'AP_' ? f.cNames!.filter((n) => !n.startsWith('AP_NET_') || ['AP_NET_RSP', 'AP_NET_EVENT', 'AP_NET_REQ'].includes(n)) : f.cNames!;
      const { cOnly, tsOnly } = pair({ ...f, cNames: names });
      assert.deepEqual(cOnly, [], `${f.what}: in the C headers but not in host/src/protocol/constants.ts`);
      assert.deepEqual(tsOnly, [], `${f.what}: in host/src/protocol/constants.ts but not in the C headers`);
    }
  });

  it('every host constant has the value the C compiler gives its C name', () => {
    const wrong: string[] = [];
    for (const f of families) {
      const pairs: [string, string][] = f.cNames ? pair(f).matched : Object.keys(f.ts).map((k) => [f.cName!(k), k]);
      for (const [c, ts] of pairs) {
        const expected = values.get(c);
        // PAL codes are int32_t in C; the host keeps them as signed 32-bit numbers too.
        if (expected === undefined || BigInt(f.ts[ts]!) !== expected) wrong.push(`${f.what}: ${ts} = ${f.ts[ts]}, but ${c} = ${expected}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
