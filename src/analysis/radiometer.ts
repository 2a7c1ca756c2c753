/**
 * Radiometer statistics: the radiometer equation ΔT = T_sys/√(B·τ)
 * (experiments.md; Wilson, Rohlfs & Hüttemeister §4.1), the test of a
 * total-power series against it, and the Allan variance that says over which
 * integration times averaging still helps (white noise: σ²_A ∝ 1/τ; gain
 * drift makes it turn up).
 */
import { FitError, type Measured } from './lsq.ts';

/** Expected rms of a total-power reading (the unit of tsys, e.g. K): T_sys/√(B·τ) for bandwidth B (Hz) and integration τ (s). */
export function radiometerSigma(tsys: number, bandwidth: number, tau: number): number {
  if (!(tsys > 0)) throw new FitError(`T_sys must be > 0 (got ${tsys})`);
  if (!(bandwidth > 0)) throw new FitError(`the bandwidth must be > 0 Hz (got ${bandwidth})`);
  if (!(tau > 0)) throw new FitError(`the integration time must be > 0 s (got ${tau})`);
  return tsys / Math.sqrt(bandwidth * tau);
}

/**
 * Noise-equivalent bandwidth (Hz) of a band whose channels (each `channelWidth`
 * Hz) hold powers P_j: (Σ P_j)²/Σ P_j²·Δν, the B of the radiometer equation
 * for a total power summed over a band that is not flat (a receiver's
 * bandpass). Equal to the channels' total width for a flat band.
 */
export function effectiveBandwidth(power: ArrayLike<number>, channelWidth: number, flags?: ArrayLike<number>): number {
  if (!(channelWidth > 0)) throw new FitError(`the channel width must be > 0 Hz (got ${channelWidth})`);
  let s = 0, s2 = 0;
  for (let j = 0; j < power.length; j++) {
    if (flags?.[j]) continue;
    s += power[j]!;
    s2 += power[j]! ** 2;
  }
  if (!(s2 > 0)) throw new FitError('the band has no power in its unflagged channels');
  return ((s * s) / s2) * channelWidth;
}

export interface RadiometerCheck {
  /** Mean of the series (its unit, e.g. K or counts²): the T_sys it implies when the series is in kelvin. */
  mean: number;
  /** Measured rms about the mean, or about a fitted line with `detrend` (the series' unit). */
  rms: number;
  /** Expected rms mean/√(B·τ) (the series' unit). */
  expected: number;
  /** rms/expected with its 1σ uncertainty (1/√(2(n − k)) relative, for n points and k fitted terms): 1 for a radiometer limited by thermal noise. */
  ratio: Measured;
  /** Points used. */
  points: number;
}

/**
 * Compares the scatter of a total-power series (each point an integration of
 * τ seconds over bandwidth B Hz, proportional to T_sys) with the radiometer
 * equation. `detrend` removes a straight line first (a slow drift of gain or
 * sky), so that only the thermal scatter is compared.
 */
export function radiometerCheck(series: ArrayLike<number>, bandwidth: number, tau: number, options: { detrend?: boolean } = {}): RadiometerCheck {
  const n = series.length;
  const k = options.detrend ? 2 : 1;
  if (n < k + 2) throw new FitError(`a radiometer check needs at least ${k + 2} integrations (got ${n})`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(series[i]!)) throw new FitError(`integration ${i} is not finite (${series[i]}): drop it first`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i]!;
  mean /= n;
  let slope = 0;
  if (options.detrend) {
    const tm = (n - 1) / 2;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < n; i++) {
      sxy += (i - tm) * (series[i]! - mean);
      sxx += (i - tm) ** 2;
    }
    slope = sxy / sxx;
  }
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (series[i]! - mean - slope * (i - (n - 1) / 2)) ** 2;
  const rms = Math.sqrt(ss / (n - k));
  const expected = radiometerSigma(mean, bandwidth, tau);
  const r = rms / expected;
  return { mean, rms, expected, ratio: { value: r, sigma: r / Math.sqrt(2 * (n - k)) }, points: n };
}

export interface AllanPoint {
  /** Averaging time (s): m·τ₀. */
  tau: number;
  /** Points averaged per bin m. */
  m: number;
  /** Allan variance σ²_A(τ) = ½⟨(ȳ_{k+1} − ȳ_k)²⟩ over adjacent, non-overlapping bins (the series' unit squared). */
  variance: number;
  /** Its approximate 1σ uncertainty, σ²_A·√(2/(M − 1)) for M bins (the series' unit squared). */
  sigma: number;
  /** Bins M. */
  bins: number;
}

/**
 * The Allan variance of a series sampled every τ₀ seconds at averaging
 * factors m (default: powers of two up to a third of the series). For white
 * noise of variance s² per point it is s²/m; for a random walk it grows with m.
 */
export function allanVariance(series: ArrayLike<number>, tau0: number, factors?: readonly number[]): AllanPoint[] {
  const n = series.length;
  if (!(tau0 > 0)) throw new FitError(`the sampling interval must be > 0 s (got ${tau0})`);
  const ms = factors ?? Array.from({ length: Math.max(0, Math.floor(Math.log2(n / 3)) + 1) }, (_, i) => 2 ** i);
  if (ms.length === 0) throw new FitError(`an Allan variance needs at least 3 points (got ${n})`);
  return ms.map((m) => {
    if (!(Number.isInteger(m) && m >= 1)) throw new FitError(`averaging factors are whole numbers ≥ 1 (got ${m})`);
    const M = Math.floor(n / m);
    if (M < 3) throw new FitError(`averaging ${m} points leaves ${M} bins of the ${n} points; at least 3 are needed`);
    const bins = new Float64Array(M);
    for (let b = 0; b < M; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += series[b * m + i]!;
      bins[b] = s / m;
    }
    let d2 = 0;
    for (let b = 0; b + 1 < M; b++) d2 += (bins[b + 1]! - bins[b]!) ** 2;
    const variance = d2 / (2 * (M - 1));
    return { tau: m * tau0, m, variance, sigma: variance * Math.sqrt(2 / (M - 1)), bins: M };
  });
}
