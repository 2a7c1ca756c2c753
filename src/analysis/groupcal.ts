/**
 * Calibration of a coherent group from a common noise source, after the
 * integer delays (delay.ts): per input, the fractional delay from the phase
 * slope of V_0a across the band (phase.ts) and a complex gain per channel
 * that removes what phase is left, relative to input 0 (KrakenSDR/heimdall's
 * order: integer delay, fractional delay, per-channel amplitude and phase).
 *
 * Input: one integration's visibilities with the noise source on and,
 * optionally, one with it off (the switched source): their difference, per
 * spectrum, holds the noise source alone, so the sun or another source in
 * the beams does not pull the solution. Both are measured through the
 * calibration in force (`current`); the solution returned is the new
 * calibration in full (current × correction), ready for setCalibration.
 *
 * Conventions (correlator/types.ts `Calibration`, fx.md): V_ab = X_a·conj(X_b);
 * the gain g_a multiplies X_a, so V'_0a = g_0·conj(g_a)·V_0a; a delay d_a
 * reads x_a at k + d_a, adding e^(−2πiν_j·d_a) to V_0a's phase.
 */
import { baselineIndex } from '../../correlator/baselines.ts';
import { FitError, type Measured } from './lsq.ts';
import { fractionalDelay } from './phase.ts';

/** Sums of one integration (full mode): products × channels × (re, im) and the spectra summed. */
export interface GroupSums {
  visibilities: Float64Array;
  spectra: number;
}

export interface GroupCalibrationSolution {
  /** Per input, the correlator delay (samples ≥ 0, fractional): what setCalibration takes. */
  delays: number[];
  /** Per input, the complex gain per channel (fft-shifted, interleaved re/im, length 2C): what setCalibration takes. */
  gains: Float32Array[];
  /** Per input, the residual delay measured against input 0 before this solution (samples; 0 ± 0 for input 0). */
  residualDelay: Measured[];
  /** Per input, the phase left per channel after the residual delay (degrees, fft-shifted; NaN where flagged). */
  channelPhaseDeg: Float64Array[];
  /** Per input, the 1σ of those phases (degrees). */
  channelSigmaDeg: Float64Array[];
  /** Per input, the noise source's band coherence with input 0 (0…1; 1 for input 0). */
  coherence: number[];
  /** Channels used (1 = used, fft-shifted): the same for every input. */
  used: Uint8Array;
}

export interface GroupCalibrationOptions {
  /** Flagged channels (1 = flagged, fft-shifted); default the DC channel and its neighbours and the 5 % edges of the band. */
  flags?: ArrayLike<number>;
  /** The calibration the sums were measured through; default delays 0 and unit gains. */
  current?: { delays: readonly number[]; gains: readonly ArrayLike<number>[] | null };
  /** Smallest band coherence with the noise source accepted (default 0.05): below it the source is not seen. */
  minCoherence?: number;
}

/** Default flags: DC ± 1 channel and 5 % of the band at each edge (the anti-alias roll-off). */
export function defaultGroupFlags(C: number): Uint8Array {
  const f = new Uint8Array(C);
  const edge = Math.ceil(C * 0.05);
  for (let j = 0; j < edge; j++) f[j] = f[C - 1 - j] = 1;
  for (const j of [C / 2 - 1, C / 2, C / 2 + 1]) f[j] = 1;
  return f;
}

const deg = 180 / Math.PI;

/**
 * Solves a group's fractional delays and per-channel gains from the noise
 * source (`on`, optionally less `off`, each as sums over its own spectra).
 * Throws FitError when an input does not see the noise source.
 */
