import { describe, expect, it } from 'vitest';
import { FitError, inverseSpd, levenbergMarquardt, madSigma, median, runsZ } from '../../../src/analysis/lsq.ts';
import { gaussian, rng } from '../../../src/analysis/signals.ts';

describe('Levenberg–Marquardt', () => {
  it('recovers an exponential decay exactly from noiseless data, with the numerical and the analytic Jacobian alike', () => {
    const t = Array.from({ length: 30 }, (_, i) => i * 0.5);
    const truth = [7.5, 3.2, 0.4]; // amplitude, time constant (s), offset
    const y = t.map((ti) => truth[0]! * Math.exp(-ti / truth[1]!) + truth[2]!);
    const r = (p: readonly number[]) => t.map((ti, i) => y[i]! - (p[0]! * Math.exp(-ti / p[1]!) + p[2]!));
    const jac = (p: readonly number[]) => t.map((ti) => [-Math.exp(-ti / p[1]!), (-p[0]! * ti * Math.exp(-ti / p[1]!)) / p[1]! ** 2, -1]);
    for (const fit of [levenbergMarquardt(r, [1, 1, 0]), levenbergMarquardt(r, [1, 1, 0], { jacobian: jac })]) {
      expect(fit.converged).toBe(true);
      fit.p.forEach((v, k) => expect(v).toBeCloseTo(truth[k]!, 8));
      expect(fit.chi2).toBeLessThan(1e-16);
      expect(fit.dof).toBe(27);
    }
  });

  it('gives the textbook covariance of a straight line: var(slope) = σ²/Σ(x − x̄)²', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const sigma = 0.5;
    const g = gaussian(rng(3));
    const y = x.map((xi) => 2 + 0.3 * xi + sigma * g());
    const fit = levenbergMarquardt((p) => x.map((xi, i) => (y[i]! - p[0]! - p[1]! * xi) / sigma), [0, 0]);
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    expect(fit.covariance[1]![1]!).toBeCloseTo(sigma ** 2 / sxx, 9);
    expect(fit.covariance[0]![0]!).toBeCloseTo(sigma ** 2 * (1 / x.length + mx ** 2 / sxx), 9);
  });

  it('holds fixed parameters where they are and gives them no variance', () => {
    const x = [0, 1, 2, 3];
    const fit = levenbergMarquardt((p) => x.map((xi) => 1 + 2 * xi - p[0]! - p[1]! * xi), [5, 0], { fixed: [true, false] });
    expect(fit.p[0]).toBe(5);
    expect(fit.covariance[0]).toEqual([0, 0]);
  });

  it('refuses fewer data than free parameters, and a parameter the data do not constrain', () => {
    expect(() => levenbergMarquardt((p) => [p[0]! - 1], [0, 0])).toThrow(/2 free parameters need at least 2 data points/);
    expect(() => levenbergMarquardt((p) => [1, 2, 3].map((v) => v - p[0]!), [0, 7])).toThrow(FitError);
    expect(() => levenbergMarquardt((p) => [1, 2, 3].map((v) => v - p[0]!), [0, 7])).toThrow(/does not constrain|no effect/);
  });

  it('inverts a symmetric positive definite matrix', () => {
    const inv = inverseSpd([[4, 2], [2, 3]])!;
    expect(inv[0]![0]).toBeCloseTo(3 / 8, 14);
    expect(inv[0]![1]).toBeCloseTo(-2 / 8, 14);
    expect(inverseSpd([[1, 1], [1, 1]])).toBeNull();
  });
});

describe('robust statistics', () => {
  it('median, MAD σ of Gaussian noise, and the runs test on noise and on a trend', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const g = gaussian(rng(11));
    const noise = Array.from({ length: 20000 }, () => 2 * g());
    expect(madSigma(noise)).toBeGreaterThan(1.95);
    expect(madSigma(noise)).toBeLessThan(2.05);
    expect(Math.abs(runsZ(noise))).toBeLessThan(4);
    expect(runsZ(Array.from({ length: 100 }, (_, i) => Math.sin(i / 10)))).toBeLessThan(-8);
  });
});
