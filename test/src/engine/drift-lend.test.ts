/**
 * A sun drift on the dongle the live view holds (Station.runDrift): the live
 * view lends it (an rtl_tcp server serves one client at a time, so without
 * that the drift would wait behind the live view for good) and gets it back,
 * as it was, when the drift ends. Real TCP on 127.0.0.1: our simulator behind
 * the rtl_tcp server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveSim } from '../../../src/cli/commands/sim.ts';
import { Station } from '../../../src/engine/station.ts';
import { liveOn } from '../../helpers/station.ts';
import { underTheSun } from '../../helpers/sun-site.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-drift-lend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a drift on the live view\'s dongle', () => {
  it('stops the live view, runs on the dongle, and starts the live view again on it afterwards', async () => {
    const sim = await serveSim({ host: '127.0.0.1', port: 0 });
    const station = Station.open(join(dir, 'station'));
    try {
      const spec = `rtltcp:127.0.0.1:${sim.address.port}`;
      station.setSite(underTheSun());
      await station.startLive({ source: spec, backend: 'cpu' });
      expect(station.status().live?.source).toBe(spec);
      const progressed = new Promise<void>((ok) => station.once('drift', () => ok()));
      // A real dongle's noise diode through its bias tee (its excess temperature entered), the one calibration a dish without a mount has.
      const run = station.runDrift({ source: spec, efficiency: 0.6, diameter: 3, calibration: 'noise-diode', diodeK: 100, diodeSwitch: 'bias-tee' });
      const ran = run.then(() => 'finished', (err: Error) => err.message);
      // The drift's first integration: it has the dongle, so the live view let it go.
      await Promise.race([progressed, ran.then((m) => Promise.reject(new Error(`the drift ended before its first integration: ${m}`)))]);
      expect(station.status().live).toBeNull();
      expect(station.stopDrift()).toEqual({ stopping: true });
      expect(await ran).toMatch(/stopped/);
      // The live view comes back on the same dongle.
      const back = await liveOn(station, spec);
      expect(back.live!.kind).toBe(station.status().live!.kind);
      // A drift that cannot run (no diameter to plan for) takes nothing away: the live view stays.
      await expect(station.runDrift({ source: spec, efficiency: 0.6 })).rejects.toThrow(/diameter/);
      expect(station.status().live?.source).toBe(spec);
    } finally {
      await station.close();
      await sim.close();
    }
  }, 120_000);
});
