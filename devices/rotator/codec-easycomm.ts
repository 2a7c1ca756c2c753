/**
 * Easycomm II serial protocol (reference/rotators.md): two-letter commands
 * with values, separated by space, CR or LF. `AZ123.4 EL45.6` sets (one
 * decimal), bare `AZ EL` queries and is answered `AZ123.4 EL45.6`, `SA SE`
 * stops. Controllers may send `ALxxx` alarms unprompted. Pure. Degrees.
 */
import { type Parsed, fixed, partial, positionProblem } from './codec.ts';

export const encode = {
  /** `AZaaa.a ELee.e`, one decimal (0.1°). */
  goto: (az: number, el: number) => `AZ${fixed(az, 1)} EL${fixed(el, 1)}\n`,
  /** Bare `AZ EL`: asks for both axes. */
  query: () => 'AZ EL\n',
  /** `SA SE`: stop azimuth and elevation. */
  stop: () => 'SA SE\n',
};

/** Complete tokens (those followed by a separator) and how many bytes they span. */
export function tokens(b: Uint8Array): { tokens: string[]; used: number } {
  const out: string[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x20 || c === 0x0d || c === 0x0a) {
      if (i > start) out.push(Buffer.from(b.subarray(start, i)).toString('latin1'));
      start = i + 1;
      used = i + 1;
    }
  }
  return { tokens: out, used };
}

const NUM = /^[+-]?\d+(?:\.\d*)?$/;

/** Positions an Easycomm controller can report, degrees: azimuth with overlap (−180–540), elevation −90–180. */
export const replyRange = { azMin: -180, azMax: 540, elMin: -90, elMax: 180 };

/**
 * Reads the reply to `AZ EL`: an `AZ` and an `EL` token with numbers, in
 * either order, skipping unsolicited `AL` alarms. A token that is neither is
 * garbled.
 */
export function parsePosition(b: Uint8Array): Parsed<{ az: number; el: number }> {
  const { tokens: toks, used } = tokens(b);
  let az: number | undefined;
  let el: number | undefined;
  for (const t of toks) {
    const key = t.slice(0, 2).toUpperCase();
    const val = t.slice(2);
    if (key === 'AL') continue;
    if ((key === 'AZ' || key === 'EL') && NUM.test(val)) {
      if (key === 'AZ') az = Number(val);
      else el = Number(val);
      if (az !== undefined && el !== undefined) {
        const problem = positionProblem(az, el, replyRange);
        return problem ? { status: 'garbled', reason: problem } : { status: 'ok', value: { az, el }, used };
      }
      continue;
    }
    return { status: 'garbled', reason: `unexpected "${t}"` };
  }
  if (b.length - used > 32) return { status: 'garbled', reason: 'a token longer than 32 bytes' };
  return partial;
}

/** The controller's side: one command token taken apart. */
export type EasycommCommand =
  | { op: 'set'; axis: 'az' | 'el'; value: number }
  | { op: 'query'; axis: 'az' | 'el' }
  | { op: 'stop'; axis: 'az' | 'el' }
  | { op: 'move'; dir: 'left' | 'right' | 'up' | 'down' }
  | { op: 'version' }
  /** `PARK`: not in the Easycomm II text but what Hamlib's easycomm backend sends for park (no reply expected). */
  | { op: 'park' }
  | { op: 'unknown'; token: string };

/** Decodes one token as an Easycomm II controller would. */
export function decodeToken(token: string): EasycommCommand {
  const key = token.slice(0, 2).toUpperCase();
  const val = token.slice(2);
  if (key === 'AZ' || key === 'EL') {
    const axis = key === 'AZ' ? 'az' : 'el';
    if (val === '') return { op: 'query', axis };
    if (NUM.test(val)) return { op: 'set', axis, value: Number(val) };
  }
  if (token.toUpperCase() === 'PARK') return { op: 'park' };
  if (token.length === 2) {
    if (key === 'SA') return { op: 'stop', axis: 'az' };
    if (key === 'SE') return { op: 'stop', axis: 'el' };
    if (key === 'ML') return { op: 'move', dir: 'left' };
    if (key === 'MR') return { op: 'move', dir: 'right' };
    if (key === 'MU') return { op: 'move', dir: 'up' };
    if (key === 'MD') return { op: 'move', dir: 'down' };
    if (key === 'VE') return { op: 'version' };
  }
  return { op: 'unknown', token };
}
