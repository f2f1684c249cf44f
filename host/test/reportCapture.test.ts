// Packet captures: the pcapng layout, and what tshark makes of traffic recorded by the host relay
// (a real TLS ClientHello from Node's TLS client, a real DTLS ClientHello from openssl s_client).
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { renderPcapng } from '../src/report/capture/pcapng';
import { TrafficRecorder } from '../src/report/capture/recorder';
import { PeerRelay } from '../src/report/capture/relay';
import { clientHelloSuites, haveTshark, tsharkFields } from './helpers/tshark';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-capture-'));

describe('pcapng writer', () => {
  it('writes a section header, one raw-IP interface and one 32-bit aligned block per packet', () => {
    const buf = renderPcapng(
      [
        { timeUs: 1700000000123456n, data: Buffer.alloc(41, 0x45), comment: 'case x' },
        { timeUs: 1700000000123999n, data: Buffer.alloc(20, 0x45) },
      ],
      { application: 'test', interfaceName: 'if0' },
    );
    const blocks: { type: number; body: Buffer }[] = [];
    for (let off = 0; off < buf.length; ) {
      const type = buf.readUInt32LE(off);
      const len = buf.readUInt32LE(off + 4);
      assert.equal(len % 4, 0, 'block length is a multiple of 4');
      assert.equal(buf.readUInt32LE(off + len - 4), len, 'trailing length equals leading length');
      blocks.push({ type, body: buf.subarray(off + 8, off + len - 4) });
      off += len;
    }
    assert.deepEqual(blocks.map((b) => b.type), [0x0a0d0d0a, 1, 6, 6]);
    assert.equal(blocks[0]!.body.readUInt32LE(0), 0x1a2b3c4d);
    assert.equal(blocks[1]!.body.readUInt16LE(0), 101); // LINKTYPE_RAW
    const epb = blocks[2]!.body;
    const ts = (BigInt(epb.readUInt32LE(4)) << 32n) | BigInt(epb.readUInt32LE(8));
    assert.equal(ts, 1700000000123456n);
    assert.equal(epb.readUInt32LE(12), 41);
    assert.ok(epb.subarray(20 + 44).toString('latin1').includes('case x'), 'the comment option follows the padded data');
  });
});

describe('captures through the host relay, decoded by tshark', function () {
  before(function () {
    assert.ok(haveTshark(), 'tshark is missing: run scripts/setup (Debian package tshark)');
  });

  it('TLS over TCP: handshake, ClientHello with its suites, consistent sequence numbers, FIN', async () => {
    const rec = new TrafficRecorder();
    // The "peer": answers the ClientHello with a few bytes and closes (a TLS alert would do too).
    const peer = net.createServer((s) => s.once('data', () => s.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]))));
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', () => r()));
    const relay = new PeerRelay(rec);
    const ports = await relay.start(new Map([['default', (peer.address() as net.AddressInfo).port]]));
    const port = ports.get('default')!;
    await new Promise<void>((resolve) => {
      const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' });
      c.on('error', () => resolve());
      c.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    await relay.stop();
    peer.close();
    const file = path.join(tmp, 'tls.pcapng');
    assert.ok(rec.write(file, 0, 'tls test'));
    const suites = clientHelloSuites(file, false);
    assert.equal(suites.length, 1, 'one ClientHello');
    assert.ok(suites[0]!.includes(0xc02b) && suites[0]!.includes(0xc030), `offered suites ${suites[0]}`);
    const flags = tsharkFields(file, '', ['tcp.flags.str', 'tcp.dstport']);
    assert.match(flags[0]![0]!, /S/);
    assert.equal(Number(flags[0]![1]), port, 'the device connects to the relay port');
    assert.ok(flags.some((f) => /F/.test(f[0]!)), 'the peer close is a FIN');
    const problems = tsharkFields(file, 'tcp.analysis.flags && !tcp.analysis.window_update', ['frame.number']);
    assert.deepEqual(problems, [], 'no TCP analysis warnings (lost segment, retransmission, ack of unseen data)');
    const alert = tsharkFields(file, 'tls.alert_message', ['tls.alert_message.desc']);
    assert.deepEqual(alert, [['40']]);
  });

  it('a retargeted relay sends new connections to the restarted peer on its new port', async () => {
    const rec = new TrafficRecorder();
    const serve = async (reply: string): Promise<net.Server> => {
      const srv = net.createServer((s) => s.end(reply));
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      return srv;
    };
    const fetch = (port: number): Promise<string> =>
      new Promise((resolve, reject) => {
        let got = '';
        const c = net.connect(port, '127.0.0.1');
        c.on('data', (d) => (got += d.toString()));
        c.on('end', () => resolve(got));
        c.on('error', reject);
      });
    const first = await serve('first');
    const second = await serve('second');
    const relay = new PeerRelay(rec);
    const ports = await relay.start(new Map([['default', (first.address() as net.AddressInfo).port]]));
    assert.equal(await fetch(ports.get('default')!), 'first');
    relay.retarget(new Map([['default', (second.address() as net.AddressInfo).port]]));
    assert.equal(await fetch(ports.get('default')!), 'second');
    await relay.stop();
    first.close();
    second.close();
  });

  it('DTLS over UDP: the ClientHello of openssl s_client, both directions through the relay', async function () {
    const rec = new TrafficRecorder();
    const peer = dgram.createSocket('udp4');
    let echoed = false;
    peer.on('message', (msg, rinfo) => {
      if (!echoed) peer.send(msg.subarray(0, 13), rinfo.port, rinfo.address); // a record header back
      echoed = true;
    });
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const peerPort = (peer.address() as net.AddressInfo).port;
    probe.close();
    const relay = new PeerRelay(rec);
    const ports = await relay.start(new Map([['default', peerPort]]));
    const client = spawn('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${ports.get('default')}`, '-cipher', 'PSK-AES128-CCM8', '-psk', '1234'], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((r) => setTimeout(r, 1500));
    client.kill('SIGKILL');
    await relay.stop();
    peer.close();
    const file = path.join(tmp, 'dtls.pcapng');
    assert.ok(rec.write(file));
    const suites = clientHelloSuites(file, true);
    assert.ok(suites.length >= 1, 'a DTLS ClientHello');
    assert.ok(suites[0]!.includes(0xc0a8), `PSK-AES128-CCM8 offered: ${suites[0]}`);
    const dirs = tsharkFields(file, 'udp', ['udp.srcport', 'udp.dstport']);
    assert.ok(dirs.some((d) => Number(d[0]) === ports.get('default')), 'the reply is recorded from the relay port');
  });
});
