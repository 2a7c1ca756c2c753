/**
 * A group's band-averaged coherence per baseline: how much of what two
 * inputs see is common to both (a source in both beams, or a shared noise
 * source), from one integration's visibilities.
 */
import { baselineIndex } from '../../correlator/baselines.ts';

export interface Coherence {
  /** Inputs of the baseline, a < b. */
  a: number;
  b: number;
  /** |Σ_j V_ab| / √(Σ_j V_aa · Σ_j V_bb) over the channels neither input flags: 0 (none) … 1 (one common source). */
  coherence: number;
  /** arg Σ_j V_ab (degrees). */
  phase: number;
}

/**
 * Each baseline's cross power summed over the band (channels flagged on
 * either input left out), normalised by the autos. `i` holds the full
 * products of N inputs and C channels; `flags[a][j]` is non-zero for a
 * flagged channel j of input a.
 */
export function bandCoherence(i: { visibilities: ArrayLike<number> }, N: number, C: number, flags: readonly Uint8Array[]): Coherence[] {
  const out: Coherence[] = [];
  const v = i.visibilities;
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      const pab = baselineIndex(N, a, b), paa = baselineIndex(N, a, a), pbb = baselineIndex(N, b, b);
      let re = 0, im = 0, sa = 0, sb = 0;
      for (let j = 0; j < C; j++) {
        if (flags[a]![j] || flags[b]![j]) continue;
        re += v[2 * (pab * C + j)]!;
        im += v[2 * (pab * C + j) + 1]!;
        sa += v[2 * (paa * C + j)]!;
        sb += v[2 * (pbb * C + j)]!;
      }
      out.push({ a, b, coherence: sa > 0 && sb > 0 ? Math.hypot(re, im) / Math.sqrt(sa * sb) : 0, phase: (Math.atan2(im, re) * 180) / Math.PI });
    }
  }
  return out;
}
