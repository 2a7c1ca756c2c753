/**
 * The sun as an interferometer sees it: a uniform disk, partly resolved on
 * longer baselines. Its visibility on a baseline of projected length u
 * wavelengths is V(u) = 2·J₁(π·d·u)/(π·d·u) for angular diameter d (rad)
 * (Thompson, Moran & Swenson, Interferometry and Synthesis in Radio
 * Astronomy, §A.4: first null at u = 1.22/d ≈ 130 λ, 28 m at 21 cm).
 *
 * Per frame the antennas' sun signals must have the covariance
 * R_ab = √(T_a·T_b)·V(u_ab), real because a disk is symmetric (the fringe
 * phase e^{−2πi f τ} of the disk centre is applied separately, per bin, by
 * the synthesiser). With R = L·Lᵀ (Cholesky), antenna a's sun spectrum is
 * Σ_{m ≤ a} L_am·S_m for independent common spectra S_m, so every pair gets
 * exactly its covariance. A point source (V ≡ 1) gives a rank-one R: only
 * S_0 is used, with L_a0 = √T_a.
 */
import { speedOfLight } from './beam.ts';
import { enuVector, equatorialToHorizontal, sunDiameter, sunPosition } from './ephemeris.ts';
import type { AntennaModel } from './model.ts';
import type { Scenario } from './scenario.ts';

/** Bessel function J₁ (Numerical Recipes §6.5 rational approximations, |error| < 1e−8). */
export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  if (ax < 8) {
    const y = x * x;
    const a = x * (72362614232.0 + y * (-7895059235.0 + y * (242396853.1 + y * (-2972611.439 + y * (15704.4826 + y * -30.16036606)))));
    const b = 144725228442.0 + y * (2300535178.0 + y * (18583304.74 + y * (99447.43394 + y * (376.9991397 + y))));
    return a / b;
  }
  const z = 8 / ax, y = z * z, xx = ax - 2.356194491;
  const p = 1 + y * (0.183105e-2 + y * (-0.3516396496e-4 + y * (0.2457520174e-5 + y * -0.240337019e-6)));
  const q = 0.04687499995 + y * (-0.2002690873e-3 + y * (0.8449199096e-5 + y * (-0.88228987e-6 + y * 0.105787412e-6)));
  const r = Math.sqrt(0.636619772 / ax) * (Math.cos(xx) * p - z * Math.sin(xx) * q);
  return x < 0 ? -r : r;
}

/** Visibility of a uniform disk of angular diameter `d` (rad) at `u` wavelengths: 2J₁(πdu)/(πdu). */
export function diskVisibility(d: number, u: number): number {
  const x = Math.PI * d * u;
  return Math.abs(x) < 1e-6 ? 1 : (2 * besselJ1(x)) / x;
}

/** One frame's sun for every scenario antenna. */
export interface SunFrame {
  /** Antenna temperature from the sun (K), per scenario antenna. */
  temperature: Float64Array;
  /** Wavefront delay of the disk centre (s), per antenna: x(t) = s(t − τ). */
  delay: Float64Array;
  /** Cholesky factor of the covariance, row-major N×N, lower triangle (√K). */
  chol: Float64Array;
}

/** Computes and caches the sun's per-frame geometry and covariance for all scenario antennas. */
export class SunField {
  private readonly cache = new Map<number, SunFrame>();
  readonly n: number;

  constructor(
    private readonly scenario: Scenario,
    /** A model per scenario antenna (its pointing and dish). */
    private readonly models: AntennaModel[],
    private readonly capacity: number,
  ) {
    this.n = models.length;
  }

  /** Drops cached frames (after a retune). */
  clear(): void {
    this.cache.clear();
  }

  /** The sun at frame `frame`, whose centre is at sky time `timeMs`, for centre frequency `fc` (Hz). */
  frame(frame: number, timeMs: number, fc: number): SunFrame {
    const hit = this.cache.get(frame);
    if (hit) return hit;
    const n = this.n;
    const f: SunFrame = { temperature: new Float64Array(n), delay: new Float64Array(n), chol: new Float64Array(n * n) };
    if (this.scenario.sun.enabled) {
      for (let a = 0; a < n; a++) {
        const s = this.models[a]!.sun(timeMs, fc);
        f.temperature[a] = s.temperature;
        f.delay[a] = s.delay;
      }
      const cov = this.covariance(f.temperature, timeMs, fc);
      cholesky(cov, n, f.chol);
    }
    this.cache.set(frame, f);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as number);
    return f;
  }

  private covariance(t: Float64Array, timeMs: number, fc: number): Float64Array {
    const n = this.n;
    const r = new Float64Array(n * n);
    const point = this.scenario.sun.model === 'point';
    const eq = sunPosition(timeMs);
    const s = enuVector(equatorialToHorizontal(eq, this.scenario.site, timeMs));
    const d = (sunDiameter(eq.distance) * Math.PI) / 180;
    const lambda = speedOfLight / fc;
    for (let a = 0; a < n; a++) {
      r[a * n + a] = t[a];
      const pa = this.models[a]!.config.position;
      for (let b = 0; b < a; b++) {
        let v = 1;
        if (!point) {
          const pb = this.models[b]!.config.position;
          const bx = pa[0] - pb[0], by = pa[1] - pb[1], bz = pa[2] - pb[2];
          const along = bx * s[0] + by * s[1] + bz * s[2];
          const perp = Math.sqrt(Math.max(0, bx * bx + by * by + bz * bz - along * along));
          v = diskVisibility(d, perp / lambda);
        }
        r[a * n + b] = r[b * n + a] = Math.sqrt(t[a] * t[b]) * v;
      }
    }
    return r;
  }
}

/**
 * Cholesky factor of a symmetric positive semi-definite matrix (row-major
 * n×n) into `out` (lower triangle). A pivot at or below 1e−12 of the largest
 * diagonal (an antenna off the sun, or two at one place) leaves its column
 * zero instead of dividing by it.
 */
export function cholesky(m: Float64Array, n: number, out: Float64Array): void {
  out.fill(0);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, m[i * n + i]!);
  const tiny = 1e-12 * maxDiag;
  for (let j = 0; j < n; j++) {
    let d = m[j * n + j]!;
    for (let k = 0; k < j; k++) d -= out[j * n + k]! ** 2;
    if (d <= tiny) continue;
    const ljj = Math.sqrt(d);
    out[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = m[i * n + j]!;
      for (let k = 0; k < j; k++) s -= out[i * n + k]! * out[j * n + k]!;
      out[i * n + j] = s / ljj;
    }
  }
}
