/**
 * Fringe fitting over hours of a tracked source: the baseline vector and
 * instrumental phase from the fringe phase, and the source's size from the
 * fringe amplitude against projected baseline (a uniform disk).
 *
 * One model serves a real-valued strip chart (an analogue multiplying
 * interferometer: the real part of the visibility plus an offset) and the
 * complex visibilities of a group: V(t) = A(t)·e^{i(2π·w(t)/λ + φ)} with
 * w = cos δ·cos H·X − cos δ·sin H·Y + sin δ·Z (TMS eq. 4.1, geometry.ts).
 * For one source Z·sin δ is nearly constant and is absorbed in φ, so Z is
 * held at 0 (up = 0, north from X); a real-valued fringe cannot tell (X, Y,
 * φ) from (−X, −Y, −φ), so its solution is given with east ≥ 0.
 *
 * Strip charts are first cleaned: a running mean removed (the offset and its
 * drift), then divided by the running rms·√2 (amplitude normalised), over a
 * window of several fringe periods.
 */
import { FitError, levenbergMarquardt, median, type Measured } from './lsq.ts';

export interface FringeSeries {
  /** Hour angle (radians) and declination of date (radians) of the tracked source, per sample. */
  h: ArrayLike<number>;
  dec: ArrayLike<number>;
  /** The fringe: real part per sample (a strip chart after cleaning, or Re V). */
  re: ArrayLike<number>;
  /**
   * Im V per sample for complex visibilities; absent for a real-valued fringe.
   * Complex: V_ab = X_a·conj(X_b), the correlator's product, which carries
   * e^{−2πi·w/λ} for the baseline b − a (geometry.ts): the solution is b − a.
   */
  im?: ArrayLike<number>;
  /** Weight per sample (default 1): e.g. the fringe envelope, so the nulls count less. */
  weight?: ArrayLike<number>;
  /** Observing wavelength (metres). */
  lambda: number;
}

/** Running mean and rms over `window` samples, centred (shorter at the ends). */
export function runningStats(y: ArrayLike<number>, window: number): { mean: Float64Array; rms: Float64Array } {
  const n = y.length, half = Math.max(1, Math.floor(window / 2));
  const s1 = new Float64Array(n + 1), s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    s1[i + 1] = s1[i]! + y[i]!;
    s2[i + 1] = s2[i]! + y[i]! * y[i]!;
  }
  const mean = new Float64Array(n), rms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half), b = Math.min(n, i + half + 1), m = b - a;
    mean[i] = (s1[b]! - s1[a]!) / m;
    rms[i] = Math.sqrt(Math.max(0, (s2[b]! - s2[a]!) / m - mean[i]! ** 2));
  }
  return { mean, rms };
}

/**
 * A strip chart cleaned for fitting: the running mean removed twice (the
 * second pass takes what the first left of a fast drift), divided by the
 * running rms·√2. Returns the cleaned fringe and the envelope (rms·√2, in
 * the input's unit) per sample.
 */
export function cleanStripChart(y: ArrayLike<number>, window: number): { fringe: Float64Array; envelope: Float64Array } {
  if (!(window >= 3)) throw new FitError(`the running window must be at least 3 samples (got ${window})`);
  if (y.length < 2 * window) throw new FitError(`a strip chart of ${y.length} samples is too short for a ${window}-sample running window: record at least two windows`);
  const first = runningStats(y, window);
  const d = Float64Array.from(y, (v, i) => v - first.mean[i]!);
  const second = runningStats(d, window);
  const fringe = new Float64Array(y.length), envelope = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    envelope[i] = second.rms[i]! * Math.SQRT2;
    // Clipped at ±3: a normalised fringe stays within ±√2 or so; a spike of interference would not.
    fringe[i] = envelope[i]! > 0 ? Math.max(-3, Math.min(3, (d[i]! - second.mean[i]!) / envelope[i]!)) : 0;
  }
  return { fringe, envelope };
}

