/**
 * Switched HI observations: the pure difference-and-fold against analytic
 * spectra, and the simulator recorded position- and frequency-switched at
 * two sites, dates and pointings, reduced, against the simulator's hidden
 * profile (0.7 × the beam-averaged profile, as the plain calibrated
 * reduction of src/qualify/hi.ts measureHiCase is checked) and against that
 * plain reduction itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { phaseOf, switchedData, type SwitchEvent, type SwitchedIntegration } from '../../../src/analysis/hi/switching.ts';
import { reduceHi } from '../../../src/analysis/hi/reduce.ts';
import { hydrogenLine, lsrCorrection, radioVelocity } from '../../../src/astro/velocity.ts';
import { hiTuning } from '../../../src/analysis/hi/tuning.ts';
import { offsetCentre } from '../../../src/api/tuning.ts';
import { mixKey, Xoshiro128 } from '../../../devices/sim/prng.ts';
import { observeSwitched, switchEvents, switchedHiData, type OffPosition } from '../../../src/engine/hi-switch.ts';
import { HiError, loadHiData, reduceObservation } from '../../../src/engine/hi.ts';
import { hiCases, measureHiCase, type HiCase } from '../../../src/qualify/hi.ts';
import { Store } from '../../../observations/store/store.ts';
import { AntennaModel } from '../../../devices/sim/model.ts';
import { parseScenario } from '../../../devices/sim/scenario.ts';
import { pointingFromConfig } from '../../../devices/sim/pointing.ts';
import { equatorialToGalactic, horizontalToEquatorial, observerLsrVelocity } from '../../../devices/sim/ephemeris.ts';
import { beamAveragedProfile, profileAt } from '../../../devices/sim/hydrogen.ts';
import { beamFwhm } from '../../../devices/sim/beam.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-hisw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const C = 512, rate = 2.4e6, centre = 1420.4e6;
const freqs = Float64Array.from({ length: C }, (_, j) => centre + ((j - C / 2) * rate) / C);
/** A bandpass that switching must divide out: a slope and a ripple. */
const gain = (j: number) => 1e4 * (1 + 0.3 * (j / C - 0.5)) * (1 + 0.05 * Math.sin(j / 9));
/** A Gaussian line of 30 K at sky frequency f0, FWHM in Hz. */
const line = (f: number, f0: number, w: number) => 30 * Math.exp((-4 * Math.LN2 * (f - f0) ** 2) / (w * w));
const integ = (time: number, power: Float64Array): SwitchedIntegration => ({ time, duration: 1, power, lsrCorrection: 0, sk: null, spectra: 1000 });

