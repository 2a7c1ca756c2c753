/**
 * The live session's velocity frame for the Live page's readouts: the LSR
 * correction (v_LSR − v_topo, km/s) for the first antenna's current aim at
 * the sky clock's now, with the direction it was computed for.
 */
import { lsrCorrection } from '../astro/velocity.ts';
import type { HiTuningView, LiveLsr } from '../api/types.ts';
import { hiTuning } from '../analysis/hi/tuning.ts';
import { defaultTuning } from '../../devices/sdr/source.ts';
import { describeAim } from './pointing.ts';
import type { Session } from './session.ts';

export function liveLsr(s: Session): LiveLsr | null {
  const now = s.clock.now();
  const aim = s.aimAt(now)?.[0];
  if (!aim) return null;
  const p = describeAim(s.site, aim, now);
  const site = { name: s.site.name, lat: s.site.lat, lon: s.site.lon, altitude: s.site.altitude };
  return { correction_kms: lsrCorrection(site, new Date(now), p.ra, p.dec), ra: p.ra, dec: p.dec, l: p.l ?? null, b: p.b ?? null, time: now / 1000 };
}

/**
 * Where to tune the live view for the HI at (l, b), or at the dish's pointing
 * when not given (its LSR correction then applied): the velocities its
 * emission can have there mid-band (src/analysis/hi/tuning.ts).
 */
export function liveHiTuning(s: Session | null, at: { l?: number; b?: number; sampleRate?: number }): HiTuningView {
  const lsr = s ? liveLsr(s) : null;
  const l = at.l ?? lsr?.l ?? null, b = at.b ?? lsr?.b ?? null;
  if (l === null || b === null) throw new Error('no direction to tune for: give l and b, or start the live view on a dish whose pointing is known (the Station page\'s site and the rotator or the simulator\'s dish)');
  const rate = at.sampleRate ?? s?.source.tuning.sampleRate ?? defaultTuning.sampleRate;
  const own = at.l === undefined && at.b === undefined;
  const t = hiTuning(l, b, rate, own && lsr ? lsr.correction_kms : 0);
  return { centerFrequency: t.centerFrequency, sampleRate: rate, l, b, window: t.window, margins: t.margins, dc_kms: t.dcKms, why: t.why, pointing: own };
}
