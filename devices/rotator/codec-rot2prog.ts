/**
 * SPID Rot2Prog binary protocol (reference/rotators.md). Commands are 13
 * bytes: `W`, H1–H4 (ASCII digits), PH, V1–V4 (ASCII digits), PV, K, 0x20;
 * K is 0x0F stop, 0x1F status, 0x2F set. Set sends H = PH·(360 + az) and
 * V = PV·(360 + el); PH/PV are pulses per degree (1, 2 or 4), read from a
 * status reply. Status and stop are answered with 12 bytes: `W`, H1–H4 raw
 * (0–9), PH, V1–V4 raw, PV, 0x20; az = 100·H1 + 10·H2 + H3 + H4/10 − 360.
 * Pure. Degrees.
 */
import { type Parsed, partial, positionProblem } from './codec.ts';

export const K = { stop: 0x0f, status: 0x1f, set: 0x2f } as const;

/** What the wire can carry, degrees: 0–9999 pulses at 1 pulse/° less the 360 offset. */
export const wireLimits = { azMin: -360, azMax: 639, elMin: -360, elMax: 639 };

/** Positions a SPID controller can report, degrees (MD-01/MD-02: azimuth −180–540, elevation −180–180). */
export const replyRange = { azMin: -180, azMax: 540, elMin: -180, elMax: 180 };

function frame(k: number, h = [0, 0, 0, 0], ph = 0, v = [0, 0, 0, 0], pv = 0): Uint8Array {
  return Uint8Array.from([0x57, ...h, ph, ...v, pv, k, 0x20]);
}

function digits(n: number): number[] {
  const s = String(n).padStart(4, '0');
  return [...s].map((c) => c.charCodeAt(0));
}

export const encode = {
  /** Set: az, el in degrees at `ph`, `pv` pulses per degree (rounded to a pulse). */
  set(az: number, el: number, ph: number, pv: number): Uint8Array {
    const h = Math.round(ph * (360 + az));
    const v = Math.round(pv * (360 + el));
    if (h < 0 || h > 9999 || v < 0 || v > 9999) throw new RangeError(`az ${az}°/el ${el}° do not fit Rot2Prog's four digits`);
    return frame(K.set, digits(h), ph, digits(v), pv);
  },
  status: () => frame(K.status),
  stop: () => frame(K.stop),
};

/** A decoded status reply: position in degrees and the pulses per degree. */
export interface Status {
  az: number;
  el: number;
  ph: number;
  pv: number;
}

function isFrameAt(b: Uint8Array, i: number): boolean {
  if (b[i] !== 0x57 || b[i + 11] !== 0x20) return false;
  for (const j of [1, 2, 3, 4, 6, 7, 8, 9]) if (b[i + j]! > 9) return false;
  return true;
}

/**
 * Finds the 12-byte status reply in the bytes heard, skipping anything
 * before it (MD-01 firmware interleaves text log lines on the port).
 */
export function parseStatus(b: Uint8Array): Parsed<Status> {
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0x57) continue;
    if (b.length - i < 12) {
      // Could be the start of a frame: wait, unless its raw digits already rule it out.
      let possible = true;
      for (const j of [1, 2, 3, 4, 6, 7, 8, 9]) if (i + j < b.length && b[i + j]! > 9) possible = false;
      if (possible) return partial;
      continue;
    }
    if (!isFrameAt(b, i)) continue;
    const az = 100 * b[i + 1]! + 10 * b[i + 2]! + b[i + 3]! + b[i + 4]! / 10 - 360;
    const el = 100 * b[i + 6]! + 10 * b[i + 7]! + b[i + 8]! + b[i + 9]! / 10 - 360;
    const ph = b[i + 5]!, pv = b[i + 10]!;
    const problem = positionProblem(round1(az), round1(el), replyRange);
    if (problem) return { status: 'garbled', reason: problem };
    return { status: 'ok', value: { az: round1(az), el: round1(el), ph, pv }, used: i + 12 };
  }
  if (b.length > 512) return { status: 'garbled', reason: 'no status frame in 512 bytes' };
  return partial;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The controller's side: the 12-byte status reply for a position, 0.1° resolution. */
export function formatStatus(az: number, el: number, ph: number, pv: number): Uint8Array {
  const raw = (x: number) => {
    const t = Math.round((360 + x) * 10);
    return [Math.floor(t / 1000), Math.floor(t / 100) % 10, Math.floor(t / 10) % 10, t % 10];
  };
  return Uint8Array.from([0x57, ...raw(az), ph, ...raw(el), pv, 0x20]);
}

/**
 * The controller's side: a 13-byte command taken apart into K and, for a
 * set, the pulse counts H and V (NaN where a digit is not ASCII 0–9);
 * undefined when the bytes are not a command frame.
 */
export function decodeCommand(b: Uint8Array): { k: number; h: number; v: number } | undefined {
  if (b.length !== 13 || b[0] !== 0x57 || b[12] !== 0x20) return undefined;
  const k = b[11]!;
  if (k !== K.set) return { k, h: 0, v: 0 };
  const num = (o: number) => {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = b[o + j]! - 0x30;
      if (c < 0 || c > 9) return NaN;
      n = n * 10 + c;
    }
    return n;
  };
  // Pulses: the controller divides by its own resolution, not the PH/PV sent (which it ignores).
  return { k, h: num(1), v: num(6) };
}
