/**
 * What every wire driver shares: soft limits checked (and the azimuth wrap
 * resolved) before anything is sent, the last position read, the Link's one
 * command at a time, and a park that is a move to the park position where
 * the protocol has no park command. A driver fills in four protocol hooks.
 */
import { EventEmitter } from 'node:events';
import { DeviceError } from '../errors.ts';
import type { Link } from './link.ts';
import { type AzEl, type Limits, type Rotator, type RotatorEvents, resolveTarget, validateLimits } from './rotator.ts';

/** Options every wire driver takes. */
export interface WireOptions {
  /** Soft limits, degrees (default per driver). */
  limits?: Limits;
  /** Where park() sends a rotator whose protocol has no park command, degrees (default az 0, el 90 clamped to the limits). */
  parkAt?: AzEl;
  /** Milliseconds to wait for each reply (default 1000). */
  timeoutMs?: number;
  /** Extra tries after a timeout or garbled reply (default 2). */
  retries?: number;
}

/** Checks that `l` lies inside what the protocol can carry. */
export function limitsWithin(l: Limits, wire: Limits, driver: string): Limits {
  validateLimits(l);
  if (l.azMin < wire.azMin || l.azMax > wire.azMax || l.elMin < wire.elMin || l.elMax > wire.elMax) {
    throw new DeviceError(
      'invalid',
      `${driver} limits az ${l.azMin}–${l.azMax}°, el ${l.elMin}–${l.elMax}° exceed what the protocol carries ` +
        `(az ${wire.azMin}–${wire.azMax}°, el ${wire.elMin}–${wire.elMax}°)`,
    );
  }
  return l;
}

export abstract class WireRotator extends EventEmitter<RotatorEvents> implements Rotator {
  readonly name: string;
  readonly parkAt: AzEl;
  private last: AzEl | undefined;
  private closed = false;

  protected constructor(
    driver: string,
    protected readonly link: Link,
    readonly limits: Limits,
    parkAt?: AzEl,
  ) {
    super();
    this.name = `${driver} on ${link.port}`;
    const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
    this.parkAt = parkAt ?? { az: clamp(0, limits.azMin, limits.azMax), el: clamp(90, limits.elMin, limits.elMax) };
  }

  /** Sends a move to a mechanical target already inside the limits; resolves to what the wire carried. */
  protected abstract sendGoto(target: AzEl): Promise<AzEl>;
  /** Reads the position from the controller, degrees. */
  protected abstract readPosition(): Promise<AzEl>;
  /** Sends the stop command. */
  protected abstract sendStop(): Promise<void>;
  /** Sends the park command; the default moves to `parkAt`, a mechanical position (no wrap choice). */
  protected async sendPark(): Promise<void> {
    const { az, el } = this.parkAt;
    const l = this.limits;
    if (az < l.azMin || az > l.azMax) {
      throw new DeviceError('limit', `${this.name}: park azimuth ${az}° is outside the limits azMin=${l.azMin}°, azMax=${l.azMax}°`);
    }
    resolveTarget(az, el, l); // checks the elevation, naming the limit
    await this.sendGoto(this.parkAt);
  }

  private check(): void {
    if (this.closed) throw new DeviceError('closed', `${this.name} is closed`);
  }

  async moveTo(az: number, el: number): Promise<AzEl> {
    this.check();
    // Validate first so a refused request sends nothing; then, in an overlap range, pick the nearest wrap.
    resolveTarget(az, el, this.limits, this.last?.az ?? 0);
    if (this.limits.azMax - this.limits.azMin > 360 && !this.last) await this.position();
    const target = resolveTarget(az, el, this.limits, this.last?.az ?? 0);
    return this.sendGoto(target);
  }

  async position(): Promise<AzEl> {
    this.check();
    const p = await this.readPosition();
    this.last = p;
    return p;
  }

  async stop(): Promise<void> {
    this.check();
    await this.sendStop();
  }

  async park(): Promise<void> {
    this.check();
    await this.sendPark();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.link.close();
  }
}
