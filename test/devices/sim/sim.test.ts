/**
 * The simulator's known parameters come back from simple estimators on its
 * bytes (power, a DFT at one frequency, time-domain cross-correlation),
 * with no correlator involved.
 */
import { describe, expect, it } from 'vitest';
import { beamFwhm, solarFlux, speedOfLight } from '../../../devices/sim/beam.ts';
import { angularSeparation, enuVector, equatorialToGalactic, equatorialToHorizontal, horizontalToEquatorial, observerLsrVelocity, sunDiameter, sunPosition } from '../../../devices/sim/ephemeris.ts';
import { bandpassPower } from '../../../devices/sim/frontend.ts';
import { beamAveragedProfile, hiRestFrequency } from '../../../devices/sim/hydrogen.ts';
import { diskVisibility } from '../../../devices/sim/sundisk.ts';
import { openSimGroup, openSimSource, parseScenario, pointingFromRotator } from '../../../devices/sim/index.ts';
import { fitGaussian } from '../../../src/analysis/gaussian.ts';
import { averagedSpectrum, countsVariance, crossCorrelation, dftAt, power, toComplex } from '../../../src/analysis/estimators.ts';

/** No sun, no line, no tones, no DC offset: receiver and continuum only. */
const quiet = { rfi: [], frontend: { dcOffset: [0, 0] }, hydrogen: { enabled: false }, sun: { enabled: false } };
const fs = 2_400_000;
/** Counts per √K at 40.2 dB (the R820T gain nearest 40) for tsys = 100 K: 20/√100 · 10^(0.2/20). */
const cprDefault = 2 * Math.pow(10, 0.2 / 20);
/** Variance of a mid-rise quantiser's error (counts²). */
const quantisation = 1 / 12;

describe('determinism', () => {
  const scenario = { seed: 7, antennas: [{}, { position: [30, 10, 0], sampleOffset: 5, loPhase: 20 }], noiseSource: { temperature: 30, on: true } };

  it('gives the same bytes for the same seed whatever the block sizes', async () => {
    const n = 150_000;
    const a = await openSimSource({ scenario, antenna: 1, pacing: false });
    const whole = a.read(n).data;
    const b = await openSimSource({ scenario, antenna: 1, pacing: false });
    const parts: Uint8Array[] = [];
    let got = 0;
    for (const size of [1, 4095, 4096, 777, 65_536]) {
      const blk = b.read(size);
      expect(blk.firstSample).toBe(got);
      parts.push(blk.data);
      got += size;
    }
    parts.push(b.read(n - got).data);
    const joined = new Uint8Array(2 * n);
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    expect(Buffer.compare(joined, whole)).toBe(0);
  });

  it("gives a lone dongle the bytes of the same input in a group, and other seeds other bytes", async () => {
    const n = 50_000;
    const lone = (await openSimSource({ scenario, antenna: 1, pacing: false })).read(n).data;
    const group = (await openSimGroup({ scenario, pacing: false })).read(n);
    expect(group.map((b) => b.input)).toEqual([0, 1]);
    expect(Buffer.compare(group[1].data, lone)).toBe(0);
    const other = (await openSimSource({ scenario: { ...scenario, seed: 8 }, antenna: 1, pacing: false })).read(n).data;
    let same = 0;
    for (let i = 0; i < other.length; i++) if (other[i] === lone[i]) same++;
    expect(same / other.length).toBeLessThan(0.1);
  });
});

