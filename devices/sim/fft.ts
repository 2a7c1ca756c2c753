/**
 * The inverse FFT that turns shaped spectra into noise: PFFFT (Pommier's SIMD
 * FFT) compiled to WebAssembly (@echogarden/pffft-wasm, already a dependency
 * of the correlator), about ten times a plain JavaScript radix-2. One module
 * and one transform setup per length, shared by every stream: calls are
 * synchronous, so one input and one output buffer in the WASM heap suffice.
 *
 * Convention: out[n] = Σ_k in[k]·e^{+2πikn/L}, unnormalised, natural order.
 */
import { DeviceError } from '../errors.ts';

interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, transform: number): number;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
  _pffft_aligned_malloc(bytes: number): number;
}

const pffftBackward = 1; // PFFFT_BACKWARD
const pffftComplex = 1; // PFFFT_COMPLEX

/** A length-L inverse complex FFT; write `input`, call `run`, read `output` (interleaved re/im). */
export interface InverseFft {
  readonly length: number;
  readonly input: Float32Array;
  readonly output: Float32Array;
  run(): void;
}

let modulePromise: Promise<PffftModule> | null = null;
const cache = new Map<number, InverseFft>();

async function loadModule(): Promise<PffftModule> {
  // A computed specifier keeps the type checker from resolving the package's (absent) types.
  const spec = '@echogarden/pffft-wasm/simd';
  try {
    const mod = (await import(spec)) as { default: () => Promise<PffftModule> };
    return await mod.default();
  } catch (err) {
    throw new DeviceError('not-installed', `the simulator needs @echogarden/pffft-wasm for its FFTs; run 'npm install' in the project folder.`, { cause: err });
  }
}

/** The shared inverse FFT of length L (a power of two ≥ 32). */
export async function inverseFft(L: number): Promise<InverseFft> {
  const hit = cache.get(L);
  if (hit) return hit;
  modulePromise ??= loadModule();
  const m = await modulePromise;
  const again = cache.get(L);
  if (again) return again;
  const setup = m._pffft_new_setup(L, pffftComplex);
  const inPtr = m._pffft_aligned_malloc(8 * L);
  const outPtr = m._pffft_aligned_malloc(8 * L);
  const workPtr = m._pffft_aligned_malloc(8 * L);
  if (!setup || !inPtr || !outPtr || !workPtr) throw new DeviceError('io', `PFFFT could not set up an FFT of length ${L}.`);
  let input = new Float32Array(m.HEAPF32.buffer, inPtr, 2 * L);
  let output = new Float32Array(m.HEAPF32.buffer, outPtr, 2 * L);
  // The heap may grow (detaching older views) when anything else allocates in it; views are renewed on use.
  const fresh = () => {
    if (input.buffer !== m.HEAPF32.buffer) {
      input = new Float32Array(m.HEAPF32.buffer, inPtr, 2 * L);
      output = new Float32Array(m.HEAPF32.buffer, outPtr, 2 * L);
    }
  };
  const fft: InverseFft = {
    length: L,
    get input() {
      fresh();
      return input;
    },
    get output() {
      fresh();
      return output;
    },
    run() {
      m._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, pffftBackward);
    },
  };
  cache.set(L, fft);
  return fft;
}
