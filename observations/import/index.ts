/**
 * `fringe import`'s formats: one module per format (rad.ts + srt.ts for the
 * Haystack SRT), chosen here from the file's name and first bytes. Each
 * format's parser is pure; this reads the file and hands it to its writer.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import { ObservationError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { RadError, parseRad } from './rad.ts';
import { type ImportOptions, type ImportResult, importRad } from './srt.ts';
import { importStripChart, looksLikeStripChart, parseSpd, parseStripChart, type StripChartOptions } from './stripchart.ts';

export { RadError, parseRad } from './rad.ts';
export type { ImportOptions, ImportResult } from './srt.ts';
import { SpectraError, detectSpectraFormat, parseSpectra, type SpectraFile } from './spectra-formats.ts';
import { importSpectra, type SpectraImportOptions } from './spectra.ts';
export { spectrumRoles, type PointingSpec, type SpectrumRole } from './spectra.ts';

/** The formats `fringe import` reads. */
export const importFormats = ['srt-rad', 'strip-chart-csv', 'radio-skypipe-spd', 'nsf-ast', 'rtl-power-fftw', 'rtl-power-csv', 'two-column-csv'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** The largest file read whole (bytes): an SRT file of a night is a few MB. */
export const maxImportBytes = 512 * 1024 * 1024;

/** Which format a file is in, from its name and first line; null when none fits. */
export function detectFormat(name: string, head: string): ImportFormat | null {
  if (/\.rad$/i.test(name)) return 'srt-rad';
  if (/\.spd$/i.test(name) || head.startsWith('RSpd')) return 'radio-skypipe-spd';
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (/^\s*\*\s*STATION\s+LAT=/i.test(first) || /^\s*\d{4}:\d{1,3}:\d{1,2}:\d{1,2}:\d{1,2}\s/.test(first)) return 'srt-rad';
  if (looksLikeStripChart(head)) return 'strip-chart-csv';
  return null;
}

/** Reads one file and stores it as an observation. Throws ObservationError ('invalid' for what the file holds, 'io' for reading it). */
export function importFile(store: Store, path: string, options: Omit<ImportOptions, 'fileName'> & Pick<StripChartOptions, 'frequency' | 'target'>): ImportResult {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > maxImportBytes) throw new ObservationError('invalid', `${path} is ${size} bytes; files up to ${maxImportBytes} bytes are imported.`);
    text = readFileSync(path, 'latin1');
  } catch (err) {
    if (err instanceof ObservationError) throw err;
    throw new ObservationError('io', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const format = detectFormat(path, text.slice(0, 4096));
  if (!format) throw new ObservationError('invalid', `${path}: not a format fringe import reads (${importFormats.join(', ')}: a Haystack SRT .rad file, a Radio-SkyPipe .spd chart, or a CSV of ISO UTC time and value).`);
  if (format === 'radio-skypipe-spd') {
    const chart = parseSpd(readFileSync(path), basename(path));
    const site = options.site ?? { name: `Radio-SkyPipe site (${chart.site.lat}°, ${chart.site.lon}°)`, lat: chart.site.lat, lon: chart.site.lon, altitude: 0 };
    return importStripChart(store, chart, { ...options, site, fileName: basename(path) });
  }
  if (format === 'strip-chart-csv') return importStripChart(store, parseStripChart(text, basename(path)), { ...options, fileName: basename(path) });
  try {
    return importRad(store, parseRad(text), { ...options, fileName: basename(path) });
  } catch (err) {
    if (err instanceof RadError) throw new ObservationError('invalid', `${path} ${err.message}`, { cause: err });
    throw err;
  }
}

/** What the averaged-spectrum formats need beyond ImportOptions (spectra.ts). */
export type SpectraOptions = Omit<SpectraImportOptions, 'fileNames' | 'softwareVersion' | 'site'> & { axis?: 'frequency' | 'velocity'; kelvin?: boolean };

/** A file's text, gunzipped when its name ends in .gz. */
function readText(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > maxImportBytes) throw new ObservationError('invalid', `${path} is ${size} bytes; files up to ${maxImportBytes} bytes are imported.`);
    const bytes = readFileSync(path);
    return (/\.gz$/i.test(path) ? gunzipSync(bytes) : bytes).toString('latin1');
  } catch (err) {
    if (err instanceof ObservationError) throw err;
    throw new ObservationError('io', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Imports files as observations: a .rad file as importFile does; the
 * averaged-spectrum formats (.ast/.hot, rtl-power-fftw, rtl_power CSV,
 * two-column CSV, each possibly gzipped) one observation per file, or all of
 * them joined into one (`join`: the same channels, in time order).
 */
export function importFiles(store: Store, paths: string[], options: Omit<ImportOptions, 'fileName'> & Pick<StripChartOptions, 'frequency' | 'target'>, spectra: SpectraOptions, join = false): ImportResult[] {
  const parsed: { path: string; file: SpectraFile }[] = [];
  const results: ImportResult[] = [];
  const store1 = (group: { path: string; file: SpectraFile }[]) =>
    results.push(importSpectra(store, group.map((g) => g.file), { ...spectra, softwareVersion: options.softwareVersion, site: options.site, fileNames: group.map((g) => basename(g.path)) }));
  for (const path of paths) {
    const text = readText(path);
    const name = path.replace(/\.gz$/i, '');
    if (detectFormat(name, text.slice(0, 4096))) {
      if (join) throw new ObservationError('invalid', `${path}: a .rad, .spd or strip-chart file is imported on its own, not joined with others.`);
      results.push(importFile(store, path, options));
      continue;
    }
    const format = detectSpectraFormat(name, text.slice(0, 8192));
    if (!format) throw new ObservationError('invalid', `${path}: not a format fringe import reads (${importFormats.join(', ')}).`);
    let file: SpectraFile;
    try {
      file = parseSpectra(format, text, spectra);
    } catch (err) {
      if (err instanceof SpectraError) throw new ObservationError('invalid', `${path} ${err.message}`, { cause: err });
      throw err;
    }
    if (join) parsed.push({ path, file });
    else store1([{ path, file }]);
  }
  if (parsed.length) store1(parsed);
  return results;
}
