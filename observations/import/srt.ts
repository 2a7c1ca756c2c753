/**
 * A parsed SRT `.rad` file (rad.ts) into an observation in the store: one
 * input, autos, the file's channels (156 of 7.8125 kHz in the common SRT
 * mode) as the integration's channels in order of frequency, each spectrum
 * an integration at its true time, the pointing and the scan's offsets as
 * 'pointing' events, the calibration lines as 'calibration' events, the
 * commands and comments as 'note' events. Spectra whose tuning differs from
 * the file's main one (the SRT's default 64 channels before a `frequency`
 * command) are kept whole in 'note' events rather than dropped.
 */
import { ObservationError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ObservationConfig, ObservationPointing, ObservationSite } from '../store/types.ts';
import type { RadFile, RadRecord } from './rad.ts';

export interface ImportOptions {
  /** The Fringe version importing (config.softwareVersion). */
  softwareVersion: string;
  /** The file's name as given (kept in config.imported). */
  fileName: string;
  /** The site when the file has no STATION line (degrees, m). */
  site?: ObservationSite;
  /** RA/Dec and l/b of an az/el seen from the site at a time (Unix s): src/astro/pointing.ts through the caller (observations/ imports nothing of src/). */
  describe(site: ObservationSite, az: number, el: number, time: number): ObservationPointing;
}

export interface ImportResult {
  id: number;
  mode: string;
  integrations: number;
  /** What the importer kept aside or assumed, one sentence each. */
  notes: string[];
}

const tuningKey = (r: RadRecord) => `${r.fstart}/${r.fstep}/${r.spectrum.length}`;

/** Scan kind from the offsets: 'crossscan' when they step, 'drift' when a fixed az/el let the sky drift by, 'spectrum' otherwise. */
export function radMode(records: readonly RadRecord[]): 'crossscan' | 'drift' | 'spectrum' {
  const offsets = new Set(records.map((r) => `${r.azOffset},${r.elOffset}`));
  if (offsets.size > 2) return 'crossscan';
  const positions = new Set(records.map((r) => `${r.az},${r.el}`));
  return positions.size === 1 && records.length > 2 ? 'drift' : 'spectrum';
}

/** The SRT's command words (SRT memo 17 and the 2020 software); any other command names a source of the catalogue, e.g. `Sun`. */
const srtKeywords = new Set([
  'record', 'roff', 'frequency', 'freq', 'offset', 'calibrate', 'noisecal', 'azel', 'galactic', 'radec', 'stow', 'wait', 'mode', 'cmdfl',
  'clearint', 'stop', 'quit', 'npoint', 'beamsw', 'bsw', 'vlsr', 'fftsim', 'speed', 'calon', 'caloff',
]);

/** The source the SRT tracked: the last command that is a catalogue name; '' when none is. */
export function radTarget(file: RadFile): string {
  for (let i = file.commands.length - 1; i >= 0; i--) {
    const c = file.commands[i]!.command.replace(/^:\s*/, '').trim();
    const word = c.split(/\s+/)[0] ?? '';
    if (/^[A-Za-z]/.test(word) && !srtKeywords.has(word.toLowerCase())) return c.slice(0, 120);
  }
  return '';
}

