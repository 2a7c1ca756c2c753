/**
 * Calibration to kelvin, per channel and over the band (experiments.md,
 * "Antenna and receiver"; Wilson, Rohlfs & Hüttemeister §4.2): from repeated
 * power readings (integrations × channels, in the data's relative unit) taken
 * on two known inputs, the gain g (kelvin per unit of power) and the
 * temperatures behind it.
 *
 * - Y-factor: a hot load (an absorber, or the ground, at ambient T_hot) and a
 *   cold one (the cold sky, T_cold): Y = P_hot/P_cold,
 *   T_rx = (T_hot − Y·T_cold)/(Y − 1), g = (T_hot − T_cold)/(P_hot − P_cold).
 * - Noise diode: a known excess temperature T_ns switched on and off:
 *   g = T_ns/(P_on − P_off), T_sys = g·P_off.
 * - The sun: on and off the sun, with its flux density S (sfu), the dish's
 *   diameter D and aperture efficiency η: the sun's antenna temperature at the
 *   beam's centre T_A = η·πD²/4·S/(2k)·P(0), where P(0) is the beam ⊗ disk
 *   response on the sun's centre relative to a point source (beam.ts; 1 when
 *   no beam is given, a point sun); g = T_A/(P_on − P_off), T_sys = g·P_off.
 *
 * Every value comes with its 1σ uncertainty, propagated to first order from
 * the scatter of the readings (the standard error of each mean) and the σ of
 * the entered temperatures. Nothing here knows of drifts or of the hardware.
 */
import { beamDiskResponse, sunDiameterDeg } from './beam.ts';
import { FitError, type Measured } from './lsq.ts';

/** Boltzmann's constant (J/K). */
export const boltzmann = 1.380649e-23;
/** One solar flux unit (W m⁻² Hz⁻¹). */
export const sfu = 1e-22;

/** Readings: one array of per-channel powers per integration (the data's unit). */
export type Readings = readonly ArrayLike<number>[];

export type KelvinMethod = 'y-factor' | 'noise-diode' | 'sun';

export interface KelvinCalibration {
  method: KelvinMethod;
  /** Per channel: kelvin per unit of power, and its σ (NaN where the channel is flagged or has no contrast). */
  gain: Float64Array;
  gainSigma: Float64Array;
  /** Per channel: the system temperature on the reference input (the cold load, the diode off, off the sun) (K), and its σ. */
  tsys: Float64Array;
  tsysSigma: Float64Array;
  /** Per channel: the receiver temperature T_rx (K), Y-factor only (null otherwise). */
  trx: Float64Array | null;
  /** Over the band (the mean power of the unflagged channels): gain (K per unit), T_sys (K), T_rx (K, Y-factor only), and the ratio of the two readings (Y). */
  band: { gain: Measured; tsys: Measured; trx: Measured | null; ratio: Measured };
  /** Channels left out of the band (flagged, or whose two readings do not differ by 5σ). */
  flagged: number[];
}

/** Per-channel mean of readings and the standard error of each mean (σ/√n, from the scatter; 0 for one reading). */
export function channelMeans(readings: Readings): { mean: Float64Array; sigma: Float64Array } {
  const n = readings.length;
  if (n === 0) throw new FitError('a calibration needs at least one integration on each input (got none)');
  const C = readings[0]!.length;
  if (C === 0) throw new FitError('the readings have no channels');
  const mean = new Float64Array(C), sigma = new Float64Array(C);
  for (const r of readings) {
    if (r.length !== C) throw new FitError(`every integration must have the same channels (${C}, got ${r.length})`);
    for (let j = 0; j < C; j++) mean[j] += r[j]! / n;
  }
  if (n > 1) {
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (const r of readings) s += (r[j]! - mean[j]!) ** 2;
      sigma[j] = Math.sqrt(s / (n - 1) / n);
    }
  }
  return { mean, sigma };
}

/** The band's mean power per integration over the channels not flagged (a series to average). */
function bandSeries(readings: Readings, keep: readonly number[]): number[] {
  return readings.map((r) => keep.reduce((s, j) => s + r[j]!, 0) / keep.length);
}

