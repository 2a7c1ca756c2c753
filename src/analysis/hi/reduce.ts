/**
 * Reduction of a 21 cm spectrum: calibration (kelvin from a hot load and a
 * cold sky, or from a hot load and the sky's own line-free level, or a
 * division by a reference), each integration regridded to a common LSR
 * velocity axis before the integrations are stacked, RFI flags (spectral
 * kurtosis where the integrations carry it, narrow spikes, a user mask),
 * smoothing, a polynomial baseline over line-free channels chosen
 * automatically (or given), the noise, the velocity range of emission above
 * 5σ and Gaussian components with uncertainties.
 *
 * Pure: the caller reads the store (src/engine/hi.ts). Units: Hz, km/s
 * (radio convention), kelvin or 'relative' (a fraction of the reference or
 * of the sky's own level, when no kelvin calibration is possible).
 */
import { FitError, levenbergMarquardt, madSigma, median } from '../lsq.ts';
import { channelFlags } from '../rfi.ts';
import { hydrogenLine, radioVelocity } from '../../astro/velocity.ts';

export interface HiIntegration {
  /** Start (Unix s). */
  time: number;
  /** Power (or T) per channel, channels in order of rising frequency. */
  power: Float64Array;
  /** v_LSR − v_topo for this integration's time and pointing (km/s); 0 when the axis is already LSR. */
  lsrCorrection: number;
  /** Spectral kurtosis per channel, when the integration has enough spectra; null otherwise. */
  sk: Float64Array | null;
  /** Spectra averaged into this integration. */
  spectra: number;
}

export interface HiData {
  /** Sky frequency of each channel (Hz, rising); for a velocity-axis import, the HI frequency of each velocity. */
  frequencies: Float64Array;
  integrations: HiIntegration[];
  /** Whether the values are brightness temperatures already (kelvin). */
  kelvin: boolean;
  /** The axis frame of the data: topocentric (corrected here) or already LSR. */
  frame: 'topocentric' | 'lsr';
  /** How the values came to be kelvin, when they are and it is known (a station's calibration applied while recording). */
  kelvinHow?: string;
  /** Channels (frequency order) the calibration could not use: flagged. */
  flagged?: Uint8Array;
  /** Calibrated already by switching (src/analysis/hi/switching.ts): (sig − ref)/ref, × T_sys in kelvin; the bandpass divided out. */
  switched?: { unit: 'K' | 'relative'; how: string };
}

/** Mean spectra of the references, channel for channel with the sky's (same length). */
export interface HiReferences {
  hot?: Float64Array;
  cold?: Float64Array;
  /** A terminated input, a noise 'dark frame' or an off-source spectrum: divided out. */
  reference?: Float64Array;
  /** Hot load temperature (K), default 300. */
  tHot?: number;
  /** Cold sky (or the sky's line-free level) antenna temperature (K), default 10. */
  tCold?: number;
}

export interface HiOptions {
  /** Velocity ranges (km/s, LSR) flagged by the user. */
  mask?: [number, number][];
  /** Velocity ranges (km/s, LSR) to fit the baseline on, instead of the automatic choice. */
  lineFree?: [number, number][];
  /** Gaussian smoothing FWHM (km/s); default 2 km/s (or one channel when the channels are wider). */
  smoothKms?: number;
  /** Where Galactic emission may be (km/s, LSR), kept out of the automatic baseline: galacticWindow(l, b) for the pointing. */
  emissionWindow?: [number, number];
  /** Baseline polynomial order (default 1 for kelvin from references or files, 3 otherwise). */
  baselineOrder?: number;
  /** Detection threshold in σ for the velocity range (default 5). */
  detectSigma?: number;
  /** Most Gaussian components (default 6). */
  maxComponents?: number;
}

export interface HiComponent {
  v_lsr_kms: number;
  v_lsr_sigma_kms: number;
  /** Peak (unit of the spectrum). */
  peak: number;
  peak_sigma: number;
  fwhm_kms: number;
  fwhm_sigma_kms: number;
}

