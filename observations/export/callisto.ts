/**
 * The e-CALLISTO dynamic-spectrum layout (formats.md): a BITPIX 8 primary
 * image of "digits", NAXIS1 = time (sweeps), NAXIS2 = channels with the
 * first row the highest frequency, and a one-row BINTABLE of TIME (s from
 * the start) and FREQUENCY (MHz, in row order). File name
 * `STATION_YYYYMMDD_HHMMSS_FC.fit`, optionally gzipped.
 *
 * Digits: the auto power of one input, averaged into `channels` bins, in dB
 * (10·log10) and scaled at 0.390625 dB per digit (2500 mV / 256 digits at
 * 25 mV/dB on the original log detector) above the quietest value.
 * Holds channels × sweeps bytes in memory (200 × 3600 for 15 min at 0.25 s).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { check } from '../errors.ts';
import { ObservationError } from '../errors.ts';
import type { Store, TimeRange } from '../store/store.ts';
import type { Observation } from '../store/types.ts';
import { FitsWriter, card, commentary, fitsText } from './fits.ts';
import { writeFileAtomic } from './sink.ts';
import { autoProduct, channelFrequencies, checkInput, requireData, type ExportOptions, type ExportResult } from './common.ts';
import { observationSite, siteRow } from './coordinates.ts';

/** dB per digit of the e-CALLISTO log detector. */
export const dbPerDigit = 2500 / 256 / 25;

export interface CallistoOptions extends ExportOptions {
  /** Station name (default config.station). Letters, digits, '-'. */
  station?: string;
  /** Two-digit focus code (default '01'). */
  focusCode?: string;
  /**
   * Output channels, 1…400; must divide the correlator's channels so that
   * each is the mean of whole channels (default `defaultCallistoChannels`:
   * the largest divisor ≤ 200, 128 for the default 1024).
   */
  channels?: number;
  /** Which input's auto power (default 0). */
  input?: number;
  /** Gzip the file as the archive stores it (default false). */
  gzip?: boolean;
  /**
   * `callisto` (default): DATE-OBS/DATE-END as `YYYY/MM/DD`, exactly as the
   * network's files have them (FITS 4.0 wants `YYYY-MM-DD`, so fitsverify
   * reports those two keywords as errors); `iso`: `YYYY-MM-DD`, FITS-clean
   * and still read by sunpy's Callisto reader.
   */
  dateStyle?: 'callisto' | 'iso';
  /** Only the integrations starting in [from, until) (Unix s). */
  range?: TimeRange;
}

/** The station name when neither the caller nor the observation's config gives one. */
export const defaultStation = 'FRINGE';

/**
 * The default output channels for `C` correlator channels: the largest
 * divisor of C that is at most 200 (the network's usual sweep), so that
 * every bin averages the same whole number of channels: equal bandwidth,
 * equal noise, no channel split between two bins (resampling to exactly 200
 * would give 1024/200 = 5.12 channels a bin, unequal noise and correlated
 * neighbours). 128 for 1024 channels, 200 for 400, C itself up to 200.
 * The network's readers take any channel count (NAXIS2).
 */
