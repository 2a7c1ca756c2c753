/**
 * The conformance suite every FX backend passes (cpu, gpu): agreement with
 * the float64 reference within fx.md's tolerance, and the analytic known
 * answers. A backend's test file calls `describeConformance` with a factory;
 * nothing here knows which backend it drives.
 */
import { describe, expect, it } from 'vitest';
import type { FxBackend } from '../../correlator/backend.ts';
import { baselineIndex } from '../../correlator/baselines.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import { referenceIntegrations } from '../../correlator/reference.ts';
import { spectralKurtosis } from '../../correlator/sk.ts';
import { fft64 } from '../../correlator/reference.ts';
import type { Calibration, FxConfig, Integration } from '../../correlator/types.ts';
import { add, chunkSamples, gaussian, noise, noiseCu8, randomCu8, relativeToPeak, rng, toCu8, tone, type Complex } from '../../src/analysis/signals.ts';

export type BackendFactory = (config: FxConfig) => Promise<FxBackend>;

/** fx.md: float32 backends agree with float64 to 1e-4 of the largest visibility magnitude in the integration. */
export const tolerance = 1e-4;

/** Runs streams through a Pipeline on `backend`, pushing inputs' chunks interleaved; returns every integration. */
export async function correlate(
  backend: FxBackend,
  streams: Uint8Array[],
  chunkSizes: number[] = [1 << 14],
  options: { close?: boolean } = {},
): Promise<Integration[]> {
  const pipeline = new Pipeline(backend);
  const chunks = streams.map((s, a) => chunkSamples(s, chunkSizes.map((n, i) => n + ((a * 7 + i) % 3))));
  const out: Integration[] = [];
  const next = streams.map(() => 0);
  for (let i = 0; chunks.some((c) => i < c.length); i++) {
    for (let a = 0; a < streams.length; a++) {
      const c = chunks[a][i];
      if (!c) continue;
      out.push(...(await pipeline.push({ input: a, firstSample: next[a], data: c, receivedAt: 0, dropped: 0 })));
      next[a] += c.length / 2;
    }
  }
  out.push(...(await pipeline.end()));
  if (options.close !== false) await backend.close();
  return out;
}

/**
 * Like `correlate`, calling `pipeline.setCalibration(c.calibration)` once
 * input 0's samples reach `c.after` (checked before the first push and after
 * each round of one chunk per input; `after: 0` calls it before any data). `before[i]`: integrations emitted
 * when change i was made.
 */
export async function correlateCalibrated(
  backend: FxBackend,
  streams: Uint8Array[],
  chunkSizes: number[],
  changes: Array<{ after: number; calibration: Calibration }>,
): Promise<{ integrations: Integration[]; before: number[] }> {
  const pipeline = new Pipeline(backend);
  const chunks = streams.map((s, a) => chunkSamples(s, chunkSizes.map((n, i) => n + ((a * 7 + i) % 3))));
  const out: Integration[] = [];
  const before: number[] = [];
  const next = streams.map(() => 0);
  let change = 0;
  const due = () => {
    while (change < changes.length && next[0] >= changes[change].after) {
      before.push(out.length);
      pipeline.setCalibration(changes[change++].calibration);
    }
  };
  due();
  for (let i = 0; chunks.some((c) => i < c.length); i++) {
    for (let a = 0; a < streams.length; a++) {
      const c = chunks[a][i];
      if (!c) continue;
      out.push(...(await pipeline.push({ input: a, firstSample: next[a], data: c, receivedAt: 0, dropped: 0 })));
      next[a] += c.length / 2;
    }
    due();
  }
  out.push(...(await pipeline.end()));
  await backend.close();
  return { integrations: out, before };
}

/**
 * Band-limited complex Gaussian noise (|f| < `band` cycles/sample, `rms` per
 * component) and the same noise delayed by `delay` samples (any fraction):
 * made as one periodic spectrum of L = 2^k samples, the copy multiplied by
 * exp(−2πi·f·delay) before the inverse DFT, so the delay is exact.
 */
