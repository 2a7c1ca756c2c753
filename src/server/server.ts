/**
 * The headless station: serves the built UI and carries the API (src/api)
 * over a WebSocket at /api. Spectra go out as binary frames; a client that
 * cannot keep up has spectra dropped (and counted), never queued without
 * bound.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeSpectrum } from '../api/codec.ts';
import { ApiError, checkParams, eventNames } from '../api/contract.ts';
import { dispatcher } from '../api/dispatch.ts';
import { downloadFormats, exportForDownload, type ExportedFile } from '../engine/summary.ts';
import type { Station, StationEvents } from '../engine/station.ts';
import type { SpectrumEvent } from '../api/types.ts';
import { checkRequest, isLoopback } from './guard.ts';

export interface ServeOptions {
  station: Station;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 8417; 0 picks a free one). */
  port?: number;
  /** API token: required off loopback (generated when not given), optional on it. */
  token?: string | null;
  /** The built UI (default dist/ui beside the checkout). */
  uiDir?: string;
  /** Where server messages go (never the token). */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** http://host:port/ (without the token). */
  url: string;
  port: number;
  /** The token clients must present, or null on an open loopback server. */
  token: string | null;
  /** Spectra not sent because a client was too slow. */
  droppedFrames(): number;
  close(): Promise<void>;
}

const defaultUiDir = resolve(new URL('../../dist/ui', import.meta.url).pathname);
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2' };
/** A client with more than this many bytes unsent gets no more spectra until it catches up. */
const maxBuffered = 4 << 20;
/** The events sent as JSON text frames (spectra go as binary frames). */
const jsonEvents = eventNames.filter((e): e is Exclude<(typeof eventNames)[number], 'spectrum'> => e !== 'spectrum');

export async function serve(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? (isLoopback(host) ? null : randomBytes(24).toString('base64url'));
  const uiDir = o.uiDir ?? defaultUiDir;
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const call = dispatcher(o.station);
  let dropped = 0;

  const http = createServer((req, res) => {
    const download = new URL(req.url ?? '/', 'http://station').pathname === '/api/download';
    const verdict = checkRequest(req, { bind: host, token }, download);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (download) serveDownload(req, res, o.station);
    else serveStatic(req, res, uiDir);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://station').pathname;
    const verdict = path === '/api' ? checkRequest(req, { bind: host, token }, true) : ({ ok: false, status: 400, reason: 'no such endpoint' } as const);
    if (!verdict.ok) {
      log(`refused API connection from ${req.socket.remoteAddress}: ${verdict.reason}`);
      socket.end(`HTTP/1.1 ${verdict.status} ${verdict.reason}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket): void {
    const send = (event: keyof StationEvents, data: unknown) => ws.send(JSON.stringify({ event, data }));
    const onSpectrum = (e: SpectrumEvent) => {
      if (ws.bufferedAmount > maxBuffered) dropped++;
      else ws.send(encodeSpectrum(e));
    };
    // Every other event goes as JSON text, as the contract names them.
    const forward = jsonEvents.map((name) => [name, (data: unknown) => send(name, data)] as const);
    o.station.on('spectrum', onSpectrum);
    for (const [name, listener] of forward) o.station.on(name, listener);
    ws.on('close', () => {
      o.station.off('spectrum', onSpectrum);
      for (const [name, listener] of forward) o.station.off(name, listener);
    });
    ws.on('message', async (raw, binary) => {
      let id: unknown = null;
      try {
        if (binary) throw new ApiError('bad-request', 'calls are JSON text frames');
        const msg = JSON.parse(raw.toString()) as { id?: unknown; method?: unknown; params?: unknown };
        id = msg.id ?? null;
        if (typeof msg.method !== 'string') throw new ApiError('bad-request', 'a call needs a "method" string');
        ws.send(JSON.stringify({ id, result: (await call(msg.method, msg.params)) ?? null }));
      } catch (err) {
        const kind = err instanceof ApiError ? err.kind : 'bad-request';
        const message = err instanceof SyntaxError ? `not JSON: ${err.message}` : (err as Error).message;
        ws.send(JSON.stringify({ id, error: { kind, message, cause: err instanceof ApiError ? err.cause : 'invalid' } }));
      }
    });
    send('status', o.station.status());
  }

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(o.port ?? 8417, host, () => ok());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  log(`fringe serve: listening on ${url}${token ? ' (API token required)' : ' (loopback only)'}`);
  return {
    url,
    port,
    token,
    droppedFrames: () => dropped,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((ok) => http.close(() => ok()));
    },
  };
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${reason}\n`);
}

/**
 * GET /api/download?id=N&format=fits|csv[&kind=power|spectrum]: writes the
 * export into the data folder (as `observations.export` does) and sends it
 * as an attachment. Guarded like the API (token when one is set).
 */
function serveDownload(req: IncomingMessage, res: ServerResponse, station: Station): void {
  if (req.method !== 'GET') return refuse(res, 405, 'downloads are GET requests');
  const q = Object.fromEntries(new URL(req.url ?? '/', 'http://station').searchParams);
  let file: ExportedFile;
  try {
    const { params } = checkParams<'observations.export'>('observations.export', { id: Number(q.id), format: q.format, ...(q.kind ? { kind: q.kind } : {}) });
    file = exportForDownload(station.store, params.id, params.format, params.kind);
  } catch (err) {
    const kind = (err as { kind?: string }).kind;
    return refuse(res, kind === 'not-found' ? 404 : kind === 'bad-request' || kind === 'invalid' || kind === 'state' ? 400 : 500, (err as Error).message);
  }
  res.writeHead(200, {
    'content-type': downloadFormats[file.format].type,
    'content-length': String(file.bytes),
    'content-disposition': `attachment; filename="${file.name}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  createReadStream(file.path).pipe(res);
}

function serveStatic(req: IncomingMessage, res: ServerResponse, uiDir: string): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://station').pathname);
  const file = normalize(join(uiDir, path === '/' ? 'index.html' : path));
  if (!file.startsWith(uiDir)) return refuse(res, 403, 'outside the UI folder');
  if (!existsSync(uiDir)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Fringe</title><p>The Fringe station is running; its UI has not been built here. The API is at <code>/api</code> (WebSocket).</p>');
    return;
  }
  const target = existsSync(file) && statSync(file).isFile() ? file : join(uiDir, 'index.html');
  res.writeHead(200, {
    'content-type': types[extname(target)] ?? 'application/octet-stream',
    'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  });
  createReadStream(target).pipe(res);
}
