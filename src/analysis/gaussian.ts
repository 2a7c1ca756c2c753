/**
 * A peak on a baseline: y = b₀ + b₁·(x − x̄) + peak·shape(x − centre; width),
 * fitted by Levenberg–Marquardt with outliers (RFI spikes, dropped
 * integrations) rejected at 5σ and refitted: σ the given noise, else the
 * median absolute deviation of the residuals of the 15 nearest points in x
 * (local, because a source's own noise makes the scatter larger on the peak
 * than in the wings).
 * The Gaussian is one shape; the beam ⊗ sun disk (beam.ts) is another.
 *
 * Uncertainties come from the covariance: with the noise σ given, (JᵀJ)⁻¹ of
 * the σ-weighted residuals; without it, σ is estimated from the residuals
 * (√(χ²/dof)) and the covariance scaled by it. A fit the data cannot support
 * throws FitError with every reason instead of returning numbers: no
 * convergence, a width outside what the sampling and span can measure, a
 * centre outside the data, a peak not above the noise, a reduced χ² the
 * given noise cannot explain, or residuals with structure (runs test).
 *
 * Units are the data's: x (e.g. degrees or seconds) and y (e.g. K or counts²);
 * every field below says which.
 */
import { FitError, levenbergMarquardt, madSigma, median, runsZ, type Measured } from './lsq.ts';

export type Baseline = 'none' | 'constant' | 'linear';

export interface PeakOptions {
  /** The baseline under the peak (default 'linear'). */
  baseline?: Baseline;
  /** Noise of each y (y units): one value for all, or one per point. Default: estimated from the residuals. */
  sigma?: number | ArrayLike<number>;
  /**
   * Relative noise of each y, its scale unknown (estimated from the residuals as without `sigma`): a total-power
   * radiometer's noise is proportional to the power (T/√(Bτ)), so across a strong source whose peak is 10³ times
   * the baseline an unweighted fit lets the peak's noise decide the baseline. Ignored when `sigma` is given.
   */
  relativeSigma?: ArrayLike<number>;
  /** Hold the centre at this x (x units), e.g. 0 when x is the distance from a known position. */
  centre?: number;
  /** Reject points this many robust σ from the fit, then refit (default 5; Infinity keeps every point). */
  rejectSigma?: number;
}

export interface PeakFit {
  /** Height above the baseline at the centre (y units; negative for a dip). */
  peak: Measured;
  /** Position of the peak (x units). */
  centre: Measured;
  /** The shape's width parameter (x units): the FWHM for a Gaussian, the beam's FWHM for beam ⊗ disk. */
  width: Measured;
  /** Full width at half maximum of the fitted profile (x units). */
  fwhm: Measured;
  /** Baseline value at x = pivot (y units). */
  offset: Measured;
  /** Baseline slope (y units per x unit). */
  slope: Measured;
  /** x about which the baseline is written (x units, the mean x). */
  pivot: number;
  /** Noise per point used for the uncertainties (y units): the given σ, or the residuals' rms. */
  noise: number;
  /** Whether `noise` was given (true) or estimated from the residuals (false). */
  noiseGiven: boolean;
  /** χ²/dof with the noise used (≈ 1 for a good fit with the right σ; exactly 1 when σ was estimated). */
  reducedChi2: number;
  /** Runs-test z of the residuals' signs (≈ 0 for noise; ≪ 0 for structure). */
  runsZ: number;
  /** Indices of the points rejected as outliers. */
  rejected: number[];
  /** Points used. */
  points: number;
  /** The fitted curve at x (y units). */
  model(x: number): number;
}

/** A peak's profile: 1 at u = 0, shape(u, width) for offset u; fwhm(width) its full width at half maximum. */
export interface PeakShape {
  name: string;
  value(u: number, width: number): number;
  fwhm(width: number): number;
}

export const gaussianShape: PeakShape = {
  name: 'Gaussian',
  value: (u, w) => Math.exp((-4 * Math.LN2 * u * u) / (w * w)),
  fwhm: (w) => Math.abs(w),
};

