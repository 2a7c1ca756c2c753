/**
 * A stored drift scan or cross-scan as the cuts the drift analysis fits
 * (src/analysis/drift.ts): each integration's total power with where the sun
 * was relative to the beam.
 *
 * - A stepped cross-scan (an imported SRT .rad file: 'pointing' events that
 *   carry the scan's `offset`): runs of integrations at one elevation offset
 *   and stepping azimuth offsets form an 'az' cut (sky position = az offset ×
 *   cos el), runs at one azimuth offset stepping in elevation an 'el' cut.
 * - A drift (a fixed pointing, the sky moving through it): the sun's offset
 *   from the pointing at every integration's mid-time, from the ephemeris
 *   (src/astro/sun.ts), as ΔRA·cos δ along its track (J2000, src/astro/pointing.ts).
 *
 * Total power: the mean of the auto spectrum over the channels inside the
 * band's edges (the outer 1/16 of the channels at each end dropped, where
 * the receiver's filters roll off; an SRT's 156 channels keep 10…145), per
 * spectrum. Kelvin only when a calibration event says the integrations after
 * it are in K (the SRT's own `* tsys` lines); Fringe's own recordings are in
 * relative units until the kelvin calibration exists.
 */
import { autoProduct } from '../../observations/export/common.ts';
import { observationSite, pointings, type TimedPointing } from '../../observations/export/coordinates.ts';
import type { Store } from '../../observations/store/store.ts';
import type { Observation, StoredIntegration } from '../../observations/store/types.ts';
import type { CutData } from '../analysis/drift.ts';
import { describePointing } from '../astro/pointing.ts';
import { sunPosition } from '../astro/sun.ts';
import { Body, GeoVector } from 'astronomy-engine';

export class DriftDataError extends Error {
  override name = 'DriftDataError';
}

export interface DriftData {
  observation: Observation;
  kind: 'crossscan' | 'drift';
  unit: 'K' | 'relative';
  cuts: CutData[];
  /** The file's own calibration (an SRT `* tsys` line), for the comparison with the fitted baseline. */
  calibration: Record<string, unknown> | null;
  /** Dish diameter the observation recorded (m), if any. */
  diameter: number | null;
  /** Centre frequency (Hz). */
  frequency: number;
  /** The sun's apparent diameter then (degrees), when the observation says when and where. */
  disk?: number | null;
}

/**
 * Mean power per channel per spectrum over the channels inside the band's
 * edges (the data's unit), without the centre channel (C/2, the DC spike of
 * a direct-conversion dongle's LO leakage) when `dc` is false.
 */
export function bandPower(it: StoredIntegration, mode: 'full' | 'autos' | undefined, dc = true): number {
  const C = it.channels;
  const edge = C >= 16 ? Math.ceil(C / 16) : 0;
  const p = autoProduct(0, it.inputs, mode);
  let s = 0, n = 0;
  for (let j = edge; j < C - edge; j++) {
    if (!dc && j === C / 2) continue;
    s += it.visibilities[2 * (p * C + j)]!;
    n++;
  }
  return it.spectra > 0 ? s / n / it.spectra : NaN;
}

interface Point {
  time: number;
  /** Length of the integration (s of sky time). */
  duration: number;
  power: number;
  spectra: number;
  /** `moving`: the mount moved during it (between a scan's steps); no cut uses it. */
  pointing: TimedPointing & { offset?: { az: number; el: number }; moving?: boolean };
}

const rad = Math.PI / 180;

