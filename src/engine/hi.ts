/**
 * Hydrogen-line products of stored observations: an observation's
 * integrations read into src/analysis/hi (with its LSR correction per
 * integration from the site, the pointing events and the time), its
 * references (hot, cold, terminated input) by role, and a survey of several
 * observations. What `fringe hi` and the UI's spectrum and survey views show.
 */
import { autoProduct, channelFrequencies } from '../../observations/export/common.ts';
import type { Store } from '../../observations/store/store.ts';
import type { Observation, ObservationPointing } from '../../observations/store/types.ts';
import { hiTuning } from '../analysis/hi/tuning.ts';
import { galacticWindow, reduceHi, HiError, type HiData, type HiOptions, type HiReferences, type HiSpectrum } from '../analysis/hi/reduce.ts';
import { buildSurvey, lvDiagramSvg, rotationCurveSvg, type Survey, type SurveyInput } from '../analysis/hi/survey.ts';
import { lsrCorrection } from '../astro/velocity.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SurveyProfile } from '../api/hi-types.ts';
import { loadHiMask } from './hi-mask.ts';
import type { RecordedKelvin } from './live-kelvin.ts';
import { switchedHiData, switchingOf, type SwitchedSummary } from './hi-switch.ts';

export { HiError } from '../analysis/hi/reduce.ts';

type Role = 'sky' | 'hot' | 'cold' | 'reference';

/** An observation's role for HI work: an import's config.imported.role, else its mode ('hot', 'cold', 'reference'), else sky. */
export function observationRole(obs: Observation): Role {
  const imported = obs.config.imported as { role?: string } | undefined;
  const r = imported?.role ?? obs.mode;
  return r === 'hot' || r === 'cold' || r === 'reference' ? r : 'sky';
}

/** The pointing in force at time t (Unix s): the last 'pointing' event at or before t, else config.pointing. */
function pointingAt(events: { time: number; data: ObservationPointing }[], start: ObservationPointing | undefined, t: number): ObservationPointing | undefined {
  let p = start;
  for (const e of events) if (e.time <= t + 1e-6 && Number.isFinite(e.data.ra)) p = e.data;
  return p;
}

/** An observation's integrations as HiData (input 0's auto power), with the LSR correction of each integration. */
export function loadHiData(store: Store, id: number): { obs: Observation; data: HiData; notes: string[]; durations: number[] } {
  const obs = store.getObservation(id);
  const { config } = obs;
  const notes: string[] = [];
  const C = config.fx.channels, N = config.fx.inputs;
  const p0 = autoProduct(0, N, config.fx.mode);
  const imported = config.imported as { unit?: string; frame?: string; timeUnknown?: boolean; format?: string } | undefined;
  const frame = imported?.frame === 'lsr' ? 'lsr' : 'topocentric';
  const events = store.events(id).filter((e) => e.kind === 'pointing').map((e) => ({ time: e.time, data: e.data as unknown as ObservationPointing }));
  const site = config.site;
  if (N > 1) notes.push(`input 0 of ${N} used`);
  if (frame === 'topocentric' && (!site || imported?.timeUnknown)) {
    throw new HiError(`observation ${id} has ${!site ? 'no site' : 'no time'}, so its topocentric velocities cannot be corrected to the LSR: import it with --site and --time.`);
  }
  const integrations: HiData['integrations'] = [];
  const durations: number[] = [];
  const native = !imported;
  for (const it of store.integrations(id)) {
    if (it.spectra <= 0) continue;
    const M = it.spectra;
    const power = new Float64Array(C);
    let sk: Float64Array | null = native && M >= 2 ? new Float64Array(C) : null;
    for (let j = 0; j < C; j++) {
      const s1 = it.visibilities[2 * (p0 * C + j)]!;
      power[j] = s1 / M;
      if (sk) {
        const s2 = it.power2[j]!;
        sk[j] = s1 > 0 ? ((M + 1) / (M - 1)) * ((M * s2) / (s1 * s1) - 1) : NaN;
      }
    }
    if (sk && !sk.some(Number.isFinite)) sk = null;
    let corr = 0;
    if (frame === 'topocentric') {
      const mid = it.time + it.duration / 2;
      const p = pointingAt(events, config.pointing, mid);
      if (!p || !Number.isFinite(p.ra) || !Number.isFinite(p.dec)) throw new HiError(`observation ${id} has no RA/Dec pointing: its velocities cannot be corrected to the LSR (import with --az/--el, --ra/--dec or --l/--b).`);
      corr = lsrCorrection({ name: site!.name, lat: site!.lat, lon: site!.lon, altitude: site!.altitude }, new Date(mid * 1000), p.ra, p.dec);
    }
    integrations.push({ time: it.time, power, lsrCorrection: corr, sk, spectra: M });
    durations.push(it.duration);
  }
  const data: HiData = { frequencies: channelFrequencies(config), integrations, kelvin: imported?.unit === 'K', frame };
  if (native) stationKelvin(store, id, data, durations, notes);
  return { obs, data, notes, durations };
}

