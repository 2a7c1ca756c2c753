/**
 * A stored fringe observation read for fringe fitting: an imported strip
 * chart (one real-valued baseline) or a recorded group (every baseline's
 * band-summed complex visibility, normalised by its autos), with the phase
 * centre's hour angle and declination at every sample from the ephemeris,
 * then `fringe baseline` and `fringe size`'s analyses.
 */
import type { Store } from '../../observations/store/store.ts';
import { cleanStripChart, fitBaseline, fitDisk, runningStats, type BaselineSolution, type FringeSeries, type SizeSolution } from '../analysis/fringefit.ts';
import { phaseCentreDirection, type PhaseCentre } from '../astro/geometry.ts';
import type { Site } from '../astro/site.ts';
import { speedOfLight } from '../astro/velocity.ts';

export class FringeDataError extends Error {
  override name = 'FringeDataError';
}

export interface FringeBaseline {
  a: number;
  b: number;
  /** Band-summed V_ab per sample (normalised by √(V_aa·V_bb) for a group; the strip chart's value otherwise). */
  re: Float64Array;
  im: Float64Array | null;
}

export interface FringeData {
  kind: 'strip-chart' | 'group';
  site: Site;
  lambda: number;
  /** Sample times (Unix s), hour angle and declination of date of the phase centre (radians). */
  times: Float64Array;
  h: Float64Array;
  dec: Float64Array;
  baselines: FringeBaseline[];
  centre: PhaseCentre;
}

/** The phase centre: the command line's, else the observation's (a strip chart's target, a group's pointing). */
function centreOf(config: Record<string, unknown>, target: string, given: PhaseCentre | null): PhaseCentre {
  if (given) return given;
  const pc = config.phaseCentre as { name?: string; ra?: number; dec?: number } | undefined;
  if (pc && typeof pc.ra === 'number' && typeof pc.dec === 'number') return { kind: 'radec', ra: pc.ra, dec: pc.dec };
  const name = pc?.name ?? target;
  if (/^\s*sun\s*$/i.test(name) || /\bsun\b/i.test(name)) return { kind: 'sun' };
  if (name) return { kind: 'source', name };
  throw new FringeDataError('the observation does not say what was tracked: give --target sun or --ra H --dec D');
}

/** Reads observation `id` as fringes toward `centre` (or the one it records). */
export function loadFringes(store: Store, id: number, centre: PhaseCentre | null): FringeData {
  const obs = store.getObservation(id);
  const config = obs.config as Record<string, unknown> & typeof obs.config;
  const site = config.site;
  if (!site) throw new FringeDataError(`observation ${id} records no site: the source's hour angle cannot be computed`);
  const fx = config.fx;
  const N = fx.inputs, C = fx.channels;
  if (N < 2 || fx.mode !== 'full') throw new FringeDataError(`observation ${id} has no cross products (${N} input${N === 1 ? '' : 's'}, mode ${fx.mode}): record a group, or import a strip chart`);
  const stripChart = (config.imported as { format?: string } | undefined)?.format === 'strip-chart-csv';
  const list = [...store.integrations(id)];
  if (list.length < 10) throw new FringeDataError(`observation ${id} holds ${list.length} integrations; a fringe fit needs hours of them`);
  const pairs: [number, number][] = [];
  for (let a = 0; a < N; a++) for (let b = a; b < N; b++) pairs.push([a, b]);
  const index = (a: number, b: number) => pairs.findIndex(([x, y]) => x === a && y === b);
  const baselines: FringeBaseline[] = [];
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      const p = index(a, b), pa = index(a, a), pb = index(b, b);
      const re = new Float64Array(list.length), im = stripChart ? null : new Float64Array(list.length);
      list.forEach((it, i) => {
        const v = it.visibilities;
        let sr = 0, si = 0, sa = 0, sb = 0;
        for (let j = 0; j < C; j++) {
          // The DC channel of a dongle holds its LO leakage, not sky.
          if (!stripChart && C > 2 && j === C / 2) continue;
          sr += v[2 * (p * C + j)]!;
          si += v[2 * (p * C + j) + 1]!;
          sa += v[2 * (pa * C + j)]!;
          sb += v[2 * (pb * C + j)]!;
        }
        const norm = stripChart ? 1 : Math.sqrt(sa * sb) || 1;
        re[i] = sr / norm;
        if (im) im[i] = si / norm;
      });
      baselines.push({ a, b, re, im });
    }
  }
  // A strip chart's sample is an instant; an integration is centred on its middle.
  const times = Float64Array.from(list, (it) => (stripChart ? it.time : it.time + it.duration / 2));
  const c = centreOf(config, obs.target, centre);
  const h = new Float64Array(times.length), dec = new Float64Array(times.length);
  const astroSite: Site = { name: site.name, lat: site.lat, lon: site.lon, altitude: site.altitude ?? 0 };
  times.forEach((t, i) => {
    const d = phaseCentreDirection(c, astroSite, new Date(t * 1000));
    h[i] = d.h;
    dec[i] = d.dec;
  });
  return { kind: stripChart ? 'strip-chart' : 'group', site: astroSite, lambda: speedOfLight / config.tuning.centerFrequency, times, h, dec, baselines, centre: c };
}