describe('a gap', () => {
  // With a clock error too (ε = 3 ppm: sample times and LO turn) and an RFI tone, both of which depend on the sample index.
  const drifting = { seed: 11, antennas: [{ clockPpm: 3, sampleOffset: 7 }], rfi: [{ frequency: 1420.2e6, temperature: 50 }] };

  it('skipped gives the same samples after it as reading through, for gaps inside a segment, across many, and of a second', async () => {
    for (const sc of [{ seed: 11 }, drifting]) {
      for (const [lead, gap, tail] of [[100, 50, 3000], [1000, 70_000, 5000], [3, 2_400_000, 4096], [4096, 4096 * 40, 1]]) {
        const through = await openSimSource({ scenario: sc, pacing: false });
        through.read(lead);
        const all = through.read(gap + tail).data.subarray(2 * gap);
        const skipping = await openSimSource({ scenario: sc, pacing: false });
        skipping.read(lead);
        skipping.engine.skip(0, gap);
        const after = skipping.read(tail);
        expect(after.firstSample).toBe(lead + gap);
        expect(Buffer.compare(after.data, all), `gap ${gap} after ${lead}`).toBe(0);
      }
    }
  });

  it('of ten minutes is skipped without making its samples (reading through them would take minutes)', async () => {
    const src = await openSimSource({ scenario: { seed: 3 }, pacing: false });
    src.read(1000);
    const before = src.engine.synth(0).framesMade;
    src.engine.skip(0, 2_400_000 * 600);
    // One frame for the tail before the new start (the segment after the gap makes its own when read).
    expect(src.engine.synth(0).framesMade - before).toBeLessThanOrEqual(2);
    const b = src.read(4096);
    expect(b.firstSample).toBe(1000 + 2_400_000 * 600);
    expect(src.engine.position(0)).toBe(1000 + 2_400_000 * 600 + 4096);
  });
});

describe('sample loss', () => {
  it('loses whole gaps before blocks, reports them in Block.dropped, and keeps every other sample where it was', async () => {
    const scenario = { seed: 5, frontend: { dropProbability: 0.3, dropSamples: 1000 } };
    const lossy = await openSimSource({ scenario, pacing: false });
    const reference = (await openSimSource({ scenario: { seed: 5 }, pacing: false })).read(40 * 4096 + 40 * 1000).data;
    let next = 0, gaps = 0;
    for (let k = 0; k < 40; k++) {
      const b = lossy.read(4096);
      expect(b.firstSample).toBe(next + b.dropped);
      if (b.dropped > 0) gaps++;
      expect(b.dropped).toBeLessThanOrEqual(1000);
      expect(Buffer.compare(b.data, reference.subarray(2 * b.firstSample, 2 * (b.firstSample + 4096)))).toBe(0);
      next = b.firstSample + 4096;
    }
    // 39 chances at 0.3 (the first block never drops): 5…20 gaps with overwhelming probability, and fixed by the seed.
    expect(gaps).toBeGreaterThan(4);
    expect(gaps).toBeLessThan(21);
    const group = await openSimGroup({ scenario: { ...scenario, antennas: [{}, {}] }, pacing: false });
    let parted = false;
    for (let k = 0; k < 20; k++) {
      const [a, b] = group.read(1024);
      if (a!.firstSample !== b!.firstSample) parted = true;
    }
    expect(parted).toBe(true);
  });

  it('loses samples without a trace on request (loseSamples): the stream jumps ahead, the count and Block.dropped do not', async () => {
    const silent = await openSimSource({ scenario: { seed: 5 }, pacing: false });
    const reference = (await openSimSource({ scenario: { seed: 5 }, pacing: false })).read(3 * 4096 + 777).data;
    expect(silent.read(4096).firstSample).toBe(0);
    expect(silent.loseSamples(777)).toBe(4096);
    const b = silent.read(4096);
    expect(b).toMatchObject({ firstSample: 4096, dropped: 0 });
    expect(Buffer.compare(b.data, reference.subarray(2 * (4096 + 777), 2 * (2 * 4096 + 777)))).toBe(0);
    expect(() => silent.loseSamples(0)).toThrow(/positive integer/);
  });
});

