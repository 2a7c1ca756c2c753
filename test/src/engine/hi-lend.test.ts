/**
 * A switched HI observation on the live view's dongle: the station lends it
 * (the live view stops), the observation runs on it, and the live view comes
 * back on it afterwards, as a drift's does. Over a real rtl_tcp socket (the
 * simulator served as rtl_tcp: the built-in simulator is no device to lend).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveSim } from '../../../src/cli/commands/sim.ts';
import { Station } from '../../../src/engine/station.ts';
import { liveOn } from '../../helpers/station.ts';
import type { StationStatus } from '../../../src/api/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-hi-lend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a switched HI observation on the live view's dongle", () => {
  it('stops the live view, observes on the dongle, and brings the live view back', async () => {
    const sim = await serveSim({ host: '127.0.0.1', port: 0 });
    const station = Station.open(dir);
    try {
      const spec = `rtltcp:127.0.0.1:${sim.address.port}`;
      await station.startLive({ source: spec, backend: 'cpu' });
      const before = station.status().live!;
      // Taken: while it runs the live view is off (seen at its first progress event).
      const during = new Promise<StationStatus['live']>((ok) => station.once('task', () => ok(station.status().live)));
      const result = await station.observeHi({ switch: 'frequency', seconds: 4, source: spec });
      expect(result.status).toBe('complete');
      expect(await during).toBeNull();
      const back = await liveOn(station, spec);
      expect(back.live!.tuning).toEqual(before.tuning);
    } finally {
      await station.close();
      await sim.close();
    }
  }, 120_000);
});
