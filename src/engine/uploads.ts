/**
 * The station's uploads: upload targets (targets.json beside the store,
 * secrets never returned), and jobs that send an observation's export to a
 * target through the persistent queue (observations/upload). One drain loop
 * runs at a time in the background; a job started while it runs joins it.
 * Every change of a job is an `upload` event with the job as the UI shows it.
 * Jobs left queued when the station last stopped resume when it opens.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ObservationError } from '../../observations/errors.ts';
import type { ExportFormat } from '../../observations/export/index.ts';
import type { Store } from '../../observations/store/store.ts';
import { exportForUpload, uploadExportPath, uploadFormats } from '../../observations/upload/export.ts';
import { FtpTransport } from '../../observations/upload/ftp.ts';
import { HttpTransport } from '../../observations/upload/http.ts';
import { UploadQueue, type JobState, type QueueOptions, type UploadEvent, type UploadJob } from '../../observations/upload/queue.ts';
import { TargetStore, type Target, type TargetSummary } from '../../observations/upload/targets.ts';
import type { Transport } from '../../observations/upload/transport.ts';

import { errorCause } from '../api/errors.ts';
import type { StationErrorEvent, UploadJobView } from '../api/types.ts';

export type { ExportFormat } from '../../observations/export/index.ts';
export type { UploadJobView } from '../api/types.ts';
export type { JobState } from '../../observations/upload/queue.ts';
export type { Target, TargetSummary } from '../../observations/upload/targets.ts';

export interface UploadsOptions {
  /** Attempts, backoff (defaults: observations/upload/queue.ts). */
  queue?: QueueOptions;
  /** Transports by target kind (default: HTTP and FTP with a 30 s idle timeout). */
  transports?: Record<Target['kind'], Transport>;
  /** Least time between two progress events of one job (ms, default 100): the UI needs no more. */
  progressIntervalMs?: number;
}

export interface UploadsEvents {
  upload: [UploadJobView];
  /** The queue itself failed (its database): the drain stopped until the next start or retry. */
  'queue-error': [StationErrorEvent];
}

export class Uploads extends EventEmitter<UploadsEvents> {
  private readonly targets: TargetStore;
  private readonly queue: UploadQueue;
  private readonly transports: Record<Target['kind'], Transport>;
  private readonly maxAttempts: number;
  private readonly progressIntervalMs: number;
  /** Progress of running attempts: bytes sent, when last reported (ms). */
  private readonly progress = new Map<number, { sent: number; reported: number }>();
  private readonly alreadyThere = new Set<number>();
  /** Whether the drain loop runs; `draining` settles when it ends. */
  private running = false;
  private draining: Promise<void> = Promise.resolve();
  private readonly stop = new AbortController();

