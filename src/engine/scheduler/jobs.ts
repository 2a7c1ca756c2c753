/**
 * Scheduled jobs in the store (migration 7): one row per occurrence of a
 * job (a repeating job's next occurrence is added when one starts), its
 * planned window on the sky clock, its state, the observations it made,
 * why it failed, its result and its post-job command's exit status, and a
 * log per job. A job is claimed for running by one atomic update, so two
 * stations on one data folder never run it both.
 */
import { hostname } from 'node:os';
import type { JobSpec } from '../../api/inputs.ts';
import type { ScheduleJobView, ScheduleLogLine } from '../../api/types.ts';
import type { Store } from '../../../observations/store/store.ts';

interface Row {
  id: number;
  series_id: number | null;
  spec: string;
  state: ScheduleJobView['state'] | 'removed';
  planned_start_s: number;
  planned_end_s: number;
  started_s: number | null;
  ended_s: number | null;
  observations: string;
  reason: string | null;
  result: string | null;
  post_status: number | null;
  runner_pid: number | null;
  runner_host: string | null;
}

const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());

function view(r: Row): ScheduleJobView {
  return {
    id: r.id,
    series: r.series_id ?? r.id,
    state: r.state === 'removed' ? 'failed' : r.state,
    spec: JSON.parse(r.spec) as JobSpec,
    plannedStart: iso(r.planned_start_s)!,
    plannedEnd: iso(r.planned_end_s)!,
    started: iso(r.started_s),
    ended: iso(r.ended_s),
    observation: JSON.parse(r.observations) as number[],
    reason: r.reason,
    result: r.result === null ? null : (JSON.parse(r.result) as ScheduleJobView['result']),
    postStatus: r.post_status,
  };
}

export class JobTable {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  /** Adds an occurrence (times in ms of sky time); returns it. */
  add(spec: JobSpec, start: number, series: number | null = null): ScheduleJobView {
    const info = this.db
      .prepare(`INSERT INTO schedule_jobs (series_id, spec, state, planned_start_s, planned_end_s, created_s) VALUES (?, ?, 'pending', ?, ?, ?)`)
      .run(series, JSON.stringify(spec), start / 1000, start / 1000 + spec.duration, Date.now() / 1000);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ScheduleJobView | null {
    const r = this.db.prepare(`SELECT * FROM schedule_jobs WHERE id = ? AND state != 'removed'`).get(id) as Row | undefined;
    return r ? view(r) : null;
  }

  /** The jobs, by planned start (removed ones left out). */
  list(): ScheduleJobView[] {
    return (this.db.prepare(`SELECT * FROM schedule_jobs WHERE state != 'removed' ORDER BY planned_start_s, id`).all() as Row[]).map(view);
  }

  /** Runnable now or later: pending, or interrupted and resumable (its window not over at `now`, ms). */
  waiting(now: number): ScheduleJobView[] {
    return (this.db
      .prepare(`SELECT * FROM schedule_jobs WHERE state = 'pending' OR (state = 'interrupted' AND planned_end_s > ?) ORDER BY planned_start_s, id`)
      .all(now / 1000) as Row[]).map(view);
  }

  /** Takes a job for this process: true when it was pending (or interrupted) and is now running here. */
  claim(id: number, skyNow: number): boolean {
    const info = this.db
      .prepare(`UPDATE schedule_jobs SET state = 'running', started_s = ?, runner_pid = ?, runner_host = ?, reason = NULL WHERE id = ? AND state IN ('pending', 'interrupted')`)
      .run(skyNow / 1000, process.pid, hostname(), id);
    return info.changes === 1;
  }

  /** Jobs marked running by a process that is gone (a crash, a reboot), or by this process's earlier life. */
  orphans(alive: (pid: number | null) => boolean): ScheduleJobView[] {
    const rows = this.db.prepare(`SELECT * FROM schedule_jobs WHERE state = 'running'`).all() as Row[];
    return rows.filter((r) => r.runner_host !== hostname() || !alive(r.runner_pid) || r.runner_pid === process.pid).map(view);
  }

  addObservation(id: number, observationId: number): void {
    this.db.prepare(`UPDATE schedule_jobs SET observations = json_insert(observations, '$[#]', ?) WHERE id = ?`).run(observationId, id);
  }

  /** Ends a run (a job removed meanwhile stays removed, its end, reason and result kept). */
  finish(id: number, state: 'done' | 'failed' | 'interrupted', skyEnd: number | null, reason: string | null, result?: unknown): void {
    this.db
      .prepare(`UPDATE schedule_jobs SET state = CASE state WHEN 'removed' THEN 'removed' ELSE ? END, ended_s = ?, reason = ?, result = COALESCE(?, result), runner_pid = NULL WHERE id = ?`)
      .run(state, skyEnd === null ? null : skyEnd / 1000, reason, result === undefined ? null : JSON.stringify(result), id);
  }

  /** A job's row as stored, removed ones too (state 'removed'), with the process running it; null when there is none. */
  stored(id: number): (ScheduleJobView & { stored: Row['state']; runner: { pid: number; host: string } | null }) | null {
    const r = this.db.prepare(`SELECT * FROM schedule_jobs WHERE id = ?`).get(id) as Row | undefined;
    return r ? { ...view(r), stored: r.state, runner: r.runner_pid === null ? null : { pid: r.runner_pid, host: r.runner_host ?? '' } } : null;
  }

  /** Whether the job was removed (by this process or another: the store is the meeting point). */
  removed(id: number): boolean {
    return (this.db.prepare(`SELECT state FROM schedule_jobs WHERE id = ?`).get(id) as { state: string } | undefined)?.state === 'removed';
  }

  setPostStatus(id: number, status: number): void {
    this.db.prepare(`UPDATE schedule_jobs SET post_status = ? WHERE id = ?`).run(status, id);
  }

  /** Removes a job (it stays in the store as 'removed', with its log; the station running it stops it); false when there is none. */
  remove(id: number): boolean {
    return this.db.prepare(`UPDATE schedule_jobs SET state = 'removed' WHERE id = ? AND state != 'removed'`).run(id).changes === 1;
  }

  /** Every occurrence of a series (a repeating job's, a survey's points), by planned start; removed ones left out. */
  series(series: number): ScheduleJobView[] {
    return (this.db.prepare(`SELECT * FROM schedule_jobs WHERE (series_id = ? OR id = ?) AND state != 'removed' ORDER BY planned_start_s, id`).all(series, series) as Row[]).map(view);
  }

  /** Whether the series already has an occurrence planned at or after `start` (ms). */
  hasLater(series: number, start: number): boolean {
    return !!this.db.prepare(`SELECT 1 FROM schedule_jobs WHERE (series_id = ? OR id = ?) AND planned_start_s >= ? AND state != 'removed'`).get(series, series, start / 1000 - 1);
  }

  log(id: number, skyMs: number, message: string): void {
    this.db.prepare(`INSERT INTO schedule_log (job_id, wall_s, sky_s, message) VALUES (?, ?, ?, ?)`).run(id, Date.now() / 1000, skyMs / 1000, message);
  }

  logOf(id: number): ScheduleLogLine[] {
    return (this.db.prepare(`SELECT wall_s, sky_s, message FROM schedule_log WHERE job_id = ? ORDER BY id`).all(id) as { wall_s: number; sky_s: number; message: string }[]).map((l) => ({
      wall: new Date(l.wall_s * 1000).toISOString(),
      sky: new Date(l.sky_s * 1000).toISOString(),
      message: l.message,
    }));
  }
}
