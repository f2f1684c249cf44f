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

/** The console port of a board: --port wins, else the only detected port matching its USB ids. */
export async function findBoardPort(board: Board, explicit?: string, serial?: string): Promise<string | undefined> {
  if (explicit) return explicit;
  const detected = (await detectPorts([board])).filter((p) => p.boards.includes(board.id));
  const chosen = serial ? detected.filter((p) => p.serialNumber === serial) : detected;
  if (chosen.length === 1) return chosen[0]!.path;
  return undefined;
}