describe('noise level', () => {
  it('maps the system temperature to ≈ 20 counts rms, scaled by the gain', async () => {
    const scenario = { ...quiet, antennas: [{ pointing: { mode: 'fixed', az: 0, el: 90 } }] };
    const src = await openSimSource({ scenario, pacing: false });
    const v = countsVariance(src.read(1 << 20).data);
    const model = src.engine.synth(0).model;
    const T = model.receiverTemperature + model.continuum;
    expect(T).toBeGreaterThan(99);
    expect(T).toBeLessThan(105);
    const expected = cprDefault ** 2 * src.engine.bandpassMean * T + quantisation;
    expect(v / expected).toBeGreaterThan(0.985);
    expect(v / expected).toBeLessThan(1.015);
    expect(await src.setGain(30)).toBe(29.7);
    const v2 = countsVariance(src.read(1 << 20).data);
    expect((v2 - quantisation) / (v - quantisation)).toBeCloseTo(Math.pow(10, (29.7 - 40.2) / 10), 2);
  });

  it('clips at 0 and 255 when the gain is raised', async () => {
    const scenario = { ...quiet, antennas: [{ pointing: { mode: 'fixed', az: 0, el: 90 } }] };
    const clipped = (d: Uint8Array) => d.reduce((s, b) => s + (b === 0 || b === 255 ? 1 : 0), 0) / d.length;
    const src = await openSimSource({ scenario, pacing: false });
    expect(clipped(src.read(1 << 18).data)).toBeLessThan(1e-4);
    expect(await src.setGain(49.6)).toBe(49.6);
    // 20·10^(9.4/20)·√0.85 ≈ 54 counts rms: |x| > 127.5 for ≈ 2 % of components.
    const c = clipped(src.read(1 << 18).data);
    expect(c).toBeGreaterThan(0.01);
    expect(c).toBeLessThan(0.04);
  });
});

describe('the sun', () => {
  it('adds η·(πD²/4)·S/(2k) on the sun, half at half the beam width, nothing two beams away', async () => {
    const f = 1_420_405_752;
    const fwhm = beamFwhm(1, f);
    const antennas = [
      { pointing: { mode: 'sun' } },
      { pointing: { mode: 'sun', offsetEl: fwhm / 2 } },
      { pointing: { mode: 'sun', offsetEl: -2 * fwhm } },
    ];
    const n = 1 << 19;
    const on = (await openSimGroup({ scenario: { ...quiet, sun: { enabled: true }, antennas }, pacing: false })).read(n);
    const off = (await openSimGroup({ scenario: { ...quiet, antennas }, pacing: false })).read(n);
    const group = await openSimGroup({ scenario: { ...quiet, antennas }, pacing: false });
    const k = cprDefault ** 2 * group.engine.bandpassMean;
    const tSun = on.map((b, i) => (countsVariance(b.data) - countsVariance(off[i].data)) / k);
    const tOff = off.map((b) => (countsVariance(b.data) - quantisation) / k);
    // Expected peak: 0.6·π/4·S/(2k_B) with S from the flux table, lowered by the disk: σ_b²/(σ_b² + r²/4).
    const t0 = Date.parse('2026-06-21T12:00:00Z');
    const sb = fwhm / (2 * Math.sqrt(2 * Math.LN2)), r = sunDiameter(sunPosition(t0).distance) / 2;
    const expected = ((0.6 * Math.PI * 0.25 * solarFlux(f) * 1e-22) / (2 * 1.380649e-23)) * (sb * sb) / (sb * sb + (r * r) / 4);
    expect(tSun[0] / expected).toBeGreaterThan(0.98);
    expect(tSun[0] / expected).toBeLessThan(1.02);
    // The on/off power ratio a drift scan would see: 1 + T_sun/T_sys.
    const ratio = countsVariance(on[0].data) / countsVariance(off[0].data);
    expect(ratio).toBeCloseTo(1 + expected / tOff[0], 1);
    expect(tSun[1] / tSun[0]).toBeGreaterThan(0.47);
    expect(tSun[1] / tSun[0]).toBeLessThan(0.53);
    expect(Math.abs(tSun[2])).toBeLessThan(1);
  });

  it('arrives at each antenna with its geometric delay and sample offset, with the fringe phase', async () => {
    // A at the origin; B 1000 m north, its stream starting 37 samples late. 2 m dishes make the sun strong.
    // A point source: the disk would be resolved out on 1000 m (see the next test).
    const antennas = [
      { diameter: 2, tsys: 100 },
      { diameter: 2, tsys: 100, position: [0, 1000, 0], sampleOffset: 37 },
    ];
    const scenario = { ...quiet, sun: { enabled: true, model: 'point' }, antennas, tuning: { gain: 33.8 } };
    const n = 1 << 18;
    const [a, b] = (await openSimGroup({ scenario, pacing: false })).read(n).map((blk) => toComplex(blk.data));
    // The sun's direction at the middle of the data; τ_B = −p·ŝ/c.
    const t = Date.parse('2026-06-21T12:00:00Z') + (n / 2 / fs) * 1000;
    const sun = equatorialToHorizontal(sunPosition(t), { lat: 52, lon: 0 }, t);
    const tauB = -(1000 * enuVector(sun)[1]) / speedOfLight;
    // x_A[n] pairs with x_B[n + lag] when n = n + lag + 37 − τ_B·fs.
    const expectedLag = -37 + tauB * fs;
    const lags: number[] = [], mags: number[] = [];
    for (let lag = -45; lag <= -25; lag++) {
      lags.push(lag);
      const c = crossCorrelation(a, b, lag);
      mags.push(Math.hypot(c.re, c.im));
    }
    const i = mags.indexOf(Math.max(...mags));
    expect(lags[i]).toBe(Math.round(expectedLag));
    const [m0, m1, m2] = [mags[i - 1], mags[i], mags[i + 1]];
    const frac = (0.5 * (m0 - m2)) / (m0 - 2 * m1 + m2);
    expect(Math.abs(lags[i] + frac - expectedLag)).toBeLessThan(0.15);
    // Correlation coefficient near the peak ≈ T_sun/(T_sun + T_rest); > 0.7 here.
    expect(m1 / Math.sqrt(power(a) * power(b))).toBeGreaterThan(0.7);
    // Fringe phase: x_B carries e^{−2πi·f_c·τ_B}, so ⟨x_A·x_B*⟩ has phase +2π·f_c·τ_B (mod 2π); the baseband part of
    // a symmetric band adds none at the nearest integer lag.
    const c = crossCorrelation(a, b, lags[i]);
    const want = 2 * Math.PI * 1_420_405_752 * tauB;
    const diff = Math.atan2(c.im, c.re) - want;
    expect(Math.abs(Math.atan2(Math.sin(diff), Math.cos(diff)))).toBeLessThan(0.2);
  });
});