export interface HiSpectrum {
  frame: 'lsr';
  /** Mean v_LSR − v_topo over the integrations (km/s; 0 when the data were LSR already). */
  lsr_correction_kms: number;
  /** Spread of the correction over the integrations (max − min, km/s). */
  lsr_correction_spread_kms: number;
  unit: 'K' | 'relative';
  /** How the unit was reached, in words. */
  calibration: string;
  /** LSR velocity of each output channel (km/s, rising). */
  velocity: number[];
  /** Baseline-subtracted, smoothed spectrum (unit); null where flagged. */
  spectrum: (number | null)[];
  /** The same before smoothing. */
  raw: (number | null)[];
  /** Flagged channel count and why. */
  flags: { rfi: number; mask: number; edge: number; calibration: number; dc: number };
  smoothing_fwhm_kms: number;
  channel_kms: number;
  baseline: { order: number; line_free_kms: [number, number][]; automatic: boolean };
  /** Baseline noise (unit), of the smoothed spectrum and of the raw one. */
  noise: number;
  noise_raw: number;
  /** Where emission exceeds detectSigma·noise (km/s), or null when nowhere (or undecided). */
  velocity_range_kms: [number, number] | null;
  /** Whether that range runs into the low or high end of the usable band (the emission may go on beyond it). */
  range_cut: { low: boolean; high: boolean };
  /** Why the data cannot decide where the emission is (the baseline under it is unknown), or null. */
  undecided: string | null;
  detect_sigma: number;
  components: HiComponent[];
  /** Why there are no (or fewer) components, when so. */
  component_notes: string[];
  integrations: number;
  notes: string[];
}

export class HiError extends Error {
  override name = 'HiError';
}

/** Solves the normal equations of a polynomial of `order` in x (scaled to −1…1) over the points where use[i]; returns the fitted values at every x. */
export function polyFit(x: ArrayLike<number>, y: ArrayLike<number>, use: ArrayLike<boolean | number>, order: number): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) if (use[i]) { lo = Math.min(lo, x[i]!); hi = Math.max(hi, x[i]!); }
  const mid = (lo + hi) / 2, half = Math.max((hi - lo) / 2, 1e-12);
  const n = order + 1;
  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n).fill(0);
  const pw = new Array<number>(n);
  for (let i = 0; i < x.length; i++) {
    if (!use[i] || !Number.isFinite(y[i]!)) continue;
    const u = (x[i]! - mid) / half;
    pw[0] = 1;
    for (let k = 1; k < n; k++) pw[k] = pw[k - 1]! * u;
    for (let r = 0; r < n; r++) {
      b[r]! += pw[r]! * y[i]!;
      for (let c = 0; c < n; c++) A[r]![c]! += pw[r]! * pw[c]!;
    }
  }
  // Gaussian elimination with partial pivoting (n ≤ 6).
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    if (Math.abs(A[c]![c]!) < 1e-300) throw new HiError('the baseline fit is singular: too few line-free channels for its order.');
    for (let r = c + 1; r < n; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < n; k++) A[r]![k]! -= f * A[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const coef = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= A[r]![k]! * coef[k]!;
    coef[r] = s / A[r]![r]!;
  }
  return Float64Array.from(x, (xi) => {
    const u = (xi - mid) / half;
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * u + coef[k]!;
    return v;
  });
}

/** Gaussian smoothing of y (NaN = flagged, skipped) with a kernel of FWHM `w` channels. */
export function smooth(y: Float64Array, w: number): Float64Array {
  if (w <= 1) return y.slice();
  const s = w / (2 * Math.sqrt(2 * Math.LN2));
  const reach = Math.ceil(3 * s);
  const kern = Array.from({ length: 2 * reach + 1 }, (_, k) => Math.exp(-0.5 * ((k - reach) / s) ** 2));
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) { out[i] = NaN; continue; }
    let sum = 0, wsum = 0;
    for (let k = -reach; k <= reach; k++) {
      const j = i + k;
      if (j < 0 || j >= y.length || !Number.isFinite(y[j]!)) continue;
      sum += kern[k + reach]! * y[j]!;
      wsum += kern[k + reach]!;
    }
    out[i] = sum / wsum;
  }
  return out;
}

/** Channels of narrow spikes: runs of at most 3 channels more than `k` (default 8) robust σ from a running median of `w` channels (and their neighbours). */
export function spikeFlags(y: Float64Array, w = 15, k = 8): Uint8Array {
  const n = y.length, h = w >> 1;
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const win: number[] = [];
    for (let j = Math.max(0, i - h); j <= Math.min(n - 1, i + h); j++) if (Number.isFinite(y[j]!)) win.push(y[j]!);
    resid[i] = y[i]! - median(win);
  }
  const sigma = madSigma(resid.filter(Number.isFinite));
  const flags = new Uint8Array(n);
  if (!(sigma > 0)) return flags;
  // Only short runs (≤ 3 channels) are spikes: a line's curvature makes long runs against the running median.
  // The noise grows with the signal (radiometer noise ∝ T): judge each channel by the larger of the band's and its neighbourhood's scatter.
  const local = Float64Array.from({ length: n }, (_, i) => {
    const win: number[] = [];
    for (let j = Math.max(0, i - 25); j <= Math.min(n - 1, i + 25); j++) if (Number.isFinite(resid[j]!)) win.push(resid[j]!);
    return Math.max(sigma, madSigma(win));
  });
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const high = i < n && Math.abs(resid[i]!) > k * local[i]!;
    if (high && start < 0) start = i;
    if (!high && start >= 0) {
      if (i - start <= 3) for (let j = Math.max(0, start - 1); j <= Math.min(n - 1, i); j++) flags[j] = 1;
      start = -1;
    }
  }
  return flags;
}

