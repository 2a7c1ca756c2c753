/**
 * The CPU backend's compute for one thread, C ≥ 16: the filter bank, gains,
 * clip counts and X-engine as WebAssembly SIMD kernels (simd/kernels.as.ts)
 * and PFFFT's FFT, all in one WebAssembly memory, so a batch moves through
 * the stages with no copies but the samples' arrival. Everything is allocated
 * at construction; nothing per batch.
 *
 * Sums: each batch's products are summed in float32 registers over its
 * spectra (≤ 64 by default), then added into float64 here, as the FFTW peer does.
 */
import type { IntegrationSums } from './backend.ts';
import { productPairs } from './baselines.ts';
import { windowSamples } from './config.ts';
import { prototypeFilter } from './pfb.ts';
import { loadSimd, type SimdModule, type SimdModules } from './simd/module.ts';
import type { ResolvedFxConfig } from './types.ts';
import { drainShifted, type Engine } from './xengine.ts';

const pffftComplex = 1, pffftForward = 0;

export class SimdEngine implements Engine {
  private readonly u8: Uint8Array;
  private readonly f32: Float32Array;
  private readonly p: Record<'bytes' | 'fir' | 'x' | 'work' | 'coef' | 'base' | 'gA' | 'gB' | 'pairs' | 'acc' | 'power2', number>;
  private readonly setup: number;
  private readonly nPairs: number;
  /** Bytes between consecutive spectra in the X buffer: C·8 plus one cache line against set aliasing. */
  private readonly row: number;
  private readonly gainsOn: boolean[];
  /** Natural-order float64 sums of the integration. */
  private readonly visibilities: Float64Array;
  private readonly power2: Float64Array;
  private readonly clipped: number[];
  private spectra = 0;

  private constructor(
    readonly config: ResolvedFxConfig,
    readonly batch: number,
    private readonly w: SimdModule,
  ) {
    const { inputs: N, channels: C, taps: T, mode } = config;
    const pairs = productPairs(N, mode);
    this.nPairs = pairs.length;
    this.setup = w.pffft._pffft_new_setup(C, pffftComplex);
    if (!this.setup) throw new Error(`PFFFT cannot make a complex FFT of length ${C}`);
    const spectrumBytes = 8 * C;
    this.row = spectrumBytes + 64;
    this.p = {
      bytes: w.alloc(2 * windowSamples(config, batch) + 16),
      fir: w.alloc(spectrumBytes * batch),
      x: w.alloc(this.row * batch * N),
      work: w.alloc(spectrumBytes),
      coef: w.alloc(8 * T * C),
      base: w.alloc(8 * C),
      gA: w.alloc(spectrumBytes * N),
      gB: w.alloc(spectrumBytes * N),
      pairs: w.alloc(8 * pairs.length),
      acc: w.alloc(16 * C * pairs.length),
      power2: w.alloc(4 * C * N),
    };
    // Views only after the last allocation: growing the memory detaches older views.
    this.u8 = new Uint8Array(w.memory.buffer);
    this.f32 = new Float32Array(w.memory.buffer);
    const h = prototypeFilter(C, T);
    const f = this.p.coef >> 2, b = this.p.base >> 2;
    for (let n = 0; n < T * C; n++) this.f32[f + 2 * n] = this.f32[f + 2 * n + 1] = h[n] / 127.5;
    for (let m = 0; m < C; m++) {
      let sum = 0;
      for (let t = 0; t < T; t++) sum += h[t * C + m];
      this.f32[b + 2 * m] = this.f32[b + 2 * m + 1] = -sum;
    }
    new Int32Array(w.memory.buffer, this.p.pairs, 2 * pairs.length).set(pairs.flat());
    this.f32.fill(0, this.p.acc >> 2, (this.p.acc >> 2) + 4 * C * pairs.length);
    this.f32.fill(0, this.p.power2 >> 2, (this.p.power2 >> 2) + C * N);
    this.gainsOn = new Array<boolean>(N).fill(false);
    this.visibilities = new Float64Array(pairs.length * C * 2);
    this.power2 = new Float64Array(N * C);
    this.clipped = new Array<number>(N).fill(0);
    this.setGains(config.gains);
  }

