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
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (err) {
      throw fromSqliteError(err, `migrating the database to version ${m.version} (${m.description})`);
    }
  }
  return schemaVersion(db);
}
