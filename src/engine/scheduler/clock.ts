/**
 * The dry run's sky clock: `speed` sky seconds per wall second from `start`,
 * which the scheduler holds at the next job's planned start until it took
 * the job, and moves on from the job's end (the simulator's sky ran the job
 * meanwhile). A night of jobs runs in minutes, each on its planned sky time.
 */
import type { HoldableClock } from './scheduler.ts';

export class DryRunClock implements HoldableClock {
  readonly kind = 'simulated' as const;
  private base: number;
  private w0: number;
  private hold = Infinity;

  constructor(
    start: number,
    readonly speed: number,
    private readonly wall: () => number = Date.now,
  ) {
    if (!(speed > 0) || !Number.isFinite(start)) throw new RangeError(`a dry-run clock needs a start time and a speed > 0 (got ${start}, ${speed})`);
    this.base = start;
    this.w0 = wall();
  }

  now(): number {
    return Math.min(this.hold, this.base + (this.wall() - this.w0) * this.speed);
  }

  timeOfSample(sample: number, _t0: number | null, rate: number): number {
    return this.now() / 1000 + (sample / rate) * this.speed;
  }

  /** The sky stops at `skyMs` (if it gets there) until `resumeFrom`. */
  holdAt(skyMs: number): void {
    this.hold = skyMs;
  }

  /** The sky goes on from `skyMs`. */
  resumeFrom(skyMs: number): void {
    this.base = skyMs;
    this.w0 = this.wall();
    this.hold = Infinity;
  }
}
