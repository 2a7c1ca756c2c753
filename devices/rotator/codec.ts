/**
 * What every protocol codec's reply parser returns: a pure function of the
 * bytes heard so far, so partial, garbled and interleaved input can be tested
 * without a wire.
 */
export type Parsed<T> =
  /** Not enough bytes yet: wait for more. */
  | { status: 'partial' }
  /** A complete reply; `used` bytes of the input belong to it. */
  | { status: 'ok'; value: T; used: number }
  /** Bytes that cannot be this reply; `reason` says why. */
  | { status: 'garbled'; reason: string }
  /** The controller said it did not accept the command (GS-232 `?>`, rotctld `RPRT -n`). */
  | { status: 'rejected'; reason: string };

export const partial = { status: 'partial' } as const;

/** Splits off complete lines (ending in CR or LF), skipping empty ones; `rest` is the unfinished tail. */
export function splitLines(b: Uint8Array): { lines: string[]; used: number } {
  const lines: string[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a || b[i] === 0x0d) {
      if (i > start) lines.push(Buffer.from(b.subarray(start, i)).toString('latin1'));
      start = i + 1;
      used = i + 1;
    }
  }
  return { lines, used };
}

/** Formats degrees with `digits` decimals, never `-0.0`. */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A range of positions in degrees. */
export interface AngleRange {
  azMin: number;
  azMax: number;
  elMin: number;
  elMax: number;
}

/**
 * Why a position a controller reported cannot be one it holds (outside its
 * range, or not a finite number), or null when it can: a reply such as
 * az 999° or el −45° is an error, never a position.
 */
export function positionProblem(az: number, el: number, range: AngleRange): string | null {
  if (!Number.isFinite(az) || az < range.azMin || az > range.azMax) return `azimuth ${az}° is outside the controller's range ${range.azMin}–${range.azMax}°`;
  if (!Number.isFinite(el) || el < range.elMin || el > range.elMax) return `elevation ${el}° is outside the controller's range ${range.elMin}–${range.elMax}°`;
  return null;
}
