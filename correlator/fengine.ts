/**
 * The F-engine stage of the CPU backend: polyphase FIR straight from cu8
 * bytes into the FFT's input, the FFT, and the per-channel gains.
 *
 * The unpack x = (b − 127.5)/127.5 is folded into the filter:
 * y[m] = Σ_t h[tC+m]·(b_t − 127.5)/127.5 = Σ_t (h[tC+m]/127.5)·b_t − Σ_t h[tC+m],
 * so the bytes are read once per tap with no separate unpack pass. The sums
 * are formed in float64 (JavaScript's number) and rounded once to float32.
 */
import type { BatchFft } from './fft.ts';
import { prototypeFilter } from './pfb.ts';

export class FEngine {
  /** h[tC+m]/127.5, float64. */
  private readonly scaled: Float64Array;
  /** Σ_t h[tC+m] for each m: the filtered 127.5 offset, subtracted once. */
  private readonly offset: Float64Array;
  /** Gains per input in natural FFT order (index k = (j + C/2) mod C), re/im; null where unity. */
  private gains: Array<Float32Array | null>;

  constructor(
    readonly channels: number,
    readonly taps: number,
    inputs: number,
  ) {
    const h = prototypeFilter(channels, taps);
    this.scaled = h.map((v) => v / 127.5);
    this.offset = new Float64Array(channels);
    for (let t = 0; t < taps; t++) for (let m = 0; m < channels; m++) this.offset[m] += h[t * channels + m];
    this.gains = new Array<Float32Array | null>(inputs).fill(null);
  }

  /** Sets gains given in fft-shifted channel order (fx.md), or clears them. */
  setGains(gains: readonly Float32Array[] | null): void {
    const C = this.channels;
    this.gains = this.gains.map((_, a) => {
      const g = gains?.[a];
      if (!g) return null;
      const natural = new Float32Array(2 * C);
      for (let j = 0; j < C; j++) {
        const k = (j + C / 2) % C;
        natural[2 * k] = g[2 * j];
        natural[2 * k + 1] = g[2 * j + 1];
      }
      return natural;
    });
  }

  /**
   * Filters `spectra` spectra of one input's bytes (window starting at byte 0)
   * into fft.input, transforms them, applies the input's gains, and leaves
   * X_a,s[k] (natural order) in `out` at offset `outOffset` (floats).
   */
  process(bytes: Uint8Array, input: number, spectra: number, fft: BatchFft, out: Float32Array, outOffset: number): void {
    const C = this.channels, T = this.taps, h = this.scaled, off = this.offset;
    const y = fft.input;
    for (let s = 0; s < spectra; s++) {
      const yBase = 2 * s * C, xBase = 2 * s * C;
      for (let m = 0; m < C; m++) {
        let re = -off[m], im = re;
        for (let t = 0, hi = m, xi = xBase + 2 * m; t < T; t++, hi += C, xi += 2 * C) {
          const c = h[hi];
          re += c * bytes[xi];
          im += c * bytes[xi + 1];
        }
        y[yBase + 2 * m] = re;
        y[yBase + 2 * m + 1] = im;
      }
    }
    fft.run(spectra);
    const n = 2 * C * spectra;
    out.set(fft.output.subarray(0, n), outOffset);
    const g = this.gains[input];
    if (!g) return;
    for (let s = 0; s < spectra; s++) {
      const base = outOffset + 2 * s * C;
      for (let k = 0; k < 2 * C; k += 2) {
        const xr = out[base + k], xi = out[base + k + 1], gr = g[k], gi = g[k + 1];
        out[base + k] = gr * xr - gi * xi;
        out[base + k + 1] = gr * xi + gi * xr;
      }
    }
  }
}

/** Samples among the first `samples` of `bytes` whose I or Q byte is 0 or 255. */
export function countClipped(bytes: Uint8Array, samples: number): number {
  let n = 0;
  for (let i = 0; i < 2 * samples; i += 2) {
    const re = bytes[i], im = bytes[i + 1];
    if (re === 0 || re === 255 || im === 0 || im === 255) n++;
  }
  return n;
}
