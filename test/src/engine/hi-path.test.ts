/**
 * The station's own HI path, with no reference and no switching: the
 * simulator recorded through the FX core at the CLI's default tuning (offset
 * tuning, the line an eighth of the band above the DC spike) and at the
 * pointing's own HI tuning (src/analysis/hi/tuning.ts), reduced in relative
 * units with the bandpass still in the data (src/engine/hi.ts
 * reduceObservation), against the simulator's hidden profile: 0.7 × its
 * beam-averaged profile over its system temperature (receiver + continuum),
 * the scale a spectrum divided by its own flat level has.
 *
 * The inner Galaxy (l = 30°: emission over −80…+135 km/s) was lost by the
 * default path before ("no emission above 5σ": a cubic baseline fitted on one
 * side of the line and extrapolated across it); these cases pin what each
 * tuning can and cannot tell.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { offsetCentre } from '../../../src/api/tuning.ts';
import { hiTuning } from '../../../src/analysis/hi/tuning.ts';
import { describeEquatorial, galacticToEquatorial } from '../../../src/astro/galactic.ts';
import { observe } from '../../../src/engine/observe.ts';
import { reduceObservation, type HiResult } from '../../../src/engine/hi.ts';
import { Store } from '../../../observations/store/store.ts';
import { simHiTruth } from '../../helpers/hi-truth.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-hipath-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const site = { lat: 52, lon: 0 };
const start = '2026-06-21T22:00:00Z';
const rate = 2.4e6;

/** The hydrogen scenario's dish (1.5 m, T_rx 90 K) pointed at (az, el). */
function scenarioAt(name: string, az: number, el: number): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ seed: 3, site, start, antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az, el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [] }));
  return file;
}

/** The hidden truth for the dish at (az, el) at the start: T_sys off the line and the relative line it makes, (0.7 × profile)/T_sys. */
function truth(az: number, el: number) {
  const t = simHiTruth({ site, start, az, el });
  return { tsys: t.tsys, rel: (v: number) => t.line(v) / t.tsys };
}

/** Records 20 s of the scenario at `centre` and reduces it as `fringe hi ID` does. */
async function recordAndReduce(name: string, scenario: string, centre: number): Promise<HiResult> {
  const dataDir = join(dir, name);
  const r = await observe({ source: 'sim', mode: 'spectrum', tuning: { centerFrequency: centre, sampleRate: rate }, channels: 1024, taps: 4, integration: 1, seconds: 20, backend: 'cpu', threads: 0, dataDir, scenario, pacing: false });
  expect(r.status).toBe('complete');
  const store = Store.open(dataDir, { readonly: true });
  try {
    return reduceObservation(store, r.observationId);
  } finally {
    store.close();
  }
}

/** Where the relative truth exceeds the reduction's own 5σ (km/s), its peak, and the reduced peak against it. */
function against(r: HiResult, rel: (v: number) => number) {
  const thr = 5 * r.noise;
  let lo = NaN, hi = NaN, peak = 0, vPeak = 0;
  for (let v = -300; v <= 300; v += 0.1) {
    const t = rel(v);
    if (t > thr) { if (Number.isNaN(lo)) lo = v; hi = v; }
    if (t > peak) { peak = t; vPeak = v; }
  }
  const got = Math.max(...r.spectrum.map((y) => y ?? -Infinity));
  // The worst channel error over the band's part where the truth is above 10 % of its peak, as a fraction of the peak.
  let worst = 0;
  r.velocity.forEach((v, i) => {
    const y = r.spectrum[i];
    if (y !== null && rel(v) > 0.1 * peak) worst = Math.max(worst, Math.abs(y - rel(v)) / peak);
  });
  // The shift (km/s, 0.01 steps over ±3) that best aligns the reduced line with the truth where it is above 10 % of its peak.
  const use = r.velocity.map((v, i) => (r.spectrum[i] !== null && rel(v) > 0.1 * peak ? i : -1)).filter((i) => i >= 0);
  let shift = 0, best = Infinity;
  for (let k = -300; k <= 300; k++) {
    const ss = use.reduce((s, i) => s + (r.spectrum[i]! - rel(r.velocity[i]! + k / 100)) ** 2, 0);
    if (ss < best) { best = ss; shift = k / 100; }
  }
  return { range: [lo, hi] as const, peak, vPeak, got, worst, shift };
}