describe('a drift scan', () => {
  it('gives back the beam width 1.2 λ/D (with the disk) from the sun drifting through a fixed pointing', async () => {
    // One hour of sky per second of samples at 1.024 MS/s; point where the sun will be two sky hours in.
    const rate = 1_024_000, speed = 3600, chunk = 51_200, chunks = 88;
    const t0 = Date.parse('2026-06-21T12:00:00Z');
    const site = { lat: 52, lon: 0 };
    const mid = t0 + 2 * 3_600_000;
    const aim = equatorialToHorizontal(sunPosition(mid), site, mid);
    const scenario = (sun: boolean) => ({
      ...quiet,
      sun: { enabled: sun },
      speed,
      tuning: { sampleRate: rate },
      antennas: [{ pointing: { mode: 'fixed', az: aim.az, el: aim.el } }],
    });
    const on = await openSimSource({ scenario: scenario(true), pacing: false });
    const off = await openSimSource({ scenario: scenario(false), pacing: false });
    // Sun power per chunk, the same noise subtracted, against the angle from the pointing to the sun (negative before the closest approach).
    const offset: number[] = [], sunPower: number[] = [];
    for (let k = 0; k < chunks; k++) {
      const dp = countsVariance(on.read(chunk).data) - countsVariance(off.read(chunk).data);
      const t = t0 + (speed * ((k + 0.5) * chunk)) / rate * 1000;
      const sun = equatorialToHorizontal(sunPosition(t), site, t);
      offset.push(Math.sign(t - mid) * angularSeparation(aim, sun));
      sunPower.push(dp);
    }
    const fit = fitGaussian(offset, sunPower, { baseline: 'constant' });
    expect(fit.points).toBeGreaterThan(20);
    const fwhm = fit.fwhm.value;
    console.log(`drift fit: FWHM ${fwhm.toFixed(3)} ± ${fit.fwhm.sigma.toFixed(3)}°, centre ${fit.centre.value.toFixed(3)}°, ${fit.points} points, ${fit.rejected.length} rejected`);
    const beam = beamFwhm(1, 1_420_405_752);
    const r = sunDiameter(sunPosition(mid).distance) / 2;
    const expected = Math.sqrt(beam * beam + 2 * Math.LN2 * r * r); // σ² = σ_b² + r²/4, in FWHM units
    expect(Math.abs(fwhm / expected - 1)).toBeLessThan(0.03);
    expect(expected).toBeCloseTo(14.51, 1);
  });
});

