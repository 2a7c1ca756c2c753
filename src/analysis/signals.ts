/**
 * Known signals: a seeded PRNG, Gaussian noise, tones, fractional delays and
 * cu8 quantisation, plus error measures. One place, so that tests and
 * qualification runs speak the same units: complex samples in the fx.md
 * scale (±1 full scale), bytes as cu8.
 */
import { fft } from './estimators.ts';

/** mulberry32: a small, seeded, well-mixed 32-bit PRNG; uniform in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box–Muller) from a uniform source. */
export function gaussian(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u = 1 - uniform(), v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Complex samples as separate re/im arrays (fx.md scale: 1 = 127.5 counts). */
export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

/** Complex white Gaussian noise with `rms` per component. */
export function noise(samples: number, rms: number, seed: number): Complex {
  const g = gaussian(rng(seed));
  const re = new Float64Array(samples), im = new Float64Array(samples);
  for (let k = 0; k < samples; k++) {
    re[k] = rms * g();
    im[k] = rms * g();
  }
  return { re, im };
}

/** A complex tone amplitude·e^{i(2π·cycles·k + phase)}; cycles per sample (channel j of C: (j − C/2)/C). */
export function tone(samples: number, amplitude: number, cyclesPerSample: number, phase = 0): Complex {
  const re = new Float64Array(samples), im = new Float64Array(samples);
  for (let k = 0; k < samples; k++) {
    const arg = 2 * Math.PI * cyclesPerSample * k + phase;
    re[k] = amplitude * Math.cos(arg);
    im[k] = amplitude * Math.sin(arg);
  }
  return { re, im };
}

/** Sum of complex signals of equal length. */
export function add(...signals: Complex[]): Complex {
  const n = signals[0].re.length;
  const re = new Float64Array(n), im = new Float64Array(n);
  for (const s of signals) {
    for (let k = 0; k < n; k++) {
      re[k] += s.re[k];
      im[k] += s.im[k];
    }
  }
  return { re, im };
}

/** Quantises to cu8 the way an RTL-SDR does: byte = round(127.5 + 127.5·x), clipped to 0 … 255. */
export function toCu8(x: Complex): Uint8Array {
  const out = new Uint8Array(2 * x.re.length);
  for (let k = 0; k < x.re.length; k++) {
    out[2 * k] = Math.min(255, Math.max(0, Math.round(127.5 + 127.5 * x.re[k])));
    out[2 * k + 1] = Math.min(255, Math.max(0, Math.round(127.5 + 127.5 * x.im[k])));
  }
  return out;
}

/** Random cu8 bytes (uniform noise over the full range, some of it clipped). */
export function randomCu8(samples: number, seed: number): Uint8Array {
  const u = rng(seed);
  const out = new Uint8Array(2 * samples);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(u() * 256);
  return out;
}

/** Gaussian cu8 noise with `counts` rms per component around 127.5. */
export function noiseCu8(samples: number, counts: number, seed: number): Uint8Array {
  return toCu8(noise(samples, counts / 127.5, seed));
}

/** max |a − b| / max |b|: fx.md's tolerance measure against the reference b. */
export function relativeToPeak(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let peak = 0, worst = 0;
  for (let i = 0; i < b.length; i++) {
    peak = Math.max(peak, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return peak === 0 ? worst : worst / peak;
}

/** Splits `bytes` (cu8) into chunks of the given sample counts in turn (cycling), each an even number of bytes. */
export function chunkSamples(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = 2 * sizes[i % sizes.length];
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/**
 * x delayed by `samples` (may be fractional or negative): y[k] = x[k − samples],
 * applied circularly as e^(−2πiν·samples) in the frequency domain (ν in cycles
 * per sample, −½ … ½; the Nyquist bin is left real). The length must be a
 * power of two; pad the signal so the wrap-around falls outside what is used.
 */
export function delayed(x: Complex, samples: number): Complex {
  const n = x.re.length;
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`delayed() needs a power-of-two length (got ${n})`);
  const re = Float64Array.from(x.re), im = Float64Array.from(x.im);
  fft(re, im);
  for (let k = 0; k < n; k++) {
    const nu = k < n / 2 ? k / n : k === n / 2 ? 0 : k / n - 1;
    const a = -2 * Math.PI * nu * samples, c = Math.cos(a), s = Math.sin(a);
    const r = re[k]! * c - im[k]! * s;
    im[k] = re[k]! * s + im[k]! * c;
    re[k] = r;
  }
  // Inverse by conjugation: ifft(X) = conj(fft(conj(X)))/n.
  for (let k = 0; k < n; k++) im[k] = -im[k]!;
  fft(re, im);
  for (let k = 0; k < n; k++) {
    re[k] = re[k]! / n;
    im[k] = -im[k]! / n;
  }
  return { re, im };
}
