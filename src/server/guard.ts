/**
 * Who may talk to the headless station. Loopback binds need no token but
 * accept only loopback Host names (so a web page cannot reach the station
 * through DNS rebinding); any other bind needs the token on every API
 * connection. A browser's Origin must be the page's own host, and a
 * browser's API request must come from the station's own pages (Sec-Fetch-Site). The token is
 * compared in constant time and never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The hostname of a Host or Origin value, without port or brackets. */
export function hostnameOf(value: string): string {
  const h = value.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(h) ?? /^([^:]+)(?::\d+)?$/.exec(h);
  return (m?.[1] ?? h).toLowerCase();
}

export interface GuardOptions {
  /** The address the server listens on. */
  bind: string;
  /** Required on API connections when set. */
  token: string | null;
}

/** host[:port] of an Origin value as a browser sends it (no default port), or null when it is not a URL. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 401 | 403; reason: string };

/** Checks Host (all requests), Origin (when a browser sends one) and, for the API, the token. */
export function checkRequest(req: IncomingMessage, o: GuardOptions, api: boolean): Verdict {
  const host = req.headers.host;
  if (!host) return { ok: false, status: 400, reason: 'missing Host header' };
  const name = hostnameOf(host);
  if (isLoopback(o.bind) && !isLoopback(name)) return { ok: false, status: 403, reason: `Host '${name}' is not this station's loopback address` };
  // Same origin means same host and port: another port on 127.0.0.1 is another site.
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== host.toLowerCase()) return { ok: false, status: 403, reason: 'cross-origin request refused' };
  // Browsers send no Origin on a plain GET (a link, an <img>), but they do send Sec-Fetch-Site:
  // the API answers only the station's own pages and requests a user makes directly.
  const site = req.headers['sec-fetch-site'];
  if (api && site !== undefined && site !== 'same-origin' && site !== 'none') return { ok: false, status: 403, reason: `cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)})` };
  if (api && o.token !== null && !tokenMatches(req, o.token)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  return { ok: true };
}

function tokenMatches(req: IncomingMessage, token: string): boolean {
  const url = new URL(req.url ?? '/', 'http://station');
  const auth = req.headers.authorization;
  const given = url.searchParams.get('token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : null);
  if (given === null) return false;
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
