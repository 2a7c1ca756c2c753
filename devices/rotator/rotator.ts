/**
 * The one rotator interface, whatever carries the bytes (rotctld over TCP,
 * GS-232, Easycomm, Rot2Prog over serial, or the simulated mount), plus the
 * soft-limit checks every driver runs before it sends anything and the
 * `goto` helper that polls a rotator until it has arrived.
 *
 * Angles are degrees: azimuth from north through east, elevation above the
 * horizon. Times are seconds unless a name ends in `Ms`.
 */
import { EventEmitter } from 'node:events';
import { DeviceError } from '../errors.ts';

/** A pointing, degrees. */
export interface AzEl {
  az: number;
  el: number;
}

/**
 * Soft limits, degrees. An azimuth range wider than 360° (0–450, −180–540)
 * is an overlap: the same direction has two or more mechanical positions and
 * a driver picks the one nearest the current position.
 */
export interface Limits {
  azMin: number;
  azMax: number;
  elMin: number;
  elMax: number;
}

/** Events a rotator emits while `goto` moves it. */
export interface RotatorEvents {
  /** A position read while moving; `t` is host time, seconds since the epoch. */
  position: [AzEl & { t: number }];
  /** Within tolerance of the target. */
  arrived: [AzEl & { t: number }];
  /** The move failed (timeout, garbled reply, stopped answering). */
  error: [DeviceError];
}

export interface Rotator extends EventEmitter<RotatorEvents> {
  /** The driver and port, for messages: `gs232b on /dev/ttyUSB0`. */
  readonly name: string;
  /** The soft limits checked before any command is sent. */
  readonly limits: Limits;
  /**
   * Commands a move to (az, el) and resolves once the controller has taken
   * the command (not once it has arrived: see `goto`). Resolves to the
   * mechanical target sent, which may differ from `az` by 360° in an overlap
   * range, and is rounded to what the protocol can carry.
   */
  moveTo(az: number, el: number): Promise<AzEl>;
  /** Reads the current position, degrees. */
  position(): Promise<AzEl>;
  /** Stops all motion. */
  stop(): Promise<void>;
  /** Sends the rotator to its park (stow) position. */
  park(): Promise<void>;
  /** Releases the port or connection. Further calls throw a 'closed' error. */
  close(): Promise<void>;
}

/** Limits wide enough for most az/el rotators: 0–360° azimuth, 0–90° elevation. */
export const defaultLimits: Limits = { azMin: 0, azMax: 360, elMin: 0, elMax: 90 };

/** Rejects limits that are not numbers or are upside down. */
export function validateLimits(l: Limits): Limits {
  for (const k of ['azMin', 'azMax', 'elMin', 'elMax'] as const) {
    if (!Number.isFinite(l[k])) throw new DeviceError('invalid', `rotator limit ${k} must be a number of degrees, got ${l[k]}`);
  }
  if (l.azMin >= l.azMax) throw new DeviceError('invalid', `rotator limits: azMin ${l.azMin}° must be below azMax ${l.azMax}°`);
  if (l.elMin >= l.elMax) throw new DeviceError('invalid', `rotator limits: elMin ${l.elMin}° must be below elMax ${l.elMax}°`);
  return l;
}

/**
 * Checks (az, el) against the limits and resolves the azimuth wrap: of the
 * positions az + k·360° inside [azMin, azMax], returns the one nearest
 * `currentAz` (degrees; 0 when unknown). Throws DeviceError 'limit' naming
 * the limit that refuses the request.
 */
export function resolveTarget(az: number, el: number, limits: Limits, currentAz = 0): AzEl {
  if (!Number.isFinite(az) || !Number.isFinite(el)) {
    throw new DeviceError('invalid', `target must be numbers of degrees, got az=${az} el=${el}`);
  }
  if (el < limits.elMin) throw new DeviceError('limit', `elevation ${el}° is below the lower limit elMin=${limits.elMin}°`);
  if (el > limits.elMax) throw new DeviceError('limit', `elevation ${el}° is above the upper limit elMax=${limits.elMax}°`);
  const base = ((az % 360) + 360) % 360;
  let best: number | undefined;
  for (let k = Math.floor((limits.azMin - base) / 360); base + k * 360 <= limits.azMax; k++) {
    const cand = base + k * 360;
    if (cand < limits.azMin - 1e-9) continue;
    if (best === undefined || Math.abs(cand - currentAz) < Math.abs(best - currentAz)) best = cand;
  }
  if (best === undefined) {
    const which = az < limits.azMin ? `below the lower limit azMin=${limits.azMin}°` : `above the upper limit azMax=${limits.azMax}°`;
    throw new DeviceError('limit', `azimuth ${az}° is ${which} (no equivalent direction inside ${limits.azMin}–${limits.azMax}°)`);
  }
  return { az: best, el };
}

/** Angular distance between two azimuths, degrees in [0, 180], ignoring wrap. */
export function azDistance(a: number, b: number): number {
  const d = (((a - b) % 360) + 360) % 360;
  return d > 180 ? 360 - d : d;
}

export interface GotoOptions {
  /** Arrived when both axes are within this many degrees (default 1). */
  tolerance?: number;
  /** Give up after this many seconds (default 120). */
  timeout?: number;
  /** Seconds between position reads (default 0.5, as srt-py). */
  interval?: number;
  /** Called with every position read, after the 'position' event. */
  onPosition?: (p: AzEl & { t: number }) => void;
  /** Stop the rotator when the move times out (default true). */
  stopOnTimeout?: boolean;
}

/**
 * Moves `rot` to (az, el) and polls its position every `interval` seconds
 * until both axes are within `tolerance` degrees, emitting 'position' on each
 * read and 'arrived' at the end. Rejects with a DeviceError ('timeout' when
 * it has not arrived within `timeout` seconds, 'limit' before anything is
 * sent, or whatever the driver reported), after emitting 'error'.
 */
export async function goto(rot: Rotator, az: number, el: number, opts: GotoOptions = {}): Promise<AzEl> {
  const tolerance = opts.tolerance ?? 1;
  const timeoutMs = (opts.timeout ?? 120) * 1000;
  const intervalMs = (opts.interval ?? 0.5) * 1000;
  const fail = (err: unknown): never => {
    const e = err instanceof DeviceError ? err : new DeviceError('io', `${rot.name}: ${String(err)}`, { cause: err });
    if (rot.listenerCount('error') > 0) rot.emit('error', e);
    throw e;
  };
  const started = Date.now();
  let target: AzEl;
  try {
    target = await rot.moveTo(az, el);
  } catch (err) {
    return fail(err);
  }
  for (;;) {
    let p: AzEl;
    try {
      p = await rot.position();
    } catch (err) {
      return fail(err);
    }
    const stamped = { az: p.az, el: p.el, t: Date.now() / 1000 };
    rot.emit('position', stamped);
    opts.onPosition?.(stamped);
    if (Math.abs(p.az - target.az) <= tolerance && Math.abs(p.el - target.el) <= tolerance) {
      rot.emit('arrived', stamped);
      return p;
    }
    if (Date.now() - started > timeoutMs) {
      if (opts.stopOnTimeout ?? true) await rot.stop().catch(() => undefined);
      return fail(
        new DeviceError(
          'timeout',
          `${rot.name}: did not reach az ${target.az}° el ${target.el}° within ${timeoutMs / 1000} s ` +
            `(last position az ${p.az}° el ${p.el}°); is the rotator stuck or the tolerance too tight?`,
        ),
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
