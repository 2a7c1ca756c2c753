/**
 * Turns an antenna's temperatures into a stream of complex baseband samples
 * (model units: per-component variance in kelvins) on the common clock, by
 * spectral synthesis with overlap-add.
 *
 * Frame j covers common samples [jH, jH + L), L = H + F: its spectrum is
 *   X[k] = √(B·T_ind/L)·g_a[k] + e^{iθ_k}·Σ_m L_am·S_m,j[k] + √T_ns·e^{iψ_k}·N_j[k],
 * where g_a is this antenna's own Gaussian noise (receiver, continuum, HI
 * line); S_m,j the sun's independent spectra and N_j the noise source's,
 * shared by every antenna (each √(B/L)·Gaussian); L_am this antenna's row of
 * the Cholesky factor of the sun's covariance across antennas (sundisk.ts:
 * √T_sun times the disk's visibility on each baseline); θ_k = φ − 2π(f_c +
 * f_k)τ carries the geometric delay τ of the sun's wavefront (a fractional
 * delay of the baseband plus the RF phase that makes fringes), and φ the
 * dongle's LO phase; ψ_k = φ − 2π(f_c + f_k)τ_c carries the antenna's cable
 * delay τ_c (added to τ for the sun as well). After the inverse FFT, consecutive frames overlap by F
 * samples and cross-fade there with sin/cos ramps (sin² + cos² = 1, so the variance is
 * the same at every sample); elsewhere a frame is used as is. Each output
 * sample thus costs L/H ≈ 1.07 Gaussians and FFT points, and the spectrum is
 * that of X smoothed by the frame's nearly rectangular window (≈ 1 bin).
 *
 * Every frame's random numbers are keyed by (seed, stream, frame), so the
 * samples depend only on the scenario and the sample index.
 */
import type { InverseFft } from './fft.ts';
import type { AntennaModel } from './model.ts';
import { mixKey, Xoshiro128 } from './prng.ts';
import type { SunField } from './sundisk.ts';

/** Stream numbers in the random keys. */
const sunStream = 0;
const noiseSourceStream = 1;
const antennaStream = 2;

/** What the synthesisers of one simulator share: clock, tuning, spectra. */
export interface SynthContext {
  readonly seed: number;
  /** Frame length L (samples), hop H and cross-fade F = L − H (samples). */
  readonly L: number;
  readonly H: number;
  readonly fft: InverseFft;
  /** Bandpass power response per bin, natural order. */
  readonly bandpass: Float32Array;
  readonly common: CommonSpectra;
  /** The sun's per-frame temperatures, delays and covariance for every scenario antenna. */
  readonly sun: SunField;
  /** Centre frequency (Hz) and sample rate (Hz) as applied. */
  fc: number;
  fs: number;
  /** Noise source temperature (K) and whether it is on at common sample c. */
  noiseSourceTemperature: number;
  noiseSourceOn(c: number): boolean;
  /** The hot load's temperature (K) and whether it is in front of the feeds now. */
  hotLoadTemperature: number;
  hotLoadOn(): boolean;
  /** Sky time (ms since the Unix epoch) at common sample c. */
  skyTime(c: number): number;
}

/** The sun's and the noise source's spectra per frame, generated once and shared by all antennas. */
export class CommonSpectra {
  private readonly sun = new Map<number, Float32Array>();
  private readonly ns = new Map<number, Float32Array>();
  private readonly amp: Float32Array;

  /** `sqrtBOverL[k]` = √(B[k]/L); up to `capacity` spectra are kept in each cache (sun, noise source). */
  constructor(
    private readonly seed: number,
    sqrtBOverL: Float32Array,
    private readonly capacity: number,
  ) {
    this.amp = sqrtBOverL;
  }

  /** The m-th independent sun spectrum of a frame (m < 64; see sundisk.ts). */
  sunSpectrum(m: number, frame: number): Float32Array {
    return this.get(this.sun, frame * 64 + m, mixKey(this.seed, sunStream, frame, m));
  }

