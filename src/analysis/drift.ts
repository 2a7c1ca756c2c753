/**
 * The sun-drift and cross-scan measurement (experiments.md, "Sun drift
 * scan"): each cut (a free drift, or a stepped scan in azimuth or in
 * elevation) is fitted with baseline (linear) + peak × (beam ⊗ 0.533° sun
 * disk) against the sun's offset on the sky (beam.ts); the cuts together give
 * the beam's half-power width deconvolved from the disk, the pointing error,
 * the system temperature (the off-sun baseline) and the sun's antenna
 * temperature and flux density.
 *
 * Angles in degrees. Power in kelvin when the data are calibrated
 * (`unit: 'K'`), else in the data's own relative unit, and then every kelvin
 * field is null: nothing here invents a temperature scale.
 *
 * Sign of the pointing offset: where the beam really points minus where the
 * mount says it points (degrees on the sky; az × cos el). A drift peaks when
 * the sun's offset from the nominal pointing equals it; a stepped scan peaks
 * when the commanded offset is its negative.
 */
import { beamDiskResponse, deconvolvedFwhm, fitBeamDisk, sunDiameterDeg } from './beam.ts';
import { FitError } from './lsq.ts';

/** Boltzmann's constant (J/K). */
const boltzmann = 1.380649e-23;
/** One solar flux unit (W m⁻² Hz⁻¹). */
const sfu = 1e-22;

export type CutAxis = 'az' | 'el' | 'drift';

/** One cut through the sun, as the analysis needs it. */
export interface CutData {
  axis: CutAxis;
  /** Each point's position along the cut in the scan's own coordinate (degrees): the commanded offset of a stepped scan (azimuth degrees for 'az'), the sun's offset along its track for a drift. */
  coord: readonly number[];
  /** The same positions on the sky (degrees): coord × cos el for an SRT azimuth offset. */
  sky: readonly number[];
  /** Total power of each point (K, or relative units). */
  power: readonly number[];
  /** How far along the cut one reading swept (degrees on the sky; a drift's integration), when it is not a point: the fit averages the model over it. */
  span?: number;
  /** Spectra averaged in each point, when known (a gap in the samples ends an integration early: fewer spectra, more noise). */
  spectra?: readonly number[];
  /** The offset across the cut at which it was taken (degrees on the sky, the other axis' commanded offset), when the scan says; null for a drift. */
  across: number | null;
  /** Elevation of the pointing during the cut (degrees, mean), for the az/el split. */
  el: number;
  /** A drift: the azimuth (on the sky) per degree along the sun's track near the pointing (1 at transit, where the track runs in azimuth). */
  alongToAz?: number;
  /**
   * A drift: the unit direction of the sun's motion near the pointing on the
   * sky (az × cos el, el), signed. The peak lies at b·track along the cut for
   * a pointing offset b = (az, el); `across` is then the track's signed
   * distance from the nominal pointing along (−track.el, track.az).
   */
  track?: { az: number; el: number };
}

export interface CutResult {
  axis: CutAxis;
  /** Points used (after outlier rejection), rejected as outliers, and left out as farther than two half-power widths from the peak. */
  points: number;
  rejected: number;
  outside: number;
  /** Width of the measured profile (beam ⊗ disk) on the sky (degrees), before deconvolution. */
  fwhm_deg: number | null;
  fwhm_deg_sigma: number | null;
  /** The beam's FWHM deconvolved from the disk (degrees on the sky). */
  beam_deg: number | null;
  beam_deg_sigma: number | null;
  /** Peak position in the scan's own offset coordinate as recorded (degrees). */
  centre_deg: number | null;
  centre_deg_sigma: number | null;
  /** Peak position on the sky (degrees). */
  centre_sky_deg: number | null;
  /** Height of the peak above the baseline and the baseline under it (K; null when the data are not in kelvin). */
  peak_k: number | null;
  peak_k_sigma: number | null;
  baseline_k: number | null;
  baseline_k_sigma: number | null;
  /** The same in the data's unit (K or relative). */
  peak: number | null;
  peak_sigma: number | null;
  baseline: number | null;
  baseline_sigma: number | null;
  /** Reduced χ² and runs-test z of the fit (noise estimated from the residuals: χ²/dof = 1). */
  runs_z: number | null;
  /** Why this cut gave no numbers (the fit's problems), else null. */
  error: string | null;
}