/** Offsets (degrees) of `to` from `from` in the tangent plane at `from` (azimuthal equidistant): x toward increasing az, y toward increasing el. */
export function skyOffset(from: { az: number; el: number }, to: { az: number; el: number }): { x: number; y: number } {
  const [a1, e1, a2, e2] = [from.az * rad, from.el * rad, to.az * rad, to.el * rad];
  const cosRho = Math.sin(e1) * Math.sin(e2) + Math.cos(e1) * Math.cos(e2) * Math.cos(a2 - a1);
  const rho = Math.acos(Math.max(-1, Math.min(1, cosRho)));
  const px = Math.cos(e2) * Math.sin(a2 - a1);
  const py = Math.sin(e2) * Math.cos(e1) - Math.cos(e2) * Math.sin(e1) * Math.cos(a2 - a1);
  const n = Math.hypot(px, py);
  if (n === 0) return { x: 0, y: 0 };
  return { x: (rho / rad) * (px / n), y: (rho / rad) * (py / n) };
}

/** Reads an observation's cuts; DriftDataError when it holds none the analysis can use. */
export function loadDrift(store: Store, id: number): DriftData {
  const obs = store.getObservation(id);
  const events = store.events(id);
  const cal = events.filter((e) => e.kind === 'calibration' && e.data.unit === 'K');
  const calibratedFrom = cal.length ? Math.min(...cal.map((e) => e.time)) : Infinity;
  const timeline = pointings(store, obs);
  const mode = obs.config.fx.mode;
  // Fringe's own recordings (a power-of-two FFT of an IQ dongle) have the LO's DC spike in the centre channel; an SRT's 156 do not.
  const fftChannels = (obs.config.fx.channels & (obs.config.fx.channels - 1)) === 0 && !obs.config.imported;
  const all: Point[] = [];
  for (const it of store.integrations(id)) {
    const mid = it.time + it.duration / 2;
    let p: TimedPointing | undefined;
    for (const q of timeline) if (q.time <= it.time + 1e-6) p = q;
    p ??= timeline[0];
    if (!p || typeof p.az !== 'number' || typeof p.el !== 'number') {
      throw new DriftDataError(`observation ${id} does not record where the dish pointed (az/el): a drift needs it.`);
    }
    all.push({ time: mid, duration: it.duration, power: bandPower(it, mode, !fftChannels), spectra: it.spectra, pointing: p as Point['pointing'] });
  }
  if (all.length === 0) throw new DriftDataError(`observation ${id} holds no integrations.`);
  const unit: 'K' | 'relative' = all.some((p) => p.time >= calibratedFrom) ? 'K' : 'relative';
  const usable = unit === 'K' ? all.filter((p) => p.time >= calibratedFrom) : all;
  const diameter = obs.config.antennas?.[0]?.dishDiameter ?? null;
  const base = { observation: obs, unit, calibration: cal[0]?.data ?? null, diameter, frequency: obs.config.tuning.centerFrequency };
  // A stepped scan moves its offsets; an SRT drift records offsets too, all the same (0, 0).
  const stepped = new Set(usable.filter((p) => p.pointing.offset && typeof p.pointing.offset.az === 'number').map((p) => `${p.pointing.offset!.az},${p.pointing.offset!.el}`)).size > 2;
  const site = observationSite(store, obs);
  const disk = site && usable.length ? sunDiameterAt(usable[Math.floor(usable.length / 2)]!.time) : null;
  if (stepped) {
    // A measurement that drifts first and then steps (fringe drift --source): the drift is the integrations without an offset.
    const fixed = usable.filter((p) => !p.pointing.offset && !p.pointing.moving);
    const cuts = steppedCuts(usable.filter((p) => !p.pointing.moving));
    if (fixed.length >= 8 && site) cuts.unshift(driftCut(fixed, site));
    return { ...base, kind: 'crossscan', cuts, disk };
  }
  if (!site) throw new DriftDataError(`observation ${id} records no site: the sun's position cannot be computed (an import takes --site).`);
  return { ...base, kind: 'drift', cuts: [driftCut(usable, site)], disk };
}

/** The sun's apparent diameter (degrees) at a time (Unix s): 1919″ at 1 au. */
function sunDiameterAt(time: number): number {
  return 0.533 / GeoVector(Body.Sun, new Date(time * 1000), true).Length();
}

