/** calibration.* and pointing.correction at the API boundary: what the Live page and the scheduler read. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePointingCorrection } from '../../../src/engine/pointing-correction.ts';
import { stationWithObservation } from '../../helpers/station.ts';

let fixture: ReturnType<typeof stationWithObservation>;
beforeAll(() => (fixture = stationWithObservation('fringe-api-calibration-')));
afterAll(() => fixture.close());

describe('calibration.* and pointing.correction', () => {
  it('has no calibration or correction on a new station, then the stored one, and clears it', async () => {
    const { call, station, dir } = fixture;
    expect(await call('calibration.current', {})).toBeNull();
    expect(await call('pointing.correction', {})).toBeNull();
    const rec = station.store.addCalibration({
      time: 1_790_000_100, method: 'noise-diode', inputs: { diodeK: 100 }, channels: 16, centerFrequency: 1.42e9, sampleRate: 2.4e6, tunerGain: 40.2,
      gain: Array.from({ length: 16 }, (_, j) => (j === 0 ? null : 1.5)), tsys: 105, tsysSigma: 0.4, observationId: fixture.id,
    });
    expect(await call('calibration.current', {})).toMatchObject({ id: rec.id, method: 'noise-diode', tsys: 105, time: 1_790_000_100 });
    expect(await call('calibration.list', { limit: 5 })).toHaveLength(1);
    await expect(call('calibration.list', { limit: 0 })).rejects.toThrow(/limit/);
    expect(await call('calibration.clear', {})).toEqual({ retired: 1 });
    expect(await call('calibration.current', {})).toBeNull();
    const c = savePointingCorrection(dir, { az: 0.1, el: -0.05, elevation: 60, observation: fixture.id, measuredAt: '2026-06-21T12:00:00.000Z' });
    expect(await call('pointing.correction', {})).toEqual(c);
    expect(c.az).toBeCloseTo(-0.2, 9); // −0.1° on the sky at 60° elevation is −0.2° of azimuth
    expect(c.el).toBeCloseTo(0.05, 12);
  });
});