export function defaultCallistoChannels(C: number): number {
  for (let m = Math.min(C, 200); m > 1; m--) if (C % m === 0) return m;
  return 1;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `STATION_YYYYMMDD_HHMMSS_FC.fit` for a start time (Unix s). */
export function callistoFileName(station: string, start: number, focusCode = '01'): string {
  check(/^[A-Za-z0-9-]{1,24}$/.test(station), 'the station name must be letters, digits or -');
  check(/^\d\d$/.test(focusCode), 'the focus code is two digits');
  const d = new Date(Math.floor(start) * 1000);
  return `${station}_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}_${focusCode}.fit`;
}

function dateParts(unix: number, sep: string): { date: string; time: string; sod: number } {
  const d = new Date(Math.round(unix * 1000));
  const iso = d.toISOString();
  return {
    date: `${iso.slice(0, 4)}${sep}${iso.slice(5, 7)}${sep}${iso.slice(8, 10)}`,
    time: iso.slice(11, 23),
    sod: d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds() + d.getUTCMilliseconds() / 1000,
  };
}

/** The station name: the caller's, else the observation's config.station, else `defaultStation`. */
export function stationOf(obs: Observation, explicit?: string): string {
  const s = explicit ?? obs.config.station ?? defaultStation;
  check(typeof s === 'string' && s !== '', 'the e-CALLISTO export needs a station name (--station or config.station)');
  return s;
}

export function exportCallisto(store: Store, id: number, out: string, options: CallistoOptions = {}): ExportResult {
  const obs = store.getObservation(id);
  requireData(obs);
  const { config } = obs;
  const station = stationOf(obs, options.station);
  const C = config.fx.channels;
  const M = options.channels ?? defaultCallistoChannels(C);
  check(Number.isInteger(M) && M >= 1 && M <= 400 && C % M === 0, `channels must be 1…400 and divide ${C} (e.g. ${defaultCallistoChannels(C)})`);
  const input = options.input ?? 0;
  checkInput(obs, input);
  const bin = C / M;
  const times = store.integrationTimes(id, options.range);
  const T = times.length;
  if (T === 0) throw new ObservationError('state', `observation ${id} has no integrations in the time range asked for.`);
  // Bin centre frequencies (MHz), ascending; rows are written highest first.
  const f = channelFrequencies(config);
  const binMHz = Float64Array.from({ length: M }, (_, m) => {
    let s = 0;
    for (let k = 0; k < bin; k++) s += f[m * bin + k]!;
    return s / bin / 1e6;
  });
  const db = new Float32Array(M * T); // [row][time], row 0 = highest frequency
  const p = autoProduct(input, config.fx.inputs, config.fx.mode);
  let t = 0;
  for (const it of store.integrations(id, options.range)) {
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let k = 0; k < bin; k++) s += it.visibilities[2 * (p * C + m * bin + k)]!;
      const power = it.spectra > 0 ? s / bin / it.spectra : NaN;
      db[(M - 1 - m) * T + t] = power > 0 ? 10 * Math.log10(power) : NaN;
    }
    t++;
    options.onProgress?.(t, T + 1);
  }
  let floor = Infinity;
  for (const v of db) if (Number.isFinite(v) && v < floor) floor = v;
  if (!Number.isFinite(floor)) floor = 0;
  const digits = new Uint8Array(M * T);
  let dmin = 255, dmax = 0;
  for (let i = 0; i < db.length; i++) {
    const v = db[i]!;
    const d = Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round((v - floor) / dbPerDigit))) : 0;
    digits[i] = d;
    if (d < dmin) dmin = d;
    if (d > dmax) dmax = d;
  }
  // The observation's own site (config.site), else the site row it references.
  const site = siteRow(observationSite(store, obs));
  const sep = (options.dateStyle ?? 'callisto') === 'iso' ? '-' : '/';
  check(options.dateStyle === undefined || options.dateStyle === 'iso' || options.dateStyle === 'callisto', "dateStyle is 'callisto' or 'iso'");
  const start = dateParts(times[0]!.time, sep);
  const end = dateParts(times[T - 1]!.time + times[T - 1]!.duration, sep);
  const sweep = T > 1 ? (times[T - 1]!.time - times[0]!.time) / (T - 1) : times[0]!.duration;
  const w = FitsWriter.create(out);
  try {
    w.header([
      card('SIMPLE', true, 'file does conform to FITS standard'),
      card('BITPIX', { int: 8 }, 'number of bits per data pixel'),
      card('NAXIS', { int: 2 }, 'number of data axes'),
      card('NAXIS1', { int: T }, 'length of data axis 1 (time)'),
      card('NAXIS2', { int: M }, 'length of data axis 2 (channels)'),
      card('EXTEND', true, 'FITS dataset may contain extensions'),
      card('DATE', new Date().toISOString().slice(0, 10), 'Time of observation'),
      card('CONTENT', `${start.date.replaceAll('-', '/')}  Radio flux density, e-CALLISTO (${station})`, 'Title of image'),
      card('ORIGIN', 'Fringe', 'Organization name'),
      card('TELESCOP', 'Radio Spectrometer', 'Type of instrument'),
      card('INSTRUME', station, 'Name of the spectrometer'),
      card('OBJECT', fitsText(obs.target || 'Sun'), 'object description'),
      card('DATE-OBS', start.date, 'Date observation starts'),
      card('TIME-OBS', start.time, 'Time observation starts'),
      card('DATE-END', end.date, 'date observation ends'),
      card('TIME-END', end.time, 'time observation ends'),
      card('BZERO', 0, 'scaling offset'),
      card('BSCALE', 1, 'scaling factor'),
      card('BUNIT', 'digits', 'z-axis title'),
      card('DATAMIN', { int: dmin }, 'minimum element in image'),
      card('DATAMAX', { int: dmax }, 'maximum element in image'),
      card('CRVAL1', start.sod, 'value on axis 1 at reference pixel [sec of day]'),
      card('CRPIX1', { int: 0 }, 'reference pixel of axis 1'),
      card('CTYPE1', 'Time [UT]', 'title of axis 1'),
      card('CDELT1', sweep, 'step between first and second element in x-axis'),
      card('CRVAL2', M, 'value on axis 2 at the reference pixel'),
      card('CRPIX2', { int: 0 }, 'reference pixel of axis 2'),
      card('CTYPE2', 'Frequency [MHz]', 'title of axis 2'),
      card('CDELT2', -1, 'step between first and second element in axis'),
      card('OBS_LAT', Math.abs(site?.latitude ?? 0), 'observatory latitude in degree'),
      card('OBS_LAC', (site?.latitude ?? 0) >= 0 ? 'N' : 'S', 'observatory latitude code {N,S}'),
      card('OBS_LON', Math.abs(site?.longitude ?? 0), 'observatory longitude in degree'),
      card('OBS_LOC', (site?.longitude ?? 0) >= 0 ? 'E' : 'W', 'observatory longitude code {E,W}'),
      card('OBS_ALT', site?.altitude ?? 0, 'observatory altitude in meter asl'),
      card('FRQFILE', 'FRINGE.CFG', 'name of frequency file'),
      card('PWM_VAL', { int: 0 }, 'PWM value to control tuner gain'),
      ...commentary('COMMENT', `digits = round((dB - ${floor.toFixed(4)}) / ${dbPerDigit}), dB = 10 log10(mean auto power of input ${input})`),
    ]);
    w.data(digits);
    w.header([
      card('XTENSION', 'BINTABLE', 'binary table extension'),
      card('BITPIX', { int: 8 }, '8-bit bytes'),
      card('NAXIS', { int: 2 }, '2-dimensional binary table'),
      card('NAXIS1', { int: 8 * (T + M) }, 'width of table in bytes'),
      card('NAXIS2', { int: 1 }, 'number of rows in table'),
      card('PCOUNT', { int: 0 }, 'size of special data area'),
      card('GCOUNT', { int: 1 }, 'one data group (required keyword)'),
      card('TFIELDS', { int: 2 }, 'number of fields in each row'),
      card('TTYPE1', 'TIME', 'label for field   1'),
      card('TFORM1', `${T}D8.3`, 'data format of field: 8-byte DOUBLE'),
      card('TTYPE2', 'FREQUENCY', 'label for field   2'),
      card('TFORM2', `${M}D8.3`, 'data format of field: 8-byte DOUBLE'),
    ]);
    w.float64(times.map((x) => x.time - times[0]!.time));
    w.float64(Float64Array.from({ length: M }, (_, r) => binMHz[M - 1 - r]!));
    const done = w.close();
    options.onProgress?.(T + 1, T + 1);
    if (!options.gzip) return { path: out, ...done };
    const gz = gzipSync(readFileSync(out));
    writeFileAtomic(out, gz);
    return { path: out, bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex') };
  } catch (err) {
    w.abort();
    throw err;
  }
}