/** Fits y = baseline + A·exp(−4 ln2 (x − x₀)²/FWHM²); width and fwhm are the FWHM (x units). */
export function fitGaussian(x: ArrayLike<number>, y: ArrayLike<number>, options: PeakOptions = {}): PeakFit {
  return fitPeak(x, y, gaussianShape, options);
}

function validate(x: ArrayLike<number>, y: ArrayLike<number>, sigma: PeakOptions['sigma']): void {
  if (x.length !== y.length) throw new FitError(`x and y must be the same length (got ${x.length} and ${y.length})`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) throw new FitError(`point ${i} is not finite (x = ${x[i]}, y = ${y[i]}): drop it before fitting`);
  }
  if (typeof sigma === 'number' && !(sigma > 0)) throw new FitError(`the noise σ must be > 0 (got ${sigma})`);
  if (sigma !== undefined && typeof sigma !== 'number') {
    if (sigma.length !== x.length) throw new FitError(`one σ per point is needed (got ${sigma.length} for ${x.length} points)`);
    for (let i = 0; i < sigma.length; i++) if (!(sigma[i]! > 0)) throw new FitError(`σ of point ${i} must be > 0 (got ${sigma[i]})`);
  }
}

interface Guess {
  peak: number;
  centre: number;
  width: number;
  offset: number;
  slope: number;
}

/** Starting values: the baseline through the medians of each end, the peak at the largest smoothed excursion, the width from its half-maximum crossings. */
function guess(xs: number[], ys: number[], pivot: number, shape: PeakShape, o: PeakOptions): Guess {
  const n = xs.length;
  const baseline = o.baseline ?? 'linear';
  const edge = Math.max(2, Math.floor(n * 0.15));
  const lo = ys.slice(0, edge), hi = ys.slice(n - edge);
  let offset = 0, slope = 0;
  if (baseline === 'constant') offset = median([...lo, ...hi]);
  else if (baseline === 'linear') {
    const xl = median(xs.slice(0, edge)), xh = median(xs.slice(n - edge));
    const yl = median(lo), yh = median(hi);
    slope = xh > xl ? (yh - yl) / (xh - xl) : 0;
    offset = yl + slope * (pivot - xl);
  }
  const d = ys.map((v, i) => v - offset - slope * (xs[i]! - pivot));
  const smooth = d.map((_, i) => median(d.slice(Math.max(0, i - 2), i + 3)));
  let k = 0;
  if (o.centre !== undefined) {
    let best = Infinity;
    xs.forEach((v, i) => {
      if (Math.abs(v - o.centre!) < best) (best = Math.abs(v - o.centre!)), (k = i);
    });
  } else smooth.forEach((v, i) => Math.abs(v) > Math.abs(smooth[k]!) && (k = i));
  const peak = smooth[k]!;
  const half = Math.abs(peak) / 2;
  const cross = (dir: number): number | null => {
    for (let i = k + dir; i >= 0 && i < n; i += dir) {
      if (Math.abs(smooth[i]!) < half) {
        const a = Math.abs(smooth[i - dir]!), b = Math.abs(smooth[i]!);
        const t = a === b ? 0 : (a - half) / (a - b);
        return Math.abs(xs[i - dir]! + t * (xs[i]! - xs[i - dir]!) - xs[k]!);
      }
    }
    return null;
  };
  const left = cross(-1), right = cross(1);
  const spacing = (xs[n - 1]! - xs[0]!) / Math.max(1, n - 1);
  let hw = left !== null && right !== null ? (left + right) / 2 : (left ?? right ?? (xs[n - 1]! - xs[0]!) / 4);
  hw = Math.max(hw, spacing);
  // Width parameter whose FWHM is 2·hw (the shapes are monotonic in it).
  let w = 2 * hw;
  for (let i = 0; i < 30; i++) w *= (2 * hw) / Math.max(shape.fwhm(w), 1e-300);
  return { peak: peak || (Math.max(...ys) - Math.min(...ys)), centre: o.centre ?? xs[k]!, width: w, offset, slope };
}

