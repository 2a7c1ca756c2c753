/**
 * One entry point for every export format: writes the file, records it in
 * the store's exports table (path, size, SHA-256) and returns the record.
 */
import { check } from '../errors.ts';
import { checkOutputPath } from '../output-path.ts';
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

export function exportObservation(store: Store, id: number, format: ExportFormat, out: string, options: AnyExportOptions = {}): ExportRecord & { files: string[] } {
  check(isExportFormat(format), `format must be one of ${exportFormats.join(', ')}`);
  check(typeof out === 'string' && out !== '', 'an output path is needed');
  // Never over the store, the data folder's managed files or the raw recording being exported.
  checkOutputPath(out, {
    dataDir: store.dir,
    inputs: format === 'sigmf' ? store.rawRecordings(id).map((r) => store.filePath(r.path)) : [],
  });
  let r: ExportResult & { files?: string[] };
  switch (format) {
    case 'fits': r = exportFitsDynamicSpectrum(store, id, out, options); break;
    case 'callisto': r = exportCallisto(store, id, out, options); break;
    case 'sigmf': r = exportSigmf(store, id, out, options); break;
    case 'csv': r = exportCsv(store, id, out, options); break;
    case 'uvfits': r = exportUvfits(store, id, out, options); break;
    case 'spd': r = exportSpd(store, id, out, options); break;
  }
  const rec = store.addExport({ observationId: id, format, path: r.path, bytes: r.bytes, sha256: r.sha256, created: Date.now() / 1000 });
  return { ...rec, files: r.files ?? [r.path] };
}

export { callistoFileName } from './callisto.ts';
export { exportFileName } from './naming.ts';
