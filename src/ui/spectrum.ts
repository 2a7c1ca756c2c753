/**
 * Pure spectrum arithmetic for the plots: channel frequencies, the radio
 * velocity of the hydrogen line, decibels, smoothing and finding the line.
 * No DOM, no Node: unit-tested in test/src/ui/spectrum.test.ts.
 */

/** The 21 cm hyperfine line of neutral hydrogen (Hz): 1420.405751768 MHz (Hellwig et al. 1970). */
export const hydrogenLine = 1_420_405_751.768;
/** Speed of light (m/s). */
const c = 299_792_458;

/** Radio-convention velocity (km/s, receding positive) of frequency f (Hz): v = c (f₀ − f) / f₀. */
export function radioVelocity(f: number, rest = hydrogenLine): number {
  return (c * (rest - f)) / rest / 1000;
}

/** Channel centres (Hz) of an fft-shifted spectrum of `channels` channels: channel C/2 is the centre frequency. */
export function channelFrequencies(centerFrequency: number, sampleRate: number, channels: number): Float64Array {
  const f = new Float64Array(channels);
  const df = sampleRate / channels;
  for (let j = 0; j < channels; j++) f[j] = centerFrequency + (j - channels / 2) * df;
  return f;
}

/** 10·log10(x) (dB); non-positive values give -Infinity's stand-in, NaN (plotly leaves a gap). */
export function decibels(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? 10 * Math.log10(x[i]!) : NaN;
  return out;
}

/** Boxcar mean over `width` channels (odd), ignoring channels marked in `skip`. */
export function smooth(x: ArrayLike<number>, width: number, skip?: (j: number) => boolean): Float64Array {
  const h = Math.floor(width / 2);
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    let s = 0, n = 0;
    for (let k = Math.max(0, j - h); k <= Math.min(x.length - 1, j + h); k++) {
      if (skip?.(k)) continue;
      s += x[k]!;
      n++;
    }
    out[j] = n ? s / n : NaN;
  }
  return out;
}

/**
 * Running median over `width` channels (odd), ignoring channels marked in
 * `skip`: a narrow tone or the DC spike (a channel or two) vanishes, a line
 * tens of channels wide keeps its shape.
 */
export function medianFilter(x: ArrayLike<number>, width: number, skip?: (j: number) => boolean): Float64Array {
  const h = Math.floor(width / 2);
  const out = new Float64Array(x.length);
  const window: number[] = [];
  for (let j = 0; j < x.length; j++) {
    window.length = 0;
    for (let k = Math.max(0, j - h); k <= Math.min(x.length - 1, j + h); k++) if (!skip?.(k)) window.push(x[k]!);
    out[j] = median(window);
  }
  return out;
}

function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)]! : NaN;
}

export interface LineFit {
  /** Frequency of the smoothed peak (Hz). */
  frequency: number;
  /** Its radio velocity (km/s). */
  velocity: number;
  /** Peak over the baseline (the band's median), as a fraction: 0.25 is 25 % above. */
  excess: number;
}

/**
 * The hydrogen line in a mean power spectrum: the highest point of the
 * spectrum median-filtered over ~35 kHz (which removes narrow RFI tones and
 * the DC spike; the line is hundreds of kHz wide) then smoothed over
 * ~20 kHz, within ±1 MHz (±211 km/s) of the rest frequency, ignoring the
 * band edges (the dongle's rolloff), the centre and channels flagged by
 * spectral kurtosis. Null when the line is outside the band or not above the
 * noise.
 */
export function findHydrogenLine(power: ArrayLike<number>, centerFrequency: number, sampleRate: number, sk?: ArrayLike<number>): LineFit | null {
  const C = power.length;
  const f = channelFrequencies(centerFrequency, sampleRate, C);
  const edge = Math.ceil(C * 0.1);
  const skip = (j: number) => j < edge || j >= C - edge || Math.abs(j - C / 2) <= 2 || (sk !== undefined && Math.abs(sk[j]! - 1) > 0.5);
  const df = sampleRate / C;
  const odd = (hz: number) => Math.max(3, 2 * Math.round(hz / df / 2) + 1);
  const s = smooth(medianFilter(power, odd(35_000), skip), odd(20_000), skip);
  const baseline = median(Array.from(s).filter((_, j) => !skip(j)));
  let best = -1;
  for (let j = 0; j < C; j++) {
    if (skip(j) || Math.abs(f[j]! - hydrogenLine) > 1e6 || !Number.isFinite(s[j]!)) continue;
    if (best < 0 || s[j]! > s[best]!) best = j;
  }
  if (best < 0 || !(baseline > 0)) return null;
  const excess = s[best]! / baseline - 1;
  // Noise of the smoothed mean is far below 3 %; the line in a small dish is 10–50 %.
  if (excess < 0.03) return null;
  return { frequency: f[best]!, velocity: radioVelocity(f[best]!), excess };
}

/** 1420405751.8 → "1420.4058 MHz". */
export function formatMHz(hz: number, digits = 4): string {
  return `${(hz / 1e6).toFixed(digits)} MHz`;
}

/** A count with thin grouping: 1234567 → "1 234 567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, '\u2009');
}

/** An HI velocity readout naming its frame: v_LSR (with the topocentric value) when the LSR correction is known, else topocentric. */
export function hiVelocityText(vTopo: number, lsrCorrection: number | null | undefined): string {
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;
  return lsrCorrection === null || lsrCorrection === undefined || !Number.isFinite(lsrCorrection)
    ? `${signed(vTopo)} km/s topocentric`
    : `v_LSR ${signed(vTopo + lsrCorrection)} km/s (topo ${signed(vTopo)})`;
}
