/**
 * Interferometer requirements against the simulator's hidden truth: the
 * three-dish scenario (devices/sim/scenarios/interferometer.json) with cable
 * delays the analysis does not read (0, 150, 95 ns), a switched 500 K noise
 * source, integer delays by cross-correlation (src/analysis/delay.ts) and the
 * fractional delays by src/analysis/groupcal.ts — the same inputs and
 * functions as test/src/analysis/groupcal.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { referenceIntegrations } from '../../correlator/reference.ts';
import type { Calibration } from '../../correlator/types.ts';
import { openSimGroup } from '../../devices/sim/index.ts';
import { measureDelays } from '../analysis/delay.ts';
import { solveGroupCalibration, type GroupSums } from '../analysis/groupcal.ts';
import type { Plot } from './types.ts';

const scenarioPath = fileURLToPath(new URL('../../devices/sim/scenarios/interferometer.json', import.meta.url));
const C = 64, N = 3;
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

async function sums(streams: Uint8Array[], calibration: Calibration): Promise<GroupSums> {
  const [s] = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: 1 << 30 }, streams, calibration);
  return { visibilities: s!.visibilities, spectra: s!.spectra };
}

/** `n` samples per input with the noise source on, then `n` off; integer delays, then the group solution; errors against the scenario's offsets and cables. */
export async function measureFractionalDelays(n: number): Promise<FractionalDelayQualification> {
  const base = JSON.parse(readFileSync(scenarioPath, 'utf8')) as { antennas: Array<{ sampleOffset: number }> } & Record<string, unknown>;
  const scenario = { ...base, noiseSource: { temperature: 500, on: false }, antennas: base.antennas.map((a, i) => ({ ...a, cableDelay: cableDelaysNs[i] })) };
  const group = await openSimGroup({ scenario, pacing: false });
  const fs = group.engine.tuning.sampleRate;
  let on: Uint8Array[], off: Uint8Array[];
  try {
    group.setNoiseSource(true);
    on = group.read(n).map((b) => b.data);
    group.setNoiseSource(false);
    off = group.read(n).map((b) => b.data);
  } finally {
    await group.close();
  }
  const integer = measureDelays(on, { maxLag: 4096 });
  const current = { delays: integer.delays, gains: null };
  const cal = solveGroupCalibration(N, C, await sums(on, current), await sums(off, current), { current });
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
      sampleRate: fs, channels: C, taps: 4, integerDelays: 'cross-correlation, maxLag 4096 (src/analysis/delay.ts)', solver: 'src/analysis/groupcal.ts solveGroupCalibration',
    },
  };
}