  noiseSourceSpectrum(frame: number): Float32Array {
    return this.get(this.ns, frame, mixKey(this.seed, noiseSourceStream, frame));
  }

  private get(cache: Map<number, Float32Array>, id: number, key: number): Float32Array {
    let x = cache.get(id);
    if (x) return x;
    // Frames are requested in nearly increasing order: dropping the oldest insertion drops the lowest frame.
    // Its buffer is reused, so a long run allocates nothing here.
    if (cache.size >= this.capacity) {
      const oldest = cache.keys().next().value as number;
      x = cache.get(oldest)!;
      cache.delete(oldest);
    } else {
      x = new Float32Array(2 * this.amp.length);
    }
    Xoshiro128.fromKey(key).fillComplexGaussian(x, this.amp, this.amp.length);
    cache.set(id, x);
    return x;
  }
}

/** Frames between refreshes of the slow parts (continuum, line): 16·H = 25.6 ms at 2.4 MS/s. */
export const refreshFrames = 16;

/** One antenna's analog stream on the common clock, kept in a ring of 2¹⁴ samples (> 4 hops). */
export class AntennaSynth {
  /** Interleaved complex samples; common sample c lives at 2·(c & mask). */
  readonly ring: Float32Array;
  readonly mask: number;
  /** Common samples [start, end) are in the ring. */
  end: number;
  private nextFrame: number;
  private readonly tail: Float32Array;
  private readonly window: Float32Array;
  private readonly amp: Float32Array;
  private readonly hotAmp: Float32Array;
  /** The sun's spectrum for this antenna when it combines several common spectra. */
  private readonly sunMix: Float32Array;
  private readonly zeroSpectrum: Float32Array;
  private readonly sunTerms: Float32Array[] = [];
  private readonly sunCoefs: number[] = [];
  private refreshed = -1;
  /** The last frame's sun temperature (K) and delay (s), for tests and logs. */
  sunTemperature = 0;
  sunDelay = 0;

  constructor(
    private readonly ctx: SynthContext,
    readonly model: AntennaModel,
    private readonly antennaIndex: number,
    /** LO phase of this dongle (rad). */
    private readonly loPhase: number,
    /** First common sample this stream must be able to deliver. */
    startSample: number,
  ) {
    const { L, H } = ctx;
    const F = L - H;
    this.ring = new Float32Array(2 * 16384);
    this.mask = 16384 - 1;
    this.tail = new Float32Array(2 * F);
    this.amp = new Float32Array(L);
    this.hotAmp = new Float32Array(L);
    this.sunMix = new Float32Array(2 * L);
    this.zeroSpectrum = new Float32Array(2 * L);
    this.window = new Float32Array(F);
    for (let n = 0; n < F; n++) this.window[n] = Math.sin((Math.PI / 2) * ((n + 0.5) / F));
    this.nextFrame = 0;
    this.end = 0;
    this.startAt(startSample);
  }

  /**
   * Moves the stream on to deliver common samples from `c` without making
   * those before it: the same samples as producing every hop up to there,
   * since each frame depends only on its index. Ignored when c is not ahead.
   */
  seek(c: number): void {
    if (c > this.end + this.ctx.H) this.startAt(c);
  }

  /** Starts the ring at the hop holding common sample `startSample`: frame j0 − 1's tail, then frame j0 next. */
  private startAt(startSample: number): void {
    const { L, H } = this.ctx;
    const F = L - H;
    const j0 = Math.floor(startSample / H);
    this.synthesise(j0 - 1);
    const out = this.ctx.fft.output;
    for (let i = 0; i < F; i++) {
      const w = this.window[F - 1 - i];
      this.tail[2 * i] = out[2 * (H + i)] * w;
      this.tail[2 * i + 1] = out[2 * (H + i) + 1] * w;
    }
    this.nextFrame = j0;
    this.end = j0 * H;
  }

  /** Forces the slow parts to be recomputed at the next frame (after a retune). */
  invalidate(): void {
    this.refreshed = -1;
  }