describe('switching (pure)', () => {
  it('phaseOf: the phase in force over an interval, null when a switch falls inside it or before the first', () => {
    const ev: SwitchEvent[] = [{ time: 10, phase: 'on', cycle: 0 }, { time: 12, phase: 'slew', cycle: 0 }, { time: 13, phase: 'off', cycle: 0 }];
    expect(phaseOf(ev, 10, 11)).toEqual({ phase: 'on', cycle: 0 });
    expect(phaseOf(ev, 11, 12)).toEqual({ phase: 'on', cycle: 0 });
    expect(phaseOf(ev, 11.5, 12.5)).toBeNull();
    expect(phaseOf(ev, 13, 14)).toEqual({ phase: 'off', cycle: 0 });
    expect(phaseOf(ev, 9, 10)).toBeNull();
  });

  it('position: (on − off)/off × T_sys gives the line in kelvin with the bandpass divided out; mixed integrations are dropped', () => {
    const tsys = 100, f0 = hydrogenLine + 1e5;
    const on = Float64Array.from(freqs, (f, j) => gain(j) * (tsys + 5 + line(f, f0, 1e5)));
    const off = Float64Array.from(freqs, (_, j) => gain(j) * tsys);
    const ev: SwitchEvent[] = [{ time: 0, phase: 'on', cycle: 0 }, { time: 2, phase: 'off', cycle: 0 }, { time: 4.5, phase: 'on', cycle: 1 }, { time: 6.5, phase: 'off', cycle: 1 }];
    const its = [integ(0, on), integ(1, on), integ(2, off), integ(3, off), integ(4, off) /* mixed */, integ(5, on), integ(7, off)];
    const r = switchedData(freqs, its, ev, { kind: 'position', tsysK: tsys });
    expect(r.cycles).toBe(2);
    expect(r.dropped).toBe(1);
    const d = r.data.integrations[0]!.power;
    let worst = 0;
    for (let j = 20; j < C - 20; j++) if (j !== C / 2) worst = Math.max(worst, Math.abs(d[j]! - (5 + line(freqs[j]!, f0, 1e5))));
    expect(worst).toBeLessThan(1e-9);
    // Reduced: the 5 K continuum difference goes into the baseline, the line comes back at 30 K.
    const h = reduceHi(r.data, {}, { smoothKms: 0 });
    expect(h.unit).toBe('K');
    expect(h.components[0]!.peak).toBeCloseTo(30, 1);
  });

  it('frequency: the two LO settings folded give the line once, at its sky frequency', () => {
    const tsys = 80, throwHz = (C / 4) * (rate / C), f0 = hydrogenLine - 2e4;
    // lo setting: channel j sees sky frequency freqs[j]; hi setting: freqs[j] + throw.
    const lo = Float64Array.from(freqs, (f, j) => gain(j) * (tsys + line(f, f0, 1.2e5)));
    const hi = Float64Array.from(freqs, (f, j) => gain(j) * (tsys + line(f + throwHz, f0, 1.2e5)));
    const ev: SwitchEvent[] = [{ time: 0, phase: 'lo', cycle: 0 }, { time: 1, phase: 'hi', cycle: 0 }];
    const r = switchedData(freqs, [integ(0, lo), integ(1, hi)], ev, { kind: 'frequency', tsysK: tsys, throwHz });
    const d = r.data.integrations[0]!.power;
    const j0 = Math.round((f0 - freqs[0]!) / (rate / C));
    expect(d[j0]!).toBeCloseTo(line(freqs[j0]!, f0, 1.2e5), 6);
    expect(d[j0]!).toBeGreaterThan(29.9);
    // What folding leaves: negative ghosts at half amplitude a throw either side (j0 − k just below the folded band, its
    // wing inside); nothing else below zero in the folded band; NaN where one copy is missing.
    const k = C / 4;
    expect(d[j0 + k]!).toBeLessThan(-10);
    for (let j = k + 20; j < C - 20; j++) if (Number.isFinite(d[j]!) && Math.abs(j - j0 - k) > 80 && Math.abs(j - j0 + k) > 80) expect(d[j]!).toBeGreaterThan(-1e-9);
    expect(Number.isNaN(d[10]!)).toBe(true);
    expect(() => switchedData(freqs, [integ(0, lo), integ(1, hi)], ev, { kind: 'frequency', throwHz: throwHz + 1000 })).toThrow(/not a whole number/);
    expect(() => switchedData(freqs, [integ(0, lo)], ev, { kind: 'frequency', throwHz })).toThrow(/no complete frequency-switching cycle/);
    // Without T_sys the unit is relative.
    expect(switchedData(freqs, [integ(0, lo), integ(1, hi)], ev, { kind: 'frequency', throwHz }).data.switched!.unit).toBe('relative');
  });
});