describe('the resolved sun', () => {
  it('has the visibility of a 0.53° disk, 2J₁(πdu)/(πdu), on east–west baselines', async () => {
    // At noon the sun is nearly due south, so east–west baselines are seen almost at full length.
    // 16.25 m: u ≈ 77 λ, V ≈ 0.5; 40 m: past the first null (≈ 28 m), V < 0.
    const east = [0, 16.25, 40];
    const antennas = east.map((x) => ({ position: [x, 0, 0] }));
    const n = 1 << 18;
    const on = (await openSimGroup({ scenario: { ...quiet, sun: { enabled: true }, antennas }, pacing: false })).read(n).map((b) => toComplex(b.data));
    const off = (await openSimGroup({ scenario: { ...quiet, antennas }, pacing: false })).read(n).map((b) => toComplex(b.data));
    const pSun = on.map((x, i) => power(x) - power(off[i]!));
    const t = Date.parse('2026-06-21T12:00:00Z') + (n / 2 / fs) * 1000;
    const eq = sunPosition(t);
    const s = enuVector(equatorialToHorizontal(eq, { lat: 52, lon: 0 }, t));
    const d = (sunDiameter(eq.distance) * Math.PI) / 180;
    const lambda = speedOfLight / 1_420_405_752;
    for (const b of [1, 2]) {
      const x = east[b]!;
      const tau = -(x * s[0]!) / speedOfLight;
      const u = (x * Math.sqrt(1 - s[0]! ** 2)) / lambda;
      const c = crossCorrelation(on[0]!, on[b]!, 0);
      // Remove the fringe phase of the disk centre, e^{+2πi·f_c·τ_b}; what is left is V·√(P_a·P_b), real.
      const ph = -2 * Math.PI * 1_420_405_752 * tau;
      const v = (c.re * Math.cos(ph) - c.im * Math.sin(ph)) / Math.sqrt(pSun[0]! * pSun[b]!);
      const vi = (c.re * Math.sin(ph) + c.im * Math.cos(ph)) / Math.sqrt(pSun[0]! * pSun[b]!);
      expect(Math.abs(v - diskVisibility(d, u))).toBeLessThan(0.03);
      expect(Math.abs(vi)).toBeLessThan(0.03);
    }
    expect(diskVisibility(d, (16.25 * Math.sqrt(1 - s[0]! ** 2)) / lambda)).toBeCloseTo(0.5, 1);
    expect(diskVisibility(d, (40 * Math.sqrt(1 - s[0]! ** 2)) / lambda)).toBeLessThan(-0.05);
  });
});

