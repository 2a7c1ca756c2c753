/**
 * Simple estimators on raw samples, independent of the correlator: power,
 * complex cross-correlation at a lag, a direct DFT at one frequency, and an
 * averaged power spectrum by a plain radix-2 FFT. The simulator's tests check
 * it with these (and a qualification run can check a dongle the same way),
 * so that a fault in the correlator cannot hide a fault in the source.
 */

/** cu8 bytes to complex samples x = (byte − 127.5)/127.5, as float64 re/im arrays. */
export function toComplex(data: Uint8Array): { re: Float64Array; im: Float64Array } {
  const n = data.length >> 1;
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = (data[2 * i] - 127.5) / 127.5;
    im[i] = (data[2 * i + 1] - 127.5) / 127.5;
  }
  return { re, im };
}

/** Per-component variance in byte counts (mean removed), averaged over I and Q. */
export function countsVariance(data: Uint8Array): number {
  let si = 0, sq = 0, si2 = 0, sq2 = 0;
  const n = data.length >> 1;
  for (let i = 0; i < n; i++) {
    const a = data[2 * i], b = data[2 * i + 1];
    si += a;
    sq += b;
    si2 += a * a;
    sq2 += b * b;
  }
  const vi = si2 / n - (si / n) ** 2, vq = sq2 / n - (sq / n) ** 2;
  return (vi + vq) / 2;
}

/** Σ_n (a[n] − ā)·conj(b[n + lag] − b̄) / count over the overlap, mean removed. */
export function crossCorrelation(
  a: { re: Float64Array; im: Float64Array },
  b: { re: Float64Array; im: Float64Array },
  lag: number,
): { re: number; im: number } {
  const n = a.re.length;
  const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
  const ar = mean(a.re), ai = mean(a.im), br = mean(b.re), bi = mean(b.im);
  let sr = 0, si = 0, count = 0;
  const lo = Math.max(0, -lag), hi = Math.min(n, n - lag);
  for (let i = lo; i < hi; i++) {
    const xr = a.re[i] - ar, xi = a.im[i] - ai;
    const yr = b.re[i + lag] - br, yi = b.im[i + lag] - bi;
    sr += xr * yr + xi * yi;
    si += xi * yr - xr * yi;
    count++;
  }
  return { re: sr / count, im: si / count };
}

/** Power Σ|x − x̄|²/n of complex samples. */
export function power(x: { re: Float64Array; im: Float64Array }): number {
  const c = crossCorrelation(x, x, 0);
  return c.re;
}

/** (1/n)·Σ x[n]·e^{−2πi·f·n/fs}: the complex amplitude of a tone at f (Hz). */
export function dftAt(x: { re: Float64Array; im: Float64Array }, f: number, fs: number): { re: number; im: number; abs: number } {
  let sr = 0, si = 0;
  const w = (-2 * Math.PI * f) / fs;
  const n = x.re.length;
  for (let i = 0; i < n; i++) {
    const c = Math.cos(w * i), s = Math.sin(w * i);
    sr += x.re[i] * c - x.im[i] * s;
    si += x.re[i] * s + x.im[i] * c;
  }
  return { re: sr / n, im: si / n, abs: Math.hypot(sr, si) / n };
}

/**
 * In-place radix-2 complex FFT (forward, e^{−i}). Deliberately not the
 * correlator's fft64: the simulator is checked by estimators independent of
 * the correlator (issue: devices), so that a fault in one cannot hide in the other.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const a = i + k, b = a + len / 2;
        const tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** Averaged power spectrum of `nfft`-point FFTs, fft-shifted (index nfft/2 is DC). */
export function averagedSpectrum(x: { re: Float64Array; im: Float64Array }, nfft: number): Float64Array {
  const out = new Float64Array(nfft);
  const re = new Float64Array(nfft), im = new Float64Array(nfft);
  const count = Math.floor(x.re.length / nfft);
  for (let s = 0; s < count; s++) {
    re.set(x.re.subarray(s * nfft, (s + 1) * nfft));
    im.set(x.im.subarray(s * nfft, (s + 1) * nfft));
    fft(re, im);
    for (let k = 0; k < nfft; k++) out[(k + nfft / 2) % nfft] += re[k] * re[k] + im[k] * im[k];
  }
  for (let k = 0; k < nfft; k++) out[k] /= count;
  return out;
}
