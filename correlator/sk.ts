/**
 * Spectral kurtosis (fx.md; Nita & Gary 2010, MNRAS 406, L60):
 * SK = (K+1)/(K−1) · (K·P2/P1² − 1), with P1 = Σ|X|², P2 = Σ|X|⁴ over K
 * spectra. 1 for Gaussian noise; above 1 for intermittent signals (pulsed
 * RFI), below 1 for steady ones (a constant tone). Its standard deviation for
 * Gaussian noise is about 2/√K, so flags are usually set at 1 ± 3·(2/√K).
 */
import { baselineIndex } from './baselines.ts';

/** SK per input and channel (inputs × channels, fft-shifted), from an integration of K ≥ 2 spectra. */
export function spectralKurtosis(integration: { spectra: number; visibilities: ArrayLike<number>; power2: ArrayLike<number> }, inputs: number, channels: number, mode: 'full' | 'autos'): Float64Array {
  const K = integration.spectra;
  if (K < 2) throw new RangeError(`spectral kurtosis needs at least 2 spectra per integration (got ${K})`);
  const sk = new Float64Array(inputs * channels);
  for (let a = 0; a < inputs; a++) {
    const p = mode === 'full' ? baselineIndex(inputs, a, a) : a;
    for (let j = 0; j < channels; j++) {
      const p1 = integration.visibilities[2 * (p * channels + j)];
      const p2 = integration.power2[a * channels + j];
      sk[a * channels + j] = p1 > 0 ? ((K + 1) / (K - 1)) * ((K * p2) / (p1 * p1) - 1) : NaN;
    }
  }
  return sk;
}
