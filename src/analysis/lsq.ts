/**
 * Nonlinear least squares by Levenberg–Marquardt (Marquardt 1963, with the
 * diagonal scaling of Moré 1978): minimises χ² = Σ r_i(p)² for residuals
 * r_i = (y_i − model_i(p))/σ_i. The Jacobian is analytic when the caller gives
 * one, else a central difference. Parameters may be held fixed. The fits of
 * src/analysis (Gaussian, beam ⊗ disk, phase slope) share it.
 *
 * Units are the caller's: every parameter in its own unit, residuals in
 * units of their σ (dimensionless when σ is known).
 */

export class FitError extends Error {
  override name = 'FitError';
  /** What made the data unexplainable by the model, one sentence each (empty for a bad call). */
  readonly problems: string[];
  /** The rejected fit, for a plot that shows why (e.g. a PeakFit); absent for a bad call. */
  readonly fit?: unknown;
  constructor(message: string, problems: string[] = [], options?: ErrorOptions & { fit?: unknown }) {
    super(message, options);
    this.problems = problems;
    if (options?.fit !== undefined) this.fit = options.fit;
  }
}

/** A measured value and its 1σ uncertainty, in the unit the field's doc names. */
export interface Measured {
  value: number;
  sigma: number;
}

export interface LsqOptions {
  /** Residuals' Jacobian ∂r_i/∂p_k: rows of length p.length (default: central differences). */
  jacobian?: (p: readonly number[]) => ArrayLike<number>[];
  /** Parameters held at their starting value (same length as p0). */
  fixed?: readonly boolean[];
  /** Iteration limit (default 200). */
  maxIterations?: number;
  /** Stop when χ² falls by less than this fraction in an accepted step (default 1e-10). */
  tolerance?: number;
}

export interface LsqResult {
  /** Best parameters (fixed ones as given). */
  p: number[];
  /** χ² = Σ r_i² at p. */
  chi2: number;
  /** Degrees of freedom: residuals − free parameters. */
  dof: number;
  /** (JᵀJ)⁻¹ at p over all parameters (rows/columns of fixed ones 0): the covariance when the residuals are in units of σ. */
  covariance: number[][];
  /** Residuals r_i at p. */
  residuals: Float64Array;
  iterations: number;
  /** False when the iteration limit was reached before χ² settled. */
  converged: boolean;
}

const sumSquares = (r: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i]! * r[i]!;
  return s;
};

function numericJacobian(f: (p: readonly number[]) => ArrayLike<number>, p: readonly number[], free: number[], r0: ArrayLike<number>): Float64Array[] {
  const J = Array.from({ length: r0.length }, () => new Float64Array(p.length));
  for (const k of free) {
    const h = 1e-6 * Math.max(Math.abs(p[k]!), 1e-6) || 1e-9;
    const up = [...p], down = [...p];
    up[k]! += h;
    down[k]! -= h;
    const ru = f(up), rd = f(down);
    for (let i = 0; i < r0.length; i++) J[i]![k] = (ru[i]! - rd[i]!) / (2 * h);
  }
  return J;
}

/** Solves A·x = b for symmetric positive definite A by Cholesky; null if A is not positive definite. */
export function choleskySolve(A: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/** Inverse of a symmetric positive definite matrix; null if it is singular. */
export function inverseSpd(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const cols: number[][] = [];
  for (let k = 0; k < n; k++) {
    const e = new Array<number>(n).fill(0);
    e[k] = 1;
    const x = choleskySolve(A, e);
    if (!x) return null;
    cols.push(x);
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (cols[j]![i]! + cols[i]![j]!) / 2));
}

/**
 * Minimises Σ residuals(p)² from p0. Throws FitError when the problem is
 * under-determined (fewer residuals than free parameters) or a parameter has
 * no effect on the residuals (singular normal matrix at the solution).
 */
