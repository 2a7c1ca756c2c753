import { describe, expect, it } from 'vitest';
import { beamFwhm, solarFlux, sunAntennaTemperature } from '../../../devices/sim/beam.ts';
import { realSampleRate, nearestGain } from '../../../devices/sim/frontend.ts';
import { beamAveragedProfile, lineOfSightProfile, lsrVelocity } from '../../../devices/sim/hydrogen.ts';
import { atmosphereTemperature, coldSkyZenith, groundSpill } from '../../../devices/sim/sky.ts';
import { besselJ1, cholesky, diskVisibility } from '../../../devices/sim/sundisk.ts';

describe('beam and sun', () => {
  it('has a half-power width of 1.2 λ/D: 14.5° for a 1 m dish at 1420 MHz', () => {
    expect(beamFwhm(1, 1420.405752e6)).toBeCloseTo((1.2 * (299792458 / 1420.405752e6) * 180) / Math.PI, 9);
    expect(beamFwhm(1, 1420.405752e6)).toBeCloseTo(14.51, 2);
  });

  it('gives the quiet sun 60 sfu at 1415 MHz by default, rising with frequency', () => {
    expect(solarFlux(1415e6)).toBeCloseTo(60, 6);
    expect(solarFlux(2800e6, 50)).toBeCloseTo(70, 6);
    expect(solarFlux(1420e6)).toBeGreaterThan(60);
    expect(solarFlux(1420e6)).toBeLessThan(61);
  });

  it('gives T_A = η·(πD²/4)·S/(2k) on the sun and half of it at half the beam width', () => {
    const dish = { diameter: 1, efficiency: 0.6 };
    const sun = { az: 180, el: 50 };
    const f = 1420e6;
    const peak = (0.6 * Math.PI * 0.25 * 60e-22) / (2 * 1.380649e-23);
    const on = sunAntennaTemperature(dish, f, 60, sun, sun, 0.533);
    // The 0.53° disk inside a 14.5° beam lowers the peak by σ_b²/(σ_b² + r²/4) ≈ 0.9997.
    expect(on / peak).toBeGreaterThan(0.999);
    expect(on / peak).toBeLessThan(1);
    expect(on).toBeCloseTo(102.4, 0);
    const half = sunAntennaTemperature(dish, f, 60, { az: 180, el: 50 + beamFwhm(1, f) / 2 }, sun, 0);
    expect(half / peak).toBeCloseTo(0.5, 6);
    expect(sunAntennaTemperature(dish, f, 60, sun, { az: 180, el: -1 }, 0.533)).toBe(0);
  });
});

describe('cold sky and ground', () => {
  it('is 3–15 K of sky and ground at the zenith and grows toward the horizon', () => {
    const fwhm = 14.5;
    expect(coldSkyZenith(fwhm)).toBeGreaterThan(3);
    expect(coldSkyZenith(fwhm)).toBeLessThan(15);
    expect(atmosphereTemperature(30)).toBeCloseTo(2 * atmosphereTemperature(90), 9);
    expect(groundSpill(0, fwhm)).toBeGreaterThan(140); // half the main beam on 290 K ground
    expect(groundSpill(10, fwhm)).toBeGreaterThan(groundSpill(45, fwhm));
  });
});

describe('galactic HI model', () => {
  it('puts the tangent point at Θ₀(1 − sin l) on a flat rotation curve', () => {
    // l = 30°: R_min = R₀ sin l at d = R₀ cos l; v = 220·(1 − 0.5) = 110 km/s.
    expect(lsrVelocity(30, 0, 8.5 * Math.cos(Math.PI / 6))).toBeCloseTo(110, 6);
    expect(lsrVelocity(30, 0, 0)).toBeCloseTo(0, 9);
    // Outer galaxy: negative velocities in the second quadrant.
    expect(lsrVelocity(120, 0, 5)).toBeLessThan(0);
  });

  it('has emission up to the tangent velocity and none well beyond it', () => {
    const p = lineOfSightProfile(30, 0);
    const at = (v: number) => p.tb[Math.round((v - p.v0) / p.dv)];
    expect(at(100)).toBeGreaterThan(20);
    expect(at(160)).toBeLessThan(0.5);
    expect(Math.max(...p.tb)).toBeLessThanOrEqual(125); // T_s limits an optically thick line
  });

  it('is weaker away from the plane', () => {
    const plane = Math.max(...beamAveragedProfile(90, 0, 14.5).tb);
    const high = Math.max(...beamAveragedProfile(90, 60, 14.5).tb);
    expect(plane).toBeGreaterThan(3 * high);
  });
});

describe('RTL-SDR front end', () => {
  it('applies sample rates as librtlsdr does', () => {
    expect(realSampleRate(2_400_000)).toBe(2_400_000);
    expect(realSampleRate(2_048_000)).toBe(2_048_000);
    const r = realSampleRate(1_000_000);
    expect(r).not.toBe(1_000_000);
    expect(Math.abs(r - 1_000_000)).toBeLessThan(0.1);
    expect(() => realSampleRate(500_000)).toThrow(/outside what an RTL-SDR accepts/);
  });

  it('snaps gains to the R820T table', () => {
    expect(nearestGain(40)).toBe(40.2);
    expect(nearestGain(100)).toBe(49.6);
    expect(nearestGain(-3)).toBe(0);
  });
});

describe('sun disk', () => {
  it('has J₁ with its tabulated values and first zero (Abramowitz & Stegun table 9.1)', () => {
    expect(besselJ1(1)).toBeCloseTo(0.4400505857, 7);
    expect(besselJ1(5)).toBeCloseTo(-0.3275791376, 7);
    expect(besselJ1(10)).toBeCloseTo(0.0434727462, 7);
    expect(besselJ1(-1)).toBeCloseTo(-0.4400505857, 7);
    expect(Math.abs(besselJ1(3.831705970))).toBeLessThan(1e-7);
  });

  it('puts the first null of the disk visibility at u = 1.22/d', () => {
    const d = (0.533 * Math.PI) / 180;
    expect(diskVisibility(d, 0)).toBe(1);
    expect(Math.abs(diskVisibility(d, 3.831705970 / (Math.PI * d)))).toBeLessThan(1e-7);
    expect(3.831705970 / Math.PI).toBeCloseTo(1.22, 2);
  });

  it('factors a covariance, leaving a column zero for a zero pivot', () => {
    const m = new Float64Array([4, 2, 0, 2, 2, 0, 0, 0, 0]);
    const out = new Float64Array(9);
    cholesky(m, 3, out);
    expect(Array.from(out)).toEqual([2, 0, 0, 1, 1, 0, 0, 0, 0]);
    // Rank one (a point source): only the first column.
    cholesky(new Float64Array([1, 2, 2, 4]), 2, out);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 0, 2, 0]);
  });
});
