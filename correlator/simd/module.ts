/**
 * PFFFT and the SIMD kernels in one WebAssembly memory.
 *
 * PFFFT (@echogarden/pffft-wasm, Emscripten) owns the memory; its
 * `instantiateWasm` hook lets us instantiate it ourselves and keep the
 * WebAssembly.Memory, which the kernels module then imports. Buffers come
 * from PFFFT's 16-byte-aligned allocator, so both modules work on the same
 * bytes with no copies. Allocate everything before taking typed-array views:
 * growing the memory detaches earlier views.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pffftFactory, { type PffftModule } from '@echogarden/pffft-wasm/simd';
import { kernelsBinary } from './build.ts';

export interface Kernels {
  fir(bytes: number, spectra: number, C: number, T: number, coef: number, base: number, out: number): void;
  clipped(bytes: number, samples: number): number;
  gains(x: number, spectra: number, C: number, row: number, gA: number, gB: number): void;
  xengine(x: number, spectra: number, C: number, row: number, stride: number, pairs: number, nPairs: number, acc: number, power2: number): void;
}

export interface SimdModule {
  pffft: PffftModule;
  kernels: Kernels;
  memory: WebAssembly.Memory;
  /** Allocates `bytes` bytes, 16-byte aligned; throws when the memory cannot grow. */
  alloc(bytes: number): number;
}

/** The two compiled modules; WebAssembly.Module objects can be posted to worker threads. */
export interface SimdModules {
  pffft: WebAssembly.Module;
  kernels: WebAssembly.Module;
}

let compiled: Promise<SimdModules> | undefined;

/**
 * PFFFT and the kernels compiled once per thread that asks (the kernels
 * built from source at most once, build.ts). The CPU backend compiles them on
 * the calling thread and hands them to its workers, so N workers never build
 * or compile N copies at once.
 */
export function compileSimd(): Promise<SimdModules> {
  compiled ??= (async () => {
    const pffftWasm = Uint8Array.from(readFileSync(createRequire(import.meta.url).resolve('@echogarden/pffft-wasm/simd').replace(/\.js$/, '.wasm')));
    const [pffft, kernels] = await Promise.all([WebAssembly.compile(pffftWasm), kernelsBinary().then((b) => WebAssembly.compile(b))]);
    return { pffft, kernels };
  })();
  compiled.catch(() => (compiled = undefined));
  return compiled;
}

/** A fresh instance (each F-engine owns one memory; threads each make their own), from `modules` when given. */
export async function loadSimd(modules?: SimdModules): Promise<SimdModule> {
  const { pffft: pffftModule, kernels: kernelsModule } = modules ?? (await compileSimd());
  let memory: WebAssembly.Memory | undefined;
  // Emscripten's promise would stay pending forever if the instantiation below failed (out of
  // address space for one more WebAssembly memory, say): race it against that failure.
  let failed!: (e: unknown) => void;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const pffft = await Promise.race([failure, pffftFactory({
    instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      WebAssembly.instantiate(pffftModule, imports).then(
        (instance: WebAssembly.Instance) => {
          memory = Object.values(instance.exports).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
          done(instance, pffftModule);
        },
        (e: unknown) => failed(e),
      );
      return {};
    },
  })]);
  if (!memory) throw new Error('PFFFT did not export its memory; the SIMD kernels cannot share it');
  const instance = await WebAssembly.instantiate(kernelsModule, { env: { memory } });
  return {
    pffft,
    kernels: instance.exports as unknown as Kernels,
    memory,
    alloc(bytes: number): number {
      const ptr = pffft._pffft_aligned_malloc(Math.max(bytes, 16));
      if (!ptr) throw new Error(`could not allocate ${bytes} bytes in WebAssembly memory`);
      return ptr;
    },
  };
}