/** The fringe series of one baseline: a strip chart cleaned over `windowSeconds` (offset removed, amplitude normalised). */
export function seriesOf(data: FringeData, bl: FringeBaseline, windowSeconds: number, normalise = true): FringeSeries {
  if (!bl.im) {
    const step = (data.times.at(-1)! - data.times[0]!) / Math.max(1, data.times.length - 1);
    const window = Math.max(3, Math.round(windowSeconds / step) | 1);
    if (normalise) return { h: data.h, dec: data.dec, re: cleanStripChart(bl.re, window).fringe, lambda: data.lambda };
    const mean = runningStats(bl.re, window).mean;
    return { h: data.h, dec: data.dec, re: bl.re.map((v, i) => v - mean[i]!), lambda: data.lambda };
  }
  return { h: data.h, dec: data.dec, re: bl.re, im: bl.im, lambda: data.lambda };
}

export interface BaselineReport {
  baselines: { a: number; b: number; east_m: number; north_m: number; up_m: number; length_m: number; length_err_m: number; east_err_m: number; north_err_m: number; phase_deg: number; phase_err_deg: number; residual_rms: number; reduced_chi2: number }[];
  closure_phases_deg: { triangle: [number, number, number]; deg: number }[];
  note: string;
}

/** Samples per chunk of the first-guess fringe rate: a strip chart has a sample a second; a group an integration every few seconds to minutes, so a sixth of the track. */
function chunkOf(data: FringeData): number {
  return data.kind === 'strip-chart' ? 600 : Math.max(8, Math.floor(data.times.length / 6));
}

/** Every baseline's fit and every triangle's closure phase. */
export function baselineReport(data: FringeData, windowSeconds: number): BaselineReport {
  const chunk = chunkOf(data);
  const fits: { a: number; b: number; fit: BaselineSolution }[] = data.baselines.map((bl) => ({ a: bl.a, b: bl.b, fit: fitBaseline(seriesOf(data, bl, windowSeconds), { lat: data.site.lat, chunk }) }));
  const closure: BaselineReport['closure_phases_deg'] = [];
  const find = (a: number, b: number) => data.baselines.find((x) => x.a === a && x.b === b)!;
  const inputs = Math.max(...data.baselines.map((x) => x.b)) + 1;
  for (let a = 0; a < inputs; a++) {
    for (let b = a + 1; b < inputs; b++) {
      for (let c = b + 1; c < inputs; c++) {
        const ab = find(a, b), bc = find(b, c), ac = find(a, c);
        if (!ab.im || !bc.im || !ac.im) continue;
        // arg Σ_t V_ab·V_bc·conj(V_ac): per-antenna phases cancel in every product.
        let sr = 0, si = 0;
        for (let i = 0; i < ab.re.length; i++) {
          const xr = ab.re[i]! * bc.re[i]! - ab.im[i]! * bc.im[i]!, xi = ab.re[i]! * bc.im[i]! + ab.im[i]! * bc.re[i]!;
          sr += xr * ac.re[i]! + xi * ac.im[i]!;
          si += xi * ac.re[i]! - xr * ac.im[i]!;
        }
        closure.push({ triangle: [a, b, c], deg: (Math.atan2(si, sr) * 180) / Math.PI });
      }
    }
  }
  return {
    baselines: fits.map(({ a, b, fit }) => ({
      a, b,
      east_m: fit.east.value, north_m: fit.north.value, up_m: fit.up.value,
      length_m: fit.length.value, length_err_m: fit.length.sigma, east_err_m: fit.east.sigma, north_err_m: fit.north.sigma,
      phase_deg: fit.phaseDeg.value, phase_err_deg: fit.phaseDeg.sigma,
      residual_rms: fit.residualRms, reduced_chi2: fit.reducedChi2,
    })),
    closure_phases_deg: closure,
    note: `${fits[0]?.fit.uncertainty ?? ''}${data.kind === 'strip-chart' ? '; a real-valued fringe cannot tell b − a from a − b: east ≥ 0 is given' : ''}`,
  };
}

/** The source's size on each baseline (the first given `baseline`: an east–west length, else fitted). */
export function sizeReport(data: FringeData, windowSeconds: number, baselineM?: number): SizeSolution & { a: number; b: number; baseline: { east: number; north: number } } {
  const bl = data.baselines[0]!;
  const baseline = baselineM !== undefined ? { east: baselineM, north: 0 } : (() => {
    const f = fitBaseline(seriesOf(data, bl, windowSeconds), { lat: data.site.lat, chunk: chunkOf(data) });
    return { east: f.east.value, north: f.north.value };
  })();
  const step = (data.times.at(-1)! - data.times[0]!) / Math.max(1, data.times.length - 1);
  return { a: bl.a, b: bl.b, baseline, ...fitDisk(seriesOf(data, bl, windowSeconds, false), baseline, data.site.lat, Math.max(10, Math.round(windowSeconds / step))) };
}
