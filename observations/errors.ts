/**
 * The one error class of the observations domain: the store, the exporters
 * and the upload queue. Each error has a `kind` a caller can branch on, a
 * message that says what happened and what to do, and the underlying `cause`.
 */

export type ObservationErrorKind =
  /** An argument or file content failed validation before touching the store. */
  | 'invalid'
  /** The observation, target or job asked for does not exist. */
  | 'not-found'
  /** The disk (or the database's page cap) is full: the recording stopped, what was written is kept. */
  | 'disk-full'
  /** The database or a file is read-only. */
  | 'read-only'
  /** The database file is newer than this program, corrupt or locked. */
  | 'database'
  /** The operation does not fit the observation's state (e.g. appending to a finished recording). */
  | 'state'
  /** An export could not be written. */
  | 'export'
  /** An upload failed (network, server, checksum). */
  | 'upload'
  /** Reading or writing a file outside the database failed. */
  | 'io';

export class ObservationError extends Error {
  override name = 'ObservationError';
  readonly kind: ObservationErrorKind;

  constructor(kind: ObservationErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** SQLite result codes (better-sqlite3 puts them in `code`) mapped to our kinds. */
export function fromSqliteError(err: unknown, what: string): ObservationError {
  if (err instanceof ObservationError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_FULL') {
    return new ObservationError(
      'disk-full',
      `${what}: the disk or the database size cap is full (${detail}); free some space — everything written before is kept.`,
      { cause: err },
    );
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
    return new ObservationError(
      'read-only',
      `${what}: the database is read-only (${detail}); check the data folder's permissions or use --db to choose another.`,
      { cause: err },
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new ObservationError('database', `${what}: the database is busy (${detail}); is another program writing to it?`, { cause: err });
  }
  return new ObservationError('database', `${what}: ${detail}`, { cause: err });
}

/** Throws an `invalid` ObservationError unless `ok`. */
export function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new ObservationError('invalid', message);
}
