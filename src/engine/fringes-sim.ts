/**
 * Known-answer input for the fringe fits (src/engine/fringes.ts): a transit
 * of the sun through the simulator's three-dish interferometer
 * (devices/sim/scenarios/interferometer.json) on antenna positions the
 * analysis does not read, with hidden cable delays, calibrated from the
 * switched noise source first, then correlated (float64 reference PFB) into
 * the band-summed, auto-normalised visibilities a recorded group gives
 * `fringe baseline`. Used by test/src/engine/fringes.test.ts and by `fringe
 * qualify` (SCI-INT-BASELINE), so both fit the same input.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { baselineIndex } from '../../correlator/baselines.ts';
import { referenceIntegrations } from '../../correlator/reference.ts';
import { openSimGroup } from '../../devices/sim/index.ts';
import { measureDelays } from '../analysis/delay.ts';
import { stopFringes } from '../analysis/fringestop.ts';
import { defaultGroupFlags, solveGroupCalibration, type GroupCalibrationSolution } from '../analysis/groupcal.ts';
import { baselineGeometry, phaseCentreDirection } from '../astro/geometry.ts';
import { speedOfLight } from '../astro/velocity.ts';
import type { FringeData } from './fringes.ts';

const scenarioPath = fileURLToPath(new URL('../../devices/sim/scenarios/interferometer.json', import.meta.url));

/**
 * Antenna positions (east, north, up; m) on flat ground: up 0, since one
 * source cannot separate up from the instrumental phase. Baselines 10 m east,
 * (5, 8) and (−5, 8) m.
 */
export const simPositions: number[][] = [[-5, 0, 0], [5, 0, 0], [0, 8, 0]];
/** Hidden cable delays per antenna (ns). */
export const simCables = [0, 150, 95];
/** Channels and spectra per integration of the transit (C = 64, K = 128: 30 s of sky per integration at the default speed). */
export const simChannels = 64;
const K = 128;
/** The site the scenario's ephemeris and the fit use (the scenario's: 52° N, 0° E). */
const site = { name: 'sim', lat: 52, lon: 0, altitude: 0 };

/** The interferometer scenario with its sky clock at `speed`× from `start`, the sun a point or a disk, antennas at `where` with the hidden cables. */
export function simInterferometer(speed: number, start: string, model: 'disk' | 'point', where = simPositions): Record<string, unknown> {
  const base = JSON.parse(readFileSync(scenarioPath, 'utf8')) as { antennas: object[] } & Record<string, unknown>;
  return {
    ...base, speed, start, sun: { model }, noiseSource: { temperature: 500, on: false },
    antennas: base.antennas.slice(0, where.length).map((a, i) => ({ ...a, position: where[i], cableDelay: simCables[i] })),
  };
}

/**
 * A group's calibration from `samples` per input of a simulator scenario
 * with its noise source on, then off: integer delays by cross-correlation
 * (src/analysis/delay.ts), then delays and gains by solveGroupCalibration
 * (src/analysis/groupcal.ts) on float64 reference sums, C = 64. Also what
 * `fringe qualify` SCI-INT-DELAY measures (src/qualify/interferometer.ts).
 */
export async function noiseSourceCalibration(scenario: Record<string, unknown>, samples: number): Promise<{ solution: GroupCalibrationSolution; sampleRate: number }> {
  const C = simChannels;
  const group = await openSimGroup({ scenario, pacing: false });
  const sampleRate = group.engine.tuning.sampleRate;
  let on: Uint8Array[], off: Uint8Array[];
  try {
    group.setNoiseSource(true);
    on = group.read(samples).map((b) => b.data);
    group.setNoiseSource(false);
    off = group.read(samples).map((b) => b.data);
  } finally {
    await group.close();
  }
  const N = on.length;
  const integer = measureDelays(on, { maxLag: 4096 });
  const current = { delays: integer.delays, gains: null };
  const sums = async (x: Uint8Array[]) => {
    const [s] = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: 1 << 30 }, x, current);
    return { visibilities: s!.visibilities, spectra: s!.spectra };
  };
  return { solution: solveGroupCalibration(N, C, await sums(on), await sums(off), { current }), sampleRate };
}

