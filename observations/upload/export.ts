/**
 * The export an upload sends: which formats an observation can be exported
 * as, and the export itself, written into the data folder's `exports/`
 * under the name it will have on the server. `fringe upload --format` and
 * the station's uploads (src/engine/uploads.ts) both go through here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ObservationError } from '../errors.ts';
import type { Progress } from '../export/common.ts';
import { defaultStation } from '../export/callisto.ts';
import { callistoFileName, exportFormats, exportObservation, type ExportFormat } from '../export/index.ts';
import { exportFileName } from '../export/naming.ts';
import { dataFiles } from '../paths.ts';
import type { Store } from '../store/store.ts';
import type { Observation } from '../store/types.ts';

/** Formats worth sending for each mode, best first; other modes get `other`. */
const byMode: Record<string, readonly ExportFormat[]> = {
  spectrum: ['fits', 'callisto', 'csv', 'spd', 'uvfits'],
  totalpower: ['csv', 'spd', 'fits'],
  raw: ['sigmf', 'fits', 'csv'],
};
const other: readonly ExportFormat[] = ['fits', 'csv', 'spd', 'uvfits', 'sigmf'];

/**
 * The formats `exportObservation` can write for this observation and that
 * suit its mode: the integrations' formats need integrations, SigMF a raw
 * recording, UVFITS two or more inputs with antenna positions and a site,
 * e-CALLISTO any observation with integrations (its default bins divide the channels, callisto.ts).
 * None while it is still recording.
 */
export function uploadFormats(obs: Observation, rawRecordings: number): ExportFormat[] {
  if (obs.status === 'recording') return [];
  const { fx, antennas } = obs.config;
  const fits = (f: ExportFormat): boolean => {
    switch (f) {
      case 'sigmf': return rawRecordings > 0;
      case 'uvfits': return obs.integrations > 0 && fx.inputs >= 2 && obs.siteId != null && antennas?.length === fx.inputs;
      default: return obs.integrations > 0;
    }
  };
  return (byMode[obs.mode] ?? other).filter(fits);
}

/** The file name an export for upload gets (also its name on the server): export/naming.ts's scheme. */
export function uploadFileName(obs: Observation, format: ExportFormat, station?: string): string {
  if (format === 'callisto') return `${callistoFileName(station ?? obs.config.station ?? defaultStation, obs.start)}.gz`;
  return exportFileName(obs, format);
}

/** Where `exportForUpload` writes (absolute). */
export function uploadExportPath(store: Store, obs: Observation, format: ExportFormat, station?: string): string {
  return join(store.dir, dataFiles.exports, uploadFileName(obs, format, station));
}

/**
 * Exports observation `id` as `format` into the data folder's exports/ for
 * upload (recorded in the store's exports table) and returns the file and
 * its export record id.
 */
export function exportForUpload(
  store: Store, id: number, format: ExportFormat, options: { station?: string; onProgress?: Progress } = {},
): { path: string; exportId: number; bytes: number; sha256: string } {
  if (!(exportFormats as readonly string[]).includes(format)) throw new ObservationError('invalid', `format must be one of ${exportFormats.join(', ')}`);
  const obs = store.getObservation(id);
  const out = uploadExportPath(store, obs, format, options.station);
  mkdirSync(join(store.dir, dataFiles.exports), { recursive: true });
  const station = format === 'callisto' ? options.station ?? obs.config.station ?? defaultStation : options.station;
  const r = exportObservation(store, id, format, out, { station, gzip: true, onProgress: options.onProgress });
  return { path: r.path, exportId: r.id, bytes: r.bytes, sha256: r.sha256 };
}
