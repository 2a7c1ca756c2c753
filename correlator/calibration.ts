/**
 * Calibration as an input to a running pipeline (types.ts `Calibration`):
 * validation once per call, the gains a backend is handed (user gains times
 * the fractional delays' phase slope), and the scale applied to the float64
 * sums. Pure functions; the pipeline decides when they apply.
 */
import { productPairs } from './baselines.ts';
import { validateGains } from './config.ts';
import { CorrelatorError } from './errors.ts';
import type { Calibration, CorrelationMode } from './types.ts';

function fail(message: string): never {
  throw new CorrelatorError('config', message);
}

/** Checks a setCalibration argument; returns only the fields it gives, copied. */
export function validateCalibration(c: Calibration, inputs: number, channels: number): Calibration {
  if (c === null || typeof c !== 'object') fail('a calibration must be an object with delays, gains and/or scale');
  const out: { delays?: number[]; gains?: Float32Array[] | null; scale?: number[] | null } = {};
  if (c.delays !== undefined) {
    if (!Array.isArray(c.delays) || c.delays.length !== inputs) {
      fail(`calibration delays must have one entry per input: ${inputs} expected, got ${Array.isArray(c.delays) ? c.delays.length : typeof c.delays}`);
    }
    c.delays.forEach((d, a) => {
      if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) {
        fail(`calibration delays[${a}] must be a finite number of samples ≥ 0 (got ${String(d)}); delay the other inputs instead of using a negative delay`);
      }
      if (d > Number.MAX_SAFE_INTEGER / 4) fail(`calibration delays[${a}] is too large (${d} samples)`);
    });
    out.delays = [...c.delays];
  }
  if (c.gains !== undefined) out.gains = c.gains === null ? null : validateGains(c.gains, inputs, channels);
  if (c.scale !== undefined) {
    if (c.scale === null) out.scale = null;
    else {
      if (!Array.isArray(c.scale) || c.scale.length !== inputs) {
        fail(`calibration scale must have one entry per input: ${inputs} expected, got ${Array.isArray(c.scale) ? c.scale.length : typeof c.scale}`);
      }
      c.scale.forEach((s, a) => {
        if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) fail(`calibration scale[${a}] must be a finite number > 0 (got ${String(s)})`);
      });
      out.scale = [...c.scale];
    }
  }
  return out;
}

/** The integer part of each delay: the read shift (samples). */
export function wholeDelays(delays: readonly number[]): number[] {
  return delays.map((d) => Math.floor(d));
}

/**
 * Per-input gains in float64: g_a[j] · exp(+2πi·f_j·τ_a), f_j = (j − C/2)/C,
 * τ_a the fractional part of delays[a] (types.ts `Calibration` for the sign).
 * Null when every gain is unity and every delay whole.
 */
export function calibratedGains64(channels: number, delays: readonly number[], gains: readonly ArrayLike<number>[] | null): Float64Array[] | null {
  const fractions = delays.map((d) => d - Math.floor(d));
  if (!gains && fractions.every((f) => f === 0)) return null;
  const C = channels;
  return delays.map((_, a) => {
    const g = gains?.[a], tau = fractions[a];
    const out = new Float64Array(2 * C);
    for (let j = 0; j < C; j++) {
      const phase = (2 * Math.PI * (j - C / 2) * tau) / C;
      const pr = Math.cos(phase), pi = Math.sin(phase);
      const gr = g ? g[2 * j] : 1, gi = g ? g[2 * j + 1] : 0;
      out[2 * j] = gr * pr - gi * pi;
      out[2 * j + 1] = gr * pi + gi * pr;
    }
    return out;
  });
}

/** The same gains rounded once to float32, as every backend's setGains takes them. */
export function calibratedGains(channels: number, delays: readonly number[], gains: readonly Float32Array[] | null): Float32Array[] | null {
  return calibratedGains64(channels, delays, gains)?.map((g) => Float32Array.from(g)) ?? null;
}

/**
 * Applies per-input scale to float64 sums in place: product (a, b) × √(s_a·s_b)
 * (an auto × s_a exactly), |X|⁴ sums × s_a².
 */
export function scaleSums(
  sums: { visibilities: Float64Array; power2: Float64Array },
  scale: readonly number[],
  channels: number,
  mode: CorrelationMode,
): void {
  const C = channels;
  productPairs(scale.length, mode).forEach(([a, b], p) => {
    const k = a === b ? scale[a] : Math.sqrt(scale[a] * scale[b]);
    for (let i = 2 * p * C; i < 2 * (p + 1) * C; i++) sums.visibilities[i] *= k;
  });
  scale.forEach((s, a) => {
    for (let i = a * C; i < (a + 1) * C; i++) sums.power2[i] *= s * s;
  });
}
