import type { IntegrationSums } from './backend.ts';

/** One thread's compute, whichever path implements it (engine-simd.ts, engine-js.ts). */
export interface Engine {
  /** Adds `spectra` spectra; samples[a] is input a's window from byte 0. */
  accumulate(samples: readonly Uint8Array[], spectra: number): void;
  /** Adds the sums so far into `into` (fft-shifted) and starts a new integration. */
  drain(into: IntegrationSums): void;
  /** Gains in fft-shifted channel order (fx.md), or null for unity. */
  setGains(gains: readonly Float32Array[] | null): void;
  dispose(): void;
}

/**
 * Adds natural-order sums (products × C × 2 and inputs × C) into `into`,
 * fft-shifted (channel j from k = (j + C/2) mod C), and zeroes them.
 */
export function drainShifted(C: number, visibilities: Float64Array, power2: Float64Array, into: Pick<IntegrationSums, 'visibilities' | 'power2'>): void {
  const half = C / 2;
  for (let row = 0; row < visibilities.length / (2 * C); row++) {
    for (let j = 0; j < C; j++) {
      const k = (j + half) % C;
      into.visibilities[2 * (row * C + j)] += visibilities[2 * (row * C + k)];
      into.visibilities[2 * (row * C + j) + 1] += visibilities[2 * (row * C + k) + 1];
    }
  }
  for (let row = 0; row < power2.length / C; row++) {
    for (let j = 0; j < C; j++) into.power2[row * C + j] += power2[row * C + (j + half) % C];
  }
  visibilities.fill(0);
  power2.fill(0);
}

/**
 * The X-engine of the JavaScript path (C < 16): cross-multiply and accumulate
 * V_ab[k] += X_a[k]·conj(X_b[k]) over the products of the mode, and
 * P2_a[k] += |X_a[k]|⁴ for spectral kurtosis. Spectra arrive in natural FFT
 * order as float32; sums are kept in float64, also in natural order, and
 * fft-shifted once when an integration is read out.
 */
export class XEngine {
  /** products × C × 2, natural channel order. */
  readonly visibilities: Float64Array;
  /** inputs × C, natural channel order. */
  readonly power2: Float64Array;
  /** For each product, [a, b]. */
  private readonly pairs: Array<[number, number]>;

  constructor(
    readonly channels: number,
    readonly inputs: number,
    pairs: Array<[number, number]>,
  ) {
    this.pairs = pairs;
    this.visibilities = new Float64Array(pairs.length * channels * 2);
    this.power2 = new Float64Array(inputs * channels);
  }

  /**
   * Accumulates `spectra` spectra. X holds, for input a and spectrum s, the
   * C complex values at float offset 2·C·(a·stride + s).
   */
  accumulate(X: Float32Array, spectra: number, stride: number): void {
    const C = this.channels, V = this.visibilities, P2 = this.power2;
    for (let s = 0; s < spectra; s++) {
      for (let p = 0; p < this.pairs.length; p++) {
        const [a, b] = this.pairs[p];
        const xa = 2 * C * (a * stride + s), v = 2 * C * p;
        if (a === b) {
          const q = a * C;
          for (let k = 0; k < C; k++) {
            const re = X[xa + 2 * k], im = X[xa + 2 * k + 1];
            const pw = re * re + im * im;
            V[v + 2 * k] += pw;
            P2[q + k] += pw * pw;
          }
        } else {
          const xb = 2 * C * (b * stride + s);
          for (let k = 0; k < 2 * C; k += 2) {
            const ar = X[xa + k], ai = X[xa + k + 1], br = X[xb + k], bi = X[xb + k + 1];
            V[v + k] += ar * br + ai * bi;
            V[v + k + 1] += ai * br - ar * bi;
          }
        }
      }
    }
  }

  /** Adds the sums, fft-shifted, into `into`, and zeroes them. */
  drain(into: Pick<IntegrationSums, 'visibilities' | 'power2'>): void {
    drainShifted(this.channels, this.visibilities, this.power2, into);
  }
}
