/**
 * Regression: a recording started after the live view had run for a while
 * stored its integrations at (recording start + samples since the *live
 * session's* first sample), so every stored time was late by the live
 * session's age (seen in the UI as a 10 s observation 38 s long). Stored
 * times must be the live spectra's times, from the sample count.
 */
import { spectra } from '../../helpers/station.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../../src/engine/station.ts';
import { tempDir } from '../../observations/fixtures.ts';

const { dir, cleanup } = tempDir('fringe-rectime-');
let station: Station;
beforeAll(() => {
  station = Station.open(dir);
});
afterAll(async () => {
  await station.close();
  cleanup();
});


describe('recording times', () => {
  it('a recording started mid-stream stores the live spectra times and starts at its first integration', async () => {
    await station.startLive({ backend: 'cpu', threads: 0, pacing: false, integration: 0.25 });
    await spectra(station, 12); // the live view runs a while (12 × 0.245 s of samples) before recording
    const id = station.startRecording({ target: 'Sun' });
    const recorded = await spectra(station, 4, (e) => e.recording === id);
    station.stopRecording();
    await station.stopLive();
    const obs = station.store.getObservation(id);
    const times = station.store.integrationTimes(id);
    expect(times.length).toBeGreaterThanOrEqual(4);
    // The first four stored integrations are the first four recorded spectra, to the microsecond.
    for (let k = 0; k < 4; k++) expect(times[k]!.time).toBeCloseTo(recorded[k]!.time, 6);
    expect(obs.start).toBeCloseTo(recorded[0]!.time, 6);
    // 586 spectra of 1024 channels at 2.4 MS/s per integration.
    expect(times[1]!.time - times[0]!.time).toBeCloseTo((586 * 1024) / 2.4e6, 6);
  });
});
