/**
 * Controller simulators: each opens the far end of a serial line (a socat
 * pseudo-terminal pair in tests, or a real null-modem cable), moves a Mount
 * and answers like the real controller, byte for byte. `ControllerSim` runs
 * a protocol's `Responder` on a port; it can be muted to play a controller
 * that stops answering, its replies can be tampered with, and it keeps what
 * it heard so tests can check what was sent.
 *
 * - GS-232A/B (`gs232Responder`): CR-terminated commands; CR after every
 *   command, the position with CR LF (`+0aaa+0eee` for the A,
 *   `AZ=aaa  EL=eee` for the B), `?>` to anything unknown. Whole degrees.
 * - Easycomm II (`easycommResponder`): space/CR/LF separated tokens; moves on
 *   `AZx ELy`, answers bare `AZ`/`EL` with `AZaaa.a ELee.e` at the line end,
 *   stops on `SA`/`SE`, runs on `ML MR MU MD`, answers `VE`, slews to the
 *   mount's park position on `PARK` (Hamlib's park; no reply, as Hamlib
 *   expects none). Unknown tokens are ignored (Easycomm II has no error reply).
 * - Rot2Prog (`rot2progResponder`): 13-byte commands; status and stop are
 *   answered with the 12-byte status frame at its own pulses per degree; a
 *   set moves the mount (no reply), divided by its own resolution (it ignores
 *   the PH/PV a set carries, as the real controller does).
 *
 * Checked against Hamlib's own backends (see README.md).
 */
import { SerialPort } from 'serialport';
import { DeviceError } from '../errors.ts';
import { fixed } from './codec.ts';
import * as easycomm from './codec-easycomm.ts';
import * as gs232 from './codec-gs232.ts';
import * as rot2prog from './codec-rot2prog.ts';
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
  /** The bytes heard since the start (the last 1 MiB, so a long `serve` does not grow without bound). */
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
    this.heard = Buffer.concat([this.heard.length + d.length > 1 << 20 ? this.heard.subarray(d.length) : this.heard, d]);
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

/** The GS-232 controller logic for `variant` 'a' or 'b', driving `mount`. */
export function gs232Responder(variant: gs232.Gs232Variant, mount: Mount): Responder {
  let line = '';
  const handle = (cmd: string, reply: (b: string) => void): void => {
    if (cmd.trim() === '') return;
    const c = gs232.decodeCommand(cmd);
    const p = mount.position();
    switch (c.op) {
      case 'goto':
        mount.gotoAxis('az', c.az);
        if (c.el !== undefined) mount.gotoAxis('el', c.el);
        return reply('\r');
      case 'read': {
        const full = gs232.formatPosition(variant, p.az, p.el);
        if (c.what === 'both') return reply(full);
        // C or B alone: the A answers +0aaa, the B AZ=aaa / EL=eee.
        const [az, el] = variant === 'a' ? [full.slice(0, 5), full.slice(5, 10)] : [full.slice(0, 6), full.slice(8, 14)];
        return reply(`${c.what === 'az' ? az : el}\r\n`);
      }
      case 'stop':
        mount.stop(c.axis);
        return reply('\r');
      case 'move':
        mount.run(c.dir);
        return reply('\r');
      case 'speed':
      case 'mode':
        return reply('\r');
      case 'invalid':
        return reply('?>\r');
    }
  };
  return {
    feed(chunk, reply) {
      for (const ch of chunk.toString('latin1')) {
        if (ch === '\r' || ch === '\n') {
          handle(line, reply);
          line = '';
        } else if (line.length < 64) line += ch;
      }
    },
  };
}

/** The Easycomm II controller logic driving `mount`. */
export function easycommResponder(mount: Mount): Responder {
  let token = '';
  let queries: ('az' | 'el' | 've')[] = [];
  const endToken = (): void => {
    if (token === '') return;
    const c = easycomm.decodeToken(token);
    token = '';
    if (c.op === 'set') mount.gotoAxis(c.axis, c.value);
    else if (c.op === 'query') queries.push(c.axis);
    else if (c.op === 'stop') mount.stop(c.axis);
    else if (c.op === 'move') mount.run(({ left: 'ccw', right: 'cw', up: 'up', down: 'down' } as const)[c.dir]);
    else if (c.op === 'version') queries.push('ve');
    else if (c.op === 'park') mount.park();
  };
  return {
    feed(chunk, reply) {
      for (const ch of chunk.toString('latin1')) {
        if (ch === ' ') endToken();
        else if (ch === '\r' || ch === '\n') {
          endToken();
          const p = mount.position();
          const parts = queries.map((a) => (a === 'az' ? `AZ${fixed(p.az, 1)}` : a === 'el' ? `EL${fixed(p.el, 1)}` : 'VE1.0'));
          if (parts.length > 0) reply(`${parts.join(' ')}\n`);
          queries = [];
        } else if (token.length < 32) token += ch;
      }
    },
  };
}

export interface Rot2ProgSimOptions {
  /** Pulses per degree, azimuth and elevation: 1, 2 or 4 (default 2, the Rot2Prog's usual). */
  ph?: number;
  pv?: number;
  /** A text line to send before each status frame, as MD-01 firmware logging does. */
  logLine?: string;
}

/** The Rot2Prog controller logic driving `mount`. */
export function rot2progResponder(mount: Mount, opts: Rot2ProgSimOptions = {}): Responder {
  const ph = opts.ph ?? 2;
  const pv = opts.pv ?? 2;
  let buf = Buffer.alloc(0);
  const status = (): Uint8Array => {
    const p = mount.position();
    // The frame carries 0.1°; a real controller reports whole pulses, so round to 1/ph.
    return rot2prog.formatStatus(Math.round(p.az * ph) / ph, Math.round(p.el * pv) / pv, ph, pv);
  };
  return {
    feed(chunk, reply) {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const w = buf.indexOf(0x57);
        if (w < 0) {
          buf = Buffer.alloc(0);
          return;
        }
        if (buf.length - w < 13) {
          buf = buf.subarray(w);
          return;
        }
        const cmd = rot2prog.decodeCommand(buf.subarray(w, w + 13));
        if (!cmd) {
          buf = buf.subarray(w + 1); // not a frame here: resynchronise on the next W
          continue;
        }
        buf = buf.subarray(w + 13);
        if (cmd.k === rot2prog.K.status || cmd.k === rot2prog.K.stop) {
          if (cmd.k === rot2prog.K.stop) mount.stop();
          if (opts.logLine) reply(`${opts.logLine}\r\n`);
          reply(status());
        } else if (cmd.k === rot2prog.K.set && Number.isFinite(cmd.h) && Number.isFinite(cmd.v)) {
          mount.gotoAxis('az', cmd.h / ph - 360);
          mount.gotoAxis('el', cmd.v / pv - 360);
        }
      }
    },
  };
}
