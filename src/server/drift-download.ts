/**
 * GET /api/drift-report?id=N&format=html|csv|pdf: a stored sun drift's
 * report (engine/drift-report.ts: the page with every cut's fit and
 * residuals, the CSV of every point with its model, the page printed to PDF
 * by headless Chromium), built from the observation (engine/drift-view.ts)
 * and sent as an attachment; nothing is kept. Guarded like the API.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../observations/store/store.ts';
import { printPdf, reportCsv, reportHtml, reportSeries } from '../engine/drift-report.ts';
import { driftReportInput } from '../engine/drift-view.ts';
import { clip } from './download.ts';

const formats = { html: 'text/html; charset=utf-8', csv: 'text/csv; charset=utf-8', pdf: 'application/pdf' } as const;
type Format = keyof typeof formats;

export type DriftReportRequest = { ok: true; id: number; format: Format } | { ok: false; status: 400; reason: string };

const usage = 'send GET /api/drift-report?id=N&format=html|csv|pdf';

/** Checks the query: each parameter named, with what it accepts. */
export function parseDriftReport(query: URLSearchParams): DriftReportRequest {
  const unknown = [...query.keys()].filter((k) => k !== 'id' && k !== 'format' && k !== 'token');
  if (unknown.length) return { ok: false, status: 400, reason: `unknown parameter '${clip(unknown[0]!)}': ${usage}` };
  const id = query.get('id') ?? '';
  if (!/^[1-9][0-9]{0,14}$/.test(id)) return { ok: false, status: 400, reason: `parameter 'id' must be a drift observation's number (1, 2, 3…), not '${clip(id)}': ${usage}` };
  const format = query.get('format') ?? '';
  if (!Object.hasOwn(formats, format)) return { ok: false, status: 400, reason: `parameter 'format' must be html, csv or pdf, not '${clip(format)}'` };
  return { ok: true, id: Number(id), format: format as Format };
}

/** Sends the report (or refuses with a plain-text reason: 404 no such observation, 400 one without a usable scan, 503 no Chromium for the PDF). */
export async function serveDriftReport(req: IncomingMessage, res: ServerResponse, store: Store, query: URLSearchParams, refuse: (res: ServerResponse, status: number, reason: string) => void): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'reports are GET requests');
  const r = parseDriftReport(query);
  if (!r.ok) return refuse(res, r.status, r.reason);
  let body: Buffer;
  try {
    const input = driftReportInput(store, r.id);
    const series = reportSeries(input);
    const html = reportHtml(input, series);
    if (r.format === 'html') body = Buffer.from(html);
    else if (r.format === 'csv') body = Buffer.from(reportCsv(input, series));
    else {
      const dir = mkdtempSync(join(tmpdir(), 'fringe-report-'));
      try {
        const problem = await printPdf(html, join(dir, 'report.pdf'));
        if (problem) return refuse(res, 503, `${problem}; the HTML report prints from a browser`);
        body = readFileSync(join(dir, 'report.pdf'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } catch (err) {
    const e = err as { kind?: string; name?: string; message: string };
    return refuse(res, e.kind === 'not-found' ? 404 : e.name === 'DriftDataError' ? 400 : 500, e.message);
  }
  res.writeHead(200, {
    'content-type': formats[r.format],
    'content-length': String(body.length),
    'content-disposition': `attachment; filename="drift-${r.id}.${r.format}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
