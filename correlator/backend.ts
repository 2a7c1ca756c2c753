/**
 * The interface every FX backend implements (reference, cpu, gpu). A backend
 * is a compute engine: it channelizes and correlates batches of spectra whose
 * samples the pipeline has already aligned (delays applied, gaps resolved),
 * and keeps the sums of the integration in progress. Chunking, integration
 * boundaries and gaps belong to the pipeline (pipeline.ts), so that every
 * backend is driven identically and passes the same conformance suite
 * (test/correlator/conformance.ts).
 */
import type { BackendName, ResolvedFxConfig } from './types.ts';

/** The sums of one integration, as a backend hands them over. */
export interface IntegrationSums {
  /** Spectra summed (K). */
  spectra: number;
  /** products × channels × 2, float64 sums, fft-shifted channel order (types.ts: Integration). */
  visibilities: Float64Array;
  /** inputs × channels, Σ|X'|⁴, fft-shifted channel order. */
  power2: Float64Array;
  /** Per input: samples with an I or Q byte of 0 or 255 among the hops [0, spectra·C) of each batch. */
  clipped: number[];
}

export interface FxBackend {
  readonly name: BackendName;
  readonly config: ResolvedFxConfig;
  /**
   * Spectra per accumulate call the backend works best with. The pipeline
   * cuts every integration into batches of this size from its start, so the
   * sums do not depend on how the stream was chunked.
   */
  readonly batch: number;
  /**
   * Adds `spectra` consecutive spectra to the integration in progress.
   * `samples[a]` holds input a's cu8 bytes for the window of those spectra:
   * (spectra − 1)·C + T·C samples, i.e. twice that many bytes (it may be
   * longer; the rest is ignored). Resolves once the caller may reuse the
   * arrays; the work itself may still be in flight (GPU pipelining).
   */
  accumulate(samples: readonly Uint8Array[], spectra: number): Promise<void>;
  /** Resolves to the integration's sums once all work before it is done, and starts a new one. */
  take(): Promise<IntegrationSums>;
  /** Replaces the per-channel complex gains (fx.md); applies from the next accumulate. */
  setGains(gains: readonly Float32Array[] | null): Promise<void>;
  /** Releases threads, GPU buffers and memory. Idempotent. */
  close(): Promise<void>;
}

/** Zeroed sums for a configuration. */
export function emptySums(config: ResolvedFxConfig): IntegrationSums {
  return {
    spectra: 0,
    visibilities: new Float64Array(config.products * config.channels * 2),
    power2: new Float64Array(config.inputs * config.channels),
    clipped: new Array<number>(config.inputs).fill(0),
  };
}
