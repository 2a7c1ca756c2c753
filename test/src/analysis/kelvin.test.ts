import { describe, expect, it } from 'vitest';
import { antennaTemperature, channelMeans, fluxFromAntennaTemperature, noiseDiode, sunCalibration, toKelvin, yFactor } from '../../../src/analysis/kelvin.ts';
import { beamDiskResponse } from '../../../src/analysis/beam.ts';
import { gaussian, rng } from '../../../src/analysis/signals.ts';

/**
 * Readings of a radiometer: channel j has gain G_j (units per K) and receiver
 * temperature T_rx,j; each reading of input temperature T is G_j·(T_rx,j + T)
 * with the radiometer's relative scatter 1/√(Bτ).
 */
function readings(n: number, T: number, G: Float64Array, trx: Float64Array, bt: number, seed: number): Float64Array[] {
  const g = gaussian(rng(seed));
  return Array.from({ length: n }, () => G.map((gj, j) => gj * (trx[j]! + T) * (1 + g() / Math.sqrt(bt))));
}

const C = 32;
const G = Float64Array.from({ length: C }, (_, j) => 1e3 * (0.5 + Math.sin((Math.PI * (j + 0.5)) / C))); // a bandpass
const trx = Float64Array.from({ length: C }, (_, j) => 60 + 20 * Math.cos(j / 5)); // a receiver that varies across the band

describe('Y-factor', () => {
  it('recovers the gain and T_rx of every channel from noiseless readings exactly', () => {
    const hot = readings(1, 290, G, trx, Infinity, 1), cold = readings(1, 10, G, trx, Infinity, 2);
    const cal = yFactor(hot, cold, { tHot: 290, tCold: 10 });
    for (let j = 0; j < C; j++) {
      expect(cal.gain[j]).toBeCloseTo(1 / G[j]!, 12);
      expect(cal.trx![j]).toBeCloseTo(trx[j]!, 9);
      expect(cal.tsys[j]).toBeCloseTo(trx[j]! + 10, 9);
    }
    // The textbook form: T_rx = (T_hot − Y·T_cold)/(Y − 1) over the band's power.
    const Ph = hot[0]!.reduce((a, b) => a + b) / C, Pc = cold[0]!.reduce((a, b) => a + b) / C, Y = Ph / Pc;
    expect(cal.band.ratio.value).toBeCloseTo(Y, 12);
    expect(cal.band.trx!.value).toBeCloseTo((290 - Y * 10) / (Y - 1), 9);
  });

  it('states uncertainties that match the scatter over many trials (pulls of unit rms)', () => {
    const pulls: number[] = [], bandPulls: number[] = [];
    for (let t = 0; t < 200; t++) {
      const cal = yFactor(readings(20, 290, G, trx, 1e4, 10 + 2 * t), readings(20, 10, G, trx, 1e4, 11 + 2 * t), { tHot: 290, tCold: 10 });
      for (const j of [0, 7, 20]) pulls.push((cal.trx![j]! - trx[j]!) / cal.tsysSigma[j]!);
      const meanTrx = trx.reduce((a, b, j) => a + G[j]! * b, 0) / G.reduce((a, b) => a + b);
      bandPulls.push((cal.band.trx!.value - meanTrx) / cal.band.trx!.sigma);
    }
    const rms = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    // 600 pulls: rms within ±10 % of 1 (its σ ≈ 1/√(2·600) = 3 %); a σ ignoring the scatter would give rms ≫ 1.
    expect(rms(pulls)).toBeGreaterThan(0.9);
    expect(rms(pulls)).toBeLessThan(1.1);
    expect(rms(bandPulls)).toBeGreaterThan(0.8);
    expect(rms(bandPulls)).toBeLessThan(1.2);
  });

  it('carries the entered temperatures’ uncertainty and refuses loads in the wrong order', () => {
    const hot = readings(1, 290, G, trx, Infinity, 1), cold = readings(1, 10, G, trx, Infinity, 2);
    const cal = yFactor(hot, cold, { tHot: 290, tCold: 10, tHotSigma: 2.8 });
    expect(cal.band.gain.sigma / cal.band.gain.value).toBeCloseTo(0.01, 6);
    expect(() => yFactor(cold, hot, { tHot: 10, tCold: 290 })).toThrow(/must be hotter/);
    expect(() => yFactor(cold, cold, { tHot: 290, tCold: 10 })).toThrow(/do not differ/);
  });

  it('flags channels the caller flags and channels whose readings do not differ', () => {
    const hot = readings(10, 290, G, trx, 1e4, 3), cold = readings(10, 10, G, trx, 1e4, 4);
    hot.forEach((r) => (r[5] = cold[0]![5]!)); // a channel that saw no difference (a dead channel, a saturated one)
    const flags = new Uint8Array(C);
    flags[0] = 1;
    const cal = yFactor(hot, cold, { tHot: 290, tCold: 10, flags });
    expect(cal.flagged).toEqual([0, 5]);
    expect(Number.isNaN(cal.gain[0]!)).toBe(true);
    expect(Number.isFinite(cal.gain[1]!)).toBe(true);
  });
});