export interface BaselineSolution {
  /** Baseline b − a (metres): east, north, up (up held at 0). */
  east: Measured;
  north: Measured;
  up: Measured;
  length: Measured;
  /** Instrumental phase (degrees, −180…180): the fringe phase at w = 0. */
  phaseDeg: Measured;
  /** rms of the residuals about the model, in the unit of the (normalised) fringe. */
  residualRms: number;
  /** χ²/dof with the weights as given (σ = 1 per unit weight). */
  reducedChi2: number;
  /** The fringe's amplitude in the model (normalised units; ≈ 1 for a cleaned strip chart of a point source). */
  amplitude: number;
  samples: number;
  /** How the uncertainties were found. */
  uncertainty: string;
}

const TWO_PI = 2 * Math.PI;

/** w/λ per sample for (X, Y) metres, Z = 0. */
function phases(s: FringeSeries, X: number, Y: number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) {
    const cd = Math.cos(s.dec[i]!);
    out[i] = (TWO_PI * (cd * Math.cos(s.h[i]!) * X - cd * Math.sin(s.h[i]!) * Y)) / s.lambda;
  }
  return out;
}

/**
 * The local fringe rate |dw/dH|/λ = |u|·cos δ/λ per chunk of `chunk` samples,
 * from the peak of the chunk's periodogram in cycles per radian of hour
 * angle: a first guess at (X, Y) that needs no starting baseline.
 */
