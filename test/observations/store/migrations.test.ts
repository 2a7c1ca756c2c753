import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../observations/store/migrate.ts';
import { latestVersion, migrations } from '../../../observations/store/schema.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** The schema as sorted SQL text, to compare an upgraded database with a fresh one. */
function schemaOf(db: Database.Database): string[] {
  return (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as
    { type: string; name: string; sql: string | null }[]).map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`);
}

/** Columns of each table, in order: what a reader sees whatever order the migrations ran in. */
function columnsOf(db: Database.Database): Record<string, string[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
  return Object.fromEntries(tables.map((t) => [t.name, (db.pragma(`table_info(${t.name})`) as { name: string; type: string }[]).map((c) => `${c.name} ${c.type}`)]));
}

describe('migrations', () => {
  it('are numbered 1, 2, 3 … without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: latestVersion }, (_, i) => i + 1));
  });

  for (let from = 0; from < latestVersion; from++) {
    it(`upgrade a database from version ${from}, keeping its data`, () => {
      const path = join(tmp.dir, 'fringe.db');
      const old = new Database(path);
      expect(migrate(old, from)).toBe(from);
      if (from >= 1) {
        old.prepare("INSERT INTO sites (name, latitude_deg, longitude_deg) VALUES ('Dwingeloo', 52.81, 6.40)").run();
        old.prepare(`INSERT INTO observations (mode, target, start_s, end_s, status, config, software_version)
                     VALUES ('drift', 'Sun', 100, 200, 'complete', ?, '0.0.1')`).run(JSON.stringify(config()));
        old.prepare(`INSERT INTO integrations (observation_id, idx, first_sample, time_s, duration_s, spectra, end_reason, inputs, products, channels, visibilities, power2, clipped, dropped)
                     VALUES (1, 0, 0, 100, 1, 10, 'full', 1, 1, 2, ?, ?, '[0]', '[0]')`)
          .run(Buffer.from(new Float32Array([1, 0, 2, 0]).buffer), Buffer.from(new Float32Array([3, 4]).buffer));
      }
      old.close();

      const store = Store.open(tmp.dir);
      expect(schemaVersion(store.db)).toBe(latestVersion);
      const fresh = new Database(':memory:');
      migrate(fresh);
      expect(columnsOf(store.db)).toEqual(columnsOf(fresh));
      expect(schemaOf(store.db).filter((s) => !s.startsWith('table'))).toEqual(schemaOf(fresh).filter((s) => !s.startsWith('table')));
      fresh.close();
      if (from >= 1) {
        expect(store.listSites()[0]).toMatchObject({ name: 'Dwingeloo', altitude: 0 });
        const obs = store.getObservation(1);
        expect(obs).toMatchObject({ status: 'complete', integrations: 1, interruptedReason: null });
        expect(Array.from(store.readIntegrations(1)[0]!.visibilities)).toEqual([1, 0, 2, 0]);
      }
      store.close();
    });
  }

  it('are not applied by a read-only open, which says what to do', () => {
    const db = new Database(join(tmp.dir, 'fringe.db'));
    migrate(db, 2);
    db.close();
    expect(() => Store.open(tmp.dir, { readonly: true })).toThrow(/schema version 2, this Fringe reads \d+; open it once without read-only/);
  });

  it('refuse a database from a newer Fringe', () => {
    const db = new Database(join(tmp.dir, 'fringe.db'));
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();
    expect(() => Store.open(tmp.dir)).toThrow(/newer than this Fringe/);
  });

  it('leave the database at the last good version when a migration fails', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    db.exec('CREATE TABLE upload_jobs (x)'); // collides with migration 3
    expect(() => migrate(db)).toThrow(/version 3/);
    expect(schemaVersion(db)).toBe(2);
    db.close();
  });
});

describe('observation ids', () => {
  it('are not reused after deleting the newest observation', () => {
    const store = Store.open(tmp.dir);
    const c = config();
    const a = store.startObservation({ mode: 'spectrum', config: c });
    a.complete();
    const b = store.startObservation({ mode: 'spectrum', config: c });
    b.complete();
    store.deleteObservation(b.id);
    const next = store.startObservation({ mode: 'spectrum', config: c });
    next.complete();
    expect([a.id, b.id, next.id]).toEqual([1, 2, 3]);
    store.close();
  });

  // From every version that has observations: the rebuild keeps the rows that hang off them (no cascade).
  for (let from = 1; from < 5; from++) {
    it(`are not reused after upgrading from version ${from}, and the rebuild keeps every child row`, () => {
      const old = new Database(join(tmp.dir, 'fringe.db'));
      old.pragma('foreign_keys = ON');
      migrate(old, from);
      for (const id of [1, 2]) {
        old.prepare(`INSERT INTO observations (id, mode, target, start_s, end_s, status, config, software_version)
                     VALUES (?, 'drift', 'Sun', 100, 200, 'complete', ?, '0.0.1')`).run(id, JSON.stringify(config()));
        old.prepare(`INSERT INTO integrations (observation_id, idx, first_sample, time_s, duration_s, spectra, end_reason, inputs, products, channels, visibilities, power2, clipped, dropped)
                     VALUES (?, 0, 0, 100, 1, 10, 'full', 1, 1, 2, ?, ?, '[0]', '[0]')`)
          .run(id, Buffer.from(new Float32Array([1, 0, 2, 0]).buffer), Buffer.from(new Float32Array([3, 4]).buffer));
        old.prepare("INSERT INTO events (observation_id, time_s, kind) VALUES (?, 100, 'note')").run(id);
        if (from >= 2) old.prepare("INSERT INTO recordings (observation_id, path, datatype, sample_rate, frequency, start_s) VALUES (?, 'recordings/r.sigmf-data', 'cu8', 1, 1, 100)").run(id);
      }
      old.close();
      const store = Store.open(tmp.dir);
      expect(store.listObservations().map((o) => [o.id, o.integrations, store.events(o.id).length])).toEqual([[1, 1, 1], [2, 1, 1]]);
      if (from >= 2) expect(store.rawRecordings(2)).toHaveLength(1);
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      store.deleteObservation(2);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM integrations').get()).toEqual({ n: 1 });
      const rec = store.startObservation({ mode: 'spectrum', config: config() });
      expect(rec.id).toBe(3);
      rec.complete();
      store.close();
    });
  }
});
