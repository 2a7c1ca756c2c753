/**
 * A finished job's science result, kept with the job (the UI's job entry,
 * schedule.list, `fringe schedule list --json`) so that the morning after
 * the night's jobs says what they measured:
 *
 * - a drift scan: the drift analysis of its observation (src/analysis/drift.ts,
 *   what `fringe drift ID` prints): beam, pointing offset, T_sys and the sun's
 *   flux with their uncertainties, and what the data cannot decide;
 * - the last point of a Galactic-plane HI survey: the survey's rotation curve
 *   over every point's observation (src/engine/hi.ts surveyObservations, what
 *   `fringe hi --survey` and the Hydrogen page's survey give), with the
 *   longitudes it could not use and why.
 *
 * Other jobs keep their mode's report. An analysis that fails says why in
 * the result's summary; the job is still done (its observation is there).
 */
import type { Store } from '../../../observations/store/store.ts';
import { analyseDrift } from '../../analysis/drift.ts';
import type { ScheduleJobView } from '../../api/types.ts';
import { loadDrift } from '../drift.ts';
import { surveyObservations } from '../hi.ts';
import type { JobOutcome } from './scheduler.ts';

type Report = NonNullable<JobOutcome['report']>;

const pm = (v: number | null, s: number | null, unit: string, digits: number) => (v === null ? 'not measured' : `${v.toFixed(digits)}${s !== null ? ` ± ${s.toFixed(digits)}` : ''}${unit}`);
const final = (j: ScheduleJobView) => j.state === 'done' || j.state === 'failed' || j.state === 'interrupted';

/** The drift analysis of a drift job's (last) observation. */
export function driftJobResult(store: Store, job: ScheduleJobView): Report {
  const id = job.observation.at(-1);
  if (id === undefined) throw new Error('the drift scan made no observation');
  const data = loadDrift(store, id);
  const r = analyseDrift(data.cuts, { unit: data.unit, diameter: data.diameter ?? undefined, frequency: data.frequency, disk: data.disk ?? undefined });
  const values: Record<string, number | number[]> = { observation: id };
  const put = (k: string, v: number | null) => {
    if (v !== null && Number.isFinite(v)) values[k] = v;
  };
  put('hpbw_deg', r.hpbw_deg);
  put('hpbw_deg_sigma', r.hpbw_deg_sigma);
  put('pointing_az_deg', r.pointing_offset_deg.az);
  put('pointing_az_deg_sigma', r.pointing_offset_deg_sigma.az);
  put('pointing_el_deg', r.pointing_offset_deg.el);
  put('pointing_el_deg_sigma', r.pointing_offset_deg_sigma.el);
  put('tsys_k', r.tsys_k);
  put('tsys_k_sigma', r.tsys_k_sigma);
  put('sun_flux_sfu', r.sun_flux_sfu);
  put('sun_flux_sfu_sigma', r.sun_flux_sfu_sigma);
  const parts = [
    `drift scan ${id}: beam (HPBW) ${pm(r.hpbw_deg, r.hpbw_deg_sigma, '°', 2)}`,
    `pointing offset az ${pm(r.pointing_offset_deg.az, r.pointing_offset_deg_sigma.az, '°', 2)}, el ${pm(r.pointing_offset_deg.el, r.pointing_offset_deg_sigma.el, '°', 2)}`,
    ...(r.unit === 'K' ? [`T_sys ${pm(r.tsys_k, r.tsys_k_sigma, ' K', 1)}`, `sun ${pm(r.sun_flux_sfu, r.sun_flux_sfu_sigma, ' sfu', 0)}`] : ['power relative (no calibration to kelvin: no T_sys or flux)']),
  ];
  return { summary: `${parts.join('; ')}${r.verdict.length ? `. Not decided: ${r.verdict.join('; ')}.` : ''}`, values };
}

/**
 * The rotation curve of a survey whose points are all over, on its last
 * point; null while other points are still to run (or for a job that is not
 * a survey's point).
 */
export function surveyJobResult(store: Store, job: ScheduleJobView, series: readonly ScheduleJobView[]): Report | null {
  const s = job.spec.survey;
  if (!s) return null;
  const others = series.filter((j) => j.id !== job.id);
  if (others.some((j) => !final(j)) || others.some((j) => Date.parse(j.plannedStart) > Date.parse(job.plannedStart))) return null;
  // Each point's last observation (a resumed point: the one that ran to its window's end).
  const points = [...others, job].filter((j) => j.observation.length > 0 && j.state !== 'failed').sort((a, b) => Date.parse(a.plannedStart) - Date.parse(b.plannedStart));
  const ids = points.map((j) => j.observation.at(-1)!);
  const missing = series.length - points.length;
  const what = `HI survey of l = ${s.from}…${s.to}° by ${s.step}° at b = ${s.b}° (jobs ${series[0]!.id}–${job.id})`;
  if (ids.length === 0) return { summary: `${what}: no point was observed`, values: { points: 0 } };
  const sv = surveyObservations(store, ids);
  const p = sv.points;
  const values: Record<string, number | number[]> = {
    observations: ids,
    l_deg: p.map((x) => x.l_deg),
    r_kpc: p.map((x) => x.r_kpc),
    v_kms: p.map((x) => x.v_kms),
    v_sigma_kms: p.map((x) => x.v_sigma_kms),
    v_corrected_kms: p.map((x) => x.v_corrected_kms),
    skipped_l_deg: sv.skipped.map((x) => x.l_deg),
  };
  if (sv.mean_v_kms !== null) values.mean_v_kms = sv.mean_v_kms;
  if (sv.scatter_v_kms !== null) values.scatter_v_kms = sv.scatter_v_kms;
  const curve = p.length
    ? `rotation curve from ${p.length} tangent point${p.length > 1 ? 's' : ''}: ${p.map((x) => `R ${x.r_kpc.toFixed(2)} kpc V ${x.v_kms.toFixed(0)} ± ${x.v_sigma_kms.toFixed(0)} km/s`).join(', ')}`
    : 'no tangent point could be measured';
  const mean = sv.mean_v_kms !== null ? `; mean V ${sv.mean_v_kms.toFixed(0)}${sv.scatter_v_kms !== null ? ` ± ${sv.scatter_v_kms.toFixed(0)} (scatter)` : ''} km/s${sv.flat ? `, ${sv.flat.within_scatter ? 'flat at' : 'not flat at'} V₀ = ${sv.v0_kms} km/s within the scatter` : ''}` : '';
  const skipped = sv.skipped.length ? `; not used: ${sv.skipped.map((x) => `l = ${x.l_deg.toFixed(0)}° (${x.why})`).join('; ')}` : '';
  const lost = missing ? `; ${missing} point${missing > 1 ? 's' : ''} not observed (failed or missed)` : '';
  return { summary: `${what}: ${curve}${mean}${skipped}${lost}`, values };
}

/** The scheduler's analyse hook for a station's store. */
export function jobAnalysis(store: Store) {
  return async (job: ScheduleJobView, series: readonly ScheduleJobView[]): Promise<Report | null> => {
    if (job.spec.mode === 'drift') return driftJobResult(store, job);
    return surveyJobResult(store, job, series);
  };
}