export interface DriftOptions {
  /** 'K' when the power is calibrated in kelvin, else 'relative'. */
  unit: 'K' | 'relative';
  /** Dish diameter (m) and aperture efficiency, for the flux (both needed). */
  diameter?: number;
  efficiency?: number;
  /** The day's solar flux density the user entered (sfu), for the comparison. */
  expectedFlux?: number;
  /** Observing frequency (Hz), for the brightness temperature. */
  frequency?: number;
  /** The sun's diameter (degrees; default 0.533°). */
  disk?: number;
}

export interface DriftResult {
  /** 'K' or 'relative': the unit of every power below; kelvin fields are null for 'relative'. */
  unit: 'K' | 'relative';
  hpbw_deg: number | null;
  hpbw_deg_sigma: number | null;
  pointing_offset_deg: { az: number | null; el: number | null };
  pointing_offset_deg_sigma: { az: number | null; el: number | null };
  tsys_k: number | null;
  tsys_k_sigma: number | null;
  sun_antenna_temp_k: number | null;
  sun_antenna_temp_k_sigma: number | null;
  sun_flux_sfu: number | null;
  sun_flux_sfu_sigma: number | null;
  expected_flux_sfu: number | null;
  /** The disk's brightness temperature T_b = S·c²/(2k·ν²·Ω_sun) (K), when the flux is measured. */
  sun_brightness_temp_k: number | null;
  cuts: CutResult[];
  /** What the data cannot decide, one sentence each (empty when every number above is measured). */
  verdict: string[];
}

/** Fewest points in a cut's fit window for outliers to be rejected (5σ, gaussian.ts); fewer, every point is kept. */
export const minPointsForRejection = 30;

/** The ratio of a cut's highest to lowest power above which its fit weights each point by its radiometer noise (∝ power). */
export const weightedRange = 10;

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * The points a cut's fit uses (indices into sky, sorted ascending): those
 * within two half-power widths of the peak. The peak is the highest point in
 * the middle half of the scan (a scan is laid out around where the sun is
 * expected; ground and interference at a scan's far end, such as an SRT's
 * elevation scan dipping to 6° elevation, can be brighter than the sun), its
 * half-power width read from the crossings of half the height above the
 * lower quartile. Beyond two widths the sun gives < 10⁻⁴ of its peak, and the
 * sky there (ground spill at low elevation) is not the linear baseline under
 * the sun. When no width can be read, every point is used.
 */
export function fitWindow(sky: readonly number[], power: readonly number[]): number[] {
  const n = sky.length;
  const all = sky.map((_, i) => i);
  if (n < 8) return all;
  const lo = sky[0]!, hi = sky[n - 1]!, mid = (lo + hi) / 2, quarter = (hi - lo) / 4;
  let k = -1;
  for (let i = 0; i < n; i++) if (Math.abs(sky[i]! - mid) <= quarter && (k < 0 || power[i]! > power[k]!)) k = i;
  if (k < 0) return all;
  const sorted = [...power].sort((a, b) => a - b);
  const base = sorted[Math.floor((n - 1) / 4)]!;
  const half = (power[k]! + base) / 2;
  const cross = (dir: number): number | null => {
    for (let i = k + dir; i >= 0 && i < n; i += dir) {
      if (power[i]! < half) {
        const a = power[i - dir]!, b = power[i]!;
        return sky[i - dir]! + ((a - half) / (a - b)) * (sky[i]! - sky[i - dir]!);
      }
    }
    return null;
  };
  const left = cross(-1), right = cross(1);
  const width = left !== null && right !== null ? right - left : left !== null ? 2 * (sky[k]! - left) : right !== null ? 2 * (right - sky[k]!) : null;
  if (width === null || !(width > 0)) return all;
  return all.filter((i) => Math.abs(sky[i]! - sky[k]!) <= 2 * width);
}