describe('switching: spectral kurtosis (pure)', () => {
  /** K spectra per integration, two integrations per phase: SK of Gaussian noise scatters by 2/√K about 1 (seeded). */
  const K = 1000;
  const rng = Xoshiro128.fromKey(mixKey(13, 21));
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const noiseSk = () => Float64Array.from({ length: C }, () => 1 + (2 / Math.sqrt(K)) * gauss());
  const withSk = (time: number, power: Float64Array, bad: number[] = []): SwitchedIntegration => {
    const sk = noiseSk();
    for (const j of bad) sk[j] = 0.5; // a tone: SK well below 1
    return { time, duration: 1, power, lsrCorrection: 0, sk, spectra: K };
  };

  it('frequency: a tone in both LO settings is flagged at its sky frequency and at its ghost a throw away; nothing else is, and the line is recovered', () => {
    const tsys = 80, k = C / 4, throwHz = k * (rate / C), f0 = hydrogenLine - 2e4;
    const jt = 200; // the tone's lo-setting channel; in the hi setting it is channel jt − k
    const tone = (j: number, shift: number) => (j + shift === jt ? 40 : 0);
    const lo = Float64Array.from(freqs, (f, j) => gain(j) * (tsys + line(f, f0, 1.2e5) + tone(j, 0)));
    const hi = Float64Array.from(freqs, (f, j) => gain(j) * (tsys + line(f + throwHz, f0, 1.2e5) + tone(j, k)));
    const ev: SwitchEvent[] = [{ time: 0, phase: 'lo', cycle: 0 }, { time: 2, phase: 'hi', cycle: 0 }];
    const its = [withSk(0, lo, [jt]), withSk(1, lo, [jt]), withSk(2, hi, [jt - k]), withSk(3, hi, [jt - k])];
    const r = switchedData(freqs, its, ev, { kind: 'frequency', tsysK: tsys, throwHz });
    const out = r.data.integrations[0]!;
    expect(out.spectra).toBe(4 * K);
    const limit = 4 * (2 / Math.sqrt(out.spectra));
    const flagged = [...out.sk!.keys()].filter((j) => !(Math.abs(out.sk![j]! - 1) <= limit));
    // jt: the tone itself (lo at jt, hi at jt − k); jt + k: its negative ghost (hi at jt); jt − k lies below the folded band (NaN).
    expect(flagged).toEqual([jt, jt + k]);
    expect(Number.isNaN(out.power[jt - k]!)).toBe(true);
    // Without SK in the integrations there is none in the difference (imported data: flagged by spikes only).
    expect(switchedData(freqs, its.map((it) => ({ ...it, sk: null })), ev, { kind: 'frequency', tsysK: tsys, throwHz }).data.integrations[0]!.sk).toBeNull();
    // reduceHi flags them by SK: the tone's velocity is empty, and the line comes back at 30 K.
    const h = reduceHi(r.data, {}, { smoothKms: 0 });
    const vt = radioVelocity(freqs[jt]!, hydrogenLine), vg = radioVelocity(freqs[jt + k]!, hydrogenLine);
    const at = (v: number) => h.raw[h.velocity.reduce((b, x, i) => (Math.abs(x - v) < Math.abs(h.velocity[b]! - v) ? i : b), 0)];
    expect(at(vt)).toBeNull();
    expect(at(vg)).toBeNull();
    expect(h.flags.rfi).toBeGreaterThanOrEqual(2);
    // (Noiseless, the reduction gives 30.54 K without the tone: the DC channel's gap beside the line.)
    expect(Math.abs(h.components[0]!.peak / 30 - 1)).toBeLessThan(0.03);
  });

  it('position: a channel bad in the off phase only is flagged (the worst of either phase, not diluted by the mean)', () => {
    const on = Float64Array.from(freqs, (_, j) => gain(j) * 105);
    const off = Float64Array.from(freqs, (_, j) => gain(j) * 100);
    const ev: SwitchEvent[] = [{ time: 0, phase: 'on', cycle: 0 }, { time: 2, phase: 'off', cycle: 0 }];
    const sk = switchedData(freqs, [withSk(0, on), withSk(1, on), withSk(2, off, [300]), withSk(3, off, [300])], ev, { kind: 'position', tsysK: 100 }).data.integrations[0]!.sk!;
    const limit = 4 * (2 / Math.sqrt(4 * K));
    expect([...sk.keys()].filter((j) => !(Math.abs(sk[j]! - 1) <= limit))).toEqual([300]);
    // On the cycle's scale: the off phase's deviation (−0.5 in units of 2/√(2K)) in units of 2/√(4K): −0.5/√2, not the mean's −0.25.
    expect(sk[300]!).toBeCloseTo(1 - 0.5 / Math.SQRT2, 2);
  });
});

