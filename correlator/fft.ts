/**
 * Batched forward complex FFTs in float32 for the CPU backend.
 *
 * C ≥ 16: PFFFT (Pommier's SIMD FFT) compiled to WebAssembly with SIMD
 * (@echogarden/pffft-wasm), chosen by measurement: about 2 ns per sample at
 * C = 1024 on this project's 2-core x86 machine, against about 25 ns for a
 * plain JavaScript radix-2. The batch's input and output live in the WASM
 * heap, so the filter bank writes straight into it and the X-engine reads
 * straight out of it, with no copies. C < 16 (which PFFFT's SIMD layout does
 * not support): the float64 radix-2 of the reference, on the same buffers.
 *
 * Direction and scale: X[k] = Σ x[m] e^{−2πikm/C}, unnormalised, natural order.
 */
import pffftFactory, { type PffftModule } from '@echogarden/pffft-wasm/simd';
import { fft64 } from './reference.ts';

const pffftForward = 0; // PFFFT_FORWARD
const pffftComplex = 1; // PFFFT_COMPLEX

export class BatchFft {
  /** Interleaved complex input, spectra × C, written by the caller before `run`. */
  readonly input: Float32Array;
  /** Interleaved complex output, spectra × C, natural (not shifted) order. */
  readonly output: Float32Array;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  private constructor(
    readonly channels: number,
    readonly spectra: number,
    private readonly wasm: { module: PffftModule; setup: number; inPtr: number; outPtr: number; workPtr: number } | null,
  ) {
    const n = 2 * channels * spectra;
    if (wasm) {
      // Views are taken after every allocation: the heap may grow and detach older views.
      this.input = new Float32Array(wasm.module.HEAPF32.buffer, wasm.inPtr, n);
      this.output = new Float32Array(wasm.module.HEAPF32.buffer, wasm.outPtr, n);
    } else {
      this.input = new Float32Array(n);
      this.output = new Float32Array(n);
    }
    this.scratchRe = new Float64Array(wasm ? 0 : channels);
    this.scratchIm = new Float64Array(wasm ? 0 : channels);
  }

  /** A batch of `spectra` transforms of length `channels` (a power of two). */
  static async create(channels: number, spectra: number): Promise<BatchFft> {
    if (channels < 16) return new BatchFft(channels, spectra, null);
    const module = await pffftFactory();
    const setup = module._pffft_new_setup(channels, pffftComplex);
    if (!setup) throw new Error(`PFFFT cannot make a complex FFT of length ${channels}`);
    const bytes = 8 * channels * spectra;
    const inPtr = module._pffft_aligned_malloc(bytes);
    const outPtr = module._pffft_aligned_malloc(bytes);
    const workPtr = module._pffft_aligned_malloc(8 * channels);
    if (!inPtr || !outPtr || !workPtr) throw new Error(`PFFFT could not allocate ${bytes} bytes for ${spectra} spectra`);
    return new BatchFft(channels, spectra, { module, setup, inPtr, outPtr, workPtr });
  }

  /** Transforms spectra 0 … count−1 of `input` into `output`. */
  run(count: number): void {
    const C = this.channels;
    if (this.wasm) {
      const { module, setup, inPtr, outPtr, workPtr } = this.wasm;
      for (let s = 0; s < count; s++) {
        module._pffft_transform_ordered(setup, inPtr + 8 * C * s, outPtr + 8 * C * s, workPtr, pffftForward);
      }
      return;
    }
    const re = this.scratchRe, im = this.scratchIm;
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

  /** Frees the WASM heap. The instance is unusable afterwards. */
  dispose(): void {
    if (!this.wasm) return;
    const { module, setup, inPtr, outPtr, workPtr } = this.wasm;
    module._pffft_aligned_free(inPtr);
    module._pffft_aligned_free(outPtr);
    module._pffft_aligned_free(workPtr);
    module._pffft_destroy_setup(setup);
  }
}
