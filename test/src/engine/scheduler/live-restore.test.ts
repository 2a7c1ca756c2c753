/**
 * A scheduled job on the live view's device takes it (the live view stops)
 * and gives it back: the live view returns, as it was, once the scheduler
 * has nothing due within two minutes; between back-to-back jobs it stays
 * off (no churn of the dongle). Real time, the simulator served over a real
 * rtl_tcp socket (the built-in simulator is no device: nothing to lend).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScheduleJobView } from '../../../../src/api/types.ts';
import { serveSim } from '../../../../src/cli/commands/sim.ts';
import { Station } from '../../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-live-restore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The job's end (done or failed, the scheduler free again), with whether the live view was running right then. */
function ended(station: Station, id: number): Promise<{ job: ScheduleJobView; live: boolean }> {
  return new Promise((resolve) => {
    const on = (j: ScheduleJobView) => {
      if (j.id === id && ['done', 'failed'].includes(j.state) && !station.scheduler.busy) {
        station.off('schedule', on);
        resolve({ job: j, live: station.status().live !== null });
      }
    };
    station.on('schedule', on);
  });
}

describe('the live view lent to scheduled jobs', () => {
  it('stays off between back-to-back jobs and comes back, with its tuning, after the last', async () => {
    const sim = await serveSim({ host: '127.0.0.1', port: 0 });
    const station = Station.open(dir);
    try {
      const spec = `rtltcp:127.0.0.1:${sim.address.port}`;
      await station.startLive({ source: spec, backend: 'cpu', threads: 0, channels: 512 });
      const before = station.status().live!;
      const a = station.scheduler.add({ mode: 'totalpower', source: spec, start: 'in:1', duration: 3, channels: 256 });
      const b = station.scheduler.add({ mode: 'totalpower', source: spec, start: 'in:8', duration: 3, channels: 256 });
      const first = ended(station, a.id), second = ended(station, b.id);
      station.scheduler.start();
      const one = await first;
      expect(one.job.state, one.job.reason ?? '').toBe('done');
      // The next job is due within two minutes: the dongle is not handed back and forth.
      expect(one.live).toBe(false);
      const back = new Promise<void>((resolve) => {
        const on = () => {
          if (station.status().live?.channels === 512) {
            station.off('status', on);
            resolve();
          }
        };
        station.on('status', on);
      });
      const two = await second;
      expect(two.job.state, two.job.reason ?? '').toBe('done');
      await back;
      const after = station.status().live!;
      expect(after.source).toBe(before.source);
      expect(after.tuning).toEqual(before.tuning);
    } finally {
      await station.close();
      await sim.close();
    }
  }, 120_000);
});
