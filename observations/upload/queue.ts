/**
 * The persistent upload queue: one job per file and target in the store's
 * `upload_jobs` table, with its state (queued → running → done | failed),
 * attempts, last error, SHA-256 and an idempotency key. A runner claims a
 * job atomically (queued → running with its pid), so two queues on one
 * database never send the same job; jobs left `running` by a process that
 * died are queued again when a queue is opened; failed attempts retry with
 * exponential backoff. A drain that is stopped (its signal aborts) cuts the
 * attempt in flight short and puts that job back in the queue without
 * counting the attempt; a job queued or retried on the same queue while a
 * drain sleeps wakes it.
 */
import { processAlive } from '../process.ts';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { ObservationError, check, fromSqliteError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { TransportError, type Transport } from './transport.ts';
import type { Target } from './targets.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface UploadJob {
  id: number;
  observationId: number | null;
  exportId: number | null;
  target: string;
  path: string;
  remoteName: string;
  bytes: number;
  sha256: string;
  idempotencyKey: string;
  state: JobState;
  attempts: number;
  lastError: string | null;
  /** When the next attempt may start (Unix s). */
  nextAttempt: number;
  created: number;
  updated: number;
}

export type UploadEvent =
  | { type: 'start'; job: UploadJob }
  | { type: 'progress'; job: UploadJob; sent: number; total: number }
  | { type: 'retry'; job: UploadJob; error: string; delay: number }
  | { type: 'done'; job: UploadJob; alreadyThere: boolean }
  | { type: 'failed'; job: UploadJob; error: string }
  /** The drain stopped during this attempt: the job is queued again, the attempt not counted. */
  | { type: 'interrupted'; job: UploadJob };

export interface QueueOptions {
  /** Attempts before a job fails for good (default 8). */
  maxAttempts?: number;
  /** First retry delay (s, default 5); doubles each attempt. */
  backoffBase?: number;
  /** Longest retry delay (s, default 900). */
  backoffMax?: number;
  /** Clock (Unix s), for tests. */
  now?: () => number;
}