export function levenbergMarquardt(residuals: (p: readonly number[]) => ArrayLike<number>, p0: readonly number[], options: LsqOptions = {}): LsqResult {
  const fixed = options.fixed ?? [];
  const free = p0.map((_, k) => k).filter((k) => !fixed[k]);
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;
  let p = [...p0];
  if (p.some((v) => !Number.isFinite(v))) throw new FitError(`the starting parameters must be finite (got ${p.join(', ')})`);
  let r = Float64Array.from(residuals(p));
  const m = r.length, n = free.length;
  if (m < n) throw new FitError(`${n} free parameters need at least ${n} data points (got ${m})`);
  if (r.some((v) => !Number.isFinite(v))) throw new FitError('the model gives non-finite residuals at the starting parameters: check the data for NaN or infinity');
  let chi2 = sumSquares(r);
  const jac = (q: readonly number[], rq: ArrayLike<number>) => (options.jacobian ? options.jacobian(q) : numericJacobian(residuals, q, free, rq));
  let lambda = 1e-3;
  let iterations = 0, converged = false;
  let J = jac(p, r);
  const normal = (Jm: ArrayLike<number>[], rv: ArrayLike<number>) => {
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const g = new Array<number>(n).fill(0);
    for (let i = 0; i < m; i++) {
      const row = Jm[i]!;
      for (let a = 0; a < n; a++) {
        const ja = row[free[a]!]!;
        g[a] -= ja * rv[i]!;
        for (let b = 0; b <= a; b++) A[a]![b] += ja * row[free[b]!]!;
      }
    }
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) A[b]![a] = A[a]![b]!;
    return { A, g };
  };
  let { A, g } = normal(J, r);
  while (iterations < maxIterations && n > 0) {
    iterations++;
    const damped = A.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-300) : v)));
    const step = choleskySolve(damped, g);
    if (!step) {
      lambda *= 10;
      if (lambda > 1e16) break;
      continue;
    }
    const trial = [...p];
    free.forEach((k, a) => (trial[k]! += step[a]!));
    const rt = Float64Array.from(residuals(trial));
    const chi2t = rt.every(Number.isFinite) ? sumSquares(rt) : Infinity;
    if (chi2t <= chi2) {
      const drop = chi2 - chi2t;
      p = trial;
      r = rt;
      chi2 = chi2t;
      lambda = Math.max(lambda / 10, 1e-12);
      J = jac(p, r);
      ({ A, g } = normal(J, r));
      if (drop <= tolerance * Math.max(chi2, 1e-300) || chi2 === 0) {
        converged = true;
        break;
      }
    } else {
      lambda *= 10;
      // No step lowers χ² even with heavy damping: p is at the minimum to working precision.
      if (lambda > 1e16) {
        converged = true;
        break;
      }
    }
  }
  if (n === 0) converged = true;
  const inv = n > 0 ? inverseSpd(A) : [];
  if (!inv) {
    throw new FitError('a parameter has no effect on the fit (the normal matrix is singular): the data do not constrain the model', [
      'the data do not constrain every parameter of the model',
    ]);
  }
  const covariance = p.map(() => new Array<number>(p.length).fill(0));
  free.forEach((k, a) => free.forEach((l, b) => (covariance[k]![l] = inv[a]![b]!)));
  return { p, chi2, dof: m - n, covariance, residuals: r, iterations, converged };
}

/** Median of finite values (NaN for none). */
export function median(values: ArrayLike<number>): number {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

/** Robust standard deviation 1.4826·median|x − median(x)| (equal to σ for Gaussian data). */
export function madSigma(values: ArrayLike<number>): number {
  const m = median(values);
  return 1.4826 * median(Array.from(values, (v) => Math.abs(v - m)));
}

/**
 * Wald–Wolfowitz runs test on the signs of residuals: the z-score of the
 * number of runs against what independent residuals give. Strongly negative
 * (too few runs) means structure the model leaves unexplained.
 */
export function runsZ(residuals: ArrayLike<number>): number {
  let pos = 0, neg = 0, runs = 0, last = 0;
  for (let i = 0; i < residuals.length; i++) {
    const s = Math.sign(residuals[i]!);
    if (s === 0) continue;
    if (s > 0) pos++;
    else neg++;
    if (s !== last) runs++;
    last = s;
  }
  const n = pos + neg;
  if (pos === 0 || neg === 0) return -Infinity;
  const mean = (2 * pos * neg) / n + 1;
  const variance = ((mean - 1) * (mean - 2)) / (n - 1);
  return variance > 0 ? (runs - mean) / Math.sqrt(variance) : 0;
}
