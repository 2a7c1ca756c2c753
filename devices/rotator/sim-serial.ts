/**
 * Runs a controller simulator on one end of a serial line (a socat
 * pseudo-terminal pair in tests, or a real null-modem cable): it opens the
 * port, hands every byte heard to a protocol responder (sim-gs232.ts,
 * sim-easycomm.ts, sim-rot2prog.ts) that moves a Mount and answers like the
 * real controller. It can be muted to play a controller that stops
 * answering, its replies can be tampered with, and it keeps what it heard
 * so tests can check what was sent.
 */
import { SerialPort } from 'serialport';
import { DeviceError } from '../errors.ts';
import { Mount, type MountOptions } from './mount.ts';

/** A protocol's controller logic: bytes in, replies out through `reply`. */
export interface Responder {
  /** Called with each chunk heard; calls `reply` with the bytes to answer. */
  feed(chunk: Buffer, reply: (b: Uint8Array | string) => void): void;
}

export interface ControllerSimOptions {
  /** The serial port (pty) the simulator opens: the other end of the driver's. */
  path: string;
  /** Baud rate (ignored by a pty; set for a real cable). */
  baud?: number;
  /** The mount behind the controller, or options to make one. */
  mount?: Mount | MountOptions;
}

export class ControllerSim {
  /** Every byte heard since the start. */
  heard = Buffer.alloc(0);
  /** While true, bytes are heard but nothing is answered or done (a controller that stopped answering). */
  muted = false;
  /** Bytes heard while muted. */
  heardWhileMuted = 0;
  /** When set, every reply passes through it first (tests of garbled or partial replies). */
  tamper: ((reply: Buffer) => Uint8Array | string) | undefined;

  private constructor(
    readonly path: string,
    readonly mount: Mount,
    private readonly port: SerialPort,
    private readonly responder: Responder,
  ) {
    port.on('data', (d: Buffer) => this.onData(d));
    port.on('error', () => undefined); // the other end closing is not our error
  }

  /** Opens `opts.path` and starts answering with `responder`. */
  static async start(responder: Responder | ((m: Mount) => Responder), opts: ControllerSimOptions): Promise<ControllerSim> {
    const mount = opts.mount instanceof Mount ? opts.mount : new Mount(opts.mount ?? {});
    let port: SerialPort | undefined;
    // A pty just released may still be locked for a moment on a loaded machine: try a few times.
    for (let attempt = 1; !port; attempt++) {
      const p = new SerialPort({ path: opts.path, baudRate: opts.baud ?? 9600, autoOpen: false });
      const err = await new Promise<Error | null>((resolve) => p.open((e) => resolve(e)));
      if (!err) port = p;
      else if (attempt >= 10 || !/lock/i.test(err.message)) {
        throw new DeviceError('not-found', `simulator cannot open ${opts.path}: ${err.message}`, { cause: err });
      } else await new Promise((r) => setTimeout(r, 100));
    }
    const r = typeof responder === 'function' ? responder(mount) : responder;
    return new ControllerSim(opts.path, mount, port, r);
  }

  private onData(d: Buffer): void {
    this.heard = Buffer.concat([this.heard, d]);
    if (this.muted) {
      this.heardWhileMuted += d.length;
      return;
    }
    this.responder.feed(d, (b) => {
      if (this.muted) return;
      const out = Buffer.from(b);
      this.port.write(this.tamper ? Buffer.from(this.tamper(out)) : out);
    });
  }

  /** Writes raw bytes, as a controller sending something unprompted (alarms, noise, log lines). */
  inject(b: Uint8Array | string): void {
    this.port.write(Buffer.from(b));
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((r) => this.port.close(() => r()));
  }
}
