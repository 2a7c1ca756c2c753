import { describe, expect, it } from 'vitest';
import { referenceIntegrations } from '../../../correlator/reference.ts';
import { openSimSource } from '../../../devices/sim/index.ts';
import { allanVariance, effectiveBandwidth, radiometerCheck, radiometerSigma } from '../../../src/analysis/radiometer.ts';
import { bandPower, channelFlags } from '../../../src/analysis/rfi.ts';
import { gaussian, noise, rng } from '../../../src/analysis/signals.ts';

/** Total power of complex white noise in blocks of n samples: each block a radiometer reading with B·τ = n (B = the sample rate, τ = n/B). */
function blockPowers(blocks: number, n: number, seed: number, gain: (k: number) => number = () => 1): number[] {
  const x = noise(blocks * n, 0.1, seed);
  return Array.from({ length: blocks }, (_, k) => {
    let p = 0;
    for (let i = k * n; i < (k + 1) * n; i++) p += x.re[i]! ** 2 + x.im[i]! ** 2;
    return (gain(k) * p) / n;
  });
}

describe('radiometer equation', () => {
  it('gives T_sys/√(Bτ): 100 K over 1 MHz in 1 s is 0.1 K', () => {
    expect(radiometerSigma(100, 1e6, 1)).toBeCloseTo(0.1, 12);
    expect(radiometerSigma(50, 2.4e6, 0.01)).toBeCloseTo(50 / Math.sqrt(24000), 12);
    expect(() => radiometerSigma(100, 0, 1)).toThrow(/bandwidth must be > 0 Hz/);
    expect(() => radiometerSigma(-1, 1e6, 1)).toThrow(/T_sys must be > 0/);
  });

  it('passes thermal noise with the expected ratio 1 ± 0.1 (the total power of complex noise, B·τ = samples per reading)', () => {
    const fs = 2.4e6, n = 4096;
    const check = radiometerCheck(blockPowers(400, n, 1), fs, n / fs);
    expect(Math.abs(check.ratio.value - 1)).toBeLessThan(0.1);
    expect(Math.abs(check.ratio.value - 1)).toBeLessThan(4 * check.ratio.sigma);
    expect(check.ratio.sigma).toBeCloseTo(1 / Math.sqrt(2 * 399), 2);
  });

  it('reports a gain drift as excess scatter, and removes a linear one when asked', () => {
    const fs = 2.4e6, n = 4096;
    const drifting = blockPowers(400, n, 2, (k) => 1 + 0.0005 * k);
    expect(radiometerCheck(drifting, fs, n / fs).ratio.value).toBeGreaterThan(2);
    const detrended = radiometerCheck(drifting, fs, n / fs, { detrend: true });
    expect(Math.abs(detrended.ratio.value - 1)).toBeLessThan(0.1);
  });
});

describe('Allan variance', () => {
  it('falls as 1/τ for white noise: σ²_A(m) = s²/m within its uncertainty', () => {
    const g = gaussian(rng(5));
    const s = 0.7;
    const series = Array.from({ length: 8192 }, () => 10 + s * g());
    const points = allanVariance(series, 0.5);
    expect(points.map((p) => p.m)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
    for (const p of points.slice(0, 8)) {
      expect(p.tau).toBe(0.5 * p.m);
      expect(Math.abs(p.variance - (s * s) / p.m)).toBeLessThan(4 * p.sigma);
    }
  });

  it('rises with τ for a random walk (gain drift): averaging longer stops helping', () => {
    const g = gaussian(rng(6));
    let walk = 0;
    const series = Array.from({ length: 4096 }, () => (walk += 0.05 * g()) + 0.01 * g());
    const [m1, , , , m16] = allanVariance(series, 1, [1, 2, 4, 8, 16]);
    expect(m16!.variance).toBeGreaterThan(3 * m1!.variance);
  });

  it('refuses averaging factors that leave fewer than 3 bins', () => {
    expect(() => allanVariance([1, 2, 3, 4, 5], 1, [2])).toThrow(/leaves 2 bins of the 5 points; at least 3 are needed/);
    expect(() => allanVariance([1, 2, 3, 4, 5, 6], 0, [1])).toThrow(/sampling interval must be > 0 s/);
  });
});

describe('radiometer check on the simulator through the correlator', () => {
  it('passes the simulator’s thermal noise, band-summed in square-law mode, with the ratio 1 ± 0.1 (B the bandpass’s noise-equivalent width)', async () => {
    const fs = 2.4e6, C = 256, K = 32, T = 600;
    const scenario = { rfi: [], hydrogen: { enabled: false }, sun: { enabled: false }, frontend: { dcOffset: [0, 0] }, tuning: { sampleRate: fs } };
    const src = await openSimSource({ scenario, pacing: false });
    const bytes = src.read(C * (K * T + 3)).data;
    const ints = await referenceIntegrations({ inputs: 1, channels: C, taps: 4, spectraPerIntegration: K, mode: 'autos' }, [bytes]);
    const flags = channelFlags(C, null, K);
    const complete = ints.filter((i) => i.spectra === K);
    const mean = new Float64Array(C);
    for (const it of complete) for (let j = 0; j < C; j++) mean[j] += it.visibilities[2 * j]! / complete.length;
    const series = complete.map((it) => bandPower(Array.from({ length: C }, (_, j) => it.visibilities[2 * j]!), flags));
    const B = effectiveBandwidth(mean, fs / C, flags);
    const check = radiometerCheck(series, B, (K * C) / fs);
    console.log(`sim radiometer: ${complete.length} integrations, B_eff ${(B / 1e6).toFixed(3)} MHz of ${((fs / C) * (C - flags.reduce((a, b) => a + b, 0))) / 1e6} MHz unflagged, rms/expected ${check.ratio.value.toFixed(3)} ± ${check.ratio.sigma.toFixed(3)}`);
    expect(Math.abs(check.ratio.value - 1)).toBeLessThan(0.1);
  });

  it('gives a flat band its full width as the noise-equivalent bandwidth, and less to a sloped one', () => {
    expect(effectiveBandwidth([2, 2, 2, 2], 1e3)).toBe(4e3);
    expect(effectiveBandwidth([1, 2, 3, 4], 1e3)).toBeCloseTo((100 / 30) * 1e3, 9);
    expect(effectiveBandwidth([1, 100, 1, 1], 1e3, [0, 1, 0, 0])).toBe(3e3);
  });
});
