/**
 * HI requirements against the simulator's hidden truth: the simulator's own
 * hydrogen profile (devices/sim: its ephemeris, LSR and beam-averaged HI
 * model) read in kelvin and reduced by src/analysis/hi/reduce.ts, compared with
 * 0.7 × the beam-averaged profile at the pointing's (l, b) — the same inputs
 * and comparison as test/src/analysis/hi/reduce.test.ts.
 */
import { galacticWindow, reduceHi } from '../analysis/hi/reduce.ts';
import { describePointing } from '../astro/pointing.ts';
import { lsrCorrection } from '../astro/velocity.ts';
import { AntennaModel } from '../../devices/sim/model.ts';
import { beamAveragedProfile, profileAt } from '../../devices/sim/hydrogen.ts';
import { beamFwhm } from '../../devices/sim/beam.ts';
import { parseScenario } from '../../devices/sim/scenario.ts';
import { pointingFromConfig } from '../../devices/sim/pointing.ts';
import type { Plot } from './types.ts';

export interface HiCase { site: { lat: number; lon: number }; start: string; az: number; el: number }

/** Sites, dates and pointings of the reduce tests; the quick suite measures the first. */
export const hiCases: HiCase[] = [
  { site: { lat: 52, lon: 0 }, start: '2026-06-21T22:00:00Z', az: 90, el: 50 },
  { site: { lat: 38.43, lon: -79.84 }, start: '2026-01-10T03:00:00Z', az: 180, el: 60 },
  { site: { lat: -33.9, lon: 151.2 }, start: '2026-09-01T12:00:00Z', az: 200, el: 70 },
  { site: { lat: 21.4, lon: -157.8 }, start: '2026-03-20T08:00:00Z', az: 300, el: 40 },
];

export interface HiCaseResult {
  case: HiCase;
  /** The shift (km/s) that best aligns the reduced profile with the truth (least squares, ±5 km/s, 0.01 steps). */
  velocityOffset: number;
  channelKms: number;
  lsrCorrection: number;
  peak: number;
  truthPeak: number;
  truthPeakVelocity: number;
  /** (peak − truth) / truth, %. */
  kelvinError: number;
  /** The worst |reduced − truth| / truth peak over channels where the truth is above 10 % of its peak (the whole profile, not only its peak). */
  profileError: number;
  velocity: number[];
  spectrum: Array<number | null>;
  truth: number[];
}

