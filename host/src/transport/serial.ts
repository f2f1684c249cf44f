// A device on a serial port (USB CDC ACM, USB-UART bridge, or a QEMU -serial pty).
import { SerialPort } from 'serialport';
import { DeviceError } from '../errors';
import { Transport, TransportBase } from './transport';

export class SerialTransport extends TransportBase implements Transport {
  readonly description: string;
  private closed = false;

  private constructor(private readonly port: SerialPort, path: string, baud: number) {
    super();
    this.description = `serial ${path} @ ${baud}`;
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    port.on('close', () => {
      if (!this.closed) {
        this.closed = true;
        this.emitClose({ code: null, signal: null, reason: `serial port ${path} closed (device reset or unplugged?)` });
      }
    });
  }

  static open(path: string, baud: number): Promise<SerialTransport> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: baud, autoOpen: false });
      port.open((err) => {
        if (err) {
          reject(
            new DeviceError(
              `cannot open serial port ${path}: ${err.message}`,
              /permission|EACCES/i.test(err.message)
                ? 'add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again'
                : 'check the cable and `paltls boards` for the detected ports; pass --port to choose one',
            ),
          );
        } else resolve(new SerialTransport(port, path, baud));
      });
    });
  }

  write(data: Buffer): void {
    if (this.closed) throw new DeviceError(`cannot write: ${this.description} is closed`);
    this.port.write(data);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
