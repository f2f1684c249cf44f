// Fault-injecting proxy on loopback (no root): UDP datagrams and TCP streams between a client and
// an upstream server, with a seeded schedule. Same seed and same traffic => same faults.
//
// UDP (per datagram, each direction): drop, duplicate, reorder (held back until the next datagram
// of that direction or 2x the delay bound), delay (uniform up to delayMs), truncate (random
// shorter length), and "vanish after N datagrams" (everything later is dropped).
// TCP (server -> client stream, record-aware): delay chunks, and "cut" inside the n-th TLS record
// of a content type: forward the header and half the body, then FIN, RST, or go silent.
//
// Library use: import { UdpProxy, TcpProxy } from './proxy.mjs'.
// By hand:     node tests/fault/proxy.mjs --udp --listen 5684 --upstream 40123 --seed 7 --drop 0.3
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

// Small, well-known 32-bit PRNG (mulberry32); enough for schedules.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_FAULTS = { drop: 0, duplicate: 0, reorder: 0, delay: 0, delayMs: 0, truncate: 0, vanishAfter: 0 };

export class UdpProxy {
  constructor({ upstreamPort, host = '127.0.0.1', seed = 1, faults = {} }) {
    this.upstreamPort = upstreamPort;
    this.host = host;
    this.faults = { ...DEFAULT_FAULTS, ...faults };
    this.random = { up: prng(seed), down: prng(seed ^ 0x5bd1e995) };
    this.stats = { up: newStats(), down: newStats() };
    this.client = null;
    this.held = { up: null, down: null };
    this.timers = new Set();
    this.closed = false;
  }

  async start(listenPort = 0) {
    this.front = dgram.createSocket('udp4');
    this.back = dgram.createSocket('udp4');
    this.front.on('message', (message, from) => {
      this.client = { address: from.address, port: from.port };
      this.handle('up', message);
    });
    this.back.on('message', (message) => this.handle('down', message));
    this.front.on('error', () => {});
    this.back.on('error', () => {});
    await new Promise((resolve) => this.front.bind(listenPort, this.host, resolve));
    await new Promise((resolve) => this.back.bind(0, this.host, resolve));
    this.port = this.front.address().port;
    return this.port;
  }

  send(direction, message) {
    if (this.closed) return;
    if (direction === 'up') this.back.send(message, this.upstreamPort, this.host);
    else if (this.client) this.front.send(message, this.client.port, this.client.address);
    this.stats[direction].forwarded++;
  }

  later(ms, fn) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  handle(direction, message) {
    const f = this.faults;
    const r = this.random[direction];
    const stats = this.stats[direction];
    stats.seen++;
    // Every draw happens for every datagram, so the schedule depends only on seed and index.
    const draws = { drop: r(), duplicate: r(), reorder: r(), delay: r(), delayAmount: r(), truncate: r(), cut: r() };
    if (f.vanishAfter > 0 && stats.seen > f.vanishAfter) {
      stats.vanished++;
      return;
    }
    if (draws.drop < f.drop) {
      stats.dropped++;
      return;
    }
    let payload = message;
    if (draws.truncate < f.truncate && message.length > 1) {
      payload = message.subarray(0, 1 + Math.floor(draws.cut * (message.length - 1)));
      stats.truncated++;
    }
    const copies = draws.duplicate < f.duplicate ? 2 : 1;
    if (copies === 2) stats.duplicated++;
    const deliver = () => {
      for (let i = 0; i < copies; i++) this.send(direction, payload);
    };
    // A held datagram goes out right after the next one of the same direction.
    const releaseHeld = () => {
      const held = this.held[direction];
      if (held) {
        this.held[direction] = null;
        held();
      }
    };
    if (draws.reorder < f.reorder && !this.held[direction]) {
      stats.reordered++;
      let released = false;
      const once = () => {
        if (!released) {
          released = true;
          deliver();
        }
      };
      this.held[direction] = once;
      this.later(Math.max(2 * f.delayMs, 50), () => {
        if (this.held[direction] === once) this.held[direction] = null;
        once();
      });
      return;
    }
    if (draws.delay < f.delay && f.delayMs > 0) {
      stats.delayed++;
      this.later(Math.floor(draws.delayAmount * f.delayMs), () => {
        deliver();
        releaseHeld();
      });
      return;
    }
    deliver();
    releaseHeld();
  }

