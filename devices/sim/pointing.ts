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
