/**
 * Interferometer requirements against the simulator's hidden truth: the
 * three-dish scenario (devices/sim/scenarios/interferometer.json) with cable
 * delays the analysis does not read (0, 150, 95 ns), a switched 500 K noise
 * source, integer delays by cross-correlation (src/analysis/delay.ts) and the
 * fractional delays by src/analysis/groupcal.ts — the same inputs and
 * functions as test/src/analysis/groupcal.test.ts (the calibration is
 * src/engine/fringes-sim.ts noiseSourceCalibration). The baselines from a sun
 * transit (SCI-INT-BASELINE) fit that module's simulated transit.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { baselineGeometry, fringeStopPhase } from '../astro/geometry.ts';
import { speedOfLight } from '../astro/velocity.ts';
import { baselineReport, type FringeData } from '../engine/fringes.ts';
import { calibrateSim, noiseSourceCalibration, simChannels, simPositions, simTransit } from '../engine/fringes-sim.ts';
import type { Plot } from './types.ts';

const scenarioPath = fileURLToPath(new URL('../../devices/sim/scenarios/interferometer.json', import.meta.url));
export const cableDelaysNs = [0, 150, 95];

export interface FractionalDelayQualification {
  /** Solved delays (samples), truth (samples, relative to input 0) and errors (samples). */
  delays: number[];
  truth: number[];
  errors: number[];
  sigma: number[];
  worst: number;
  plots: Plot[];
  config: Record<string, unknown>;
}

/** `n` samples per input with the noise source on, then `n` off; integer delays, then the group solution; errors against the scenario's offsets and cables. */
export async function measureFractionalDelays(n: number): Promise<FractionalDelayQualification> {
  const base = JSON.parse(readFileSync(scenarioPath, 'utf8')) as { antennas: Array<{ sampleOffset: number }> } & Record<string, unknown>;
  const scenario = { ...base, noiseSource: { temperature: 500, on: false }, antennas: base.antennas.map((a, i) => ({ ...a, cableDelay: cableDelaysNs[i] })) };
  const { solution: cal, sampleRate: fs } = await noiseSourceCalibration(scenario, n);
  // Input a is read d_a later where its stream starts o_a earlier and its cable makes it τ_a·fs later.
  const abs = base.antennas.map((a, i) => -a.sampleOffset + cableDelaysNs[i]! * 1e-9 * fs);
  const truth = abs.map((t) => t - abs[0]!);
  const delays = cal.delays.map((d) => d - cal.delays[0]!);
  const errors = delays.map((d, a) => d - truth[a]!);
  const frac = (v: number) => v - Math.round(v);
  return {
    delays, truth, errors,
    sigma: cal.residualDelay.map((m) => m.sigma),
    worst: Math.max(...errors.map(Math.abs)),
    plots: [{
      title: 'Fractional delays: solved against the scenario\'s cables',
      x: { label: 'input' },
      y: { label: 'fractional delay (samples, relative to input 0)' },
      series: [
        { name: 'truth', x: truth.map((_, i) => i), y: truth.map(frac), style: 'points' },
        { name: 'solved', x: delays.map((_, i) => i), y: delays.map(frac), style: 'points' },
      ],
    }],
    config: {
      scenario: 'devices/sim/scenarios/interferometer.json, cable delays 0/150/95 ns, 500 K switched noise source', samplesPerState: n,
      sampleRate: fs, channels: simChannels, taps: 4, integerDelays: 'cross-correlation, maxLag 4096 (src/analysis/delay.ts)', solver: 'src/analysis/groupcal.ts solveGroupCalibration',
    },
  };
}

export interface BaselineQualification {
  /** Per baseline: the solution (m) and its errors against the positions: length (%) and direction (°, east of north). */
  baselines: Array<{ a: number; b: number; east: number; north: number; length: number; lengthSigma: number; truthEast: number; truthNorth: number; lengthError: number; lengthErrorSigma: number; directionError: number; directionErrorSigma: number }>;
  /** The baseline with the largest |length error|, and the one with the largest |direction error|. */
  worstLength: number;
  worstDirection: number;
  closureDeg: number[];
  plots: { length: Plot; direction: Plot; stopped: Plot };
  config: Record<string, unknown>;
}

/** Wraps degrees into (−180, 180]. */
const wrap = (d: number) => d - 360 * Math.ceil((d - 180) / 360);

const baselineAxis = '0: baseline 0–1, 1: 0–2, 2: 1–2';

/** Per-baseline errors with the limit drawn at ±`limit`. */
function errorPlot(title: string, label: string, errors: number[], limit: number): Plot {
  return {
    title, x: { label: baselineAxis }, y: { label },
    series: [{ name: 'error', x: errors.map((_, i) => i), y: errors, style: 'points' }],
    marks: [{ y: limit, label: `limit +${limit}` }, { y: 0, label: 'positions' }, { y: -limit, label: `limit −${limit}` }],
  };
}

/**
 * Each baseline's fringe phase turned by +2π·w/λ for the solved baseline
 * (geometry.ts fringeStopPhase, toward the ephemeris' sun): what the fit
 * leaves, the instrumental phase and noise; shown about its mean.
 */