const ranges = (v: ArrayLike<number>, on: (i: number) => boolean): [number, number][] => {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= v.length; i++) {
    const inside = i < v.length && on(i);
    if (inside && start < 0) start = i;
    if (!inside && start >= 0) {
      out.push([v[start]!, v[i - 1]!]);
      start = -1;
    }
  }
  return out;
};

/** The per-channel affine map T = a·P + b from the references, and what it means. */
function calibration(sky: Float64Array, data: HiData, refs: HiReferences, lineFree: (p: Float64Array) => Float64Array): { a: Float64Array; b: Float64Array; unit: 'K' | 'relative'; how: string } {
  const C = sky.length;
  const tHot = refs.tHot ?? 300, tCold = refs.tCold ?? 10;
  const check = (name: string, r: Float64Array | undefined) => {
    if (r && r.length !== C) throw new HiError(`the ${name} reference has ${r.length} channels, the sky ${C}: record the reference with the same tuning and channels.`);
  };
  check('hot', refs.hot);
  check('cold', refs.cold);
  check('reference', refs.reference);
  const a = new Float64Array(C), b = new Float64Array(C);
  if (data.kelvin) {
    a.fill(1);
    return { a, b, unit: 'K', how: data.kelvinHow ?? 'the file is in kelvin already' };
  }
  if (data.switched) {
    a.fill(1);
    return { a, b, unit: data.switched.unit, how: data.switched.how };
  }
  if (refs.hot && refs.cold) {
    for (let j = 0; j < C; j++) {
      a[j] = (tHot - tCold) / (refs.hot[j]! - refs.cold[j]!);
      b[j] = tCold - a[j]! * refs.cold[j]!;
    }
    if (median(a) <= 0) throw new HiError('the hot load is not above the cold sky: check which reference is which.');
    return { a, b, unit: 'K', how: `hot/cold per channel (T_hot ${tHot} K, T_cold ${tCold} K)` };
  }
  if (refs.hot) {
    // Y-factor against the sky's own line-free level taken as the cold load: Y = P_hot/P_sky (median over the band),
    // T_rx = (T_hot − Y·T_cold)/(Y − 1); then T = (T_hot + T_rx)·P/P_hot − T_rx per channel, so the bandpass divides out.
    const level = lineFree(sky);
    const y = median(Float64Array.from(refs.hot, (h, j) => h / level[j]!));
    if (!(y > 1.01)) throw new HiError(`the hot load is not above the sky (Y = ${y.toFixed(3)}): is the reference really a hot load?`);
    const tRx = (tHot - y * tCold) / (y - 1);
    for (let j = 0; j < C; j++) {
      a[j] = (tHot + tRx) / refs.hot[j]!;
      b[j] = -tRx;
    }
    return { a, b, unit: 'K', how: `hot load per channel (T_hot ${tHot} K), Y = ${y.toFixed(3)} against the sky's line-free level taken as ${tCold} K: T_rx ${tRx.toFixed(0)} K` };
  }
  if (refs.reference) {
    for (let j = 0; j < C; j++) a[j] = 1 / refs.reference[j]!;
    return { a, b, unit: 'relative', how: 'divided by the reference (no kelvin: a reference alone gives no temperature scale)' };
  }
  const m = median(sky);
  a.fill(1 / m);
  return { a, b, unit: 'relative', how: 'relative to the median sky power (no reference: no kelvin)' };
}

