/**
 * CSV exports (RFC 4180, comma-separated): one header line of column names
 * that carry their units (`unix_s`, `duration_s`, `frequency_hz`), then the
 * rows, and nothing else, so `pandas.read_csv(path)` and spreadsheets load
 * it as it is. (A `#` comment block before the header made read_csv fail:
 * "Expected 3 fields in line 5, saw 8".)
 * - `power`: one row per integration — UTC time, Unix s, MJD, duration (s),
 *   spectra, then each input's mean total power per spectrum, dropped and
 *   clipped sample counts;
 * - `spectrum`: one row per channel — frequency (Hz) and each input's mean
 *   auto power per spectrum averaged over the observation.
 * The observation, its tuning and each column's meaning and unit go in a
 * sidecar `PATH-metadata.json`, a W3C CSV on the Web metadata document
 * (the name CSVW processors look for beside `PATH`, Tabular Data Model §5.2).
 * Streams integration by integration.
 */
import { velocityFrame, type VelocityFrame } from './velocity-frame.ts';
import { basename } from 'node:path';
import { check } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Observation } from '../store/types.ts';
import { FileSink } from './sink.ts';
import { autoProduct, channelFrequencies, julianDate, requireData, type ExportOptions, type ExportResult } from './common.ts';
import { totalPower } from './totalpower.ts';
import { finalName } from './staging.ts';
import { dropNote } from './drops.ts';

export interface CsvOptions extends ExportOptions {
  /** `power` (default): a total-power time series; `spectrum`: the mean spectrum. */
  kind?: 'power' | 'spectrum';
}

/** Quotes a field when it holds a comma, quote or newline. */
const field = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The sidecar metadata of a CSV at `path`: `PATH-metadata.json` (CSVW). */
export const csvMetadataPath = (path: string): string => `${path}-metadata.json`;

/** One column of the CSVW table schema: its header title, datatype and what it holds, with the unit. */
interface Column { titles: string; datatype: 'string' | 'double' | 'integer' | 'dateTimeStamp'; 'dc:description': string }

export type CsvResult = ExportResult & { files: string[] };