/**
 * The drift cut of points at a fixed pointing: the sun's offset from the
 * pointing along its track, ΔRA·cos δ (J2000, both directions turned by the
 * same rotation, src/astro/pointing.ts; the track is a circle of declination,
 * straight to 0.2 % of the offset over ±15°). Positive along: later times.
 * Its direction on the sky near the pointing (az × cos el, el), signed, and
 * the track's distance across from the pointing come from the tangent-plane
 * offsets near the closest approach.
 */
function driftCut(usable: Point[], site: NonNullable<ReturnType<typeof observationSite>>): CutData {
  const along: number[] = [];
  const azel: { x: number; y: number }[] = [];
  for (const p of usable) {
    const when = new Date(p.time * 1000);
    const sun = sunPosition({ ...site, name: site.name || 'site' }, when);
    const P = describePointing(site, p.pointing.az!, p.pointing.el!, when);
    const S = describePointing(site, sun.az, sun.el, when);
    const dra = ((((P.ra - S.ra) % 360) + 540) % 360) - 180;
    along.push(dra * Math.cos(S.dec * rad));
    azel.push(skyOffset({ az: p.pointing.az!, el: p.pointing.el! }, { az: sun.az, el: sun.el }));
  }
  let k = 0;
  for (let i = 1; i < azel.length; i++) if (Math.hypot(azel[i]!.x, azel[i]!.y) < Math.hypot(azel[k]!.x, azel[k]!.y)) k = i;
  const a = Math.max(0, k - 1), b = Math.min(azel.length - 1, k + 1);
  const dx = azel[b]!.x - azel[a]!.x, dy = azel[b]!.y - azel[a]!.y;
  const norm = Math.hypot(dx, dy);
  const track = b > a && norm > 0 ? { az: dx / norm, el: dy / norm } : { az: 1, el: 0 };
  const across = -azel[k]!.x * track.el + azel[k]!.y * track.az;
  const el = usable.reduce((acc, p) => acc + p.pointing.el!, 0) / usable.length;
  // How far the sun moved during a whole integration: the track's rate near the closest approach × the longest duration.
  const rate = usable.length > 1 && usable[b]!.time > usable[a]!.time ? Math.abs(along[b]! - along[a]!) / (usable[b]!.time - usable[a]!.time) : 0;
  const span = rate * Math.max(...usable.map((p) => p.duration));
  return { axis: 'drift', ...(span > 0 ? { span } : {}), coord: along, sky: along, power: usable.map((p) => p.power), spectra: usable.map((p) => p.spectra), across, el, alongToAz: Math.abs(track.az), track };
}

/** Runs of consecutive integrations at one offset on one axis and at least 5 distinct offsets on the other. */
function steppedCuts(points: Point[]): CutData[] {
  const cuts: CutData[] = [];
  for (const axis of ['az', 'el'] as const) {
    const fixed = axis === 'az' ? 'el' : 'az';
    let run: Point[] = [];
    const flush = () => {
      const steps = new Set(run.map((p) => p.pointing.offset![axis]));
      if (steps.size >= 5) {
        const coord = run.map((p) => p.pointing.offset![axis]);
        // Azimuth offsets are degrees of azimuth: × cos el on the sky. Elevation offsets are on the sky already.
        const sky = run.map((p, i) => (axis === 'az' ? coord[i]! * Math.cos(p.pointing.el! * rad) : coord[i]!));
        const el = run.reduce((a, p) => a + p.pointing.el!, 0) / run.length;
        const across = run[0]!.pointing.offset![fixed];
        cuts.push({ axis, coord, sky, power: run.map((p) => p.power), spectra: run.map((p) => p.spectra), across: axis === 'el' ? across * Math.cos(el * rad) : across, el });
      }
      run = [];
    };
    for (const p of points) {
      if (!p.pointing.offset) continue;
      if (run.length && run[0]!.pointing.offset![fixed] !== p.pointing.offset[fixed]) flush();
      run.push(p);
    }
    flush();
  }
  return cuts.sort((a, b) => a.axis.localeCompare(b.axis));
}