function seriesMean(xs: readonly number[]): Measured {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) : 0;
  return { value: m, sigma: Math.sqrt(v / n) };
}

interface Pair {
  /** The reading with the larger power (hot, diode on, on the sun) and the reference (cold, diode off, off the sun). */
  high: Readings;
  low: Readings;
  /** Channels to leave out (e.g. the band's edges, RFI), by index. */
  flags?: ArrayLike<number> | readonly boolean[];
}

function check(p: Pair): number {
  const C = p.high[0]?.length ?? 0;
  if (p.high.length === 0 || p.low.length === 0) throw new FitError('a calibration needs at least one integration on each of its two inputs');
  if ((p.low[0]?.length ?? -1) !== C) throw new FitError(`the two readings have different channels (${C} and ${p.low[0]?.length})`);
  return C;
}

/**
 * The shared arithmetic: per channel and over the band, the gain from the
 * temperature difference ΔT (K, with σ) that made the power difference, and
 * T_sys of the reference reading. `trx` adds the Y-factor's receiver temperature.
 */
function solve(method: KelvinMethod, p: Pair, deltaT: Measured, extra?: { tLow: Measured }): KelvinCalibration {
  const C = check(p);
  const hi = channelMeans(p.high), lo = channelMeans(p.low);
  const gain = new Float64Array(C).fill(NaN), gainSigma = new Float64Array(C).fill(NaN);
  const tsys = new Float64Array(C).fill(NaN), tsysSigma = new Float64Array(C).fill(NaN);
  const trx = extra ? new Float64Array(C).fill(NaN) : null;
  const flagged: number[] = [];
  const keep: number[] = [];
  for (let j = 0; j < C; j++) {
    const d = hi.mean[j]! - lo.mean[j]!;
    const dSigma = Math.hypot(hi.sigma[j]!, lo.sigma[j]!);
    if (p.flags?.[j] || !(d > 0) || (dSigma > 0 && d < 5 * dSigma)) {
      flagged.push(j);
      continue;
    }
    keep.push(j);
    const g = deltaT.value / d;
    // σ_g/g = √((σ_ΔT/ΔT)² + (σ_d/d)²)
    const gs = g * Math.hypot(deltaT.sigma / deltaT.value, dSigma / d);
    gain[j] = g;
    gainSigma[j] = gs;
    tsys[j] = g * lo.mean[j]!;
    tsysSigma[j] = Math.hypot(gs * lo.mean[j]!, g * lo.sigma[j]!);
    if (trx) trx[j] = tsys[j]! - extra!.tLow.value;
  }
  if (keep.length === 0) {
    throw new FitError(`no channel's ${method === 'y-factor' ? 'hot' : method === 'sun' ? 'on-sun' : 'diode-on'} power exceeds the other reading by 5σ: the two readings do not differ (was the load or diode really switched, the dish on the sun?)`);
  }
  const H = seriesMean(bandSeries(p.high, keep)), L = seriesMean(bandSeries(p.low, keep));
  const d = H.value - L.value, dSigma = Math.hypot(H.sigma, L.sigma);
  const g = deltaT.value / d;
  const gs = g * Math.hypot(deltaT.sigma / deltaT.value, dSigma / d);
  const bandTsys = { value: g * L.value, sigma: Math.hypot(gs * L.value, g * L.sigma) };
  const ratio = { value: H.value / L.value, sigma: (H.value / L.value) * Math.hypot(H.sigma / H.value, L.sigma / L.value) };
  const bandTrx = extra ? { value: bandTsys.value - extra.tLow.value, sigma: Math.hypot(bandTsys.sigma, extra.tLow.sigma) } : null;
  return { method, gain, gainSigma, tsys, tsysSigma, trx, band: { gain: { value: g, sigma: gs }, tsys: bandTsys, trx: bandTrx, ratio }, flagged };
}

const positive = (name: string, v: number, unit: string) => {
  if (!(Number.isFinite(v) && v > 0)) throw new FitError(`${name} must be a number > 0 ${unit} (got ${v})`);
};

/**
 * Y-factor: readings on a hot load at `tHot` K and a cold one at `tCold` K
 * (each with an optional σ). T_sys is that of the cold reading, T_rx = T_sys − T_cold.
 */