export function exportCsv(store: Store, id: number, out: string, options: CsvOptions = {}): CsvResult {
  const kind = options.kind ?? 'power';
  check(kind === 'power' || kind === 'spectrum', "CSV kind is 'power' or 'spectrum'");
  const obs = store.getObservation(id);
  requireData(obs);
  const { config } = obs;
  const N = config.fx.inputs;
  const C = config.fx.channels;
  const names = Array.from({ length: N }, (_, a) => config.antennas?.[a]?.name ?? `input${a}`);
  const total = obs.integrations;
  const columns: Column[] = kind === 'power'
    ? [
      { titles: 'utc', datatype: 'dateTimeStamp', 'dc:description': 'start of the integration, UTC (ISO 8601)' },
      { titles: 'unix_s', datatype: 'double', 'dc:description': 'start of the integration (s since 1970-01-01 UTC)' },
      { titles: 'mjd', datatype: 'double', 'dc:description': 'start of the integration (Modified Julian Date, days, UTC)' },
      { titles: 'duration_s', datatype: 'double', 'dc:description': 'length of the integration (s)' },
      { titles: 'spectra', datatype: 'integer', 'dc:description': 'spectra accumulated (count)' },
      ...names.map((n, a): Column => ({ titles: `power_${n}`, datatype: 'double', 'dc:description': `input ${a} (${n}): mean total power per spectrum, the sum over channels (arbitrary units); empty when no spectra` })),
      ...names.map((n, a): Column => ({ titles: `dropped_${n}`, datatype: 'integer', 'dc:description': `input ${a} (${n}): samples dropped (count)` })),
      ...names.map((n, a): Column => ({ titles: `clipped_${n}`, datatype: 'integer', 'dc:description': `input ${a} (${n}): samples clipped at the 8-bit limits (count)` })),
    ]
    : [
      { titles: 'frequency_hz', datatype: 'double', 'dc:description': 'channel centre frequency (Hz)' },
      ...names.map((n, a): Column => ({ titles: `power_${n}`, datatype: 'double', 'dc:description': `input ${a} (${n}): mean auto power per spectrum over the observation (arbitrary units)` })),
    ];
  const sink = FileSink.create(out);
  try {
    sink.write(columns.map((c) => field(c.titles)).join(',') + '\n');
    if (kind === 'power') {
      let done = 0;
      for (const it of store.integrations(id)) {
        const p = totalPower(it, config);
        const row = [
          new Date(Math.round(it.time * 1000)).toISOString(), it.time.toFixed(6), (julianDate(it.time) - 2400000.5).toFixed(9),
          it.duration.toPrecision(12), String(it.spectra), ...p.map((x) => (Number.isNaN(x) ? '' : String(x))),
          ...it.dropped.map(String), ...it.clipped.map(String),
        ];
        sink.write(row.join(',') + '\n');
        options.onProgress?.(++done, total);
      }
    } else {
      const sum = new Float64Array(N * C);
      let counted = 0, done = 0;
      for (const it of store.integrations(id)) {
        if (it.spectra > 0) {
          for (let a = 0; a < N; a++) {
            const p = autoProduct(a, N, config.fx.mode);
            for (let j = 0; j < C; j++) sum[a * C + j]! += it.visibilities[2 * (p * C + j)]! / it.spectra;
          }
          counted++;
        }
        options.onProgress?.(++done, total);
      }
      const f = channelFrequencies(config);
      for (let j = 0; j < C; j++) {
        const row = [String(f[j])];
        for (let a = 0; a < N; a++) row.push(counted ? String(sum[a * C + j]! / counted) : '');
        sink.write(row.join(',') + '\n');
      }
    }
    const r = sink.close();
    const metaPath = csvMetadataPath(out);
    const meta = FileSink.create(metaPath);
    try {
      meta.write(JSON.stringify(csvMetadata(obs, kind, basename(finalName(out)), columns, velocityFrame(store, obs)), null, 2) + '\n');
      meta.close();
    } catch (err) {
      meta.abort();
      throw err;
    }
    return { path: out, files: [out, metaPath], ...r };
  } catch (err) {
    sink.abort();
    throw err;
  }
}

/** CSVW column names (letters, digits, `_`; unique): the titles with other characters as `_`. */
function columnNames(columns: Column[]): string[] {
  const seen = new Set<string>();
  return columns.map((c, k) => {
    let n = c.titles.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_/, 'c_');
    if (seen.has(n)) n = `${n}_${k}`;
    seen.add(n);
    return n;
  });
}

/** The CSVW metadata document of a CSV export named `url`: the observation, its tuning, the velocity frame and the columns. */
function csvMetadata(obs: Observation, kind: 'power' | 'spectrum', url: string, columns: Column[], frame: VelocityFrame | null): Record<string, unknown> {
  const { config } = obs;
  return {
    '@context': 'http://www.w3.org/ns/csvw',
    url,
    'dc:title': `Fringe observation ${obs.id}: ${obs.mode} of ${obs.target || 'no target'} (${kind === 'power' ? 'total power per integration' : 'mean spectrum'})`,
    'dc:creator': `Fringe ${obs.softwareVersion}`,
    'dc:created': new Date().toISOString(),
    dialect: { header: true, delimiter: ',', encoding: 'utf-8' },
    tableSchema: {
      columns: columnNames(columns).map((name, k) => ({ name, ...columns[k]! })),
    },
    notes: [{
      observation: obs.id, mode: obs.mode, target: obs.target || null, status: obs.status,
      start_utc: new Date(obs.start * 1000).toISOString(), start_unix_s: obs.start,
      center_frequency_hz: config.tuning.centerFrequency, sample_rate_hz: config.tuning.sampleRate, gain_db: config.tuning.gain ?? null,
      channels: config.fx.channels, inputs: config.fx.inputs,
      site: config.site ?? null, pointing: config.pointing ?? null,
      drops: dropNote(obs),
      // The frequency axis's velocity frame and v_LSR − v_topo (velocity-frame.ts); null outside the HI band.
      velocity_frame: frame,
    }],
  };
}