describe('the common noise source', () => {
  it('raises the correlation coefficient to T_ns/(T_ns + T_sys) at the offset lag, with the LO phase difference', async () => {
    const antennas = [{ pointing: { mode: 'fixed', az: 0, el: 90 } }, { pointing: { mode: 'fixed', az: 0, el: 90 }, sampleOffset: 11, loPhase: 70 }];
    const n = 1 << 18;
    const read = async (on: boolean) =>
      (await openSimGroup({ scenario: { ...quiet, antennas, noiseSource: { temperature: 60, on } }, pacing: false })).read(n).map((b) => toComplex(b.data));
    const [a0, b0] = await read(false);
    const [a1, b1] = await read(true);
    const rho = (x: typeof a0, y: typeof a0) => {
      const c = crossCorrelation(x, y, -11);
      return { abs: Math.hypot(c.re, c.im) / Math.sqrt(power(x) * power(y)), phase: (Math.atan2(c.im, c.re) * 180) / Math.PI };
    };
    expect(rho(a0, b0).abs).toBeLessThan(0.01);
    // The injected power, from the powers alone: T_ns/(T_ns + T_sys) = (P_on − P_off)/P_on.
    const pa = (power(a1) - power(a0)) / power(a1), pb = (power(b1) - power(b0)) / power(b1);
    const on = rho(a1, b1);
    expect(on.abs).toBeCloseTo(Math.sqrt(pa * pb), 2);
    expect(on.abs).toBeGreaterThan(0.3);
    expect(on.phase).toBeCloseTo(-70, 0);
    // And the injected power is 60 K through the counts mapping (power() sums I² + Q²: twice the per-component variance).
    const group = await openSimGroup({ scenario: { ...quiet, antennas }, pacing: false });
    const injected = ((power(a1) - power(a0)) * 127.5 ** 2) / 2 / (cprDefault ** 2 * group.engine.bandpassMean);
    expect(injected / 60).toBeGreaterThan(0.97);
    expect(injected / 60).toBeLessThan(1.03);
  });
});

describe('RFI tones', () => {
  it('puts a tone at its frequency with its power and phase', async () => {
    const fc = 1_420_405_752;
    const df = 312_500;
    const scenario = { ...quiet, rfi: [{ frequency: fc + df, temperature: 4, phase: 30 }], antennas: [{ pointing: { mode: 'fixed', az: 0, el: 90 } }] };
    const x = toComplex((await openSimSource({ scenario, pacing: false })).read(1 << 18).data);
    const tone = dftAt(x, df, fs);
    // Amplitude s·√(2T·B(f)) counts, in x = counts/127.5.
    const expected = (cprDefault * Math.sqrt(2 * 4 * bandpassPower((2 * df) / fs, parseScenario({}).frontend))) / 127.5;
    expect(tone.abs / expected).toBeGreaterThan(0.98);
    expect(tone.abs / expected).toBeLessThan(1.02);
    expect((Math.atan2(tone.im, tone.re) * 180) / Math.PI).toBeCloseTo(30, 0);
    expect(dftAt(x, df + 50_000, fs).abs).toBeLessThan(0.05 * expected);
  });
});

describe('the hydrogen line', () => {
  it('shows excess at the Doppler-shifted frequency of the model profile, moved by the LSR correction', async () => {
    const t0 = Date.parse('2026-06-21T12:00:00Z');
    const site = { lat: 52, lon: 0 };
    // Point at the galactic plane: the azimuth at 45° elevation with the smallest |b|.
    let best = { az: 0, l: 0, b: 90 };
    for (let az = 0; az < 360; az += 5) {
      const g = equatorialToGalactic(horizontalToEquatorial({ az, el: 45 }, site, t0));
      if (Math.abs(g.b) < Math.abs(best.b)) best = { az, l: g.l, b: g.b };
    }
    const pointing = { mode: 'fixed', az: best.az, el: 45 };
    const n = 1 << 20;
    const spectrum = async (hydrogen: { enabled: boolean; lsr: boolean }) =>
      averagedSpectrum(toComplex((await openSimSource({ scenario: { ...quiet, hydrogen, antennas: [{ pointing }] }, pacing: false })).read(n).data), 1024);
    const off = await spectrum({ enabled: false, lsr: true });
    const withLsr = await spectrum({ enabled: true, lsr: true });
    const noLsr = await spectrum({ enabled: true, lsr: false });
    const chan = fs / 1024;
    const peakVelocity = (s: Float64Array) => {
      let k = 0;
      for (let i = 0; i < 1024; i++) if (s[i] / off[i] > s[k] / off[k]) k = i;
      const f = 1_420_405_752 + (k - 512) * chan;
      return { v: (299_792.458 * (hiRestFrequency - f)) / hiRestFrequency, excess: s[k] / off[k] - 1 };
    };
    // Expected from the model: the beam-averaged profile's peak, shifted to topocentric by the LSR correction.
    const fwhm = beamFwhm(1, 1_420_405_752);
    const profile = beamAveragedProfile(Math.round(best.l * 4) / 4, Math.round(best.b * 4) / 4, fwhm);
    let pk = 0;
    for (let i = 0; i < profile.tb.length; i++) if (profile.tb[i] > profile.tb[pk]) pk = i;
    const vLsr = profile.v0 + pk * profile.dv;
    const correction = observerLsrVelocity(horizontalToEquatorial({ az: best.az, el: 45 }, site, t0), t0);
    expect(Math.abs(correction)).toBeGreaterThan(3);
    const a = peakVelocity(noLsr), b = peakVelocity(withLsr);
    expect(Math.abs(a.v - vLsr)).toBeLessThan(1.5);
    expect(Math.abs(b.v - (vLsr - correction))).toBeLessThan(1.5);
    // Height: η_mb·T_B/T_sys, η_mb = 0.7, T_sys ≈ 100 K at 45° on the plane (a few K more).
    expect(a.excess).toBeGreaterThan((0.7 * profile.tb[pk]) / 130);
    expect(a.excess).toBeLessThan((0.7 * profile.tb[pk]) / 95);
  });
});

