/**
 * GET /api/download?id=N&format=fits|csv[&kind=power|spectrum]: an
 * observation's export, sent as an attachment. A download is not an export:
 * the file is written to a private temporary folder, streamed, and removed;
 * nothing is added to the store's exports table (an export the user keeps
 * is `observations.export` or `fringe export`). Guarded like the API
 * (guard.ts: the token when one is set; never from another site).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCsv } from '../../observations/export/csv.ts';
import { exportFitsDynamicSpectrum } from '../../observations/export/dynspec.ts';
import { exportFileName } from '../../observations/export/naming.ts';
import type { Store } from '../../observations/store/store.ts';
import { downloadFormats, type DownloadFormat } from '../engine/summary.ts';

/** What a download request asks for, checked; or why it is refused (HTTP status and a message saying what to send). */
export type DownloadRequest = { ok: true; id: number; format: DownloadFormat; kind: 'power' | 'spectrum' } | { ok: false; status: 400 | 404; reason: string };

const usage = 'send GET /api/download?id=N&format=fits|csv (CSV also takes &kind=power|spectrum)';

/** Checks the query of a download request: each parameter named, with what it accepts. */
export function parseDownload(query: URLSearchParams): DownloadRequest {
  const known = new Set(['id', 'format', 'kind', 'token']);
  const unknown = [...query.keys()].filter((k) => !known.has(k));
  if (unknown.length) return { ok: false, status: 400, reason: `unknown parameter '${clip(unknown[0]!)}': ${usage}` };
  const id = query.get('id');
  if (id === null || id === '') return { ok: false, status: 400, reason: `missing parameter 'id' (an observation's number, e.g. id=3): ${usage}` };
  if (!/^[1-9][0-9]{0,14}$/.test(id)) return { ok: false, status: 400, reason: `parameter 'id' must be an observation's number (1, 2, 3…), not '${clip(id)}'` };
  const format = query.get('format');
  if (format === null || format === '') return { ok: false, status: 400, reason: `missing parameter 'format' (fits or csv): ${usage}` };
  if (!Object.hasOwn(downloadFormats, format)) return { ok: false, status: 400, reason: `parameter 'format' must be fits or csv, not '${clip(format)}'` };
  const kind = query.get('kind') ?? 'power';
  if (kind !== 'power' && kind !== 'spectrum') return { ok: false, status: 400, reason: `parameter 'kind' must be power or spectrum, not '${clip(kind)}'` };
  return { ok: true, id: Number(id), format: format as DownloadFormat, kind };
}

/** At most 40 characters of something the client sent, for a message. */
export function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/** Sends the download (or refuses it with a plain-text reason); the temporary file is removed once sent or abandoned. */
export function serveDownload(req: IncomingMessage, res: ServerResponse, store: Store, query: URLSearchParams, refuse: (res: ServerResponse, status: number, reason: string) => void): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'downloads are GET requests');
  const r = parseDownload(query);
  if (!r.ok) return refuse(res, r.status, r.reason);
  const dir = mkdtempSync(join(tmpdir(), 'fringe-download-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let name: string;
  let written: { path: string; bytes: number };
  try {
    // The same name an upload of this observation gets (naming.ts): unique per observation.
    name = exportFileName(store.getObservation(r.id), r.format, r.format === 'csv' ? r.kind : undefined);
    written = r.format === 'csv' ? exportCsv(store, r.id, join(dir, name), { kind: r.kind }) : exportFitsDynamicSpectrum(store, r.id, join(dir, name));
  } catch (err) {
    cleanup();
    const kind = (err as { kind?: string }).kind;
    const status = kind === 'not-found' ? 404 : kind === 'invalid' || kind === 'state' || kind === 'bad-request' ? 400 : 500;
    return refuse(res, status, (err as Error).message);
  }
  res.writeHead(200, {
    'content-type': downloadFormats[r.format].type,
    'content-length': String(written.bytes),
    'content-disposition': `attachment; filename="${name}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') {
    cleanup();
    res.end();
    return;
  }
  const stream = createReadStream(written.path);
  stream.once('error', (err) => {
    cleanup();
    res.destroy(err);
  });
  res.once('close', () => {
    stream.destroy();
    cleanup();
  });
  stream.pipe(res);
}
