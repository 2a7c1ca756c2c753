/**
 * Strip charts of analogue interferometers (two dishes, a multiplier or an
 * adding detector, a voltmeter or Radio-SkyPipe): a CSV of UTC time and
 * value, one sample a line, stored as a real-valued fringe observation. The
 * value is kept as the real part of the cross product of two inputs
 * (products (0,0), (0,1), (1,1) of one channel; the autos 0: not measured),
 * each sample an integration at its own time; `config.imported.valueKind`
 * says it is a real fringe, `config.phaseCentre` what was tracked.
 *
 * The CSV: an optional header line, then `TIME,VALUE` with TIME in ISO 8601
 * UTC (2014-04-03T16:22:41Z, or with a space, or without the Z: UTC is
 * assumed) — told apart from a two-column numeric CSV (the hydrogen-line
 * helper's) by that ISO time in the first column.
 */
import { ObservationError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ObservationConfig, ObservationSite } from '../store/types.ts';

/** A UTC time in ISO 8601 form at the start of a line (date, T or space, time; optional fraction and Z). */
const isoTime = /^\s*"?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]00:?00)?"?\s*$/;

/** Whether the first data line of a CSV starts with an ISO UTC time (skipping one header line). */
export function looksLikeStripChart(head: string): boolean {
  const lines = head.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines.slice(0, 2).some((l) => isoTime.test(l.split(',')[0] ?? ''));
}

export interface StripChart {
  /** Unix seconds per sample, increasing. */
  times: number[];
  values: number[];
  /** The header's column names, if it had one. */
  header: string[] | null;
  /** Samples that repeated the time of the one before (a logger's clock rounding): averaged with it. */
  merged: number;
}

/** Parses the CSV; throws ObservationError('invalid') naming the line. */
export function parseStripChart(text: string, fileName: string): StripChart {
  const times: number[] = [], values: number[] = [];
  let header: string[] | null = null;
  let merged = 0, count = 1;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',');
    const m = isoTime.exec(cells[0] ?? '');
    if (!m) {
      if (times.length === 0 && header === null) {
        header = cells.map((c) => c.trim());
        return;
      }
      throw new ObservationError('invalid', `${fileName} line ${i + 1}: '${cells[0]}' is not an ISO 8601 UTC time (e.g. 2014-04-03T16:22:41Z).`);
    }
    if (cells.length < 2) throw new ObservationError('invalid', `${fileName} line ${i + 1}: needs TIME,VALUE.`);
    const t = Date.parse(`${m[1]}T${m[2]}Z`) / 1000;
    const v = Number(cells[1]!.trim());
    if (!Number.isFinite(t)) throw new ObservationError('invalid', `${fileName} line ${i + 1}: '${cells[0]}' is not a valid date.`);
    if (cells[1]!.trim() === '' || !Number.isFinite(v)) throw new ObservationError('invalid', `${fileName} line ${i + 1}: the value '${cells[1]}' is not a number.`);
    if (times.length && t === times.at(-1)!) {
      // The same time as the sample before (a logger's clock rounding): average the two rather than invent a time.
      count++;
      values[values.length - 1] = values.at(-1)! + (v - values.at(-1)!) / count;
      merged++;
      return;
    }
    if (times.length && !(t > times.at(-1)!)) throw new ObservationError('invalid', `${fileName} line ${i + 1}: its time is before the line before's; the samples must be in time order.`);
    count = 1;
    times.push(t);
    values.push(v);
  });
  if (times.length < 10) throw new ObservationError('invalid', `${fileName}: ${times.length} samples; a fringe needs hours of them.`);
  return { times, values, header, merged };
}

export interface StripChartOptions {
  softwareVersion: string;
  fileName: string;
  site?: ObservationSite;
  /** Observing frequency (Hz). */
  frequency?: number;
  /** What was tracked: a name (the sun, a catalogue source) and/or J2000 RA (hours) and Dec (degrees). */
  target?: { name?: string; ra?: number; dec?: number };
}

