import { describe, expect, it } from 'vitest';
import { beamDiskResponse, besselI0e, convolvedFwhm, deconvolvedFwhm, fitBeamDisk, narrowestConvolution, sunDiameterDeg } from '../../../src/analysis/beam.ts';
import { fitGaussian } from '../../../src/analysis/gaussian.ts';
import { FitError } from '../../../src/analysis/lsq.ts';
import { gaussian, rng } from '../../../src/analysis/signals.ts';

/** Brute force: a circular Gaussian beam of FWHM `beam` over a uniform disk of diameter `disk`, summed on a fine square grid (degrees). */
function bruteForce(rho: number, beam: number, disk: number, n = 801): number {
  const s = beam / Math.sqrt(8 * Math.LN2), R = disk / 2, h = disk / (n - 1);
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = -R + i * h, y = -R + j * h;
      if (x * x + y * y > R * R) continue;
      sum += Math.exp(-((rho - x) ** 2 + y * y) / (2 * s * s));
      count++;
    }
  }
  return sum / count;
}

describe('beam ⊗ sun disk', () => {
  it('has e^(−x)·I₀(x) to 10⁻⁷ (series at 0.5 and 2; asymptotic at 50)', () => {
    const series = (x: number) => {
      let term = 1, sum = 1;
      for (let k = 1; k < 60; k++) sum += (term *= (x * x) / (4 * k * k));
      return Math.exp(-x) * sum;
    };
    for (const x of [0, 0.5, 2, 3.7, 4, 10]) expect(Math.abs(besselI0e(x) / series(x) - 1)).toBeLessThan(1e-6);
    expect(besselI0e(50) * Math.sqrt(2 * Math.PI * 50)).toBeCloseTo(1 + 1 / 400 + 9 / 320000, 6);
  });

  it('matches a brute-force 2-D convolution for a beam as narrow as the disk (0.5° on 0.53°), and P(0) in closed form', () => {
    for (const rho of [0, 0.2, 0.4, 0.7]) expect(beamDiskResponse(rho, 0.5, 0.53)).toBeCloseTo(bruteForce(rho, 0.5, 0.53), 4);
    const s = 2 / Math.sqrt(8 * Math.LN2), R = 0.3;
    expect(beamDiskResponse(0, 2, 0.6)).toBeCloseTo(((2 * s * s) / (R * R)) * (1 - Math.exp((-R * R) / (2 * s * s))), 12);
    expect(beamDiskResponse(1.5, 2, 0)).toBeCloseTo(0.5 ** ((2 * 1.5 / 2) ** 2), 12);
  });

  it('widens a wide beam as a Gaussian of σ² = σ_b² + R²/4 would (14.51° on the sun), and a pencil beam to the disk itself', () => {
    const r = sunDiameterDeg / 2;
    expect(convolvedFwhm(14.51) / Math.sqrt(14.51 ** 2 + 2 * Math.LN2 * r * r) - 1).toBeLessThan(1e-6);
    expect(convolvedFwhm(1e-4, 0.53)).toBeCloseTo(0.53, 4);
    expect(convolvedFwhm(0.5, 0.53)).toBeGreaterThan(Math.hypot(0.5, 0.53 * Math.sqrt(2 * Math.LN2) / 2) - 0.05);
  });

  it('deconvolves what it convolves, from a beam half the disk to a 1 m dish', () => {
    for (const beam of [0.27, 0.53, 1, 3.2, 14.51]) expect(deconvolvedFwhm(convolvedFwhm(beam))).toBeCloseTo(beam, 7);
  });

  it('narrows a beam a little below the disk’s own width where the beam is smaller than the disk (the peak falls whole on the disk, the half power at its edge)', () => {
    const least = narrowestConvolution();
    expect(convolvedFwhm(1e-3)).toBeCloseTo(sunDiameterDeg, 3);
    expect(least.fwhm).toBeLessThan(0.95 * sunDiameterDeg);
    expect(convolvedFwhm(least.beam / 2)).toBeGreaterThan(least.fwhm);
    expect(convolvedFwhm(least.beam * 1.5)).toBeGreaterThan(least.fwhm);
  });

  it('says a measured width narrower than any beam on the disk gives cannot be deconvolved', () => {
    expect(() => deconvolvedFwhm(0.3)).toThrow(FitError);
    expect(() => deconvolvedFwhm(0.3)).toThrow(/narrower than any beam convolved with the 0.533° disk gives/);
  });

  it('fits a drift of a 0.8° beam across the sun: the beam comes back within its uncertainty, and the Gaussian fit then deconvolved agrees', () => {
    const g = gaussian(rng(31));
    const beam = 0.8, peak = 120, noise = 1.5;
    const x = Array.from({ length: 161 }, (_, i) => -3 + i * 0.0375);
    const y = x.map((v) => 40 + 2 * v + (peak * beamDiskResponse(v - 0.12, beam)) / beamDiskResponse(0, beam) + noise * g());
    const fit = fitBeamDisk(x, y, { sigma: noise });
    expect(Math.abs(fit.beam.value - beam)).toBeLessThan(4 * fit.beam.sigma);
    expect(fit.beam.sigma).toBeLessThan(0.01);
    expect(Math.abs(fit.centre.value - 0.12)).toBeLessThan(4 * fit.centre.sigma);
    expect(Math.abs(fit.peak.value - peak)).toBeLessThan(4 * fit.peak.sigma);
    expect(fit.fwhm.value).toBeCloseTo(convolvedFwhm(fit.beam.value), 9);
    const gauss = fitGaussian(x, y);
    expect(Math.abs(deconvolvedFwhm(gauss.fwhm.value) / beam - 1)).toBeLessThan(0.03);
  });
});
