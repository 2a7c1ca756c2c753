/**
 * The station's rotator: one connected Rotator (devices/rotator), its
 * position read at 2 Hz while connected, moves commanded without waiting
 * for them to end, and an arrival noticed by the poll. The station holds at
 * most one; this module knows nothing of the live view or the store.
 *
 * Angles are degrees (azimuth from north through east), times seconds.
 */
import { EventEmitter } from 'node:events';
import { DeviceError } from '../../devices/errors.ts';
import { openRotator, type AzEl, type DriverName, type Limits, type Rotator } from '../../devices/rotator/index.ts';

import type { RotatorStatus } from '../api/types.ts';

export type { DriverName } from '../../devices/rotator/index.ts';
export type { RotatorEvent, RotatorStatus } from '../api/types.ts';

/** What the station is asked to connect; `port` is a serial path or HOST:PORT (rotctld), unused by 'sim'. */
export interface RotatorConnect {
  driver: DriverName;
  port?: string;
  /** Baud rate for serial drivers (default per driver). */
  baud?: number;
  /** Milliseconds per reply and extra tries (driver defaults: 1000 ms, 2). */
  timeoutMs?: number;
  retries?: number;
  /** 'sim' only: slew rates (degrees per second) and start position. */
  azRate?: number;
  elRate?: number;
  start?: AzEl;
  /** Soft limits, degrees (default per driver). */
  limits?: Limits;
}

export interface RotatorControlEvents {
  position: [AzEl & { moving: boolean; target: AzEl | null }];
  /** A commanded move is within `tolerance` of its target. */
  arrived: [AzEl & { target: AzEl }];
  /** The poll failed: the controller is closed and the control is dead. */
  error: [DeviceError];
}

/** Arrived when both axes are within this many degrees of the target (the goto helper's default). */
export const arrivalTolerance = 1;
/** Seconds between position reads: 2 Hz, as srt-py's 0.5 s. */
export const pollInterval = 0.5;

export class RotatorControl extends EventEmitter<RotatorControlEvents> {
  private lastPos: AzEl;
  private target: AzEl | null = null;
  private moving = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    readonly rotator: Rotator,
    readonly driver: DriverName,
    readonly port: string,
    first: AzEl,
  ) {
    super();
    this.lastPos = first;
  }

  /** Opens the rotator and reads its position once (a controller that does not answer is an error here, not later). */
  static async connect(c: RotatorConnect): Promise<RotatorControl> {
    const rotator = await openRotator({
      driver: c.driver, port: c.port, baud: c.baud, timeoutMs: c.timeoutMs, retries: c.retries,
      azRate: c.azRate, elRate: c.elRate, start: c.start, limits: c.limits,
    });
    let first: AzEl;
    try {
      first = await rotator.position();
    } catch (err) {
      await rotator.close().catch(() => undefined);
      throw err;
    }
    const port = c.driver === 'sim' ? 'simulated mount' : c.driver === 'rotctld' ? (c.port ?? '127.0.0.1:4533') : c.port!;
    const control = new RotatorControl(rotator, c.driver, port, first);
    control.schedule();
    return control;
  }

  /** The last position read, degrees. */
  get last(): AzEl {
    return this.lastPos;
  }

  status(): RotatorStatus {
    return { driver: this.driver, port: this.port, az: this.lastPos.az, el: this.lastPos.el, moving: this.moving, limits: { ...this.rotator.limits } };
  }

  snapshot(): { az: number; el: number; moving: boolean; target: AzEl | null } {
    return { ...this.lastPos, moving: this.moving, target: this.target && { ...this.target } };
  }

  /** Commands a move (limits checked by the driver first) and resolves to the mechanical target once the controller took it. */
  async goto(az: number, el: number): Promise<AzEl> {
    const target = await this.rotator.moveTo(az, el);
    this.target = target;
    this.moving = true;
    return target;
  }

  async stop(): Promise<void> {
    await this.rotator.stop();
    this.target = null;
  }

  async park(): Promise<void> {
    await this.rotator.park();
    // Park positions differ by driver and controller: the poll sees the motion.
    this.target = null;
    this.moving = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.rotator.close().catch(() => undefined);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.poll(), pollInterval * 1000);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    let p: AzEl;
    try {
      p = await this.rotator.position();
    } catch (err) {
      if (this.closed) return;
      const e = err instanceof DeviceError ? err : new DeviceError('io', `${this.rotator.name}: ${String(err)}`, { cause: err });
      await this.close();
      this.emit('error', e);
      return;
    }
    if (this.closed) return;
    const changed = Math.abs(p.az - this.lastPos.az) > 0.05 || Math.abs(p.el - this.lastPos.el) > 0.05;
    this.lastPos = p;
    const t = this.target;
    const there = t !== null && Math.abs(p.az - t.az) <= arrivalTolerance && Math.abs(p.el - t.el) <= arrivalTolerance;
    this.moving = t !== null ? !there : changed;
    if (there) this.target = null;
    this.emit('position', { ...p, moving: this.moving, target: this.target });
    if (there) this.emit('arrived', { ...p, target: t });
    this.schedule();
  }
}
