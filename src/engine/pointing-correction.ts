/**
 * The pointing correction a sun drift measured, kept beside the station's
 * settings in the data folder (pointing-correction.json, written atomically)
 * for the rotator driver and the scheduler: where the dish really points
 * minus where the mount says is b (az on the sky, el), so to point at a
 * target the mount is commanded to target + correction, with the
 * correction in the mount's own degrees: az −b_az/cos el, el −b_el.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PointingCorrection } from '../api/types.ts';

export type { PointingCorrection };


export function pointingCorrectionPath(dataDir: string): string {
  return join(dataDir, 'pointing-correction.json');
}

/** Saves the correction for a measured offset (az on the sky, el; degrees) taken at `elevation`; returns what was saved. */
export function savePointingCorrection(
  dataDir: string,
  m: { az: number; el: number; elevation: number; observation: number; measuredAt: string },
): PointingCorrection {
  const cosEl = Math.cos((m.elevation * Math.PI) / 180);
  const c: PointingCorrection = {
    az: cosEl > 0.05 ? -m.az / cosEl : 0,
    el: -m.el,
    measured: { az: m.az, el: m.el, elevation: m.elevation },
    observation: m.observation,
    measuredAt: m.measuredAt,
  };
  const path = pointingCorrectionPath(dataDir);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(c, null, 2) + '\n');
  renameSync(temp, path);
  return c;
}

/** The last saved correction, or null when none was measured (or the file is not one). */
export function loadPointingCorrection(dataDir: string): PointingCorrection | null {
  const path = pointingCorrectionPath(dataDir);
  if (!existsSync(path)) return null;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as PointingCorrection;
    return Number.isFinite(c.az) && Number.isFinite(c.el) ? c : null;
  } catch {
    return null;
  }
}

/** Where to command a mount (degrees) to point at `target` with a correction applied. */
export function correctedPointing(target: { az: number; el: number }, c: Pick<PointingCorrection, 'az' | 'el'> | null): { az: number; el: number } {
  if (!c) return { ...target };
  return { az: (((target.az + c.az) % 360) + 360) % 360, el: target.el + c.el };
}
