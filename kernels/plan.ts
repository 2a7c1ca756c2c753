/**
 * Sizes for the GPU backend, pure and separately tested: spectra per batch,
 * buffer strides, the FFT's passes and 2-D dispatch shapes. Every number
 * comes from the configuration and the device's limits, never from timing.
 */
import { windowSamples } from '../correlator/config.ts';
import { CorrelatorError } from '../correlator/errors.ts';
import type { ResolvedFxConfig } from '../correlator/types.ts';

/** The device limits the plan depends on (a subset of GPUSupportedLimits). */
export interface PlanLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** One pass of the workgroup FFT kernel (fft.wgsl's override constants). */
export interface FftPass {
  /** Sub-FFT length L (a power of two, ≥ 2). */
  length: number;
  /** Sub-FFTs per workgroup P. */
  perGroup: number;
  inR: number;
  inI: number;
  outR: number;
  outK: number;
  twiddle: boolean;
}

export interface Plan {
  /** Invocations per workgroup for every kernel. */
  workgroup: number;
  /** Spectra per batch B. */
  batch: number;
  /** Samples per input in the largest window: (B − 1)·C + T·C. */
  window: number;
  /** u32 words per input in the raw buffer: ≥ window/2, a multiple of the workgroup size. */
  strideWords: number;
  /** Complex samples per input in the unpacked buffer (2·strideWords). */
  strideSamples: number;
  fft: FftPass[];
  /** Accumulators are copied to the host and cleared every `flushEvery` batches. */
  flushEvery: number;
}

/** Options that override the plan's defaults. */
export interface PlanOptions {
  /** Spectra per batch (default about 2^17 samples' worth per input, at most K). */
  batch?: number;
  /** Invocations per workgroup (default 64). */
  workgroup?: number;
  /** Largest sub-FFT done in one workgroup (default: what workgroup memory holds). */
  maxFftLength?: number;
  /** Batches between downloads of the float32 accumulators (default: ≈ 512 spectra' worth). */
  flushEvery?: number;
}

/** Spectra that float32 accumulation may sum before the host adds them into float64: keeps round-off ≪ 1e-4. */
export const flushSpectra = 512;

function fail(message: string): never {
  throw new CorrelatorError('config', message);
}

/** Largest power of two ≤ x (x ≥ 1). */
function floorPow2(x: number): number {
  return 2 ** Math.floor(Math.log2(x));
}

/**
 * The FFT of length C as one pass (C ≤ maxLength) or a four-step pair of
 * passes (C ≤ maxLength²); see fft.wgsl for the index arithmetic.
 */
export function fftPasses(C: number, maxLength: number, workgroup: number): FftPass[] {
  const perGroup = (L: number) => Math.max(1, Math.min(Math.floor(maxLength / L), Math.ceil((2 * workgroup) / L)));
  if (C <= maxLength) return [{ length: C, perGroup: perGroup(C), inR: 0, inI: 1, outR: 0, outK: 1, twiddle: false }];
  if (C > maxLength * maxLength) fail(`channels ${C} exceed what a two-pass GPU FFT of ${maxLength}-point sub-FFTs can do (${maxLength ** 2})`);
  const C1 = 2 ** Math.ceil(Math.log2(C) / 2), C2 = C / C1;
  // Pass 1 reads columns: as many neighbouring columns per workgroup as its memory holds (up to 16,
  // 128 bytes of neighbouring complex samples per row), so that its loads and stores coalesce.
  const across = Math.max(perGroup(C1), Math.min(16, Math.floor(maxLength / C1), C2));
  return [
    { length: C1, perGroup: across, inR: 1, inI: C2, outR: 1, outK: C2, twiddle: true },
    { length: C2, perGroup: perGroup(C2), inR: C2, inI: 1, outR: 1, outK: C1, twiddle: false },
  ];
}

/** Workgroup counts as a 2-D grid (x fastest) covering `groups`, within the per-dimension limit. */
export function grid(groups: number, maxPerDimension: number): [number, number] {
  if (groups <= 0) return [0, 0];
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  if (y > maxPerDimension) throw new CorrelatorError('backend', `a dispatch of ${groups} workgroups exceeds the device's ${maxPerDimension}² grid`);
  return [x, y];
}

export function makePlan(config: ResolvedFxConfig, limits: PlanLimits, options: PlanOptions = {}): Plan {
  const { inputs: N, channels: C, taps: T, spectraPerIntegration: K, products } = config;
  const workgroup = options.workgroup ?? Math.min(64, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  if (!Number.isInteger(workgroup) || workgroup < 1 || (workgroup & (workgroup - 1)) !== 0) {
    fail(`workgroup must be a power of two ≥ 1 (got ${workgroup})`);
  }
  if (workgroup > limits.maxComputeInvocationsPerWorkgroup) {
    fail(`workgroup ${workgroup} exceeds the device's ${limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup`);
  }
  // Two ping-pong halves of vec2<f32> (8 bytes each) in workgroup memory.
  const maxFromMemory = floorPow2(limits.maxComputeWorkgroupStorageSize / 16);
  const maxFftLength = options.maxFftLength ?? maxFromMemory;
  if (maxFftLength > maxFromMemory || maxFftLength < 2 || (maxFftLength & (maxFftLength - 1)) !== 0) {
    fail(`maxFftLength must be a power of two from 2 to ${maxFromMemory} (got ${maxFftLength})`);
  }
  const fft = fftPasses(C, maxFftLength, workgroup);

  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  let batch = options.batch ?? Math.max(1, Math.floor(131072 / C));
  if (!Number.isInteger(batch) || batch < 1) fail(`batch must be an integer ≥ 1 (got ${batch})`);
  batch = Math.min(batch, K);
  const sizes = (b: number) => {
    const window = windowSamples(config, b);
    const strideWords = Math.ceil(window / 2 / workgroup) * workgroup;
    return {
      window,
      strideWords,
      bytes: Math.max(N * strideWords * 2 * 8, N * b * C * 8, products * C * 8),
    };
  };
  while (batch > 1 && sizes(batch).bytes > maxBinding) batch = Math.max(1, Math.floor(batch / 2));
  const { window, strideWords, bytes } = sizes(batch);
  if (bytes > maxBinding) {
    fail(`${N} inputs of ${C} channels × ${T} taps need ${bytes} bytes in one GPU buffer, above the device's ${maxBinding}; use fewer channels or taps`);
  }
  const flushEvery = options.flushEvery ?? Math.max(1, Math.floor(flushSpectra / batch));
  if (!Number.isInteger(flushEvery) || flushEvery < 1) fail(`flushEvery must be an integer ≥ 1 (got ${flushEvery})`);
  return { workgroup, batch, window, strideWords, strideSamples: 2 * strideWords, fft, flushEvery };
}