/** The transit's calibration: noiseSourceCalibration of the interferometer at `where` (10:00 UTC, before the transit). */
export async function calibrateSim(where = simPositions, samples = 1 << 20): Promise<GroupCalibrationSolution> {
  return (await noiseSourceCalibration(simInterferometer(1, '2026-06-21T10:00:00Z', 'point', where), samples)).solution;
}

export interface TransitOptions {
  where?: number[][];
  /** Start (UTC, ISO-8601); default 10:00 on the June solstice. */
  from?: string;
  /** Hours of sky. */
  hours?: number;
  /** The sky clock's speed (default 8789: 30 s of sky per integration of K·C = 8192 samples at 2.4 MS/s). */
  speed?: number;
  /** Fringe-stop toward the sun from the positions and the ephemeris (geometry.ts, fringestop.ts). */
  stop?: boolean;
}

/** `hours` of sky from `from` (UTC), correlated with the calibration, as fringe data. */
export async function simTransit(model: 'disk' | 'point', cal: { delays: number[]; gains: Float32Array[] }, o: TransitOptions = {}): Promise<FringeData> {
  const where = o.where ?? simPositions, from = o.from ?? '2026-06-21T10:00:00Z', hours = o.hours ?? 4;
  const N = where.length, C = simChannels;
  const start = Date.parse(from), speed = o.speed ?? 8789;
  const scenario = simInterferometer(speed, from, model, where) as { antennas: Array<{ sampleOffset?: number }> };
  const group = await openSimGroup({ scenario, pacing: false });
  const fs = group.engine.tuning.sampleRate;
  const fc = group.engine.tuning.centerFrequency;
  const n = Math.ceil((hours * 3600 * fs) / speed) + Math.ceil(Math.max(...cal.delays)) + 4 * C;
  let streams: Uint8Array[];
  try {
    streams = group.read(n).map((b) => b.data);
  } finally {
    await group.close();
  }
  // Whole integrations only: a partial last one's middle is not where `times` puts it (its phase would be off by its fringe rate).
  const ints = (await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: K }, streams, { delays: cal.delays, gains: cal.gains })).filter((s) => s.spectra === K);
  const flags = defaultGroupFlags(C);
  // Each integration's middle on the simulator's common clock: input 0's sample n is common sample n + its sampleOffset,
  // and the correlator reads it from its whole delay on (1233 samples here: 4.5 s of sky at the default speed, 0.02° of
  // hour angle, which turned every solved baseline by as much); spectrum s spans samples s·C … s·C + T·C − 1.
  const first = Math.floor(cal.delays[0]!) + (scenario.antennas[0]!.sampleOffset ?? 0);
  const middle = (i: number) => first + i * K * C + ((K - 1) * C + (4 * C - 1)) / 2;
  const times = Float64Array.from(ints, (_, i) => (start + (speed * 1000 * middle(i)) / fs) / 1000);
  const dir = Array.from(times, (t) => phaseCentreDirection({ kind: 'sun' }, site, new Date(t * 1000)));
  if (o.stop) {
    ints.forEach((s, i) => stopFringes(s.visibilities, N, C, (a, b) => baselineGeometry(where[a]!, where[b]!, { kind: 'sun' }, site, new Date(times[i]! * 1000), fc).uvw[2], fc, fs));
  }
  const baselines: FringeData['baselines'] = [];
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      const re = new Float64Array(ints.length), im = new Float64Array(ints.length);
      const p = baselineIndex(N, a, b), pa = baselineIndex(N, a, a), pb = baselineIndex(N, b, b);
      ints.forEach((s, i) => {
        const v = s.visibilities;
        let sr = 0, si = 0, sa = 0, sb = 0;
        for (let j = 0; j < C; j++) {
          if (flags[j]) continue;
          sr += v[2 * (p * C + j)]!;
          si += v[2 * (p * C + j) + 1]!;
          sa += v[2 * (pa * C + j)]!;
          sb += v[2 * (pb * C + j)]!;
        }
        re[i] = sr / Math.sqrt(sa * sb);
        im[i] = si / Math.sqrt(sa * sb);
      });
      baselines.push({ a, b, re, im });
    }
  }
  return {
    kind: 'group', site, lambda: speedOfLight / fc, times,
    h: Float64Array.from(dir, (d) => d.h), dec: Float64Array.from(dir, (d) => d.dec), baselines, centre: { kind: 'sun' },
  };
}
