/**
 * Hamlib rotctld's network protocol (reference/rotators.md), extended mode:
 * each command is prefixed `+` and every reply is `Key: value` records
 * ending in `RPRT n`. Pure: encoders return the line to send, parsers read
 * the bytes heard so far. Degrees throughout.
 */
import { type Parsed, fixed, partial, positionProblem } from './codec.ts';

/** Hamlib's RIG_E* codes as rotctld prints them (negated in `RPRT -n`). */
export const rprtNames: Record<number, string> = {
  1: 'EINVAL (invalid parameter)', 2: 'ECONF', 3: 'ENOMEM', 4: 'ENIMPL (not implemented)',
  5: 'ETIMEOUT (the rotator did not answer rotctld)', 6: 'EIO', 7: 'EINTERNAL', 8: 'EPROTO', 9: 'ERJCTED (rejected)',
  10: 'ETRUNC', 11: 'ENAVAIL (not available)', 12: 'ENTARGET', 13: 'BUSERROR', 14: 'BUSBUSY', 15: 'EARG',
  16: 'EVFO', 17: 'EDOM', 18: 'EDEPRECATED', 19: 'ESECURITY', 20: 'EPOWER', 21: 'ELIMIT (out of limits)', 22: 'EACCESS',
};

export const encode = {
  /** `+\set_pos az el`, two decimals (0.01°). */
  setPos: (az: number, el: number) => `+\\set_pos ${fixed(az, 2)} ${fixed(el, 2)}\n`,
  getPos: () => '+\\get_pos\n',
  stop: () => '+\\stop\n',
  park: () => '+\\park\n',
  dumpState: () => '+\\dump_state\n',
};

/** One extended reply: its `Key: value` records and the RPRT code (0 ok). */
export interface Reply {
  records: Map<string, string>;
  /** Lines that are not `Key: value` (dump_state's `rot_type=AzEl`, `done`). */
  other: string[];
  rprt: number;
}

/**
 * Reads one extended-mode reply to `command` (`get_pos`): the echo line
 * `command:`, records, then `RPRT n`. A non-zero RPRT is 'rejected'.
 */
export function parseReply(b: Uint8Array, command: string): Parsed<Reply> {
  const text = Buffer.from(b).toString('latin1');
  const end = text.search(/RPRT (-?\d+)[^\n]*\n/);
  if (end < 0) {
    if (text.length > 4096) return { status: 'garbled', reason: 'no RPRT line in 4 KiB' };
    const first = text.split('\n')[0]!;
    if (text.includes('\n') && !first.startsWith(`${command}:`)) {
      return { status: 'garbled', reason: `expected "${command}:" first` };
    }
    return partial;
  }
  const nl = text.indexOf('\n', end);
  const lines = text.slice(0, end).split('\n').filter((l) => l.length > 0);
  const rprt = Number(/RPRT (-?\d+)/.exec(text.slice(end))![1]);
  const used = nl + 1;
  if (lines.length > 0 && !lines[0]!.startsWith(`${command}:`)) {
    return { status: 'garbled', reason: `expected "${command}:" first, got "${lines[0]}"` };
  }
  if (rprt !== 0) return { status: 'rejected', reason: `RPRT ${rprt}: ${rprtNames[-rprt] ?? 'unknown error'}` };
  const records = new Map<string, string>();
  const other: string[] = [];
  for (const line of lines.slice(1)) {
    const m = /^([^:=]+):\s*(.*)$/.exec(line);
    if (m) records.set(m[1]!.trim(), m[2]!.trim());
    else other.push(line);
  }
  return { status: 'ok', value: { records, other, rprt }, used };
}

/** A number from a record, or undefined when absent or not a number. */
function num(r: Reply, key: string): number | undefined {
  const v = r.records.get(key);
  const x = v === undefined ? NaN : Number(v);
  return Number.isFinite(x) ? x : undefined;
}

/** Positions rotctld can report, degrees: Hamlib's widest azimuth (−360–720 with overlap) and elevation −90–180. */
export const replyRange = { azMin: -360, azMax: 720, elMin: -90, elMax: 180 };

/** Reads `+\get_pos`'s reply: Azimuth and Elevation records, degrees. */
export function parsePosition(b: Uint8Array): Parsed<{ az: number; el: number }> {
  const r = parseReply(b, 'get_pos');
  if (r.status !== 'ok') return r;
  const az = num(r.value, 'Azimuth');
  const el = num(r.value, 'Elevation');
  if (az === undefined || el === undefined) return { status: 'garbled', reason: 'get_pos without numeric Azimuth and Elevation' };
  const problem = positionProblem(az, el, replyRange);
  if (problem) return { status: 'garbled', reason: problem };
  return { status: 'ok', value: { az, el }, used: r.used };
}

/** Reads `+\dump_state`'s limits (Minimum/Maximum Azimuth/Elevation), degrees. */
export function parseLimits(b: Uint8Array): Parsed<{ azMin: number; azMax: number; elMin: number; elMax: number }> {
  const r = parseReply(b, 'dump_state');
  if (r.status !== 'ok') return r;
  const v = {
    azMin: num(r.value, 'Minimum Azimuth'), azMax: num(r.value, 'Maximum Azimuth'),
    elMin: num(r.value, 'Minimum Elevation'), elMax: num(r.value, 'Maximum Elevation'),
  };
  if (v.azMin === undefined || v.azMax === undefined || v.elMin === undefined || v.elMax === undefined) {
    return { status: 'garbled', reason: 'dump_state without Minimum/Maximum Azimuth/Elevation' };
  }
  return { status: 'ok', value: v as { azMin: number; azMax: number; elMin: number; elMax: number }, used: r.used };
}

/** Reads the reply to a set command (set_pos, stop, park): ok when `RPRT 0`. */
export function parseAck(b: Uint8Array, command: string): Parsed<true> {
  const r = parseReply(b, command);
  return r.status === 'ok' ? { status: 'ok', value: true, used: r.used } : r;
}
