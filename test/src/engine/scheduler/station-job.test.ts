/**
 * A job in the station with a rotator: the simulated mount tracks the target
 * on the sky clock, the commands and reported positions are stored as the
 * observation's pointing events (corrected by the last sun drift's pointing
 * correction), and the rotator is parked afterwards.
 * Real time; the site is placed where the sun is up now.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTarget, separation } from '../../../../src/astro/targets.ts';
import type { ScheduleJobView } from '../../../../src/api/types.ts';
import { correctedPointing, savePointingCorrection } from '../../../../src/engine/pointing-correction.ts';
import { Station } from '../../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-station-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a scheduled job in the station', () => {
  it('tracks the sun with the rotator, keeps the commands as pointing events, then parks', async () => {
    const station = Station.open(dir);
    try {
      const hours = new Date().getUTCHours() + new Date().getUTCMinutes() / 60;
      const lon = ((((12 - hours) * 15 + 180) % 360) + 360) % 360 - 180;
      const site = station.setSite({ name: 'noon now', lat: -20, lon, altitude: 0 });
      // A sun drift measured the dish 0.2° (on the sky) east and 0.1° above where the mount says, at el 50°: every command is corrected.
      const correction = savePointingCorrection(dir, { az: 0.2, el: 0.1, elevation: 50, observation: 7, measuredAt: '2026-12-01T12:00:00Z' });
      await station.connectRotator({ driver: 'sim' });
      const job = station.scheduler.add({ mode: 'totalpower', source: 'sim', target: 'sun', start: 'in:1', duration: 6, channels: 256, trackFraction: 0.01 });
      const done = new Promise<ScheduleJobView>((resolve) => {
        const on = (j: ScheduleJobView) => {
          if (j.id === job.id && ['done', 'failed'].includes(j.state) && !station.scheduler.busy) {
            station.off('schedule', on);
            resolve(j);
          }
        };
        station.on('schedule', on);
      });
      station.scheduler.start();
      const after = await done;
      expect(after.state, after.reason ?? '').toBe('done');
      const events = station.store.events(after.observation[0]!).filter((e) => e.kind === 'pointing' && e.data.tracking === 'sun');
      expect(events.length).toBeGreaterThanOrEqual(1);
      for (const e of events) {
        const d = e.data as { kind: string; target: { az: number; el: number }; commanded: { az: number; el: number } };
        expect(d.kind).toBe('command');
        // The commanded position is the sun's at the event's sky time, with the stored correction added.
        const sun = parseTarget('sun').position(site, new Date(e.time * 1000));
        expect(separation(d.target, sun)).toBeLessThan(0.01);
        expect(separation(d.commanded, correctedPointing(sun, correction))).toBeLessThan(0.01);
        expect(d.commanded.el - d.target.el).toBeCloseTo(-0.1, 6);
      }
      const log = station.scheduler.jobs.logOf(job.id).map((l) => l.message).join('\n');
      expect(log).toMatch(/applying the pointing correction measured by observation 7[\s\S]*tracking sun[\s\S]*observation \d+[\s\S]*rotator parked/);
    } finally {
      await station.close();
    }
  }, 120_000);
});
