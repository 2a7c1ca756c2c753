import { describe, expect, it } from 'vitest';
import { fitGaussian } from '../../../src/analysis/gaussian.ts';
import { FitError } from '../../../src/analysis/lsq.ts';
import { gaussian, rng } from '../../../src/analysis/signals.ts';

/** A drift: baseline 100 + 0.2·x (K, x in degrees) plus a 30 K Gaussian of FWHM 4° at 1.3°, with noise σ. */
function drift(seed: number, sigma: number, n = 121, span = 20) {
  const g = gaussian(rng(seed));
  const x = Array.from({ length: n }, (_, i) => -span / 2 + (span * i) / (n - 1));
  const truth = { peak: 30, centre: 1.3, fwhm: 4, offset: 100, slope: 0.2 };
  const y = x.map((v) => truth.offset + truth.slope * v + truth.peak * Math.exp((-4 * Math.LN2 * (v - truth.centre) ** 2) / truth.fwhm ** 2) + sigma * g());
  return { x, y, truth };
}

describe('Gaussian fit', () => {
  it('recovers every parameter of a Gaussian on a linear baseline with almost no noise (σ = 10⁻⁶ K)', () => {
    const { x, y, truth } = drift(1, 1e-6);
    const fit = fitGaussian(x, y);
    expect(fit.peak.value).toBeCloseTo(truth.peak, 5);
    expect(fit.centre.value).toBeCloseTo(truth.centre, 5);
    expect(fit.fwhm.value).toBeCloseTo(truth.fwhm, 5);
    expect(fit.offset.value + fit.slope.value * (0 - fit.pivot)).toBeCloseTo(truth.offset, 5);
    expect(fit.slope.value).toBeCloseTo(truth.slope, 5);
  });

  it('relativeSigma: a radiometer’s noise ∝ power (a peak 10³ × the baseline) — the weighted fit explains the data with honest σ, the unweighted one does not', () => {
    const pulls: number[] = [];
    let unweightedRejected = 0;
    for (let seed = 0; seed < 40; seed++) {
      const g = gaussian(rng(500 + seed));
      const x = Array.from({ length: 121 }, (_, i) => -10 + (20 * i) / 120);
      const truth = (v: number) => 50 + 0.1 * v + 5e4 * Math.exp((-4 * Math.LN2 * (v - 0.3) ** 2) / 9);
      const y = x.map((v) => truth(v) * (1 + 2e-3 * g()));
      const w = fitGaussian(x, y, { relativeSigma: y, rejectSigma: Infinity });
      const base = { value: w.offset.value + w.slope.value * (0.3 - w.pivot), sigma: Math.hypot(w.offset.sigma, w.slope.sigma * (0.3 - w.pivot)) };
      pulls.push((base.value - 50.03) / base.sigma);
      // Unweighted, the peak's noise (100 K) sets the baseline, and the wings' residuals come in long runs.
      try {
        fitGaussian(x, y, { rejectSigma: Infinity });
      } catch (err) {
        if (err instanceof FitError && /runs test/.test(err.message)) unweightedRejected++;
        else throw err;
      }
    }
    const rms = Math.sqrt(pulls.reduce((s, v) => s + v * v, 0) / pulls.length);
    expect(rms).toBeGreaterThan(0.7);
    expect(rms).toBeLessThan(1.3);
    expect(unweightedRejected).toBeGreaterThan(20);
    expect(() => fitGaussian([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 9, 3, 2, 1, 1], { relativeSigma: [1, 1, 1, 0, 1, 1, 1, 1] })).toThrow(/relativeSigma/);
  });

  it('gives uncertainties that match the scatter of the estimates over 200 noise draws (pulls with rms ≈ 1)', () => {
    const pulls = { fwhm: [] as number[], centre: [] as number[], peak: [] as number[] };
    for (let seed = 0; seed < 200; seed++) {
      const { x, y, truth } = drift(100 + seed, 2);
      const fit = fitGaussian(x, y);
      pulls.fwhm.push((fit.fwhm.value - truth.fwhm) / fit.fwhm.sigma);
      pulls.centre.push((fit.centre.value - truth.centre) / fit.centre.sigma);
      pulls.peak.push((fit.peak.value - truth.peak) / fit.peak.sigma);
    }
    for (const p of Object.values(pulls)) {
      const rms = Math.sqrt(p.reduce((s, v) => s + v * v, 0) / p.length);
      expect(rms).toBeGreaterThan(0.85);
      expect(rms).toBeLessThan(1.15);
    }
  });

  it('with the noise given, reports a reduced χ² near 1 and the same uncertainties as when it estimates the noise', () => {
    const { x, y } = drift(7, 2);
    const given = fitGaussian(x, y, { sigma: 2 });
    const estimated = fitGaussian(x, y);
    expect(given.noiseGiven).toBe(true);
    expect(given.reducedChi2).toBeGreaterThan(0.75);
    expect(given.reducedChi2).toBeLessThan(1.25);
    expect(estimated.noise).toBeCloseTo(2, 0);
    expect(given.fwhm.sigma / estimated.fwhm.sigma).toBeGreaterThan(0.85);
    expect(given.fwhm.sigma / estimated.fwhm.sigma).toBeLessThan(1.15);
  });

  it('rejects RFI spikes and dropped integrations as outliers and still finds the truth', () => {
    const { x, y, truth } = drift(9, 1);
    const bad = [10, 55, 60, 90];
    y[10] += 400;
    y[55] += 250;
    y[60] = 0; // a dropped integration recorded as zero power
    y[90] -= 300;
    const fit = fitGaussian(x, y);
    expect(fit.rejected).toEqual(bad);
    expect(Math.abs(fit.fwhm.value - truth.fwhm)).toBeLessThan(4 * fit.fwhm.sigma);
    expect(Math.abs(fit.centre.value - truth.centre)).toBeLessThan(4 * fit.centre.sigma);
  });

  it('fits with the centre held, e.g. power against the unsigned distance from a known position', () => {
    const g = gaussian(rng(14));
    const rho = Array.from({ length: 80 }, (_, i) => i * 0.1);
    const y = rho.map((r) => 50 * Math.exp((-4 * Math.LN2 * r * r) / 2.5 ** 2) + 0.2 * g());
    const fit = fitGaussian(rho, y, { centre: 0, baseline: 'none' });
    expect(fit.centre).toEqual({ value: 0, sigma: 0 });
    expect(Math.abs(fit.fwhm.value - 2.5)).toBeLessThan(4 * fit.fwhm.sigma);
    expect(fit.fwhm.sigma).toBeLessThan(0.02);
  });

  it('fits a dip as a negative peak (absorption)', () => {
    const { x, y } = drift(5, 0.5);
    const fit = fitGaussian(x, y.map((v) => 200 - v));
    expect(fit.peak.value).toBeCloseTo(-30, 0);
    expect(fit.fwhm.value).toBeCloseTo(4, 1);
  });

  it('says pure noise has no peak instead of returning a width', () => {
    const g = gaussian(rng(21));
    const x = Array.from({ length: 100 }, (_, i) => i);
    expect(() => fitGaussian(x, x.map(() => 50 + g()))).toThrow(FitError);
    try {
      fitGaussian(x, x.map(() => 50 + g()));
    } catch (err) {
      expect((err as FitError).problems.join('\n')).toMatch(/not 3σ above the noise|wider than the data's span|narrower than/);
      expect((err as FitError).fit).toHaveProperty('fwhm');
    }
  });

  it('says a peak wider than the scan cannot be told from the baseline (the sun still in the beam at both ends)', () => {
    const g = gaussian(rng(4));
    const x = Array.from({ length: 60 }, (_, i) => -3 + i * 0.1);
    const y = x.map((v) => 100 + 30 * Math.exp((-4 * Math.LN2 * v * v) / 40 ** 2) + 0.05 * g());
    expect(() => fitGaussian(x, y, { baseline: 'none' })).toThrow(/wider than the data's span/);
  });

  it('says two peaks are not one: the residuals have structure', () => {
    const g = gaussian(rng(8));
    const x = Array.from({ length: 200 }, (_, i) => -10 + i * 0.1);
    const y = x.map((v) => 30 * Math.exp(-4 * Math.LN2 * ((v + 2) / 2) ** 2) + 25 * Math.exp(-4 * Math.LN2 * ((v - 2.5) / 2) ** 2) + 0.3 * g());
    expect(() => fitGaussian(x, y, { baseline: 'constant' })).toThrow(/structure/);
  });

  it('says when the given noise cannot explain the scatter (reduced χ² far above 1)', () => {
    const { x, y } = drift(12, 2);
    expect(() => fitGaussian(x, y, { sigma: 0.5 })).toThrow(/reduced χ²/);
  });

  it('says when the centre lies outside the scan', () => {
    const x = Array.from({ length: 40 }, (_, i) => i * 0.1);
    const g = gaussian(rng(2));
    const y = x.map((v) => 10 * Math.exp(-4 * Math.LN2 * ((v - 5) / 3) ** 2) + 0.01 * g());
    expect(() => fitGaussian(x, y, { baseline: 'none' })).toThrow(/outside the data|wider than/);
  });

  it('refuses mismatched or non-finite input with a clear message', () => {
    expect(() => fitGaussian([1, 2, 3], [1, 2])).toThrow(/same length/);
    expect(() => fitGaussian([1, 2, NaN, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7])).toThrow(/point 2 is not finite/);
    expect(() => fitGaussian([1, 2, 3], [1, 2, 3])).toThrow(/needs at least 7 points/);
    expect(() => fitGaussian([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8], { sigma: 0 })).toThrow(/σ must be > 0/);
  });
});
