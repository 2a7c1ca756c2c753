import { describe, expect, it } from 'vitest';
import {
  angularSeparation,
  equatorialToGalactic,
  equatorialToHorizontal,
  horizontalToEquatorial,
  localSiderealTime,
  observerLsrVelocity,
  sunPosition,
} from '../../../devices/sim/ephemeris.ts';

describe('low-precision solar ephemeris', () => {
  it("matches Meeus' example 25.a (1992 Oct 13.0 TD) within 0.01°", () => {
    // Meeus, Astronomical Algorithms, 2nd ed., ex. 25.a: apparent α = 198.38083°, δ = −7.78507°, R = 0.99766 AU.
    const t = Date.UTC(1992, 9, 13, 0, 0, 0) - 59_000; // TD − UT ≈ 59 s in 1992
    const s = sunPosition(t);
    expect(Math.abs(s.ra - 198.38083)).toBeLessThan(0.01);
    expect(Math.abs(s.dec - -7.78507)).toBeLessThan(0.01);
    expect(Math.abs(s.distance - 0.99766)).toBeLessThan(0.0002);
  });

  it('puts the June-solstice noon sun at 90° − 52° + 23.44° at 52° N, due south', () => {
    // Transit at 0° E on 2026-06-21 is at ≈ 12:01:50 UTC (equation of time ≈ −1.8 min).
    const t = Date.UTC(2026, 5, 21, 12, 1, 50);
    const h = equatorialToHorizontal(sunPosition(t), { lat: 52, lon: 0 }, t);
    expect(Math.abs(h.el - 61.44)).toBeLessThan(0.03);
    expect(Math.abs(h.az - 180)).toBeLessThan(0.15);
  });

  it("gives Meeus' sidereal time for 1987 Apr 10 0h UT (13h10m46.3668s)", () => {
    // Meeus ex. 12.a; the formula drops the T² term (< 0.001 s here).
    const lst = localSiderealTime(Date.UTC(1987, 3, 10), 0);
    expect(Math.abs(lst - (13 + 10 / 60 + 46.3668 / 3600) * 15)).toBeLessThan(0.001);
  });

  it('round-trips horizontal ↔ equatorial', () => {
    const site = { lat: 52, lon: 5 };
    const t = Date.UTC(2026, 0, 1, 3, 0, 0);
    for (const h of [{ az: 10, el: 20 }, { az: 200, el: 75 }, { az: 300, el: 5 }]) {
      const back = equatorialToHorizontal(horizontalToEquatorial(h, site, t), site, t);
      expect(angularSeparation(h, back)).toBeLessThan(1e-9);
    }
  });
});

describe('galactic coordinates', () => {
  it('puts Sgr A* at l ≈ 359.944°, b ≈ −0.046° and the pole at b = 90°', () => {
    const gc = equatorialToGalactic({ ra: 266.41684, dec: -29.00781 });
    expect(Math.abs(((gc.l + 180) % 360) - 180 - -0.056)).toBeLessThan(0.01);
    expect(Math.abs(gc.b - -0.046)).toBeLessThan(0.01);
    expect(equatorialToGalactic({ ra: 192.85948, dec: 27.12825 }).b).toBeCloseTo(90, 6);
  });
});

describe('LSR correction', () => {
  it('is the solar motion plus the Earth orbit, opposite in opposite directions', () => {
    const t = Date.UTC(2026, 2, 20, 12);
    const apex = observerLsrVelocity({ ra: 270, dec: 30 }, t);
    const anti = observerLsrVelocity({ ra: 90, dec: -30 }, t);
    expect(apex).toBeCloseTo(-anti, 9);
    // Near the March equinox the Earth moves toward ecliptic longitude 270°; the apex (RA 18h, Dec +30°)
    // lies at λ = 270°, β = 30° + ε = 53.44°, so the orbit adds 29.78·cos 53.44°.
    expect(Math.abs(apex - (20 + 29.78 * Math.cos((53.44 * Math.PI) / 180)))).toBeLessThan(0.2);
    // Toward the ecliptic pole the orbit contributes nothing: only the solar motion's projection.
    const pole = { ra: 270, dec: 66.56 };
    const cosSep = Math.sin((30 * Math.PI) / 180) * Math.sin((66.56 * Math.PI) / 180) + Math.cos((30 * Math.PI) / 180) * Math.cos((66.56 * Math.PI) / 180);
    expect(observerLsrVelocity(pole, t)).toBeCloseTo(20 * cosSep, 1);
  });
});

describe('against astronomy-engine (VSOP87, nutation, aberration)', () => {
  it('agrees on the sun within 0.02° over 2000–2040 at several sites', async () => {
    const ae = await import('astronomy-engine');
    let worst = 0;
    for (let k = 0; k < 200; k++) {
      const t = Date.UTC(2000, 0, 1) + k * 73.3 * 86_400_000 + (k % 24) * 3_600_000;
      for (const site of [{ lat: 52, lon: 0 }, { lat: -33.9, lon: 151.2 }, { lat: 40, lon: -105 }]) {
        const obs = new ae.Observer(site.lat, site.lon, 0);
        const eq = ae.Equator(ae.Body.Sun, new Date(t), obs, true, true);
        const hor = ae.Horizon(new Date(t), obs, eq.ra, eq.dec);
        const ours = equatorialToHorizontal(sunPosition(t), site, t);
        worst = Math.max(worst, angularSeparation(ours, { az: hor.azimuth, el: hor.altitude }));
      }
    }
    expect(worst).toBeLessThan(0.02);
  });
});
