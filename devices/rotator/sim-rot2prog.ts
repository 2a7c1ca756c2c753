/**
 * A SPID Rot2Prog controller simulator: reads 13-byte commands, answers
 * status and stop with the 12-byte status frame at its own pulses per degree,
 * and moves the mount on set (no reply), dividing by its own resolution
 * (it ignores the PH/PV a set carries, as the real controller does).
 */
import { K, decodeCommand, formatStatus } from './codec-rot2prog.ts';
import type { Mount } from './mount.ts';
import type { Responder } from './sim-serial.ts';

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
    return formatStatus(Math.round(p.az * ph) / ph, Math.round(p.el * pv) / pv, ph, pv);
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
        const cmd = decodeCommand(buf.subarray(w, w + 13));
        if (!cmd) {
          buf = buf.subarray(w + 1); // not a frame here: resynchronise on the next W
          continue;
        }
        buf = buf.subarray(w + 13);
        if (cmd.k === K.status || cmd.k === K.stop) {
          if (cmd.k === K.stop) mount.stop();
          if (opts.logLine) reply(`${opts.logLine}\r\n`);
          reply(status());
        } else if (cmd.k === K.set && Number.isFinite(cmd.h) && Number.isFinite(cmd.v)) {
          mount.gotoAxis('az', cmd.h / ph - 360);
          mount.gotoAxis('el', cmd.v / pv - 360);
        }
      }
    },
  };
}
