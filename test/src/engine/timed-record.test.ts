import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StationStatus } from '../../../src/api/types.ts';
import { defaultIntegration } from '../../../src/api/inputs.ts';
import { resolveLive } from '../../../src/engine/live.ts';
import { parse as parseObserve } from '../../../src/cli/commands/observe.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-timed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('timed recordings', () => {
  // Unpaced, the simulator is read losslessly: no gap ends an integration early.
  it('record.start with a duration stops by itself after that many seconds of samples, with every integration of them', async () => {
    const station = Station.open(dir);
    try {
      await station.startLive({ backend: 'cpu', channels: 256, integration: 0.5, pacing: false });
      const ended = new Promise<StationStatus>((resolve) => {
        const on = (s: StationStatus) => {
          if (s.recording === null && station.store.listObservations().length > 0) {
            station.off('status', on);
            resolve(s);
          }
        };
        station.on('status', on);
      });
      const id = station.startRecording({ mode: 'totalpower', seconds: 3 });
      await ended;
      const obs = station.store.getObservation(id);
      expect(obs.status).toBe('complete');
      // 3 s at 0.5 s per integration: 6 of 4688 spectra (0.5 s rounded to whole spectra of 256 samples at 2.4 MS/s).
      expect(obs.integrations).toBe(6);
      const times = station.store.integrationTimes(id);
      const covered = times.at(-1)!.time + times.at(-1)!.duration - times[0]!.time;
      expect(covered).toBeCloseTo((6 * 4688 * 256) / 2_400_000, 6);
    } finally {
      await station.close();
    }
  }, 120_000);

  it('one default integration time at every door', () => {
    expect(defaultIntegration).toBe(1);
    expect(resolveLive({}).integration).toBe(defaultIntegration);
    expect(parseObserve([]).integration).toBe(defaultIntegration);
  });
});