export function yFactor(hot: Readings, cold: Readings, o: { tHot: number; tCold: number; tHotSigma?: number; tColdSigma?: number; flags?: Pair['flags'] }): KelvinCalibration {
  positive('the hot load temperature', o.tHot, 'K');
  if (!(Number.isFinite(o.tCold) && o.tCold >= 0)) throw new FitError(`the cold load temperature must be ≥ 0 K (got ${o.tCold})`);
  if (!(o.tHot > o.tCold)) throw new FitError(`the hot load (${o.tHot} K) must be hotter than the cold one (${o.tCold} K)`);
  const dT = { value: o.tHot - o.tCold, sigma: Math.hypot(o.tHotSigma ?? 0, o.tColdSigma ?? 0) };
  return solve('y-factor', { high: hot, low: cold, flags: o.flags }, dT, { tLow: { value: o.tCold, sigma: o.tColdSigma ?? 0 } });
}

/** Noise diode of excess temperature `tExcess` K (σ optional), readings with it on and off; T_sys is that of the off reading. */
export function noiseDiode(on: Readings, off: Readings, o: { tExcess: number; tExcessSigma?: number; flags?: Pair['flags'] }): KelvinCalibration {
  positive("the noise diode's excess temperature", o.tExcess, 'K');
  return solve('noise-diode', { high: on, low: off, flags: o.flags }, { value: o.tExcess, sigma: o.tExcessSigma ?? 0 });
}

/**
 * Antenna temperature (K, one polarisation) of a source of flux density
 * `flux` sfu seen by a dish of `diameter` m and aperture efficiency
 * `efficiency`: T_A = η·πD²/4·S/(2k).
 */
export function antennaTemperature(flux: number, diameter: number, efficiency: number): number {
  positive('the flux density', flux, 'sfu');
  positive("the dish's diameter", diameter, 'm');
  if (!(efficiency > 0 && efficiency <= 1)) throw new FitError(`the aperture efficiency must be in (0, 1] (got ${efficiency})`);
  return (efficiency * Math.PI * diameter * diameter * 0.25 * flux * sfu) / (2 * boltzmann);
}

/** Flux density (sfu) of a source giving antenna temperature `ta` K on a dish of `diameter` m and efficiency `efficiency`: the inverse of antennaTemperature. */
export function fluxFromAntennaTemperature(ta: number, diameter: number, efficiency: number): number {
  return ta / antennaTemperature(1, diameter, efficiency);
}

/**
 * The sun as the calibrator: readings on the sun's centre and off it, the
 * day's flux `flux` sfu (σ optional), the dish's `diameter` m and
 * `efficiency`; `beam` (FWHM, degrees), when known, dilutes the disk
 * (diameter `disk`, default 0.533°) over the beam. T_sys is that of the off reading.
 */
export function sunCalibration(
  on: Readings,
  off: Readings,
  o: { flux: number; fluxSigma?: number; diameter: number; efficiency: number; efficiencySigma?: number; beam?: number; disk?: number; flags?: Pair['flags'] },
): KelvinCalibration {
  const dilution = o.beam !== undefined ? beamDiskResponse(0, o.beam, o.disk ?? sunDiameterDeg) : 1;
  const ta = antennaTemperature(o.flux, o.diameter, o.efficiency) * dilution;
  const rel = Math.hypot((o.fluxSigma ?? 0) / o.flux, (o.efficiencySigma ?? 0) / o.efficiency);
  return solve('sun', { high: on, low: off, flags: o.flags }, { value: ta, sigma: ta * rel });
}

/** Applies a calibration's per-channel gain to a spectrum (the data's unit → K); flagged channels become NaN. */
export function toKelvin(power: ArrayLike<number>, cal: Pick<KelvinCalibration, 'gain'>): Float64Array {
  if (power.length !== cal.gain.length) throw new FitError(`the spectrum has ${power.length} channels, the calibration ${cal.gain.length}`);
  const out = new Float64Array(power.length);
  for (let j = 0; j < power.length; j++) out[j] = power[j]! * cal.gain[j]!;
  return out;
}
