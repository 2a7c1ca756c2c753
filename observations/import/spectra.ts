/**
 * Parsed averaged spectra (spectra-formats.ts) into one observation: one
 * input, autos, the channels in order of rising frequency (a velocity axis
 * turned into sky frequencies of the HI line, radio convention), each
 * spectrum an integration at its time, the pointing as config.pointing and
 * 'pointing' events. config.imported says the format, the files, the unit
 * (kelvin or relative), the velocity frame of the axis (an axis already in
 * LSR velocities is not corrected again) and the role: a sky spectrum, or a
 * hot load, cold sky or terminated-input reference for `fringe hi --reference`.
 */
import { ObservationError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ObservationConfig, ObservationPointing, ObservationSite } from '../store/types.ts';
import { sexagesimal, type SpectraFile } from './spectra-formats.ts';
import type { ImportResult } from './srt.ts';

/** What an HI observation is for: the sky, or a reference to calibrate or divide by. */
export const spectrumRoles = ['sky', 'hot', 'cold', 'reference'] as const;
export type SpectrumRole = (typeof spectrumRoles)[number];

/** A pointing as a user or a file gives it (degrees; ra in degrees too). */
export type PointingSpec = { az: number; el: number } | { ra: number; dec: number } | { l: number; b: number };

export interface SpectraImportOptions {
  softwareVersion: string;
  /** The files' names as given. */
  fileNames: string[];
  /** The site, when the file does not carry one (--site); the file's own wins. */
  site?: ObservationSite;
  /** The pointing given on the command line (wins over the file's). */
  pointing?: PointingSpec;
  /** The time (Unix s) of the first spectrum, for files that carry none (--time); a file's own wins. */
  time?: number;
  /** What the spectra are (default: 'hot' for a .hot file, else 'sky'). */
  role?: SpectrumRole;
  /** The frame of a velocity axis (default: 'lsr' unless the header says topocentric). */
  frame?: 'lsr' | 'topocentric';
  /** Every frame of a pointing at a time (Unix s, null: none known): src/astro through the caller (observations/ imports nothing of src/). */
  locate(site: ObservationSite | undefined, spec: PointingSpec, time: number | null): ObservationPointing;
}

const hiRest = 1_420_405_751.768;
const c = 299_792_458;

/** Sky frequency (Hz) of the HI line at radio velocity v (km/s). */
const hiFrequency = (v: number) => hiRest * (1 - (v * 1000) / c);

/** The file's own site (NSF TELLAT/TELLON), else undefined. */
function fileSite(f: SpectraFile): ObservationSite | undefined {
  const lat = f.header.TELLAT ? sexagesimal(f.header.TELLAT) : NaN;
  const lon = f.header.TELLON ? sexagesimal(f.header.TELLON) : NaN;
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
  const alt = f.header.TELALT ? Number(f.header.TELALT) : 0;
  return { name: (f.header.SITE || `site (${lat.toFixed(4)}°, ${lon.toFixed(4)}°)`).slice(0, 120), lat, lon, altitude: Number.isFinite(alt) ? alt : 0 };
}

/** The file's own pointing (NSF AZ/EL), else undefined. */
function filePointing(f: SpectraFile): PointingSpec | undefined {
  const az = Number(f.header.AZ), el = Number(f.header.EL);
  if (f.header.AZ && f.header.EL && Number.isFinite(az) && Number.isFinite(el)) return { az, el };
  const ra = f.header.RA ? sexagesimal(f.header.RA) * 15 : NaN, dec = f.header.DEC ? sexagesimal(f.header.DEC) : NaN;
  if (Number.isFinite(ra) && Number.isFinite(dec)) return { ra, dec };
  return undefined;
}

interface Axis {
  /** Channel values in order of rising frequency. */
  order: number[];
  centerFrequency: number;
  sampleRate: number;
}

/** The channels' sky frequencies checked uniform; their order of rising frequency. */
function axisOf(f: SpectraFile, x: Float64Array, where: string): Axis {
  const freq = Array.from(x, (v) => (f.axis === 'velocity' ? hiFrequency(v) : v));
  const C = freq.length;
  const order = freq.map((_, i) => i).sort((a, b) => freq[a]! - freq[b]!);
  const lo = freq[order[0]!]!, hi = freq[order[C - 1]!]!;
  const step = (hi - lo) / (C - 1);
  if (!(step > 0)) throw new ObservationError('invalid', `${where}: the spectrum's ${C} channels do not span a band.`);
  for (let k = 0; k < C; k++) {
    const off = Math.abs(freq[order[k]!]! - (lo + k * step));
    if (off > 0.3 * step) throw new ObservationError('invalid', `${where}: channel ${k} is ${(off / step).toFixed(2)} channels off a uniform grid; fringe import needs evenly spaced channels (a gap in an rtl_power sweep?).`);
  }
  return { order, sampleRate: step * C, centerFrequency: lo + (C / 2) * step };
}