/** Reduces one observation's integrations (with references) to a baseline-subtracted LSR spectrum with components. */
export function reduceHi(data: HiData, refs: HiReferences = {}, options: HiOptions = {}): HiSpectrum {
  const notes: string[] = [];
  const C = data.frequencies.length;
  const N = data.integrations.length;
  if (N === 0) throw new HiError('the observation has no integrations.');
  if (C < 32) throw new HiError(`${C} channels are too few for a line and its baseline.`);
  const vTopo = Float64Array.from(data.frequencies, (f) => radioVelocity(f, hydrogenLine));
  // Velocity falls as frequency rises: work on a rising velocity axis (reverse the channels).
  const rev = <T extends { length: number; [i: number]: number }>(x: T): Float64Array => Float64Array.from({ length: x.length }, (_, i) => x[x.length - 1 - i]!);
  const v0 = rev(vTopo);
  const dv = (v0[C - 1]! - v0[0]!) / (C - 1);
  if (!(dv > 0)) throw new HiError('the channels do not span a band.');
  // The sky mean in frequency order, for the calibration.
  const mean = new Float64Array(C);
  for (const it of data.integrations) for (let j = 0; j < C; j++) mean[j]! += it.power[j]! / N;
  const order0 = options.baselineOrder;
  const cal = calibration(mean, data, refs, (p) => {
    // A smooth level through the sky spectrum's line-free part (same automatic choice, on the topocentric axis).
    const y = rev(p);
    const { fit } = baselineAuto(v0, y, new Uint8Array(C), 3, options.lineFree, options.emissionWindow && [options.emissionWindow[0] - 40, options.emissionWindow[1] + 40]);
    return rev(fit);
  });
  // Flags on the frequency channels: band edges, DC (native data), spectral kurtosis.
  const skSum = new Float64Array(C);
  let skCount = 0, spectra = 0;
  for (const it of data.integrations) {
    if (it.sk) {
      for (let j = 0; j < C; j++) skSum[j]! += it.sk[j]!;
      skCount++;
      spectra += it.spectra;
    }
  }
  // A calibrated product (kelvin, or switched: the bandpass divided out) has no roll-off to cut.
  const flat = data.kelvin || !!data.switched;
  /** The receiver's bandpass is still in the spectrum: nothing divides it out (no reference, no calibration). */
  const bandpassInData = !flat && !refs.hot && !refs.cold && !refs.reference;
  const fFlags = channelFlags(C, skCount ? Float64Array.from(skSum, (s) => s / skCount) : null, skCount ? Math.round(spectra / skCount) : 0, { edgeFraction: flat ? 0.01 : 0.03 });
  // A calibrated product's middle channel is no receiver's DC.
  if (data.kelvin && !skCount) fFlags[C / 2] = 0;
  let nCal = 0;
  if (data.flagged) for (let j = 0; j < C; j++) if (data.flagged[j] && !fFlags[j]) { fFlags[j] = 1; nCal++; }
  let edge = Math.ceil(C * (flat ? 0.01 : 0.03)) * 2;
  if (!flat) {
    // The band filter's roll-off: channels with under half the median power (of the sky, and of a reference) are not usable.
    const level = median(mean);
    const refLevel = refs.hot ?? refs.reference ?? refs.cold;
    const rl = refLevel ? median(refLevel) : 0;
    // Inward from each end of the band while the power stays low (a dip inside the band is not a roll-off).
    // Without a reference the bandpass stays in the spectrum, and no baseline models the filter's cliff: its roll-off
    // is cut where the (smoothed) level falls 0.5 % below the flat part's level (plateau); with a reference, where it halves.
    const sm = smooth(mean, 24);
    const flatLevel = plateau(sm, level);
    const low = refLevel === undefined
      ? (j: number) => sm[j]! < flatLevel * 0.995
      : (j: number) => mean[j]! < level / 2 || refLevel[j]! < rl * 0.75;
    for (let j = 0; j < C / 4 && (fFlags[j] || low(j)); j++) if (!fFlags[j]) { fFlags[j] = 1; edge++; }
    for (let j = C - 1; j > (3 * C) / 4 && (fFlags[j] || low(j)); j--) if (!fFlags[j]) { fFlags[j] = 1; edge++; }
  }
  // Each integration calibrated, moved to LSR, and stacked on the common grid (the axis of the mean correction).
  const corr = data.integrations.map((it) => (data.frame === 'lsr' ? 0 : it.lsrCorrection));
  const meanCorr = corr.reduce((s, c) => s + c, 0) / N;
  const spread = Math.max(...corr) - Math.min(...corr);
  const grid = Float64Array.from(v0, (v) => v + meanCorr);
  const stack = new Float64Array(C), weight = new Float64Array(C);
  data.integrations.forEach((it, k) => {
    const t = new Float64Array(C);
    for (let j = 0; j < C; j++) {
      const src = C - 1 - j;
      t[j] = fFlags[src] ? NaN : cal.a[src]! * it.power[src]! + cal.b[src]!;
    }
    const shift = corr[k]! - meanCorr; // this integration's channel j is at grid[j] + shift
    for (let j = 0; j < C; j++) {
      const x = j - shift / dv;
      const i = Math.floor(x), f = x - i;
      if (i < 0 || i + 1 >= C) continue;
      const y = t[i]! * (1 - f) + t[i + 1]! * f;
      if (!Number.isFinite(y)) continue;
      stack[j]! += y;
      weight[j]! += 1;
    }
  });
  const T = Float64Array.from(stack, (s, j) => (weight[j]! >= N * 0.5 ? s / weight[j]! : NaN));
  if (spread > dv) notes.push(`the LSR correction changed by ${spread.toFixed(2)} km/s over the observation: each integration regridded before stacking`);
  // Flags in velocity: spikes and the user mask.
  const spikes = spikeFlags(T);
  let nSpike = 0, nMask = 0;
  for (let j = 0; j < C; j++) if (spikes[j] && Number.isFinite(T[j]!)) { T[j] = NaN; nSpike++; }
  for (const [lo, hi] of options.mask ?? []) for (let j = 0; j < C; j++) if (grid[j]! >= lo && grid[j]! <= hi && Number.isFinite(T[j]!)) { T[j] = NaN; nMask++; }
  let nFlag = 0;
  for (let j = 0; j < C; j++) if (fFlags[j]) nFlag++;
  // The middle channel (the receiver's DC spike, flagged always for native data) is no RFI.
  const nDc = fFlags[C / 2] ? 1 : 0;
  const good = T.filter(Number.isFinite).length;
  if (good < C / 3) throw new HiError(`only ${good} of ${C} channels are left after flagging: the spectrum cannot be reduced (check the mask and the references).`);
  // Smoothing and baseline.
  const smoothKms = options.smoothKms ?? Math.max(2, dv);
  const smoothCh = smoothKms / dv;
  let order = order0 ?? (cal.unit === 'K' && !refs.hot ? 1 : cal.unit === 'K' ? 1 : 3);
  const Ts = smooth(T, smoothCh);
  let base = baselineAuto(grid, Ts, new Uint8Array(C), order, options.lineFree, options.emissionWindow);
  // Line-free channels on one side of the emission window only: the baseline is extrapolated across the line, and a
  // curved one (fitted to the bandpass on one side) runs away; a straight line is what one side can support.
  const side = !options.lineFree && options.emissionWindow ? sides(grid, base.lineFree, options.emissionWindow, Math.max(order + 3, Math.round(C / 50))) : null;
  if (side) {
    notes.push(`line-free channels only ${side.has} the emission window ${options.emissionWindow![0].toFixed(0)}…${options.emissionWindow![1].toFixed(0)} km/s: the baseline is extrapolated ${side.missing === 'below' ? 'down' : 'up'} to the band's edge${order > 1 && order0 === undefined ? ` (order 1, not ${order}: a curve fitted on one side runs away across the line)` : ''}`);
    if (order > 1 && order0 === undefined) {
      order = 1;
      base = baselineAuto(grid, Ts, new Uint8Array(C), order, options.lineFree, options.emissionWindow);
    }
  }
  const sub = Float64Array.from(Ts, (y, j) => y - base.fit[j]!);
  const raw = Float64Array.from(T, (y, j) => y - base.fit[j]!);
  const lf = base.lineFree;
  const noise = rms(sub, lf);
  const noiseRaw = rms(raw, lf);
  if (!(noise > 0)) throw new HiError('the baseline noise is zero: the spectrum is constant or too short.');
  const detect = options.detectSigma ?? 5;
  // Velocity range: runs above detect·σ at least as wide as the smoothing.
  const minRun = Math.max(3, Math.ceil(smoothCh));
  const runs = ranges(grid, (i) => sub[i]! > detect * noise).filter(([a, b]) => (b - a) / dv + 1 >= minRun);
  // HI in emission is never below the baseline by detect·σ over a run: where it is, the baseline does not explain the data.
  const dips = ranges(grid, (i) => sub[i]! < -detect * noise).filter(([a, b]) => (b - a) / dv + 1 >= minRun);
  let undecided: string | null = null;
  if (dips.length) {
    const worst = dips.reduce((w, d) => (d[1] - d[0] > w[1] - w[0] ? d : w));
    const what = `the spectrum lies more than ${detect}σ below its baseline over ${dips.length} range${dips.length > 1 ? 's' : ''} (widest ${worst[0].toFixed(0)}…${worst[1].toFixed(0)} km/s)`;
    const remedy = 'the emission cannot be measured from this spectrum. Tune so the line sits mid-band, switch (fringe hi observe --switch frequency|position) or give a reference (--reference ID)';
    if (side) undecided = `${what}: with line-free channels only ${side.has} the emission window, the baseline under the line cannot be known; ${remedy}`;
    // With no reference and no calibration the automatic baseline stands for the receiver's bandpass: one the data
    // contradict says the bandpass under the line is unknown (with the bandpass divided out a dip may be the sky's).
    else if (bandpassInData && !options.lineFree) undecided = `${what}: with no reference the baseline stands for the receiver's bandpass, and the data contradict it; ${remedy}, or give the line-free ranges (--line-free)`;
    else notes.push(`${what}: the baseline may not follow the bandpass there (check the line-free ranges)`);
  }
  const velocityRange: [number, number] | null = runs.length && !undecided ? [runs[0]![0], runs.at(-1)![1]] : null;
  // Emission that runs into the end of the usable band: the range (and a terminal velocity there) is cut by the band.
  const finite = grid.filter((_, i) => Number.isFinite(sub[i]!));
  const cut = { low: false, high: false };
  if (velocityRange) {
    // Within 25 km/s of an edge that lies inside the emission window counts too: the last few per cent of the filter's
    // roll-off (left in the band) lower the emission there, so it seems to end before the band does.
    const w = options.emissionWindow;
    const near = (d: number, inside: boolean) => d <= minRun * dv || (inside && d < 25);
    cut.low = near(velocityRange[0] - finite[0]!, !!w && finite[0]! > w[0]);
    cut.high = near(finite.at(-1)! - velocityRange[1], !!w && finite.at(-1)! < w[1]);
    for (const [k, edge] of [['low', finite[0]!], ['high', finite.at(-1)!]] as const) {
      if (cut[k]) notes.push(`the emission reaches the band's ${k} edge (${edge.toFixed(0)} km/s): it may go on beyond; the velocity range is cut there`);
    }
  }
  const { components, why } = undecided
    ? { components: [], why: [undecided] }
    : velocityRange ? fitComponents(grid, raw, noiseRaw, velocityRange, dv, options.maxComponents ?? 6) : { components: [], why: [`no emission above ${detect}σ (${(detect * noise).toPrecision(3)} ${cal.unit})`] };
  const lineFreeRanges = ranges(grid, (i) => lf[i] === 1).map(([a, b]) => [round(a - dv / 2, 2), round(b + dv / 2, 2)] as [number, number]);
  const out = (a: Float64Array) => Array.from(a, (y) => (Number.isFinite(y) ? y : null));
  return {
    frame: 'lsr',
    lsr_correction_kms: round(meanCorr, 3),
    lsr_correction_spread_kms: round(spread, 3),
    unit: cal.unit,
    calibration: cal.how,
    velocity: Array.from(grid),
    spectrum: out(sub),
    raw: out(raw),
    flags: { rfi: nSpike + Math.max(0, nFlag - edge - nCal - nDc), mask: nMask, edge, calibration: nCal, dc: nDc },
    smoothing_fwhm_kms: smoothCh > 1 ? round(smoothKms, 3) : round(dv, 3),
    channel_kms: round(dv, 4),
    baseline: { order, line_free_kms: lineFreeRanges, automatic: !options.lineFree },
    noise,
    noise_raw: noiseRaw,
    velocity_range_kms: velocityRange ? [round(velocityRange[0] - dv / 2, 2), round(velocityRange[1] + dv / 2, 2)] : null,
    range_cut: cut,
    undecided,
    detect_sigma: detect,
    components,
    component_notes: why,
    integrations: N,
    notes,
  };
}

