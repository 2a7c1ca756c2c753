/**
 * Upload targets and their credentials, kept outside the observation
 * database in `targets.json` beside it, created with mode 0600 and written
 * atomically. Listing never shows a secret; error messages never include one.
 */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObservationError, check } from '../errors.ts';
import { dataFiles } from '../paths.ts';

export interface HttpTarget {
  name: string;
  kind: 'http';
  /** Base URL: PUT goes to URL/remote-name, POST (multipart) to URL itself. */
  url: string;
  method: 'PUT' | 'POST';
  /** Bearer token (secret). */
  token?: string;
}

export interface FtpTarget {
  name: string;
  kind: 'ftp';
  /** `ftp://host[:port]/dir`: dir is relative to the login folder. No credentials in it. */
  url: string;
  username?: string;
  /** Secret. */
  password?: string;
}

export type Target = HttpTarget | FtpTarget;

/** A target as shown to users: secrets replaced by whether they are set. */
export type TargetSummary = { name: string; kind: Target['kind']; url: string; method?: string; username?: string; secret: boolean };

const nameRe = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a target and moves credentials out of an FTP URL into their fields. */
export function validateTarget(t: Target): Target {
  check(t && typeof t === 'object', 'a target must be an object');
  check(typeof t.name === 'string' && nameRe.test(t.name), 'a target name is 1–64 letters, digits, ., _ or -');
  let url: URL;
  try {
    url = new URL(t.url);
  } catch (err) {
    throw new ObservationError('invalid', `target ${t.name}: '${redactUrl(t.url)}' is not a URL`, { cause: err });
  }
  if (t.kind === 'http') {
    check(url.protocol === 'http:' || url.protocol === 'https:', `target ${t.name}: an HTTP target needs an http:// or https:// URL`);
    check(!url.username && !url.password, `target ${t.name}: put the token in --token, not in the URL`);
    check(t.method === 'PUT' || t.method === 'POST', `target ${t.name}: method is PUT or POST`);
    check(t.token === undefined || (typeof t.token === 'string' && /^[\x21-\x7e]+$/.test(t.token)), `target ${t.name}: the token must be printable ASCII without spaces`);
    return { name: t.name, kind: 'http', url: url.href, method: t.method, ...(t.token ? { token: t.token } : {}) };
  }
  check(t.kind === 'ftp', `target ${t.name}: kind is http or ftp`);
  check(url.protocol === 'ftp:', `target ${t.name}: an FTP target needs an ftp:// URL`);
  const username = t.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = t.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  url.username = '';
  url.password = '';
  return { name: t.name, kind: 'ftp', url: url.href, ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** A URL without any user:password part, for messages. */
export function redactUrl(s: string): string {
  return s.replace(/\/\/[^/@\s]*@/, '//');
}

export class TargetStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, dataFiles.targets);
  }

  list(): TargetSummary[] {
    return this.read().map((t) => ({
      name: t.name, kind: t.kind, url: t.url,
      ...(t.kind === 'http' ? { method: t.method } : t.username ? { username: t.username } : {}),
      secret: t.kind === 'http' ? !!t.token : !!t.password,
    }));
  }

  /** The target with its credentials, for the uploader. */
  get(name: string): Target {
    const t = this.read().find((x) => x.name === name);
    if (!t) throw new ObservationError('not-found', `no upload target '${name}'; 'fringe targets list' shows them.`);
    return t;
  }

  /** Adds or replaces a target. */
  add(target: Target): TargetSummary {
    const t = validateTarget(target);
    const all = this.read().filter((x) => x.name !== t.name);
    all.push(t);
    this.write(all);
    return this.list().find((x) => x.name === t.name)!;
  }

  remove(name: string): void {
    const all = this.read();
    if (!all.some((t) => t.name === name)) throw new ObservationError('not-found', `no upload target '${name}'.`);
    this.write(all.filter((t) => t.name !== name));
  }

  private read(): Target[] {
    if (!existsSync(this.path)) return [];
    // Tighten permissions someone loosened: the file holds secrets.
    if (process.platform !== 'win32' && (statSync(this.path).mode & 0o077) !== 0) chmodSync(this.path, 0o600);
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { targets?: Target[] };
      check(Array.isArray(parsed.targets), 'no targets array');
      return parsed.targets.map(validateTarget);
    } catch (err) {
      throw new ObservationError('invalid', `${this.path} is damaged (${err instanceof ObservationError ? err.message : 'not JSON'}); fix or delete it.`, { cause: err });
    }
  }

  private write(targets: Target[]): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ targets }, null, 2) + '\n', { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.path);
    } catch (err) {
      throw new ObservationError('io', `cannot write ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
