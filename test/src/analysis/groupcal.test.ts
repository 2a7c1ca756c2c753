import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baselineIndex } from '../../../correlator/baselines.ts';
import { referenceIntegrations } from '../../../correlator/reference.ts';
import type { Calibration } from '../../../correlator/types.ts';
import { openSimGroup } from '../../../devices/sim/index.ts';
import { measureDelays } from '../../../src/analysis/delay.ts';
import { defaultGroupFlags, solveGroupCalibration, type GroupSums } from '../../../src/analysis/groupcal.ts';
import { FitError } from '../../../src/analysis/lsq.ts';

/**
 * The simulated three-dish interferometer with cable delays the analysis
 * does not read: 0, 150 and 95 ns (0, 0.36 and 0.23 samples at 2.4 MS/s)
 * on top of its sample offsets (0, 1234, 517) and LO phases (0°, 73°, −120°),
 * the sun in the beams, and a 500 K noise source (a KrakenSDR-style source
 * is far hotter; 500 K loads the 8-bit ADC to 2.6σ, little clipping).
 */
const base = JSON.parse(readFileSync('devices/sim/scenarios/interferometer.json', 'utf8'));
const cable = [0, 150, 95];
const scenario = { ...base, noiseSource: { temperature: 500, on: false }, antennas: base.antennas.map((a: object, i: number) => ({ ...a, cableDelay: cable[i] })) };
const C = 64, N = 3;

/** `n` samples of every input with the noise source on, then `n` with it off, twice (one stream, as a switched source gives). */
async function capture(n: number) {
  const group = await openSimGroup({ scenario, pacing: false });
  const fs = group.engine.tuning.sampleRate;
  const cycle = () => {
    group.setNoiseSource(true);
    const on = group.read(n).map((b) => b.data);
    group.setNoiseSource(false);
    const off = group.read(n).map((b) => b.data);
    return { on, off };
  };
  const first = cycle(), second = cycle();
  await group.close();
  return { first, second, fs };
}

async function sums(streams: Uint8Array[], calibration: Calibration): Promise<GroupSums> {
  const [s] = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: 1 << 30 }, streams, calibration);
  return { visibilities: s!.visibilities, spectra: s!.spectra };
}

describe('group calibration from a switched noise source', () => {
  it('recovers the simulator’s cable delays within 0.05 sample and leaves every channel’s phase within 2° of zero', { timeout: 60_000 }, async () => {
    const n = 1 << 21;
    const { first: { on, off }, second, fs } = await capture(n);
    // Integer delays by cross-correlation (delay.ts), with its dynamic-range check.
    const integer = measureDelays(on, { maxLag: 4096 });
    expect(integer.snr.slice(1).every((s) => s > 20)).toBe(true);
    const current = { delays: integer.delays, gains: null };
    const cal = solveGroupCalibration(N, C, await sums(on, current), await sums(off, current), { current });
    // Truth: input a is read d_a later where its stream starts o_a earlier and its cable makes it τ_a·fs later.
    const truth = base.antennas.map((a: { sampleOffset: number }, i: number) => -a.sampleOffset + (cable[i]! * 1e-9 * fs));
    const t0 = Math.min(...truth);
    const errors = cal.delays.map((d, a) => d - (truth[a] - t0) - (cal.delays[0]! - (truth[0] - t0)));
    console.log(`group delays ${cal.delays.map((d) => d.toFixed(3)).join(', ')} samples; errors ${errors.map((e) => e.toFixed(4)).join(', ')}; residual σ ${cal.residualDelay.map((m) => m.sigma.toFixed(4)).join(', ')}; coherence ${cal.coherence.map((c) => c.toFixed(3)).join(', ')}`);
    for (const e of errors) expect(Math.abs(e)).toBeLessThan(0.05);
    // Per-channel phases before: the LO phases (73°, −120°) and the cable's RF phase; after, on the next on/off cycle: zero.
    // The second cycle starts 2n samples later: the integer delays carry over, the streams are cut at the same offsets.
    const after = await sums(second.on, { delays: cal.delays, gains: cal.gains });
    const offAfter = await sums(second.off, { delays: cal.delays, gains: cal.gains });
    const flags = defaultGroupFlags(C);
    let worst = 0;
    for (let a = 1; a < N; a++) {
      const p = baselineIndex(N, 0, a);
      for (let j = 0; j < C; j++) {
        if (flags[j]) continue;
        const re = after.visibilities[2 * (p * C + j)]! / after.spectra - offAfter.visibilities[2 * (p * C + j)]! / offAfter.spectra;
        const im = after.visibilities[2 * (p * C + j) + 1]! / after.spectra - offAfter.visibilities[2 * (p * C + j) + 1]! / offAfter.spectra;
        worst = Math.max(worst, Math.abs((Math.atan2(im, re) * 180) / Math.PI));
      }
    }
    const sigma = Math.max(...cal.channelSigmaDeg.slice(1).flatMap((s) => [...s].filter(Number.isFinite)));
    console.log(`after calibration: worst channel phase ${worst.toFixed(3)}° (per-channel σ up to ${sigma.toFixed(3)}°)`);
    // Fresh data: each channel's phase is noise of σ (solution) ⊕ σ (check); 2° must hold, and the σ must leave room for it.
    expect(worst).toBeLessThan(2);
    expect(3 * Math.SQRT2 * sigma).toBeLessThan(2);
  });

  it('says which input does not see the noise source, and what to do', () => {
    const products = (N * (N + 1)) / 2;
    const v = new Float64Array(2 * products * C);
    for (let a = 0; a < N; a++) for (let j = 0; j < C; j++) v[2 * (baselineIndex(N, a, a) * C + j)] = 1;
    expect(() => solveGroupCalibration(N, C, { visibilities: v, spectra: 100 }, null)).toThrow(FitError);
    expect(() => solveGroupCalibration(N, C, { visibilities: v, spectra: 100 }, null)).toThrow(/input 1 does not see the noise source.*measure them again/);
  });
});