  /** Makes sure common samples up to (not including) `c` are in the ring. */
  ensure(c: number): void {
    while (this.end < c) this.produceHop();
  }

  /** Writes common samples [jH, jH + H) from frame j and the tail of frame j − 1. */
  private produceHop(): void {
    const { L, H } = this.ctx;
    const F = L - H;
    this.synthesise(this.nextFrame);
    const out = this.ctx.fft.output;
    const ring = this.ring, tail = this.tail, w = this.window, mask = this.mask;
    let c = this.end;
    for (let i = 0; i < F; i++, c++) {
      const r = 2 * (c & mask);
      const wi = w[i];
      ring[r] = tail[2 * i] + out[2 * i] * wi;
      ring[r + 1] = tail[2 * i + 1] + out[2 * i + 1] * wi;
    }
    for (let i = F; i < H; i++, c++) {
      const r = 2 * (c & mask);
      ring[r] = out[2 * i];
      ring[r + 1] = out[2 * i + 1];
    }
    for (let i = 0; i < F; i++) {
      const wt = w[F - 1 - i];
      tail[2 * i] = out[2 * (H + i)] * wt;
      tail[2 * i + 1] = out[2 * (H + i) + 1] * wt;
    }
    this.end += H;
    this.nextFrame++;
  }

  /** Frames synthesised so far (the work done), for tests and logs. */
  framesMade = 0;

