/**
 * Kelvin in the live view: a current calibration record that fits the live
 * receiver scales its spectra per channel from the next integration, and the
 * spectrum events say so (when, how); one that does not fit (another
 * tuning), or none, leaves relative units.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Station } from '../../../src/engine/station.ts';
import { spectra } from '../../helpers/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-live-kelvin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mean = (a: Float32Array, from: number, to: number) => a.slice(from, to).reduce((s, v) => s + v, 0) / (to - from);

describe('live kelvin', () => {
  it('applies the current calibration’s per-channel gain and says when it was taken; another tuning stays relative', async () => {
    const station = Station.open(dir);
    try {
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      const [before] = await spectra(station, 1);
      expect(before!.kelvin ?? null).toBeNull();
      const C = before!.channels;
      // A gain of 3 K per unit in the lower half of the band and 5 in the upper: the spectrum's halves scale apart.
      const rec = station.store.addCalibration({
        time: 1_790_000_000, method: 'noise-diode', inputs: { diodeK: 100 }, channels: C, centerFrequency: before!.centerFrequency, sampleRate: before!.sampleRate,
        tunerGain: null, gain: Array.from({ length: C }, (_, j) => (j < C / 2 ? 3 : 5)), tsys: 100, tsysSigma: 1, observationId: null,
      });
      await station.stopLive();
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      const rel = (await spectra(station, 1))[0]!;
      const [k] = await spectra(station, 1, (e) => !!e.kelvin);
      expect(k!.kelvin).toEqual({ unit: 'K', time: rec.time, method: 'noise-diode', tsys: 100 });
      // Band quarters away from the DC spike and the edges: the calibrated power is the relative one × the channel's gain.
      const lo = [C / 8, (3 * C) / 8] as const, hi = [(5 * C) / 8, (7 * C) / 8] as const;
      const relRef = rel.kelvin ? null : rel;
      const ref = relRef ?? before!;
      expect(mean(k!.power[0]!, ...lo) / mean(ref.power[0]!, ...lo)).toBeCloseTo(3, 0);
      expect(mean(k!.power[0]!, ...hi) / mean(ref.power[0]!, ...hi)).toBeCloseTo(5, 0);
      // Retuned 5 MHz away, the record does not fit: relative units.
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false, tuning: { centerFrequency: before!.centerFrequency + 5e6 } });
      const [far] = await spectra(station, 2);
      expect(far!.kelvin ?? null).toBeNull();
    } finally {
      await station.close();
    }
  });
});