/** Stores a parsed strip chart as one observation (mode 'fringe'); returns its id. */
export function importStripChart(store: Store, chart: StripChart, options: StripChartOptions): { id: number; mode: string; integrations: number; notes: string[] } {
  const need = (what: string) => {
    throw new ObservationError('invalid', `${options.fileName} is a strip chart: give ${what}.`);
  };
  if (!options.site) need('the site with --site LAT,LON[,ALT]');
  if (!options.frequency) need('the observing frequency with --freq HZ');
  const t = options.target;
  if (!t || (!t.name && (t.ra === undefined || t.dec === undefined))) need('the tracked source with --target NAME (sun, 3C144, …) or --ra H --dec D');
  const { times, values } = chart;
  const steps = times.slice(1).map((x, i) => x - times[i]!).sort((a, b) => a - b);
  const step = steps[steps.length >> 1]!;
  const sampleRate = 1 / step;
  const start = times[0]!;
  const config: ObservationConfig = {
    softwareVersion: options.softwareVersion,
    tuning: { centerFrequency: options.frequency!, sampleRate },
    fx: { inputs: 2, channels: 1, taps: 1, spectraPerIntegration: 1, mode: 'full' },
    site: options.site!,
    clock: { kind: 'real', speed: 1 },
    phaseCentre: t!.name && t!.ra === undefined ? { name: t!.name } : { ...(t!.name ? { name: t!.name } : {}), ra: t!.ra, dec: t!.dec },
    imported: {
      format: 'strip-chart-csv',
      file: options.fileName,
      valueKind: 'real fringe: the real part of the visibility plus an offset, in the file’s unit',
      columns: chart.header,
      sampleInterval: step,
      sampleRate: 'the samples per second of the strip chart (tuning.sampleRate), not a radio bandwidth',
    },
  };
  const rec = store.startObservation({ mode: 'fringe', target: t!.name ?? `RA ${t!.ra}h Dec ${t!.dec}°`, config, start });
  try {
    // One transaction for the file (each append's own becomes a savepoint): a strip chart of a day is 86 400
    // samples, and a commit each would take minutes on a synchronous store.
    store.db.transaction(() => {
      values.forEach((v, index) => {
        // Products (0,0), (0,1), (1,1) of one channel: the fringe is Re V01.
        const visibilities = new Float64Array(6);
        visibilities[2] = v;
        rec.append({ index, firstSample: Math.round((times[index]! - start) * sampleRate), spectra: 1, end: 'full', visibilities, power2: new Float64Array(2), clipped: [0, 0], dropped: [0, 0], calibration: 0 });
      });
    })();
    rec.complete(times.at(-1)! + step);
  } catch (err) {
    rec.interrupt(`the import of ${options.fileName} failed: ${(err as Error).message}`);
    throw err;
  }
  const gaps = steps.filter((s) => s > 1.5 * step).length;
  return { id: rec.id, mode: 'fringe', integrations: values.length, notes: [`${values.length} samples every ${step} s stored as a real-valued fringe${gaps ? ` (${gaps} gaps)` : ''}`, ...(chart.merged ? [`${chart.merged} samples had the time of the sample before and were averaged with it`] : [])] };
}

/**
 * A Radio-SkyPipe `.spd` chart (../shared/reference/formats.md; the layout
 * observations/export/spd.ts writes): 156-byte little-endian header, the
 * note, then per record a date (double, days since 1899-12-30 UTC) and one
 * double per channel. The first channel is taken as the fringe. Charts saved
 * with `Integer Save` or `No Time Stamps`, or logged in local time (no
 * `Logged Using UT` and a non-zero time zone), are refused with the reason.
 */
export function parseSpd(bytes: Buffer, fileName: string): StripChart & { site: { lat: number; lon: number } } {
  const bad = (why: string) => {
    throw new ObservationError('invalid', `${fileName}: ${why}`);
  };
  if (bytes.length < 156) bad(`${bytes.length} bytes is shorter than a Radio-SkyPipe header (156 bytes).`);
  const version = bytes.subarray(0, 10).toString('latin1').replace(/\0.*$/s, '');
  if (!/^RSpd/.test(version)) bad(`not a Radio-SkyPipe chart (its header starts '${version}', not 'RSpd').`);
  const channels = bytes.readInt16LE(150), noteLength = bytes.readInt32LE(152), tz = bytes.readInt16LE(58);
  if (!(channels >= 1 && channels <= 64)) bad(`the header gives ${channels} channels (1 to 64 expected).`);
  if (!(noteLength >= 0 && 156 + noteLength <= bytes.length)) bad(`the header's note length ${noteLength} runs past the end of the file.`);
  const note = bytes.subarray(156, 156 + noteLength).toString('latin1');
  if (/Integer Save/i.test(note)) bad('saved with Integer Save (int16 values): save the chart again without it.');
  if (/No Time Stamps/i.test(note)) bad('saved with No Time Stamps: a fringe needs the time of every sample; save the chart with time stamps.');
  if (!/Logged Using UT/i.test(note) && tz !== 0) bad(`logged in local time (time zone ${tz} h, no 'Logged Using UT'): log in UT, or convert to the CSV form with UTC times.`);
  const record = 8 * (1 + channels), body = bytes.length - 156 - noteLength;
  if (body % record !== 0) bad(`the data (${body} bytes) are not whole records of ${record} bytes (a date and ${channels} channels).`);
  const times: number[] = [], values: number[] = [];
  for (let o = 156 + noteLength; o + record <= bytes.length; o += record) {
    const t = (bytes.readDoubleLE(o) + 2415018.5 - 2440587.5) * 86400;
    if (times.length && !(t > times.at(-1)!)) bad(`record ${times.length + 1}: its time is not after the one before.`);
    times.push(Math.round(t * 1000) / 1000);
    values.push(bytes.readDoubleLE(o + 8));
  }
  if (times.length < 10) bad(`${times.length} records; a fringe needs hours of them.`);
  return { times, values, header: [`channel 1 of ${channels}`], merged: 0, site: { lat: bytes.readDoubleLE(26), lon: bytes.readDoubleLE(34) } };
}