describe('non-coherent dongles', () => {
  it('turn the common noise at −f_c·ε in a dongle whose clock is ε off, so only a fringe-rate DFT finds it', async () => {
    const eps = 2e-6;
    const antennas = [{ pointing: { mode: 'fixed', az: 0, el: 90 } }, { pointing: { mode: 'fixed', az: 0, el: 90 }, sampleOffset: 11, clockPpm: 2 }];
    const n = 1 << 17;
    const [a, b] = (await openSimGroup({ scenario: { ...quiet, antennas, noiseSource: { temperature: 60, on: true } }, pacing: false }))
      .read(n)
      .map((blk) => toComplex(blk.data));
    // p[n] = x_A[n]·conj(x_B[n − 11]) turns at +f_c·ε per second of B's clock.
    const p = { re: new Float64Array(n - 11), im: new Float64Array(n - 11) };
    for (let i = 11; i < n; i++) {
      const j = i - 11;
      p.re[j] = a.re[i] * b.re[j] + a.im[i] * b.im[j];
      p.im[j] = a.im[i] * b.re[j] - a.re[i] * b.im[j];
    }
    const norm = Math.sqrt(power(a) * power(b));
    const still = dftAt(p, 0, fs).abs / norm;
    const turning = dftAt(p, (1_420_405_752 * eps) / (1 + eps), fs).abs / norm;
    expect(still).toBeLessThan(0.02);
    // ρ = 60/(60 + ≈100) ≈ 0.37, a little less as B slips 0.26 samples over the span.
    expect(turning).toBeGreaterThan(0.3);
    expect(turning).toBeLessThan(0.4);
  });
});

describe('switching', () => {
  it('follows the noise source schedule (period and on-time, s)', async () => {
    const src = await openSimSource({
      scenario: { ...quiet, antennas: [{ pointing: { mode: 'fixed', az: 0, el: 90 } }], noiseSource: { temperature: 200, period: 0.02, onTime: 0.01 } },
      pacing: false,
    });
    const d = src.read(48_000).data;
    const v = (from: number, to: number) => countsVariance(d.subarray(2 * from, 2 * to));
    // On for samples 0…24 000, off for 24 000…48 000; frames switch within ≈ 4000 samples of the edge.
    const ratio = v(4000, 20_000) / v(28_000, 44_000);
    expect(ratio).toBeGreaterThan(2.8);
    expect(ratio).toBeLessThan(3.3);
  });

  it('lets a rotator drive the pointing at sky time running `speed` times faster', async () => {
    const calls: number[] = [];
    const t0 = Date.parse('2026-06-21T12:00:00Z');
    const switchAt = t0 + 60_000; // one sky minute in: slew 40° off the sun
    const site = { lat: 52, lon: 0 };
    const rotator = (t: number) => {
      calls.push(t);
      const sun = equatorialToHorizontal(sunPosition(t), site, t);
      return t < switchAt ? sun : { az: sun.az, el: sun.el - 40 };
    };
    const src = await openSimSource({ scenario: { ...quiet, sun: { enabled: true }, speed: 600 }, pointing: rotator, pacing: false });
    // 0.2 s of samples = 120 s of sky: on the sun for the first 0.1 s, off after.
    const d = src.read(480_000).data;
    const last = calls[calls.length - 1]!;
    expect((last - t0) / 1000).toBeGreaterThan(115);
    expect((last - t0) / 1000).toBeLessThan(121);
    const on = countsVariance(d.subarray(0, 2 * 200_000));
    const off = countsVariance(d.subarray(2 * 280_000));
    // ≈ 1 + 102 K/100 K on the sun.
    expect(on / off).toBeGreaterThan(1.8);
    expect(on / off).toBeLessThan(2.3);
  });
});

