/**
 * The shared contracts of the FX core: what goes in (blocks of cu8 samples),
 * how it is configured, and what comes out (integrations). See
 * ../shared/reference/fx.md for the mathematics every backend computes.
 */

/** One block of samples from one input, as every source yields it. */
export interface Block {
  /** Input number, 0 … inputs−1. */
  input: number;
  /**
   * Index of the block's first sample in this input's stream, counting every
   * sample the source should have delivered, dropped ones included (samples).
   */
  firstSample: number;
  /** Interleaved unsigned 8-bit I/Q (`cu8`): byte 2k is I, 2k+1 is Q. Even length. */
  data: Uint8Array;
  /** Host clock when the block arrived (ms since the Unix epoch). Informational: time comes from sample counts. */
  receivedAt: number;
  /** Samples lost immediately before this block (samples). */
  dropped: number;
}

/** Which backend computes the FX definition. `auto` picks the GPU when one works, else the CPU. */
export type BackendName = 'reference' | 'cpu' | 'gpu';
export type BackendChoice = BackendName | 'auto';

/** `full`: every baseline including crosses; `autos`: square-law (spectrometer) mode. */
export type CorrelationMode = 'full' | 'autos';

/** What a correlator is built for. Validated once by `validateConfig` (config.ts). */
export interface FxConfig {
  /** Number of inputs N (≥ 1). */
  inputs: number;
  /** Channels C, the FFT length: a power of two, 2 … 65536. */
  channels: number;
  /** Polyphase filter taps T (≥ 1); the prototype filter has T·C coefficients. */
  taps: number;
  /** Spectra per integration K (≥ 1). */
  spectraPerIntegration: number;
  /** `full` (all N(N+1)/2 baselines) or `autos` (N autos only). Default `full`. */
  mode?: CorrelationMode;
  /** Per-input integer delays d_a ≥ 0 (samples): input a is read as x_a[k + d_a]. Default all 0. */
  delays?: readonly number[];
  /**
   * Per-input, per-channel complex gains g_a[j] in fft-shifted channel order,
   * interleaved re/im: gains[a] has length 2·C. Default all 1.
   */
  gains?: readonly Float32Array[] | null;
}

/** A validated configuration with every default filled in. */
export interface ResolvedFxConfig {
  inputs: number;
  channels: number;
  taps: number;
  spectraPerIntegration: number;
  mode: CorrelationMode;
  delays: number[];
  gains: Float32Array[] | null;
  /** Number of products computed: N(N+1)/2 in full mode, N in autos mode. */
  products: number;
}

/**
 * Calibration applied to a running pipeline (`Pipeline.setCalibration`), from
 * the next integration boundary on; fields left out keep their values. What
 * it computes is fx.md's definition with, per input a:
 * - the integer part of `delays[a]` as fx.md's read delay (x_a[k + ⌊d_a⌋]);
 * - the fraction τ_a = d_a − ⌊d_a⌋ as a per-channel phase slope folded into
 *   the gain: g'_a[j] = g_a[j] · exp(+2πi·f_j·τ_a), f_j = (j − C/2)/C cycles
 *   per sample (fft-shifted channel j). The sign follows fx.md's read
 *   convention: reading x_a at k + τ multiplies X_a by exp(+2πi·f·τ) (the
 *   shift theorem), so noise that arrives τ samples late on input a lines up;
 * - `scale[a]` on the float64 sums: V_ab × √(s_a·s_b) (autos × s_a exactly),
 *   |X|⁴ sums × s_a², so spectral kurtosis is unchanged.
 */
export interface Calibration {
  /** Per-input delays (samples, ≥ 0, may be fractional): the integer part shifts the read (x_a[k + ⌊d_a⌋]), the fraction is applied as a phase slope across the channels. */
  delays?: readonly number[];
  /** Per-input, per-channel complex gains g_a[j] (fft-shifted, interleaved re/im, length 2C), or null for unity. */
  gains?: readonly Float32Array[] | null;
  /** Per-input scale s_a (e.g. kelvin per unit of V_aa/K): V_ab is multiplied by √(s_a·s_b); null for 1. */
  scale?: readonly number[] | null;
}

/** The calibration in force: every field resolved (`Pipeline.calibration`). */
export interface CalibrationState {
  /** Number of setCalibration calls in effect (0: the construction's config). */
  count: number;
  /** Per-input delays (samples, ≥ 0, may be fractional). */
  delays: number[];
  /** Per-input complex gains (fft-shifted, re/im), or null for unity. */
  gains: Float32Array[] | null;
  /** Per-input scale, or null for 1. */
  scale: number[] | null;
}

/** Why an integration ended. */
export type IntegrationEnd = 'full' | 'gap' | 'end';

/**
 * One integration as every backend and the pipeline produce it.
 *
 * Layout of `visibilities`: product-major, then channel in fft-shifted order,
 * interleaved re/im, as float64 sums (not means) over `spectra` spectra.
 * Products are baselines in upper-triangle row-major order (0,0),(0,1)…(N−1,N−1)
 * in `full` mode, or autos (0,0),(1,1)… in `autos` mode.
 */
export interface Integration {
  /** Sequence number of this integration in the stream, from 0. */
  index: number;
  /** Common-time index of the first sample of the first spectrum (samples, after delays). */
  firstSample: number;
  /** Spectra K summed (may be fewer than configured when a gap or the end of the stream cut it short). */
  spectra: number;
  /** Why it ended. */
  end: IntegrationEnd;
  /** products × channels × 2 (re, im), float64 sums. */
  visibilities: Float64Array;
  /** inputs × channels: Σ_s |X'_a,s[j]|⁴, fft-shifted channel order, for spectral kurtosis. */
  power2: Float64Array;
  /**
   * Per-input count of samples whose I or Q byte was 0 or 255, among the samples
   * this integration advanced over: common indices [firstSample, firstSample + spectra·C).
   */
  clipped: number[];
  /** Per-input count of samples the sources dropped within or just before this integration. */
  dropped: number[];
  /**
   * The calibration it was computed with: the number of `Pipeline.setCalibration`
   * calls in effect (0 = the construction's config). One integration never mixes two.
   */
  calibration: number;
}