function coarseBaseline(s: FringeSeries, chunk: number, maxBaseline: number): { X: number; Y: number; seed: number } {
  const n = s.re.length;
  const rows: { sh: number; ch: number; g: number; w: number; start: number; tolerance: number }[] = [];
  for (let c = 0; c + chunk <= n; c += chunk) {
    const h0 = s.h[c]!, h1 = s.h[c + chunk - 1]!;
    const span = h1 - h0;
    if (!(Math.abs(span) > 0)) continue;
    const mid = c + (chunk >> 1);
    const cd = Math.cos(s.dec[mid]!);
    // Search frequencies in cycles per radian of H, up to the largest baseline's, at a quarter of the chunk's resolution.
    // Up to the largest baseline's rate, and below the sampling's Nyquist rate (a faster fringe would alias).
    const nyquist = (0.5 * (chunk - 1)) / Math.abs(span);
    const fMax = Math.min((maxBaseline * cd) / s.lambda, 0.95 * nyquist), df = 1 / (4 * Math.abs(span));
    let best = 0, bestF = 0, prev = 0, bestPrev = 0, bestNext = 0, lastWasBest = false;
    const powers: number[] = [];
    // A complex fringe turns one way or the other: search negative rates too. Rates below 2 cycles per chunk are
    // left out: what a running baseline leaves of a drift lives there.
    const fMin = 2 / Math.abs(span);
    for (let f = s.im ? -fMax : fMin; f <= fMax; f += df) {
      if (Math.abs(f) < fMin) continue;
      let cr = 0, ci = 0;
      for (let i = c; i < c + chunk; i++) {
        const wgt = s.weight ? s.weight[i]! : 1;
        const a = -TWO_PI * f * (s.h[i]! - h0);
        const re = s.re[i]!, im = s.im ? s.im[i]! : 0;
        cr += wgt * (re * Math.cos(a) - im * Math.sin(a));
        ci += wgt * (re * Math.sin(a) + im * Math.cos(a));
      }
      const p = cr * cr + ci * ci;
      powers.push(p);
      if (lastWasBest) bestNext = p;
      lastWasBest = false;
      if (p > best) {
        best = p;
        bestF = f;
        bestPrev = prev;
        lastWasBest = true;
      }
      prev = p;
    }
    const denom = bestPrev - 2 * best + bestNext;
    const f = bestF + (denom < 0 ? (0.5 * (bestPrev - bestNext) * df) / denom : 0);
    // e^{2πi w/λ} turns at dw/dH/λ = −u·cos δ/λ cycles per radian: u = −f·λ/cos δ (signed for complex data only).
    // Weight: the peak over the periodogram's median (a chunk of RFI or noise has no clear peak).
    const snr = best / Math.max(median(powers), 1e-300);
    rows.push({ sh: Math.sin(s.h[mid]!), ch: Math.cos(s.h[mid]!), g: ((s.im ? -f : f) * s.lambda) / cd, w: snr > 10 ? snr : 0, start: c, tolerance: (df * s.lambda) / cd });
  }
  if (rows.filter((r) => r.w > 0).length < 3) throw new FitError(`no fringe found in enough of the data to fit a baseline (${rows.filter((r) => r.w > 0).length} of ${rows.length} chunks of ${chunk} samples show one; 3 needed): record longer, or check that the source was tracked`);
  // u = sin H·X + cos H·Y (|u| for a real fringe). Chunks where interference or a drift beat the fringe give wild
  // rates, so a consensus first: every pair of chunks (with each sign for a real fringe) fixes (X, Y); the pair that
  // most chunks agree with (within twice the rate resolution, by weight) wins; then a fit to those that agree.
  const good = rows.filter((r) => r.w > 0);
  const u = (r: (typeof rows)[number], p: readonly number[]) => r.sh * p[0]! + r.ch * p[1]!;
  const off = (r: (typeof rows)[number], p: readonly number[]) => (s.im ? u(r, p) : Math.abs(u(r, p))) - r.g;
  // Agreement: twice the rate resolution, plus 5 % for the rate's change across a chunk.
  const agree = (r: (typeof rows)[number]) => 2 * r.tolerance + 0.05 * Math.abs(r.g);
  let consensus = { score: -1, p: [0, 0] };
  for (let i = 0; i < good.length; i++) {
    for (let k = i + 1; k < good.length; k++) {
      const r1 = good[i]!, r2 = good[k]!;
      const det = r1.sh * r2.ch - r1.ch * r2.sh;
      if (Math.abs(det) < 1e-3) continue;
      for (const [s1, s2] of s.im ? [[1, 1]] : [[1, 1], [1, -1]]) {
        const g1 = s1! * r1.g, g2 = s2! * r2.g;
        const p = [(g1 * r2.ch - g2 * r1.ch) / det, (r1.sh * g2 - r2.sh * g1) / det];
        let score = 0;
        for (const r of good) if (Math.abs(off(r, p)) < agree(r)) score += r.w;
        if (score > consensus.score) consensus = { score, p };
      }
    }
  }
  const inliers = good.filter((r) => Math.abs(off(r, consensus.p)) < agree(r));
  const bestFit = inliers.length >= 3 ? levenbergMarquardt((p) => inliers.map((r) => off(r, p) * Math.sqrt(r.w)), consensus.p) : { p: consensus.p };
  if (inliers.length < 3) throw new FitError(`the fringe rate is consistent in only ${inliers.length} chunks of ${chunk} samples (3 needed): record longer, or check that the source was tracked`);
  // Start the phase connection where the fringe is clearest over several chunks, not in one lucky chunk.
  const around = (r: (typeof rows)[number]) => inliers.reduce((sum, q) => sum + (Math.abs(q.start - r.start) <= 2 * chunk ? q.w : 0), 0);
  const seed = inliers.reduce((a, r) => (around(r) > around(a) ? r : a)).start;
  return { X: bestFit!.p[0]!, Y: bestFit!.p[1]!, seed: seed + (chunk >> 1) };
}

export interface BaselineFitOptions {
  /** Site latitude (degrees), to turn X into north. */
  lat: number;
  /** Samples per chunk for the first guess (default 600). */
  chunk?: number;
  /** Largest baseline searched (metres, default 100). */
  maxBaseline?: number;
  /** Blocks for the jackknife (default 8). */
  jackknife?: number;
}