/** Fits one cut; a cut the data cannot support comes back with `error` and null numbers. */
export function fitCut(cut: CutData, options: DriftOptions): CutResult & { fit?: ReturnType<typeof fitBeamDisk> } {
  const disk = options.disk ?? sunDiameterDeg;
  const kelvin = options.unit === 'K';
  const empty: CutResult = {
    axis: cut.axis, points: cut.power.length, rejected: 0, outside: 0, fwhm_deg: null, fwhm_deg_sigma: null, beam_deg: null, beam_deg_sigma: null,
    centre_deg: null, centre_deg_sigma: null, centre_sky_deg: null, peak_k: null, peak_k_sigma: null, baseline_k: null, baseline_k_sigma: null,
    peak: null, peak_sigma: null, baseline: null, baseline_sigma: null, runs_z: null, error: null,
  };
  if (cut.power.length < 6) return { ...empty, error: `a cut needs at least 6 points to fit baseline, peak, centre and width (got ${cut.power.length})` };
  try {
    // Sort by position: the fit's guesses read neighbours.
    const order = cut.sky.map((_, i) => i).sort((a, b) => cut.sky[a]! - cut.sky[b]!);
    const keep = fitWindow(order.map((i) => cut.sky[i]!), order.map((i) => cut.power[i]!));
    const sky = keep.map((k) => cut.sky[order[k]!]!), power = keep.map((k) => cut.power[order[k]!]!), coord = keep.map((k) => cut.coord[order[k]!]!);
    // Each point's noise is the radiometer's, T/√(Bτ): proportional to its power and to 1/√(spectra averaged). Where the
    // power spans more than a factor `weightedRange` (a big dish: the sun 10³ × T_sys) the fit is weighted so, else the
    // peak's noise decides the baseline under it (a 25 m dish's T_sys came out 49 ± 13 K for 53.7 K); below it an
    // unweighted fit loses little, and is what a manual fit of a small dish's scan does.
    const spectra = cut.spectra ? keep.map((k) => cut.spectra![order[k]!]!) : null;
    const low = Math.min(...power), high = Math.max(...power);
    const relativeSigma = low > 0 && high / low > weightedRange && (!spectra || spectra.every((n) => n > 0)) ? power.map((p, i) => p / Math.sqrt(spectra ? spectra[i]! : 1)) : undefined;
    const dropped = cut.power.length - keep.length;
    if (sky.length < 6) return { ...empty, error: `only ${sky.length} points lie within two half-power widths of the peak: the scan's steps are too coarse for the beam` };
    // Outliers (RFI spikes, dropped integrations) are rejected only in well-sampled cuts: in a stepped scan of a dozen points the
    // local scatter of 15 neighbours spans the whole peak, and the rejection removed the SRT elevation scan's two highest points.
    const fit = fitBeamDisk(sky, power, { baseline: 'linear', disk, span: cut.span, relativeSigma, rejectSigma: sky.length >= minPointsForRejection ? 5 : Infinity });
    if (!(fit.peak.value > 0)) return { ...empty, error: `the fitted peak is not above the baseline (${fit.peak.value.toPrecision(3)}): no sun in this cut` };
    // The scan's coordinate is linear in the sky's along a cut (coord = sky / scale): its scale from the points.
    const scale = mean(sky.map((s, i) => (coord[i] !== 0 ? s / coord[i]! : NaN)).filter(Number.isFinite)) || 1;
    const base = fit.offset.value + fit.slope.value * (fit.centre.value - fit.pivot);
    const baseSigma = Math.hypot(fit.offset.sigma, fit.slope.sigma * (fit.centre.value - fit.pivot));
    return {
      ...empty,
      points: fit.points, rejected: fit.rejected.length, outside: dropped,
      fwhm_deg: fit.fwhm.value, fwhm_deg_sigma: fit.fwhm.sigma, beam_deg: Math.abs(fit.beam.value), beam_deg_sigma: fit.beam.sigma,
      centre_deg: fit.centre.value / scale, centre_deg_sigma: fit.centre.sigma / Math.abs(scale), centre_sky_deg: fit.centre.value,
      peak: fit.peak.value, peak_sigma: fit.peak.sigma, baseline: base, baseline_sigma: baseSigma,
      peak_k: kelvin ? fit.peak.value : null, peak_k_sigma: kelvin ? fit.peak.sigma : null,
      baseline_k: kelvin ? base : null, baseline_k_sigma: kelvin ? baseSigma : null,
      runs_z: fit.runsZ,
      fit,
    };
  } catch (err) {
    if (err instanceof FitError) return { ...empty, error: [err.message, ...err.problems].filter((s, i, a) => a.indexOf(s) === i).join('; ') };
    throw err;
  }
}

