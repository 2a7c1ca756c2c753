/** Applies the numbered migrations of schema.ts to a database. */
import type Database from 'better-sqlite3';
import { ObservationError, fromSqliteError } from '../errors.ts';
import { latestVersion, migrations } from './schema.ts';

/** The schema version recorded in the database (0 for a new, empty file). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` up to `target` (default: the latest), one transaction per
 * migration so a failure leaves the database at the last good version.
 * Refuses a database written by a newer Fringe.
 */
export function migrate(db: Database.Database, target: number = latestVersion): number {
  const current = schemaVersion(db);
  if (current > latestVersion) {
    throw new ObservationError(
      'database',
      `the database is at schema version ${current}, newer than this Fringe understands (${latestVersion}); update Fringe.`,
    );
  }
  // A migration that rebuilds a table must not cascade its DROP to the child rows: foreign keys are
  // off while migrating (the pragma is a no-op inside a transaction) and checked before each commit.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of migrations) {
      if (m.version <= current || m.version > target) continue;
      try {
        db.transaction(() => {
          db.exec(m.sql);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`${broken.length} rows would break a foreign key: ${JSON.stringify(broken.slice(0, 3))}`);
          db.pragma(`user_version = ${m.version}`);
        })();
      } catch (err) {
        throw fromSqliteError(err, `migrating the database to version ${m.version} (${m.description})`);
      }
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return schemaVersion(db);
}
