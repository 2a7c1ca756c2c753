/**
 * Yaesu GS-232A / GS-232B serial protocol (reference/rotators.md): commands
 * end in CR; the controller answers CR after every command, CR LF after data,
 * `?>` to an invalid command. Positions are whole degrees on the wire:
 * azimuth 0–450, elevation 0–180. Pure: encoders return the text to send,
 * parsers read the bytes heard so far.
 */
import { type Parsed, partial, positionProblem } from './codec.ts';

export type Gs232Variant = 'a' | 'b';

/** What the wire can carry, degrees (450° in the GS-232B's P45 mode). */
export const wireLimits = { azMin: 0, azMax: 450, elMin: 0, elMax: 180 };

/**
 * Positions a controller can report, degrees: the wire's range and 5° either
 * side, for a position potentiometer calibrated a little off its end stops
 * (real units report -0005). Anything further out is a fault, not a position.
 */
export const replyRange = { azMin: -5, azMax: 455, elMin: -5, elMax: 185 };

const d3 = (x: number) => String(Math.round(x)).padStart(3, '0');

export const encode = {
  /** `Waaa eee`: go to azimuth and elevation, rounded to whole degrees. */
  goto: (az: number, el: number) => `W${d3(az)} ${d3(el)}\r`,
  /** `C2`: read azimuth and elevation. */
  readBoth: () => 'C2\r',
  /** `S`: stop both axes. */
  stop: () => 'S\r',
};

/**
 * Reads the acknowledgement of a command that returns no data: a CR.
 * `?>` means the controller did not accept it.
 */
export function parseAck(b: Uint8Array): Parsed<true> {
  const s = Buffer.from(b).toString('latin1');
  if (s.includes('?>')) return { status: 'rejected', reason: 'the controller answered ?> (invalid command)' };
  const cr = s.search(/[\r\n]/);
  if (cr < 0) return s.length > 16 ? { status: 'garbled', reason: 'no CR after 16 bytes' } : partial;
  if (cr > 0) return { status: 'garbled', reason: 'expected a bare CR' };
  return { status: 'ok', value: true, used: 1 };
}

/**
 * Parses one position line of either variant, tolerant of what real units
 * send: `+0aaa+0eee`, `-0005+0010`, `AZ=aaa  EL=eee`, `AZ=aaaEL=eee`,
 * `AZ=aaa` alone (elevation 0). Undefined when it is neither.
 */
export function parsePositionLine(line: string): { az: number; el: number } | undefined {
  const t = line.trim();
  let m = /^([+-])(\d{1,4})\s*(?:([+-])(\d{1,4}))?$/.exec(t);
  if (m) {
    const az = Number(m[2]) * (m[1] === '-' ? -1 : 1);
    const el = m[4] === undefined ? 0 : Number(m[4]) * (m[3] === '-' ? -1 : 1);
    return { az, el };
  }
  m = /^AZ=\s*([+-]?\d+(?:\.\d+)?)\s*(?:EL=\s*([+-]?\d+(?:\.\d+)?))?$/i.exec(t);
  if (m) return { az: Number(m[1]), el: m[2] === undefined ? 0 : Number(m[2]) };
  return undefined;
}

/** Reads the reply to `C2`: one line ending in LF (CR LF on real units). */
export function parsePosition(b: Uint8Array): Parsed<{ az: number; el: number }> {
  const s = Buffer.from(b).toString('latin1');
  if (s.includes('?>')) return { status: 'rejected', reason: 'the controller answered ?> (invalid command)' };
  let from = 0;
  for (;;) {
    const lf = s.indexOf('\n', from);
    if (lf < 0) return s.length - from > 40 ? { status: 'garbled', reason: 'no line end in 40 bytes' } : partial;
    const line = s.slice(from, lf).replace(/\r/g, '');
    from = lf + 1;
    if (line.trim() === '') continue; // a stray CR LF before the data
    const p = parsePositionLine(line);
    if (!p) return { status: 'garbled', reason: 'not a position line' };
    const problem = positionProblem(p.az, p.el, replyRange);
    if (problem) return { status: 'garbled', reason: problem };
    return { status: 'ok', value: p, used: lf + 1 };
  }
}

/** The controller's side: the position reply of `C2` in each variant, CR LF included. */
export function formatPosition(variant: Gs232Variant, az: number, el: number): string {
  const a = Math.round(az);
  const e = Math.round(el);
  const signed = (x: number) => `${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(4, '0')}`;
  return variant === 'a' ? `${signed(a)}${signed(e)}\r\n` : `AZ=${d3(a)}  EL=${d3(e)}\r\n`;
}

/** The controller's side: one command line (without CR) taken apart. */
export type Gs232Command =
  | { op: 'goto'; az: number; el?: number }
  | { op: 'read'; what: 'az' | 'el' | 'both' }
  | { op: 'stop'; axis: 'az' | 'el' | 'both' }
  | { op: 'move'; dir: 'cw' | 'ccw' | 'up' | 'down' }
  | { op: 'speed'; n: number }
  | { op: 'mode'; azMax: 360 | 450 }
  | { op: 'invalid' };

/** Decodes one command line as a GS-232 controller would (case-insensitive). */
export function decodeCommand(line: string): Gs232Command {
  const t = line.trim().toUpperCase();
  let m: RegExpExecArray | null;
  if ((m = /^W(\d{3}) (\d{3})$/.exec(t))) return { op: 'goto', az: Number(m[1]), el: Number(m[2]) };
  if ((m = /^M(\d{3})$/.exec(t))) return { op: 'goto', az: Number(m[1]) };
  if (t === 'C2') return { op: 'read', what: 'both' };
  if (t === 'C') return { op: 'read', what: 'az' };
  if (t === 'B') return { op: 'read', what: 'el' };
  if (t === 'S') return { op: 'stop', axis: 'both' };
  if (t === 'A') return { op: 'stop', axis: 'az' };
  if (t === 'E') return { op: 'stop', axis: 'el' };
  if (t === 'R') return { op: 'move', dir: 'cw' };
  if (t === 'L') return { op: 'move', dir: 'ccw' };
  if (t === 'U') return { op: 'move', dir: 'up' };
  if (t === 'D') return { op: 'move', dir: 'down' };
  if ((m = /^X([1-4])$/.exec(t))) return { op: 'speed', n: Number(m[1]) };
  if (t === 'P36') return { op: 'mode', azMax: 360 };
  if (t === 'P45') return { op: 'mode', azMax: 450 };
  return { op: 'invalid' };
}
