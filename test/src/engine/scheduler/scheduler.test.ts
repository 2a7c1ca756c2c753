import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import type { ScheduleJobView } from '../../../../src/api/types.ts';
import { nextSunTransit } from '../../../../src/astro/sun.ts';
import { DryRunClock } from '../../../../src/engine/scheduler/clock.ts';
import { Scheduler, type JobContext, type JobRunner } from '../../../../src/engine/scheduler/scheduler.ts';
import { surveyJobResult } from '../../../../src/engine/scheduler/results.ts';

const site = { name: 'test', lat: 52, lon: 0, altitude: 0 };
const t0 = Date.parse('2026-06-21T06:00:00Z');
const dirs: string[] = [];
const open: Scheduler[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(run: JobRunner, speed = 3600, park?: () => Promise<boolean>) {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-sched-'));
  dirs.push(dir);
  const store = Store.open(dir);
  const clock = new DryRunClock(t0, speed);
  const s = new Scheduler({ store, site: () => site, clock: () => clock, run, park, pollMs: 50 });
  open.push(s);
  return { s, store, clock, dir };
}

/** Resolves when every job listed is in a final state (an event per change: no fixed waits). */
function settled(s: Scheduler, ids: () => number[], final = ['done', 'failed', 'interrupted']): Promise<ScheduleJobView[]> {
  return new Promise((resolve) => {
    const check = () => {
      const jobs = ids().map((id) => s.jobs.get(id)!);
      if (jobs.every((j) => final.includes(j.state)) && !s.busy) {
        s.off('job', check);
        setImmediate(() => resolve(ids().map((id) => s.jobs.get(id)!)));
      }
    };
    s.on('job', check);
    check();
  });
}

const ok: JobRunner = async (ctx) => ({ status: 'complete', end: ctx.start + ctx.seconds * 1000, report: { summary: 'fine', values: { started: ctx.start } } });

describe('scheduler', () => {
  it('runs jobs in order on the sky clock, each at its planned start; a failed one is marked with its reason and the next still runs', async () => {
    const starts: { id: number; at: number }[] = [];
    const run: JobRunner = async (ctx) => {
      starts.push({ id: ctx.job.id, at: ctx.start });
      if (ctx.spec.source === 'sim:1') throw new Error('dongle gone');
      return ok(ctx);
    };
    const { s, clock } = setup(run, 3600);
    const a = s.add({ mode: 'spectrum', source: 'sim', start: '2026-06-21T07:00:00Z', duration: 600 });
    const b = s.add({ mode: 'spectrum', source: 'sim:1', start: '2026-06-21T08:00:00Z', duration: 600 });
    const c = s.add({ mode: 'totalpower', source: 'sim', start: 'transit:sun', duration: 1200, post: 'test "$FRINGE_JOB_STATE" = done && exit 3' });
    expect(() => s.add({ mode: 'spectrum', source: 'sim', start: '2026-06-21T07:05:00Z', duration: 60 })).toThrow(/overlaps job 1/);
    s.start();
    const jobs = await settled(s, () => [a.id, b.id, c.id]);
    expect(jobs.map((j) => j.state)).toEqual(['done', 'failed', 'done']);
    expect(jobs[1]!.reason).toBe('dongle gone');
    const transit = nextSunTransit(site, new Date(t0)).time.getTime();
    expect(starts.map((x) => x.at).slice(0, 2)).toEqual([Date.parse('2026-06-21T07:00:00Z'), Date.parse('2026-06-21T08:00:00Z')]);
    // Centred on the transit (sun.ts's, found by another search: within the 1 s the searches stop at).
    expect(Math.abs(starts[2]!.at - (transit - 600_000))).toBeLessThan(2000);
    for (const j of jobs) expect(Date.parse(j.started!)).toBe(Date.parse(j.plannedStart));
    expect(jobs[2]!.postStatus).toBe(3);
    expect(jobs[2]!.result?.summary).toBe('fine');
    expect(s.jobs.logOf(c.id).map((l) => l.message).join('\n')).toMatch(/started 0\.000 s after[\s\S]*post-job command exited with 3/);
    expect(clock.now()).toBeGreaterThanOrEqual(transit + 600_000);
  }, 30_000);

  it('breaks no constraint: a target below its minimum elevation fails with the reason; the sun avoidance is checked', async () => {
    const { s } = setup(ok);
    const low = s.add({ mode: 'spectrum', source: 'sim', target: 'Sgr A', start: '2026-06-21T07:00:00Z', duration: 600, minElevation: 10 });
    const near = s.add({ mode: 'spectrum', source: 'sim', target: 'Tau A', start: '2026-06-21T08:00:00Z', duration: 600, sunAvoidance: 20 });
    const plan = s.plan();
    expect(plan.conflicts.map((c) => c.jobs)).toEqual([[low.id], [near.id]]);
    expect(plan.tracks.map((t) => t.target)).toEqual(['sun', 'Sgr A', 'Tau A']);
    s.start();
    const jobs = await settled(s, () => [low.id, near.id]);
    expect(jobs[0]).toMatchObject({ state: 'failed' });
    expect(jobs[0]!.reason).toMatch(/Sgr A is at -?\d+\.\d° elevation .* below the job's minimum 10°/);
    expect(jobs[1]!.reason).toMatch(/Tau A is \d+\.\d° from the sun/);
  }, 30_000);

  it('a daily job plans its next occurrence when it starts, once', async () => {
    const { s } = setup(ok, 7200);
    const a = s.add({ mode: 'spectrum', source: 'sim', start: 'transit:sun', duration: 600, repeat: 'daily' });
    s.start();
    await settled(s, () => [a.id]);
    const all = s.list();
    expect(all).toHaveLength(2);
    expect(all[1]!.series).toBe(a.id);
    expect(Date.parse(all[1]!.plannedStart) - Date.parse(a.plannedStart)).toBeGreaterThan(86_400_000 - 120_000);
    expect(Date.parse(all[1]!.plannedStart) - Date.parse(a.plannedStart)).toBeLessThan(86_400_000 + 120_000);
  }, 30_000);

  it('a job left running by a dead process is marked interrupted and resumed for the rest of its window, never run twice', async () => {
    const seen: JobContext[] = [];
    const { s, store, clock } = setup(async (ctx) => {
      seen.push(ctx);
      ctx.observation(100 + seen.length);
      return ok(ctx);
    }, 60);
    const j = s.add({ mode: 'spectrum', source: 'sim', start: '2026-06-21T05:50:00Z', duration: 1800 });
    const done = s.add({ mode: 'spectrum', source: 'sim', start: '2026-06-21T09:00:00Z', duration: 60 });
    // As a killed station left them: one running (observation 7 made), one done.
    const dead = spawnSync('true').pid!;
    store.db.prepare(`UPDATE schedule_jobs SET state = 'running', runner_pid = ?, observations = '[7]' WHERE id = ?`).run(dead, j.id);
    store.db.prepare(`UPDATE schedule_jobs SET state = 'done' WHERE id = ?`).run(done.id);
    s.start();
    const [after] = await settled(s, () => [j.id], ['done']);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.job.id).toBe(j.id);
    expect(seen[0]!.start).toBeGreaterThanOrEqual(t0);
    expect(seen[0]!.seconds).toBeCloseTo((Date.parse(after!.plannedEnd) - seen[0]!.start) / 1000, 3);
    expect(after!.observation).toEqual([7, 101]);
    expect(s.jobs.logOf(j.id).map((l) => l.message).join('\n')).toMatch(/interrupted: the station stopped while it ran[\s\S]*resumed/);
    expect(s.jobs.get(done.id)!.state).toBe('done');
    expect(clock.now()).toBeGreaterThan(t0);
  }, 30_000);

  it('a job whose window passed while the station was off is marked missed', async () => {
    const { s, store } = setup(ok);
    const j = s.add({ mode: 'spectrum', source: 'sim', start: '2026-06-21T06:30:00Z', duration: 60 });
    store.db.prepare(`UPDATE schedule_jobs SET planned_start_s = planned_start_s - 7200, planned_end_s = planned_end_s - 7200 WHERE id = ?`).run(j.id);
    s.start();
    const [after] = await settled(s, () => [j.id]);
    expect(after!.state).toBe('failed');
    expect(after!.reason).toMatch(/^missed: the station was not running in its window/);
  });

  it('a plane survey is one series of back-to-back points, added all or none; its rotation curve waits for its last point', async () => {
    const { s } = setup(ok);
    const blocker = s.add({ mode: 'spectrum', source: 'sim', start: '2026-06-21T09:25:00Z', duration: 60 });
    // 09:00 + 3 × 600 s reaches the blocker at 09:25: refused, and nothing of it added.
    expect(() => s.addSurvey({ mode: 'spectrum', source: 'sim', start: '2026-06-21T09:00:00Z', duration: 600, survey: { from: 30, to: 50, step: 10 } })).toThrow(/overlaps job 1/);
    expect(s.list().map((j) => j.id)).toEqual([blocker.id]);
    expect(() => s.addSurvey({ mode: 'spectrum', source: 'sim', start: 'in:60', duration: 60, repeat: 'daily', survey: { from: 30, to: 50, step: 10 } })).toThrow(/runs once/);
    expect(() => s.addSurvey({ mode: 'spectrum', source: 'sim', start: 'in:60', duration: 60, survey: { from: 50, to: 30, step: 10 } })).toThrow(/from ≤ to/);
    expect(() => s.add({ mode: 'spectrum', source: 'sim', start: 'in:60', duration: 60, survey: { from: 30, to: 50, step: 10 } })).toThrow(/schedule\.survey/);
    const pts = s.addSurvey({ mode: 'spectrum', source: 'sim', start: '2026-06-21T10:00:00Z', duration: 600, survey: { from: 30, to: 50, step: 10, b: 1 } });
    expect(pts.map((j) => j.spec.target)).toEqual(['gal:30,1', 'gal:40,1', 'gal:50,1']);
    expect(pts.map((j) => j.series)).toEqual([pts[0]!.id, pts[0]!.id, pts[0]!.id]);
    expect(pts.map((j) => j.plannedStart)).toEqual(['2026-06-21T10:00:00.000Z', '2026-06-21T10:10:00.000Z', '2026-06-21T10:20:00.000Z']);
    expect(s.jobs.series(pts[0]!.id).map((j) => j.id)).toEqual(pts.map((j) => j.id));
    // The rotation curve is made on the last point only, once every other point is over (no store read before).
    const none = null as unknown as Store;
    const as = (j: ScheduleJobView, state: ScheduleJobView['state']) => ({ ...j, state });
    expect(surveyJobResult(none, as(pts[2]!, 'running'), [as(pts[0]!, 'done'), as(pts[1]!, 'pending'), as(pts[2]!, 'running')])).toBeNull();
    expect(surveyJobResult(none, as(pts[1]!, 'running'), [as(pts[0]!, 'done'), as(pts[1]!, 'running'), as(pts[2]!, 'failed')])).toBeNull();
    expect(surveyJobResult(none, as(blocker, 'running'), [as(blocker, 'running')])).toBeNull();
    expect(surveyJobResult(none, as(pts[2]!, 'running'), [as(pts[0]!, 'failed'), as(pts[1]!, 'failed'), as(pts[2]!, 'running')])).toEqual({ summary: `HI survey of l = 30…50° by 10° at b = 1° (jobs ${pts[0]!.id}–${pts[2]!.id}): no point was observed`, values: { points: 0 } });
  });

  it('refuses a bad job with the field and the reason', () => {
    const { s } = setup(ok);
    expect(() => s.add({ mode: 'spectrum', source: 'sim', start: 'tomorrow', duration: 60 })).toThrow(/start must be an ISO 8601 time/);
    expect(() => s.add({ mode: 'spectrum', source: 'sim', start: 'transit:Vega', duration: 60 })).toThrow(/unknown target 'Vega'/);
    expect(() => s.add({ mode: 'nap' as 'raw', source: 'sim', start: 'in:5', duration: 60 })).toThrow(/mode/);
    expect(() => s.add({ mode: 'spectrum', source: 'sim', start: 'transit:azel:10,10', duration: 60 })).toThrow(/does not transit/);
  });
});
