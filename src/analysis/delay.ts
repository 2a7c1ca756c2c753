/**
 * Integer delays between inputs that share a clock, from a signal they all
 * see (a noise source, the sun): for each input a, the lag τ of the peak of
 * the cross-correlation r_a(τ) = Σ_k x_a[k + τ]·conj(x_0[k]) over |τ| ≤ maxLag,
 * computed segment by segment through the FFT (each segment zero-padded to
 * twice its length, so the correlation is linear, not circular) with the
 * DC channel left out (the dongles' DC spikes are not a common signal).
 *
 * The correlator reads input a as x_a[k + d_a] (fx.md), so d_a − d_0 = τ_a;
 * the delays returned are those differences shifted to be ≥ 0.
 */
import { fft64 } from '../../correlator/reference.ts';

export interface DelayFit {
  /** Per input, samples (≥ 0, the smallest 0): the correlator's delays. */
  delays: number[];
  /** Per input, the lag τ_a of the peak against input 0 (samples; 0 for input 0). */
  lags: number[];
  /** Per input, the peak's correlation coefficient |r|/√(P_a·P_0) (0…1; 1 for input 0). */
  coefficient: number[];
  /** Per input, the peak over the rms of |r| at the other lags (∞ for input 0). */
  snr: number[];
  /** Samples per input used. */
  samples: number;
}

export class DelayError extends Error {
  override name = 'DelayError';
}

export interface DelayOptions {
  /** Largest |lag| searched (samples, default 16384). */
  maxLag?: number;
  /** Smallest peak-to-rms ratio taken as found (default 8). */
  minSnr?: number;
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

/** Measures the delays from cu8 captures of equal length (one per input, starting at the same sample index of each). */
export function measureDelays(captures: readonly Uint8Array[], options: DelayOptions = {}): DelayFit {
  const maxLag = options.maxLag ?? 16384;
  const minSnr = options.minSnr ?? 8;
  const N = captures.length;
  if (N < 2) throw new DelayError(`delays need at least 2 inputs (got ${N})`);
  const n = Math.min(...captures.map((c) => c.length >> 1));
  // Segments of L samples, 4× the largest lag: lags up to maxLag keep ≥ 3/4 of each segment's overlap.
  const L = nextPow2(4 * maxLag);
  const segments = Math.floor(n / L);
  if (segments < 1) throw new DelayError(`a delay search to ±${maxLag} samples needs at least ${L} samples per input (got ${n})`);
  const M = 2 * L;
  const spectra = captures.map(() => ({ re: new Float64Array(M), im: new Float64Array(M) }));
  const cross = Array.from({ length: N }, () => ({ re: new Float64Array(M), im: new Float64Array(M) }));
  const energy = new Float64Array(N);
  for (let s = 0; s < segments; s++) {
    for (let a = 0; a < N; a++) {
      const { re, im } = spectra[a]!;
      re.fill(0);
      im.fill(0);
      const bytes = captures[a]!;
      let mi = 0, mq = 0;
      for (let k = 0; k < L; k++) {
        mi += bytes[2 * (s * L + k)]!;
        mq += bytes[2 * (s * L + k) + 1]!;
      }
      mi /= L;
      mq /= L;
      for (let k = 0; k < L; k++) {
        re[k] = bytes[2 * (s * L + k)]! - mi;
        im[k] = bytes[2 * (s * L + k) + 1]! - mq;
        energy[a] += re[k]! * re[k]! + im[k]! * im[k]!;
      }
      fft64(re, im);
      // The DC channel (and its neighbours, where the spike's skirt falls) out.
      for (const f of [0, 1, 2, M - 1, M - 2]) re[f] = im[f] = 0;
    }
    const x0 = spectra[0]!;
    for (let a = 1; a < N; a++) {
      const xa = spectra[a]!, c = cross[a]!;
      for (let f = 0; f < M; f++) {
        // X_a · conj(X_0)
        c.re[f] += xa.re[f]! * x0.re[f]! + xa.im[f]! * x0.im[f]!;
        c.im[f] += xa.im[f]! * x0.re[f]! - xa.re[f]! * x0.im[f]!;
      }
    }
  }
  const lags = [0], coefficient = [1], snr = [Infinity];
  for (let a = 1; a < N; a++) {
    const { re, im } = cross[a]!;
    // Inverse FFT by conjugation: M·r(τ) = conj(FFT(conj(S)))[τ mod M]. Only |r| is needed, so the outer conj can go.
    for (let f = 0; f < M; f++) im[f] = -im[f]!;
    fft64(re, im);
    let best = -1, bestLag = 0, sum2 = 0, count = 0;
    for (let tau = -maxLag; tau <= maxLag; tau++) {
      const i = (tau + M) % M;
      const mag = Math.hypot(re[i]!, im[i]!) / M / (L - Math.abs(tau));
      sum2 += mag * mag;
      count++;
      if (mag > best) {
        best = mag;
        bestLag = tau;
      }
    }
    const rms = Math.sqrt(Math.max(0, sum2 - best * best) / (count - 1));
    const norm = Math.sqrt((energy[a]! / (segments * L)) * (energy[0]! / (segments * L)));
    lags.push(bestLag);
    coefficient.push(best / segments / norm);
    snr.push(best / rms);
    if (best / rms < minSnr) {
      throw new DelayError(
        `no common signal between input 0 and input ${a} within ±${maxLag} samples (best peak ${(best / rms).toFixed(1)}× the rms, at lag ${bestLag}; ${minSnr}× needed): switch on the noise source or point every antenna at the sun, then measure again (restart the live view, or the observation)`,
      );
    }
  }
  const min = Math.min(...lags);
  return { delays: lags.map((t) => t - min), lags, coefficient, snr, samples: segments * L };
}