/** Inverse-variance weighted mean of measured values (null for none). */
function combine(values: { value: number; sigma: number }[]): { value: number; sigma: number; birge?: number } | null {
  const ok = values.filter((v) => Number.isFinite(v.value) && v.sigma > 0);
  if (ok.length === 0) return null;
  let w = 0, s = 0;
  for (const v of ok) {
    w += 1 / v.sigma ** 2;
    s += v.value / v.sigma ** 2;
  }
  const value = s / w;
  // Values that disagree beyond their σ (χ²/dof > 1, the Birge ratio²) widen the σ of their mean.
  const chi2 = ok.reduce((a, v) => a + ((v.value - value) / v.sigma) ** 2, 0);
  const birge = ok.length > 1 ? Math.max(1, Math.sqrt(chi2 / (ok.length - 1))) : 1;
  return { value, sigma: Math.sqrt(1 / w) * birge, birge };
}

/** Analyses the cuts of one drift or cross-scan into the measurement. */
export function analyseDrift(cuts: readonly CutData[], options: DriftOptions): DriftResult {
  const disk = options.disk ?? sunDiameterDeg;
  const kelvin = options.unit === 'K';
  const verdict: string[] = [];
  const fitted = cuts.map((c) => fitCut(c, options));
  for (const f of fitted) if (f.error) verdict.push(`the ${f.axis} cut could not be fitted: ${f.error}`);
  const good = fitted.filter((f) => f.fit);
  if (cuts.length === 0) verdict.push('the observation holds no cut through the sun (no drift, no stepped az or el scan)');

  // The beam: each cut's fitted beam FWHM (the fit deconvolves by fitting the convolution directly).
  const beam = combine(good.map((f) => ({ value: f.beam_deg!, sigma: f.beam_deg_sigma! })));
  // Beams that differ beyond their σ (Birge ratio > 2) and by more than 2 % (below that, what a circular beam's cuts give on a loaded sky).
  const spread = good.length > 1 ? (Math.max(...good.map((f) => f.beam_deg!)) - Math.min(...good.map((f) => f.beam_deg!))) / (beam?.value ?? 1) : 0;
  if (beam && beam.birge !== undefined && beam.birge > 2 && spread > 0.02) {
    verdict.push(`the cuts give different beams (${good.map((f) => `${f.axis} ${f.beam_deg!.toFixed(2)} ± ${f.beam_deg_sigma!.toFixed(2)}°`).join(', ')}): the beam is not circular, or the scan drifted; hpbw_deg is their mean with the σ widened by their scatter`);
  }
  if (beam) {
    // A cross-check: the deconvolution of the measured width gives the same beam.
    try {
      deconvolvedFwhm(combine(good.map((f) => ({ value: f.fwhm_deg!, sigma: f.fwhm_deg_sigma! })))!.value, disk);
    } catch (err) {
      if (err instanceof FitError) verdict.push(err.message);
    }
  }

  // Pointing: stepped cuts give minus the commanded offset at their peak. A drift's peak lies at b·u along its track (u the
  // track's direction, b the offset): the az offset is (centre − b_el·u_el)/u_az, with b_el from the elevation cuts (else 0).
  const el = good.filter((f) => f.axis === 'el');
  const elOff = combine(el.map((f) => ({ value: -f.centre_sky_deg!, sigma: f.fit!.centre.sigma })));
  const trackOf = (f: CutResult) => {
    const c = cuts[fitted.indexOf(f as (typeof fitted)[number])]!;
    return c.track ?? { az: c.alongToAz ?? 1, el: 0 };
  };
  const steep = good.filter((f) => f.axis === 'drift' && Math.abs(trackOf(f).az) < 0.2);
  for (const f of steep) verdict.push(`the drift's track ran almost in elevation (${(Math.abs(trackOf(f).az) * 100).toFixed(0)} % in azimuth): it measures the elevation offset, not the azimuth one`);
  const az = good.filter((f) => f.axis === 'az' || (f.axis === 'drift' && !steep.includes(f)));
  const azOff = combine(
    az.map((f) => {
      if (f.axis !== 'drift') return { value: -f.centre_sky_deg!, sigma: f.fit!.centre.sigma };
      const u = trackOf(f), bEl = elOff?.value ?? 0, sEl = elOff?.sigma ?? 0;
      return { value: (f.centre_sky_deg! - bEl * u.el) / u.az, sigma: Math.hypot(f.fit!.centre.sigma, sEl * u.el) / Math.abs(u.az) };
    }),
  );
  if (!azOff && cuts.length) verdict.push('no cut in azimuth or drift was fitted: the azimuth pointing offset is not measured');
  if (!elOff && cuts.length) verdict.push('no elevation cut: a single drift cannot measure the elevation pointing offset (add a drift offset in elevation or an elevation cross-scan)');

  // The sun's antenna temperature at the beam's centre: each cut's peak, corrected for how far across the beam's centre the cut passed when the other axis says.
  const peaks = good.map((f) => {
    let factor = 1;
    const cut = cuts[fitted.indexOf(f)]!;
    const other = f.axis === 'az' ? elOff : f.axis === 'el' ? azOff : null;
    if (f.axis === 'drift' && cut.track && cut.across !== null && elOff && azOff && beam) {
      // The track passed at `across` from the nominal pointing, the beam's centre at b·n across it.
      const miss = -azOff.value * cut.track.el + elOff.value * cut.track.az - cut.across;
      factor = beamDiskResponse(0, beam.value, disk) / beamDiskResponse(miss, beam.value, disk);
    } else if (other && cut.across !== null && beam) {
      // The cut was taken at commanded offset `across`; the beam's centre is at −(pointing offset).
      const miss = cut.across + other.value;
      factor = beamDiskResponse(0, beam.value, disk) / beamDiskResponse(miss, beam.value, disk);
    }
    return { value: f.peak! * factor, sigma: f.peak_sigma! * factor };
  });
  const peak = combine(peaks);
  if (good.some((f) => f.axis === 'drift') && !elOff) verdict.push('the drift may have passed beside the beam\'s centre in elevation: the sun\'s antenna temperature and flux are lower limits');
  const tsys = combine(good.map((f) => ({ value: f.baseline!, sigma: f.baseline_sigma! })));

  let flux: { value: number; sigma: number } | null = null;
  let tb: number | null = null;
  if (!kelvin) verdict.push("the data are not calibrated in kelvin (relative units): T_sys, the sun's antenna temperature and flux need a calibration");
  else if (peak && beam && options.diameter !== undefined && options.efficiency !== undefined) {
    // T_A of the whole sun as a point source on the axis: the peak over the disk's dilution of the beam's peak response.
    const dilution = beamDiskResponse(0, beam.value, disk);
    const area = options.efficiency * Math.PI * options.diameter ** 2 / 4;
    const s = (2 * boltzmann * (peak.value / dilution)) / area / sfu;
    flux = { value: s, sigma: (s * peak.sigma) / peak.value };
    if (options.frequency) {
      const omega = Math.PI * ((disk / 2) * (Math.PI / 180)) ** 2;
      tb = (s * sfu * 299_792_458 ** 2) / (2 * boltzmann * options.frequency ** 2 * omega);
    }
  } else if (kelvin) verdict.push('the flux needs the dish diameter (config or --diameter) and its aperture efficiency (--efficiency)');

  return {
    unit: options.unit,
    hpbw_deg: beam?.value ?? null, hpbw_deg_sigma: beam?.sigma ?? null,
    pointing_offset_deg: { az: azOff?.value ?? null, el: elOff?.value ?? null },
    pointing_offset_deg_sigma: { az: azOff?.sigma ?? null, el: elOff?.sigma ?? null },
    tsys_k: kelvin ? (tsys?.value ?? null) : null, tsys_k_sigma: kelvin ? (tsys?.sigma ?? null) : null,
    sun_antenna_temp_k: kelvin ? (peak?.value ?? null) : null, sun_antenna_temp_k_sigma: kelvin ? (peak?.sigma ?? null) : null,
    sun_flux_sfu: flux?.value ?? null, sun_flux_sfu_sigma: flux?.sigma ?? null,
    expected_flux_sfu: options.expectedFlux ?? null,
    sun_brightness_temp_k: tb,
    cuts: fitted.map(({ fit: _fit, ...c }) => c),
    verdict,
  };
}
