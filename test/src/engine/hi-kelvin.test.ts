/**
 * An HI recording in kelvin through the station's own calibration: a
 * calibration record (per-channel gain to K, as a drift's hot load or diode
 * leaves one) is applied by the live view, the recording notes it from its
 * first integration, and the reduction reads kelvin from it.
 *
 * The record is made here as a hot load makes it: the simulator's load
 * (290 K in front of the feed, no sky) recorded at the same tuning, and
 * gain_j = (T_rx + T_hot)/P_hot,j with the scenario's receiver temperature —
 * the known answer. The sky is the hydrogen scenario pointed at l = 30°
 * (the inner Galaxy), tuned for its HI (src/analysis/hi/tuning.ts); the line
 * must come back in kelvin within 10 % of the simulator's hidden profile and
 * within one channel in v_LSR.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hiTuning } from '../../../src/analysis/hi/tuning.ts';
import { describeEquatorial, galacticToEquatorial } from '../../../src/astro/galactic.ts';
import { reduceObservation } from '../../../src/engine/hi.ts';
import { observe } from '../../../src/engine/observe.ts';
import { saveSettings, loadSettings } from '../../../src/engine/settings.ts';
import { Station } from '../../../src/engine/station.ts';
import { Store } from '../../../observations/store/store.ts';
import { simHiTruth } from '../../helpers/hi-truth.ts';
import { spectra } from '../../helpers/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-hikelvin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const site = { lat: 52, lon: 0 };
const start = '2026-06-21T22:00:00Z';
const rate = 2.4e6, C = 1024, tRx = 90, tHot = 290;

describe('HI in kelvin from the station’s calibration', () => {
  it('a recording made under a hot-load calibration reduces in K: l = 30° within 10 % of the hidden profile, v_LSR within one channel', async () => {
    const eq = galacticToEquatorial(30, 0);
    const aim = describeEquatorial(eq.ra, eq.dec, { name: 'sim', ...site, altitude: 0 }, new Date(start));
    const scenario = (hot: boolean) => {
      const file = join(dir, `l30-${hot ? 'hot' : 'sky'}.json`);
      writeFileSync(file, JSON.stringify({ seed: 4, site, start, antennas: [{ name: 'dish', diameter: 1.5, tsys: tRx, pointing: { mode: 'fixed', az: aim.az, el: aim.el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, hotLoad: { temperature: tHot, on: hot }, rfi: [] }));
      return file;
    };
    const centre = hiTuning(30, 0, rate, 22.6).centerFrequency;
    const tuning = { centerFrequency: centre, sampleRate: rate, gain: 40 };

    // The hot load, 5 s at the sky's tuning: per-channel gain to kelvin.
    const hotDir = join(dir, 'hot');
    const hot = await observe({ source: 'sim', mode: 'spectrum', tuning, channels: C, taps: 4, integration: 1, seconds: 5, backend: 'cpu', threads: 0, dataDir: hotDir, scenario: scenario(true), pacing: false });
    const hs = Store.open(hotDir, { readonly: true });
    const pHot = new Float64Array(C);
    let n = 0;
    for (const it of hs.integrations(hot.observationId)) {
      for (let j = 0; j < C; j++) pHot[j]! += it.visibilities[2 * j]! / it.spectra;
      n++;
    }
    hs.close();
    // The DC channel and the outer 2 % have no gain of their own (as a calibration flags them): null.
    const gain = Array.from(pHot, (p, j) => (j === C / 2 || j < C * 0.02 || j >= C * 0.98 ? null : (tRx + tHot) / (p / n)));

    // The station on the sky scenario, the record current for its receiver: the live view is in K, and so is the recording.
    const dataDir = join(dir, 'station');
    mkdirSync(dataDir);
    saveSettings(dataDir, { ...loadSettings(dataDir), scenario: scenario(false) });
    const station = Station.open(dataDir);
    let id: number;
    try {
      const rec = station.store.addCalibration({ time: Date.parse(start) / 1000 - 600, method: 'hot-load', inputs: { hotK: tHot }, channels: C, centerFrequency: centre, sampleRate: rate, tunerGain: null, gain, tsys: tRx + 20, tsysSigma: 1, observationId: null });
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false, tuning, channels: C, integration: 1 });
      await spectra(station, 1, (e) => !!e.kelvin);
      id = station.startRecording({ target: 'l 30' });
      await spectra(station, 16, (e) => e.recording === id);
      station.stopRecording();
      const events = station.store.events(id).filter((e) => e.kind === 'calibration');
      expect(events[0]!.data).toMatchObject({ kelvin: { record: rec.id, method: 'hot-load', flagged: expect.arrayContaining([C / 2, 0, C - 1]) } });
    } finally {
      await station.close();
    }

    const store = Store.open(dataDir, { readonly: true });
    try {
      const r = reduceObservation(store, id);
      expect(r.unit).toBe('K');
      expect(r.calibration).toMatch(/the station's calibration #\d+ \(hot-load, taken 2026-06-21 21:50 UTC, T_sys 110 K\) applied while recording/);
      expect(r.flags.calibration).toBeGreaterThan(0);
      expect(r.undecided).toBeNull();
      // The hidden truth: 0.7 × the beam-averaged profile where the simulator's own ephemeris puts the dish.
      const truth = simHiTruth({ site, start, az: aim.az!, el: aim.el!, tsys: tRx }).line;
      let tPeak = 0, vPeak = 0;
      for (let v = -300; v <= 300; v += 0.05) if (truth(v) > tPeak) { tPeak = truth(v); vPeak = v; }
      const use = r.velocity.map((v, i) => (r.spectrum[i] !== null && truth(v) > 0.1 * tPeak ? i : -1)).filter((i) => i >= 0);
      const misfit = (s: number) => use.reduce((ss, i) => ss + (r.spectrum[i]! - truth(r.velocity[i]! + s)) ** 2, 0);
      let best = 0, bestSs = Infinity;
      for (let k = -300; k <= 300; k++) { const ss = misfit(k / 100); if (ss < bestSs) { bestSs = ss; best = k / 100; } }
      const peak = Math.max(...use.map((i) => r.spectrum[i]!));
      const worst = Math.max(...use.map((i) => Math.abs(r.spectrum[i]! - truth(r.velocity[i]!)) / tPeak));
      console.log(`l 30 in K: peak ${peak.toFixed(1)} vs ${tPeak.toFixed(1)} K at ${vPeak.toFixed(1)} km/s; shift ${best} km/s (channel ${r.channel_kms}); worst channel ${(100 * worst).toFixed(1)} % of the peak; range ${r.velocity_range_kms?.join('…')}; noise ${r.noise.toFixed(3)} K`);
      expect(Math.abs(peak / tPeak - 1)).toBeLessThan(0.1);
      expect(Math.abs(best)).toBeLessThanOrEqual(r.channel_kms);
      expect(worst).toBeLessThan(0.1);
      // The extent: above 5σ over the simulator's −77…+136 km/s at this noise (the 5σ crossings of the truth).
      expect(r.velocity_range_kms![0]).toBeLessThan(-60);
      expect(r.velocity_range_kms![1]).toBeGreaterThan(125);
    } finally {
      store.close();
    }
  }, 60_000);
});
