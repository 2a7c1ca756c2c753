/**
 * One entry point for every export format: writes the file, records it in
 * the store's exports table (path, size, SHA-256) and returns the record.
 */
import { processAlive } from '../process.ts';
import { check } from '../errors.ts';
import { checkOutputPath, sigmfPair } from '../output-path.ts';
import { finalName, removeStaleStaged, stagedName } from './staging.ts';
import { renameSync, rmSync } from 'node:fs';
import type { Store } from '../store/store.ts';
import type { ExportRecord } from '../store/types.ts';
import { exportCallisto, type CallistoOptions } from './callisto.ts';
import type { ExportOptions, ExportResult } from './common.ts';
import { exportCsv, type CsvOptions } from './csv.ts';
import { exportFitsDynamicSpectrum } from './dynspec.ts';
import { exportSigmf, type SigmfOptions } from './sigmf.ts';
import { exportSpd } from './spd.ts';
import { exportUvfits } from './uvfits.ts';

export const exportFormats = ['fits', 'callisto', 'sigmf', 'csv', 'uvfits', 'spd'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Options of every format together; each exporter reads its own. */
export type AnyExportOptions = ExportOptions & CallistoOptions & CsvOptions & SigmfOptions;

export function isExportFormat(s: string): s is ExportFormat {
  return (exportFormats as readonly string[]).includes(s);
}

/**
 * Writes observation `id` as `format` to `out` and records it in the
 * exports table. The exporter writes a staged file beside `out`
 * (`.PID.partial.NAME`, see stagedName); the record is committed, then the
 * staged file renamed to `out`. So a kill leaves either no file at `out` or
 * a complete one, and a staged file the store's next open either finishes
 * (renames, when its record was committed) or removes.
 */
export function exportObservation(store: Store, id: number, format: ExportFormat, out: string, options: AnyExportOptions = {}): ExportRecord & { files: string[] } {
  check(isExportFormat(format), `format must be one of ${exportFormats.join(', ')}`);
  check(typeof out === 'string' && out !== '', 'an output path is needed');
  // Never over the store, the data folder's managed files or the raw recording being exported.
  checkOutputPath(out, {
    dataDir: store.dir,
    inputs: format === 'sigmf' ? store.rawRecordings(id).map((r) => store.filePath(r.path)) : [],
  });
  // What an earlier, killed export to the same output left beside it.
  removeStaleStaged(out, processAlive);
  const staged = stagedName(out);
  let r: ExportResult & { files?: string[] };
  try {
    switch (format) {
      case 'fits': r = exportFitsDynamicSpectrum(store, id, staged, options); break;
      case 'callisto': r = exportCallisto(store, id, staged, options); break;
      case 'sigmf': r = exportSigmf(store, id, staged, options); break;
      case 'csv': r = exportCsv(store, id, staged, options); break;
      case 'uvfits': r = exportUvfits(store, id, staged, options); break;
      case 'spd': r = exportSpd(store, id, staged, options); break;
    }
  } catch (err) {
    for (const f of sigmfPair(staged)) rmSync(f, { force: true });
    throw err;
  }
  const files = (r.files ?? [r.path]).map(finalName);
  const path = finalName(r.path);
  let rec: ExportRecord;
  try {
    rec = store.addExport({ observationId: id, format, path, bytes: r.bytes, sha256: r.sha256, created: Date.now() / 1000 });
  } catch (err) {
    for (const f of r.files ?? [r.path]) rmSync(f, { force: true });
    throw err;
  }
  // The meta (or the single file) last: a SigMF pair is complete once its meta is in place.
  for (const f of [...(r.files ?? [r.path])].reverse()) renameSync(f, finalName(f));
  return { ...rec, path, files };
}

export { callistoFileName } from './callisto.ts';
export { exportFileName } from './naming.ts';

