/**
 * Known answer: a day of jobs on the simulator's accelerated clock (1440×:
 * a day in a minute of idle wall time) — a noon drift scan of the sun, an HI
 * point every hour along the Galactic plane, an interferometer run at Cyg A's
 * transit — runs in minutes, each observation starting within one
 * integration of its planned sky time, each placed where it was planned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nextSunTransit, sunPosition } from '../../../../src/astro/sun.ts';
import { parseTarget, separation } from '../../../../src/astro/targets.ts';
import type { ScheduleJobView } from '../../../../src/api/types.ts';
import { DryRunClock } from '../../../../src/engine/scheduler/clock.ts';
import { Station } from '../../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-dry-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const day = Date.parse('2026-06-21T00:00:00Z');
const site = { name: 'dry run', lat: 52, lon: 0, altitude: 0 };

describe('a day of jobs on the accelerated clock', () => {
  it('runs in minutes, each start within one integration of its planned sky time', async () => {
    const speed = 1440;
    const clock = new DryRunClock(day, speed);
    const station = Station.open(dir, { clock });
    try {
      station.setSite(site);
      const s = station.scheduler;
      const drift = s.add({ mode: 'drift', source: 'sim', target: 'sun', start: 'transit:sun', duration: 1800 });
      const transit = nextSunTransit(site, new Date(day)).time.getTime();
      const hi: ScheduleJobView[] = [];
      for (let h = 0; h < 24; h++) {
        const at = day + h * 3_600_000 + 40 * 60_000;
        if (Math.abs(at - transit) < 1800_000) continue;
        hi.push(s.add({ mode: 'spectrum', source: 'sim', target: `gal:${30 + 2.5 * h},0`, start: new Date(at).toISOString(), duration: 120 }));
      }
      const vlbi = s.add({ mode: 'spectrum', source: 'group:sim:0,sim:1,sim:2', scenario: 'interferometer', target: 'Cyg A', start: 'transit:Cyg A', duration: 600 });
      const ids = [drift.id, vlbi.id, ...hi.map((j) => j.id)];
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => {
        const check = () => {
          if (ids.every((id) => ['done', 'failed', 'interrupted'].includes(s.jobs.get(id)!.state)) && !s.busy) resolve();
        };
        station.on('schedule', check);
      });
      s.start();
      await done;
      const wall = (performance.now() - t0) / 1000;
      console.log(`a day of ${ids.length} jobs in ${wall.toFixed(0)} s of wall time`);
      expect(wall).toBeLessThan(600);
      const lateness: number[] = [];
      for (const id of ids) {
        const j = s.jobs.get(id)!;
        expect(j.state, `job ${id}: ${j.reason}`).toBe('done');
        expect(j.observation).toHaveLength(1);
        const obs = station.store.getObservation(j.observation[0]!);
        const integrationSky = obs.config.fx.spectraPerIntegration * obs.config.fx.channels / obs.config.tuning.sampleRate * speed;
        // Within one integration of sky time. A single dish starts on the second (the sky waits for the
        // scheduler); a group first measures its delays on its first samples (~0.4 s of them, 10 sky minutes here).
        const late = obs.start - Date.parse(j.plannedStart) / 1000;
        lateness.push(late);
        expect(late).toBeGreaterThanOrEqual(0);
        expect(late).toBeLessThanOrEqual(integrationSky);
        if (!j.spec.source.startsWith('group:')) expect(late).toBeLessThan(1);
        expect(obs.status).toBe('complete');
        expect(obs.end! - obs.start).toBeGreaterThan(j.spec.duration - integrationSky);
        expect(obs.end! - obs.start).toBeLessThan(j.spec.duration + integrationSky);
      }
      console.log(`starts after their planned sky time: ${lateness.map((x) => x.toFixed(1)).join(', ')} s`);
      // The drift scan: the dish fixed where the sun is at its transit, the transit mid-window.
      const d = s.jobs.get(drift.id)!;
      expect(Math.abs((Date.parse(d.plannedStart) + Date.parse(d.plannedEnd)) / 2 - transit)).toBeLessThan(2000);
      const dp = station.store.getObservation(d.observation[0]!).config.pointing!;
      expect(separation(dp as { az: number; el: number }, sunPosition(site, new Date(transit)))).toBeLessThan(0.01);
      // Each HI point looked where it was planned: its galactic position at mid-window.
      for (const j of hi) {
        const obs = station.store.getObservation(s.jobs.get(j.id)!.observation[0]!);
        const want = parseTarget(j.spec.target!).position(site, new Date((Date.parse(j.plannedStart) + Date.parse(j.plannedEnd)) / 2));
        expect(separation(obs.config.pointing as { az: number; el: number }, want)).toBeLessThan(0.01);
      }
      expect(station.store.listObservations()).toHaveLength(ids.length);
    } finally {
      await station.close();
    }
  }, 700_000);
});