/** One site/date/pointing: four integrations 30 s apart of the sim's 1.5 m dish in kelvin, reduced with the LSR correction. */
export function measureHiCase(c: HiCase): HiCaseResult {
  const scenario = parseScenario({
    seed: 1, site: c.site, start: c.start,
    antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az: c.az, el: c.el } }],
    sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [],
  });
  const model = new AntennaModel(scenario, scenario.antennas[0]!, pointingFromConfig(scenario.antennas[0]!.pointing, scenario.site));
  const L = 2048, rate = 2.4e6, center = 1420.4e6;
  const bandpass = new Float32Array(L).fill(1);
  const amp = new Float32Array(L);
  const t0 = Date.parse(c.start);
  const site = { name: 'sim', lat: c.site.lat, lon: c.site.lon, altitude: 0 };
  const p = describePointing(site, c.az, c.el, new Date(t0));
  const frequencies = Float64Array.from({ length: L }, (_, j) => center + ((j - L / 2) * rate) / L);
  const integrations = [0, 30, 60, 90].map((dt) => {
    const t = t0 + dt * 1000;
    model.independentAmplitude(t, center, rate, bandpass, amp);
    // amp[k] = √(T/L) in FFT order (k < L/2: positive offsets): back to kelvin in rising frequency.
    const power = Float64Array.from({ length: L }, (_, j) => amp[(j - L / 2 + L) % L]! ** 2 * L);
    const q = describePointing(site, c.az, c.el, new Date(t));
    return { time: t / 1000, power, lsrCorrection: lsrCorrection(site, new Date(t), q.ra, q.dec), sk: null, spectra: 1 };
  });
  const r = reduceHi({ frequencies, integrations, kelvin: true, frame: 'topocentric' }, {}, { emissionWindow: galacticWindow(p.l, p.b), smoothKms: 0 });
  // Truth: 0.7 × the sim's beam-averaged profile at the pointing's (l, b), rounded to 0.25° as the sim does.
  const prof = beamAveragedProfile(Math.round(p.l * 4) / 4, Math.round(p.b * 4) / 4, beamFwhm(1.5, center));
  const truthAt = (v: number) => 0.7 * profileAt(prof, v);
  let vTruth = -400, tTruth = 0;
  for (let v = -300; v <= 300; v += 0.05) if (truthAt(v) > tTruth) { tTruth = truthAt(v); vTruth = v; }
  // Coarse (0.1 km/s over ±5) then fine (0.01 km/s around the coarse best): the same minimum as a 0.01 grid for a smooth profile.
  const use = r.velocity.map((v, i) => (r.spectrum[i] !== null && Math.abs(v - vTruth) < 150 ? i : -1)).filter((i) => i >= 0);
  const misfit = (s: number) => use.reduce((ss, i) => ss + (r.spectrum[i]! - truthAt(r.velocity[i]! + s)) ** 2, 0);
  let best = 0, bestSs = Infinity;
  for (let k = -50; k <= 50; k++) { const ss = misfit(k / 10); if (ss < bestSs) { bestSs = ss; best = k / 10; } }
  const coarse = best;
  for (let k = -10; k <= 10; k++) { const s = coarse + k / 100; const ss = misfit(s); if (ss < bestSs) { bestSs = ss; best = s; } }
  const peak = Math.max(...r.spectrum.map((y) => y ?? -Infinity));
  const velocity = [...r.velocity];
  let profileError = 0;
  velocity.forEach((v, i) => {
    const y = r.spectrum[i];
    if (y !== null && truthAt(v) > 0.1 * tTruth) profileError = Math.max(profileError, Math.abs(y - truthAt(v)) / tTruth);
  });
  return {
    case: c, velocityOffset: Math.round(best * 100) / 100, channelKms: r.channel_kms, lsrCorrection: r.lsr_correction_kms,
    peak, truthPeak: tTruth, truthPeakVelocity: vTruth, kelvinError: 100 * (peak / tTruth - 1), profileError,
    velocity, spectrum: [...r.spectrum], truth: velocity.map(truthAt),
  };
}

export interface HiQualification { cases: HiCaseResult[]; plots: Plot[]; config: Record<string, unknown> }

export function measureHi(quick: boolean): HiQualification {
  const cases = (quick ? hiCases.slice(0, 1) : hiCases).map(measureHiCase);
  const plots: Plot[] = cases.map((r) => {
    const keep = r.velocity.map((v) => Math.abs(v - r.truthPeakVelocity) < 150);
    const pick = <T,>(a: T[]) => a.filter((_, i) => keep[i]);
    return {
      title: `HI at (${r.case.site.lat}°, ${r.case.site.lon}°) ${r.case.start.slice(0, 16)}Z, az ${r.case.az}° el ${r.case.el}°`,
      x: { label: 'v_LSR (km/s)' },
      y: { label: 'T_B (K)' },
      series: [
        { name: 'truth (0.7 × beam-averaged profile)', x: pick(r.velocity), y: pick(r.truth), style: 'line' },
        { name: 'reduced (reduceHi)', x: r.velocity.filter((_, i) => keep[i] && r.spectrum[i] !== null), y: r.spectrum.filter((y, i) => keep[i] && y !== null) as number[], style: 'points' },
      ],
    };
  });
  return {
    cases, plots,
    config: { scenario: 'simulator antenna model, 1.5 m dish, T_sys 90 K, hydrogen with LSR, no sun, no RFI, seed 1', channels: 2048, sampleRate: 2.4e6, centerFrequency: 1420.4e6, integrations: '4 × 30 s apart', cases: cases.map((r) => `(${r.case.site.lat}°, ${r.case.site.lon}°) ${r.case.start} az ${r.case.az}° el ${r.case.el}°`).join('; '), reduction: 'src/analysis/hi/reduce.ts reduceHi, emission window galacticWindow(l, b), no smoothing' },
  };
}
