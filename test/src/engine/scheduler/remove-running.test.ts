/**
 * `fringe schedule remove ID` in one process, of the job a real `fringe
 * serve` is running in another: the store is the meeting point. The station
 * sees the removal, stops the job cleanly — its recording closed with what
 * it stored, the job marked removed with the reason, the rotator-less
 * station free — and the next job still runs. The CLI waits for the station
 * and says so. Waits for stored states, never for a time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../../helpers/kill.ts';
import { fringe } from '../../cli/commands/run-fringe.ts';
import { startServe, type ServeChild } from '../../server/serve-child.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-sched-remove-'));
const children: ServeChild[] = [];
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) await c.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function look(id: number) {
  const db = new Database(join(dir, 'fringe.db'), { readonly: true, fileMustExist: true });
  try {
    const job = db.prepare('SELECT state, observations, reason, ended_s, runner_pid FROM schedule_jobs WHERE id = ?').get(id) as { state: string; observations: string; reason: string | null; ended_s: number | null; runner_pid: number | null };
    const obs = (JSON.parse(job.observations) as number[]).map((o) => ({
      ...(db.prepare('SELECT id, status, start_s, end_s, interrupted_reason FROM observations WHERE id = ?').get(o) as { id: number; status: string; start_s: number; end_s: number | null; interrupted_reason: string | null }),
      integrations: (db.prepare('SELECT COUNT(*) AS n, MAX(time_s + duration_s) AS last FROM integrations WHERE observation_id = ?').get(o) as { n: number; last: number | null }).n,
    }));
    return { ...job, obs };
  } finally {
    db.close();
  }
}

describe('fringe schedule remove of the job fringe serve is running', () => {
  it('the serving station stops it: recording kept and closed, job marked, the next job still runs', async () => {
    const add = await fringe(['schedule', 'add', '--mode', 'totalpower', '--source', 'sim', '--start', 'in:1', '--duration', '600', '--channels', '256', '--db', dir]);
    expect(add, add.stderr).toMatchObject({ code: 0, stdout: '1\n' });
    const serve = await startServe(['--db', dir, '--source', 'sim', '--backend', 'cpu']);
    children.push(serve);
    await until(() => {
      const l = look(1);
      return l.state === 'running' && l.obs.length === 1 && l.obs[0]!.integrations >= 2;
    }, 'the job running with two integrations stored', 120_000);

    const rm = await fringe(['schedule', 'remove', '1', '--json', '--db', dir]);
    expect(rm.code, rm.stderr).toBe(0);
    const said = JSON.parse(rm.stdout) as { job: number; wasRunning: boolean; stopped: boolean; observation: number[]; reason: string };
    expect(said).toMatchObject({ job: 1, wasRunning: true, stopped: true, observation: [1] });
    expect(said.reason).toMatch(/^removed while it ran: stopped at .*; its observation 1 is kept, closed$/);

    // Stopped by the station (not by a crash): closed at once, with what it stored, the station still up.
    const after = look(1);
    expect(after.state).toBe('removed');
    expect(after.runner_pid).toBeNull();
    expect(after.ended_s).not.toBeNull();
    const [o] = after.obs;
    expect(o!.status).toBe('interrupted');
    expect(o!.integrations).toBeGreaterThanOrEqual(2);
    expect(o!.end_s).not.toBeNull();
    expect(o!.end_s! - o!.start_s).toBeLessThan(300);
    expect(o!.interrupted_reason ?? '').not.toMatch(/crash or kill/);
    expect(serve.child.exitCode).toBeNull();
    const log = await fringe(['schedule', 'log', '1', '--db', dir]);
    expect(log.stdout).toMatch(/removed while it ran: the station stops it[\s\S]*interrupted: removed while it ran[\s\S]*stopped: removed/);
    expect((JSON.parse((await fringe(['schedule', 'list', '--json', '--db', dir])).stdout) as unknown[])).toEqual([]);

    // The station is free: the next job runs and is done.
    const next = await fringe(['schedule', 'add', '--mode', 'totalpower', '--source', 'sim', '--start', 'in:1', '--duration', '3', '--channels', '256', '--db', dir]);
    expect(next.code, next.stderr).toBe(0);
    const id = Number(next.stdout);
    await until(() => ['done', 'failed'].includes(look(id).state), 'the next job finished', 120_000);
    expect(look(id)).toMatchObject({ state: 'done' });
    expect(look(id).obs).toHaveLength(1);
    // Removing a job that is not running needs no station, and one that is gone is an error.
    expect((await fringe(['schedule', 'remove', '1', '--db', dir])).code).toBe(1);
    await serve.stop('SIGTERM');
  }, 300_000);
});
