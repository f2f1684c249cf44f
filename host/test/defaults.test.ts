// Issue 10: board aliases through one resolver, suite spellings, the default device clock, and
// handshake results that never claim a verification that did not happen.
import { strict as assert } from 'assert';
import { BoardRegistry } from '../src/boards/registry';
import { main } from '../src/cli';
import { benchTarget } from '../src/commands/bench';
import {
  buildHandshakeRequest,
  decodeHandshakeResult,
  deviceClock,
  formatHandshake,
  HandshakeOptions,
  normaliseSuite,
  serverTimeLine,
} from '../src/commands/handshake';
import { Tag } from '../src/protocol/constants';
import { TlvReader, TlvWriter } from '../src/protocol/tlv';
import { alertHint } from '../src/tls/alerts';

async function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'paltls', ...args]), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('board resolver (one for every command)', () => {
  const reg = BoardRegistry.load();

  it('resolves ids, short aliases and Zephyr targets, case-insensitively', () => {
    assert.equal(reg.resolve('qemu').id, 'qemu-mps2-an385');
    assert.equal(reg.resolve('QEMU').id, 'qemu-mps2-an385');
    assert.equal(reg.resolve('native').id, 'native');
    assert.equal(reg.resolve('nrf9160dk').id, 'zephyr-nrf9160dk');
    assert.equal(reg.resolve('nucleo-f429zi').id, 'zephyr-nucleo-f429zi');
    assert.equal(reg.resolve('nucleo_h743zi').id, 'zephyr-nucleo-h743zi');
    assert.equal(reg.resolve('qemu-mps2-an385').id, 'qemu-mps2-an385');
    assert.equal(reg.resolve(undefined).default, true);
  });

  it('refuses an alias two boards share, naming both', () => {
    assert.throws(() => reg.resolve('mps2-an385'), /ambiguous board 'mps2-an385': qemu-mps2-an385, zephyr-mps2-an385/);
    assert.throws(() => reg.resolve('zephyr'), /ambiguous board 'zephyr'/);
    assert.ok(!reg.aliases(reg.resolve('qemu')).includes('mps2-an385'));
  });

  it('lists only unambiguous aliases', () => {
    assert.deepEqual(reg.aliases(reg.resolve('qemu')), ['qemu']);
    assert.ok(reg.aliases(reg.resolve('nrf9160dk')).includes('nrf9160dk'));
  });

  for (const cmd of [
    ['test', '--no-build'],
    ['handshake', '--server', '127.0.0.1:1', '--psk-identity', 'id', '--psk', '00'],
    ['build'],
    ['flash'],
    ['monitor'],
    ['peer'],
    ['bench'],
  ]) {
    it(`${cmd[0]} --board goes through the resolver`, async () => {
      const unknown = await runCli([...cmd, '--board', 'no-such-board']);
      assert.equal(unknown.code, 4);
      assert.match(unknown.stderr, /unknown board 'no-such-board'/);
      const ambiguous = await runCli([...cmd, '--board', 'mps2-an385']);
      assert.equal(ambiguous.code, 4);
      assert.match(ambiguous.stderr, /ambiguous board 'mps2-an385'/);
    });
  }

  it('flash --board qemu reaches the board (not "unknown board")', async () => {
    const r = await runCli(['flash', '--board', 'qemu']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /board qemu-mps2-an385 \(baremetal-qemu\) is not flashed/);
  });

  it('bench takes any spelling of the QEMU or native board', () => {
    assert.equal(benchTarget('qemu'), 'qemu');
    assert.equal(benchTarget('qemu-mps2-an385'), 'qemu');
    assert.equal(benchTarget('native'), 'native');
    assert.throws(() => benchTarget('nrf9160dk'), /runs on the QEMU Cortex-M3 board or natively/);
  });
});

describe('handshake options', () => {
  const base: HandshakeOptions = { server: '127.0.0.1:4433', transport: 'tls', pskIdentity: 'id', psk: '0102', build: false };

  it('--suite takes IANA, registry and OpenSSL spellings, one or a list', () => {
    assert.equal(normaliseSuite('PSK-AES128-CCM8'), 'TLS-PSK-WITH-AES-128-CCM-8');
    assert.equal(normaliseSuite('TLS_PSK_WITH_AES_256_CCM_8'), 'TLS-PSK-WITH-AES-256-CCM-8');
    assert.equal(normaliseSuite('ecdhe-ecdsa-aes128-gcm-sha256'), 'TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256');
    assert.equal(
      normaliseSuite('PSK-AES128-CBC-SHA256, TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8,PSK-AES128-CBC-SHA256'),
      'TLS-PSK-WITH-AES-128-CBC-SHA256,TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8',
    );
    assert.throws(() => normaliseSuite('AES128-SHA'), /unknown cipher suite 'AES128-SHA'/);
  });

  it('no --suite sends no SUITE: the PAL default offer stands', () => {
    assert.equal(new TlvReader(buildHandshakeRequest(base, 1)).str(Tag.Suite), undefined);
  });

  it('the device clock is the host clock unless --device-time says otherwise', () => {
    assert.deepEqual(deviceClock(undefined, 1800000000), { source: 'host', setTo: 1800000000 });
    assert.deepEqual(deviceClock('now', 1800000000), { source: 'host', setTo: 1800000000 });
    assert.deepEqual(deviceClock('unset'), { source: 'unset', setTo: null });
    assert.deepEqual(deviceClock('0'), { source: 'unset', setTo: null });
    assert.deepEqual(deviceClock('1700000000'), { source: 'fixed', setTo: 1700000000 });
    assert.throws(() => deviceClock('yesterday'), /--device-time must be/);
    assert.equal(new TlvReader(buildHandshakeRequest(base, 1800000000)).u64(Tag.Time), 1800000000n);
    assert.equal(new TlvReader(buildHandshakeRequest({ ...base, deviceTime: 'unset' })).u64(Tag.Time), undefined);
  });
});

