/**
 * Real-clock late starts, on a controlled clock (a real-time clock whose
 * "now" the test sets: no hold, as the wall clock has none). A station that
 * reaches a job late — it was down, or the machine slept while the scheduler
 * waited — starts it late for the rest of its window and logs by how much; a
 * job whose window is over, or has less than one integration left, is failed
 * with a reason starting 'missed:'. The scheduler polls every 20 ms; the
 * test waits for its events, never for a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import type { ScheduleJobView } from '../../../../src/api/types.ts';
import type { SkyClock } from '../../../../src/engine/clock.ts';
import { missedBy, Scheduler, type JobContext } from '../../../../src/engine/scheduler/scheduler.ts';
import { aimTime } from '../../../../src/engine/scheduler/runner.ts';

const site = { name: 'test', lat: 52, lon: 0, altitude: 0 };
const t0 = Date.parse('2026-06-21T06:00:00Z');
const dirs: string[] = [];
const open: Scheduler[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A real-time clock (speed 1, no hold) at a time the test sets. */
class SetClock implements SkyClock {
  readonly kind = 'real' as const;
  readonly speed = 1;
  constructor(public t: number) {}
  now() {
    return this.t;
  }
  timeOfSample(sample: number, _t0: number | null, rate: number) {
    return this.t / 1000 + sample / rate;
  }
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-sched-late-'));
  dirs.push(dir);
  const store = Store.open(dir);
  const clock = new SetClock(t0);
  const runs: JobContext[] = [];
  const s = new Scheduler({
    store, site: () => site, clock: () => clock, pollMs: 20,
    run: async (ctx) => {
      runs.push(ctx);
      return { status: 'complete', end: ctx.start + ctx.seconds * 1000 };
    },
  });
  open.push(s);
  return { s, clock, runs };
}

function until(s: Scheduler, ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ok() && !s.busy) {
        s.off('job', check);
        setImmediate(resolve);
      }
    };
    s.on('job', check);
    check();
  });
}

const final = (j: ScheduleJobView | null) => !!j && ['done', 'failed', 'interrupted'].includes(j.state);
const log = (s: Scheduler, id: number) => s.jobs.logOf(id).map((l) => l.message).join('\n');

describe('late starts on a real-time clock', () => {
  it('a station started late runs the rest of the window, says how late; a job past its window is missed', async () => {
    const { s, clock, runs } = setup();
    const early = s.add({ mode: 'spectrum', source: 'sim', start: 'in:10', duration: 60 });
    const late = s.add({ mode: 'spectrum', source: 'sim', start: 'in:600', duration: 600 });
    const later = s.add({ mode: 'spectrum', source: 'sim', start: 'in:3600', duration: 60 });
    // The station was down from t0 until 15 min on: the first window is over, the second half gone.
    clock.t = t0 + 900_000;
    s.start();
    await until(s, () => final(s.jobs.get(early.id)) && final(s.jobs.get(late.id)));
    const e = s.jobs.get(early.id)!;
    expect(e.state).toBe('failed');
    expect(e.reason).toMatch(/^missed: the station was not running in its window .*it ended 13\.8 min before the station reached it/);
    expect(e.observation).toEqual([]);
    const l = s.jobs.get(late.id)!;
    expect(l.state).toBe('done');
    expect(runs.map((r) => r.job.id)).toEqual([late.id]);
    // Started at the station's time, for the 300 s left of its 600 s window.
    expect(runs[0]!.start).toBe(t0 + 900_000);
    expect(runs[0]!.seconds).toBeCloseTo(300, 6);
    expect(log(s, late.id)).toMatch(/started 300\.000 s after its planned start, for 300\.0 s \(late: the station was not running or the machine slept at its planned start; it runs the rest of its window, 50 % of it\)/);
    expect(s.jobs.get(later.id)!.state).toBe('pending');
  });

  it('a machine that slept while the scheduler waited: the job starts late on waking, or is missed with under one integration left', async () => {
    const { s, clock, runs } = setup();
    const a = s.add({ mode: 'totalpower', source: 'sim', start: 'in:30', duration: 120 });
    const b = s.add({ mode: 'totalpower', source: 'sim', start: 'in:1000', duration: 100, integration: 10 });
    s.start();
    // The scheduler waits for a's start; the machine sleeps 80 s past it.
    clock.t = t0 + 110_000;
    await until(s, () => final(s.jobs.get(a.id)));
    expect(s.jobs.get(a.id)!.state).toBe('done');
    expect(runs[0]!.start).toBe(t0 + 110_000);
    expect(runs[0]!.seconds).toBeCloseTo(40, 6);
    expect(log(s, a.id)).toMatch(/started 80\.000 s after its planned start, for 40\.0 s \(late/);
    // Asleep again until 5 s before b's window closes: less than its 10 s integration left.
    clock.t = t0 + 1_095_000;
    await until(s, () => final(s.jobs.get(b.id)));
    const j = s.jobs.get(b.id)!;
    expect(j.state).toBe('failed');
    expect(j.reason).toBe('missed: the station reached it 1.6 min late, with 5.0 s of its window left, less than one 10 s integration');
    expect(runs).toHaveLength(1);
  });

  it('missedBy: on time and within the window is not missed; a start within the tolerance is not logged late', () => {
    const job = { plannedStart: new Date(t0).toISOString(), plannedEnd: new Date(t0 + 60_000).toISOString(), spec: { integration: 1 } } as ScheduleJobView;
    expect(missedBy(job, t0 - 1000)).toBeNull();
    expect(missedBy(job, t0 + 58_000)).toBeNull();
    expect(missedBy(job, t0 + 59_500)).toMatch(/^missed: the station reached it 59\.5 s late, with 0\.5 s/);
    expect(missedBy(job, t0 + 60_000)).toMatch(/^missed: the station was not running in its window/);
  });

  it('a drift scan started late still aims where its target is at the planned middle (the transit); other jobs at the middle of what they run', () => {
    const job = { plannedStart: new Date(t0).toISOString(), plannedEnd: new Date(t0 + 3_600_000).toISOString() } as ScheduleJobView;
    const late = { job, start: t0 + 1_200_000, seconds: 2400 };
    expect(aimTime({ ...late, spec: { mode: 'drift' } as JobContext['spec'] }).getTime()).toBe(t0 + 1_800_000);
    expect(aimTime({ ...late, spec: { mode: 'spectrum' } as JobContext['spec'] }).getTime()).toBe(t0 + 2_400_000);
  });
});
