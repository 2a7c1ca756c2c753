/**
 * A simulated station: site, time, antennas, dongles and the sky, read from
 * a JSON file or an object, every field checked with an error that names it.
 * Missing fields take defaults that look like a real small station: one 1 m
 * dish on an alt-az mount at 52° N, 0° E, tracking the sun at local noon on
 * the June solstice (sun ≈ 61° up), a dongle at the hydrogen line, 2.4 MS/s,
 * 40 dB gain.
 */
import { readFileSync } from 'node:fs';
import { DeviceError } from '../errors.ts';
import type { FrontEndModel } from './frontend.ts';

/** How an antenna is pointed when no rotator drives it. Angles in degrees. */
export type PointingConfig =
  | { mode: 'fixed'; az: number; el: number }
  /** Track the sun with plain coordinate offsets (degrees of azimuth and of elevation). */
  | { mode: 'sun'; offsetAz: number; offsetEl: number };

export interface AntennaConfig {
  name: string;
  /** Position east, north, up of the array reference (m). */
  position: [number, number, number];
  /** Dish diameter (m). */
  diameter: number;
  /** Aperture efficiency (0…1). */
  efficiency: number;
  /** System temperature on cold sky at the zenith, off the galactic plane (K): receiver + sky + ground. */
  tsys: number;
  pointing: PointingConfig;
  /** This dongle's stream starts this many samples later than the common clock (integer, samples ≥ 0). */
  sampleOffset: number;
  /** Phase of this dongle's local oscillator (degrees). */
  loPhase: number;
  /** Clock error of this dongle's crystal (ppm); non-zero makes it non-coherent. */
  clockPpm: number;
  /** Delay of the cable from the feed to the dongle (ns, ≥ 0): everything the feed receives (sun, noise source) arrives this much later. */
  cableDelay: number;
  /**
   * Where the dish really points minus where its mount (the scenario's
   * pointing, or a rotator) says: degrees of azimuth and of elevation, as a
   * mount's encoder offsets are. On the sky the azimuth error is az × cos el.
   * Hidden from the code under test: only the sky it sees shows it.
   */
  pointingError: { az: number; el: number };
}

export interface RfiTone {
  /** Sky frequency (Hz). */
  frequency: number;
  /** Power, as the temperature of a noise with the same power over the full band (K). */
  temperature: number;
  /** Phase at the start (degrees). */
  phase: number;
}

export interface Scenario {
  /** One line saying what the scenario shows, for lists of scenarios (optional; no effect on the sky). */
  description?: string;
  /** Seed of every random stream (integer ≥ 0). */
  seed: number;
  site: { lat: number; lon: number };
  /** Start time: ISO 8601 UTC, or 'now'. */
  start: string;
  /** Sky clock speed: 1 is real time, 60 makes a minute pass every second of samples. */
  speed: number;
  tuning: { centerFrequency: number; sampleRate: number; gain: number | 'auto'; ppm: number };
  antennas: AntennaConfig[];
  /**
   * The quiet sun; flux1415 in sfu (10⁻²² W m⁻² Hz⁻¹). model 'disk' (default):
   * a 0.53° uniform disk, resolved on long baselines; 'point': a point source
   * of the same flux, fully correlated on every baseline.
   */
  sun: {
    enabled: boolean;
    flux1415: number;
    model: 'disk' | 'point';
    /** The flux density at the observing frequency (sfu), when given: replaces the quiet-sun spectrum scaled to flux1415. */
    flux: number | null;
  };
  /** The galactic HI line; `lsr` applies the observer's motion (Earth orbit + solar motion). */
  hydrogen: { enabled: boolean; lsr: boolean };
  /**
   * A common noise source injected into every front end (correlated across
   * inputs, for calibration): temperature (K); on at start; with period > 0 it
   * is switched on for `onTime` seconds at the start of every `period` seconds
   * of sample time (s). `biasTee`: the source is powered by the dongle's bias
   * tee (a real station's usual diode), so switching the bias tee switches it.
   */
  noiseSource: { temperature: number; on: boolean; period: number; onTime: number; biasTee: boolean };
  rfi: RfiTone[];
  frontend: FrontEndModel;
  /**
   * An ambient absorber that can be swung in front of every feed (a Y-factor's
   * hot load): while it is in, the receiver sees `temperature` (K) instead of
   * the sky, sun and ground; `on` at start (the station switches it).
   */
  hotLoad: { temperature: number; on: boolean };
}

