/**
 * Phase and fractional delay from a cross spectrum. The correlator forms
 * V_ab[j] = Σ_s X_a,s[j]·conj(X_b,s[j]) (fx.md) in fft-shifted channels at
 * ν_j = (j − C/2)/C cycles per sample. If input b sees the signal τ samples
 * after input a (x_b[k] = x_a[k − τ]), then X_b = X_a·e^(−2πiντ) and
 * V_ab[j] = |X|²·e^(+2πiν_j·τ): a phase slope of 2πτ radians per cycle per
 * sample. τ is then the correlator delay d_b − d_a that aligns b with a (the
 * convention of delay.ts; fractions go into the per-channel gains).
 *
 * The integer part comes from delay.ts (cross-correlation peak); this module
 * measures what is left, unambiguously for |τ| < C/2 samples, and the phase
 * at the band centre, with uncertainties from each channel's coherence.
 */
import { FitError, levenbergMarquardt, type Measured } from './lsq.ts';

export interface ChannelPhases {
  /** Phase of V_ab per channel (radians, −π … π), fft-shifted order. */
  phase: Float64Array;
  /** 1σ of each phase (radians): √((1 − ρ²)/(2Kρ²)) for coherence ρ over K spectra, capped at π/√3 (a uniform phase); NaN without autos. */
  sigma: Float64Array;
  /** Coherence |V_ab|/√(V_aa·V_bb) per channel (0 … 1); NaN without autos. */
  coherence: Float64Array;
}

const channelsOf = (cross: ArrayLike<number>) => {
  const C = cross.length / 2;
  if (!Number.isInteger(C) || C < 2) throw new FitError(`a cross spectrum is interleaved re/im over ≥ 2 channels (got ${cross.length} numbers)`);
  return C;
};

/** An auto spectrum given interleaved (length 2C, the real parts used) or real (length C): power of channel j. */
function autoAt(auto: ArrayLike<number>, C: number, j: number): number {
  if (auto.length === 2 * C) return auto[2 * j]!;
  if (auto.length === C) return auto[j]!;
  throw new FitError(`an auto spectrum has C or 2C numbers for C = ${C} channels (got ${auto.length})`);
}

/**
 * Per-channel phase of V_ab, and, given the two autos and the spectra K the
 * sums hold, each channel's coherence and phase uncertainty (Thompson, Moran
 * & Swenson eq. 6.54 for the high-SNR limit, capped at a uniform phase's rms).
 */
export function channelPhases(cross: ArrayLike<number>, autos?: { a: ArrayLike<number>; b: ArrayLike<number>; spectra: number }): ChannelPhases {
  const C = channelsOf(cross);
  if (autos && !(autos.spectra >= 1)) throw new FitError(`the spectra summed must be ≥ 1 (got ${autos.spectra})`);
  const phase = new Float64Array(C), sigma = new Float64Array(C).fill(NaN), coherence = new Float64Array(C).fill(NaN);
  const cap = Math.PI / Math.sqrt(3);
  for (let j = 0; j < C; j++) {
    const re = cross[2 * j]!, im = cross[2 * j + 1]!;
    phase[j] = Math.atan2(im, re);
    if (autos) {
      const p = autoAt(autos.a, C, j) * autoAt(autos.b, C, j);
      const rho = p > 0 ? Math.min(1, Math.hypot(re, im) / Math.sqrt(p)) : 0;
      coherence[j] = rho;
      sigma[j] = rho > 0 ? Math.min(cap, Math.sqrt((1 - rho * rho) / (2 * autos.spectra * rho * rho))) : cap;
      // A perfectly coherent channel still has float rounding: floor at 1 µrad.
      sigma[j] = Math.max(sigma[j]!, 1e-6);
    }
  }
  return { phase, sigma, coherence };
}

export interface FractionalDelay {
  /** Delay of b after a (samples, |τ| < C/2): the correlator delay d_b − d_a that aligns them. */
  delay: Measured;
  /** The same in seconds, when the sample rate was given (else null). */
  seconds: Measured | null;
  /** Phase of V_ab at the band centre, channel C/2 (radians, −π … π). */
  phase: Measured;
  /** χ²/dof of the phases about the fitted line with their σ (≈ 1 when the σ are right; 1 by construction without autos). */
  reducedChi2: number;
  /** Channels used. */
  channels: number;
}