export function delayedNoise(L: number, band: number, rms: number, delay: number, seed: number): [Complex, Complex] {
  const g = gaussian(rng(seed));
  const re = new Float64Array(L), im = new Float64Array(L), dre = new Float64Array(L), dim = new Float64Array(L);
  let power = 0;
  for (let k = 0; k < L; k++) {
    const f = k < L / 2 ? k / L : (k - L) / L;
    if (Math.abs(f) >= band) continue;
    re[k] = g();
    im[k] = g();
    power += re[k] ** 2 + im[k] ** 2;
    const ph = -2 * Math.PI * f * delay;
    dre[k] = re[k] * Math.cos(ph) - im[k] * Math.sin(ph);
    dim[k] = re[k] * Math.sin(ph) + im[k] * Math.cos(ph);
  }
  // Inverse DFT as conj(DFT(conj X)) (the 1/L folded into k), scaled so that each component has `rms`.
  const k = rms * Math.sqrt(2 / power); // E|x|² = Σ|X|²/L² before the 1/L is dropped here
  const inverse = (xr: Float64Array, xi: Float64Array): Complex => {
    const r = Float64Array.from(xr), i = xi.map((v) => -v);
    fft64(r, i);
    return { re: r.map((v) => v * k), im: i.map((v) => -v * k) };
  };
  return [inverse(re, im), inverse(dre, dim)];
}

/** Unit-modulus gains with a phase ramp and a bandpass-like amplitude, per input. */
export function testGains(inputs: number, channels: number, seed: number): Float32Array[] {
  const u = rng(seed);
  return Array.from({ length: inputs }, () => {
    const g = new Float32Array(2 * channels);
    const slope = (u() - 0.5) * 0.3, offset = u() * 6.28;
    for (let j = 0; j < channels; j++) {
      const amp = 0.5 + u();
      g[2 * j] = amp * Math.cos(offset + slope * j);
      g[2 * j + 1] = amp * Math.sin(offset + slope * j);
    }
    return g;
  });
}

interface Case {
  inputs: number;
  channels: number;
  taps: number;
  spectra: number;
  perIntegration: number;
  chunks: number[];
  delays?: boolean;
  gains?: boolean;
  mode?: 'full' | 'autos';
}

/** The spread of configurations: N 1–8, C 2–4096 (the CPU backend's JavaScript path below 16), T 1–16, odd chunks, delays, gains, both modes. */
export const cases: Case[] = [
  { inputs: 1, channels: 16, taps: 1, spectra: 40, perIntegration: 7, chunks: [1] },
  { inputs: 2, channels: 8, taps: 3, spectra: 30, perIntegration: 11, chunks: [5, 9], gains: true },
  { inputs: 3, channels: 2, taps: 2, spectra: 20, perIntegration: 20, chunks: [3], delays: true },
  { inputs: 2, channels: 16, taps: 16, spectra: 50, perIntegration: 50, chunks: [13, 1, 29] },
  { inputs: 3, channels: 32, taps: 3, spectra: 64, perIntegration: 20, chunks: [37, 1001], delays: true },
  { inputs: 4, channels: 64, taps: 4, spectra: 70, perIntegration: 33, chunks: [511, 3, 4099], gains: true },
  { inputs: 5, channels: 128, taps: 8, spectra: 30, perIntegration: 30, chunks: [777], delays: true, gains: true },
  { inputs: 8, channels: 256, taps: 4, spectra: 24, perIntegration: 10, chunks: [2047, 5], delays: true },
  { inputs: 8, channels: 1024, taps: 2, spectra: 12, perIntegration: 12, chunks: [999, 12345], mode: 'autos' },
  { inputs: 2, channels: 2048, taps: 4, spectra: 9, perIntegration: 4, chunks: [3001], gains: true },
  { inputs: 2, channels: 4096, taps: 16, spectra: 3, perIntegration: 3, chunks: [65537, 17], delays: true },
  { inputs: 6, channels: 512, taps: 5, spectra: 20, perIntegration: 20, chunks: [4096], mode: 'autos', gains: true },
];