function stoppedPlot(data: FringeData, baselines: BaselineQualification['baselines'], from: string): Plot {
  const fc = speedOfLight / data.lambda;
  const hours = Array.from(data.times, (t) => (t - data.times[0]!) / 3600);
  return {
    title: 'Fringe phase stopped with the solved baselines: what the fit leaves',
    x: { label: `hours from the start (UTC ${from.slice(11, 16)})` }, y: { label: 'phase about its mean (degrees)' },
    series: baselines.map((b, k) => {
      const bl = data.baselines[k]!;
      const ph = Array.from(bl.re, (re, i) => Math.atan2(bl.im![i]!, re) + fringeStopPhase(baselineGeometry([0, 0, 0], [b.east, b.north, 0], data.centre, data.site, new Date(data.times[i]! * 1000), fc), fc));
      const mean = Math.atan2(ph.reduce((x, p) => x + Math.sin(p), 0), ph.reduce((x, p) => x + Math.cos(p), 0));
      return { name: `${b.a}–${b.b}`, x: hours, y: ph.map((p) => wrap(((p - mean) * 180) / Math.PI)), style: 'points' as const };
    }),
  };
}

/**
 * Sizes of the sun transit (src/engine/fringes-sim.ts): quick, 2^18 noise
 * source samples per state for the calibration (SCI-INT-DELAY's: delays
 * within 0.01 sample) and 3 h of sky in 60 s integrations (the fringe turns
 * ≤ 75° in one on 10 m, losing ≤ 7 % of its amplitude, none of its phase);
 * full, 2^20 samples and 6 h in 30 s integrations (the fringe test's).
 */
export const baselineSizes = {
  quick: { samples: 1 << 18, hours: 3, speed: 2 * 8789, from: '2026-06-21T10:30:00Z' },
  full: { samples: 1 << 20, hours: 6, speed: 8789, from: '2026-06-21T09:00:00Z' },
};

/** The three-dish group's baselines from a simulated sun transit, fitted by `fringe baseline` (baselineReport), against the antennas' positions. */
export async function measureBaselines(quick: boolean, progress: (f: number) => void = () => {}): Promise<BaselineQualification> {
  const size = quick ? baselineSizes.quick : baselineSizes.full;
  const cal = await calibrateSim(simPositions, size.samples);
  progress(0.3);
  const data = await simTransit('point', cal, { from: size.from, hours: size.hours, speed: size.speed });
  progress(0.9);
  const window = 300;
  const report = baselineReport(data, window);
  const baselines = report.baselines.map((b) => {
    const truthEast = simPositions[b.b]![0]! - simPositions[b.a]![0]!, truthNorth = simPositions[b.b]![1]! - simPositions[b.a]![1]!;
    const truthLength = Math.hypot(truthEast, truthNorth);
    // Direction east of north; its σ from the east/north σ across the baseline (perpendicular to it).
    const direction = (Math.atan2(b.east_m, b.north_m) * 180) / Math.PI;
    const perp = Math.hypot((b.east_err_m * b.north_m) / b.length_m, (b.north_err_m * b.east_m) / b.length_m);
    return {
      a: b.a, b: b.b, east: b.east_m, north: b.north_m, length: b.length_m, lengthSigma: b.length_err_m, truthEast, truthNorth,
      lengthError: 100 * (b.length_m / truthLength - 1), lengthErrorSigma: (100 * b.length_err_m) / truthLength,
      directionError: wrap(direction - (Math.atan2(truthEast, truthNorth) * 180) / Math.PI), directionErrorSigma: ((perp / b.length_m) * 180) / Math.PI,
    };
  });
  const worst = (f: (x: (typeof baselines)[number]) => number) => baselines.reduce((w, x, i) => (Math.abs(f(x)) > Math.abs(f(baselines[w]!)) ? i : w), 0);
  return {
    baselines, worstLength: worst((x) => x.lengthError), worstDirection: worst((x) => x.directionError),
    closureDeg: report.closure_phases_deg.map((c) => c.deg),
    plots: {
      length: errorPlot('Baseline length: solved against the positions', 'length error (%)', baselines.map((x) => x.lengthError), 1),
      direction: errorPlot('Baseline direction (east of north): solved against the positions', 'direction error (°)', baselines.map((x) => x.directionError), 1),
      stopped: stoppedPlot(data, baselines, size.from),
    },
    config: {
      scenario: 'devices/sim/scenarios/interferometer.json, point sun, antennas at (−5, 0), (5, 0), (0, 8) m, cables 0/150/95 ns, 500 K switched noise source',
      calibrationSamplesPerState: size.samples, transit: `${size.hours} h from ${size.from}`, skyPerIntegration: `${((size.speed * 128 * 64) / 2.4e6).toFixed(0)} s`,
      channels: 64, spectraPerIntegration: 128, fit: `fringe baseline (src/engine/fringes.ts baselineReport, ${window} s window)`,
    },
  };
}