describe('a rotator as the pointing', () => {
  it('follows the position the rotator reports: on the sun, then away', async () => {
    const t0 = Date.parse('2026-06-21T12:00:00Z');
    const sun = equatorialToHorizontal(sunPosition(t0), { lat: 52, lon: 0 }, t0);
    let where = { az: sun.az, el: sun.el };
    const fake = { position: async () => where };
    const pointing = pointingFromRotator(fake, { intervalMs: 60_000 });
    try {
      await pointing.refresh();
      const src = await openSimSource({ scenario: { ...quiet, sun: { enabled: true } }, pointing, pacing: false });
      const on = countsVariance(src.read(200_000).data);
      where = { az: sun.az, el: sun.el - 45 };
      await pointing.refresh();
      expect(pointing.last.el).toBeCloseTo(sun.el - 45, 9);
      src.read(2 * 4096); // what was synthesised before the move
      const off = countsVariance(src.read(200_000).data);
      expect(on / off).toBeGreaterThan(1.8);
    } finally {
      pointing.stop();
    }
  });
});

describe('the RTL-SDR front end', () => {
  it('rolls off toward the band edges and puts the DC offset in the centre channel', async () => {
    const dc: [number, number] = [3, -2];
    const scenario = { ...quiet, frontend: { dcOffset: dc }, antennas: [{ pointing: { mode: 'fixed', az: 0, el: 90 } }] };
    const src = await openSimSource({ scenario, pacing: false });
    const d = src.read(1 << 19).data;
    // Mean byte − 127.5 is the DC offset in counts (at 40.2 dB: ×10^(0.2/20)).
    let si = 0, sq = 0;
    for (let i = 0; i < d.length; i += 2) {
      si += d[i]! - 127.5;
      sq += d[i + 1]! - 127.5;
    }
    const g = Math.pow(10, 0.2 / 20);
    expect(si / (d.length / 2) / (dc[0] * g)).toBeCloseTo(1, 1);
    expect(sq / (d.length / 2) / (dc[1] * g)).toBeCloseTo(1, 1);
    const nfft = 256;
    const s = averagedSpectrum(toComplex(d), nfft);
    const fe = parseScenario({}).frontend;
    const mid = (s[nfft / 2 - 20]! + s[nfft / 2 + 20]!) / 2; // ±0.16 of Nyquist, where B ≈ 1
    for (const x of [0.5, 0.85, 0.95]) {
      const k = Math.round((x * nfft) / 2);
      const measured = (s[nfft / 2 + k]! + s[nfft / 2 - k]!) / 2 / mid;
      expect(measured / bandpassPower(x, fe)).toBeGreaterThan(0.9);
      expect(measured / bandpassPower(x, fe)).toBeLessThan(1.1);
    }
    // The centre channel holds |DC|²·nfft on top of the noise: far above its neighbours.
    const spike = s[nfft / 2]! - (s[nfft / 2 - 1]! + s[nfft / 2 + 1]!) / 2;
    const expected = (((dc[0] * g) ** 2 + (dc[1] * g) ** 2) / 127.5 ** 2) * nfft * nfft;
    expect(spike / expected).toBeGreaterThan(0.85);
    expect(spike / expected).toBeLessThan(1.15);
  });
});
