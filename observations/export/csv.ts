/**
 * CSV exports (RFC 4180, comma-separated, `#` comment lines first with the
 * observation and the units):
 * - `power`: one row per integration — UTC time, Unix s, MJD, duration (s),
 *   spectra, then each input's mean total power per spectrum, dropped and
 *   clipped sample counts;
 * - `spectrum`: one row per channel — frequency (Hz) and each input's mean
 *   auto power per spectrum averaged over the observation.
 * Streams integration by integration.
 */
import { check } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { FileSink } from './sink.ts';
import { autoProduct, channelFrequencies, julianDate, requireData, type ExportOptions, type ExportResult } from './common.ts';
import { totalPower } from './totalpower.ts';

export interface CsvOptions extends ExportOptions {
  /** `power` (default): a total-power time series; `spectrum`: the mean spectrum. */
  kind?: 'power' | 'spectrum';
}

/** Quotes a field when it holds a comma, quote or newline. */
const field = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function exportCsv(store: Store, id: number, out: string, options: CsvOptions = {}): ExportResult {
  const kind = options.kind ?? 'power';
  check(kind === 'power' || kind === 'spectrum', "CSV kind is 'power' or 'spectrum'");
  const obs = store.getObservation(id);
  requireData(obs);
  const { config } = obs;
  const N = config.fx.inputs;
  const C = config.fx.channels;
  const names = Array.from({ length: N }, (_, a) => config.antennas?.[a]?.name ?? `input${a}`);
  const total = obs.integrations;
  const sink = FileSink.create(out);
  try {
    sink.write(
      `# Fringe ${obs.softwareVersion} CSV export (${kind})\n` +
      `# observation ${obs.id}: mode ${obs.mode}, target ${obs.target || '-'}, start ${new Date(obs.start * 1000).toISOString()}\n` +
      `# tuning: centre ${config.tuning.centerFrequency} Hz, sample rate ${config.tuning.sampleRate} Hz, ${C} channels\n`,
    );
    if (kind === 'power') {
      sink.write(
        '# units: utc ISO 8601; unix_s s since 1970-01-01 UTC; mjd days (UTC); duration_s s; spectra count; ' +
        'power_* mean total power per spectrum (arbitrary units, sum over channels); dropped_*, clipped_* samples\n',
      );
      const header = ['utc', 'unix_s', 'mjd', 'duration_s', 'spectra', ...names.map((n) => `power_${n}`), ...names.map((n) => `dropped_${n}`), ...names.map((n) => `clipped_${n}`)];
      sink.write(header.map(field).join(',') + '\n');
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
      sink.write('# units: frequency_hz Hz (channel centre); power_* mean auto power per spectrum over the observation (arbitrary units)\n');
      sink.write(['frequency_hz', ...names.map((n) => `power_${n}`)].map(field).join(',') + '\n');
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
    return { path: out, ...sink.close() };
  } catch (err) {
    sink.abort();
    throw err;
  }
}