/** The simulator's hidden truth toward (az, el) at time ms: its system temperature off the line and 0.7 × its beam-averaged profile. */
function simTruth(c: HiCase, az: number, el: number, ms: number): { tsys: number; line: (v: number) => number; l: number; b: number; lsr: number } {
  const scenario = parseScenario({ seed: 1, site: c.site, start: c.start, antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az, el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [] });
  const model = new AntennaModel(scenario, scenario.antennas[0]!, pointingFromConfig(scenario.antennas[0]!.pointing, scenario.site));
  model.independentAmplitude(ms, centre, rate, new Float32Array(256).fill(1), new Float32Array(256));
  const eq = horizontalToEquatorial({ az, el }, scenario.site, ms);
  const gal = equatorialToGalactic(eq);
  const prof = beamAveragedProfile(Math.round(gal.l * 4) / 4, Math.round(gal.b * 4) / 4, beamFwhm(1.5, centre));
  return { tsys: model.receiverTemperature + model.continuum, line: (v) => 0.7 * profileAt(prof, v), l: gal.l, b: gal.b, lsr: observerLsrVelocity(eq, ms) };
}

/** The shift (km/s) that best aligns the spectrum with the truth (least squares over ±5 km/s, 0.01 steps), the reduced peak and the truth's. */
function compare(v: number[], y: (number | null)[], truth: (v: number) => number) {
  let vt = 0, tt = -Infinity;
  for (let x = -300; x <= 300; x += 0.05) if (truth(x) > tt) { tt = truth(x); vt = x; }
  const use = v.map((x, i) => (y[i] !== null && Math.abs(x - vt) < 150 ? i : -1)).filter((i) => i >= 0);
  const misfit = (s: number) => use.reduce((ss, i) => ss + (y[i]! - truth(v[i]! + s)) ** 2, 0);
  let best = 0, bestSs = Infinity;
  for (let k = -500; k <= 500; k++) { const ss = misfit(k / 100); if (ss < bestSs) { bestSs = ss; best = k / 100; } }
  return { offset: best, peak: Math.max(...use.map((i) => y[i]!)), truthPeak: tt };
}

const cases: { c: HiCase; off: OffPosition; offLineFree: boolean }[] = [
  { c: hiCases[0]!, off: { b: 60 }, offLineFree: true },
  { c: hiCases[1]!, off: { b: -60 }, offLineFree: false },
];

