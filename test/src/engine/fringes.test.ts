/**
 * Known answers on the simulator: a four-hour transit of the sun through the
 * three-dish interferometer, calibrated from the noise source first, then
 * fitted for baselines and closure phases (src/engine/fringes.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baselineIndex } from '../../../correlator/baselines.ts';
import { referenceIntegrations } from '../../../correlator/reference.ts';
import { openSimGroup } from '../../../devices/sim/index.ts';
import { measureDelays } from '../../../src/analysis/delay.ts';
import { defaultGroupFlags, solveGroupCalibration } from '../../../src/analysis/groupcal.ts';
import { phaseCentreDirection } from '../../../src/astro/geometry.ts';
import { speedOfLight } from '../../../src/astro/velocity.ts';
import { baselineReport, type FringeData } from '../../../src/engine/fringes.ts';

const base = JSON.parse(readFileSync('devices/sim/scenarios/interferometer.json', 'utf8'));
// Positions on flat ground (up 0: one source cannot separate up from the instrumental phase), cables, offsets, LO phases.
const positions = [[-5, 0, 0], [5, 0, 0], [0, 8, 0]];
const cable = [0, 150, 95];
const scenario = (speed: number, start: string, model: 'disk' | 'point') => ({
  ...base, speed, start, sun: { model }, noiseSource: { temperature: 500, on: false },
  antennas: base.antennas.map((a: object, i: number) => ({ ...a, position: positions[i], cableDelay: cable[i] })),
});
const C = 64, N = 3, K = 256;

async function calibrate() {
  const group = await openSimGroup({ scenario: scenario(1, '2026-06-21T10:00:00Z', 'point'), pacing: false });
  group.setNoiseSource(true);
  const on = group.read(1 << 20).map((b) => b.data);
  group.setNoiseSource(false);
  const off = group.read(1 << 20).map((b) => b.data);
  await group.close();
  const integer = measureDelays(on, { maxLag: 4096 });
  const current = { delays: integer.delays, gains: null };
  const sums = async (x: Uint8Array[]) => {
    const [s] = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: 1 << 30 }, x, current);
    return { visibilities: s!.visibilities, spectra: s!.spectra };
  };
  return solveGroupCalibration(N, C, await sums(on), await sums(off), { current });
}

/** Four hours of sky (10:00–14:00 UTC) in 3.9 M samples, correlated with the calibration, as fringe data. */
async function transit(model: 'disk' | 'point', cal: { delays: number[]; gains: Float32Array[] }): Promise<FringeData> {
  const speed = 8789, start = Date.parse('2026-06-21T10:00:00Z');
  const group = await openSimGroup({ scenario: scenario(speed, '2026-06-21T10:00:00Z', model), pacing: false });
  const fs = group.engine.tuning.sampleRate;
  const n = Math.ceil((4 * 3600 * fs) / speed) + Math.ceil(Math.max(...cal.delays)) + 4 * C;
  const streams = group.read(n).map((b) => b.data);
  await group.close();
  const ints = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: K }, streams, { delays: cal.delays, gains: cal.gains });
  const flags = defaultGroupFlags(C);
  const site = { name: 'sim', lat: 52, lon: 0, altitude: 0 };
  const times = Float64Array.from(ints, (_, i) => (start + (speed * 1000 * (i * K * C + (K * C) / 2)) / fs) / 1000);
  const dir = Array.from(times, (t) => phaseCentreDirection({ kind: 'sun' }, site, new Date(t * 1000)));
  const baselines: FringeData['baselines'] = [];
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      const re = new Float64Array(ints.length), im = new Float64Array(ints.length);
      ints.forEach((s, i) => {
        const v = s.visibilities, p = baselineIndex(N, a, b), pa = baselineIndex(N, a, a), pb = baselineIndex(N, b, b);
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
    kind: 'group', site, lambda: speedOfLight / group.engine.tuning.centerFrequency, times,
    h: Float64Array.from(dir, (d) => d.h), dec: Float64Array.from(dir, (d) => d.dec), baselines, centre: { kind: 'sun' },
  };
}

describe('baselines and closure phases from a simulated transit of the sun', () => {
  it('gives every baseline within 1 % in length and 1° in direction, and closure phases within 2° of zero on a point sun', { timeout: 180_000 }, async () => {
    const cal = await calibrate();
    const data = await transit('point', cal);
    const report = baselineReport(data, 300);
    for (const b of report.baselines) {
      const want = positions[b.b]!.map((x, k) => x - positions[b.a]![k]!);
      const len = Math.hypot(want[0]!, want[1]!);
      const dirErr = ((Math.atan2(b.east_m, b.north_m) - Math.atan2(want[0]!, want[1]!)) * 180) / Math.PI;
      console.log(`${b.a}–${b.b}: east ${b.east_m.toFixed(3)} (${want[0]}), north ${b.north_m.toFixed(3)} (${want[1]}), length ${b.length_m.toFixed(3)} ± ${b.length_err_m.toFixed(3)} m (${len.toFixed(3)}), direction off ${dirErr.toFixed(3)}°`);
      expect(Math.abs(b.length_m - len) / len).toBeLessThan(0.01);
      expect(Math.abs(dirErr)).toBeLessThan(1);
    }
    console.log(`closure: ${JSON.stringify(report.closure_phases_deg)}`);
    expect(report.closure_phases_deg).toHaveLength(1);
    expect(Math.abs(report.closure_phases_deg[0]!.deg)).toBeLessThan(2);
  });
});
