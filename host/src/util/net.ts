// Where the test peers listen and which address the device is told to use.
import * as dgram from 'dgram';
import * as os from 'os';
import { Board } from '../boards/registry';
import { PeerError } from '../errors';

export interface PeerPlan {
  /** Address the peer binds (undefined: the peer's default, loopback). */
  bindHost?: string;
  /** Address sent to the device as peer.host. */
  peerHost: string;
}

/** Interfaces that are never the LAN a board is plugged into (containers, VMs, VPN tunnels). */
const VIRTUAL_IFACE = /^(docker|br-|veth|virbr|vboxnet|vmnet|lxc|lxd|cni|flannel|tun|tap|wg|zt|utun|podman)/;

/** The first usable IPv4 address in an os.networkInterfaces() table, physical interfaces first. */
export function pickLanAddress(table: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string | undefined {
  const candidates: { name: string; address: string }[] = [];
  for (const [name, list] of Object.entries(table)) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) candidates.push({ name, address: a.address });
    }
  }
  const physical = candidates.filter((c) => !VIRTUAL_IFACE.test(c.name));
  return (physical[0] ?? candidates[0])?.address;
}

/**
 * The host's LAN address: the source address the kernel would use for the default route (a
 * connected UDP socket sends nothing), if it belongs to a local interface; else the first
 * physical interface's IPv4 address.
 */
export async function lanAddress(): Promise<string | undefined> {
  const table = os.networkInterfaces();
  const local = new Set(Object.values(table).flatMap((l) => (l ?? []).map((a) => a.address)));
  const viaRoute = await new Promise<string | undefined>((resolve) => {
    const sock = dgram.createSocket('udp4');
    const finish = (addr?: string): void => {
      try {
        sock.close();
      } catch {
        /* closed */
      }
      resolve(addr);
    };
    sock.once('error', () => finish(undefined));
    // TEST-NET-3 documentation address: routed like any public address, never contacted.
    sock.connect(9, '203.0.113.1', () => {
      try {
        finish(sock.address().address);
      } catch {
        finish(undefined);
      }
    });
  });
  if (viaRoute && viaRoute !== '0.0.0.0' && !viaRoute.startsWith('127.') && local.has(viaRoute)) {
    const name = Object.entries(table).find(([, l]) => (l ?? []).some((a) => a.address === viaRoute))?.[0] ?? '';
    if (!VIRTUAL_IFACE.test(name)) return viaRoute;
  }
  return pickLanAddress(table);
}

/**
 * host/bridge boards and --bridge: the peers stay on loopback (the host makes the connections).
 * qemu-user: loopback too; QEMU's user networking maps the guest's 10.0.2.2 to the host's
 * 127.0.0.1. ethernet/lte: the peers listen on all interfaces and the device gets the LAN address.
 * A board's network.peerHost overrides the address sent to the device.
 */
export async function peerPlan(board: Board, bridge: boolean, lan: () => Promise<string | undefined> = lanAddress): Promise<PeerPlan> {
  if (bridge || board.network.mode === 'host' || board.network.mode === 'bridge') {
    return { peerHost: bridge ? '127.0.0.1' : board.network.peerHost ?? '127.0.0.1' };
  }
  if (board.network.mode === 'qemu-user') return { peerHost: board.network.peerHost ?? '10.0.2.2' };
  const peerHost = board.network.peerHost ?? (await lan());
  if (!peerHost) {
    throw new PeerError(
      `board ${board.id} reaches the peers over ${board.network.mode}, but this host has no LAN (non-loopback IPv4) address`,
      'connect the host to the network the board is on, set network.peerHost in the board registry, or use --bridge',
    );
  }
  return { bindHost: '0.0.0.0', peerHost };
}
