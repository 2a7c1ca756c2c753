/**
 * The live session's velocity frame for the Live page's readouts: the LSR
 * correction (v_LSR − v_topo, km/s) for the first antenna's current aim at
 * the sky clock's now, with the direction it was computed for.
 */
import { lsrCorrection } from '../astro/velocity.ts';
import type { LiveLsr } from '../api/types.ts';
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