/**
 * Writes the observation as the network archives it: one file per UTC
 * quarter hour (:00, :15, :30, :45) that holds integrations, each named
 * after its first sample, into `dir`. Progress counts files.
 */
export function exportCallistoSeries(store: Store, id: number, dir: string, options: CallistoOptions & { minutes?: number } = {}): (ExportResult & { start: number })[] {
  const obs = store.getObservation(id);
  requireData(obs);
  const minutes = options.minutes ?? 15;
  check(Number.isInteger(minutes) && minutes >= 1 && 1440 % minutes === 0, 'minutes must divide a day (1, 5, 15, 60, …)');
  const station = stationOf(obs, options.station);
  const step = minutes * 60;
  const times = store.integrationTimes(id);
  const segments = [...new Set(times.map((t) => Math.floor(t.time / step) * step))];
  const out: (ExportResult & { start: number })[] = [];
  for (const [k, from] of segments.entries()) {
    const first = store.integrationTimes(id, { from, until: from + step })[0]!.time;
    const name = callistoFileName(station, first, options.focusCode ?? '01') + (options.gzip ? '.gz' : '');
    const r = exportCallisto(store, id, join(dir, name), { ...options, station, range: { from, until: from + step }, onProgress: undefined });
    out.push({ ...r, start: first });
    options.onProgress?.(k + 1, segments.length);
  }
  return out;
}