describe("the station's own HI path (relative, no reference) against the simulator's hidden line", () => {
  const eq30 = galacticToEquatorial(30, 0);
  const aim30 = describeEquatorial(eq30.ra, eq30.dec, { name: 'sim', ...site, altitude: 0 }, new Date(start));
  const inner = scenarioAt('l30', aim30.az!, aim30.el!);
  const truth30 = truth(aim30.az!, aim30.el!);

  it('l = 30° at its own HI tuning: line-free channels both sides, a cubic baseline, the whole profile and its 5σ extent back', async () => {
    expect(aim30.el!).toBeGreaterThan(20);
    const t = hiTuning(30, 0, rate, 22.6);
    expect(t.margins[0]).toBeGreaterThanOrEqual(15);
    expect(t.margins[1]).toBeGreaterThanOrEqual(15);
    const r = await recordAndReduce('l30-tuned', inner, t.centerFrequency);
    expect(r.unit).toBe('relative');
    expect(r.undecided).toBeNull();
    expect(r.baseline.order).toBe(3);
    expect(r.notes.join(' ')).not.toMatch(/only (above|below)/);
    const m = against(r, truth30.rel);
    console.log(`l 30 tuned to ${(t.centerFrequency / 1e6).toFixed(4)} MHz: range ${r.velocity_range_kms!.join('…')} vs truth ${m.range.map((x) => x.toFixed(1)).join('…')} km/s; peak ${(m.got * truth30.tsys).toFixed(1)} vs ${(m.peak * truth30.tsys).toFixed(1)} K (T_sys ${truth30.tsys.toFixed(1)} K); worst channel ${(100 * m.worst).toFixed(1)} % of the peak; shift ${m.shift} km/s; noise ${(r.noise * truth30.tsys).toFixed(2)} K`);
    expect(r.range_cut).toEqual({ low: false, high: false });
    // No RFI in this sky: the one flag inside the band is the DC channel, said as such.
    expect(r.flags).toMatchObject({ rfi: 0, dc: 1, mask: 0 });
    // The 5σ extent: each end within 6 km/s of where the truth crosses the same 5σ (the smoothing and the noise's wiggle).
    expect(Math.abs(r.velocity_range_kms![0] - m.range[0])).toBeLessThan(6);
    expect(Math.abs(r.velocity_range_kms![1] - m.range[1])).toBeLessThan(6);
    expect(Math.abs(m.got / m.peak - 1)).toBeLessThan(0.1);
    expect(m.worst).toBeLessThan(0.06);
    expect(Math.abs(m.shift)).toBeLessThanOrEqual(r.channel_kms);
  }, 180_000);

  it('l = 30° at the default offset tuning: the emission runs off the band below, said so (and where to tune); the terminal side is right', async () => {
    const r = await recordAndReduce('l30-offset', inner, offsetCentre(rate));
    const m = against(r, truth30.rel);
    console.log(`l 30 at offset tuning: range ${r.velocity_range_kms!.join('…')} vs truth ${m.range.map((x) => x.toFixed(1)).join('…')} km/s; notes: ${r.notes.join(' | ')}`);
    expect(r.undecided).toBeNull();
    expect(r.range_cut).toEqual({ low: true, high: false });
    expect(r.baseline.order).toBe(1);
    expect(r.notes.join(' ')).toMatch(/line-free channels only above the emission window/);
    expect(r.notes.join(' ')).toMatch(new RegExp(`tune to ${(hiTuning(30, 0, rate, r.lsr_correction_kms).centerFrequency / 1e6).toFixed(4)} MHz`));
    expect(Math.abs(r.velocity_range_kms![1] - m.range[1])).toBeLessThan(6);
    expect(Math.abs(m.got / m.peak - 1)).toBeLessThan(0.1);
  }, 180_000);

  it('a curved baseline pinned by a sliver of line-free band and contradicted by the data: cannot decide (l 25° from 31.5° S)', async () => {
    // Found on a scenario the code had not seen: a 15 km/s sliver below the window let a cubic through, which sagged 3 K
    // under the line's low side (range −50 vs the truth's −63 km/s, peak −12 %) while the spectrum dipped 5σ below it.
    const south = { lat: -31.5, lon: 115.9 }, when = '2026-08-15T13:00:00Z';
    // l 25°, b 0° there and then, from astropy (az 11.239°, el 65.134°), as that scenario had it, with its carrier at 1420.9 MHz.
    const file = join(dir, 'south-l25.json');
    writeFileSync(file, JSON.stringify({ seed: 11, site: south, start: when, antennas: [{ name: 'dish', diameter: 2.3, tsys: 75, pointing: { mode: 'fixed', az: 11.239, el: 65.134 } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [{ frequency: 1420.9e6, temperature: 0.3, phase: 0 }] }));
    const r = await recordAndReduce('south-l25', file, offsetCentre(rate));
    expect(r.baseline.order).toBe(3);
    expect(r.undecided!).toMatch(/more than 5σ below its baseline[^:]*: with no reference the baseline stands for the receiver's bandpass, and the data contradict it/);
    expect(r.velocity_range_kms).toBeNull();
    expect(r.components).toEqual([]);
    expect(r.undecided!).toMatch(/tune to 1420\.\d{4} MHz/);
  }, 180_000);

  it("the hydrogen scenario's own pointing (l 70.6°, b 8.2°) at the default offset tuning: the line, its extent and its peak", async () => {
    const scenario = scenarioAt('default', 90, 50);
    const r = await recordAndReduce('default', scenario, offsetCentre(rate));
    expect(r.l_deg!).toBeCloseTo(70.6, 0);
    const t = truth(90, 50);
    const m = against(r, t.rel);
    console.log(`default scenario: range ${r.velocity_range_kms!.join('…')} vs truth ${m.range.map((x) => x.toFixed(1)).join('…')} km/s; peak ${(m.got * t.tsys).toFixed(1)} vs ${(m.peak * t.tsys).toFixed(1)} K; worst ${(100 * m.worst).toFixed(1)} %; shift ${m.shift} km/s; components ${r.components.map((c) => c.v_lsr_kms.toFixed(1)).join(', ')}`);
    expect(r.undecided).toBeNull();
    expect(r.range_cut.low || r.range_cut.high).toBe(false);
    expect(Math.abs(r.velocity_range_kms![0] - m.range[0])).toBeLessThan(6);
    expect(Math.abs(r.velocity_range_kms![1] - m.range[1])).toBeLessThan(6);
    expect(Math.abs(m.got / m.peak - 1)).toBeLessThan(0.1);
    expect(m.worst).toBeLessThan(0.06);
    expect(Math.abs(m.shift)).toBeLessThanOrEqual(r.channel_kms);
    expect(Math.abs(r.components[0]!.v_lsr_kms - m.vPeak)).toBeLessThan(3);
  }, 180_000);
});
