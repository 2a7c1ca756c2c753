import { describe, expect, it } from 'vitest';
import { fft64, ReferenceBackend, referenceIntegrations } from '../../correlator/reference.ts';
import { delayedNoise } from './conformance.ts';
import { prototypeFilter } from '../../correlator/pfb.ts';
import { noise, relativeToPeak, rng, toCu8, tone } from '../../src/analysis/signals.ts';

describe('reference', () => {
  it('fft64 equals the DFT written out, for every power of two up to 256', () => {
    const u = rng(1);
    for (let n = 2; n <= 256; n *= 2) {
      const re = Float64Array.from({ length: n }, () => u() - 0.5), im = Float64Array.from({ length: n }, () => u() - 0.5);
      const dRe = new Float64Array(n), dIm = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        for (let m = 0; m < n; m++) {
          const w = (-2 * Math.PI * k * m) / n;
          dRe[k] += re[m] * Math.cos(w) - im[m] * Math.sin(w);
          dIm[k] += re[m] * Math.sin(w) + im[m] * Math.cos(w);
        }
      }
      fft64(re, im);
      expect(relativeToPeak(re, dRe)).toBeLessThan(1e-12);
      expect(relativeToPeak(im, dIm)).toBeLessThan(1e-12);
    }
  });

  it('builds the prototype filter of fx.md: symmetric, Hann-tapered, unity at the centre for odd M', () => {
    const h = prototypeFilter(16, 4);
    expect(h).toHaveLength(64);
    for (let m = 0; m < 64; m++) expect(h[m]).toBeCloseTo(h[63 - m], 12);
    expect(h[0]).toBeCloseTo(0, 15);
    const odd = prototypeFilter(3, 3); // M = 9: m = 4 is the centre, sinc(0)·window(½) = 1
    expect(odd[4]).toBeCloseTo(1, 12);
  });

  it('computes spectrum s from samples sC … sC+M−1, fft-shifted (a single spectrum by hand)', () => {
    const C = 8, T = 2;
    const b = new ReferenceBackend({ inputs: 1, channels: C, taps: T, spectraPerIntegration: 1 });
    const bytes = toCu8(noise(3 * C, 0.2, 3));
    const h = prototypeFilter(C, T);
    const s = 1;
    const [re, im] = b.spectrum(bytes, 0, s);
    for (let j = 0; j < C; j++) {
      const k = (j + C / 2) % C;
      let xr = 0, xi = 0;
      for (let m = 0; m < C; m++) {
        let yr = 0, yi = 0;
        for (let t = 0; t < T; t++) {
          const n = s * C + t * C + m;
          yr += h[t * C + m] * ((bytes[2 * n] - 127.5) / 127.5);
          yi += h[t * C + m] * ((bytes[2 * n + 1] - 127.5) / 127.5);
        }
        const w = (-2 * Math.PI * k * m) / C;
        xr += yr * Math.cos(w) - yi * Math.sin(w);
        xi += yr * Math.sin(w) + yi * Math.cos(w);
      }
      expect(re[j]).toBeCloseTo(xr, 10);
      expect(im[j]).toBeCloseTo(xi, 10);
    }
  });

  it('has adjacent-channel leakage far below a plain FFT: a tone ¼ channel off centre, 2 channels away', async () => {
    // Measured here, relative to the tone's channel: j−1: PFB (T = 4) −54.5 dB, rectangular FFT −14.0 dB;
    // j+2: PFB −68.7 dB, FFT −16.9 dB.
    const C = 64, T = 4, j = 20, S = T * C;
    const x = tone(S + C, 1, (j + 0.25 - C / 2) / C);
    const pfb = new ReferenceBackend({ inputs: 1, channels: C, taps: T, spectraPerIntegration: 1 });
    const leak = (p: Float64Array, q: Float64Array, k: number) => (p[k] ** 2 + q[k] ** 2) / (p[j] ** 2 + q[j] ** 2);
    // Float input (not quantised) so that the filter, not 8-bit noise, sets the floor.
    const bytesFree = { re: x.re, im: x.im };
    const [pr, pi] = pfbSpectrum(pfb, bytesFree, C, T);
    const fr = Float64Array.from({ length: C }, (_, m) => x.re[m]), fi = Float64Array.from({ length: C }, (_, m) => x.im[m]);
    fft64(fr, fi);
    const shift = (a: Float64Array) => Float64Array.from({ length: C }, (_, jj) => a[(jj + C / 2) % C]);
    const dB = (p: Float64Array, q: Float64Array, k: number) => 10 * Math.log10(leak(p, q, k));
    const [sr, si] = [shift(fr), shift(fi)];
    // Channel j−1 (the neighbour ¾ of a channel from the tone) and j+2 (1¾ channels away).
    expect(dB(pr, pi, j - 1)).toBeLessThan(-50);
    expect(dB(sr, si, j - 1)).toBeGreaterThan(-15);
    expect(dB(pr, pi, j + 2)).toBeLessThan(-60);
    expect(dB(sr, si, j + 2)).toBeGreaterThan(-20);
  });
});