/** Fits a baseline (east, north; up held at 0) and an instrumental phase to a fringe over hour angle. */
export function fitBaseline(series: FringeSeries, options: BaselineFitOptions): BaselineSolution {
  const n = series.re.length;
  // The model turns as e^{+2πi·w/λ}: conj(V_ab).
  const s: FringeSeries = series.im ? { ...series, im: Float64Array.from(series.im, (x) => -x) } : series;
  for (const [name, a] of [['h', s.h], ['dec', s.dec], ...(s.im ? [['im', s.im]] : []), ...(s.weight ? [['weight', s.weight]] : [])] as const) {
    if (a.length !== n) throw new FitError(`${name} must have one value per sample (${n}; got ${a.length})`);
  }
  if (!(s.lambda > 0)) throw new FitError(`the wavelength must be > 0 m (got ${s.lambda})`);
  const chunk = options.chunk ?? 600;
  const coarse = coarseBaseline(s, chunk, options.maxBaseline ?? 100);
  const complex = !!s.im;
  const ph = new Float64Array(n);
  const wgt = (i: number) => (s.weight ? Math.sqrt(s.weight[i]!) : 1);
  // The phase model is linear in (a, b) = A·(cos φ, sin φ) for given (X, Y): solve those exactly at each (X, Y).
  const linear = (X: number, Y: number, from = 0, to = n, skip: [number, number] | null = null) => {
    phases(s, X, Y, ph);
    let caa = 0, cab = 0, cbb = 0, ya = 0, yb = 0;
    for (let i = from; i < to; i++) {
      if (skip && i >= skip[0] && i < skip[1]) continue;
      const w = s.weight ? s.weight[i]! : 1, c = Math.cos(ph[i]!), si = Math.sin(ph[i]!);
      if (complex) {
        // V ≈ (a + ib)·e^{iψ}: Re = a cos ψ − b sin ψ, Im = a sin ψ + b cos ψ.
        caa += w;
        cbb += w;
        ya += w * (s.re[i]! * c + s.im![i]! * si);
        yb += w * (-s.re[i]! * si + s.im![i]! * c);
      } else {
        caa += w * c * c;
        cab -= w * c * si;
        cbb += w * si * si;
        ya += w * s.re[i]! * c;
        yb -= w * s.re[i]! * si;
      }
    }
    const det = caa * cbb - cab * cab;
    return det > 0 ? [(cbb * ya - cab * yb) / det, (caa * yb - cab * ya) / det] : [0, 0];
  };
  const residualsIn = (p: readonly number[], from: number, to: number, skip: [number, number] | null = null) => {
    phases(s, p[0]!, p[1]!, ph);
    const out: number[] = [];
    for (let i = from; i < to; i++) {
      if (skip && i >= skip[0] && i < skip[1]) continue;
      const c = Math.cos(ph[i]!), si = Math.sin(ph[i]!), w = wgt(i);
      out.push((s.re[i]! - (p[2]! * c - p[3]! * si)) * w);
      if (complex) out.push((s.im![i]! - (p[2]! * si + p[3]! * c)) * w);
    }
    return out;
  };
  const residuals = (p: readonly number[], skip: [number, number] | null) => residualsIn(p, 0, n, skip);
  // ∂r/∂(X, Y, a, b) for r = w·(y − model): ψ = 2π·cos δ·(cos H·X − sin H·Y)/λ.
  const jacobianIn = (p: readonly number[], from: number, to: number, skip: [number, number] | null = null) => {
    phases(s, p[0]!, p[1]!, ph);
    const rowsOut: number[][] = [];
    const a = p[2]!, b = p[3]!;
    for (let i = from; i < to; i++) {
      if (skip && i >= skip[0] && i < skip[1]) continue;
      const c = Math.cos(ph[i]!), si = Math.sin(ph[i]!), w = wgt(i);
      const cd = Math.cos(s.dec[i]!), k = TWO_PI / s.lambda;
      const dX = k * cd * Math.cos(s.h[i]!), dY = -k * cd * Math.sin(s.h[i]!);
      // Re model a·cos ψ − b·sin ψ: ∂/∂ψ = −a·sin ψ − b·cos ψ.
      const dRe = -a * si - b * c;
      rowsOut.push([-w * dRe * dX, -w * dRe * dY, -w * c, w * si]);
      if (complex) {
        // Im model a·sin ψ + b·cos ψ: ∂/∂ψ = a·cos ψ − b·sin ψ.
        const dIm = a * c - b * si;
        rowsOut.push([-w * dIm * dX, -w * dIm * dY, -w * si, -w * c]);
      }
    }
    return rowsOut;
  };
  // Phase connection: fit a window about the clearest chunk, then widen it by half each time, starting from the
  // last solution, so the model never slips by a whole fringe between what is fitted and what is added.
  let X0 = coarse.X, Y0 = coarse.Y;
  for (let half = chunk; ; half = Math.ceil(half * 1.5)) {
    const from = Math.max(0, coarse.seed - half), to = Math.min(n, coarse.seed + half);
    const [a0, b0] = linear(X0, Y0, from, to);
    // A short window constrains only u = sin H·X + cos H·Y: hold X, then Y, when both cannot be fitted yet.
    let f;
    for (const fixed of [[false, false, false, false], [true, false, false, false], [false, true, false, false]]) {
      try {
        f = levenbergMarquardt((p) => residualsIn(p, from, to), [X0, Y0, a0!, b0!], { fixed, jacobian: (p) => jacobianIn(p, from, to), tolerance: 1e-9 });
        break;
      } catch (err) {
        if (!(err instanceof FitError) || fixed[1]) throw err;
      }
    }
    f = f!;
    X0 = f.p[0]!;
    Y0 = f.p[1]!;
    if (from === 0 && to === n) break;
  }
  const best = { X: X0, Y: Y0 };
  const fitFrom = (X: number, Y: number, skip: [number, number] | null) => {
    const [a, b] = linear(X, Y, 0, n, skip);
    return levenbergMarquardt((p) => residuals(p, skip), [X, Y, a!, b!], { jacobian: (p) => jacobianIn(p, 0, n, skip), tolerance: 1e-9 });
  };
  let fit = fitFrom(best.X, best.Y, null);
  // A real fringe: (X, Y, φ) ≡ (−X, −Y, −φ); give east ≥ 0.
  if (!complex && fit.p[1]! < 0) fit = { ...fit, p: [-fit.p[0]!, -fit.p[1]!, fit.p[2]!, -fit.p[3]!] };
  const [X, Y, a, b] = fit.p as [number, number, number, number];
  const reduced = fit.dof > 0 ? fit.chi2 / fit.dof : NaN;
  // Jackknife over contiguous blocks: the residuals of a fringe are correlated in time, so the formal σ is too small.
  const J = options.jackknife ?? 8;
  const jx: number[] = [], jy: number[] = [], jp: number[] = [];
  for (let k = 0; k < J; k++) {
    const skip: [number, number] = [Math.floor((k * n) / J), Math.floor(((k + 1) * n) / J)];
    const f = fitFrom(X, Y, skip);
    const sign = !complex && f.p[1]! < 0 ? -1 : 1;
    jx.push(sign * f.p[0]!);
    jy.push(sign * f.p[1]!);
    jp.push(Math.atan2(sign * f.p[3]!, f.p[2]!));
  }
  const jackSigma = (v: number[]) => {
    const m = v.reduce((x, y) => x + y, 0) / v.length;
    return Math.sqrt(((v.length - 1) / v.length) * v.reduce((x, y) => x + (y - m) ** 2, 0));
  };
  const phi = Math.atan2(b, a);
  const jpUnwrapped = jp.map((p) => phi + Math.atan2(Math.sin(p - phi), Math.cos(p - phi)));
  const formal = (i: number) => Math.sqrt(fit.covariance[i]![i]! * (Number.isFinite(reduced) ? reduced : 1));
  const sX = Math.max(formal(0), jackSigma(jx)), sY = Math.max(formal(1), jackSigma(jy));
  const sPhi = Math.max(Math.sqrt(Math.max(0, (b * b * fit.covariance[2]![2]! + a * a * fit.covariance[3]![3]!) / (a * a + b * b) ** 2) * (reduced || 1)), jackSigma(jpUnwrapped));
  // North from X with up = 0: X = −sin φ·N.
  const sinLat = Math.sin((options.lat * Math.PI) / 180);
  if (Math.abs(sinLat) < 0.05) throw new FitError('at the equator X is the up component, not north: fit with a second source');
  const north = -X / sinLat, sN = sX / Math.abs(sinLat);
  const length = Math.hypot(Y, north);
  const sL = length > 0 ? Math.hypot((Y * sY) / length, (north * sN) / length) : Math.hypot(sY, sN);
  return {
    east: { value: Y, sigma: sY },
    north: { value: north, sigma: sN },
    up: { value: 0, sigma: 0 },
    length: { value: length, sigma: sL },
    phaseDeg: { value: (phi * 180) / Math.PI, sigma: (sPhi * 180) / Math.PI },
    residualRms: Math.sqrt(fit.chi2 / Math.max(1, residuals(fit.p, null).length)),
    reducedChi2: reduced,
    amplitude: Math.hypot(a, b),
    samples: n,
    uncertainty: `the larger of the formal σ scaled by √χ²_ν and a ${J}-block jackknife; up held at 0 (one source cannot separate it from the instrumental phase)`,
  };
}

