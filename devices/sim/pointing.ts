/**
 * Where an antenna points. The simulator asks a `PointingModel` for az/el at
 * each frame's sky time, so anything can drive it: the scenario's fixed or
 * sun-tracking pointing, a simulated mount, or a real rotator's last reported
 * position (an adapter that ignores the time argument).
 */
import { equatorialToHorizontal, sunPosition, type Horizontal, type Site } from './ephemeris.ts';
import type { PointingConfig } from './scenario.ts';

/** Gives the antenna's pointing (degrees) at sky time `timeMs` (ms since the Unix epoch). */
export interface PointingModel {
  pointingAt(timeMs: number): Horizontal;
}

/** A function or an object, for convenience. */
export type PointingInput = PointingModel | ((timeMs: number) => Horizontal);

export function asPointingModel(p: PointingInput): PointingModel {
  return typeof p === 'function' ? { pointingAt: p } : p;
}

/** The sun's horizontal position (degrees) at a site and time. */
export function sunHorizontal(site: Site, timeMs: number): Horizontal {
  return equatorialToHorizontal(sunPosition(timeMs), site, timeMs);
}

/** The pointing a scenario describes: fixed, or the sun plus offsets. */
export function pointingFromConfig(cfg: PointingConfig, site: Site): PointingModel {
  if (cfg.mode === 'fixed') {
    const p = { az: cfg.az, el: cfg.el };
    return { pointingAt: () => p };
  }
  return {
    pointingAt(timeMs) {
      const s = sunHorizontal(site, timeMs);
      return { az: (((s.az + cfg.offsetAz) % 360) + 360) % 360, el: Math.max(-90, Math.min(90, s.el + cfg.offsetEl)) };
    },
  };
}

/** What the simulator needs of a rotator (devices/rotator's `Rotator` has it): its position, degrees. */
export interface PositionReader {
  position(): Promise<Horizontal>;
}

/** A pointing that follows a rotator; `stop()` ends the polling. */
export interface RotatorPointing extends PointingModel {
  /** The last position read (degrees), or the initial one before the first read. */
  readonly last: Horizontal;
  /** Reads the position now (also done every `interval`), resolving once it is stored. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Follows a real or simulated rotator: polls `rotator.position()` every
 * `intervalMs` (default 500 ms, as srt-py) and answers `pointingAt` with the
 * last position read, whatever the sky time (a rotator lives in wall-clock
 * time). A failed read keeps the last position. The timer does not keep
 * Node running; call `stop()` when done.
 */
export function pointingFromRotator(
  rotator: PositionReader,
  options: { intervalMs?: number; initial?: Horizontal } = {},
): RotatorPointing {
  let last: Horizontal = options.initial ?? { az: 180, el: 45 };
  const refresh = async () => {
    try {
      const p = await rotator.position();
      if (Number.isFinite(p.az) && Number.isFinite(p.el)) last = { az: p.az, el: p.el };
    } catch {
      // Keep the last position: the rotator's own error events report the failure.
    }
  };
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 500);
  timer.unref();
  void refresh();
  return {
    get last() {
      return last;
    },
    pointingAt: () => last,
    refresh,
    stop: () => clearInterval(timer),
  };
}