/** Each point's noise for outlier rejection: the given σ, else the robust σ of the kept residuals among its 15 neighbours in x. */
function localSpread(raw: number[], keep: boolean[], given: number[] | null): number[] {
  if (given) return given;
  const half = 7;
  return raw.map((_, i) => {
    const near: number[] = [];
    for (let k = Math.max(0, i - half); k <= Math.min(raw.length - 1, i + half); k++) if (keep[k] && k !== i) near.push(raw[k]!);
    return madSigma(near);
  });
}

/** Fits a peak of the given shape on a baseline; see the module's doc for the verdict. */
export function fitPeak(x: ArrayLike<number>, y: ArrayLike<number>, shape: PeakShape, options: PeakOptions = {}): PeakFit {
  validate(x, y, options.sigma);
  const baseline = options.baseline ?? 'linear';
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const xsAll = order.map((i) => x[i]!), ysAll = order.map((i) => y[i]!);
  const relative = options.sigma === undefined && options.relativeSigma !== undefined;
  if (relative && (options.relativeSigma!.length !== x.length || Array.from(options.relativeSigma!).some((v) => !(v > 0) || !Number.isFinite(v)))) {
    throw new FitError(`relativeSigma needs one positive finite value per point (${x.length})`);
  }
  const sigAll = order.map((i) => (options.sigma === undefined ? (relative ? options.relativeSigma![i]! : 1) : typeof options.sigma === 'number' ? options.sigma : options.sigma[i]!));
  const nFree = 3 - (options.centre !== undefined ? 1 : 0) + (baseline === 'linear' ? 2 : baseline === 'constant' ? 1 : 0);
  if (xsAll.length < nFree + 2) throw new FitError(`a ${shape.name} with a ${baseline} baseline needs at least ${nFree + 2} points (got ${xsAll.length})`);
  const pivot = xsAll.reduce((s, v) => s + v, 0) / xsAll.length;
  const rejectSigma = options.rejectSigma ?? 5;
  const model = (p: readonly number[], xv: number) => p[3]! + p[4]! * (xv - pivot) + p[0]! * shape.value(xv - p[1]!, p[2]!);
  const fixed = [false, options.centre !== undefined, false, baseline === 'none', baseline !== 'linear'];
  const g = guess(xsAll, ysAll, pivot, shape, options);
  let p0 = [g.peak, g.centre, g.width, baseline === 'none' ? 0 : g.offset, baseline === 'linear' ? g.slope : 0];
  // First rejection against a running median of 5 (no model yet, so a spike cannot pull the first fit), then against each fit.
  let keep = xsAll.map(() => true);
  if (Number.isFinite(rejectSigma)) {
    const dev = ysAll.map((v, i) => (v - median(ysAll.slice(Math.max(0, i - 2), i + 3))) / (relative ? sigAll[i]! : 1));
    const spread = localSpread(dev, keep, options.sigma === undefined ? null : sigAll);
    const clean = dev.map((d, i) => !(spread[i]! > 0) || Math.abs(d) <= rejectSigma * spread[i]!);
    if (clean.filter(Boolean).length >= nFree + 2) keep = clean;
  }
  let fit!: ReturnType<typeof levenbergMarquardt>;
  let xs: number[] = [], ys: number[] = [], sig: number[] = [];
  for (let round = 0; ; round++) {
    xs = xsAll.filter((_, i) => keep[i]);
    ys = ysAll.filter((_, i) => keep[i]);
    sig = sigAll.filter((_, i) => keep[i]);
    const X = xs, Y = ys, S = sig;
    fit = levenbergMarquardt((p) => X.map((xv, i) => (Y[i]! - model(p, xv)) / S[i]!), p0, { fixed });
    p0 = fit.p;
    if (!Number.isFinite(rejectSigma)) break;
    const raw = xsAll.map((xv, i) => (ysAll[i]! - model(fit.p, xv)) / (relative ? sigAll[i]! : 1));
    const spread = localSpread(raw, keep, options.sigma === undefined ? null : sigAll);
    const next = raw.map((r, i) => !(spread[i]! > 0) || Math.abs(r) <= rejectSigma * spread[i]!);
    if (next.every((v, i) => v === keep[i])) break;
    // At most 10 refits; the last fit is always the one over `keep`.
    if (round === 9 || next.filter(Boolean).length < nFree + 2) break;
    keep = next;
  }
  const given = options.sigma !== undefined;
  const reduced = fit.dof > 0 ? fit.chi2 / fit.dof : NaN;
  const scale = given ? 1 : reduced;
  const err = (k: number) => Math.sqrt(Math.max(0, fit.covariance[k]![k]! * scale));
  const [peak, centre, width, offset, slope] = fit.p as [number, number, number, number, number];
  const fwhm = shape.fwhm(width);
  // σ of the FWHM from σ of the width parameter through the (monotonic) map, by a small difference.
  const h = 1e-6 * Math.max(Math.abs(width), 1e-12);
  const dfw = (shape.fwhm(width + h) - shape.fwhm(width - h)) / (2 * h);
  const noise = given ? median(sig) : relative ? Math.sqrt(reduced) * median(sig) : Math.sqrt(reduced);
  const residualsY = xs.map((xv, i) => ys[i]! - model(fit.p, xv));
  const z = runsZ(residualsY);
  const result: PeakFit = {
    peak: { value: peak, sigma: err(0) },
    centre: { value: centre, sigma: err(1) },
    width: { value: Math.abs(width), sigma: err(2) },
    fwhm: { value: fwhm, sigma: Math.abs(dfw) * err(2) },
    offset: { value: offset, sigma: err(3) },
    slope: { value: slope, sigma: err(4) },
    pivot,
    noise,
    noiseGiven: given,
    reducedChi2: given ? reduced : 1,
    runsZ: z,
    rejected: order.filter((_, i) => !keep[i]).sort((a, b) => a - b),
    points: xs.length,
    model: (xv: number) => model(fit.p, xv),
  };
  const problems = verdict(result, fit, xs, shape, options.centre !== undefined);
  if (problems.length) {
    throw new FitError(`the ${shape.name} fit cannot explain the data: ${problems.join('; ')}`, problems, { fit: result });
  }
  return result;
}

