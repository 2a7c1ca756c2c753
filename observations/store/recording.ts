/**
 * A recording in progress: the engine appends integrations as they arrive,
 * each in its own transaction, so a crash loses at most the one in flight.
 * A write that fails (disk full, read-only) stops the recording with a clear
 * error; everything committed before stays.
 */
import type Database from 'better-sqlite3';
import type { Integration } from '../../correlator/types.ts';
import { ObservationError, check, fromSqliteError } from '../errors.ts';
import { toFloat32Blob } from './codec.ts';
import { withReserve } from './reserve.ts';
import type { EventKind, ObservationConfig } from './types.ts';

/** Observation ids this process is recording now; the store's crash recovery leaves them alone. */
export const activeRecordings = new Set<string>();

const eventKinds: readonly EventKind[] = ['pointing', 'calibration', 'drop', 'note'];

export class Recording {
  readonly id: number;
  /** Start of the recording (Unix s, sky time); integration times are start + speed · firstSample / sampleRate. */
  readonly start: number;
  private readonly sampleRate: number;
  /** Sky seconds per second of samples (config.clock.speed; 1 for real time). */
  private readonly speed: number;
  private readonly inputs: number;
  private readonly products: number;
  private readonly channels: number;
  private lastIndex = -1;
  private lastEnd: number;
  private stopped: ObservationError | null = null;
  private finished = false;
  private readonly insert: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly key: string;

  /** @internal Made by `Store.startObservation`. */
  constructor(
    private readonly db: Database.Database,
    id: number,
    start: number,
    config: ObservationConfig,
    private readonly dir: string,
  ) {
    this.id = id;
    this.start = start;
    this.lastEnd = start;
    this.sampleRate = config.tuning.sampleRate;
    this.speed = config.clock?.speed ?? 1;
    this.inputs = config.fx.inputs;
    this.channels = config.fx.channels;
    this.products = config.fx.mode === 'autos' ? this.inputs : (this.inputs * (this.inputs + 1)) / 2;
    this.insert = db.prepare(`INSERT INTO integrations
      (observation_id, idx, first_sample, time_s, duration_s, spectra, end_reason, inputs, products, channels,
       visibilities, power2, clipped, dropped)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertEvent = db.prepare('INSERT INTO events (observation_id, time_s, kind, data) VALUES (?, ?, ?, ?)');
    this.key = `${dir}#${id}`;
    activeRecordings.add(this.key);
  }

  /** Whether appends are still accepted. */
  get active(): boolean {
    return !this.finished && this.stopped === null;
  }

  /**
   * Stores one integration in its own transaction (with a `drop` event when
   * samples were dropped). Throws `disk-full` / `read-only` and stops the
   * recording when the write fails; `invalid` when the shape does not match
   * the observation's configuration (that integration is not stored).
   */
  append(integration: Integration): void {
    this.assertActive();
    const it = integration;
    check(Number.isInteger(it.index) && it.index > this.lastIndex, `integration index ${it.index} must be an integer after ${this.lastIndex}`);
    check(Number.isSafeInteger(it.firstSample) && it.firstSample >= 0, `integration ${it.index}: firstSample must be a non-negative integer (samples)`);
    check(Number.isInteger(it.spectra) && it.spectra >= 0, `integration ${it.index}: spectra must be a non-negative integer`);
    check(
      it.visibilities.length === this.products * this.channels * 2,
      `integration ${it.index}: visibilities has ${it.visibilities.length} values, expected products×channels×2 = ${this.products * this.channels * 2}`,
    );
    check(it.power2.length === this.inputs * this.channels, `integration ${it.index}: power2 has ${it.power2.length} values, expected inputs×channels = ${this.inputs * this.channels}`);
    check(it.clipped.length === this.inputs && it.dropped.length === this.inputs, `integration ${it.index}: clipped and dropped need one count per input (${this.inputs})`);
    // Sky time: the clock ran `speed` sky seconds per second of samples (the simulator's accelerated sky).
    const time = this.start + (this.speed * it.firstSample) / this.sampleRate;
    const duration = (this.speed * it.spectra * this.channels) / this.sampleRate;
    const droppedTotal = it.dropped.reduce((a, b) => a + b, 0);
    try {
      this.db.transaction(() => {
        this.insert.run(
          this.id, it.index, it.firstSample, time, duration, it.spectra, it.end, this.inputs, this.products, this.channels,
          toFloat32Blob(it.visibilities), toFloat32Blob(it.power2), JSON.stringify(it.clipped), JSON.stringify(it.dropped),
        );
        if (droppedTotal > 0) {
          this.insertEvent.run(this.id, time, 'drop', JSON.stringify({ integration: it.index, dropped: it.dropped }));
        }
      })();
    } catch (err) {
      this.stop(fromSqliteError(err, `storing integration ${it.index} of observation ${this.id}`));
      throw this.stopped;
    }
    this.lastIndex = it.index;
    this.lastEnd = time + duration;
  }

  /** Records an event (pointing, calibration, drop, note) at `time` (Unix s, default now). */
  event(kind: EventKind, data: Record<string, unknown> = {}, time: number = Date.now() / 1000): void {
    this.assertActive();
    check(eventKinds.includes(kind), `event kind must be one of ${eventKinds.join(', ')}`);
    check(Number.isFinite(time), 'event time must be a finite number of Unix seconds');
    try {
      this.insertEvent.run(this.id, time, kind, JSON.stringify(data));
    } catch (err) {
      this.stop(fromSqliteError(err, `storing a ${kind} event of observation ${this.id}`));
      throw this.stopped;
    }
  }

  /** Ends the recording as complete at `end` (Unix s; default the end of the last integration). */
  complete(end: number = this.lastEnd): void {
    this.assertActive();
    this.finish('complete', end, null);
  }

  /**
   * Ends the recording as interrupted, with the reason shown to the user, at
   * `end` (Unix s; default the end of the last integration: a raw recording
   * gives the time of its last sample).
   */
  interrupt(reason: string, end: number = this.lastEnd): void {
    if (this.finished) return;
    this.finish('interrupted', end, reason);
  }

  private finish(status: 'complete' | 'interrupted', end: number, reason: string | null): void {
    this.finished = true;
    activeRecordings.delete(this.key);
    try {
      // On a full disk the WAL may have no room for this update: the reserve gives it some.
      withReserve(this.dir, () =>
        this.db
          .prepare('UPDATE observations SET status = ?, end_s = ?, interrupted_reason = ? WHERE id = ?')
          .run(status, end, reason, this.id));
    } catch (err) {
      // The next open marks it interrupted (its recorder is gone); say why now.
      throw fromSqliteError(err, `closing observation ${this.id}`);
    }
  }

  private stop(error: ObservationError): void {
    this.stopped = error;
    try {
      // Updating a row in place needs no new page, so this usually succeeds on a full disk.
      this.finish('interrupted', this.lastEnd, error.message);
    } catch {
      // Left as 'recording'; the next open of the store marks it interrupted.
    }
  }

  private assertActive(): void {
    if (this.stopped) {
      throw new ObservationError('state', `observation ${this.id} stopped recording: ${this.stopped.message}`, { cause: this.stopped });
    }
    if (this.finished) throw new ObservationError('state', `observation ${this.id} is no longer recording.`);
  }
}
