/**
 * The local store: one SQLite database (WAL) in a data folder, with raw
 * recordings and exports beside it. Open with `Store.open(dir)`; start a
 * recording with `startObservation`, read with `listObservations` and
 * `integrations`.
 */
import { addCalibration, currentCalibration, listCalibrations, retireCalibrations, type CalibrationRecordRow, type NewCalibration } from './calibrations.ts';
import { processAlive } from '../process.ts';
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ObservationError, check, fromSqliteError } from '../errors.ts';
import { dataFiles } from '../paths.ts';
import { decodeIntegration, type IntegrationRow } from './codec.ts';
import { migrate, schemaVersion } from './migrate.ts';
import { latestVersion } from './schema.ts';
import { Recording, activeRecordings } from './recording.ts';
import { recoverRawRecording, tidyTemporaries } from './raw-recovery.ts';
import { ensureReserve, isDiskFull, withReserve } from './reserve.ts';
import * as catalog from './catalog.ts';
import type {
  ExportRecord, Instrument, Observation, ObservationConfig, ObservationEvent, ObservationFilter,
  RawRecording, Site, StoredIntegration,
} from './types.ts';
import { validateConfig } from './validate.ts';

export interface OpenOptions {
  /** Open without writing (no migrations, no crash recovery). */
  readonly?: boolean;
  /** Cap the database at this many pages (4096 bytes each): a small-disk guard, and how tests fill the disk. */
  maxPageCount?: number;
}

export interface StartObservation {
  /** Observing mode: `spectrum`, `drift`, `interferometer`, `callisto`, … */
  mode: string;
  /** What is observed (`Sun`, `Cas A`, `HI l=30`). */
  target?: string;
  siteId?: number | null;
  config: ObservationConfig;
  /** Time of sample 0 (Unix s); default now. */
  start?: number;
}

export class Store {
  /** The data folder. */
  readonly dir: string;
  /** The underlying connection, for the upload queue and tests. */
  readonly db: Database.Database;

  private constructor(dir: string, db: Database.Database) {
    this.dir = dir;
    this.db = db;
  }