export const defaultAntenna: Readonly<AntennaConfig> = Object.freeze({
  name: 'dish',
  position: [0, 0, 0] as [number, number, number],
  diameter: 1,
  efficiency: 0.6,
  tsys: 100,
  pointing: { mode: 'sun', offsetAz: 0, offsetEl: 0 } as PointingConfig,
  sampleOffset: 0,
  loPhase: 0,
  clockPpm: 0,
  cableDelay: 0,
  pointingError: { az: 0, el: 0 },
});

/** What the default scenario (no file) shows, in the words a scenario file's `description` would use. */
export const defaultScenarioDescription = 'A 1 m dish at 52° N tracking the sun at noon on the June solstice: the sun, the hydrogen line and one RFI tone.';

export function defaultScenario(): Scenario {
  return {
    seed: 1,
    site: { lat: 52, lon: 0 },
    start: '2026-06-21T12:00:00Z',
    speed: 1,
    tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000, gain: 40, ppm: 0 },
    antennas: [{ ...defaultAntenna, position: [0, 0, 0], pointing: { ...defaultAntenna.pointing } }],
    sun: { enabled: true, flux1415: 60, model: 'disk', flux: null },
    hydrogen: { enabled: true, lsr: true },
    noiseSource: { temperature: 100, on: false, period: 0, onTime: 0, biasTee: false },
    rfi: [{ frequency: 1_419_600_000, temperature: 0.5, phase: 0 }], // +170 km/s: beside, not on, the galactic HI
    frontend: { countsRms: 20, bandpassEdge: 0.85, bandpassOrder: 8, dcOffset: [1.5, -1], dropProbability: 0, dropSamples: 16384 },
    hotLoad: { temperature: 290, on: false },
  };
}

function fail(path: string, what: string, got: unknown): never {
  throw new DeviceError('invalid', `scenario ${path}: expected ${what}, got ${JSON.stringify(got)}. Fix the scenario file or leave the field out for its default.`);
}

type Obj = Record<string, unknown>;

function object(v: unknown, path: string, keys: string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new DeviceError('invalid', `scenario ${path}: unknown field '${k}'; known fields are ${keys.join(', ')}.`);
  }
  return v as Obj;
}

function num(v: unknown, path: string, def: number, lo: number, hi: number, unit: string, integer = false): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    fail(path, `${integer ? 'an integer' : 'a number'} from ${lo} to ${hi} (${unit})`, v);
  }
  return v;
}

function bool(v: unknown, path: string, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v;
}

function pointing(v: unknown, path: string, def: PointingConfig): PointingConfig {
  if (v === undefined) return { ...def };
  const o = object(v, path, ['mode', 'az', 'el', 'offsetAz', 'offsetEl']);
  if (o.mode === 'fixed') {
    if (o.offsetAz !== undefined || o.offsetEl !== undefined) fail(`${path}`, "no offsets with mode 'fixed' (use az and el)", v);
    return { mode: 'fixed', az: num(o.az, `${path}.az`, 180, 0, 360, 'degrees'), el: num(o.el, `${path}.el`, 45, -90, 90, 'degrees') };
  }
  if (o.mode === 'sun' || o.mode === undefined) {
    if (o.az !== undefined || o.el !== undefined) fail(`${path}`, "no az/el with mode 'sun' (use offsetAz and offsetEl)", v);
    return { mode: 'sun', offsetAz: num(o.offsetAz, `${path}.offsetAz`, 0, -180, 180, 'degrees'), offsetEl: num(o.offsetEl, `${path}.offsetEl`, 0, -90, 90, 'degrees') };
  }
  fail(`${path}.mode`, "'fixed' or 'sun'", o.mode);
}

function pointingError(v: unknown, path: string): { az: number; el: number } {
  if (v === undefined) return { az: 0, el: 0 };
  const o = object(v, path, ['az', 'el']);
  return { az: num(o.az, `${path}.az`, 0, -30, 30, 'degrees of azimuth'), el: num(o.el, `${path}.el`, 0, -30, 30, 'degrees of elevation') };
}