/**
 * The LSR velocities Galactic HI can have toward (l, b) (degrees): a flat
 * rotation curve (220 km/s, R₀ 8.5 kpc) out to R = 25 kpc and within the
 * flaring layer's three scale heights of the plane, widened by 40 km/s
 * for dispersion and streaming; ±250 km/s within 15° of the Galactic centre
 * (its bar and the 3-kpc arms), and at least −60 … +40 km/s anywhere (local
 * gas and intermediate-velocity clouds at high latitude).
 */
export function galacticWindow(l: number, b: number): [number, number] {
  const lr = (l * Math.PI) / 180, br = (b * Math.PI) / 180;
  let lo = 0, hi = 0;
  for (let d = 0; d < 40; d += 0.05) {
    const dp = d * Math.cos(br);
    const r = Math.sqrt(8.5 ** 2 + dp * dp - 2 * 8.5 * dp * Math.cos(lr));
    if (r > 25) break;
    // Off the plane, only as far as the flaring HI layer reaches: three scale heights, h(R) = 0.15·e^((R − R₀)/9.8) kpc
    // (Kalberla & Kerp 2009, ARA&A 47, 27), at least 0.5 kpc.
    if (Math.abs(d * Math.sin(br)) > Math.max(0.5, 0.45 * Math.exp((r - 8.5) / 9.8))) continue;
    const v = 220 * (8.5 / Math.max(r, 0.5) - 1) * Math.sin(lr) * Math.cos(br);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const lw = ((l % 360) + 360) % 360;
  if (lw < 15 || lw > 345) return [-250, 250];
  return [Math.min(lo - 40, -60), Math.max(hi + 40, 40)];
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The level of a spectrum's flat, line-free part: the most common value of the
 * smoothed spectrum (a histogram of 0.05 % bins, smoothed over ±0.2 %). The
 * line only raises channels and the filter's roll-off only lowers them, each
 * spread over many levels, while every line-free channel of the flat part
 * sits at one level.
 */
function plateau(sm: Float64Array, median: number): number {
  const step = 0.0005, lo = 0.7, bins = Math.round((1.3 - lo) / step);
  const hist = new Float64Array(bins);
  for (const y of sm) {
    const k = Math.floor((y / median - lo) / step);
    if (k >= 0 && k < bins) hist[k]!++;
  }
  let best = -1, bestCount = -1;
  for (let k = 4; k < bins - 4; k++) {
    let c = 0;
    for (let d = -4; d <= 4; d++) c += hist[k + d]!;
    if (c > bestCount) { bestCount = c; best = k; }
  }
  return median * (lo + (best + 0.5) * step);
}

/** Whether the line-free channels lie on one side of the emission window only (fewer than `min` on the other): which side has them, or null when both do (or neither). */
function sides(v: Float64Array, lineFree: Uint8Array, window: [number, number], min: number): { has: 'above' | 'below'; missing: 'above' | 'below' } | null {
  let below = 0, above = 0;
  for (let i = 0; i < v.length; i++) {
    if (!lineFree[i]) continue;
    if (v[i]! < window[0]) below++;
    else if (v[i]! > window[1]) above++;
  }
  if (below >= min && above < min) return { has: 'below', missing: 'above' };
  if (above >= min && below < min) return { has: 'above', missing: 'below' };
  return null;
}

function rms(y: Float64Array, use: Uint8Array): number {
  let s = 0, n = 0;
  for (let i = 0; i < y.length; i++) if (use[i] && Number.isFinite(y[i]!)) { s += y[i]! ** 2; n++; }
  return n ? Math.sqrt(s / n) : NaN;
}

/**
 * A polynomial baseline through the line-free channels: given ranges, or
 * chosen by iterating fit → robust σ of the residuals → channels more than
 * 3σ above (and 10 channels either side) are line → refit, until the choice
 * settles. Returns the fit at every channel and the line-free mask.
 */
export function baselineAuto(v: Float64Array, y: Float64Array, flagged: Uint8Array, order: number, given?: [number, number][], window?: [number, number]): { fit: Float64Array; lineFree: Uint8Array } {
  const n = y.length;
  let ok = (i: number) => !flagged[i] && Number.isFinite(y[i]!);
  // Ranges the user gave are taken as given (the emission window only guides the automatic choice).
  if (window && !(given && given.length)) {
    const outside = (i: number) => (v[i]! < window[0] || v[i]! > window[1]) && !flagged[i] && Number.isFinite(y[i]!);
    let count = 0;
    for (let i = 0; i < n; i++) if (outside(i)) count++;
    // Only when enough of the band lies outside the window (else the band is too narrow for it: fall back to clipping alone).
    if (count >= Math.max(order + 3, n / 16)) ok = outside;
  }
  let lf = new Uint8Array(n);
  if (given && given.length) {
    for (let i = 0; i < n; i++) lf[i] = ok(i) && given.some(([a, b]) => v[i]! >= a && v[i]! <= b) ? 1 : 0;
    if (lf.reduce((s, x) => s + x, 0) < order + 3) throw new HiError(`the line-free ranges given hold ${lf.reduce((s, x) => s + x, 0)} usable channels; a baseline of order ${order} needs more.`);
    return { fit: polyFit(v, y, lf, order), lineFree: lf };
  }
  for (let i = 0; i < n; i++) lf[i] = ok(i) ? 1 : 0;
  let fit = polyFit(v, y, lf, order);
  const dil = Math.max(3, Math.round(n / 100));
  for (let iter = 0; iter < 20; iter++) {
    const r: number[] = [];
    for (let i = 0; i < n; i++) if (lf[i]) r.push(y[i]! - fit[i]!);
    const sigma = madSigma(r);
    const line = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (ok(i) && y[i]! - fit[i]! > 3 * sigma) for (let j = Math.max(0, i - dil); j <= Math.min(n - 1, i + dil); j++) line[j] = 1;
    const next = Uint8Array.from({ length: n }, (_, i) => (ok(i) && !line[i] ? 1 : 0));
    const count = next.reduce((s, x) => s + x, 0);
    if (count < Math.max(order + 3, n / 6)) break;
    const same = next.every((x, i) => x === lf[i]);
    lf = next;
    fit = polyFit(v, y, lf, order);
    if (same) break;
  }
  return { fit, lineFree: lf };
}

/**
 * Gaussian components of the emission: added one at a time at the largest
 * residual inside the velocity range and all refitted (Levenberg–Marquardt,
 * noise σ given), until the largest residual is below 5σ, a new component is
 * not significant (peak < 3σ of its own uncertainty) or `max` is reached.
 * Uncertainties from the covariance, scaled up by √χ²_ν when it exceeds 1.
 */
function fitComponents(v: Float64Array, y: Float64Array, sigma: number, range: [number, number], dv: number, max: number): { components: HiComponent[]; why: string[] } {
  const why: string[] = [];
  const lo = range[0] - 30, hi = range[1] + 30;
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i]! >= lo && v[i]! <= hi && Number.isFinite(y[i]!)) idx.push(i);
  const xs = idx.map((i) => v[i]!), ys = idx.map((i) => y[i]!);
  const model = (p: readonly number[], x: number) => {
    let s = 0;
    for (let k = 0; k < p.length; k += 3) s += p[k]! * Math.exp((-4 * Math.LN2 * (x - p[k + 1]!) ** 2) / (p[k + 2]! * p[k + 2]!));
    return s;
  };
  let p: number[] = [];
  let best: { p: number[]; cov: number[][]; scale: number } | null = null;
  // Seeds that gave no acceptable component (an RFI hump, a ripple) are not tried again.
  const tried = new Uint8Array(xs.length);
  let rejected = 0;
  for (let attempt = 0; attempt < 3 * max && p.length / 3 < max; attempt++) {
    const resid = ys.map((yy, i) => yy - model(p, xs[i]!));
    let m = -1;
    for (let i = 0; i < resid.length; i++) if (!tried[i] && (m < 0 || resid[i]! > resid[m]!)) m = i;
    if (m < 0 || resid[m]! < 5 * sigma) break;
    // Width guess: where the residual falls to half on either side.
    let a = m, b = m;
    while (a > 0 && resid[a]! > resid[m]! / 2) a--;
    while (b < resid.length - 1 && resid[b]! > resid[m]! / 2) b++;
    const w = Math.max(3 * dv, xs[b]! - xs[a]!);
    const trial = [...p, resid[m]!, xs[m]!, w];
    let accepted = false;
    try {
      const r = levenbergMarquardt((q) => ys.map((yy, i) => (yy - model(q, xs[i]!)) / sigma), trial, { maxIterations: 300 });
      const nu = r.chi2 / Math.max(1, r.dof);
      const scale = Math.sqrt(Math.max(1, nu));
      let ok = true;
      for (let c = 0; c < r.p.length; c += 3) {
        const pk = r.p[c]!, sd = Math.sqrt(r.covariance[c]![c]!) * scale;
        if (!(pk > 3 * sd) || !(Math.abs(r.p[c + 2]!) >= Math.max(2 * dv, 2)) || r.p[c + 1]! < lo || r.p[c + 1]! > hi) ok = false;
      }
      if (ok) {
        p = r.p;
        best = { p: r.p, cov: r.covariance, scale };
        accepted = true;
      }
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
    }
    if (!accepted) {
      rejected++;
      for (let i = a; i <= b; i++) tried[i] = 1;
      tried[m] = 1;
    }
  }
  if (rejected) why.push(`${rejected} candidate component${rejected > 1 ? 's' : ''} rejected (not significant at 3σ, narrower than 2 km/s, or outside the range)`);
  if (!best) return { components: [], why: why.length ? why : ['no component above 5σ'] };
  const comps: HiComponent[] = [];
  for (let c = 0; c < best.p.length; c += 3) {
    const sd = (k: number) => Math.sqrt(Math.max(0, best!.cov[k]![k]!)) * best!.scale;
    comps.push({
      v_lsr_kms: round(best.p[c + 1]!, 3), v_lsr_sigma_kms: round(sd(c + 1), 3),
      peak: best.p[c]!, peak_sigma: sd(c),
      fwhm_kms: round(Math.abs(best.p[c + 2]!), 3), fwhm_sigma_kms: round(sd(c + 2), 3),
    });
  }
  comps.sort((a, b) => b.peak - a.peak);
  return { components: comps, why };
}