  /** Opens (creating if needed) the store in `dir`, migrates it and marks crashed recordings interrupted. */
  static open(dir: string, options: OpenOptions = {}): Store {
    check(typeof dir === 'string' && dir.trim() !== '', 'the data folder path must be a non-empty string');
    const abs = resolve(dir);
    let db: Database.Database;
    try {
      if (!options.readonly) mkdirSync(join(abs, dataFiles.recordings), { recursive: true });
      db = new Database(join(abs, dataFiles.database), { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EACCES' || code === 'EROFS') throw new ObservationError('read-only', `cannot write the data folder ${abs}: ${(err as Error).message}; use --db to choose another.`, { cause: err });
      throw new ObservationError('database', `cannot open the store in ${abs}: ${(err as Error).message}`, { cause: err });
    }
    try {
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        // FULL: each integration's commit reaches the disk before the next one starts.
        db.pragma('synchronous = FULL');
        migrate(db);
      } else if (schemaVersion(db) !== latestVersion) {
        throw new ObservationError(
          'database',
          `the database in ${abs} is at schema version ${schemaVersion(db)}, this Fringe reads ${latestVersion}; open it once without read-only to upgrade it (or update Fringe).`,
        );
      }
      if (options.maxPageCount !== undefined) {
        check(Number.isInteger(options.maxPageCount) && options.maxPageCount > 0, 'maxPageCount must be a positive integer (pages)');
        db.pragma(`max_page_count = ${options.maxPageCount}`);
      }
      const store = new Store(abs, db);
      if (!options.readonly) {
        store.recoverInterrupted();
        ensureReserve(abs);
      }
      return store;
    } catch (err) {
      db.close();
      throw fromSqliteError(err, `opening the store in ${abs}`);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Absolute path of a file the store references by a path relative to the data folder. */
  filePath(relative: string): string {
    return isAbsolute(relative) ? relative : join(this.dir, relative);
  }

  // Sites and instruments live in catalog.ts.
  addSite(site: Omit<Site, 'id'>): Site { return catalog.addSite(this.db, site); }
  listSites(): Site[] { return catalog.listSites(this.db); }
  getSite(id: number): Site { return catalog.getSite(this.db, id); }
  addInstrument(instrument: Omit<Instrument, 'id'>): Instrument { return catalog.addInstrument(this.db, instrument); }
  listInstruments(kind?: Instrument['kind']): Instrument[] { return catalog.listInstruments(this.db, kind); }

  /** Calibration records (calibrations.ts): add one, the newest first, the one in force for a receiver, retire them all. */
  addCalibration(c: NewCalibration): CalibrationRecordRow { return addCalibration(this.db, c); }
  calibrations(limit?: number): CalibrationRecordRow[] { return listCalibrations(this.db, limit); }
  currentCalibration(match?: Parameters<typeof currentCalibration>[1]): CalibrationRecordRow | null { return currentCalibration(this.db, match); }
  retireCalibrations(time?: number): number { return retireCalibrations(this.db, time); }

  /** Creates an observation in state `recording` and returns the handle the engine appends to. */
  startObservation(spec: StartObservation): Recording {
    check(typeof spec.mode === 'string' && /^[a-z][a-z0-9-]*$/.test(spec.mode), 'mode must be a lowercase word (e.g. spectrum, drift)');
    const config = validateConfig(spec.config);
    const start = spec.start ?? Date.now() / 1000;
    check(Number.isFinite(start) && start > 0, 'start must be a positive number of Unix seconds');
    if (spec.siteId != null) this.getSite(spec.siteId);
    try {
      const info = this.db
        .prepare(`INSERT INTO observations (mode, target, site_id, start_s, status, config, software_version, recorder_pid, recorder_host)
                  VALUES (?, ?, ?, ?, 'recording', ?, ?, ?, ?)`)
        .run(spec.mode, spec.target ?? '', spec.siteId ?? null, start, JSON.stringify(config), config.softwareVersion, process.pid, hostname());
      return new Recording(this.db, Number(info.lastInsertRowid), start, config, this.dir);
    } catch (err) {
      throw fromSqliteError(err, 'starting an observation');
    }
  }

  /**
   * Marks observations left `recording` by a process that is gone as
   * interrupted, ending them at their last stored integration; makes their
   * raw recordings whole (raw-recovery.ts); removes temporary files dead
   * writers left. On a full disk it does what it can and leaves the rest to
   * the next open, so that the store stays readable.
   */
  recoverInterrupted(): number[] {
    const rows = this.db
      .prepare("SELECT id, recorder_pid, recorder_host FROM observations WHERE status = 'recording'")
      .all() as { id: number; recorder_pid: number | null; recorder_host: string | null }[];
    const recovered: number[] = [];
    try {
      for (const r of rows) {
        if (r.recorder_host && r.recorder_host !== hostname()) continue; // cannot tell from here
        const mine = r.recorder_pid === process.pid;
        if (mine ? activeRecordings.has(`${this.dir}#${r.id}`) : processAlive(r.recorder_pid)) continue;
        this.db.transaction(() => {
          const kept = this.rawRecordings(r.id).map((rec) => recoverRawRecording(this.db, this.dir, rec)).filter((x) => x !== null);
          const raw = kept.length ? `; its raw recording is kept up to sample ${kept.map((k) => k.samples).join(', ')}, the last one written` : '';
          this.db
            .prepare(`UPDATE observations SET status = 'interrupted',
                        interrupted_reason = ?,
                        end_s = COALESCE((SELECT MAX(time_s + duration_s) FROM integrations WHERE observation_id = ?),
                                         start_s + (SELECT MAX(json_extract(meta, '$.samples') / sample_rate) FROM recordings WHERE observation_id = ?),
                                         start_s)
                      WHERE id = ?`)
            .run(`the recording process stopped without closing it (crash or kill)${raw}`, r.id, r.id, r.id);
        })();
        recovered.push(r.id);
      }
      tidyTemporaries(this.db, this.dir, processAlive);
    } catch (err) {
      // A full disk: what is stored stays readable; the next open with free space finishes the recovery.
      if (!isDiskFull(err)) throw err;
    }
    return recovered;
  }

  getObservation(id: number): Observation {
    return catalog.getObservation(this.db, id);
  }

  listObservations(filter: ObservationFilter = {}): Observation[] {
    return catalog.listObservations(this.db, filter);
  }

  events(observationId: number): ObservationEvent[] {
    return catalog.listEvents(this.db, observationId);
  }

  /** Number of integrations stored for an observation. */
  countIntegrations(observationId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM integrations WHERE observation_id = ?').get(observationId) as { n: number }).n;
  }

  /**
   * Streams an observation's integrations in index order, one row in memory
   * at a time; `range` keeps those starting in [from, until) (Unix s). Do
   * not write to this store while iterating.
   */
  *integrations(observationId: number, range: TimeRange = {}): Generator<StoredIntegration> {
    this.getObservation(observationId);
    const { sql, args } = rangeClause(range);
    const stmt = this.db.prepare(`SELECT * FROM integrations WHERE observation_id = ?${sql} ORDER BY idx`);
    for (const row of stmt.iterate(observationId, ...args)) yield decodeIntegration(row as IntegrationRow);
  }

  /** All of an observation's integrations as arrays (use `integrations()` for large ones). */
  readIntegrations(observationId: number, range: TimeRange = {}): StoredIntegration[] {
    return [...this.integrations(observationId, range)];
  }

  /** Start times (Unix s), durations (s) and spectra of the integrations, without the data. */
  integrationTimes(observationId: number, range: TimeRange = {}): { time: number; duration: number; spectra: number }[] {
    const { sql, args } = rangeClause(range);
    return this.db
      .prepare(`SELECT time_s AS time, duration_s AS duration, spectra FROM integrations WHERE observation_id = ?${sql} ORDER BY idx`)
      .all(observationId, ...args) as { time: number; duration: number; spectra: number }[];
  }

  /**
   * Where to write a new raw recording for an observation: a `.sigmf-data`
   * path in the data folder's recordings/ (relative, as `addRawRecording`
   * wants it, and absolute).
   */
  rawRecordingPath(observationId: number, label = 'raw'): { relative: string; absolute: string } {
    check(/^[A-Za-z0-9_-]{1,40}$/.test(label), 'a recording label is 1–40 letters, digits, _ or -');
    const relative = `${dataFiles.recordings}/observation-${observationId}-${label}.sigmf-data`;
    return { relative, absolute: join(this.dir, relative) };
  }

  /** References a raw recording (a `.sigmf-data` file, path relative to the data folder). */
  addRawRecording(rec: Omit<RawRecording, 'id'>): RawRecording {
    return catalog.addRawRecording(this.db, rec);
  }

  /** Replaces a raw recording's `meta` (e.g. its final sample count). */
  updateRawRecording(id: number, meta: Record<string, unknown>): void {
    withReserve(this.dir, () => catalog.updateRawRecording(this.db, id, meta));
  }

  rawRecordings(observationId: number): RawRecording[] {
    return catalog.listRawRecordings(this.db, observationId);
  }

  addExport(rec: Omit<ExportRecord, 'id'>): ExportRecord {
    return catalog.addExport(this.db, rec);
  }

  exports(observationId: number): ExportRecord[] {
    return catalog.listExports(this.db, observationId);
  }

  /**
   * Deletes an observation, its integrations and events, and the raw
   * recordings and exports it holds inside the data folder. Refuses one that
   * is still recording in this process.
   */
  deleteObservation(id: number): void {
    const obs = this.getObservation(id);
    if (obs.status === 'recording' && activeRecordings.has(`${this.dir}#${id}`)) {
      throw new ObservationError('state', `observation ${id} is still recording; stop it first.`);
    }
    const files: string[] = [];
    for (const r of this.rawRecordings(id)) {
      const data = this.filePath(r.path);
      files.push(data, data.replace(/\.sigmf-data$/, '.sigmf-meta'));
    }
    for (const e of this.exports(id)) {
      const abs = this.filePath(e.path);
      if (abs.startsWith(this.dir + '/') || abs.startsWith(this.dir + '\\')) files.push(abs);
    }
    try {
      this.db.prepare('DELETE FROM observations WHERE id = ?').run(id);
    } catch (err) {
      throw fromSqliteError(err, `deleting observation ${id}`);
    }
    for (const f of files) rmSync(f, { force: true });
  }
}

/** Integrations starting in [from, until) (Unix s); either end open. */
export interface TimeRange {
  from?: number;
  until?: number;
}

function rangeClause(r: TimeRange): { sql: string; args: number[] } {
  let sql = '';
  const args: number[] = [];
  if (r.from !== undefined) {
    check(Number.isFinite(r.from), 'range.from must be Unix seconds');
    sql += ' AND time_s >= ?';
    args.push(r.from);
  }
  if (r.until !== undefined) {
    check(Number.isFinite(r.until), 'range.until must be Unix seconds');
    sql += ' AND time_s < ?';
    args.push(r.until);
  }
  return { sql, args };
}