function antenna(v: unknown, path: string): AntennaConfig {
  const o = object(v, path, Object.keys(defaultAntenna));
  const d = defaultAntenna;
  let position = d.position;
  if (o.position !== undefined) {
    const p = o.position;
    if (!Array.isArray(p) || p.length !== 3) fail(`${path}.position`, '[east, north, up] in metres', p);
    position = [0, 1, 2].map((i) => num(p[i], `${path}.position[${i}]`, 0, -1e5, 1e5, 'm')) as [number, number, number];
  }
  const name = o.name === undefined ? d.name : o.name;
  if (typeof name !== 'string' || name.length === 0) fail(`${path}.name`, 'a non-empty string', name);
  return {
    name,
    position,
    diameter: num(o.diameter, `${path}.diameter`, d.diameter, 0.05, 500, 'm'),
    efficiency: num(o.efficiency, `${path}.efficiency`, d.efficiency, 0.01, 1, 'fraction'),
    tsys: num(o.tsys, `${path}.tsys`, d.tsys, 1, 10_000, 'K'),
    pointing: pointing(o.pointing, `${path}.pointing`, d.pointing),
    sampleOffset: num(o.sampleOffset, `${path}.sampleOffset`, d.sampleOffset, 0, 1_000_000, 'samples', true),
    loPhase: num(o.loPhase, `${path}.loPhase`, d.loPhase, -360, 360, 'degrees'),
    clockPpm: num(o.clockPpm, `${path}.clockPpm`, d.clockPpm, -200, 200, 'ppm'),
    cableDelay: num(o.cableDelay, `${path}.cableDelay`, d.cableDelay, 0, 1e5, 'ns'),
    pointingError: pointingError(o.pointingError, `${path}.pointingError`),
  };
}