function verdict(f: PeakFit, lsq: ReturnType<typeof levenbergMarquardt>, xs: number[], shape: PeakShape, centreFixed: boolean): string[] {
  const problems: string[] = [];
  const span = xs[xs.length - 1]! - xs[0]!;
  const spacing = median(xs.slice(1).map((v, i) => v - xs[i]!));
  if (!lsq.converged) problems.push(`it did not converge in ${lsq.iterations} iterations`);
  const w = f.fwhm.value;
  if (!(w > 0)) problems.push('the width came out zero');
  else {
    if (w > span) problems.push(`the width (FWHM ${w.toPrecision(3)}) is wider than the data's span (${span.toPrecision(3)}): the baseline and the peak cannot be told apart; record a longer scan`);
    if (w < 1.5 * spacing) problems.push(`the width (FWHM ${w.toPrecision(3)}) is narrower than 1.5 sample spacings (${spacing.toPrecision(3)}): the peak is not resolved`);
  }
  if (!centreFixed && (f.centre.value < xs[0]! || f.centre.value > xs[xs.length - 1]!)) {
    problems.push(`the centre (${f.centre.value.toPrecision(4)}) is outside the data (${xs[0]!.toPrecision(4)} … ${xs[xs.length - 1]!.toPrecision(4)})`);
  }
  if (!(Math.abs(f.peak.value) >= 3 * f.peak.sigma)) {
    problems.push(`the peak (${f.peak.value.toPrecision(3)} ± ${f.peak.sigma.toPrecision(2)}) is not 3σ above the noise`);
  }
  if (f.noiseGiven && lsq.dof > 0 && f.reducedChi2 > 1 + 5 * Math.sqrt(2 / lsq.dof) + 0.1) {
    problems.push(`the residuals are ${Math.sqrt(f.reducedChi2).toFixed(2)}× the given noise (reduced χ² ${f.reducedChi2.toFixed(2)} on ${lsq.dof} degrees of freedom): the model or the noise is wrong`);
  }
  if (f.runsZ < -4) {
    problems.push(`the residuals have structure a ${shape.name} does not explain (runs test z = ${f.runsZ.toFixed(1)}): a second peak, a curved baseline or the wrong shape`);
  }
  return problems;
}