/** Stores the spectra of one or more files (joined: the same channels) as one observation. */
export function importSpectra(store: Store, files: SpectraFile[], options: SpectraImportOptions): ImportResult {
  const notes: string[] = [];
  const name = options.fileNames.length === 1 ? options.fileNames[0]! : `${options.fileNames[0]} and ${options.fileNames.length - 1} more`;
  const first = files[0]!;
  const site = fileSite(first) ?? options.site;
  if (fileSite(first) && options.site) notes.push('the file names its site (TELLAT/TELLON); --site is not used');
  const spec = options.pointing ?? filePointing(first);
  if (!spec) throw new ObservationError('invalid', `${name} does not say where the antenna pointed: give --az/--el (with --site and a time), --ra/--dec or --l/--b.`);
  if ('az' in spec && !site) throw new ObservationError('invalid', `${name}: an az/el pointing needs the site: give --site LAT,LON[,ALT].`);
  const axis = axisOf(first, first.spectra[0]!.x, name);
  const C = axis.order.length;
  // Times: each spectrum's own, else --time for the first and one second per spectrum after it (said in a note).
  const all = files.flatMap((f, fi) => f.spectra.map((s) => ({ s, f, fi })));
  let guessed = 0;
  const times = all.map(({ s }, k) => {
    if (s.time !== null) return s.time;
    if (options.time === undefined) return null;
    guessed++;
    return options.time + k;
  });
  if (times.some((t) => t === null)) {
    if ('az' in spec) throw new ObservationError('invalid', `${name} does not say when it was recorded, and an az/el pointing needs the time: give --time (UTC, e.g. 2022-01-09T01:32:49Z).`);
    notes.push('no time in the file and no --time: stored at 1970-01-01 00:00:01 UTC (config.imported.timeUnknown); an LSR correction needs a time unless the axis is already LSR');
  }
  if (guessed > 1) notes.push(`${guessed} spectra without their own time: the first at --time, the next one second apart each (order of the files as given)`);
  const when = (k: number) => times[k] ?? 1 + k;
  for (let k = 1; k < all.length; k++) {
    if (!(when(k) > when(k - 1))) throw new ObservationError('invalid', `${options.fileNames[all[k]!.fi]} line ${all[k]!.s.line}: its time is not after the spectrum before it; the spectra must be in time order.`);
    const a = axisOf(all[k]!.f, all[k]!.s.x, `${options.fileNames[all[k]!.fi]} line ${all[k]!.s.line}`);
    if (a.order.length !== C || Math.abs(a.centerFrequency - axis.centerFrequency) > (0.3 * axis.sampleRate) / C || Math.abs(a.sampleRate - axis.sampleRate) > (0.3 * axis.sampleRate) / C) {
      throw new ObservationError('invalid', `${options.fileNames[all[k]!.fi]} line ${all[k]!.s.line}: its channels (${a.order.length} about ${(a.centerFrequency / 1e6).toFixed(4)} MHz) differ from the first spectrum's (${C} about ${(axis.centerFrequency / 1e6).toFixed(4)} MHz); import it separately.`);
    }
  }
  const role: SpectrumRole = options.role ?? (options.fileNames.every((n) => /\.hot(\.gz)?$/i.test(n)) ? 'hot' : 'sky');
  const headerWords = `${first.header.columns ?? ''}`.toLowerCase();
  const frame = first.axis === 'frequency' ? 'topocentric' : (options.frame ?? (/topo/.test(headerWords) ? 'topocentric' : 'lsr'));
  if (first.axis === 'velocity' && !options.frame && !/lsr|topo/.test(headerWords)) notes.push('velocity axis taken as LSR (radio convention); say --frame topocentric if it is not');
  const pointingAt = (t: number | null): ObservationPointing => ({ ...options.locate(site, spec, t), source: options.pointing ? 'fixed' : 'rotator' });
  const start = when(0);
  const sampleRate = axis.sampleRate;
  const config: ObservationConfig = {
    softwareVersion: options.softwareVersion,
    tuning: { centerFrequency: axis.centerFrequency, sampleRate },
    fx: { inputs: 1, channels: C, taps: 1, spectraPerIntegration: 1, mode: 'autos' },
    ...(site ? { site } : {}),
    pointing: pointingAt(times[0] ?? null),
    clock: { kind: 'real', speed: 1 },
    imported: {
      format: first.format,
      file: name,
      files: options.fileNames.slice(0, 200),
      role,
      unit: first.kelvin ? 'K' : 'relative',
      units: first.unit,
      axis: first.axis,
      frame,
      ...(Object.keys(first.header).length ? { header: first.header } : {}),
      channelOrder: 'frequency ascending',
      timesGuessed: guessed > 1,
      timeUnknown: times.some((t) => t === null),
    },
  };
  const mode = role === 'sky' ? 'spectrum' : role;
  const target = { sky: '', hot: 'hot load', cold: 'cold sky', reference: 'reference' }[role];
  const rec = store.startObservation({ mode, target, config, start });
  try {
    let lastWhere = '';
    all.forEach(({ s }, index) => {
      const t = when(index);
      const p = pointingAt(times[index] ?? null);
      const where = `${p.ra.toFixed(3)},${p.dec.toFixed(3)}`;
      if (where !== lastWhere && 'az' in spec) rec.event('pointing', { ...p }, t);
      lastWhere = where;
      const a = axisOf(files[0]!, s.x, name);
      const visibilities = new Float64Array(2 * C);
      const power2 = new Float64Array(C);
      for (let j = 0; j < C; j++) {
        const v = s.y[a.order[j]!]!;
        visibilities[2 * j] = v;
        power2[j] = v * v;
      }
      rec.append({ index, firstSample: Math.round((t - start) * sampleRate), spectra: 1, end: 'full', visibilities, power2, clipped: [0], dropped: [0], calibration: 0 });
    });
    const last = all.at(-1)!.s;
    rec.complete(Math.max(last.end ?? when(all.length - 1), when(all.length - 1)) + C / sampleRate);
  } catch (err) {
    rec.interrupt(`the import of ${name} failed: ${(err as Error).message}`);
    throw err;
  }
  notes.push(...first.notes);
  notes.push(`${all.length} spectra of ${C} channels stored as integrations (${first.unit}; ${first.axis} axis, ${frame}), role '${role}'`);
  return { id: rec.id, mode, integrations: all.length, notes };
}
