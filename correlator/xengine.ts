/**
 * The X-engine of the CPU backend: cross-multiply and accumulate
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

  /** Adds the sums, fft-shifted, into `visibilities` and `power2`, and zeroes them. */
  drainShifted(visibilities: Float64Array, power2: Float64Array): void {
    const C = this.channels, half = C / 2;
    for (let p = 0; p < this.pairs.length; p++) {
      for (let j = 0; j < C; j++) {
        const k = (j + half) % C;
        visibilities[2 * (p * C + j)] += this.visibilities[2 * (p * C + k)];
        visibilities[2 * (p * C + j) + 1] += this.visibilities[2 * (p * C + k) + 1];
      }
    }
    for (let a = 0; a < this.inputs; a++) {
      for (let j = 0; j < C; j++) power2[a * C + j] += this.power2[a * C + (j + half) % C];
    }
    this.visibilities.fill(0);
    this.power2.fill(0);
  }
}