/** Stores the file as one observation; returns its id. */
export function importRad(store: Store, file: RadFile, options: ImportOptions): ImportResult {
  const notes: string[] = [];
  let site: ObservationSite;
  if (file.station) {
    site = { name: `SRT station (${file.station.lat}°, ${file.station.lon}°)`, lat: file.station.lat, lon: file.station.lon, altitude: 0 };
    notes.push(`site from the STATION line ${file.station.line} (${file.station.lat}°, ${file.station.lon}° east); the file gives no altitude, 0 m assumed`);
  } else if (options.site) site = options.site;
  else {
    throw new ObservationError('invalid', `${options.fileName} has no STATION line: give the site with --site LAT,LON[,ALT] (degrees, east positive; metres).`);
  }
  // The main tuning: the one most spectra have (later ones win a tie: the scan follows the setup).
  const counts = new Map<string, number>();
  for (const r of file.records) counts.set(tuningKey(r), (counts.get(tuningKey(r)) ?? 0) + 1);
  let main = tuningKey(file.records.at(-1)!);
  for (const [k, n] of counts) if (n > counts.get(main)!) main = k;
  const kept = file.records.filter((r) => tuningKey(r) === main);
  const aside = file.records.filter((r) => tuningKey(r) !== main);
  for (const r of aside) notes.push(`line ${r.line}: a spectrum of ${r.spectrum.length} channels from ${r.fstart} MHz (the scan's is ${kept[0]!.spectrum.length} from ${kept[0]!.fstart} MHz) is kept as a note event, not an integration`);
  const first = kept[0]!;
  const C = first.spectrum.length;
  const sampleRate = C * first.fstep * 1e6;
  const centerFrequency = (first.fstart + (C / 2) * first.fstep) * 1e6;
  const start = Math.min(...file.records.map((r) => r.time));
  for (let i = 1; i < kept.length; i++) {
    if (!(kept[i]!.time > kept[i - 1]!.time)) throw new ObservationError('invalid', `${options.fileName} line ${kept[i]!.line}: its time is not after line ${kept[i - 1]!.line}'s; the spectra must be in time order.`);
  }
  const mode = radMode(kept);
  const units = [...new Set(kept.map((r) => r.unit))];
  const pointingOf = (r: RadRecord): ObservationPointing & { offset: { az: number; el: number; frame: string } } => ({
    ...options.describe(site, r.az, r.el, r.time),
    source: 'rotator',
    offset: { az: r.azOffset, el: r.elOffset, frame: 'srt-azel' },
  });
  const config: ObservationConfig = {
    softwareVersion: options.softwareVersion,
    tuning: { centerFrequency, sampleRate },
    fx: { inputs: 1, channels: C, taps: 1, spectraPerIntegration: 1, mode: 'autos' },
    site,
    pointing: pointingOf(first),
    clock: { kind: 'real', speed: 1 },
    imported: {
      format: 'srt-rad',
      file: options.fileName,
      // The .rad line states neither the integration time nor the bandwidth used: duration is one spectrum (1/Δν), not the SRT's integration.
      integrationTime: null,
      channelOrder: 'frequency ascending from fstart',
      units: units.length === 1 ? units[0] : 'counts before the first calibration event, K after',
      offsetFrame: 'srt-azel: azimuth offset in degrees of azimuth (× cos el on the sky), elevation offset in degrees',
    },
  };
  const rec = store.startObservation({ mode, target: radTarget(file), config, start });
  try {
    // Events in file order, each at the time of the spectrum it belongs to (the next one; the last spectrum's for trailing lines).
    const timeAfter = (line: number) => (file.records.find((r) => r.line > line) ?? file.records.at(-1)!).time;
    for (const c of file.commands) rec.event('note', { srt: 'command', line: c.line, file: c.file, commandLine: c.commandLine, command: c.command }, timeAfter(c.line));
    for (const c of file.comments) rec.event('note', { srt: 'comment', line: c.line, text: c.text }, timeAfter(c.line));
    for (const c of file.calibrations) {
      rec.event('calibration', { method: 'srt-noisecal', line: c.line, tsys: c.tsys, calcons: c.calcons, trecvr: c.trecvr, tload: c.tload, tspill: c.tspill, unit: 'K', applies: 'spectra after this line are in kelvin' }, timeAfter(c.line));
    }
    for (const r of aside) {
      rec.event('note', { srt: 'spectrum', line: r.line, az: r.az, el: r.el, azOffset: r.azOffset, elOffset: r.elOffset, fstart: r.fstart, fstep: r.fstep, mode: r.mode, unit: r.unit, vlsr: r.vlsr, spectrum: Array.from(r.spectrum) }, r.time);
    }
    let last = '';
    kept.forEach((r, index) => {
      const where = `${r.az},${r.el},${r.azOffset},${r.elOffset}`;
      if (where !== last) rec.event('pointing', { ...pointingOf(r), line: r.line }, r.time);
      last = where;
      const visibilities = new Float64Array(2 * C);
      const power2 = new Float64Array(C);
      for (let j = 0; j < C; j++) {
        visibilities[2 * j] = r.spectrum[j]!;
        power2[j] = r.spectrum[j]! ** 2;
      }
      rec.append({
        index, firstSample: Math.round((r.time - start) * sampleRate), spectra: 1, end: 'full',
        visibilities, power2, clipped: [0], dropped: [0], calibration: 0,
      });
    });
    rec.complete(kept.at(-1)!.time + C / sampleRate);
  } catch (err) {
    rec.interrupt(`the import of ${options.fileName} failed: ${(err as Error).message}`);
    throw err;
  }
  notes.push(`${kept.length} spectra stored as integrations (${units.join(' and ')}), mode '${mode}'`);
  return { id: rec.id, mode, integrations: kept.length, notes };
}