/** SHA-256 (hex) and size (bytes) of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

interface JobRow {
  id: number; observation_id: number | null; export_id: number | null; target: string; path: string; remote_name: string;
  bytes: number; sha256: string; idempotency_key: string; state: JobState; attempts: number; last_error: string | null;
  next_attempt_s: number; created_s: number; updated_s: number;
}

const toJob = (r: JobRow): UploadJob => ({
  id: r.id, observationId: r.observation_id, exportId: r.export_id, target: r.target, path: r.path, remoteName: r.remote_name,
  bytes: r.bytes, sha256: r.sha256, idempotencyKey: r.idempotency_key, state: r.state, attempts: r.attempts,
  lastError: r.last_error, nextAttempt: r.next_attempt_s, created: r.created_s, updated: r.updated_s,
});

export class UploadQueue {
  private readonly maxAttempts: number;
  private readonly backoffBase: number;
  private readonly backoffMax: number;
  private readonly now: () => number;
  /** Ends the sleep of a drain waiting for a retry to fall due, when there is one. */
  private wake: (() => void) | null = null;

  /** Opens the queue on a store and requeues jobs a dead process left running. */
  constructor(private readonly store: Store, options: QueueOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffBase = options.backoffBase ?? 5;
    this.backoffMax = options.backoffMax ?? 900;
    this.now = options.now ?? (() => Date.now() / 1000);
    check(Number.isInteger(this.maxAttempts) && this.maxAttempts >= 1, 'maxAttempts must be a positive integer');
    check(this.backoffBase >= 0 && this.backoffMax >= this.backoffBase, 'backoff must satisfy 0 ≤ base ≤ max (s)');
    this.requeueOrphans();
  }

  /** Queues again the jobs left `running` by a process on this machine that is gone. */
  requeueOrphans(): number[] {
    const rows = this.store.db
      .prepare("SELECT id, runner_pid, runner_host FROM upload_jobs WHERE state = 'running'")
      .all() as { id: number; runner_pid: number | null; runner_host: string | null }[];
    const orphans = rows.filter((r) => (r.runner_host === null || r.runner_host === hostname()) && !processAlive(r.runner_pid)).map((r) => r.id);
    for (const id of orphans) {
      this.store.db
        .prepare("UPDATE upload_jobs SET state = 'queued', runner_pid = NULL, last_error = 'interrupted by a restart', updated_s = ? WHERE id = ? AND state = 'running'")
        .run(this.now(), id);
    }
    return orphans;
  }

  /**
   * Queues `path` for `target`. The idempotency key is derived from the
   * target, remote name and checksum, so queueing the same file twice
   * returns the existing job instead of uploading it again.
   */
  async enqueue(spec: { path: string; target: string; remoteName?: string; observationId?: number; exportId?: number }): Promise<UploadJob> {
    check(typeof spec.target === 'string' && spec.target !== '', 'a job needs a target name');
    const path = resolve(spec.path);
    try {
      check(statSync(path).isFile(), `${path} is not a file`);
    } catch (err) {
      if (err instanceof ObservationError) throw err;
      throw new ObservationError('io', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    const remoteName = spec.remoteName ?? basename(path);
    check(/^[^/\\\0]{1,255}$/.test(remoteName) && remoteName !== '.' && remoteName !== '..', 'the remote name must be a plain file name');
    const { sha256, bytes } = await hashFile(path);
    const key = createHash('sha256').update(`${spec.target}\n${remoteName}\n${sha256}`).digest('hex').slice(0, 32);
    const existing = this.store.db.prepare('SELECT * FROM upload_jobs WHERE idempotency_key = ?').get(key) as JobRow | undefined;
    if (existing) return toJob(existing);
    const t = this.now();
    try {
      const info = this.store.db
        .prepare(`INSERT INTO upload_jobs (observation_id, export_id, target, path, remote_name, bytes, sha256, idempotency_key, state, next_attempt_s, created_s, updated_s)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`)
        .run(spec.observationId ?? null, spec.exportId ?? null, spec.target, path, remoteName, bytes, sha256, key, t, t, t);
      this.wake?.();
      return this.get(Number(info.lastInsertRowid));
    } catch (err) {
      throw fromSqliteError(err, `queueing ${path}`);
    }
  }

  get(id: number): UploadJob {
    const r = this.store.db.prepare('SELECT * FROM upload_jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!r) throw new ObservationError('not-found', `no upload job ${id}`);
    return toJob(r);
  }

  jobs(filter: { state?: JobState; observationId?: number } = {}): UploadJob[] {
    const rows = this.store.db.prepare('SELECT * FROM upload_jobs ORDER BY id').all() as JobRow[];
    return rows.map(toJob).filter((j) => (filter.state === undefined || j.state === filter.state) && (filter.observationId === undefined || j.observationId === filter.observationId));
  }

  /** Puts a failed job back in the queue with fresh attempts. */
  retry(id: number): UploadJob {
    const job = this.get(id);
    check(job.state === 'failed', `job ${id} is ${job.state}, not failed`);
    this.update(id, { state: 'queued', attempts: 0, next_attempt_s: this.now() });
    this.wake?.();
    return this.get(id);
  }

  /** The last_error of a job the user cancelled (its state is 'failed': Retry queues it again). */
  static readonly cancelled = 'cancelled before it started';

  /**
   * Cancels a queued job: it becomes failed ('cancelled before it started'),
   * so Retry can queue it again; one that is running, done or failed is refused
   * (a runner claims a job atomically: a cancel that wins the race keeps it from starting).
   */
  cancel(id: number): UploadJob {
    this.get(id); // not found: says so
    const r = this.store.db
      .prepare("UPDATE upload_jobs SET state = 'failed', last_error = ?, updated_s = ? WHERE id = ? AND state = 'queued'")
      .run(UploadQueue.cancelled, this.now(), id);
    check(r.changes === 1, `job ${id} is ${this.get(id).state}: only a queued upload can be cancelled`);
    return this.get(id);
  }

  /** Delay (s) before attempt n+1 after n failed attempts. */
  backoff(attempts: number): number {
    return Math.min(this.backoffMax, this.backoffBase * 2 ** Math.max(0, attempts - 1));
  }

  /**
   * Runs one attempt of every job that is due. `resolveTarget` gives the
   * target (with credentials) and `transport` the way to send to it; when
   * `signal` aborts, the attempt in flight stops and no further one starts.
   */
  async runDue(resolveTarget: (name: string) => Target, transports: Record<Target['kind'], Transport>, onEvent?: (e: UploadEvent) => void, signal?: AbortSignal): Promise<number> {
    const due = this.store.db
      .prepare("SELECT * FROM upload_jobs WHERE state = 'queued' AND next_attempt_s <= ? ORDER BY id")
      .all(this.now()) as JobRow[];
    for (const row of due) {
      if (signal?.aborted) break;
      await this.attempt(toJob(row), resolveTarget, transports, onEvent, signal);
    }
    return due.length;
  }

  /**
   * Runs until no job is queued (sleeping until retries fall due), or until
   * `signal` aborts. Resolves with the jobs it touched, in their final states.
   */
  async drain(resolveTarget: (name: string) => Target, transports: Record<Target['kind'], Transport>, onEvent?: (e: UploadEvent) => void, signal?: AbortSignal): Promise<UploadJob[]> {
    const touched = new Set<number>();
    for (;;) {
      if (signal?.aborted) break;
      const queued = this.jobs({ state: 'queued' });
      if (queued.length === 0) break;
      queued.forEach((j) => touched.add(j.id));
      const ran = await this.runDue(resolveTarget, transports, onEvent, signal);
      if (ran === 0) {
        const next = Math.min(...queued.map((j) => j.nextAttempt));
        await sleep(Math.max(10, (next - this.now()) * 1000), signal, (wake) => (this.wake = wake));
        this.wake = null;
      }
    }
    return [...touched].map((id) => this.get(id));
  }

  private async attempt(job: UploadJob, resolveTarget: (name: string) => Target, transports: Record<Target['kind'], Transport>, onEvent?: (e: UploadEvent) => void, signal?: AbortSignal): Promise<void> {
    const attempts = job.attempts + 1;
    // Claim it: only one runner turns a queued job into a running one.
    const claimed = this.store.db
      .prepare("UPDATE upload_jobs SET state = 'running', attempts = ?, runner_pid = ?, runner_host = ?, updated_s = ? WHERE id = ? AND state = 'queued'")
      .run(attempts, process.pid, hostname(), this.now(), job.id);
    if (claimed.changes !== 1) return;
    const running = this.get(job.id);
    onEvent?.({ type: 'start', job: running });
    let error: string;
    let permanent = false;
    try {
      const target = resolveTarget(job.target);
      // The file must still be what was queued: never send something else under this key.
      const now = await hashFile(job.path).catch((err: Error) => { throw new TransportError(`cannot read ${job.path}: ${err.message}`, true); });
      if (now.sha256 !== job.sha256) throw new TransportError(`${job.path} changed after it was queued (SHA-256 differs); queue it again.`, true);
      const outcome = await transports[target.kind].upload(target, {
        path: job.path, remoteName: job.remoteName, bytes: job.bytes, sha256: job.sha256, idempotencyKey: job.idempotencyKey,
        onProgress: (sent) => onEvent?.({ type: 'progress', job: running, sent, total: job.bytes }),
        signal,
      });
      this.update(job.id, { state: 'done', last_error: null });
      onEvent?.({ type: 'done', job: this.get(job.id), alreadyThere: outcome.alreadyThere });
      return;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      permanent = (err instanceof TransportError && err.permanent) || (err instanceof ObservationError && err.kind === 'not-found');
    }
    if (signal?.aborted) {
      // Stopped, not failed: the next drain starts it afresh, and this attempt does not count.
      this.update(job.id, { state: 'queued', attempts: job.attempts, last_error: 'interrupted: the uploader stopped', next_attempt_s: this.now() });
      onEvent?.({ type: 'interrupted', job: this.get(job.id) });
      return;
    }
    if (permanent || attempts >= this.maxAttempts) {
      this.update(job.id, { state: 'failed', last_error: error });
      onEvent?.({ type: 'failed', job: this.get(job.id), error });
    } else {
      const delay = this.backoff(attempts);
      this.update(job.id, { state: 'queued', last_error: error, next_attempt_s: this.now() + delay });
      onEvent?.({ type: 'retry', job: this.get(job.id), error, delay });
    }
  }

  private update(id: number, fields: Partial<Pick<JobRow, 'state' | 'attempts' | 'last_error' | 'next_attempt_s'>>): void {
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    const sql = `UPDATE upload_jobs SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_s = ? WHERE id = ?`;
    try {
      this.store.db.prepare(sql).run(...keys.map((k) => fields[k] ?? null), this.now(), id);
    } catch (err) {
      throw fromSqliteError(err, `updating upload job ${id}`);
    }
  }
}


/** Waits `ms`, or less when `signal` aborts or the function handed to `onWake` is called. */
function sleep(ms: number, signal?: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    onWake?.(done);
  });
}