/** Checks a parsed scenario and fills in defaults. Throws DeviceError('invalid') naming the first bad field. */
export function parseScenario(input: unknown, origin = 'scenario'): Scenario {
  const d = defaultScenario();
  const o = object(input ?? {}, origin, ['description', ...Object.keys(d)]);
  const s: Scenario = { ...d };
  if (o.description !== undefined) {
    if (typeof o.description !== 'string' || o.description.length > 200 || /[\n\r]/.test(o.description)) fail('description', 'one line of text (at most 200 characters)', o.description);
    s.description = o.description;
  }
  s.seed = num(o.seed, 'seed', d.seed, 0, 2 ** 53 - 1, 'integer', true);
  if (o.site !== undefined) {
    const x = object(o.site, 'site', ['lat', 'lon']);
    s.site = { lat: num(x.lat, 'site.lat', d.site.lat, -90, 90, 'degrees'), lon: num(x.lon, 'site.lon', d.site.lon, -180, 360, 'degrees') };
  }
  if (o.start !== undefined) {
    if (typeof o.start !== 'string' || (o.start !== 'now' && Number.isNaN(Date.parse(o.start)))) fail('start', "an ISO 8601 time such as '2026-06-21T12:00:00Z', or 'now'", o.start);
    s.start = o.start;
  }
  s.speed = num(o.speed, 'speed', d.speed, 1e-3, 1e6, 'times real time');
  if (o.tuning !== undefined) {
    const x = object(o.tuning, 'tuning', ['centerFrequency', 'sampleRate', 'gain', 'ppm']);
    const gain = x.gain === 'auto' ? 'auto' : num(x.gain, 'tuning.gain', d.tuning.gain as number, 0, 50, 'dB');
    s.tuning = {
      centerFrequency: num(x.centerFrequency, 'tuning.centerFrequency', d.tuning.centerFrequency, 24e6, 1.766e9, 'Hz'),
      sampleRate: num(x.sampleRate, 'tuning.sampleRate', d.tuning.sampleRate, 225_001, 3_200_000, 'Hz'),
      gain,
      ppm: num(x.ppm, 'tuning.ppm', d.tuning.ppm, -1000, 1000, 'ppm'),
    };
  }
  if (o.antennas !== undefined) {
    if (!Array.isArray(o.antennas) || o.antennas.length === 0 || o.antennas.length > 64) fail('antennas', 'a list of 1 to 64 antennas', o.antennas);
    s.antennas = o.antennas.map((a, i) => antenna(a, `antennas[${i}]`));
  }
  if (o.sun !== undefined) {
    const x = object(o.sun, 'sun', ['enabled', 'flux1415', 'model', 'flux']);
    if (x.model !== undefined && x.model !== 'disk' && x.model !== 'point') fail('sun.model', "'disk' or 'point'", x.model);
    s.sun = {
      enabled: bool(x.enabled, 'sun.enabled', true),
      flux1415: num(x.flux1415, 'sun.flux1415', d.sun.flux1415, 0, 1e6, 'sfu'),
      model: (x.model as 'disk' | 'point' | undefined) ?? 'disk',
      // null is what this parser itself writes (no flux given): a parsed scenario parses again (drift-run passes one back with its speed).
      flux: x.flux === undefined || x.flux === null ? null : num(x.flux, 'sun.flux', 0, 0, 1e6, 'sfu at the observing frequency'),
    };
  }
  if (o.hydrogen !== undefined) {
    const x = object(o.hydrogen, 'hydrogen', ['enabled', 'lsr']);
    s.hydrogen = { enabled: bool(x.enabled, 'hydrogen.enabled', true), lsr: bool(x.lsr, 'hydrogen.lsr', true) };
  }
  if (o.noiseSource !== undefined) {
    const x = object(o.noiseSource, 'noiseSource', ['temperature', 'on', 'period', 'onTime', 'biasTee']);
    s.noiseSource = {
      temperature: num(x.temperature, 'noiseSource.temperature', d.noiseSource.temperature, 0, 1e6, 'K'),
      on: bool(x.on, 'noiseSource.on', false),
      period: num(x.period, 'noiseSource.period', 0, 0, 86_400, 's'),
      onTime: num(x.onTime, 'noiseSource.onTime', 0, 0, 86_400, 's'),
      biasTee: bool(x.biasTee, 'noiseSource.biasTee', false),
    };
  }
  if (o.rfi !== undefined) {
    if (!Array.isArray(o.rfi)) fail('rfi', 'a list of tones', o.rfi);
    s.rfi = o.rfi.map((t, i) => {
      const x = object(t, `rfi[${i}]`, ['frequency', 'temperature', 'phase']);
      if (x.frequency === undefined) fail(`rfi[${i}].frequency`, 'a sky frequency (Hz)', undefined);
      return {
        frequency: num(x.frequency, `rfi[${i}].frequency`, 0, 0, 1e10, 'Hz'),
        temperature: num(x.temperature, `rfi[${i}].temperature`, 1, 0, 1e9, 'K'),
        phase: num(x.phase, `rfi[${i}].phase`, 0, -360, 360, 'degrees'),
      };
    });
  }
  if (o.frontend !== undefined) {
    const x = object(o.frontend, 'frontend', ['countsRms', 'bandpassEdge', 'bandpassOrder', 'dcOffset', 'dropProbability', 'dropSamples']);
    let dc = d.frontend.dcOffset;
    if (x.dcOffset !== undefined) {
      const p = x.dcOffset;
      if (!Array.isArray(p) || p.length !== 2) fail('frontend.dcOffset', '[I, Q] in counts', p);
      dc = [num(p[0], 'frontend.dcOffset[0]', 0, -64, 64, 'counts'), num(p[1], 'frontend.dcOffset[1]', 0, -64, 64, 'counts')];
    }
    s.frontend = {
      countsRms: num(x.countsRms, 'frontend.countsRms', d.frontend.countsRms, 0.1, 127, 'counts'),
      bandpassEdge: num(x.bandpassEdge, 'frontend.bandpassEdge', d.frontend.bandpassEdge, 0.1, 10, 'fraction of Nyquist'),
      bandpassOrder: num(x.bandpassOrder, 'frontend.bandpassOrder', d.frontend.bandpassOrder, 1, 32, 'order'),
      dcOffset: dc,
      dropProbability: num(x.dropProbability, 'frontend.dropProbability', 0, 0, 1, 'probability per block'),
      dropSamples: num(x.dropSamples, 'frontend.dropSamples', d.frontend.dropSamples, 1, 1e7, 'samples', true),
    };
  }
  if (o.hotLoad !== undefined) {
    const x = object(o.hotLoad, 'hotLoad', ['temperature', 'on']);
    s.hotLoad = { temperature: num(x.temperature, 'hotLoad.temperature', d.hotLoad.temperature, 1, 1000, 'K'), on: bool(x.on, 'hotLoad.on', false) };
  }
  return s;
}

/** Reads and checks a scenario file (JSON). */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DeviceError('not-found', `cannot read scenario file ${file}: ${(err as Error).message}. Check the path.`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DeviceError('invalid', `scenario file ${file} is not valid JSON: ${(err as Error).message}.`, { cause: err });
  }
  try {
    return parseScenario(json);
  } catch (err) {
    if (err instanceof DeviceError) throw new DeviceError('invalid', `${file}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The scenario's start time (ms since the Unix epoch). */
export function startTime(s: Scenario, now = Date.now()): number {
  return s.start === 'now' ? now : Date.parse(s.start);
}