/** J₁(x) by Bessel's integral (1/π)∫₀^π cos(τ − x·sin τ) dτ, Simpson's rule on 64 intervals (|error| < 1e−9 for |x| < 30). */
export function besselJ1(x: number): number {
  const m = 64, h = Math.PI / m;
  let sum = 0;
  for (let k = 0; k <= m; k++) {
    const t = k * h, f = Math.cos(t - x * Math.sin(t));
    sum += (k === 0 || k === m ? 1 : k % 2 ? 4 : 2) * f;
  }
  return (sum * h) / 3 / Math.PI;
}

/** |2J₁(x)/x|: a uniform disk's visibility at x = π·d·q. */
export function diskAmplitude(x: number): number {
  return Math.abs(x) < 1e-8 ? 1 : Math.abs((2 * besselJ1(x)) / x);
}

/** The first zeros of J₁ (Abramowitz & Stegun table 9.5). */
export const besselJ1Zeros = [3.8317059702, 7.0155866698, 10.1734681351, 13.3236919363, 16.4706300509];

export interface SizeSolution {
  /** Diameter (degrees) of the uniform disk that fits, or null when the data cannot decide. */
  diameterDeg: Measured | null;
  /**
   * Nulls: where the fitted disk's nulls fall inside the data when it decides, else the deep minima of the
   * amplitude found in the data (3σ below 0.45 of the maxima on either side): hour angle (hours), projected
   * baseline (wavelengths).
   */
  nulls: { hourAngleH: number; qLambda: number }[];
  /** 'measured' or why not, in words. */
  verdict: string;
  decided: boolean;
  /** Per chunk: hour angle (hours), projected baseline (wavelengths), fringe amplitude (input unit) and its 1σ. */
  points: { hourAngleH: number; qLambda: number; amplitude: number; sigma: number }[];
  /** Zero-spacing amplitude and noise floor of the fit (input unit). */
  amplitude0: number;
  floor: number;
  reducedChi2: number;
}

