/**
 * What the UI plots of a stored observation: each input's mean power
 * spectrum over the observation (with its frequency axis) and its total
 * power per integration, decimated so a long observation stays a small
 * reply. Also the exports the UI offers for download. The payloads' types
 * are the contract's (src/api/types.ts); the API only dispatches here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { channelFrequencies, autoProduct } from '../../observations/export/common.ts';
import { exportFileName, exportObservation } from '../../observations/export/index.ts';
import { totalPower } from '../../observations/export/totalpower.ts';
import { dataFiles } from '../../observations/paths.ts';
import type { Store } from '../../observations/store/store.ts';
import type { DownloadFormat, ExportedFile, ObservationSummary } from '../api/types.ts';

export type { DownloadFormat, ExportedFile, ObservationSummary } from '../api/types.ts';

/** At most this many points in the total-power series. */
const maxPoints = 2000;

export function summarize(store: Store, id: number): ObservationSummary {
  const obs = store.getObservation(id);
  const { config } = obs;
  const N = config.fx.inputs, C = config.fx.channels;
  const sum = Array.from({ length: N }, () => new Float64Array(C));
  const step = Math.max(1, Math.ceil(obs.integrations / maxPoints));
  const time: number[] = [];
  const power: number[][] = Array.from({ length: N }, () => []);
  const acc = new Float64Array(N);
  let counted = 0, inStep = 0, stepStart = 0;
  for (const it of store.integrations(id)) {
    if (it.spectra <= 0) continue;
    for (let a = 0; a < N; a++) {
      const p = autoProduct(a, N, config.fx.mode);
      const s = sum[a]!;
      for (let j = 0; j < C; j++) s[j]! += it.visibilities[2 * (p * C + j)]! / it.spectra;
    }
    counted++;
    if (inStep === 0) stepStart = it.time;
    const tp = totalPower(it, config);
    for (let a = 0; a < N; a++) acc[a]! += tp[a]!;
    if (++inStep === step) {
      time.push(stepStart);
      for (let a = 0; a < N; a++) power[a]!.push(acc[a]! / inStep);
      acc.fill(0);
      inStep = 0;
    }
  }
  if (inStep > 0) {
    time.push(stepStart);
    for (let a = 0; a < N; a++) power[a]!.push(acc[a]! / inStep);
  }
  return {
    id,
    frequency: Array.from(channelFrequencies(config)),
    spectrum: sum.map((s) => Array.from(s, (x) => (counted ? x / counted : 0))),
    time,
    power,
    step,
  };
}

/** The formats the UI downloads, with their file extension and MIME type. */
export const downloadFormats = {
  fits: { ext: 'fits', type: 'application/fits' },
  csv: { ext: 'csv', type: 'text/csv; charset=utf-8' },
} as const satisfies Record<DownloadFormat, { ext: string; type: string }>;

/** Writes an export into the data folder's exports/ (recorded in the store) and says where. */
export function exportForDownload(store: Store, id: number, format: DownloadFormat, kind: 'power' | 'spectrum' = 'power'): ExportedFile {
  const dir = join(store.dir, dataFiles.exports);
  mkdirSync(dir, { recursive: true });
  const name = exportFileName(store.getObservation(id), format, format === 'csv' ? kind : undefined);
  const rec = exportObservation(store, id, format, join(dir, name), format === 'csv' ? { kind } : {});
  return { id, format, name, path: rec.path, bytes: rec.bytes, sha256: rec.sha256 };
}
