/**
 * The CPU backend's compute for one thread in plain JavaScript, for C < 16
 * where PFFFT (engine-simd.ts) cannot go: F-engine then X-engine over a
 * batch of spectra, preallocated at construction.
 */
import { productPairs } from './baselines.ts';
import type { IntegrationSums } from './backend.ts';
import { windowSamples } from './config.ts';
import { BatchFft } from './fft.ts';
import { FEngine, countClipped } from './fengine.ts';
import { type Engine, XEngine } from './xengine.ts';
import type { ResolvedFxConfig } from './types.ts';

export class JsEngine implements Engine {
  private readonly f: FEngine;
  private readonly x: XEngine;
  /** inputs × batch × C complex spectra, natural order. */
  private readonly spectraBuffer: Float32Array;
  private readonly clipped: number[];
  private spectra = 0;

  private constructor(
    readonly config: ResolvedFxConfig,
    readonly batch: number,
    private readonly fft: BatchFft,
  ) {
    const { inputs, channels, taps, mode } = config;
    this.f = new FEngine(channels, taps, inputs);
    this.f.setGains(config.gains);
    this.x = new XEngine(channels, inputs, productPairs(inputs, mode));
    this.spectraBuffer = new Float32Array(inputs * batch * channels * 2);
    this.clipped = new Array<number>(inputs).fill(0);
  }

  static create(config: ResolvedFxConfig, batch: number): JsEngine {
    return new JsEngine(config, batch, new BatchFft(config.channels, batch));
  }

  setGains(gains: readonly Float32Array[] | null): void {
    this.f.setGains(gains);
  }

  /** Adds `spectra` spectra (any number; split into batches here). samples[a]: input a's window, byte 0 first. */
  accumulate(samples: readonly Uint8Array[], spectra: number): void {
    const { inputs, channels: C } = this.config;
    for (let a = 0; a < inputs; a++) {
      const need = 2 * windowSamples(this.config, spectra);
      if (samples[a].length < need) {
        throw new RangeError(`input ${a}: ${spectra} spectra need ${need} bytes, got ${samples[a].length}`);
      }
      this.clipped[a] += countClipped(samples[a], spectra * C);
    }
    for (let s0 = 0; s0 < spectra; s0 += this.batch) {
      const n = Math.min(this.batch, spectra - s0);
      for (let a = 0; a < inputs; a++) {
        this.f.process(samples[a].subarray(2 * s0 * C), a, n, this.fft, this.spectraBuffer, 2 * C * a * this.batch);
      }
      this.x.accumulate(this.spectraBuffer, n, this.batch);
    }
    this.spectra += spectra;
  }

  /** Adds the sums so far into `into` (fft-shifted) and starts a new integration. */
  drain(into: IntegrationSums): void {
    this.x.drain(into);
    for (let a = 0; a < this.config.inputs; a++) into.clipped[a] += this.clipped[a];
    into.spectra += this.spectra;
    this.clipped.fill(0);
    this.spectra = 0;
  }

  dispose(): void {}
}
