import { describe, expect, it } from 'vitest';
import { gaussTable, mixKey, normalQuantile, Xoshiro128 } from '../../../devices/sim/prng.ts';

describe('xoshiro128**', () => {
  it('gives the reference outputs for state (1, 2, 3, 4)', () => {
    // Worked by hand from the reference C (prng.di.unimi.it/xoshiro128starstar.c).
    const r = new Xoshiro128(1, 2, 3, 4);
    expect([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('keys differ for different streams and frames, and repeat for the same', () => {
    expect(mixKey(1, 2, 3)).toBe(mixKey(1, 2, 3));
    const keys = new Set([mixKey(1, 2, 3), mixKey(1, 3, 2), mixKey(1, 2, 4), mixKey(2, 2, 3), mixKey(1, 2, 3 + 2 ** 32)]);
    expect(keys.size).toBe(5);
  });

  it('makes uniform deviates with the right mean and variance', () => {
    const r = Xoshiro128.fromKey(42);
    let s = 0, s2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      s += u;
      s2 += u * u;
    }
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });
});

describe('Gaussian table', () => {
  it('has the normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('is symmetric with unit variance', () => {
    const n = gaussTable.length;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      expect(gaussTable[i]).toBeCloseTo(-gaussTable[n - 1 - i], 5);
      s2 += gaussTable[i] ** 2;
    }
    expect(s2 / n).toBeCloseTo(1, 5);
  });

  it('fills scaled complex Gaussians with the requested variance and fourth moment', () => {
    const n = 1 << 18;
    const amp = new Float32Array(n).fill(3);
    const out = new Float32Array(2 * n);
    Xoshiro128.fromKey(7).fillComplexGaussian(out, amp, n);
    let s = 0, s2 = 0, s4 = 0, cross = 0;
    for (let i = 0; i < 2 * n; i++) {
      s += out[i];
      s2 += out[i] ** 2;
      s4 += out[i] ** 4;
    }
    for (let i = 0; i < n; i++) cross += out[2 * i] * out[2 * i + 1];
    expect(s / (2 * n)).toBeCloseTo(0, 1);
    expect(s2 / (2 * n) / 9).toBeCloseTo(1, 2);
    // Kurtosis of a Gaussian is 3 (the table's ±3.5σ tails lower it a little).
    expect(s4 / (2 * n) / 81).toBeGreaterThan(2.9);
    expect(s4 / (2 * n) / 81).toBeLessThan(3.05);
    expect(Math.abs(cross / n / 9)).toBeLessThan(0.01);
  });
});