  constructor(private readonly store: Store, options: UploadsOptions = {}) {
    super();
    this.targets = new TargetStore(store.dir);
    this.queue = new UploadQueue(store, options.queue);
    this.maxAttempts = options.queue?.maxAttempts ?? 8;
    this.transports = options.transports ?? { http: new HttpTransport(), ftp: new FtpTransport() };
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /** Targets with their secrets replaced by whether one is set. */
  listTargets(): TargetSummary[] {
    return this.targets.list();
  }

  /** Adds (or replaces) a target, validated by validateTarget; its secret is stored, never returned. */
  addTarget(target: Target): TargetSummary {
    return this.targets.add(target);
  }

  removeTarget(name: string): void {
    this.targets.remove(name);
  }

  /** The formats observation `id` can be uploaded as (observations/upload/export.ts). */
  formats(id: number): ExportFormat[] {
    return uploadFormats(this.store.getObservation(id), this.store.rawRecordings(id).length);
  }

  /**
   * Exports observation `id` as `format` into the data folder (as `fringe
   * upload --format` does) and queues it for `target`; the upload runs in
   * the background. The same bytes already sent to that target give the done
   * job back; a failed one is retried.
   */
  async start(spec: { id: number; format: ExportFormat; target: string }): Promise<UploadJobView> {
    this.needOpen();
    this.targets.get(spec.target);
    const obs = this.store.getObservation(spec.id);
    if (obs.status === 'recording') throw new ObservationError('state', `observation ${obs.id} is still recording; stop it before uploading.`);
    const offered = this.formats(spec.id);
    if (!offered.includes(spec.format)) {
      throw new ObservationError('invalid', `observation ${obs.id} (${obs.mode}) cannot be uploaded as ${spec.format}${offered.length ? `; it can as ${offered.join(', ')}` : ''}.`);
    }
    // A job still sending this very file keeps it: exporting again would rewrite it under that job.
    const path = uploadExportPath(this.store, obs, spec.format);
    const pending = this.queue.jobs().find((j) => j.path === path && (j.state === 'queued' || j.state === 'running'));
    const file = pending && existsSync(path) ? { path, exportId: pending.exportId ?? undefined } : exportForUpload(this.store, obs.id, spec.format);
    let job = await this.queue.enqueue({ path: file.path, target: spec.target, observationId: obs.id, exportId: file.exportId });
    if (job.state === 'failed') job = this.queue.retry(job.id);
    const view = this.view(job);
    this.emit('upload', view);
    this.kick();
    return view;
  }

  /** Jobs, oldest first; only observation `observationId`'s when given. */
  jobs(observationId?: number): UploadJobView[] {
    const jobs = this.queue.jobs(observationId === undefined ? {} : { observationId });
    const formats = this.exportFormats(jobs);
    return jobs.map((j) => this.view(j, formats));
  }

  /** Puts a failed job back in the queue with fresh attempts. */
  retry(jobId: number): UploadJobView {
    this.needOpen();
    const view = this.view(this.queue.retry(jobId));
    this.emit('upload', view);
    this.kick();
    return view;
  }

  /** Cancels a queued job (it shows as failed, 'cancelled before it started'; Retry queues it again). */
  cancel(jobId: number): UploadJobView {
    const view = this.view(this.queue.cancel(jobId));
    this.emit('upload', view);
    return view;
  }

  /** Starts the jobs left queued (or interrupted) when the station last stopped. */
  resume(): void {
    if (this.queue.jobs({ state: 'queued' }).length > 0) this.kick();
  }

  /** Stops the drain: the attempt in flight is cut short and its job stays queued for the next start. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.draining;
  }

  /** Starts the drain loop unless it runs (a running one picks up new jobs: the queue wakes it). */
  private kick(): void {
    if (this.running || this.stop.signal.aborted) return;
    this.running = true;
    this.draining = this.drainLoop();
  }

  private async drainLoop(): Promise<void> {
    try {
      // A job queued just as the drain found nothing left is taken by another round; `running` turns
      // false in the same turn as the last look, so a later start() always finds a loop or starts one.
      do {
        await this.queue.drain((name) => this.targets.get(name), this.transports, (e) => this.onQueueEvent(e), this.stop.signal);
      } while (!this.stop.signal.aborted && this.queue.jobs({ state: 'queued' }).length > 0);
    } catch (err) {
      this.emit('queue-error', { kind: (err as { kind?: string }).kind ?? 'upload', message: `Uploads stopped: ${err instanceof Error ? err.message : String(err)}`, area: 'uploads', cause: errorCause(err) });
    } finally {
      this.running = false;
    }
  }

  private onQueueEvent(e: UploadEvent): void {
    const id = e.job.id;
    if (e.type === 'progress') {
      const now = Date.now();
      const last = this.progress.get(id);
      const due = !last || now - last.reported >= this.progressIntervalMs || e.sent >= e.total;
      this.progress.set(id, { sent: e.sent, reported: due ? now : last.reported });
      if (!due) return;
    } else if (e.type === 'start') {
      this.progress.set(id, { sent: 0, reported: Date.now() });
      this.alreadyThere.delete(id);
    } else {
      this.progress.delete(id);
      if (e.type === 'done' && e.alreadyThere) this.alreadyThere.add(id);
    }
    this.emit('upload', this.view(e.job));
  }

  private view(j: UploadJob, formats?: Map<number, string>): UploadJobView {
    const format = j.exportId === null ? null : (formats ?? this.exportFormats([j])).get(j.exportId) ?? null;
    const sent = j.state === 'done' ? j.bytes : j.state === 'running' ? this.progress.get(j.id)?.sent ?? 0 : 0;
    return {
      job: j.id,
      observation: j.observationId,
      target: j.target,
      format: format as ExportFormat | null,
      file: j.remoteName || basename(j.path),
      state: j.state,
      sent,
      total: j.bytes,
      attempts: j.attempts,
      maxAttempts: this.maxAttempts,
      error: j.state === 'done' ? null : j.lastError,
      retryAt: j.state === 'queued' && j.lastError !== null && j.attempts > 0 ? j.nextAttempt : null,
      alreadyThere: this.alreadyThere.has(j.id),
      updated: j.updated,
    };
  }

  /** Export id → format, for the jobs' observations. */
  private exportFormats(jobs: UploadJob[]): Map<number, string> {
    const out = new Map<number, string>();
    for (const obs of new Set(jobs.map((j) => j.observationId).filter((o): o is number => o !== null))) {
      for (const e of this.store.exports(obs)) out.set(e.id, e.format);
    }
    return out;
  }

  private needOpen(): void {
    if (this.stop.signal.aborted) throw new ObservationError('state', 'the station is closing; uploads have stopped.');
  }
}
