// Serial port detection: lists ports and matches them to registry boards by USB VID:PID.
import { SerialPort } from 'serialport';
import { Board } from './registry';

export interface DetectedPort {
  path: string;
  vid?: string;
  pid?: string;
  serialNumber?: string;
  manufacturer?: string;
  boards: string[];
}

export async function detectPorts(boards: Board[]): Promise<DetectedPort[]> {
  let ports: Awaited<ReturnType<typeof SerialPort.list>> = [];
  try {
    ports = await SerialPort.list();
  } catch {
    ports = [];
  }
  return ports.map((p) => {
    const vid = p.vendorId?.toLowerCase();
    const pid = p.productId?.toLowerCase();
    const matches = boards.filter((b) => (b.usb ?? []).some((u) => u.vid.toLowerCase() === vid && u.pid.toLowerCase() === pid));
    return {
      path: p.path,
      vid,
      pid,
      serialNumber: p.serialNumber,
      manufacturer: p.manufacturer,
      boards: matches.map((b) => b.id),
    };
  });
}

/**
 * Probe serial numbers as the flash tools take them and as USB reports them: J-Link reports
 * "000960012345" where nrfutil/--dev-id take "960012345", so leading zeros are not significant.
 */
export function sameProbeSerial(usbSerial: string | undefined, probe: string): boolean {
  if (!usbSerial) return false;
  const norm = (s: string): string => s.trim().toUpperCase().replace(/^0+(?=.)/, '');
  return norm(usbSerial) === norm(probe);
}

/** USB interface number from a Linux by-id name ("...-if00"), when serialport reports one. */
function usbInterface(pnpId: string | undefined): number | undefined {
  const m = /-if(\d+)/.exec(pnpId ?? '');
  return m ? parseInt(m[1]!, 10) : undefined;
}

/**
 * The console port of a board: --port wins, else the only detected port matching its USB ids
 * (and the registry's console interface when the probe exposes several ports, and the probe
 * serial number when given).
 */
export async function findBoardPort(board: Board, explicit?: string, serial?: string): Promise<string | undefined> {
  if (explicit) return explicit;
  let ports: Awaited<ReturnType<typeof SerialPort.list>> = [];
  try {
    ports = await SerialPort.list();
  } catch {
    ports = [];
  }
  const chosen = ports.filter((p) => {
    const vid = p.vendorId?.toLowerCase();
    const pid = p.productId?.toLowerCase();
    const entry = (board.usb ?? []).find((u) => u.vid.toLowerCase() === vid && u.pid.toLowerCase() === pid);
    if (!entry) return false;
    const iface = usbInterface(p.pnpId);
    if (entry.interface !== undefined && iface !== undefined && iface !== entry.interface) return false;
    return serial === undefined || sameProbeSerial(p.serialNumber, serial);
  });
  if (chosen.length === 1) return chosen[0]!.path;
  return undefined;
}