/**
 * A source's size from the fringe amplitude against projected baseline: the
 * amplitude per chunk (the fringe of the fitted baseline, a·cos ψ − b·sin ψ,
 * solved per chunk) against q = |(u, v)|/λ, fitted with
 * A(q) = √((A₀·|2J₁(πdq)/(πdq)|)² + n²), n the noise floor an amplitude
 * estimate never falls below. The data decide only when the fitted disk's
 * first null lies inside the q covered and the amplitude follows the disk
 * (χ²_ν ≤ 4 with each chunk's σ from its own residuals).
 */
export function fitDisk(s: FringeSeries, baseline: { east: number; north: number }, lat: number, chunk = 300): SizeSolution {
  const n = s.re.length;
  const xyz = [-Math.sin((lat * Math.PI) / 180) * baseline.north, baseline.east, Math.cos((lat * Math.PI) / 180) * baseline.north];
  const ph = phases(s, xyz[0]!, xyz[1]!, new Float64Array(n));
  const points: SizeSolution['points'] = [];
  for (let c = 0; c + chunk <= n; c += chunk) {
    let caa = 0, cab = 0, cbb = 0, ya = 0, yb = 0;
    for (let i = c; i < c + chunk; i++) {
      const co = Math.cos(ph[i]!), si = Math.sin(ph[i]!);
      if (s.im) {
        caa += 1;
        cbb += 1;
        ya += s.re[i]! * co - s.im[i]! * si;
        yb += -s.re[i]! * si - s.im[i]! * co;
      } else {
        caa += co * co;
        cab -= co * si;
        cbb += si * si;
        ya += s.re[i]! * co;
        yb -= s.re[i]! * si;
      }
    }
    const det = caa * cbb - cab * cab;
    if (!(det > 0)) continue;
    const a = (cbb * ya - cab * yb) / det, b = (caa * yb - cab * ya) / det;
    let r2 = 0;
    for (let i = c; i < c + chunk; i++) {
      const co = Math.cos(ph[i]!), si = Math.sin(ph[i]!);
      r2 += (s.re[i]! - (a * co - b * si)) ** 2;
      if (s.im) r2 += (-s.im[i]! - (a * si + b * co)) ** 2;
    }
    const m = s.im ? 2 * chunk : chunk;
    const sigma = Math.sqrt(r2 / (m - 2)) * Math.sqrt(2 / m) * (s.im ? Math.SQRT2 : 1);
    const mid = c + (chunk >> 1);
    const [u, v] = uvwOf(xyz, s.h[mid]!, s.dec[mid]!);
    points.push({ hourAngleH: (s.h[mid]! * 12) / Math.PI, qLambda: Math.hypot(u, v) / s.lambda, amplitude: Math.hypot(a, b), sigma });
  }
  if (points.length < 4) throw new FitError(`${points.length} chunks of ${chunk} samples are too few to fit a size (4 needed): record longer`);
  const qs = points.map((p) => p.qLambda);
  const qMin = Math.min(...qs), qMax = Math.max(...qs);
  const model = (p: readonly number[], q: number) => Math.hypot(p[0]! * diskAmplitude(Math.PI * p[1]! * q), p[2]!);
  const resid = (p: readonly number[]) => points.map((pt) => (model(p, pt.qLambda) - pt.amplitude) / pt.sigma);
  // Grid over the diameter: A² = A₀²·D² + n² is linear in (A₀², n²) for a given diameter.
  let best = { chi2: Infinity, p: [0, 0, 0] };
  const dMax = 8 * besselJ1Zeros[0]! / (Math.PI * Math.max(qMin, 1e-9));
  for (let k = 1; k <= 2000; k++) {
    const d = (k / 2000) * Math.min(dMax, 0.2);
    let s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
    for (const pt of points) {
      const D2 = diskAmplitude(Math.PI * d * pt.qLambda) ** 2, w = 1 / (2 * pt.amplitude * pt.sigma) ** 2;
      s11 += w * D2 * D2;
      s12 += w * D2;
      s22 += w;
      t1 += w * D2 * pt.amplitude ** 2;
      t2 += w * pt.amplitude ** 2;
    }
    const det = s11 * s22 - s12 * s12;
    if (!(det > 0)) continue;
    const A2 = Math.max(0, (s22 * t1 - s12 * t2) / det), N2 = Math.max(0, (s11 * t2 - s12 * t1) / det);
    const p = [Math.sqrt(A2), d, Math.sqrt(N2)];
    const chi2 = resid(p).reduce((x, r) => x + r * r, 0);
    if (chi2 < best.chi2) best = { chi2, p };
  }
  let fit;
  try {
    // The floor starts at least at the typical σ: at 0 it would have no derivative (√(x² + n²) is flat in n there).
    fit = levenbergMarquardt(resid, [best.p[0]!, best.p[1]!, Math.max(best.p[2]!, median(points.map((pt) => pt.sigma)))]);
  } catch (err) {
    if (!(err instanceof FitError)) throw err;
    fit = null;
  }
  const p = fit?.p ?? best.p;
  const d = Math.abs(p[1]!);
  const reduced = fit && fit.dof > 0 ? fit.chi2 / fit.dof : best.chi2 / Math.max(1, points.length - 3);
  const nulls: SizeSolution['nulls'] = [];
  for (const z of besselJ1Zeros) {
    const qz = z / (Math.PI * d);
    if (qz < qMin || qz > qMax) continue;
    // Every crossing of q through the null, in hour angle, from the samples.
    let prevQ = NaN, prevH = NaN;
    for (let i = 0; i < n; i += Math.max(1, Math.floor(chunk / 10))) {
      const [u, v] = uvwOf(xyz, s.h[i]!, s.dec[i]!);
      const q = Math.hypot(u, v) / s.lambda, h = (s.h[i]! * 12) / Math.PI;
      if (Number.isFinite(prevQ) && (prevQ - qz) * (q - qz) <= 0 && q !== prevQ) nulls.push({ hourAngleH: prevH + ((qz - prevQ) / (q - prevQ)) * (h - prevH), qLambda: qz });
      prevQ = q;
      prevH = h;
    }
  }
  const deg = 180 / Math.PI;
  const first = besselJ1Zeros[0]! / (Math.PI * d);
  let verdict = 'measured', decided = true;
  if (!fit || !(d > 0)) {
    verdict = 'cannot decide: the amplitude does not constrain a disk (the fit does not converge)';
    decided = false;
  } else if (first > qMax) {
    verdict = `cannot decide: the projected baseline reaches ${qMax.toFixed(0)} λ, short of the first null (${first.toFixed(0)} λ for the best disk): longer baselines or hour angles are needed`;
    decided = false;
  } else if (reduced > 4) {
    verdict = `cannot decide: the amplitude does not follow a uniform disk (χ²_ν = ${reduced.toFixed(1)} with each chunk's own σ)`;
    decided = false;
  }
  const sd = fit ? Math.sqrt(fit.covariance[1]![1]! * Math.max(1, reduced)) : NaN;
  const minima = deepMinima(points);
  if (!decided && minima.length > 0) {
    const q = minima.reduce((x, m) => x + m.qLambda, 0) / minima.length;
    verdict += `; the amplitude has deep minima at q ≈ ${minima.map((m) => m.qLambda.toFixed(0)).join(', ')} λ: were they a uniform disk's first, second or third null, the diameter would be ${besselJ1Zeros.slice(0, 3).map((z) => ((z / (Math.PI * q)) * deg).toFixed(3)).join(', ')}° — one null alone cannot say which`;
  }
  return {
    diameterDeg: decided ? { value: d * deg, sigma: sd * deg } : null,
    nulls: decided ? nulls : minima,
    verdict,
    decided,
    points,
    amplitude0: Math.abs(p[0]!),
    floor: Math.abs(p[2]!),
    reducedChi2: reduced,
  };
}

