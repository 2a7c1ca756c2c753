/**
 * The simulator's random numbers: xoshiro128** (Blackman & Vigna, "Scrambled
 * linear pseudorandom number generators", ACM TOMS 47(4), 2021; reference C at
 * https://prng.di.unimi.it/xoshiro128starstar.c), seeded through splitmix32,
 * and a table-driven Gaussian.
 *
 * Every stream of the simulator is keyed by (scenario seed, stream, frame), so
 * any frame can be generated on its own: the bytes depend on the seed and the
 * sample index only, never on how a caller chunks its reads.
 *
 * The Gaussian is an inverse-CDF table of 2¹² entries (12 bits from each end
 * of a 32-bit draw, so one draw per complex sample). Its tails stop at
 * ±3.5σ, which is harmless here: the values are spectral coefficients of an
 * inverse FFT of 4096 bins, so each time sample is a sum of thousands of them
 * and is Gaussian by the central limit theorem.
 */

/** One 32-bit step of splitmix32 (Steele, Lea & Flood 2014, 32-bit variant by Vigna). */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes several integers (seed, stream, frame) into one 32-bit key. */
export function mixKey(...parts: number[]): number {
  let h = 0x6a09e667;
  for (const p of parts) {
    // Split a non-negative integer up to 2⁵³ into two 32-bit words so large frame indices stay distinct.
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    h = splitmix32(h ^ lo);
    h = splitmix32(h ^ hi);
  }
  return h;
}

/** xoshiro128**: 128 bits of state, period 2¹²⁸ − 1, 32-bit outputs. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the four state words explicitly (not all zero). */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) s3 = 1;
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** A generator whose state is splitmix32 expanded from `key`. */
  static fromKey(key: number): Xoshiro128 {
    const a = splitmix32(key);
    const b = splitmix32(a);
    const c = splitmix32(b);
    const d = splitmix32(c);
    return new Xoshiro128(a, b, c, d);
  }

  /** The next 32-bit output as an unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** A uniform deviate in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /**
   * Fills `out[2k], out[2k+1]` (k < n) with amp[k]·(g, g′), two independent
   * unit-variance Gaussians per complex value. The hot loop of the simulator:
   * the state lives in locals and each 32-bit draw gives both halves.
   */
  fillComplexGaussian(out: Float32Array, amp: Float32Array, n: number): void {
    const table = gaussTable;
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    for (let k = 0; k < n; k++) {
      const x = Math.imul(s1, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const a = amp[k];
      out[2 * k] = a * table[r & 0xfff];
      out[2 * k + 1] = a * table[r >>> 20];
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation,
 * relative error < 1.15e−9), used once to build the table.
 */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** 2¹² Gaussian quantiles at the cell midpoints (16 KiB, stays in L1), rescaled to exactly unit variance. */
export const gaussTable: Float32Array = (() => {
  const n = 4096;
  const t = new Float64Array(n);
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    t[i] = normalQuantile((i + 0.5) / n);
    sum2 += t[i] * t[i];
  }
  const scale = 1 / Math.sqrt(sum2 / n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = t[i] * scale;
  return out;
})();
