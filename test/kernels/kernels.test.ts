/**
 * Each WGSL kernel once, against a direct JS evaluation of the same formula
 * (float64), on small known inputs. Tolerances are float32's: ~1e-6 relative
 * for single operations, log2(L)·1e-6 for an L-point FFT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../kernels/device.ts';
import { twiddleTable } from '../../kernels/gpu.ts';
import { fftPasses } from '../../kernels/plan.ts';
import { rng } from '../../src/analysis/signals.ts';
import { gpuMissing, runKernel } from './gpu-device.ts';

const missing = await gpuMissing();

/** Complex DFT in float64 of interleaved re/im. */
function dft(x: Float32Array | Float64Array): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    for (let m = 0; m < n; m++) {
      const a = (-2 * Math.PI * ((k * m) % n)) / n;
      out[2 * k] += x[2 * m] * Math.cos(a) - x[2 * m + 1] * Math.sin(a);
      out[2 * k + 1] += x[2 * m] * Math.sin(a) + x[2 * m + 1] * Math.cos(a);
    }
  }
  return out;
}

function maxRelative(got: Float32Array, want: Float64Array): number {
  let err = 0, peak = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    peak = Math.max(peak, Math.abs(want[i]));
  }
  return err / peak;
}

function randomComplex(n: number, seed: number): Float32Array {
  const u = rng(seed);
  return Float32Array.from({ length: 2 * n }, () => u() * 2 - 1);
}