describe.each(cases)('switched observations of the simulator at ($c.site.lat, $c.site.lon) $c.start, az $c.az el $c.el', ({ c, off, offLineFree }) => {
  const scenarioFile = join(dir, `scenario-${c.start}.json`);
  writeFileSync(scenarioFile, JSON.stringify({ seed: 5, site: c.site, start: c.start, antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az: c.az, el: c.el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [] }));
  const t0 = Date.parse(c.start);
  const plain = measureHiCase(c);
  const base = { source: 'sim', seconds: 8, cycles: 2, sampleRate: rate, gain: 40 as const, channels: 1024, taps: 4, integration: 0.5, backend: 'cpu' as const, threads: 0, scenario: scenarioFile, pacing: false as const };

  it('position switching (on, off by the simulated rotator) recovers the on − off line: peak within 10 % in K, v_LSR within one channel', async () => {
    const dataDir = join(dir, `pos-${c.start}`);
    const first = await observeSwitched({ ...base, kind: 'position', dataDir, on: { az: c.az, el: c.el }, off });
    expect(first.status).toBe('complete');
    const store = Store.open(dataDir);
    try {
      // No centre asked for: tuned for the on direction's HI (its emission window mid-band), and said so.
      const obs = store.getObservation(first.observationId);
      const p = obs.config.pointing!;
      const tuned = hiTuning(p.l!, p.b!, rate, lsrCorrection({ name: 'sim', ...c.site, altitude: 0 }, new Date(obs.start * 1000), p.ra, p.dec));
      expect(Math.abs(obs.config.tuning.centerFrequency - tuned.centerFrequency)).toBeLessThan(rate / 1024);
      expect(first.notices.join(' ')).toMatch(/tuned to \d+\.\d{4} MHz for the HI at l /);
      const events = switchEvents(store, first.observationId);
      expect(events.map((e) => e.phase).filter((p) => p !== 'slew')).toEqual(['on', 'off', 'on', 'off']);
      const offEv = store.events(first.observationId).find((e) => e.kind === 'note' && (e.data as { switch?: string }).switch === 'off')!;
      const offAz = Number(offEv.data.az), offEl = Number(offEv.data.el);
      const onT = simTruth(c, c.az, c.el, t0), offT = simTruth(c, offAz, offEl, offEv.time * 1000);
      // The truth of position switching: the on line less the off position's, which the on position's LSR correction
      // puts where the off line's topocentric velocities are: at v + (c_off − c_on) of its own LSR axis.
      const truth = (v: number) => onT.line(v) - offT.line(v + offT.lsr - onT.lsr);
      const r = reduceObservation(store, first.observationId, [], { tsys: offT.tsys });
      expect(r.unit).toBe('K');
      expect(r.calibration).toMatch(/position switched: 2 cycles/);
      const m = compare(r.velocity, r.spectrum, truth);
      expect(Math.abs(m.offset)).toBeLessThanOrEqual(r.channel_kms);
      expect(Math.abs(m.peak / m.truthPeak - 1)).toBeLessThan(0.1);
      // How much the off position's line (where it lands) changes the on line's peak, in the truth.
      const onPeak = Math.max(...r.velocity.map((v) => onT.line(v)));
      const change = Math.abs(m.truthPeak / onPeak - 1);
      if (offLineFree) {
        // Off where the truth's peak changes by under 5 %: the same line as the plain calibrated reduction, within 10 %.
        expect(change).toBeLessThan(0.05);
        expect(Math.abs(m.peak / plain.peak - 1)).toBeLessThan(0.1);
        expect(Math.abs(m.offset - plain.velocityOffset)).toBeLessThanOrEqual(r.channel_kms);
      } else {
        // Off where there is HI too: its line is really subtracted (the result is not the plain reduction's line).
        expect(change).toBeGreaterThan(0.2);
        expect(m.peak / plain.peak).toBeLessThan(0.8);
      }
      // A reference on a switched observation is refused; so is --tsys on one that is not.
      expect(() => reduceObservation(store, first.observationId, [1])).toThrow(/position-switched: it carries its own reference/);
      expect(() => reduceObservation(store, first.observationId, [1])).toThrow(HiError);
    } finally {
      store.close();
    }
  }, 180_000);

  it('frequency switching (two LO settings a throw apart, folded) recovers the line: peak within 10 % in K, v_LSR within one channel', async () => {
    const dataDir = join(dir, `freq-${c.start}`);
    const res = await observeSwitched({ ...base, kind: 'frequency', dataDir, scenario: scenarioFile });
    expect(res.status).toBe('complete');
    // Whole channels, to the whole hertz a dongle tunes in (the two settings rounded).
    expect(Math.abs(res.switching.throw_hz! / (rate / 1024) - Math.round(res.switching.throw_hz! / (rate / 1024)))).toBeLessThan(1 / (rate / 1024));
    expect(Number.isInteger(res.switching.lo_hz) && Number.isInteger(res.switching.hi_hz)).toBe(true);
    const store = Store.open(dataDir);
    try {
      const events = switchEvents(store, res.observationId);
      expect(events.map((e) => e.phase).filter((p) => p !== 'slew')).toEqual(['lo', 'hi', 'lo', 'hi']);
      const t = simTruth(c, c.az, c.el, t0);
      const r = reduceObservation(store, res.observationId, [], { tsys: t.tsys });
      expect(r.calibration).toMatch(/frequency switched .* folded/);
      const m = compare(r.velocity, r.spectrum, t.line);
      expect(Math.abs(m.offset)).toBeLessThanOrEqual(r.channel_kms);
      expect(Math.abs(m.peak / m.truthPeak - 1)).toBeLessThan(0.1);
      expect(Math.abs(m.peak / plain.peak - 1)).toBeLessThan(0.1);
      // Without T_sys: relative, the same shape.
      const rel = reduceObservation(store, res.observationId);
      expect(rel.unit).toBe('relative');
      expect(Math.abs(rel.components[0]!.v_lsr_kms - r.components[0]!.v_lsr_kms)).toBeLessThan(1);
    } finally {
      store.close();
    }
  }, 180_000);
});

