import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StationStatus } from '../../../src/api/types.ts';
import { Station } from '../../../src/engine/station.ts';
import { spectra } from '../../helpers/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-group-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The next status that satisfies `ok` (statuses are events: no polling). */
function statusWhere(station: Station, ok: (s: StationStatus) => boolean): Promise<StationStatus> {
  return new Promise((resolve) => {
    const now = station.status();
    if (ok(now)) return resolve(now);
    const on = (s: StationStatus) => {
      if (!ok(s)) return;
      station.off('status', on);
      resolve(s);
    };
    station.on('status', on);
  });
}

describe('a live group calibrated and tracked by the station', () => {
  it('calibrates from the switched noise source at start (delays within 0.05 sample of the scenario), says so, and records it as an event of the recording', async () => {
    const station = Station.open(join(dir, 'a'));
    station.groupRecheckSeconds = 0.5;
    await station.setScenario('interferometer');
    const start = await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256, integration: 0.25 });
    expect(start.groupTracking).toMatchObject({ state: 'calibrating', delays: null, recheckSeconds: 0.5 });
    const id = station.startRecording({ target: 'Sun' });
    const locked = await statusWhere(station, (s) => s.groupTracking?.state === 'locked');
    // West, east, north take common sample n + 0, 1234, 517: the delays that line them up are 1234, 0, 717.
    const truth = [1234, 0, 717];
    locked.groupTracking!.delays!.forEach((d, a) => expect(Math.abs(d - truth[a]!)).toBeLessThan(0.05));
    expect(locked.notices).toContainEqual(expect.objectContaining({ kind: 'group-tracking', state: 'locked', text: expect.stringMatching(/calibrated from the noise source/) }));
    expect(locked.groupTracking!.events[0]).toMatchObject({ state: 'locked', reason: 'calibrated from the noise source' });
    // The calibration reaches the correlator: later integrations carry its count, and the baselines stay coherent.
    const after = await spectra(station, 3);
    for (const b of after.at(-1)!.baselines!) expect(b.coherence).toBeGreaterThan(0.3);
    station.stopRecording();
    const events = station.store.events(id).filter((e) => e.kind === 'calibration');
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]!.data).toMatchObject({ tracking: { state: 'locked', delays: expect.any(Array) } });
    await station.close();
  }, 120_000);

  it('does not track a group started with calibrate: false', async () => {
    const station = Station.open(join(dir, 'b'));
    await station.setScenario('interferometer');
    const s = await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256, calibrate: false });
    expect(s.groupTracking).toBeNull();
    await station.close();
  }, 120_000);
});
