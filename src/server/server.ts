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
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeSpectrum } from '../api/codec.ts';
import { eventNames } from '../api/contract.ts';
import { dispatcher } from '../api/dispatch.ts';
import type { Station, StationEvents } from '../engine/station.ts';
import type { SpectrumEvent } from '../api/types.ts';
import { serveDownload } from './download.ts';
import { serveDriftReport } from './drift-download.ts';
import { checkRequest, isLoopback, type Verdict } from './guard.ts';
import { answer, maxPayload } from './rpc.ts';

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
  // Host is checked by the guard, which says why it refuses (Node's own check answers an empty 400).
  const http = createServer({ requireHostHeader: false }, (req, res) => {
    try {
      const target = requestTarget(req.url);
      if (!target.ok) return refuse(res, 400, target.reason);
      const api = target.path === '/api' || target.path.startsWith('/api/');
      const verdict = checkRequest(req, { bind: host, token }, api);
      if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
      if (target.path === '/api/download') serveDownload(req, res, o.station.store, target.query, refuse);
      else if (target.path === '/api/drift-report') void serveDriftReport(req, res, o.station.store, target.query, refuse);
      else if (api) refuse(res, target.path === '/api' ? 426 : 404, target.path === '/api' ? 'the API is a WebSocket at /api: connect with a WebSocket client' : `no such endpoint ${clip(target.path)}; the API is the WebSocket at /api and downloads are at /api/download`);
      else serveStatic(req, res, uiDir, target.path);
    } catch (err) {
      // A bug in a handler costs this request, never the station.
      log(`request ${clip(req.url ?? '')} failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) refuse(res, 500, `the station failed to answer: ${(err as Error).message}`);
      else res.destroy();
    }
  });
  // CONNECT (a proxy tunnel): Node would close the socket without a word.
  http.on('connect', (_req, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    socket.end(rawReply(405, 'CONNECT is not supported: the station is not a proxy'));
  });
  // An Expect other than 100-continue: Node would answer an empty 417.
  http.on('checkExpectation', (req, res) => refuse(res, 417, `unsupported Expect '${clip(String(req.headers.expect ?? ''))}': only 100-continue is understood`));
  // Requests Node's parser cannot read (bad request line, oversized or invalid headers): a 4xx that says why, then close.
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET' || err.code === 'EPIPE') return void socket.destroy();
    const [status, reason] = clientErrorReply(err.code);
    socket.end(rawReply(status, reason));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  http.on('upgrade', (req, socket, head) => {
    // Node leaves an upgraded socket without an error listener: a reset here must not kill the station.
    socket.on('error', () => socket.destroy());
    try {
      const target = requestTarget(req.url);
      let verdict: Verdict;
      if (!target.ok) verdict = { ok: false, status: 400, reason: target.reason };
      else if (target.path !== '/api') verdict = { ok: false, status: 400, reason: `no WebSocket endpoint at ${clip(target.path)}; the API is at /api` };
      else verdict = checkRequest(req, { bind: host, token }, true);
      if (!verdict.ok) {
        log(`refused API connection from ${req.socket.remoteAddress}: ${verdict.reason}`);
        socket.end(rawReply(verdict.status, verdict.reason));
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
    } catch (err) {
      log(`upgrade ${clip(req.url ?? '')} failed: ${(err as Error).stack ?? String(err)}`);
      socket.destroy();
    }
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
    // Protocol errors (a message over maxPayload, invalid UTF-8, an unmasked or RSV-flagged frame): ws
    // closes the connection with RFC 6455's code (1009, 1007, 1002, 1002); the station goes on.
    ws.on('error', (err) => log(`API connection closed: ${err.message}`));
    ws.on('close', () => {
      o.station.off('spectrum', onSpectrum);
      for (const [name, listener] of forward) o.station.off(name, listener);
    });
    ws.on('message', async (raw, binary) => {
      const reply = await answer(call, raw as Buffer, binary);
      if (ws.readyState === ws.OPEN) ws.send(reply);
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
      const closed = new Promise<void>((ok) => http.close(() => ok()));
      // Keep-alive and half-sent requests would hold close() open: end them all.
      http.closeAllConnections();
      await closed;
    },
  };
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(`${reason}\n`);
}

/** A whole HTTP/1.1 reply with a plain-text reason, for a raw socket (parser errors, refused upgrades). */
function rawReply(status: number, reason: string): string {
  const body = `${reason}\n`;
  return `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
const statusText: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 417: 'Expectation Failed', 401: 'Unauthorized', 403: 'Forbidden', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/** The decoded path and the query of a request target, or why it cannot be read. */
export function requestTarget(url: string | undefined): { ok: true; path: string; query: URLSearchParams } | { ok: false; reason: string } {
  const absolute = url !== undefined && /^https?:\/\//i.test(url);
  if (!url || (!url.startsWith('/') && !absolute)) return { ok: false, reason: `the request target must be a path starting with '/' (got '${clip(url ?? '')}')` };
  let parsed: URL;
  try {
    // A path against a fixed origin, so '//host/x' is a path here, not another host; the
    // absolute form (RFC 9112 3.2.2) gives its path (the Host header is what the guard checks).
    parsed = absolute ? new URL(url) : new URL(`http://station${url}`);
  } catch {
    return { ok: false, reason: `the request target '${clip(url)}' is not a valid path` };
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, reason: `the path '${clip(parsed.pathname)}' has a malformed percent-escape (% must be followed by two hex digits, as in %20)` };
  }
  if (/[\x00-\x1f\x7f]/.test(path)) return { ok: false, reason: 'the path has control characters (%00–%1F or %7F)' };
  return { ok: true, path, query: parsed.searchParams };
}

/** Status and reason for a request Node's HTTP parser refused (llhttp's HPE_* codes). */
function clientErrorReply(code: string | undefined): [number, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW': return [431, 'the request headers are too large (at most 16 KiB)'];
    case 'ERR_HTTP_REQUEST_TIMEOUT': return [408, 'the request took too long to arrive'];
    case 'HPE_INVALID_METHOD': return [400, 'unknown HTTP method'];
    case 'HPE_INVALID_URL': return [400, 'invalid request target'];
    case 'HPE_INVALID_VERSION': return [400, 'not HTTP/1.0 or HTTP/1.1'];
    case 'HPE_INVALID_HEADER_TOKEN': case 'HPE_INVALID_CONSTANT': case 'HPE_UNEXPECTED_SPACE': case 'HPE_LF_EXPECTED': case 'HPE_CR_EXPECTED':
      return [400, 'malformed request line or header'];
    case 'HPE_INVALID_CONTENT_LENGTH': case 'HPE_UNEXPECTED_CONTENT_LENGTH': case 'HPE_INVALID_TRANSFER_ENCODING': case 'HPE_INVALID_CHUNK_SIZE':
      return [400, 'malformed body framing (Content-Length or Transfer-Encoding)'];
    default: return [400, `malformed HTTP request (${code ?? 'unreadable'})`];
  }
}

/** At most 60 printable characters of something a client sent, for a message or the log. */
function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

function serveStatic(req: IncomingMessage, res: ServerResponse, uiDir: string, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'the UI is served to GET requests');
  const file = normalize(join(uiDir, path === '/' ? 'index.html' : path));
  if (file !== uiDir && !file.startsWith(uiDir + sep)) return refuse(res, 403, 'outside the UI folder');
  if (!existsSync(uiDir)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Fringe</title><p>The Fringe station is running; its UI has not been built here. The API is at <code>/api</code> (WebSocket).</p>');
    return;
  }
  const target = existsSync(file) && statSync(file).isFile() ? file : join(uiDir, 'index.html');
  const stream = createReadStream(target);
  stream.once('error', (err: NodeJS.ErrnoException) => {
    if (!res.headersSent) refuse(res, 404, `cannot read ${clip(path)} (${err.code ?? err.message})`);
    else res.destroy();
  });
  stream.once('open', () => {
    res.writeHead(200, {
      'content-type': types[extname(target)] ?? 'application/octet-stream',
      'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
  res.once('close', () => stream.destroy());
}
