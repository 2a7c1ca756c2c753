/**
 * Known answer: `fringe serve` killed with SIGKILL in the middle of a
 * scheduled job, then started again, marks the job interrupted, resumes it
 * for the rest of its window (a second observation beside the interrupted
 * one) and runs it no more than that: two observations in the store, the
 * second starting after the first's last integration and ending at the
 * window's end. The kill waits for the first integration, not for a time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import { realClock } from '../../../../src/engine/clock.ts';
import { Scheduler } from '../../../../src/engine/scheduler/scheduler.ts';
import { until } from '../../../helpers/kill.ts';
import { startServe, type ServeChild } from '../../server/serve-child.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-sched-kill-'));
const children: ServeChild[] = [];
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) await c.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The job's row and its observations' rows, read without opening the store (no recovery runs here). */
function look(id: number) {
  const db = new Database(join(dir, 'fringe.db'), { readonly: true, fileMustExist: true });
  try {
    const job = db.prepare('SELECT state, observations, planned_end_s FROM schedule_jobs WHERE id = ?').get(id) as { state: string; observations: string; planned_end_s: number };
    const obs = (JSON.parse(job.observations) as number[]).map((o) => ({
      ...(db.prepare('SELECT id, status, start_s, end_s FROM observations WHERE id = ?').get(o) as { id: number; status: string; start_s: number; end_s: number | null }),
      integrations: (db.prepare('SELECT COUNT(*) AS n, MAX(time_s + duration_s) AS last FROM integrations WHERE observation_id = ?').get(o) as { n: number; last: number | null }),
    }));
    const all = (db.prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number }).n;
    return { ...job, obs, all };
  } finally {
    db.close();
  }
}

describe('a scheduled job across a kill -9 of fringe serve', () => {
  it('is marked interrupted, resumed within its window, and not run twice', async () => {
    const store = Store.open(dir);
    const s = new Scheduler({ store, site: () => ({ name: 'x', lat: 52, lon: 0, altitude: 0 }), clock: () => realClock, run: async () => ({ status: 'interrupted' }) });
    const job = s.add({ mode: 'totalpower', source: 'sim', start: 'in:1', duration: 25, channels: 256 });
    store.close();
    expect(job.id).toBe(1);

    const first = await startServe(['--db', dir, '--source', 'sim', '--backend', 'cpu']);
    children.push(first);
    await until(() => {
      const l = look(job.id);
      return l.state === 'running' && l.obs.length === 1 && l.obs[0]!.integrations.n >= 2;
    }, 'the job running with two integrations stored', 120_000);
    await first.stop('SIGKILL');
    const killed = look(job.id);
    expect(killed.state).toBe('running');

    const second = await startServe(['--db', dir, '--source', 'sim', '--backend', 'cpu']);
    children.push(second);
    await until(() => look(job.id).state === 'done', 'the job resumed and done', 120_000);
    const after = look(job.id);
    await second.stop('SIGTERM');
    expect(after.obs).toHaveLength(2);
    const [a, b] = after.obs as [typeof after.obs[0], typeof after.obs[0]];
    expect(a.status).toBe('interrupted');
    expect(b.status).toBe('complete');
    // The resumed run starts after what the killed one stored, inside the window, and ends with it.
    expect(b.start_s).toBeGreaterThanOrEqual(a.integrations.last!);
    expect(b.start_s).toBeLessThan(after.planned_end_s);
    expect(Math.abs(b.end_s! - after.planned_end_s)).toBeLessThan(1.5);
    expect(after.all).toBe(2);
  }, 300_000);
});
