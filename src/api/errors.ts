/**
 * The underlying cause of a failure (types.ts ErrorCause), derived on the
 * engine side from what failed: the system error code anywhere in its
 * `cause` chain (ENOSPC, ECONNREFUSED, …; SQLite's SQLITE_FULL, …) first,
 * then the error's own kind (DeviceError, ObservationError, the station's
 * refusals). The error's message stays as it is: it says what to do; the
 * cause is for a UI to switch on.
 */
import type { ErrorCause } from './types.ts';

/** Node's and SQLite's error codes, by what they mean to a user. */
const byCode: Record<string, ErrorCause> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  SQLITE_FULL: 'disk-full',
  EROFS: 'read-only',
  EACCES: 'permission',
  EPERM: 'permission',
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ETIMEDOUT: 'unreachable',
  ECONNRESET: 'unplugged',
  EPIPE: 'unplugged',
  EBUSY: 'busy',
  ENOENT: 'not-found',
  ENODEV: 'not-found',
};

/** DeviceError kinds (devices/errors.ts) and ObservationError kinds (observations/errors.ts). */
const byKind: Record<string, ErrorCause> = {
  busy: 'busy',
  'not-found': 'not-found',
  'not-installed': 'not-installed',
  unplugged: 'unplugged',
  timeout: 'timeout',
  protocol: 'protocol',
  limit: 'out-of-range',
  closed: 'state',
  invalid: 'invalid',
  'disk-full': 'disk-full',
  'read-only': 'read-only',
  state: 'state',
  'bad-request': 'invalid',
};

/** Errors the station throws when a request does not fit what it is doing (src/engine). */
const refusals = new Set(['StationError']);

function codeOf(e: unknown): ErrorCause | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return byCode[code] ?? (code.startsWith('SQLITE_READONLY') ? 'read-only' : undefined);
}

/** The cause of `err` (any thrown value), 'unknown' when nothing says. */
export function errorCause(err: unknown): ErrorCause {
  // A code anywhere down the chain says most: a 'not-found' DeviceError caused by ENOTFOUND is a DNS failure.
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const c = codeOf(e);
    if (c) return c;
  }
  if (typeof err !== 'object' || err === null) return 'unknown';
  const { kind, name } = err as { kind?: unknown; name?: unknown };
  if (typeof kind === 'string' && byKind[kind]) return byKind[kind];
  if (typeof name === 'string' && refusals.has(name)) return 'state';
  return 'unknown';
}