/**
 * A recording made while the station's kelvin calibration applied (a drift's
 * noise diode, hot load or sun: src/engine/live-kelvin.ts) holds kelvin: its
 * 'calibration' events say from which integration and by which record. The
 * integrations before one applied (relative) are left out, said so.
 */
function stationKelvin(store: Store, id: number, data: HiData, durations: number[], notes: string[]): void {
  const marks = store.events(id).filter((e) => e.kind === 'calibration').map((e) => ({ time: e.time, kelvin: (e.data as { kelvin?: RecordedKelvin }).kelvin ?? null }));
  if (!marks.some((m) => m.kelvin)) return;
  const kelvinAt = (t: number) => {
    let k: RecordedKelvin | null = null;
    for (const m of marks) if (m.time <= t + 1e-6) k = m.kelvin;
    return k;
  };
  const per = data.integrations.map((it) => kelvinAt(it.time));
  const used = per.filter((k): k is RecordedKelvin => k !== null);
  if (!used.length) return;
  const records = [...new Set(used.map((k) => k.record))];
  if (used.length < per.length) {
    notes.push(`${per.length - used.length} of ${per.length} integrations were recorded before the kelvin calibration applied: left out`);
    for (let i = per.length - 1; i >= 0; i--) if (!per[i]) { data.integrations.splice(i, 1); durations.splice(i, 1); }
  }
  const k = used.at(-1)!;
  data.kelvin = true;
  data.kelvinHow = `the station's calibration${records.length > 1 ? `s ${records.map((r) => `#${r}`).join(', ')}` : ` #${k.record}`} (${k.method}, taken ${new Date(k.time * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC${k.tsys !== null ? `, T_sys ${k.tsys.toFixed(0)} K` : ''}) applied while recording`;
  const flagged = new Uint8Array(data.frequencies.length);
  for (const u of used) for (const j of u.flagged) if (j < flagged.length) flagged[j] = 1;
  if (flagged.some((x) => x)) data.flagged = flagged;
}

/** The mean spectrum (input 0) of a reference observation. */
function meanSpectrum(store: Store, id: number): Float64Array {
  const { data } = loadHiDataLoose(store, id);
  const C = data.frequencies.length;
  const m = new Float64Array(C);
  for (const it of data.integrations) for (let j = 0; j < C; j++) m[j]! += it.power[j]! / data.integrations.length;
  return m;
}

/** Like loadHiData without the LSR correction (references need none). */
function loadHiDataLoose(store: Store, id: number): { data: HiData } {
  const obs = store.getObservation(id);
  const C = obs.config.fx.channels, N = obs.config.fx.inputs;
  const p0 = autoProduct(0, N, obs.config.fx.mode);
  const integrations: HiData['integrations'] = [];
  for (const it of store.integrations(id)) {
    if (it.spectra <= 0) continue;
    integrations.push({ time: it.time, power: Float64Array.from({ length: C }, (_, j) => it.visibilities[2 * (p0 * C + j)]! / it.spectra), lsrCorrection: 0, sk: null, spectra: it.spectra });
  }
  if (!integrations.length) throw new HiError(`reference observation ${id} has no integrations.`);
  return { data: { frequencies: channelFrequencies(obs.config), integrations, kelvin: false, frame: 'topocentric' } };
}