/** The reference's PFB applied to float samples (bypassing cu8), for filter-shape measurements. */
function pfbSpectrum(b: ReferenceBackend, x: { re: Float64Array; im: Float64Array }, C: number, T: number): [Float64Array, Float64Array] {
  const h = prototypeFilter(C, T);
  const yr = new Float64Array(C), yi = new Float64Array(C);
  for (let m = 0; m < C; m++) {
    for (let t = 0; t < T; t++) {
      yr[m] += h[t * C + m] * x.re[t * C + m];
      yi[m] += h[t * C + m] * x.im[t * C + m];
    }
  }
  fft64(yr, yi);
  void b;
  return [Float64Array.from({ length: C }, (_, j) => yr[(j + C / 2) % C]), Float64Array.from({ length: C }, (_, j) => yi[(j + C / 2) % C])];
}

describe('reference calibration', () => {
  it('applies a calibration in float64: noise delayed by 3.25 samples lines up with delays [0, 3.25], and a wrong delay shows its slope', async () => {
    const C = 64, T = 4, K = 300, L = 1 << 15;
    const streams = delayedNoise(L, 0.4, 20 / 127.5, 3.25, 5).map(toCu8);
    const config = { inputs: 2, channels: C, taps: T, spectraPerIntegration: K };
    const crossPhases = async (d: number) => {
      const [v] = await referenceIntegrations(config, streams, { delays: [0, d], scale: [2, 8] });
      const band = Array.from({ length: C }, (_, j) => j).filter((j) => Math.abs(j - C / 2) < 0.35 * C);
      return { v, phases: band.map((j) => Math.atan2(v!.visibilities[2 * (C + j) + 1]!, v!.visibilities[2 * (C + j)]!)) };
    };
    const { v, phases } = await crossPhases(3.25);
    // 8-bit quantisation (rms 20 counts) leaves coherence ≈ 0.9998: phase noise ≈ √(4e-4/(2K)) ≈ 8e-4 rad per channel.
    for (const p of phases) expect(Math.abs(p)).toBeLessThan(0.006);
    // Read 0.5 sample too far (3.75): V_01 gains exp(−2πi·f·0.5), a slope of −π/C per channel.
    const wrong = (await crossPhases(3.75)).phases;
    expect((wrong.at(-1)! - wrong[0]!) / (wrong.length - 1)).toBeCloseTo(-Math.PI / C, 2);
    // Scale: autos × s_a, the cross × √(s_a·s_b), against the same integration unscaled.
    const [plain] = await referenceIntegrations(config, streams, { delays: [0, 3.25] });
    expect(v!.visibilities[2 * 10]).toBe(plain!.visibilities[2 * 10]! * 2);
    expect(v!.visibilities[2 * (2 * C + 10)]).toBe(plain!.visibilities[2 * (2 * C + 10)]! * 8);
    expect(v!.visibilities[2 * (C + 10)]).toBe(plain!.visibilities[2 * (C + 10)]! * 4);
  });
});
