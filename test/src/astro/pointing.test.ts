import { Body, Equator, Horizon, Observer, Rotation_EQJ_HOR, RotateVector, Spherical, VectorFromSphere, HorizonFromVector } from 'astronomy-engine';
import { describe, expect, it } from 'vitest';
import { describePointing } from '../../../src/astro/pointing.ts';

const site = { name: 'Dwingeloo', lat: 52.81, lon: 6.4, altitude: 25 };
const obs = new Observer(site.lat, site.lon, site.altitude);

/** The az/el at which a J2000 direction is seen (astronomy-engine's own rotation, the inverse of the one under test). */
function horizontalOf(raDeg: number, decDeg: number, t: Date) {
  const v = RotateVector(Rotation_EQJ_HOR(t, obs), VectorFromSphere(new Spherical(decDeg, raDeg, 1), t));
  return HorizonFromVector(v, '');
}

describe('describePointing', () => {
  it('gives the sun’s J2000 position when pointed where the sun is seen', () => {
    for (const iso of ['2026-06-21T12:00:00Z', '2026-12-21T11:30:00Z', '2027-03-20T10:00:00Z']) {
      const t = new Date(iso);
      const ofDate = Equator(Body.Sun, t, obs, true, true);
      const hor = Horizon(t, obs, ofDate.ra, ofDate.dec);
      const j2000 = Equator(Body.Sun, t, obs, false, true);
      const p = describePointing(site, hor.azimuth, hor.altitude, t);
      expect(Math.abs(p.ra - j2000.ra * 15)).toBeLessThan(1e-6);
      expect(Math.abs(p.dec - j2000.dec)).toBeLessThan(1e-6);
    }
  });

  it('places the galactic centre (J2000 17h45m37.2s −28°56′10″) at l = 0, b = 0 and the north galactic pole at b = 90', () => {
    const t = new Date('2026-08-01T22:00:00Z');
    const gc = horizontalOf(266.405, -28.936, t);
    const p = describePointing(site, gc.lon, gc.lat, t);
    expect(Math.min(p.l, 360 - p.l)).toBeLessThan(0.01);
    expect(Math.abs(p.b)).toBeLessThan(0.01);
    const ngp = horizontalOf(192.8595, 27.1283, t);
    expect(describePointing(site, ngp.lon, ngp.lat, t).b).toBeGreaterThan(89.99);
  });
});
