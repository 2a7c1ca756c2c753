/**
 * Fringe stopping: turning each baseline's visibilities so that a point
 * source at the phase centre keeps a constant phase. V_ab = X_a·conj(X_b)
 * of a source in direction ŝ carries e^(−2πi·ν·w/c), w = (x_b − x_a)·ŝ
 * (geometry.ts), at every sky frequency ν of the band: each channel is
 * turned by e^(+2πi·ν_j·w/c), which removes the fringe rate and the
 * geometric delay's phase slope across the band together.
 */
import { baselineIndex } from '../../correlator/baselines.ts';
import { speedOfLight } from '../astro/velocity.ts';

/**
 * Turns the cross products of one integration in place. `w[a][b]` is the
 * baseline b − a's w (metres) toward the phase centre at the integration's
 * middle; channel j (fft-shifted) is at ν_j = fc + (j − C/2)/C·fs (Hz).
 */
export function stopFringes(visibilities: Float64Array, N: number, C: number, w: (a: number, b: number) => number, fc: number, fs: number): void {
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      const p = baselineIndex(N, a, b), tau = w(a, b) / speedOfLight;
      for (let j = 0; j < C; j++) {
        const phi = 2 * Math.PI * (fc + ((j - C / 2) / C) * fs) * tau;
        const c = Math.cos(phi), s = Math.sin(phi);
        const i = 2 * (p * C + j), re = visibilities[i]!, im = visibilities[i + 1]!;
        visibilities[i] = re * c - im * s;
        visibilities[i + 1] = re * s + im * c;
      }
    }
  }
}