export function solveGroupCalibration(N: number, C: number, on: GroupSums, off: GroupSums | null, options: GroupCalibrationOptions = {}): GroupCalibrationSolution {
  if (N < 2) throw new FitError(`a group calibration needs at least 2 inputs (got ${N})`);
  const products = (N * (N + 1)) / 2;
  for (const s of off ? [on, off] : [on]) {
    if (s.visibilities.length !== 2 * products * C) throw new FitError(`the sums must hold all ${products} products of ${N} inputs × ${C} channels (got ${s.visibilities.length / 2 / C} products)`);
    if (!(s.spectra >= 1)) throw new FitError(`the sums must cover at least one spectrum (got ${s.spectra})`);
  }
  const flags = options.flags ?? defaultGroupFlags(C);
  if (flags.length !== C) throw new FitError(`flags must have one entry per channel (${C}; got ${flags.length})`);
  const minCoherence = options.minCoherence ?? 0.05;
  // The noise source alone, per spectrum: ⟨V⟩_on − ⟨V⟩_off. Autos keep everything the input sees (on), for the phase σ.
  const K = on.spectra;
  const source = (p: number) => {
    const v = new Float64Array(2 * C);
    for (let i = 0; i < 2 * C; i++) {
      const x = on.visibilities[2 * p * C + i]! / K;
      v[i] = off ? x - off.visibilities[2 * p * C + i]! / off.spectra : x;
    }
    return v;
  };
  const auto = (a: number) => {
    const p = baselineIndex(N, a, a), v = new Float64Array(C);
    for (let j = 0; j < C; j++) v[j] = on.visibilities[2 * (p * C + j)]! / K;
    return v;
  };
  // With the off state subtracted the noise grows: the effective number of spectra is the harmonic combination.
  const spectra = off ? 1 / (1 / K + 1 / off.spectra) : K;
  const autos = Array.from({ length: N }, (_, a) => auto(a));
  const used = new Uint8Array(C);
  for (let j = 0; j < C; j++) used[j] = flags[j] ? 0 : 1;
  const current = options.current ?? { delays: new Array<number>(N).fill(0), gains: null };
  const residualDelay: Measured[] = [{ value: 0, sigma: 0 }];
  const channelPhaseDeg: Float64Array[] = [new Float64Array(C).map((_, j) => (used[j] ? 0 : NaN))];
  const channelSigmaDeg: Float64Array[] = [new Float64Array(C)];
  const coherence = [1];
  const newDelays = [current.delays[0]!];
  const gains: Float32Array[] = [];
  gains.push(Float32Array.from(current.gains?.[0] ?? unitGains(C)));
  for (let a = 1; a < N; a++) {
    const v = source(baselineIndex(N, 0, a));
    let re = 0, im = 0, p0 = 0, pa = 0;
    for (let j = 0; j < C; j++) {
      if (!used[j]) continue;
      re += v[2 * j]!;
      im += v[2 * j + 1]!;
      p0 += autos[0]![j]!;
      pa += autos[a]![j]!;
    }
    const rho = Math.hypot(re, im) / Math.sqrt(p0 * pa);
    coherence.push(rho);
    if (!(rho >= minCoherence)) {
      throw new FitError(`input ${a} does not see the noise source with input 0 (band coherence ${rho.toFixed(3)}, ${minCoherence} needed): check that the noise source reaches every input and that the integer delays are right (measure them again)`);
    }
    const fit = fractionalDelay(v, { autos: { a: autos[0]!, b: autos[a]!, spectra }, flags });
    // V_0a = |V|·e^{i(φ + 2πν·τ)}: input a sees the source τ samples after input 0, so its read moves τ later.
    const tau = fit.delay.value;
    residualDelay.push(fit.delay);
    newDelays.push(current.delays[a]! + tau);
    const phases = new Float64Array(C).fill(NaN), sigmas = new Float64Array(C).fill(NaN);
    const g = new Float32Array(2 * C);
    const old = current.gains?.[a];
    for (let j = 0; j < C; j++) {
      const nu = (j - C / 2) / C;
      // The phase left once the new delay applies: arg V_0a − 2πν·τ; where flagged, the fit's centre phase.
      let phi = fit.phase.value;
      if (used[j]) {
        phi = Math.atan2(v[2 * j + 1]!, v[2 * j]!) - 2 * Math.PI * nu * tau;
        phi -= 2 * Math.PI * Math.round((phi - fit.phase.value) / (2 * Math.PI));
        phases[j] = phi * deg;
        const rhoj = Math.min(1, Math.hypot(v[2 * j]!, v[2 * j + 1]!) / Math.sqrt(autos[0]![j]! * autos[a]![j]!));
        sigmas[j] = Math.min(Math.PI / Math.sqrt(3), Math.sqrt((1 - rhoj * rhoj) / (2 * spectra * rhoj * rhoj))) * deg;
      }
      // conj(g_a) must carry e^{−iφ}: g_a ← g_a·e^{+iφ}.
      const cr = Math.cos(phi), ci = Math.sin(phi);
      const gr = old ? old[2 * j]! : 1, gi = old ? old[2 * j + 1]! : 0;
      g[2 * j] = gr * cr - gi * ci;
      g[2 * j + 1] = gr * ci + gi * cr;
    }
    channelPhaseDeg.push(phases);
    channelSigmaDeg.push(sigmas);
    gains.push(g);
  }
  // Delays must be ≥ 0: shift them all alike (a common delay changes no baseline).
  const min = Math.min(...newDelays);
  return { delays: newDelays.map((d) => d - min), gains, residualDelay, channelPhaseDeg, channelSigmaDeg, coherence, used };
}

function unitGains(C: number): Float32Array {
  const g = new Float32Array(2 * C);
  for (let j = 0; j < C; j++) g[2 * j] = 1;
  return g;
}