  /** `modules`: PFFFT and the kernels compiled already (a worker gets them from its parent); compiled here when absent. */
  static async create(config: ResolvedFxConfig, batch: number, modules?: SimdModules): Promise<SimdEngine> {
    return new SimdEngine(config, batch, await loadSimd(modules));
  }

  /** Gains in fft-shifted order (fx.md), stored in natural order as gA = [gr, gr], gB = [−gi, gi]. */
  setGains(gains: readonly Float32Array[] | null): void {
    const C = this.config.channels;
    for (let a = 0; a < this.config.inputs; a++) {
      const g = gains?.[a];
      this.gainsOn[a] = !!g;
      if (!g) continue;
      const A = (this.p.gA >> 2) + 2 * C * a, B = (this.p.gB >> 2) + 2 * C * a;
      for (let j = 0; j < C; j++) {
        const k = (j + C / 2) % C;
        this.f32[A + 2 * k] = this.f32[A + 2 * k + 1] = g[2 * j];
        this.f32[B + 2 * k] = -g[2 * j + 1];
        this.f32[B + 2 * k + 1] = g[2 * j + 1];
      }
    }
  }

  accumulate(samples: readonly Uint8Array[], spectra: number): void {
    const { inputs: N, channels: C, taps: T } = this.config;
    const k = this.w.kernels, fft = this.w.pffft, p = this.p;
    for (let s0 = 0; s0 < spectra; s0 += this.batch) {
      const n = Math.min(this.batch, spectra - s0);
      const bytes = 2 * windowSamples(this.config, n);
      for (let a = 0; a < N; a++) {
        const from = 2 * s0 * C;
        if (samples[a].length < from + bytes) {
          throw new RangeError(`input ${a}: ${spectra} spectra need ${2 * windowSamples(this.config, spectra)} bytes, got ${samples[a].length}`);
        }
        this.u8.set(samples[a].subarray(from, from + bytes), p.bytes);
        this.clipped[a] += k.clipped(p.bytes, n * C);
        k.fir(p.bytes, n, C, T, p.coef, p.base, p.fir);
        const xa = p.x + this.row * a * this.batch;
        for (let s = 0; s < n; s++) fft._pffft_transform_ordered(this.setup, p.fir + 8 * C * s, xa + this.row * s, p.work, pffftForward);
        if (this.gainsOn[a]) k.gains(xa, n, C, this.row, p.gA + 8 * C * a, p.gB + 8 * C * a);
      }
      k.xengine(p.x, n, C, this.row, this.batch, p.pairs, this.nPairs, p.acc, p.power2);
      this.fold();
    }
    this.spectra += spectra;
  }

  /** Adds the float32 batch sums (P, Q per product; |X|⁴ per input) into float64 and zeroes them. */
  private fold(): void {
    const C = this.config.channels, f = this.f32, V = this.visibilities;
    const acc = this.p.acc >> 2;
    for (let q = 0; q < this.nPairs; q++) {
      const P = acc + 4 * C * q, Q = P + 2 * C, v = 2 * C * q;
      for (let j = 0; j < C; j++) {
        V[v + 2 * j] += f[P + 2 * j] + f[P + 2 * j + 1];
        V[v + 2 * j + 1] += f[Q + 2 * j + 1] - f[Q + 2 * j];
      }
    }
    f.fill(0, acc, acc + 4 * C * this.nPairs);
    const p2 = this.p.power2 >> 2;
    for (let i = 0; i < this.power2.length; i++) this.power2[i] += f[p2 + i];
    f.fill(0, p2, p2 + this.power2.length);
  }

  drain(into: IntegrationSums): void {
    drainShifted(this.config.channels, this.visibilities, this.power2, into);
    for (let a = 0; a < this.config.inputs; a++) into.clipped[a] += this.clipped[a];
    into.spectra += this.spectra;
    this.clipped.fill(0);
    this.spectra = 0;
  }

  dispose(): void {
    this.w.pffft._pffft_destroy_setup(this.setup);
  }
}