describe('position switching through a connected rotator', () => {
  it('moves the given rotator on and off (azimuth offset), records each arrival as a pointing event and uses no integration a move falls in', async () => {
    const { RotatorControl } = await import('../../../src/engine/rotator.ts');
    const rot = await RotatorControl.connect({ driver: 'sim', azRate: 40, elRate: 40, start: { az: 100, el: 45 } });
    const dataDir = join(dir, 'rotator');
    try {
      const r = await observeSwitched({ source: 'sim', kind: 'position', seconds: 4, cycles: 1, sampleRate: rate, gain: 40, channels: 512, taps: 4, integration: 0.5, backend: 'cpu', threads: 0, dataDir, scenario: 'devices/sim/scenarios/hydrogen.json', pacing: false, rotator: rot, on: { az: 90, el: 50 }, off: { az: 25 } });
      expect(r.status).toBe('complete');
      // The rotator is the caller's: left open, where the last phase put it (off).
      expect(rot.last.az).toBeCloseTo(115, 0);
      const store = Store.open(dataDir);
      try {
        const notes = store.events(r.observationId).filter((e) => e.kind === 'note' && 'switch' in e.data).map((e) => ({ t: e.time, ...(e.data as { switch: string; az?: number }) }));
        expect(notes.map((n) => n.switch)).toEqual(['on', 'slew', 'off']);
        expect(notes[2]!.az).toBe(115);
        const pointing = store.events(r.observationId).filter((e) => e.kind === 'pointing').map((e) => Number(e.data.az));
        expect(pointing.some((az) => Math.abs(az - 115) < 1.01)).toBe(true);
        // Each integration lies wholly in one phase, or is not used.
        const ev = switchEvents(store, r.observationId);
        const times = store.integrationTimes(r.observationId);
        const used = times.filter((t) => { const p = phaseOf(ev, t.time, t.time + t.duration); return p && p.phase !== 'slew'; });
        expect(used.length).toBeGreaterThanOrEqual(6);
        const h = reduceObservation(store, r.observationId, [], { tsys: 90 });
        expect(h.calibration).toMatch(/position switched: 1 cycle of/);
      } finally {
        store.close();
      }
    } finally {
      await rot.close();
    }
  }, 120_000);
});

describe('frequency switching with an RFI tone in the band (the simulator)', () => {
  it('flags the tone by spectral kurtosis at its sky frequency and its ghost a throw away, and still recovers the line', async () => {
    const c = hiCases[0]!;
    // A carrier 400 kHz below the line (about +84 km/s), inside the folded band (HI ± 720 kHz less the edges); so is its
    // ghost a throw (960 kHz) above, where the hi setting's copy lands when folded; the one a throw below is outside.
    const fTone = hydrogenLine - 4e5;
    const scenarioFile = join(dir, 'scenario-rfi.json');
    writeFileSync(scenarioFile, JSON.stringify({ seed: 7, site: c.site, start: c.start, antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az: c.az, el: c.el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [{ frequency: fTone, temperature: 0.1, phase: 0 }] }));
    const dataDir = join(dir, 'freq-rfi');
    const res = await observeSwitched({ source: 'sim', kind: 'frequency', seconds: 8, cycles: 2, sampleRate: rate, gain: 40, channels: 1024, taps: 4, integration: 0.5, backend: 'cpu', threads: 0, dataDir, scenario: scenarioFile, pacing: false });
    expect(res.status).toBe('complete');
    const store = Store.open(dataDir);
    try {
      const t = simTruth(c, c.az, c.el, Date.parse(c.start));
      // The switched differences carry SK: beyond 4σ at the tone's folded channel (lo setting) and at its ghost, in every cycle.
      const loaded = loadHiData(store, res.observationId);
      const sw = switchedHiData(store, loaded.obs, loaded.data, loaded.durations, t.tsys).data;
      const df = rate / 1024, throwHz = res.switching.throw_hz!;
      const ch = (f: number) => Math.round((f - sw.frequencies[0]!) / df);
      const jt = ch(fTone), jg = ch(fTone + throwHz);
      for (const it of sw.integrations) {
        const limit = 4 * (2 / Math.sqrt(it.spectra));
        const bad = [...it.sk!.keys()].filter((j) => !(Math.abs(it.sk![j]! - 1) <= limit));
        expect(bad.some((j) => Math.abs(j - jt) <= 1), `${bad} vs ${jt}`).toBe(true);
        expect(bad.some((j) => Math.abs(j - jg) <= 1), `${bad} vs ${jg}`).toBe(true);
        // Nothing else but the tone's leakage into its neighbours.
        expect(bad.filter((j) => Math.abs(j - jt) > 2 && Math.abs(j - jg) > 2), `${bad}`).toEqual([]);
      }
      // The reduction flags them (the spectrum is empty there) and recovers the line as without the tone. (A carrier this
      // narrow the spike flags catch too, without SK, losing more channels: 7 flagged against 3 with SK, measured; SK is what
      // catches RFI that is not a narrow spike in the difference.)
      const r = reduceObservation(store, res.observationId, [], { tsys: t.tsys });
      const vOf = (f: number) => radioVelocity(f, hydrogenLine) + r.lsr_correction_kms;
      const near = (v: number) => r.velocity.map((x, i) => (Math.abs(x - v) <= r.channel_kms ? i : -1)).filter((i) => i >= 0);
      for (const v of [vOf(fTone), vOf(fTone + throwHz)]) expect(near(v).some((i) => r.spectrum[i] === null), `v ${v.toFixed(1)}`).toBe(true);
      expect(r.flags.rfi).toBeGreaterThanOrEqual(2);
      const m = compare(r.velocity, r.spectrum, t.line);
      expect(Math.abs(m.offset)).toBeLessThanOrEqual(r.channel_kms);
      expect(Math.abs(m.peak / m.truthPeak - 1)).toBeLessThan(0.1);
    } finally {
      store.close();
    }
  }, 180_000);
});

