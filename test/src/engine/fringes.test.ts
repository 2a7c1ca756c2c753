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
import { stopFringes } from '../../../src/analysis/fringestop.ts';
import { baselineGeometry, phaseCentreDirection } from '../../../src/astro/geometry.ts';
import { speedOfLight } from '../../../src/astro/velocity.ts';
import { baselineReport, sizeReport, type FringeData } from '../../../src/engine/fringes.ts';

const base = JSON.parse(readFileSync('devices/sim/scenarios/interferometer.json', 'utf8'));
// Positions on flat ground (up 0: one source cannot separate up from the instrumental phase), cables, offsets, LO phases.
const positions = [[-5, 0, 0], [5, 0, 0], [0, 8, 0]];
const cable = [0, 150, 95];
const scenario = (speed: number, start: string, model: 'disk' | 'point', where = positions) => ({
  ...base, speed, start, sun: { model }, noiseSource: { temperature: 500, on: false },
  antennas: base.antennas.slice(0, where.length).map((a: object, i: number) => ({ ...a, position: where[i], cableDelay: cable[i] })),
});
const C = 64, K = 128;

async function calibrate(where = positions) {
  const N = where.length;
  const group = await openSimGroup({ scenario: scenario(1, '2026-06-21T10:00:00Z', 'point', where), pacing: false });
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

/** `hours` of sky from `from` (UTC) at 30 s of sky per integration, correlated with the calibration, as fringe data. */
async function transit(model: 'disk' | 'point', cal: { delays: number[]; gains: Float32Array[] }, where = positions, from = '2026-06-21T10:00:00Z', hours = 4, stop = false): Promise<FringeData> {
  const N = where.length;
  const speed = 8789, start = Date.parse(from);
  const group = await openSimGroup({ scenario: scenario(speed, from, model, where), pacing: false });
  const fs = group.engine.tuning.sampleRate;
  const n = Math.ceil((hours * 3600 * fs) / speed) + Math.ceil(Math.max(...cal.delays)) + 4 * C;
  const streams = group.read(n).map((b) => b.data);
  await group.close();
  const ints = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: K }, streams, { delays: cal.delays, gains: cal.gains });
  const flags = defaultGroupFlags(C);
  const site = { name: 'sim', lat: 52, lon: 0, altitude: 0 };
  const times = Float64Array.from(ints, (_, i) => (start + (speed * 1000 * (i * K * C + (K * C) / 2)) / fs) / 1000);
  const dir = Array.from(times, (t) => phaseCentreDirection({ kind: 'sun' }, site, new Date(t * 1000)));
  if (stop) {
    // Fringe stopping toward the sun from the antenna positions and the ephemeris (geometry.ts, fringestop.ts).
    const fc = group.engine.tuning.centerFrequency;
    ints.forEach((s, i) => stopFringes(s.visibilities, N, C, (a, b) => baselineGeometry(where[a]!, where[b]!, { kind: 'sun' }, site, new Date(times[i]! * 1000), fc).uvw[2], fc, fs));
  }
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

  it('measures the sun’s diameter within 5 % on a 40 m east–west baseline that reaches the first null, with the nulls', { timeout: 240_000 }, async () => {
    const where = [[-20, 0, 0], [20, 0, 0]];
    const cal = await calibrate(where);
    const data = await transit('disk', cal, where, '2026-06-21T08:00:00Z', 8);
    const size = sizeReport(data, 600, 40);
    // The simulator draws the optical sun of the day: 0.53313°/1.0163 AU = 0.5246° (devices/sim/ephemeris.ts).
    console.log(`simulated sun: ${size.verdict}, d = ${size.diameterDeg?.value.toFixed(4)} ± ${size.diameterDeg?.sigma.toFixed(4)}°, baseline ${JSON.stringify(size.baseline)}, nulls ${JSON.stringify(size.nulls)}, χ²_ν ${size.reducedChi2.toFixed(2)}`);
    expect(size.decided).toBe(true);
    expect(Math.abs(size.diameterDeg!.value - 0.5246) / 0.5246).toBeLessThan(0.05);
    expect(size.nulls.length).toBeGreaterThanOrEqual(1);
  });

  it('stops the fringes: with the geometry toward the sun applied, every baseline keeps its phase hour by hour within 3° over four hours', { timeout: 180_000 }, async () => {
    const cal = await calibrate();
    const data = await transit('point', cal, positions, '2026-06-21T10:00:00Z', 4, true);
    for (const bl of data.baselines) {
      const ph = Array.from(bl.re, (re, i) => (Math.atan2(bl.im![i]!, re) * 180) / Math.PI);
      const mean = (Math.atan2(ph.reduce((s, p) => s + Math.sin((p * Math.PI) / 180), 0), ph.reduce((s, p) => s + Math.cos((p * Math.PI) / 180), 0)) * 180) / Math.PI;
      const dev = ph.map((p) => ((p - mean + 540) % 360) - 180);
      // Hour by hour: each integration's phase has ≈ 1° of noise. The simulator's sun and astronomy-engine's agree within
      // 0.02° (devices/sim ephemeris test): on 9.4 m at 21 cm that is up to 360°·9.4·3.5e−4/0.211 = 5.6° of fringe phase
      // across the track, so an hour's mean must stay within half that, 3°, of the whole's (unstopped: dozens of turns).
      const hours = [0, 1, 2, 3].map((k) => {
        const part = dev.slice((k * dev.length) / 4, ((k + 1) * dev.length) / 4);
        return part.reduce((x, y) => x + y, 0) / part.length;
      });
      const rms = Math.sqrt(dev.reduce((x, y) => x + y * y, 0) / dev.length);
      console.log(`fringe-stopped ${bl.a}–${bl.b}: phase ${mean.toFixed(2)}°, hourly means ${hours.map((h) => h.toFixed(2)).join(', ')}°, rms ${rms.toFixed(2)}°`);
      // Before stopping the phase turns through dozens of fringes; after, what is left is noise about a constant.
      for (const h of hours) expect(Math.abs(h)).toBeLessThan(3);
      expect(rms).toBeLessThan(3);
    }
  });
});