/** (u, v) metres of baseline (X, Y, Z) toward hour angle h and declination dec (radians): TMS eq. 4.1. */
function uvwOf([x, y, z]: readonly number[], h: number, dec: number): [number, number] {
  const sh = Math.sin(h), ch = Math.cos(h), sd = Math.sin(dec), cd = Math.cos(dec);
  return [sh * x! + ch * y!, -sd * ch * x! + sd * sh * y! + cd * z!];
}

/** Deep minima of amplitude against chunk order: 3σ below 0.45 of the largest amplitude within 12 chunks on each side. */
function deepMinima(points: SizeSolution['points']): { hourAngleH: number; qLambda: number }[] {
  const out: { hourAngleH: number; qLambda: number }[] = [];
  for (let i = 1; i + 1 < points.length; i++) {
    const a = points[i]!.amplitude;
    if (!(a <= points[i - 1]!.amplitude && a <= points[i + 1]!.amplitude)) continue;
    const left = Math.max(...points.slice(Math.max(0, i - 12), i).map((p) => p.amplitude));
    const right = Math.max(...points.slice(i + 1, i + 13).map((p) => p.amplitude));
    if (a + 3 * points[i]!.sigma < 0.45 * Math.min(left, right)) out.push({ hourAngleH: points[i]!.hourAngleH, qLambda: points[i]!.qLambda });
  }
  return out;
}