describe.skipIf(missing)(`WGSL kernels against JS${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await acquireGpu();
  });
  afterAll(() => ctx?.destroy());

  it('unpack: bytes to (b − 127.5)/127.5, clips counted only among the first `hops` samples', async () => {
    const WG = 4, strideWords = 8, inputs = 2, window = 12, hops = 10;
    const bytes = new Uint8Array(inputs * strideWords * 4).fill(99);
    // Input 0: samples 0 (I=0) and 9 (Q=255) clipped and counted; sample 10 (I=255) beyond hops: not counted.
    bytes.set([0, 128], 0);
    bytes.set([7, 255], 2 * 9);
    bytes.set([255, 1], 2 * 10);
    // Input 1: sample 3 clipped; bytes past the window (sample 13) are ignored.
    const b1 = strideWords * 4;
    bytes.set([200, 0], b1 + 2 * 3);
    bytes.set([0, 0], b1 + 2 * 13);
    const [, samples, clipped] = await runKernel(ctx, 'unpack', { WG, STRIDE_WORDS: strideWords, INPUTS: inputs }, [1, window, hops],
      [bytes, new Float32Array(inputs * 2 * strideWords * 2).fill(-9), new Uint32Array([5, 0])], [(inputs * strideWords) / WG, 1]);
    expect(Array.from(new Uint32Array(clipped))).toEqual([5 + 2, 1]);
    const x = new Float32Array(samples);
    for (let a = 0; a < inputs; a++) {
      for (let k = 0; k < 2 * strideWords; k++) {
        const at = 2 * (a * 2 * strideWords + k);
        if (k >= window) {
          expect([x[at], x[at + 1]]).toEqual([-9, -9]); // untouched
        } else {
          const i = bytes[a * strideWords * 4 + 2 * k], q = bytes[a * strideWords * 4 + 2 * k + 1];
          expect(x[at]).toBeCloseTo((i - 127.5) / 127.5, 6);
          expect(x[at + 1]).toBeCloseTo((q - 127.5) / 127.5, 6);
        }
      }
    }
  });

  it('pfb: y_s[m] = Σ_t h[tC + m] · x[sC + tC + m], written at (a·B + s)·C + m', async () => {
    const C = 8, T = 3, B = 4, inputs = 2, spectra = 3, stride = 64;
    const x = randomComplex(inputs * stride, 1);
    const h = Float32Array.from({ length: T * C }, (_, i) => Math.sin(i + 1));
    const [, , y] = await runKernel(ctx, 'pfb', { WG: 8, C, T, B, INPUTS: inputs, SAMPLE_STRIDE: stride }, [spectra, 0, 0],
      [x, h, new Float32Array(inputs * B * C * 2)], [Math.ceil((inputs * spectra * C) / 8), 1]);
    const want = new Float64Array(inputs * B * C * 2);
    for (let a = 0; a < inputs; a++) {
      for (let s = 0; s < spectra; s++) {
        for (let m = 0; m < C; m++) {
          for (let t = 0; t < T; t++) {
            const k = a * stride + s * C + t * C + m;
            want[2 * ((a * B + s) * C + m)] += h[t * C + m] * x[2 * k];
            want[2 * ((a * B + s) * C + m) + 1] += h[t * C + m] * x[2 * k + 1];
          }
        }
      }
    }
    expect(maxRelative(new Float32Array(y), want)).toBeLessThan(1e-6);
  });

  for (const [C, maxLength] of [[2, 1024], [16, 1024], [256, 1024], [256, 16], [256, 64], [128, 16], [1024, 32]] as const) {
    const passes = fftPasses(C, maxLength, 8);
    it(`fft: C=${C} in ${passes.length} pass${passes.length > 1 ? 'es (four-step)' : ''} equals the DFT for every spectrum`, async () => {
      const B = 3, inputs = 2, spectra = 3;
      let data = randomComplex(inputs * B * C, C);
      const input = data;
      for (const p of passes) {
        const [, out] = await runKernel(ctx, 'fft', {
          WG: 8, C, B, INPUTS: inputs, L: p.length, P: p.perGroup, SHARED: 2 * p.perGroup * p.length,
          IN_R: p.inR, IN_I: p.inI, OUT_R: p.outR, OUT_K: p.outK, TWIDDLE: p.twiddle ? 1 : 0,
        }, [spectra, 0, 0], [data, new Float32Array(data.length), twiddleTable(C)], [Math.ceil((inputs * spectra * (C / p.length)) / p.perGroup), 1]);
        data = new Float32Array(out);
      }
      for (let row = 0; row < inputs * B; row++) {
        const want = dft(input.subarray(2 * row * C, 2 * (row + 1) * C));
        expect(maxRelative(data.subarray(2 * row * C, 2 * (row + 1) * C), want)).toBeLessThan(Math.log2(C) * 1e-6 + 1e-6);
      }
    });
  }

  it('shift: channel j takes X[(j + C/2) mod C] times g_a[j]', async () => {
    const C = 8, B = 2, inputs = 2, spectra = 2;
    const X = randomComplex(inputs * B * C, 3), g = randomComplex(inputs * C, 4);
    const [, , out] = await runKernel(ctx, 'shift', { WG: 8, C, B, INPUTS: inputs }, [spectra, 0, 0],
      [X, g, new Float32Array(X.length)], [Math.ceil((inputs * spectra * C) / 8), 1]);
    const got = new Float32Array(out);
    const want = new Float64Array(X.length);
    for (let a = 0; a < inputs; a++) {
      for (let s = 0; s < spectra; s++) {
        for (let j = 0; j < C; j++) {
          const k = (a * B + s) * C + ((j + C / 2) % C), o = (a * B + s) * C + j;
          const [gr, gi] = [g[2 * (a * C + j)], g[2 * (a * C + j) + 1]];
          want[2 * o] = gr * X[2 * k] - gi * X[2 * k + 1];
          want[2 * o + 1] = gr * X[2 * k + 1] + gi * X[2 * k];
        }
      }
    }
    expect(maxRelative(got, want)).toBeLessThan(1e-6);
  });

  for (const mode of ['full', 'autos'] as const) {
    it(`xengine (${mode}): V_ab[j] += Σ_s X_a·conj(X_b), accumulated over dispatches`, async () => {
      const C = 4, B = 3, inputs = 3, spectra = 2;
      const pairs = mode === 'full' ? [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]] : [[0, 0], [1, 1], [2, 2]];
      const X = randomComplex(inputs * B * C, 5);
      const start = randomComplex(pairs.length * C, 6);
      const [, , vis] = await runKernel(ctx, 'xengine', { WG: 4, C, B, PRODUCTS: pairs.length }, [spectra, 0, 0],
        [X, Uint32Array.from(pairs.flat()), start], [Math.ceil((pairs.length * C) / 4), 1], 2);
      const want = Float64Array.from(start);
      pairs.forEach(([a, b], p) => {
        for (let j = 0; j < C; j++) {
          for (let s = 0; s < spectra; s++) {
            const xa = (a * B + s) * C + j, xb = (b * B + s) * C + j;
            want[2 * (p * C + j)] += 2 * (X[2 * xa] * X[2 * xb] + X[2 * xa + 1] * X[2 * xb + 1]);
            want[2 * (p * C + j) + 1] += 2 * (X[2 * xa + 1] * X[2 * xb] - X[2 * xa] * X[2 * xb + 1]);
          }
        }
      });
      expect(maxRelative(new Float32Array(vis), want)).toBeLessThan(1e-6);
    });
  }

  it('power2: P2_a[j] += Σ_s |X_a,s[j]|⁴', async () => {
    const C = 4, B = 3, inputs = 2, spectra = 3;
    const X = randomComplex(inputs * B * C, 8);
    const [, p2] = await runKernel(ctx, 'power2', { WG: 4, C, B, INPUTS: inputs }, [spectra, 0, 0],
      [X, new Float32Array(inputs * C).fill(1)], [2, 1]);
    const want = new Float64Array(inputs * C).fill(1);
    for (let a = 0; a < inputs; a++) {
      for (let j = 0; j < C; j++) {
        for (let s = 0; s < spectra; s++) {
          const k = (a * B + s) * C + j;
          want[a * C + j] += (X[2 * k] ** 2 + X[2 * k + 1] ** 2) ** 2;
        }
      }
    }
    expect(maxRelative(new Float32Array(p2), want)).toBeLessThan(1e-6);
  });
});
