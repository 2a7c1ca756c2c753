import { describe, expect, it } from 'vitest';
import { nextSunTransit, sunPosition } from '../../../src/astro/sun.ts';
import { AstroError, validateSite } from '../../../src/astro/site.ts';
import { frequencyForVelocity, hydrogenLine, lsrCorrection, radioVelocity } from '../../../src/astro/velocity.ts';

const greenwich = { name: 'Greenwich', lat: 51.4769, lon: 0, altitude: 46 };

describe('the sun', () => {
  it('stands at 90° − φ + 23.44° at noon on the June solstice', () => {
    const site = { ...greenwich, lat: 52 };
    const noon = nextSunTransit(site, new Date('2026-06-21T00:00:00Z'));
    expect(noon.el).toBeCloseTo(90 - 52 + 23.44, 1);
    expect(sunPosition(site, noon.time).az).toBeCloseTo(180, 1);
    expect(sunPosition(site, noon.time).dec).toBeCloseTo(23.44, 1);
  });

  it('transits at 12:00 minus the equation of time: 11:43:36 UTC at Greenwich on 3 November (EoT +16 m 24 s)', () => {
    const t = nextSunTransit(greenwich, new Date('2026-11-03T00:00:00Z')).time;
    expect(Math.abs(t.getTime() - Date.parse('2026-11-03T11:43:36Z'))).toBeLessThan(30_000);
    // 15° further west, one hour later (less the small change of the equation of time in that hour).
    const west = nextSunTransit({ ...greenwich, lon: -15 }, new Date('2026-11-03T00:00:00Z')).time;
    expect((west.getTime() - t.getTime()) / 60_000).toBeCloseTo(60, 0);
  });

  it('is below the horizon at local midnight in winter', () => {
    expect(sunPosition(greenwich, new Date('2026-12-21T00:00:00Z')).el).toBeLessThan(-50);
  });
});

describe('velocities', () => {
  it('uses the radio convention about 1420.405751768 MHz', () => {
    expect(radioVelocity(hydrogenLine)).toBe(0);
    // +100 km/s (receding) appears f0·v/c = 473.796 kHz low.
    expect(hydrogenLine - frequencyForVelocity(100)).toBeCloseTo(473_796.36, 1);
    expect(radioVelocity(frequencyForVelocity(-37.5))).toBeCloseTo(-37.5, 9);
  });

  it("changes the LSR correction by twice the Earth's orbital speed (≈ 59.6 km/s) between the equinoxes toward λ = 270°", () => {
    // The ecliptic point λ = 270°, β = 0 is RA 270°, Dec −23.44°: the Earth moves toward it at the March equinox.
    const march = lsrCorrection(greenwich, new Date('2026-03-20T15:00:00Z'), 270, -23.44);
    const sept = lsrCorrection(greenwich, new Date('2026-09-23T01:00:00Z'), 270, -23.44);
    expect(march - sept).toBeGreaterThan(59.6 - 2);
    expect(march - sept).toBeLessThan(59.6 + 2);
  });

  it('is only the solar motion toward the ecliptic pole, whatever the date', () => {
    // Apex (J2000) 271.0°, +30.0°; pole 270°, +66.56°: the angle between them is 36.6°, so 20·cos = 16.06 km/s.
    for (const date of ['2026-01-01T00:00:00Z', '2026-07-01T12:00:00Z']) {
      expect(Math.abs(lsrCorrection(greenwich, new Date(date), 270, 66.56) - 16.06)).toBeLessThan(0.6);
    }
  });
});

describe('site validation', () => {
  it('says which field is wrong', () => {
    expect(() => validateSite({ name: '', lat: 0, lon: 0, altitude: 0 })).toThrow(/name must be a non-empty string/);
    expect(() => validateSite({ name: 'x', lat: 91, lon: 0, altitude: 0 })).toThrow(AstroError);
    expect(() => validateSite({ name: 'x', lat: 0, lon: 400, altitude: 0 })).toThrow(/longitude must be from −180 to 360/);
    expect(() => validateSite({ name: 'x', lat: 0, lon: 0, altitude: 20_000 })).toThrow(/altitude must be in metres/);
    expect(validateSite({ name: ' Dish ', lat: 52, lon: 350, altitude: 10 })).toEqual({ name: 'Dish', lat: 52, lon: -10, altitude: 10 });
  });
});