export interface HiResult extends HiSpectrum {
  observation: number;
  l_deg: number | null;
  b_deg: number | null;
  ra_deg: number | null;
  dec_deg: number | null;
  references: { id: number; role: Role }[];
  /** The velocity ranges flagged (km/s, LSR): the user's saved mask (hi-mask.json in the data folder) and those given for this reduction. */
  mask: { saved: [number, number][]; given: [number, number][] };
  /** A switched observation's cycles and integrations used and dropped (`integrations` is then those used); null when not switched. */
  switching: SwitchedSummary | null;
}

/** Reduces observation `id` with the reference observations (their roles from the store). */
export function reduceObservation(store: Store, id: number, referenceIds: number[] = [], options: HiOptions & { tHot?: number; tCold?: number; tsys?: number } = {}): HiResult {
  const loaded = loadHiData(store, id);
  const { obs, notes } = loaded;
  let data = loaded.data;
  // A switched observation (position or frequency) is its own reference: one calibrated difference per cycle.
  const switching = switchingOf(obs);
  if (switching && referenceIds.length) throw new HiError(`observation ${id} is ${switching.kind}-switched: it carries its own reference, give no --reference.`);
  if (!switching && options.tsys !== undefined) throw new HiError(`observation ${id} is not switched: --tsys scales a switched observation; calibrate others with a hot load (--reference).`);
  let switched: SwitchedSummary | null = null;
  if (switching) {
    const s = switchedHiData(store, obs, data, loaded.durations, options.tsys);
    data = s.data;
    notes.push(...s.notes);
    switched = s.summary;
  }
  const refs: HiReferences = { ...(options.tHot !== undefined ? { tHot: options.tHot } : {}), ...(options.tCold !== undefined ? { tCold: options.tCold } : {}) };
  const used: { id: number; role: Role }[] = [];
  for (const r of referenceIds) {
    const ro = store.getObservation(r);
    const role = observationRole(ro);
    if (role === 'sky') throw new HiError(`observation ${r} is a sky spectrum, not a reference: import references with --role hot, cold or reference (a .hot file is a hot load).`);
    if (ro.config.fx.channels !== obs.config.fx.channels || Math.abs(ro.config.tuning.centerFrequency - obs.config.tuning.centerFrequency) > obs.config.tuning.sampleRate / obs.config.fx.channels / 2) {
      throw new HiError(`reference ${r} (${ro.config.fx.channels} channels about ${(ro.config.tuning.centerFrequency / 1e6).toFixed(4)} MHz) does not have the sky's channels (${obs.config.fx.channels} about ${(obs.config.tuning.centerFrequency / 1e6).toFixed(4)} MHz).`);
    }
    if (refs[role]) throw new HiError(`two ${role} references given (${used.find((u) => u.role === role)!.id} and ${r}): give one of each role.`);
    refs[role] = meanSpectrum(store, r);
    used.push({ id: r, role });
  }
  const p = obs.config.pointing;
  const window = p?.l !== undefined && p.b !== undefined ? galacticWindow(p.l, p.b) : undefined;
  const saved = loadHiMask(store.dir).map((r): [number, number] => [r.lo_kms, r.hi_kms]);
  const given = (options.mask ?? []).filter(([lo, hi]) => !saved.some(([a, b]) => a === lo && b === hi));
  const result = reduceHi(data, refs, { ...(window ? { emissionWindow: window } : {}), ...options, mask: [...saved, ...given] });
  // Where the band could not hold the emission with line-free channels on both sides: say where to tune instead.
  const t = window && !data.kelvin && !switching && (result.undecided || result.range_cut.low || result.range_cut.high)
    ? hiTuning(p!.l!, p!.b!, obs.config.tuning.sampleRate, result.lsr_correction_kms) : null;
  // (Not where it was tuned already, within 20 km/s: there the band is too narrow for the window; the notes say so.)
  if (t && Math.abs(t.centerFrequency - obs.config.tuning.centerFrequency) > 95_000) {
    const advice = `line-free channels on both sides of the emission at l ${p!.l!.toFixed(1)}°, b ${p!.b!.toFixed(1)}°: tune to ${(t.centerFrequency / 1e6).toFixed(4)} MHz (fringe observe --freq ${(t.centerFrequency / 1e6).toFixed(4)}M; ${t.why})`;
    result.notes.push(advice);
    if (result.undecided) result.undecided += `; for ${advice}`;
  }
  return {
    observation: id,
    l_deg: p?.l ?? null, b_deg: p?.b ?? null, ra_deg: p?.ra ?? null, dec_deg: p?.dec ?? null,
    references: used,
    mask: { saved, given },
    ...result,
    // A switched reduction stacks one difference per cycle: its integrations are those recorded and used, its cycles in `switching`.
    ...(switched ? { integrations: switched.integrations_used } : {}),
    switching: switched,
    notes: [...notes, ...result.notes],
  };
}

