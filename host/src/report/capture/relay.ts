// Host relay between a device with its own network stack (native process, Ethernet/LTE boards,
// QEMU user networking) and the test peers: one TCP listener and one UDP socket per peer port,
// on a new port number shared by both (as the peer's own ports are), forwarding bytes unchanged
// and recording the device-side leg for captures. Boards on the socket bridge need no relay: the
// bridge records what it relays itself.
import * as dgram from 'dgram';
import * as net from 'net';
import { TcpFlow, TrafficRecorder } from './recorder';

interface UdpClient {
  upstream: dgram.Socket;
  address: string;
  port: number;
}

/** One peer port behind one relay port (TCP and UDP). */
class PortRelay {
  private readonly tcp = net.createServer((c) => this.onConnection(c));
  private udp?: dgram.Socket;
  private readonly udpClients = new Map<string, UdpClient>();
  private readonly conns = new Set<net.Socket>();
  port = 0;

  constructor(
    public target: { host: string; port: number },
    private readonly bindHost: string,
    private readonly rec: TrafficRecorder,
    private readonly advertised?: string,
  ) {}

  /** Binds TCP first on a free port, then UDP on the same number; retries if UDP's is taken. */
  async start(): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      await new Promise<void>((resolve, reject) => {
        this.tcp.once('error', reject);
        this.tcp.listen(0, this.bindHost, () => {
          this.tcp.off('error', reject);
          resolve();
        });
      });
      this.port = (this.tcp.address() as net.AddressInfo).port;
      const udp = dgram.createSocket(net.isIPv6(this.bindHost) ? 'udp6' : 'udp4');
      const bound = await new Promise<boolean>((resolve) => {
        udp.once('error', () => resolve(false));
        udp.bind(this.port, this.bindHost, () => resolve(true));
      });
      if (bound) {
        this.udp = udp;
        udp.on('message', (data, rinfo) => this.onDatagram(data, rinfo));
        udp.on('error', () => undefined);
        return this.port;
      }
      udp.close();
      await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    }
    throw new Error(`relay: no port free for both TCP and UDP next to peer port ${this.target.port}`);
  }

  private onConnection(device: net.Socket): void {
    this.conns.add(device);
    device.setNoDelay(true);
    device.pause();
    const flow: TcpFlow = this.rec.connect(
      { address: device.remoteAddress ?? '127.0.0.1', port: device.remotePort ?? 0 },
      { address: device.localAddress ?? '127.0.0.1', port: device.localPort ?? this.port },
    );
    const peer = net.connect({ host: this.target.host, port: this.target.port });
    this.conns.add(peer);
    peer.setNoDelay(true);
    peer.on('connect', () => device.resume());
    device.on('data', (d) => {
      flow.data(true, d);
      peer.write(d);
    });
    peer.on('data', (d) => {
      flow.data(false, d);
      device.write(d);
    });
    device.on('end', () => {
      flow.end(true);
      peer.end();
    });
    peer.on('end', () => {
      flow.end(false);
      device.end();
    });
    // A reset on one side is passed on as a reset, so the device sees what the peer did.
    device.on('error', () => {
      flow.abort(true);
      peer.resetAndDestroy();
    });
    peer.on('error', () => {
      flow.abort(false);
      device.resetAndDestroy();
    });
    device.on('close', () => this.conns.delete(device));
    peer.on('close', () => this.conns.delete(peer));
  }

  private onDatagram(data: Buffer, rinfo: dgram.RemoteInfo): void {
    const key = `${rinfo.address}|${rinfo.port}`;
    let client = this.udpClients.get(key);
    if (!client) {
      const upstream = dgram.createSocket(net.isIPv6(this.target.host) ? 'udp6' : 'udp4');
      client = { upstream, address: rinfo.address, port: rinfo.port };
      const c = client;
      upstream.on('message', (reply) => {
        this.rec.datagram({ address: this.localAddress(), port: this.port }, { address: c.address, port: c.port }, reply);
        this.udp?.send(reply, c.port, c.address);
      });
      upstream.on('error', () => undefined);
      this.udpClients.set(key, client);
    }
    this.rec.datagram({ address: rinfo.address, port: rinfo.port }, { address: this.localAddress(), port: this.port }, data);
    client.upstream.send(data, this.target.port, this.target.host);
  }

  /**
   * The relay's address in captured datagrams: its bind address, or for a wildcard bind the
   * address the device was told (a UDP socket does not learn which local address a datagram hit).
   */
  private localAddress(): string {
    if (this.bindHost !== '0.0.0.0' && this.bindHost !== '::') return this.bindHost;
    return this.advertised ?? '127.0.0.1';
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    for (const c of this.udpClients.values()) c.upstream.close();
    this.udpClients.clear();
    try {
      this.udp?.close();
    } catch {
      /* closed */
    }
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }
}

export class PeerRelay {
  private readonly relays = new Map<string, PortRelay>();

  /** bindHost: where the relay listens; advertisedHost: the address the device is given. */
  constructor(private readonly rec: TrafficRecorder, private readonly options: { bindHost?: string; advertisedHost?: string } = {}) {}

  /** Relays every peer port; returns profile -> relay port (what the device is told). */
  async start(peerPorts: Map<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [profile, port] of peerPorts) {
      const r = new PortRelay({ host: '127.0.0.1', port }, this.options.bindHost ?? '127.0.0.1', this.rec, this.options.advertisedHost);
      this.relays.set(profile, r);
      out.set(profile, await r.start());
    }
    return out;
  }

  /**
   * A restarted peer listens on new ports: new connections go there, while the device keeps the
   * relay ports it was given.
   */
  retarget(peerPorts: Map<string, number>): void {
    for (const [profile, port] of peerPorts) {
      const r = this.relays.get(profile);
      if (r) r.target = { ...r.target, port };
    }
  }

  async stop(): Promise<void> {
    const all = [...this.relays.values()];
    this.relays.clear();
    await Promise.all(all.map((r) => r.stop()));
  }
}