describe('position switching with an RFI tone on the line (the simulator)', () => {
  it('flags the tone by spectral kurtosis: on − off cancels the carrier but divides the line there by T_sys + tone', async () => {
    const c = hiCases[0]!;
    // A carrier about 200 kHz above the line (about −14 km/s LSR), on its wing, at a channel's centre of the tuning
    // given (offset tuning: so that it stays in one channel); the same in the on and the off position.
    const df = rate / 1024, centre = offsetCentre(rate);
    const fTone = centre + Math.round((hydrogenLine + 2e5 - centre) / df) * df;
    const scenarioFile = join(dir, 'scenario-rfi-pos.json');
    writeFileSync(scenarioFile, JSON.stringify({ seed: 3, site: c.site, start: c.start, antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az: c.az, el: c.el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [{ frequency: fTone, temperature: 0.3, phase: 0 }] }));
    const dataDir = join(dir, 'pos-rfi');
    const res = await observeSwitched({ source: 'sim', kind: 'position', seconds: 8, cycles: 2, sampleRate: rate, gain: 40, centerFrequency: centre, channels: 1024, taps: 4, integration: 0.5, backend: 'cpu', threads: 0, dataDir, scenario: scenarioFile, pacing: false, on: { az: c.az, el: c.el }, off: { b: 60 } });
    expect(res.status).toBe('complete');
    const store = Store.open(dataDir);
    try {
      const loaded = loadHiData(store, res.observationId);
      const sw = switchedHiData(store, loaded.obs, loaded.data, loaded.durations, 90).data;
      const jt = Math.round((fTone - sw.frequencies[0]!) / (rate / 1024));
      for (const it of sw.integrations) {
        // The difference there is the line's, made too small (not a spike to see): only SK says the channel is bad.
        const around = [-4, -3, -2, 2, 3, 4].reduce((a, d) => a + it.power[jt + d]!, 0) / 6;
        expect(it.power[jt]!).toBeLessThan(0.7 * around);
        const limit = 4 * (2 / Math.sqrt(it.spectra));
        expect(Math.abs(it.sk![jt]! - 1)).toBeGreaterThan(limit);
      }
      const r = reduceObservation(store, res.observationId, [], { tsys: 90 });
      const v = radioVelocity(fTone, hydrogenLine) + r.lsr_correction_kms;
      const i = r.velocity.reduce((b, x, k) => (Math.abs(x - v) < Math.abs(r.velocity[b]! - v) ? k : b), 0);
      expect(r.spectrum[i], `v ${v.toFixed(2)} vs ${r.velocity[i]}`).toBeNull();
      expect(r.components[0]!.v_lsr_kms).toBeGreaterThan(2);
      expect(r.components[0]!.v_lsr_kms).toBeLessThan(8);
    } finally {
      store.close();
    }
  }, 180_000);
});
