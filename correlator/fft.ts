/**
 * Batched forward complex FFTs for the JavaScript path of the CPU backend,
 * used only where PFFFT cannot go (C < 16): the reference's float64 radix-2
 * on float32 buffers. Larger C runs in engine-simd.ts on PFFFT.
 *
 * X[k] = Σ x[m] e^{−2πikm/C}, unnormalised, natural order.
 */
import { fft64 } from './reference.ts';

export class BatchFft {
  /** Interleaved complex input, spectra × C, written by the caller before `run`. */
  readonly input: Float32Array;
  /** Interleaved complex output, spectra × C. */
  readonly output: Float32Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(
    readonly channels: number,
    readonly spectra: number,
  ) {
    this.input = new Float32Array(2 * channels * spectra);
    this.output = new Float32Array(2 * channels * spectra);
    this.re = new Float64Array(channels);
    this.im = new Float64Array(channels);
  }

  /** Transforms spectra 0 … count−1 of `input` into `output`. */
  run(count: number): void {
    const C = this.channels, re = this.re, im = this.im;
    for (let s = 0; s < count; s++) {
      const o = 2 * C * s;
      for (let m = 0; m < C; m++) {
        re[m] = this.input[o + 2 * m];
        im[m] = this.input[o + 2 * m + 1];
      }
      fft64(re, im);
      for (let k = 0; k < C; k++) {
        this.output[o + 2 * k] = re[k];
        this.output[o + 2 * k + 1] = im[k];
      }
    }
  }
}
