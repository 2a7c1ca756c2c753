/**
 * The float64 reference of the FX definition (../shared/reference/fx.md),
 * written to be read against the definition line by line. It is the judge of
 * every other backend; speed is not its concern.
 */
import { emptySums, type FxBackend, type IntegrationSums } from './backend.ts';
import { productPairs } from './baselines.ts';
import { calibratedGains64, scaleSums, validateCalibration, wholeDelays } from './calibration.ts';
import { validateConfig, validateGains, windowSamples } from './config.ts';
import { prototypeFilter } from './pfb.ts';
import type { Calibration, FxConfig, ResolvedFxConfig } from './types.ts';

/** x[k] = ((I − 127.5) + i(Q − 127.5)) / 127.5 */
export function sampleValue(byte: number): number {
  return (byte - 127.5) / 127.5;
}

/** A byte of 0 or 255 in I or Q marks the sample as clipped. */
export function isClipped(bytes: Uint8Array, k: number): boolean {
  const i = bytes[2 * k], q = bytes[2 * k + 1];
  return i === 0 || i === 255 || q === 0 || q === 255;
}

/**
 * In-place forward DFT X[k] = Σ x[m] e^{−2πikm/n} of interleaved complex
 * float64 data, by iterative radix-2 decimation in time (n a power of two).
 */
export function fft64(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      const angle = (-2 * Math.PI * k) / len;
      const wr = Math.cos(angle), wi = Math.sin(angle);
      for (let start = 0; start < n; start += len) {
        const p = start + k, q = p + half;
        const tr = re[q] * wr - im[q] * wi;
        const ti = re[q] * wi + im[q] * wr;
        re[q] = re[p] - tr;
        im[q] = im[p] - ti;
        re[p] += tr;
        im[p] += ti;
      }
    }
  }
}

/** The reference as an FxBackend, so the pipeline and the bench can drive it like any other. */
export class ReferenceBackend implements FxBackend {
  readonly name = 'reference' as const;
  readonly config: ResolvedFxConfig;
  readonly batch = 16;
  private readonly h: Float64Array;
  /** g_a[j], fft-shifted re/im: float32 as setGains takes them, or float64 from referenceIntegrations' calibration. */
  private gains: ArrayLike<number>[] | null;
  private sums: IntegrationSums;

  constructor(config: FxConfig | ResolvedFxConfig) {
    this.config = validateConfig(config);
    this.h = prototypeFilter(this.config.channels, this.config.taps);
    this.gains = this.config.gains;
    this.sums = emptySums(this.config);
  }

  /** X'_a,s[j] for one input and spectrum, fft-shifted with gains applied: [re, im]. */
  spectrum(bytes: Uint8Array, a: number, s: number): [Float64Array, Float64Array] {
    const { channels: C, taps: T } = this.config;
    const yRe = new Float64Array(C), yIm = new Float64Array(C);
    for (let m = 0; m < C; m++) {
      for (let t = 0; t < T; t++) {
        const k = s * C + t * C + m;
        yRe[m] += this.h[t * C + m] * sampleValue(bytes[2 * k]);
        yIm[m] += this.h[t * C + m] * sampleValue(bytes[2 * k + 1]);
      }
    }
    fft64(yRe, yIm);
    const re = new Float64Array(C), im = new Float64Array(C);
    for (let j = 0; j < C; j++) {
      const k = (j + C / 2) % C;
      const g = this.gains?.[a];
      const gr = g ? g[2 * j] : 1, gi = g ? g[2 * j + 1] : 0;
      re[j] = gr * yRe[k] - gi * yIm[k];
      im[j] = gr * yIm[k] + gi * yRe[k];
    }
    return [re, im];
  }

  async accumulate(samples: readonly Uint8Array[], spectra: number): Promise<void> {
    const { inputs, channels: C, mode } = this.config;
    for (let a = 0; a < inputs; a++) {
      if (samples[a].length < 2 * windowSamples(this.config, spectra)) {
        throw new RangeError(`input ${a}: ${spectra} spectra need ${windowSamples(this.config, spectra)} samples`);
      }
      for (let k = 0; k < spectra * C; k++) if (isClipped(samples[a], k)) this.sums.clipped[a]++;
    }
    const pairs = productPairs(inputs, mode);
    for (let s = 0; s < spectra; s++) {
      const X = samples.slice(0, inputs).map((bytes, a) => this.spectrum(bytes, a, s));
      pairs.forEach(([a, b], p) => {
        const [ar, ai] = X[a], [br, bi] = X[b];
        for (let j = 0; j < C; j++) {
          // X_a · conj(X_b)
          this.sums.visibilities[2 * (p * C + j)] += ar[j] * br[j] + ai[j] * bi[j];
          this.sums.visibilities[2 * (p * C + j) + 1] += ai[j] * br[j] - ar[j] * bi[j];
        }
      });
      for (let a = 0; a < inputs; a++) {
        const [re, im] = X[a];
        for (let j = 0; j < C; j++) this.sums.power2[a * C + j] += (re[j] * re[j] + im[j] * im[j]) ** 2;
      }
    }
    this.sums.spectra += spectra;
  }

  async take(): Promise<IntegrationSums> {
    const sums = this.sums;
    this.sums = emptySums(this.config);
    return sums;
  }

  async setGains(gains: readonly Float32Array[] | null): Promise<void> {
    this.gains = gains ? validateGains(gains, this.config.inputs, this.config.channels) : null;
  }

  /** Gains kept as given (float64 allowed, not rounded to float32): the judge's calibration. Not checked. */
  setExactGains(gains: readonly ArrayLike<number>[] | null): void {
    this.gains = gains ? [...gains] : null;
  }

  async close(): Promise<void> {}
}

/**
 * The FX definition over whole streams at once: streams[a] is input a's cu8
 * bytes from sample 0; delays and gains from the config, or from
 * `calibration` (types.ts `Calibration`; its fields replace the config's):
 * the whole part of each delay shifts the read, the fraction's phase slope
 * and the gains are formed in float64 (never rounded to float32), and scale
 * multiplies the sums. Returns the sums of every complete integration of K
 * spectra, then the partial last one if any.
 */
export async function referenceIntegrations(config: FxConfig, streams: readonly Uint8Array[], calibration: Calibration = {}): Promise<IntegrationSums[]> {
  const backend = new ReferenceBackend(config);
  const { inputs, channels: C, spectraPerIntegration: K, mode } = backend.config;
  const cal = validateCalibration(calibration, inputs, C);
  const delays = cal.delays ?? backend.config.delays;
  const gains = cal.gains !== undefined ? cal.gains : backend.config.gains;
  backend.setExactGains(calibratedGains64(C, delays, gains) ?? gains);
  const aligned = streams.map((bytes, a) => bytes.subarray(2 * wholeDelays(delays)[a]));
  const samples = Math.min(...aligned.map((b) => b.length >> 1));
  const M = windowSamples(backend.config, 1);
  const total = samples >= M ? Math.floor((samples - M) / C) + 1 : 0;
  const out: IntegrationSums[] = [];
  for (let s0 = 0; s0 < total; s0 += K) {
    const n = Math.min(K, total - s0);
    await backend.accumulate(aligned.map((b) => b.subarray(2 * s0 * C)), n);
    const sums = await backend.take();
    if (cal.scale) scaleSums(sums, cal.scale, C, mode);
    out.push(sums);
  }
  return out;
}