  /** Builds frame j's spectrum in the FFT input and transforms it. */
  private synthesise(j: number): void {
    this.framesMade++;
    const ctx = this.ctx;
    const { L, H, fc, fs } = ctx;
    const block = Math.floor(j / refreshFrames);
    // The hot load hides sky, ground, line and sun: the receiver sees the absorber (switched per frame, as the noise source).
    const hot = ctx.hotLoadOn();
    if (hot) {
      this.model.hotLoadAmplitude(ctx.hotLoadTemperature, ctx.bandpass, this.hotAmp);
    } else if (block !== this.refreshed) {
      this.model.independentAmplitude(ctx.skyTime(block * refreshFrames * H), fc, fs, ctx.bandpass, this.amp);
      this.refreshed = block;
    }
    const X = ctx.fft.input;
    Xoshiro128.fromKey(mixKey(ctx.seed, antennaStream + this.antennaIndex, j)).fillComplexGaussian(X, hot ? this.hotAmp : this.amp, L);
    const sf = ctx.sun.frame(j, ctx.skyTime(j * H + L / 2), fc);
    const me = this.antennaIndex, n = ctx.sun.n;
    const sun = { temperature: hot ? 0 : sf.temperature[me]!, delay: sf.delay[me]! };
    this.sunTemperature = sun.temperature;
    this.sunDelay = sun.delay;
    const nsOn = ctx.noiseSourceTemperature > 0 && ctx.noiseSourceOn(j * H + L / 2);
    // Everything the feed receives (sun, noise source) reaches the dongle after the antenna's cable delay (s).
    const cable = this.model.config.cableDelay * 1e-9;
    // The noise source's coefficient: √T_ns·e^{iψ_k}, ψ_k = φ − 2π(f_c + f_k)·τ_cable, from k = L/2 (−fs/2) upward (zero when off).
    const b = nsOn ? Math.sqrt(ctx.noiseSourceTemperature) : 0;
    const psi0 = this.loPhase - 2 * Math.PI * (fc - fs / 2) * cable;
    let br = b * Math.cos(psi0), bi = b * Math.sin(psi0);
    const dps = (-2 * Math.PI * fs * cable) / L;
    const nr0 = Math.cos(dps), ni0 = Math.sin(dps);
    const N = nsOn ? ctx.common.noiseSourceSpectrum(j) : null;
    // This antenna's row of the Cholesky factor: its sun is Σ_m L_am·S_m (sundisk.ts).
    let S: Float32Array | null = null;
    let a = 0;
    let terms = 0;
    if (sun.temperature > 0) {
      // Gather the non-negligible terms (below 1e−8 K they add nothing), then mix them four at a time.
      const spectra = this.sunTerms, coefs = this.sunCoefs;
      for (let m = 0; m <= me && m < n; m++) {
        const coef = sf.chol[me * n + m]!;
        if (Math.abs(coef) < 1e-4) continue;
        spectra[terms] = ctx.common.sunSpectrum(m, j);
        coefs[terms] = coef;
        terms++;
      }
      if (terms === 1) {
        S = spectra[0]!;
        a = coefs[0]!;
      } else if (terms > 1) {
        const mix = this.sunMix;
        const z = this.zeroSpectrum;
        for (let t = 0; t < terms; t += 4) {
          mix4(
            mix,
            t === 0,
            spectra[t]!, coefs[t]!,
            t + 1 < terms ? spectra[t + 1]! : z, t + 1 < terms ? coefs[t + 1]! : 0,
            t + 2 < terms ? spectra[t + 2]! : z, t + 2 < terms ? coefs[t + 2]! : 0,
            t + 3 < terms ? spectra[t + 3]! : z, t + 3 < terms ? coefs[t + 3]! : 0,
          );
        }
        S = mix;
        a = 1;
      }
    }
    const half = L / 2;
    if (S) {
      // θ_k = φ − 2π(f_c + f_k)τ, stepped by a complex rotation from k = L/2 (−fs/2) upward through k = L/2 − 1.
      const delay = sun.delay + cable;
      const theta0 = this.loPhase - 2 * Math.PI * (fc - fs / 2) * delay;
      const dth = (-2 * Math.PI * fs * delay) / L;
      let cr = a * Math.cos(theta0), ci = a * Math.sin(theta0);
      const sr = Math.cos(dth), si = Math.sin(dth);
      if (N) {
        for (let i = 0; i < L; i++) {
          const k = (i + half) & (L - 1);
          const xr = S[2 * k], xi = S[2 * k + 1], nr = N[2 * k], ni = N[2 * k + 1];
          X[2 * k] += cr * xr - ci * xi + br * nr - bi * ni;
          X[2 * k + 1] += cr * xi + ci * xr + br * ni + bi * nr;
          const t = cr * sr - ci * si;
          ci = cr * si + ci * sr;
          cr = t;
          const u = br * nr0 - bi * ni0;
          bi = br * ni0 + bi * nr0;
          br = u;
        }
      } else {
        for (let i = 0; i < L; i++) {
          const k = (i + half) & (L - 1);
          const xr = S[2 * k], xi = S[2 * k + 1];
          X[2 * k] += cr * xr - ci * xi;
          X[2 * k + 1] += cr * xi + ci * xr;
          const t = cr * sr - ci * si;
          ci = cr * si + ci * sr;
          cr = t;
        }
      }
    } else if (N) {
      for (let i = 0; i < L; i++) {
        const k = (i + half) & (L - 1);
        const nr = N[2 * k], ni = N[2 * k + 1];
        X[2 * k] += br * nr - bi * ni;
        X[2 * k + 1] += br * ni + bi * nr;
        const u = br * nr0 - bi * ni0;
        bi = br * ni0 + bi * nr0;
        br = u;
      }
    }
    ctx.fft.run();
  }
}

/** out = (first ? 0 : out) + a·x + b·y + c·z + d·w, elementwise over out's length: one pass for four terms. */
function mix4(
  out: Float32Array,
  first: boolean,
  x: Float32Array, a: number,
  y: Float32Array, b: number,
  z: Float32Array, c: number,
  w: Float32Array, d: number,
): void {
  const n = out.length;
  if (first) for (let k = 0; k < n; k++) out[k] = a * x[k]! + b * y[k]! + c * z[k]! + d * w[k]!;
  else for (let k = 0; k < n; k++) out[k] += a * x[k]! + b * y[k]! + c * z[k]! + d * w[k]!;
}