const wrap = (x: number) => x - 2 * Math.PI * Math.round(x / (2 * Math.PI));

/**
 * The fractional delay and centre phase from the phase slope of V_ab across
 * the band: first from the mean phase step between adjacent channels (no
 * unwrapping), then a weighted least-squares line through the wrapped
 * residual phases (shared Levenberg–Marquardt, analytic Jacobian). Flagged
 * channels (1 in `flags`, fft-shifted: DC, edges, RFI) are left out.
 */
export function fractionalDelay(
  cross: ArrayLike<number>,
  options: { autos?: { a: ArrayLike<number>; b: ArrayLike<number>; spectra: number }; flags?: ArrayLike<number>; sampleRate?: number } = {},
): FractionalDelay {
  const C = channelsOf(cross);
  if (options.flags && options.flags.length !== C) throw new FitError(`flags must have one entry per channel (${C}; got ${options.flags.length})`);
  const ph = channelPhases(cross, options.autos);
  const use: number[] = [];
  for (let j = 0; j < C; j++) if (!options.flags?.[j] && (cross[2 * j] !== 0 || cross[2 * j + 1] !== 0)) use.push(j);
  if (use.length < 3) throw new FitError(`a phase slope needs at least 3 unflagged channels with signal (got ${use.length})`);
  const nu = (j: number) => (j - C / 2) / C;
  const weight = (j: number) => (options.autos ? 1 / ph.sigma[j]! ** 2 : Math.hypot(cross[2 * j]!, cross[2 * j + 1]!));
  // Coarse slope: Σ V_{j+1}·conj(V_j) over adjacent used channels, weighted as above.
  let sr = 0, si = 0;
  for (let k = 0; k + 1 < use.length; k++) {
    const j = use[k]!, i = use[k + 1]!;
    if (i !== j + 1) continue;
    const w = Math.sqrt(weight(i) * weight(j)) / (Math.hypot(cross[2 * i]!, cross[2 * i + 1]!) * Math.hypot(cross[2 * j]!, cross[2 * j + 1]!));
    sr += w * (cross[2 * i]! * cross[2 * j]! + cross[2 * i + 1]! * cross[2 * j + 1]!);
    si += w * (cross[2 * i + 1]! * cross[2 * j]! - cross[2 * i]! * cross[2 * j + 1]!);
  }
  const tau0 = sr === 0 && si === 0 ? 0 : (Math.atan2(si, sr) * C) / (2 * Math.PI);
  // Coarse centre phase: the weighted mean of V_j·e^(−2πiν_j·τ₀).
  let cr = 0, ci = 0;
  for (const j of use) {
    const a = ph.phase[j]! - 2 * Math.PI * nu(j) * tau0, w = weight(j);
    cr += w * Math.cos(a);
    ci += w * Math.sin(a);
  }
  const phi0 = Math.atan2(ci, cr);
  const sig = use.map((j) => (options.autos ? ph.sigma[j]! : 1 / Math.sqrt(weight(j))));
  const fit = levenbergMarquardt(
    (p) => use.map((j, k) => wrap(ph.phase[j]! - p[0]! - 2 * Math.PI * nu(j) * p[1]!) / sig[k]!),
    [phi0, tau0],
    { jacobian: () => use.map((j, k) => [-1 / sig[k]!, (-2 * Math.PI * nu(j)) / sig[k]!]) },
  );
  const reduced = fit.dof > 0 ? fit.chi2 / fit.dof : NaN;
  const scale = options.autos ? 1 : reduced;
  const tau: Measured = { value: fit.p[1]!, sigma: Math.sqrt(fit.covariance[1]![1]! * scale) };
  const rate = options.sampleRate;
  if (rate !== undefined && !(rate > 0)) throw new FitError(`the sample rate must be > 0 Hz (got ${rate})`);
  return {
    delay: tau,
    seconds: rate ? { value: tau.value / rate, sigma: tau.sigma / rate } : null,
    phase: { value: wrap(fit.p[0]!), sigma: Math.sqrt(fit.covariance[0]![0]! * scale) },
    reducedChi2: options.autos ? reduced : 1,
    channels: use.length,
  };
}