export function describeConformance(name: string, make: BackendFactory): void {
  describe(`${name} backend: conformance with the float64 reference`, () => {
    for (const c of cases) {
      const label = `N=${c.inputs} C=${c.channels} T=${c.taps} K=${c.perIntegration} chunks ${c.chunks.join('/')}` +
        `${c.delays ? ' delays' : ''}${c.gains ? ' gains' : ''}${c.mode === 'autos' ? ' autos' : ''}`;
      it(label, async () => {
        const u = rng(c.inputs * 1000 + c.channels);
        const delays = c.delays ? Array.from({ length: c.inputs }, () => Math.floor(u() * 40)) : undefined;
        const config: FxConfig = {
          inputs: c.inputs,
          channels: c.channels,
          taps: c.taps,
          spectraPerIntegration: c.perIntegration,
          mode: c.mode,
          delays,
          gains: c.gains ? testGains(c.inputs, c.channels, 7) : undefined,
        };
        const samples = (c.spectra - 1) * c.channels + c.taps * c.channels + 40 + 11;
        // Half the inputs full-range random bytes (with clipping), half realistic Gaussian noise.
        const streams = Array.from({ length: c.inputs }, (_, a) => (a % 2 ? randomCu8(samples, a + 1) : noiseCu8(samples, 25, a + 1)));
        const expected = await referenceIntegrations(config, streams);
        const got = await correlate(await make(config), streams, c.chunks);
        expect(got.map((i) => i.spectra)).toEqual(expected.map((i) => i.spectra));
        got.forEach((g, i) => {
          const e = expected[i];
          expect(relativeToPeak(g.visibilities, e.visibilities)).toBeLessThan(tolerance);
          expect(relativeToPeak(g.power2, e.power2)).toBeLessThan(tolerance);
          expect(g.clipped).toEqual(e.clipped);
        });
      });
    }

    it('gives bit-identical integrations however the stream is chunked', async () => {
      const config: FxConfig = { inputs: 3, channels: 64, taps: 4, spectraPerIntegration: 25 };
      const streams = [0, 1, 2].map((a) => noiseCu8(64 * 90 + 17, 20, 40 + a));
      const whole = await correlate(await make(config), streams, [1 << 20]);
      const odd = await correlate(await make(config), streams, [1, 63, 65, 1000, 7]);
      expect(odd.length).toBe(whole.length);
      odd.forEach((o, i) => {
        expect(Array.from(o.visibilities)).toEqual(Array.from(whole[i].visibilities));
        expect(Array.from(o.power2)).toEqual(Array.from(whole[i].power2));
      });
    });
  });

  describe(`${name} backend: calibration on a running pipeline`, () => {
    const C = 32;
    const base: FxConfig = { inputs: 3, channels: C, taps: 4, spectraPerIntegration: 10, delays: [1, 0, 3] };
    const changes: Calibration[] = [
      // Whole delays grow (1→2, 3→5): samples skipped on those inputs; fractions, gains and scale set.
      { delays: [2, 0.5, 5.75], gains: testGains(3, C, 9), scale: [2, 0.5, 4] },
      // Whole delays shrink (2→0, 5→1): the next integration starts 4 samples later; gains and scale kept.
      { delays: [0, 0.25, 1.25] },
    ];
    for (const chunks of [[1, 63, 65, 1000, 7], [4099, 3]]) {
      it(`applies each change at the next integration boundary, equal to the reference with the new calibration (chunks ${chunks.join('/')})`, async () => {
        const S = 40 * 10 * C + 137;
        const streams = [noiseCu8(S, 20, 61), randomCu8(S, 62), noiseCu8(S, 30, 63)];
        const { integrations: got, before } = await correlateCalibrated(await make(base), streams, chunks, [
          { after: Math.round(0.3 * S), calibration: changes[0] },
          { after: Math.round(0.65 * S), calibration: changes[1] },
        ]);
        // Counts never go back, and each change takes effect at the first boundary after its call.
        expect(got.map((i) => i.index)).toEqual(got.map((_, i) => i));
        const first = [0, 1, 2].map((n) => got.findIndex((i) => i.calibration === n));
        expect(got.every((i, k) => k === 0 || i.calibration >= got[k - 1].calibration)).toBe(true);
        first.slice(1).forEach((f, n) => expect([before[n], before[n] + 1]).toContain(f));
        // Contiguous, except the 4 samples the shrinking delays consumed already.
        const end = (i: Integration) => i.firstSample + i.spectra * C;
        expect(got[first[1]].firstSample).toBe(end(got[first[1] - 1]));
        expect(got[first[2]].firstSample).toBe(end(got[first[2] - 1]) + 4);
        let merged: Calibration = { delays: base.delays };
        for (let n = 0; n < 3; n++) {
          if (n > 0) merged = { ...merged, ...changes[n - 1] };
          const group = got.filter((i) => i.calibration === n);
          expect(group.length).toBeGreaterThan(1);
          const start = group[0].firstSample;
          const whole = merged.delays!.map(Math.floor);
          const expected = await referenceIntegrations(
            { ...base, delays: undefined },
            streams.map((s, a) => s.subarray(2 * (start + whole[a]))),
            { ...merged, delays: merged.delays!.map((d, a) => d - whole[a]) },
          );
          group.forEach((g, i) => {
            const e = expected[i];
            expect(g.spectra).toBe(e.spectra);
            expect(relativeToPeak(g.visibilities, e.visibilities)).toBeLessThan(tolerance);
            expect(relativeToPeak(g.power2, e.power2)).toBeLessThan(tolerance);
            expect(g.clipped).toEqual(e.clipped);
          });
        }
      });
    }

    it('lines up noise delayed by 3.25 samples: after setCalibration({ delays: [0, 3.25] }) the cross phase is flat and the coherence at its maximum', async () => {
      const C = 64, T = 4, L = 1 << 15, K = 400;
      const [early, late] = delayedNoise(L, 0.4, 20 / 127.5, 3.25, 17).map(toCu8);
      const run = async (d: number) => {
        const backend = await make({ inputs: 2, channels: C, taps: T, spectraPerIntegration: K });
        const { integrations } = await correlateCalibrated(backend, [early, late], [3001], [{ after: 0, calibration: { delays: [0, d] } }]);
        const v = integrations[0];
        expect(v).toMatchObject({ spectra: K, calibration: 1 });
        // In-band channels (|f| < 0.35 cycles/sample; the noise fills |f| < 0.4).
        const band = Array.from({ length: C }, (_, j) => j).filter((j) => Math.abs(j - C / 2) < 0.35 * C);
        const at = (p: number, j: number) => [v.visibilities[2 * (p * C + j)], v.visibilities[2 * (p * C + j) + 1]];
        let sr = 0, si = 0, norm = 0;
        const phases = band.map((j) => {
          const [re, im] = at(1, j);
          sr += re;
          si += im;
          const rho = Math.hypot(re, im) / Math.sqrt(at(0, j)[0] * at(2, j)[0]);
          norm += Math.sqrt(at(0, j)[0] * at(2, j)[0]);
          return { phase: Math.atan2(im, re), rho };
        });
        return { phases, coherence: Math.hypot(sr, si) / norm };
      };
      const aligned = await run(3.25);
      // Phase noise of one channel: σ ≈ √((1 − ρ²)/(2Kρ²)) (ρ: that channel's coherence, 8-bit quantisation
      // noise being what decorrelates); 6σ, plus 1e-4 rad for float32 round-off.
      for (const { phase, rho } of aligned.phases) {
        expect(Math.abs(phase)).toBeLessThan(6 * Math.sqrt((1 - rho * rho) / (2 * K * rho * rho)) + 1e-4);
      }
      expect(aligned.coherence).toBeGreaterThan(0.999);
      for (const d of [3, 3.2, 3.3, 3.5]) expect((await run(d)).coherence).toBeLessThan(aligned.coherence);
    });

    it('multiplies autos by s_a and crosses by √(s_a·s_b) exactly for setCalibration({ scale })', async () => {
      const config: FxConfig = { inputs: 2, channels: 16, taps: 4, spectraPerIntegration: 20 };
      const streams = [noiseCu8(16 * 60, 20, 81), noiseCu8(16 * 60, 25, 82)];
      const s = [3.7, 0.29];
      const plain = await correlate(await make(config), streams, [333]);
      const { integrations: scaled } = await correlateCalibrated(await make(config), streams, [333], [{ after: 0, calibration: { scale: s } }]);
      expect(scaled.length).toBe(plain.length);
      const C = 16;
      scaled.forEach((g, i) => {
        const p = plain[i];
        expect(g.calibration).toBe(1);
        const [aa, ab, bb] = [0, 1, 2].map((q) => [...g.visibilities.subarray(2 * q * C, 2 * (q + 1) * C)]);
        const [paa, pab, pbb] = [0, 1, 2].map((q) => [...p.visibilities.subarray(2 * q * C, 2 * (q + 1) * C)]);
        expect(aa).toEqual(paa.map((v) => v * s[0]));
        expect(bb).toEqual(pbb.map((v) => v * s[1]));
        expect(ab).toEqual(pab.map((v) => v * Math.sqrt(s[0] * s[1])));
        expect([...g.power2]).toEqual([...p.power2].map((v, k) => v * s[Math.floor(k / C)] ** 2));
      });
    });
  });

  describe(`${name} backend: analytic known answers`, () => {
    it('puts a tone in its channel with amplitude A·Σh and its phase', async () => {
      const C = 64, T = 4, K = 20, j = 40, A = 0.6, phase = 0.7;
      // Two inputs, the second the same tone with a phase offset: the cross gives the difference.
      const x0 = tone((K - 1) * C + T * C, A, (j - C / 2) / C, phase);
      const x1 = tone((K - 1) * C + T * C, A, (j - C / 2) / C, phase - 1.1);
      const config: FxConfig = { inputs: 2, channels: C, taps: T, spectraPerIntegration: K };
      const [v] = await correlate(await make(config), [toCu8(x0), toCu8(x1)]);
      const { prototypeFilter } = await import('../../correlator/pfb.ts');
      const sumH = prototypeFilter(C, T).reduce((s, h) => s + h, 0);
      const auto = v.visibilities[2 * (baselineIndex(2, 0, 0) * C + j)];
      // |X| = A·Σh in every spectrum, so V_00 = K·(A·Σh)²; 8-bit quantisation limits agreement to ~1 %.
      expect(auto / (K * (A * sumH) ** 2)).toBeCloseTo(1, 1);
      const cross = baselineIndex(2, 0, 1);
      const re = v.visibilities[2 * (cross * C + j)], im = v.visibilities[2 * (cross * C + j) + 1];
      expect(Math.atan2(im, re)).toBeCloseTo(1.1, 2);
      // Everything else is quantisation noise, 50 dB or more below the tone.
      for (let k = 0; k < C; k++) if (Math.abs(k - j) > 1) expect(v.visibilities[2 * k] / auto).toBeLessThan(1e-5);
    });

    it('gives a cross-phase slope of 2πd/C per channel for noise delayed by d samples, and a flat phase once the delay is applied', async () => {
      const C = 64, T = 4, d = 3, K = 400;
      const x = noise(K * C + T * C + d, 0.15, 11);
      const early = toCu8(x);
      const late = new Uint8Array(early.length);
      late.set(early.subarray(0, early.length - 2 * d), 2 * d); // input 1 sees the signal d samples later
      late.fill(128, 0, 2 * d);
      for (const [delays, slope] of [[[0, 0], (2 * Math.PI * d) / C], [[0, d], 0]] as const) {
        const config: FxConfig = { inputs: 2, channels: C, taps: T, spectraPerIntegration: K - 2, delays: [...delays] };
        const [v] = await correlate(await make(config), [early, late]);
        const p = baselineIndex(2, 0, 1);
        // Fit the phase step between neighbouring channels over the band's middle half.
        let step = 0;
        for (let j = C / 4; j < (3 * C) / 4; j++) {
          const [ar, ai] = [v.visibilities[2 * (p * C + j)], v.visibilities[2 * (p * C + j) + 1]];
          const [br, bi] = [v.visibilities[2 * (p * C + j + 1)], v.visibilities[2 * (p * C + j + 1) + 1]];
          step += Math.atan2(bi * ar - br * ai, br * ar + bi * ai) / (C / 2);
        }
        expect(step).toBeCloseTo(slope, 3);
      }
    });

    it('gives SK ≈ 1 for white noise, a flat spectrum, and SK ≫ 1 for a pulsed tone', async () => {
      const C = 128, T = 4, K = 256;
      const S = (K - 1) * C + T * C;
      const white = noise(S, 0.15, 5);
      // A tone in channel 90 switched on for a quarter of the time, in bursts of 8 spectra.
      const pulse = tone(S, 0.3, (90 - C / 2) / C);
      for (let k = 0; k < S; k++) {
        if (Math.floor(k / (8 * C)) % 4 !== 0) pulse.re[k] = pulse.im[k] = 0;
      }
      const config: FxConfig = { inputs: 2, channels: C, taps: T, spectraPerIntegration: K, mode: 'autos' };
      const [v] = await correlate(await make(config), [toCu8(white), toCu8(add(white, pulse))]);
      const sk = spectralKurtosis(v, 2, C, 'autos');
      const band = Array.from({ length: C - 16 }, (_, i) => i + 8).filter((j) => j !== C / 2);
      const mean = band.reduce((s, j) => s + sk[j], 0) / band.length;
      // SK's standard deviation for noise is ≈ 2/√K = 0.125 per channel, /√(C−17) for the mean.
      expect(Math.abs(mean - 1)).toBeLessThan(0.05);
      // Flat: no channel more than 5σ (σ = 1/√K of the mean power) from the band's mean power.
      const power = band.map((j) => v.visibilities[2 * j]);
      const mp = power.reduce((s, p) => s + p, 0) / power.length;
      for (const p of power) expect(Math.abs(p / mp - 1)).toBeLessThan(5 / Math.sqrt(K));
      expect(sk[C + 90]).toBeGreaterThan(2);
    });

    it('scales visibilities by k² until clipping, and counts the clipped samples', async () => {
      const C = 64, T = 4, K = 200;
      const S = (K - 1) * C + T * C;
      const base = noise(S, 1, 9);
      const scaled = (k: number) => toCu8({ re: base.re.map((v) => (v * k) / 127.5), im: base.im.map((v) => (v * k) / 127.5) });
      const run = async (k: number) => {
        const bytes = scaled(k);
        const [v] = await correlate(await make({ inputs: 1, channels: C, taps: T, spectraPerIntegration: K }), [bytes]);
        let total = 0;
        for (let j = 0; j < C; j++) total += v.visibilities[2 * j];
        let clipped = 0;
        for (let s = 0; s < K * C; s++) {
          const i = bytes[2 * s], q = bytes[2 * s + 1];
          if (i === 0 || i === 255 || q === 0 || q === 255) clipped++;
        }
        return { total, counted: v.clipped[0], clipped };
      };
      const r10 = await run(10), r20 = await run(20), r200 = await run(200);
      // 10 → 20 counts rms: power ×4 within quantisation noise (1/12 LSB² against 100 LSB²).
      expect(r20.total / r10.total).toBeCloseTo(4, 1);
      expect(r10.counted).toBe(0);
      // 200 counts rms clips about half the samples: power grows far less than ×400, and every clip is counted.
      expect(r200.total / r10.total).toBeLessThan(0.5 * 400);
      expect(r200.counted).toBe(r200.clipped);
      expect(r200.counted).toBeGreaterThan(0.3 * K * C);
    });
  });
}
