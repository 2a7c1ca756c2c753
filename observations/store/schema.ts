/**
 * The database schema as numbered migrations. A database's `user_version`
 * is the number of the last migration applied; opening runs the rest in
 * order, each in its own transaction. Never edit a released migration: add
 * the next one. test/observations/store/migrations.test.ts upgrades a
 * database from every earlier version and compares it with a fresh one.
 */

export interface Migration {
  /** 1, 2, 3 … with no gaps. */
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'sites, instruments, observations, integrations, events',
    sql: `
      CREATE TABLE sites (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        latitude_deg REAL NOT NULL,
        longitude_deg REAL NOT NULL,
        altitude_m REAL NOT NULL DEFAULT 0
      );
      CREATE TABLE instruments (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('dongle', 'antenna', 'rotator')),
        name TEXT NOT NULL,
        serial TEXT,
        site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,
        east_m REAL, north_m REAL, up_m REAL,
        dish_diameter_m REAL,
        details TEXT NOT NULL DEFAULT '{}',
        UNIQUE (kind, name)
      );
      CREATE UNIQUE INDEX instruments_dongle_serial ON instruments(serial) WHERE kind = 'dongle';
      CREATE TABLE observations (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,
        start_s REAL NOT NULL,
        end_s REAL,
        status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
        config TEXT NOT NULL,
        software_version TEXT NOT NULL,
        recorder_pid INTEGER,
        recorder_host TEXT
      );
      CREATE INDEX observations_start ON observations(start_s);
      CREATE TABLE integrations (
        id INTEGER PRIMARY KEY,
        observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        first_sample INTEGER NOT NULL,
        time_s REAL NOT NULL,
        duration_s REAL NOT NULL,
        spectra INTEGER NOT NULL,
        end_reason TEXT NOT NULL,
        inputs INTEGER NOT NULL,
        products INTEGER NOT NULL,
        channels INTEGER NOT NULL,
        visibilities BLOB NOT NULL,
        power2 BLOB NOT NULL,
        clipped TEXT NOT NULL,
        dropped TEXT NOT NULL,
        UNIQUE (observation_id, idx)
      );
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
        time_s REAL NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('pointing', 'calibration', 'drop', 'note')),
        data TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_observation ON events(observation_id, time_s);
    `,
  },
  {
    version: 2,
    description: 'raw recordings and exports',
    sql: `
      CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        datatype TEXT NOT NULL,
        sample_rate REAL NOT NULL,
        frequency REAL NOT NULL,
        num_channels INTEGER NOT NULL DEFAULT 1,
        start_s REAL NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_s REAL NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'upload queue; why a recording was interrupted',
    sql: `
      ALTER TABLE observations ADD COLUMN interrupted_reason TEXT;
      CREATE TABLE upload_jobs (
        id INTEGER PRIMARY KEY,
        observation_id INTEGER REFERENCES observations(id) ON DELETE SET NULL,
        export_id INTEGER REFERENCES exports(id) ON DELETE SET NULL,
        target TEXT NOT NULL,
        path TEXT NOT NULL,
        remote_name TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_s REAL NOT NULL,
        created_s REAL NOT NULL,
        updated_s REAL NOT NULL
      );
      CREATE INDEX upload_jobs_state ON upload_jobs(state, next_attempt_s);
    `,
  },
  {
    version: 4,
    description: 'which process runs an upload job, so two queues never take the same one',
    sql: `
      ALTER TABLE upload_jobs ADD COLUMN runner_pid INTEGER;
      ALTER TABLE upload_jobs ADD COLUMN runner_host TEXT;
    `,
  },
  {
    version: 5,
    description: 'observation ids are never reused (AUTOINCREMENT), so a new observation never takes a deleted one\'s id',
    // SQLite cannot add AUTOINCREMENT to a table: rebuild it (https://sqlite.org/lang_altertable.html, the
    // twelve steps). migrate() turns foreign keys off around the migrations, so dropping the old table
    // cascades to nothing, and checks them before each commit. Copying the rows seeds sqlite_sequence
    // with the largest id there is.
    sql: `
      CREATE TABLE observations_v5 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        mode TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL,
        start_s REAL NOT NULL,
        end_s REAL,
        status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
        config TEXT NOT NULL,
        software_version TEXT NOT NULL,
        recorder_pid INTEGER,
        recorder_host TEXT,
        interrupted_reason TEXT
      );
      INSERT INTO observations_v5 (id, mode, target, site_id, start_s, end_s, status, config, software_version, recorder_pid, recorder_host, interrupted_reason)
        SELECT id, mode, target, site_id, start_s, end_s, status, config, software_version, recorder_pid, recorder_host, interrupted_reason FROM observations;
      DROP TABLE observations;
      ALTER TABLE observations_v5 RENAME TO observations;
      CREATE INDEX observations_start ON observations(start_s);
    `,
  },
  {
    version: 6,
    description: 'calibration records: a per-channel gain to kelvin with its time, method, inputs and T_sys, applied to later integrations',
    sql: `
      CREATE TABLE calibrations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_s REAL NOT NULL,
        method TEXT NOT NULL,
        inputs TEXT NOT NULL,
        channels INTEGER NOT NULL CHECK (channels > 0),
        center_frequency_hz REAL,
        sample_rate_hz REAL,
        tuner_gain_db REAL,
        gain TEXT NOT NULL,
        tsys_k REAL,
        tsys_sigma_k REAL,
        observation_id INTEGER REFERENCES observations(id) ON DELETE SET NULL,
        retired_s REAL
      );
      CREATE INDEX calibrations_time ON calibrations(time_s);
      `,
  },
  {
    version: 7,
    description: 'scheduled jobs (one row per occurrence: its window, state, observations, post-job command status) and their logs',
    sql: `
      CREATE TABLE schedule_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        series_id INTEGER,
        spec TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'interrupted', 'removed')),
        planned_start_s REAL NOT NULL,
        planned_end_s REAL NOT NULL,
        started_s REAL,
        ended_s REAL,
        observations TEXT NOT NULL DEFAULT '[]',
        reason TEXT,
        result TEXT,
        post_status INTEGER,
        runner_pid INTEGER,
        runner_host TEXT,
        created_s REAL NOT NULL
      );
      CREATE INDEX schedule_jobs_state ON schedule_jobs(state, planned_start_s);
      CREATE TABLE schedule_log (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES schedule_jobs(id) ON DELETE CASCADE,
        wall_s REAL NOT NULL,
        sky_s REAL NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX schedule_log_job ON schedule_log(job_id);
    `,
  },
];

/** The schema version this program writes. */
export const latestVersion = migrations[migrations.length - 1]!.version;