describe('handshake results', () => {
  const ctx = (o: Partial<HandshakeOptions> = {}) => ({
    board: 'native',
    build: { id: 'x', mbedtls: '3.6.6' },
    options: { server: '127.0.0.1:4433', transport: 'tls', build: false, ...o } as HandshakeOptions,
    clock: { source: 'host' as const, setTo: 1800000000 },
  });
  const offered = 'TLS-PSK-WITH-AES-128-CCM-8,TLS-PSK-WITH-AES-256-CCM-8';

  it('no certificate checked: verified false, verify_flags null, "not verified" (even if the library said every flag)', () => {
    const payload = new TlvWriter()
      .u32(Tag.Status, 0xfff0000f)
      .str(Tag.StatusName, 'PAL_ERR_SSL_FATAL_ALERT_MESSAGE')
      .str(Tag.Stage, 'pal_handShake')
      .str(Tag.Version, 'TLS 1.2')
      .str(Tag.Offered, offered)
      .u8(Tag.Verified, 0)
      .u32(Tag.Verify, 0xe000003f)
      .u8(Tag.Alert, 40)
      .build();
    const r = decodeHandshakeResult(payload, ctx({ psk: '01', pskIdentity: 'id' }));
    assert.equal(r.verified, false);
    assert.equal(r.verify_flags, null);
    assert.equal(r.verify_result, null);
    assert.deepEqual(r.alert, { code: 40, name: 'handshake_failure' });
    assert.equal(r.hint, `server offers none of: TLS-PSK-WITH-AES-128-CCM-8, TLS-PSK-WITH-AES-256-CCM-8`);
    const text = formatHandshake(r);
    assert.match(text, /verify {7}not verified/);
    assert.match(text, /offered {6}TLS 1.2: TLS-PSK-WITH-AES-128-CCM-8, TLS-PSK-WITH-AES-256-CCM-8/);
    assert.match(text, /alert {8}handshake_failure \(40\) from the server/);
    assert.match(text, /device clock host clock, 1800000000/);
    assert.doesNotMatch(text, /BADCERT/);
  });

  it('a checked certificate reports exactly its failing flags', () => {
    const payload = new TlvWriter().str(Tag.StatusName, 'PAL_ERR_X509_CERT_VERIFY_FAILED').u8(Tag.Verified, 1).u32(Tag.Verify, 0xfff2_0001 | 0x01).build();
    const r = decodeHandshakeResult(payload, ctx({ ca: 'ca.der' }));
    assert.equal(r.verified, true);
    assert.deepEqual(r.verify_flags, ['BADCERT_EXPIRED']);
    assert.match(formatHandshake(r), /verify {7}0x[0-9a-f]+ BADCERT_EXPIRED\n/);
  });

  it('the ServerHello time comes with its plausibility', () => {
    const base = decodeHandshakeResult(new TlvWriter().str(Tag.StatusName, 'PAL_SUCCESS').u8(Tag.Verified, 1).u32(Tag.Verify, 0).u64(Tag.ServerTime, 1800000000).u8(Tag.TimeVerdict, 1).build(), ctx());
    assert.equal(base.server_time_plausible, true);
    assert.match(serverTimeLine(base, 1800000100), /plausible: inside the server certificate's validity; matches the host clock/);
    const random = { ...base, server_time: 1544659200, server_time_verdict: 'outside-certificate-validity' as const, server_time_plausible: false };
    assert.match(serverTimeLine(random, 1800000000), /not plausible — random\? \(outside the server certificate's validity\); \d+ days behind the host clock/);
    const psk = { ...base, server_time_verdict: 'no-certificate' as const };
    assert.match(serverTimeLine(psk), /not plausible — random\? \(no verified certificate/);
  });

  it('alert hints name the likely cause', () => {
    const offer = { suites: ['TLS-PSK-WITH-AES-128-CCM-8'], version: 'DTLS 1.2', usedPsk: true, usedCert: false };
    assert.match(alertHint(51, offer), /wrong PSK/);
    assert.match(alertHint(20, offer), /wrong PSK/);
    assert.match(alertHint(70, offer), /does not speak DTLS 1.2/);
    assert.match(alertHint(115, offer), /PSK identity/);
  });
});
