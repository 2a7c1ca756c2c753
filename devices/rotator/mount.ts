/**
 * A simulated az/el mount: two axes that slew at finite rates (degrees per
 * second) towards a target, inside soft limits, with azimuth wrap handled by
 * choosing the nearest mechanical position in an overlap range (0–450°,
 * −180–540°). It is the model behind the serial controller simulators and,
 * through SimRotator, a Rotator with no wire at all.
 */
import { EventEmitter } from 'node:events';
import { DeviceError } from '../errors.ts';
import {
  type AzEl, type Limits, type Rotator, type RotatorEvents, defaultLimits, resolveTarget, validateLimits,
} from './rotator.ts';

export interface MountOptions {
  /** Soft limits, degrees (default 0–360 azimuth, 0–90 elevation). */
  limits?: Limits;
  /** Slew rates, degrees per second (defaults 6 and 3, a Yaesu G-5500's order). */
  azRate?: number;
  elRate?: number;
  /** Where the mount starts, degrees (default the park position). */
  start?: AzEl;
  /** The park (stow) position, degrees (default az 0, el 90 clamped to the limits). */
  parkAt?: AzEl;
  /** The clock, milliseconds (default Date.now): tests may drive time by hand. */
  now?: () => number;
}

type Axis = { from: number; target: number; since: number; rate: number };

function along(a: Axis, t: number): number {
  const step = (a.rate * Math.max(0, t - a.since)) / 1000;
  const d = a.target - a.from;
  return Math.abs(d) <= step ? a.target : a.from + Math.sign(d) * step;
}

export class Mount {
  readonly limits: Limits;
  readonly parkAt: AzEl;
  private readonly now: () => number;
  private az: Axis;
  private el: Axis;

  constructor(opts: MountOptions = {}) {
    this.limits = validateLimits({ ...(opts.limits ?? defaultLimits) });
    const l = this.limits;
    const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
    this.parkAt = opts.parkAt ?? { az: clamp(0, l.azMin, l.azMax), el: clamp(90, l.elMin, l.elMax) };
    const start = opts.start ?? this.parkAt;
    this.now = opts.now ?? Date.now;
    const azRate = opts.azRate ?? 6;
    const elRate = opts.elRate ?? 3;
    if (!(azRate > 0) || !(elRate > 0)) throw new DeviceError('invalid', `slew rates must be positive degrees per second, got ${azRate}, ${elRate}`);
    const t = this.now();
    this.az = { from: start.az, target: start.az, since: t, rate: azRate };
    this.el = { from: start.el, target: start.el, since: t, rate: elRate };
  }

  /** The current position, degrees. */
  position(): AzEl {
    const t = this.now();
    return { az: along(this.az, t), el: along(this.el, t) };
  }

  /** True while either axis has not reached its target. */
  get moving(): boolean {
    const p = this.position();
    return p.az !== this.az.target || p.el !== this.el.target;
  }

  /** Where the axes are heading, degrees (mechanical). */
  target(): AzEl {
    return { az: this.az.target, el: this.el.target };
  }

  private retarget(axis: 'az' | 'el', target: number): void {
    const t = this.now();
    const a = this[axis];
    this[axis] = { from: along(a, t), target, since: t, rate: a.rate };
  }

  /**
   * Slews to (az, el), choosing the mechanical azimuth nearest the current
   * one; throws DeviceError 'limit' when outside the limits. Returns the
   * mechanical target.
   */
  goto(az: number, el: number): AzEl {
    const target = resolveTarget(az, el, this.limits, this.position().az);
    this.retarget('az', target.az);
    this.retarget('el', target.el);
    return target;
  }

  /**
   * Slews one axis alone to a mechanical position, degrees, clamped to the
   * limits as a controller's end stops would (no wrap choice: a serial
   * controller is told the mechanical position). Returns where it will stop.
   */
  gotoAxis(axis: 'az' | 'el', value: number): number {
    const lo = axis === 'az' ? this.limits.azMin : this.limits.elMin;
    const hi = axis === 'az' ? this.limits.azMax : this.limits.elMax;
    const v = Math.min(hi, Math.max(lo, value));
    this.retarget(axis, v);
    return v;
  }

  /** Runs one axis towards its end stop (manual R/L/U/D), until stopped. */
  run(dir: 'cw' | 'ccw' | 'up' | 'down'): void {
    if (dir === 'cw') this.retarget('az', this.limits.azMax);
    else if (dir === 'ccw') this.retarget('az', this.limits.azMin);
    else if (dir === 'up') this.retarget('el', this.limits.elMax);
    else this.retarget('el', this.limits.elMin);
  }

  /** Stops one or both axes where they are now. */
  stop(axis: 'az' | 'el' | 'both' = 'both'): void {
    const p = this.position();
    if (axis !== 'el') this.retarget('az', p.az);
    if (axis !== 'az') this.retarget('el', p.el);
  }

  /** Slews to the park position: a mechanical position, so no wrap choice. */
  park(): AzEl {
    return { az: this.gotoAxis('az', this.parkAt.az), el: this.gotoAxis('el', this.parkAt.el) };
  }
}

/** The simulated mount as a Rotator: no wire, same interface as every driver. */
export class SimRotator extends EventEmitter<RotatorEvents> implements Rotator {
  readonly name = 'sim';
  private closed = false;

  private constructor(readonly mount: Mount) {
    super();
  }

  /** Opens a simulated rotator (the factory every driver has). */
  static async open(opts: MountOptions = {}): Promise<SimRotator> {
    return new SimRotator(new Mount(opts));
  }

  get limits(): Limits {
    return this.mount.limits;
  }

  private check(): void {
    if (this.closed) throw new DeviceError('closed', 'the simulated rotator is closed');
  }

  async moveTo(az: number, el: number): Promise<AzEl> {
    this.check();
    return this.mount.goto(az, el);
  }

  async position(): Promise<AzEl> {
    this.check();
    return this.mount.position();
  }

  async stop(): Promise<void> {
    this.check();
    this.mount.stop();
  }

  async park(): Promise<void> {
    this.check();
    this.mount.park();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