  async stop() {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([this.front, this.back].map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve()))));
  }
}

function newStats() {
  return { seen: 0, forwarded: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, truncated: 0, vanished: 0 };
}

// TCP: one upstream connection per accepted client. `cut` = { contentType, index, mode } acts on
// the server->client stream: when the index-th record (0-based) of that content type starts, the
// header and half of its body are forwarded, then mode 'fin' (end), 'rst' (reset) or 'silent'
// (keep both connections open, forward nothing more in either direction).
export class TcpProxy {
  constructor({ upstreamPort, host = '127.0.0.1', seed = 1, delayMs = 0, cut = null }) {
    this.upstreamPort = upstreamPort;
    this.host = host;
    this.random = prng(seed);
    this.delayMs = delayMs;
    this.cut = cut;
    this.sockets = new Set();
    this.stats = { connections: 0, bytesDown: 0, bytesUp: 0, cutDone: false, records: [] };
  }

  async start(listenPort = 0) {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise((resolve) => this.server.listen(listenPort, this.host, resolve));
    this.port = this.server.address().port;
    return this.port;
  }

  track(socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }

  accept(client) {
    this.stats.connections++;
    const upstream = net.connect(this.upstreamPort, this.host);
    this.track(client);
    this.track(upstream);
    let silent = false;
    client.on('data', (chunk) => {
      if (silent) return;
      this.stats.bytesUp += chunk.length;
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => {
      if (!silent) client.end();
    });
    client.on('close', () => upstream.destroy());
    // Record parser on the downstream direction.
    let pending = Buffer.alloc(0);
    const seenOfType = new Map();
    upstream.on('data', (chunk) => {
      // After the cut nothing more may reach the client: the stream ends inside that record.
      if (silent || this.stats.cutDone) return;
      pending = Buffer.concat([pending, chunk]);
      const out = [];
      while (pending.length >= 5) {
        const type = pending[0];
        const length = pending.readUInt16BE(3);
        const index = seenOfType.get(type) ?? 0;
        if (this.cut && !this.stats.cutDone && type === this.cut.contentType && index === this.cut.index) {
          const partial = pending.subarray(0, 5 + Math.max(1, Math.floor(length / 2)));
          out.push(partial);
          this.stats.cutDone = true;
          this.stats.records.push({ type, length, cut: partial.length });
          this.forward(client, Buffer.concat(out));
          const mode = this.cut.mode;
          const act = () => {
            if (mode === 'fin') {
              client.end();
              upstream.destroy();
            } else if (mode === 'rst') {
              client.resetAndDestroy();
              upstream.destroy();
            } else {
              silent = true;
            }
          };
          // Let the partial record reach the client first.
          setTimeout(act, 50);
          if (mode === 'silent') silent = true;
          pending = Buffer.alloc(0);
          return;
        }
        if (pending.length < 5 + length) break;
        seenOfType.set(type, index + 1);
        this.stats.records.push({ type, length });
        out.push(pending.subarray(0, 5 + length));
        pending = pending.subarray(5 + length);
      }
      if (out.length) this.forward(client, Buffer.concat(out));
    });
  }

  forward(client, data) {
    this.stats.bytesDown += data.length;
    const delay = this.delayMs > 0 ? Math.floor(this.random() * this.delayMs) : 0;
    if (delay === 0) client.write(data);
    else setTimeout(() => client.write(data), delay);
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// ---- command line ------------------------------------------------------------------------------
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const get = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const upstreamPort = Number(get('upstream'));
  const listen = Number(get('listen', '0'));
  const seed = Number(get('seed', '1'));
  const proxy = args.includes('--udp')
    ? new UdpProxy({
        upstreamPort,
        seed,
        faults: Object.fromEntries(Object.keys(DEFAULT_FAULTS).map((k) => [k, Number(get(k, DEFAULT_FAULTS[k]))])),
      })
    : new TcpProxy({ upstreamPort, seed, delayMs: Number(get('delayMs', '0')) });
  const port = await proxy.start(listen);
  console.log(`PROXY ${args.includes('--udp') ? 'udp' : 'tcp'} 127.0.0.1:${port} -> 127.0.0.1:${upstreamPort}`);
  const seconds = Number(get('seconds', '600'));
  setTimeout(async () => {
    await proxy.stop();
    console.log(JSON.stringify(proxy.stats));
    process.exit(0);
  }, seconds * 1000);
}