describe('noise diode', () => {
  it('gives gain = T_ns/(P_on − P_off) and T_sys of the off reading within its σ', () => {
    const tsysTrue = 110;
    const on = readings(50, tsysTrue - 60 + 25, G, Float64Array.from(trx, () => 60), 1e5, 5);
    const off = readings(50, tsysTrue - 60, G, Float64Array.from(trx, () => 60), 1e5, 6);
    const cal = noiseDiode(on, off, { tExcess: 25 });
    expect(Math.abs(cal.band.tsys.value - tsysTrue)).toBeLessThan(4 * cal.band.tsys.sigma);
    expect(cal.band.tsys.sigma).toBeLessThan(1);
    for (let j = 0; j < C; j++) expect(Math.abs(cal.gain[j]! * G[j]! - 1)).toBeLessThan(5 * cal.gainSigma[j]! * G[j]!);
    const k = toKelvin(off[0]!, cal);
    expect(k[3]! / 110).toBeCloseTo(1, 1);
  });
});

describe('the sun as calibrator', () => {
  it('T_A = η·πD²/4·S/(2k): 60 sfu on a 1 m dish at η 0.6 is 102 K (experiments.md: 50–100 K for a 1 m dish)', () => {
    const ta = antennaTemperature(60, 1, 0.6);
    expect(ta).toBeCloseTo((0.6 * Math.PI * 0.25 * 60e-22) / (2 * 1.380649e-23), 9);
    expect(ta).toBeCloseTo(102.4, 1);
    expect(fluxFromAntennaTemperature(ta, 1, 0.6)).toBeCloseTo(60, 9);
    expect(() => antennaTemperature(60, 1, 1.5)).toThrow(/efficiency/);
  });

  it('dilutes the disk over a beam it fills, and recovers T_sys', () => {
    const ta = antennaTemperature(80, 5, 0.5) * beamDiskResponse(0, 1.2, 0.533);
    const flat = Float64Array.from(trx, () => 0);
    const on = readings(1, 100 + ta, G, flat, Infinity, 1), off = readings(1, 100, G, flat, Infinity, 2);
    const cal = sunCalibration(on, off, { flux: 80, diameter: 5, efficiency: 0.5, beam: 1.2, fluxSigma: 8 });
    expect(cal.band.tsys.value).toBeCloseTo(100, 9);
    expect(cal.band.gain.sigma / cal.band.gain.value).toBeCloseTo(0.1, 9);
  });
});

describe('channelMeans', () => {
  it('gives the mean and the standard error of the mean', () => {
    const m = channelMeans([[1, 10], [3, 10], [5, 10]]);
    expect(Array.from(m.mean)).toEqual([3, 10]);
    expect(m.sigma[0]).toBeCloseTo(2 / Math.sqrt(3), 12);
    expect(m.sigma[1]).toBe(0);
    expect(() => channelMeans([])).toThrow(/at least one integration/);
  });
});
