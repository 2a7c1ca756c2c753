// Types for the parts of @echogarden/pffft-wasm (PFFFT compiled by Emscripten) that fft.ts uses.
declare module '@echogarden/pffft-wasm/simd' {
  export interface PffftModule {
    HEAPF32: Float32Array;
    _pffft_new_setup(n: number, transform: number): number;
    _pffft_destroy_setup(setup: number): void;
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_aligned_free(ptr: number): void;
  }
  export interface PffftOptions {
    /** Emscripten's hook to instantiate the module ourselves (returns {} and calls done asynchronously). */
    instantiateWasm?(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): object;
  }
  const factory: (options?: PffftOptions) => Promise<PffftModule>;
  export default factory;
}
