/**
 * The sky clock the engine reads time from: real time by default, the
 * simulator's sky when a scenario runs (its start, and `speed` sky seconds
 * per second of samples), so a scheduler, a wizard and a test can run a
 * night in minutes. Nothing in src/engine reads Date.now() for sky time:
 * it asks a clock.
 */
import type { SimEngine } from '../../devices/sim/engine.ts';
import type { ObservationClock } from '../../observations/store/types.ts';

export interface SkyClock {
  /** Real time, or the simulator's sky. */
  readonly kind: 'real' | 'simulated';
  /** Sky seconds per second of wall time (of samples, for the simulator). */
  readonly speed: number;
  /** Sky time now (ms since the Unix epoch). */
  now(): number;
  /**
   * Sky time (Unix s) of a stream's sample `sample`, for a stream whose
   * sample 0 was received at `t0` (Unix s of wall time, or null when nothing
   * was received yet) at `rate` (Hz).
   */
  timeOfSample(sample: number, t0: number | null, rate: number): number;
}

/** The wall clock: sample time from the sample count after the first block's receipt. */
export const realClock: SkyClock = {
  kind: 'real',
  speed: 1,
  now: () => Date.now(),
  timeOfSample: (sample, t0, rate) => (t0 ?? Date.now() / 1000) + sample / rate,
};

/** A fixed clock: always `ms` (ms since the Unix epoch); for tests and for placing a past recording. */
export function fixedClock(ms: number): SkyClock {
  return { kind: 'real', speed: 1, now: () => ms, timeOfSample: (sample, _t0, rate) => ms / 1000 + sample / rate };
}

/** The simulator's sky clock: its scenario's start plus speed × the samples it produced. */
export function simulatorClock(engine: SimEngine): SkyClock {
  return {
    kind: 'simulated',
    speed: engine.scenario.speed,
    now: () => engine.skyTimeAt(engine.position(0)),
    timeOfSample: (sample) => engine.skyTimeAt(sample) / 1000,
  };
}

/** What an observation records of its clock. */
export function clockConfig(clock: SkyClock): ObservationClock {
  return { kind: clock.kind, speed: clock.speed };
}

/**
 * An accelerated sky clock: sky time `start` (ms since the Unix epoch) when
 * made, then `speed` sky seconds per wall second (the scheduler's dry run,
 * a night in minutes). `wall` is the wall clock (default Date.now).
 */
export function acceleratedClock(start: number, speed: number, wall: () => number = Date.now): SkyClock {
  if (!(speed > 0) || !Number.isFinite(start)) throw new RangeError(`an accelerated clock needs a start time and a speed > 0 (got ${start}, ${speed})`);
  const w0 = wall();
  const now = () => start + (wall() - w0) * speed;
  return { kind: speed === 1 ? 'real' : 'simulated', speed, now, timeOfSample: (sample, t0, rate) => (t0 === null ? now() / 1000 : start / 1000 + ((t0 * 1000 - w0) * speed) / 1000 + (sample / rate) * speed) };
}