export interface SurveyResult extends Survey {
  observations: number[];
  /** The l–v diagram and rotation curve, as SVG text. */
  images: { lv_svg: string; rotation_svg: string };
}

/** Reduces each observation (each with the same references) and builds the l–v diagram and rotation curve. */
export function surveyObservations(store: Store, ids: number[], referenceIds: number[] = [], options: HiOptions = {}): SurveyResult {
  const inputs: SurveyInput[] = [];
  for (const id of ids) {
    const r = reduceObservation(store, id, referenceIds, options);
    if (r.l_deg === null || r.b_deg === null) throw new HiError(`observation ${id} has no galactic pointing (l, b): import it with --l/--b, --ra/--dec or --az/--el.`);
    inputs.push({ id, l: r.l_deg, b: r.b_deg, spectrum: r });
  }
  const survey = buildSurvey(inputs);
  return { ...survey, observations: ids, images: { lv_svg: lvDiagramSvg(inputs, survey), rotation_svg: rotationCurveSvg(survey) } };
}

/**
 * Where HI4PI profiles (`spectrum_lonLL.txt`: v_LSR km/s, T_B K; b = 0) are read from: FRINGE_HI4PI_DIR, else the
 * project's shared test data beside the checkout. Not bundled with Fringe (the HI4PI survey's terms travel with the data).
 */
export function hi4piDir(): string | null {
  const env = process.env.FRINGE_HI4PI_DIR;
  if (env) return existsSync(env) ? env : null;
  const shared = fileURLToPath(new URL('../../../shared/data/real/hi-hawaii-horn-airspy/HI4PI/', import.meta.url));
  return existsSync(shared) ? shared : null;
}

/** The HI4PI profile nearest (l, b) when one lies within 3° (b within 3° of 0); null otherwise. */
export function surveyProfile(l: number, b: number, dir = hi4piDir()): SurveyProfile | null {
  if (!dir || Math.abs(b) > 3) return null;
  const lw = ((l % 360) + 360) % 360;
  const near = Math.round(lw);
  for (let d = 0; d <= 3; d++) {
    for (const cand of [near - d, near + d]) {
      const ll = ((cand % 360) + 360) % 360;
      const f = join(dir, `spectrum_lon${ll}.txt`);
      if (!existsSync(f)) continue;
      const rows = readFileSync(f, 'utf8').trim().split(/\r?\n/).map((r) => r.trim().split(/\s+/).map(Number)).filter((r) => r.length >= 2 && r.every(Number.isFinite));
      return { survey: 'HI4PI (HI4PI Collaboration 2016, A&A 594, A116)', l: ll, b: 0, velocity: rows.map((r) => r[0]!), temperature: rows.map((r) => r[1]!) };
    }
  }
  return null;
}
