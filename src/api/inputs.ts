/**
 * The boundary: every input that comes from outside the station (a command
 * line, an RPC call, a form in the UI, station.json) is read by the rules in
 * this one module, so every door accepts the same inputs with the same
 * message per mistake. Pure: no Node modules (the UI bundle imports it).
 *
 * Each quantity has a rule: `parse*` reads the text a person typed (a CLI
 * argument, a form field) and throws InputError; the zod schema checks the
 * same value as it arrives in JSON (the API contract). An InputError's
 * `problem` is the phrase after the field's name ("must be a power of two"),
 * so the CLI says "--channels must be a power of two (got '300')" and the API
 * "channels: channels must be a power of two".
 *
 * Decisions, stated once:
 *  - Numbers are plain decimals: `0x2`, `2e0` as an id, `Infinity`, ` 1 ` and
 *    '' are refused. Ids, counts and limits are whole decimals without leading
 *    zeros (`01` is refused: it reads as a different thing to a person and to
 *    a shell script) and safe integers.
 *  - Frequencies and sample rates take k/M/G suffixes (1420.4M, 2.4M, 250k).
 *  - Channels: what the correlator accepts (correlator/config.ts): a power of
 *    two from 2 to 65536, at every door (the API used to ask for ≥ 16).
 *  - Threads: 0 (inline) to 16, the cap of the CPU backend's worker pool
 *    (correlator/cpu.ts caps it there too; 16 until it exports a constant).
 */
import { z } from 'zod';
import {
  type SourceSpec, SourceSpecError, controlCharacters, defaultRtlTcpPort, formatSourceSpec, hostPortProblem, maxGroupMembers, maxSourceSpecLength,
  parseHostPort as parseHostPortSpec, parseSourceSpec as parseSourceSpecText, printable, sourceSpecHelp,
} from '../../devices/sdr/spec.ts';

export { type SourceSpec, defaultRtlTcpPort, formatSourceSpec, maxGroupMembers, printable, sourceSpecHelp };

/** A value from outside that breaks a rule: `problem` is the phrase after the field's name, `got` the text as given. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly problem: string,
    readonly got: string,
  ) {
    super(`${problem} (got '${printable(got)}')`);
  }
}

// ---------------------------------------------------------------- numbers from text

const decimalPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const wholePattern = /^(?:0|[1-9]\d*)$/;

/** A plain decimal number (sign, point and exponent allowed; no hex, no Infinity, no spaces), or InputError. */
export function parseDecimal(text: string, problem = 'must be a number'): number {
  const n = decimalPattern.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new InputError(problem, text);
  return n;
}

/** A whole decimal ≥ 0 without sign, point, exponent or leading zeros, as a safe integer; or InputError. */
export function parseWhole(text: string, problem = 'must be a whole number'): number {
  if (!wholePattern.test(text) || !Number.isSafeInteger(Number(text))) throw new InputError(problem, text);
  return Number(text);
}

/** A number in Hz with an optional k, M or G suffix: 1420405752, 1.42e9, 1420.4M, 2.4M, 250k. */
function parseHzText(text: string, problem: string): number {
  const m = /^((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([kMG]?)$/.exec(text);
  if (!m) throw new InputError(problem, text);
  const n = Number(m[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2] as '' | 'k' | 'M' | 'G'];
  if (!Number.isFinite(n)) throw new InputError(problem, text);
  return Math.round(n);
}

// ---------------------------------------------------------------- rules

/**
 * One quantity's rule: `check` gives the problem with a value (null when it
 * is fine), `parse` reads typed text, `schema` checks JSON. `noun` names the
 * field in the API's messages.
 */
export interface Rule<T> {
  noun: string;
  check(value: T): string | null;
  parse(text: string): T;
  schema: z.ZodType<T>;
}

function numberRule(noun: string, fromText: (text: string) => number, check: (n: number) => string | null): Rule<number> {
  return {
    noun,
    check,
    parse(text) {
      const n = fromText(text);
      const problem = check(n);
      if (problem) throw new InputError(problem, text);
      return n;
    },
    schema: z.number({ error: `${noun} must be a number` }).superRefine((n, ctx) => {
      const problem = Number.isFinite(n) ? check(n) : 'must be a finite number';
      if (problem) ctx.addIssue({ code: 'custom', message: `${noun} ${problem}` });
    }),
  };
}

const between = (lo: number, hi: number, what: string) => (n: number) => (n >= lo && n <= hi ? null : `must be ${what}`);
const wholeBetween = (lo: number, hi: number, what = `a whole number from ${lo} to ${hi}`) => (n: number) =>
  Number.isInteger(n) && n >= lo && n <= hi ? null : `must be ${what}`;

/** Highest centre frequency taken (Hz): above every RTL-SDR tuner; the device refuses what it cannot tune. */
export const maxFrequency = 6e9;
/** Centre frequency (Hz), k/M/G suffixes allowed. */
export const frequency = numberRule('frequency', (t) => parseHzText(t, 'needs a frequency in Hz, e.g. 1420.4M or 1420405752'), (n) =>
  n > 0 && n <= maxFrequency ? null : 'must be above 0 Hz and at most 6G (6 GHz)',
);

/** Sample rates an RTL2832U can run at (Hz): above 225 kHz, at most 3.2 MHz (librtlsdr rtlsdr_set_sample_rate). */
export const sampleRateRange = { min: 225_001, max: 3_200_000 } as const;
/** Sample rate (Hz), k/M/G suffixes allowed. */
export const sampleRate = numberRule('sample rate', (t) => parseHzText(t, 'needs a sample rate in Hz, e.g. 2.4M or 2400000'), (n) =>
  n >= sampleRateRange.min && n <= sampleRateRange.max ? null : 'must be above 225k and at most 3.2M samples per second (an RTL-SDR\'s range)',
);

/** Tuner gain (dB), or 'auto' for the tuner's AGC. */
export const gain: Rule<number | 'auto'> = (() => {
  const check = (g: number | 'auto') => (g === 'auto' || (Number.isFinite(g) && g >= 0 && g <= 60) ? null : 'must be a gain in dB from 0 to 60, or auto');
  return {
    noun: 'gain',
    check,
    parse(text) {
      const g = text === 'auto' ? 'auto' : parseDecimal(text, 'must be a gain in dB from 0 to 60, or auto');
      const p = check(g);
      if (p) throw new InputError(p, text);
      return g;
    },
    schema: z.union([z.number(), z.literal('auto')], { error: 'gain must be a gain in dB from 0 to 60, or auto' }).superRefine((g, ctx) => {
      const p = check(g);
      if (p) ctx.addIssue({ code: 'custom', message: `gain ${p}` });
    }),
  };
})();

/** Frequency correction (ppm, whole). */
export const ppm = numberRule('ppm', (t) => parseDecimal(t, 'must be a whole number of ppm'), wholeBetween(-1000, 1000, 'a whole number of ppm from -1000 to 1000'));

/** Longest duration taken (s): a week of samples. */
export const maxSeconds = 7 * 86_400;
/** A duration (s of samples). */
export const seconds = numberRule('duration', (t) => parseDecimal(t, 'must be a time in seconds'), (n) =>
  n > 0 && n <= maxSeconds ? null : `must be above 0 and at most ${maxSeconds} s (a week)`,
);

/** Integration time (s): from 10 ms (a few spectra at the lowest rate) to an hour. */
export const integration = numberRule('integration', (t) => parseDecimal(t, 'must be a time in seconds'), between(0.01, 3600, 'from 0.01 to 3600 s'));

/** FFT channels: what the correlator accepts (correlator/config.ts): a power of two from 2 to 65536. */
export const channels = numberRule('channels', (t) => parseWhole(t, 'must be a power of two'), (n) => {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0 || n > 65536) return n > 65536 && Number.isInteger(Math.log2(n)) ? 'must be from 2 to 65536' : 'must be a power of two';
  return n < 2 ? 'must be from 2 to 65536' : null;
});

/** Polyphase filter taps per channel. */
export const taps = numberRule('taps', (t) => parseWhole(t, 'must be a whole number from 1 to 64'), wholeBetween(1, 64));

/** Most CPU worker threads (the CPU backend's cap; 0 computes on the calling thread). */
export const maxThreads = 16;
export const threads = numberRule('threads', (t) => parseWhole(t, `must be a whole number from 0 to ${maxThreads}`), wholeBetween(0, maxThreads, `a whole number from 0 to ${maxThreads} (0 computes on the calling thread)`));

/** A wait before giving up (s). */
export const timeout = numberRule('timeout', (t) => parseDecimal(t, 'must be a time in seconds'), (n) => (n > 0 && n <= 86_400 ? null : 'must be above 0 and at most 86400 s (a day)'));

/** Seconds between polls (s). */
export const interval = numberRule('interval', (t) => parseDecimal(t, 'must be a time in seconds'), (n) => (n > 0 && n <= 3600 ? null : 'must be above 0 and at most 3600 s'));

/** An observation's id: a plain positive decimal (no 0x2, 2e0 or 01), a safe integer. */
export const observationId = numberRule('id', (t) => parseWhole(t, 'must be an observation ID, a positive whole number such as 12'), (n) =>
  Number.isSafeInteger(n) && n >= 1 ? null : 'must be an observation ID, a positive whole number such as 12',
);

/** Most rows a list returns. */
/** An input of a coherent group (0…7), and samples a simulated dongle loses on request (live.loseSamples). */
export const groupInput = numberRule('input', (t) => parseWhole(t, 'must be an input number from 0 to 7'), wholeBetween(0, 7, 'an input number from 0 to 7'));
export const lostSamples = numberRule('samples', (t) => parseWhole(t, 'must be a whole number of samples'), wholeBetween(1, 100_000_000, 'a whole number of samples from 1 to 100000000'));

export const maxListLimit = 100_000;
export const listLimit = numberRule('limit', (t) => parseWhole(t, `needs a positive whole number up to ${maxListLimit}`), wholeBetween(1, maxListLimit, `a positive whole number up to ${maxListLimit}`));

/** A TCP port to connect to. */
export const port = numberRule('port', (t) => parseWhole(t, 'must be a port number from 1 to 65535'), wholeBetween(1, 65535, 'a port number from 1 to 65535'));
/** A TCP port to listen on: 0 picks a free one. */
export const listenPort = numberRule('port', (t) => parseWhole(t, 'must be a port number from 0 to 65535 (0: any free port)'), wholeBetween(0, 65535, 'a port number from 0 to 65535 (0: any free port)'));

/** Serial baud rate. */
export const baud = numberRule('baud', (t) => parseWhole(t, 'must be a baud rate, a whole number from 50 to 921600'), wholeBetween(50, 921_600, 'a baud rate, a whole number from 50 to 921600'));

/** Azimuth as rotators take it (degrees; overlap ranges reach −180 and 540). */
export const azimuth = numberRule('azimuth', (t) => parseDecimal(t, 'must be a number of degrees'), between(-180, 540, 'from -180 to 540 degrees'));
/** Elevation (degrees). */
export const elevation = numberRule('elevation', (t) => parseDecimal(t, 'must be a number of degrees'), between(-90, 180, 'from -90 to 180 degrees'));
/** Where a goto may aim (degrees): the API's narrower elevation, a little past the horizon and the zenith. */
export const gotoElevation = numberRule('elevation', (t) => parseDecimal(t, 'must be a number of degrees'), between(-5, 95, 'from -5 to 95 degrees'));
/** An angle a rotator's position may lie within (degrees): tolerance of arrival. */
export const tolerance = numberRule('tolerance', (t) => parseDecimal(t, 'must be a number of degrees'), (n) => (n > 0 && n <= 45 ? null : 'must be above 0 and at most 45 degrees'));
/** Slew rate of the simulated mount (degrees per second). */
export const slewRate = numberRule('rate', (t) => parseDecimal(t, 'must be a number of degrees per second'), (n) => (n > 0 && n <= 360 ? null : 'must be above 0 and at most 360 degrees per second'));

export interface RotatorLimits {
  azMin: number;
  azMax: number;
  elMin: number;
  elMax: number;
}
/** What is wrong with a rotator's soft limits (degrees), or null: each in range, min below max. */
export function rotatorLimitsProblem(l: RotatorLimits): string | null {
  for (const [k, rule] of [['azMin', azimuth], ['azMax', azimuth], ['elMin', elevation], ['elMax', elevation]] as const) {
    const p = rule.check(l[k]);
    if (p) return `${k} ${p} (got ${l[k]})`;
  }
  if (l.azMin >= l.azMax) return `azMin ${l.azMin}° must be below azMax ${l.azMax}°`;
  if (l.elMin >= l.elMax) return `elMin ${l.elMin}° must be below elMax ${l.elMax}°`;
  return null;
}

// ---------------------------------------------------------------- text

/** What is wrong with a short printable text (a name), or null: 1–`max` characters after trimming, no control characters. */
export function nameProblem(text: string, max: number): string | null {
  const t = text.trim();
  if (t === '') return 'must not be empty';
  if (controlCharacters.test(t) || /[\p{Cs}\p{Co}\p{Cn}]/u.test(t)) return 'must be printable text, without control characters (NUL, ESC, newlines…)';
  if ([...t].length > max) return `must be at most ${max} characters`;
  return null;
}

const nameSchema = (noun: string, max: number) =>
  z.string({ error: `${noun} must be text` }).superRefine((s, ctx) => {
    const p = nameProblem(s, max);
    if (p) ctx.addIssue({ code: 'custom', message: `${noun} ${p}` });
  }).transform((s) => s.trim());

/** A site's name: printable, 120 characters at most. */
export const siteNameMax = 120;

/** An observing site: name, latitude and longitude (degrees, east positive; 180–360 taken as west), altitude (m). */
export const site = z.object({
  name: nameSchema('the site name', siteNameMax),
  lat: numberRule('latitude', (t) => parseDecimal(t), between(-90, 90, 'from -90 to 90 degrees')).schema,
  lon: numberRule('longitude', (t) => parseDecimal(t), between(-180, 360, 'from -180 to 360 degrees, east positive')).schema,
  altitude: numberRule('altitude', (t) => parseDecimal(t), (n) => (n > -500 && n < 9000 ? null : 'must be in metres above sea level, above -500 and below 9000')).schema,
});

/** What is wrong with a site (the first problem), or null. */
export function siteProblem(value: unknown): string | null {
  const r = site.safeParse(value);
  return r.success ? null : r.error.issues.map((i) => i.message).join('; ');
}

/** `--site LAT,LON[,ALT]` (degrees, east positive; metres, default 0) read into a site named after its coordinates, or InputError. */
export function parseSiteCoordinates(text: string): { name: string; lat: number; lon: number; altitude: number } {
  const parts = text.split(',');
  if (parts.length < 2 || parts.length > 3) throw new InputError('needs LAT,LON or LAT,LON,ALT (degrees, east positive; metres), e.g. 52.0,-0.5,30', text);
  const [lat, lon, altitude] = [parseDecimal(parts[0]!.trim(), 'needs a latitude in degrees before the first comma'), parseDecimal(parts[1]!.trim(), 'needs a longitude in degrees after the first comma'), parts[2] === undefined ? 0 : parseDecimal(parts[2].trim(), 'needs an altitude in metres after the second comma')];
  const value = { name: `site (${lat}°, ${lon}°)`, lat, lon, altitude };
  const problem = siteProblem(value);
  if (problem) throw new InputError(problem, text);
  return value;
}

/** Aperture efficiency η of a dish (0 < η ≤ 1): A_e = η·πD²/4. */
export const apertureEfficiency = numberRule('efficiency', (t) => parseDecimal(t, 'must be a number from 0 to 1'), (n) => (n > 0 && n <= 1 ? null : 'must be above 0 and at most 1'));
/** Dish diameter (m). */
export const dishDiameter = numberRule('diameter', (t) => parseDecimal(t, 'must be a diameter in metres'), (n) => (n >= 0.05 && n <= 500 ? null : 'must be from 0.05 to 500 m'));
/** Solar flux density (sfu, 10⁻²² W m⁻² Hz⁻¹), as observatories publish it. */
export const solarFluxSfu = numberRule('flux', (t) => parseDecimal(t, 'must be a flux density in sfu'), (n) => (n > 0 && n <= 1e7 ? null : 'must be above 0 and at most 10⁷ sfu'));
/** A calibration load's temperature (K): a hot load, a noise diode's excess. */
export const loadTemperature = numberRule('temperature', (t) => parseDecimal(t, 'must be a temperature in kelvin'), (n) => (n > 0 && n <= 1e5 ? null : 'must be above 0 and at most 100000 K'));
/** The cold sky's temperature for a Y-factor (K). */
export const coldSkyTemperature = numberRule('temperature', (t) => parseDecimal(t, 'must be a temperature in kelvin'), (n) => (n >= 0 && n <= 1000 ? null : 'must be from 0 to 1000 K'));

/** A target of an observation (free text a person types): printable, 120 characters at most. */
export const targetName = nameSchema('the target', 120);

/** A folder path given as --db: not empty, no NUL. */
export function parseFolder(text: string): string {
  if (text.trim() === '') throw new InputError('needs a folder path', text);
  if (text.includes('\u0000')) throw new InputError('must not contain a NUL character', text);
  return text;
}

// ---------------------------------------------------------------- addresses and sources

/** Checks a thrown DeviceError's message through as an InputError (the grammars live in devices/sdr/spec.ts). */
function asInput<T>(text: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new InputError((err as Error).message, text);
  }
}

/** HOST:PORT to connect to (a host name or IPv4 address, or IPv6 in brackets; port 1–65535); InputError otherwise. */
export function parseHostPort(text: string, what = 'HOST:PORT'): { host: string; port: number } {
  return asInput(text, () => parseHostPortSpec(text, what));
}
/** HOST:PORT to listen on: port 0 picks a free one. */
export function parseListenAddress(text: string, what = 'HOST:PORT'): { host: string; port: number } {
  return asInput(text, () => parseHostPortSpec(text, what, { allowZeroPort: true }));
}
export { hostPortProblem };

/** An rtl_tcp endpoint as the station lists them: HOST:PORT, at most 262 characters. */
export const endpoint = z
  .string({ error: 'an endpoint is HOST:PORT text' })
  .trim()
  .superRefine((e, ctx) => {
    const p = e.length > 262 ? `'${printable(e)}' is longer than 262 characters` : hostPortProblem(e, 'an rtl_tcp endpoint');
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

/** What is wrong with an rtl_tcp endpoint as typed, or null. */
export function endpointProblem(text: string): string | null {
  return hostPortProblem(text, 'an rtl_tcp endpoint');
}

/** Parses a source spec (sim[:N], rtlsdr:INDEX|SERIAL, rtltcp:HOST[:PORT], file:PATH, group: of 2–8); InputError saying what is wrong. */
export function parseSourceSpec(text: string): SourceSpec {
  return asInput(text, () => parseSourceSpecText(text));
}

/** The spec's problem, or null. `files`: whether file:PATH is taken (not over the API: a client does not name files on the station's disk). */
export function sourceSpecProblem(text: string, files = true): string | null {
  try {
    const s = parseSourceSpecText(text);
    const members = s.kind === 'group' ? s.members : [s];
    if (!files && members.some((m) => m.kind === 'file')) return `a source is ${apiSources} ('${printable(text)}': file: sources are opened from the command line, not over the API)`;
    return null;
  } catch (err) {
    if (err instanceof SourceSpecError) return files ? err.message : `a source is ${apiSources} ('${printable(text)}': ${err.reason})`;
    return (err as Error).message;
  }
}

/** The forms the API takes, in words. */
const apiSources = 'sim, sim:N, rtlsdr:INDEX|SERIAL, rtltcp:HOST:PORT, or group: and 2–8 of those separated by commas';

/** A source spec as the API takes it (no file: sources). */
export const sourceSpec = z
  .string({ error: `a source is text: one of ${sourceSpecHelp}` })
  .max(maxSourceSpecLength, `a source is at most ${maxSourceSpecLength} characters`)
  .superRefine((s, ctx) => {
    const p = sourceSpecProblem(s, false);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

// ---------------------------------------------------------------- qualification (fringe qualify, qualify.* methods)

/** A requirement id or a prefix of ids (COR-PFB-WIDTH, COR-PFB-*, HW-): capitals, digits and dashes, at most 40 characters. */
export const requirementId = z
  .string({ error: 'a requirement id is text, e.g. COR-SK or COR-PFB-*' })
  .regex(/^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?:-|-\*|\*)?$/, 'a requirement id is capitals, digits and dashes, e.g. COR-SK, or a prefix ending in - or *, e.g. COR-PFB-*')
  .max(40, 'a requirement id is at most 40 characters');

/** The seed of a qualification run's generated signals: a whole number from 0 to 2³² − 1. */
export const qualifySeed = numberRule('seed', (t) => parseWhole(t, 'must be a whole number from 0 to 4294967295'), wholeBetween(0, 2 ** 32 - 1));

/** Right ascension (hours, J2000): 0 ≤ RA < 24. */
export const raHours = numberRule('RA', (t) => parseDecimal(t, 'needs a right ascension in hours, e.g. 5.5755'), (n) => (n >= 0 && n < 24 ? null : 'must be from 0 to under 24 hours'));
/** Declination (degrees, J2000): −90 … 90. */
export const decDegrees = numberRule('Dec', (t) => parseDecimal(t, 'needs a declination in degrees, e.g. 22.0145'), (n) => (n >= -90 && n <= 90 ? null : 'must be from −90 to 90 degrees'));
/** Observing (sky) frequency of an imported recording (Hz), k/M/G suffixes allowed: any radio frequency, dish or dongle. */
export const skyFrequency = numberRule('frequency', (t) => parseHzText(t, 'needs a frequency in Hz, e.g. 10.67G or 1420.4M'), (n) => (n >= 1e6 && n <= 3e11 ? null : 'must be from 1 MHz to 300 GHz'));
/** A baseline length (m). */
export const baselineMetres = numberRule('baseline', (t) => parseDecimal(t, 'needs a length in metres, e.g. 10'), (n) => (n > 0 && n <= 1e5 ? null : 'must be above 0 m and at most 100 km'));
/** A running window (s). */
export const windowSeconds = numberRule('window', (t) => parseDecimal(t, 'needs seconds, e.g. 300'), (n) => (n >= 1 && n <= 86_400 ? null : 'must be from 1 s to a day'));

// ---------------------------------------------------------------- timing and the scheduler

/**
 * The one default integration time (s) of every door: `fringe observe`, the
 * live view (API and UI), reprocessing and scheduled jobs.
 */
export const defaultIntegration = 1;

/** Modes a scheduled job can run ('drift': total power with the dish fixed where the target transits). */
export const jobModes = ['spectrum', 'totalpower', 'raw', 'drift'] as const;
export type JobMode = (typeof jobModes)[number];
export const jobRepeats = ['none', 'daily', 'transit'] as const;

/**
 * A job's start as written: an ISO 8601 time (with its zone), `in:SECONDS`
 * (from now; made a time when the job is added), `transit:TARGET`,
 * `lst:HH:MM[:SS]` or `rise:TARGET[:ELEVATION]` (default 10°). Checks the
 * form only; the target is read by src/astro/targets.ts.
 */
export function startProblem(text: string): string | null {
  if (/^in:/.test(text)) return /^in:\d+(\.\d+)?$/.test(text) ? null : "in:SECONDS needs seconds, e.g. in:60";
  if (/^transit:./.test(text)) return null;
  if (/^rise:./.test(text)) return /^rise:[^:]+(:-?\d+(\.\d+)?)?$/.test(text) ? null : 'rise:TARGET[:ELEVATION] needs a target and elevation in degrees, e.g. rise:Cas A:20';
  if (/^lst:/.test(text)) return /^lst:([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$/.test(text) ? null : 'lst:HH:MM[:SS] needs a sidereal time, e.g. lst:19:59';
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text))) return null;
  return 'must be an ISO 8601 time with its zone (2026-06-21T12:00:00Z), in:SECONDS, transit:TARGET, lst:HH:MM[:SS] or rise:TARGET[:ELEVATION]';
}

const startText = z.string().max(200).superRefine((t, ctx) => {
  const p = startProblem(t);
  if (p) ctx.addIssue({ code: 'custom', message: `start ${p}` });
});

/** A scheduled job as given (CLI `fringe schedule add`, the API's schedule.add, the UI's form). */
export const jobSpec = z.object({
  mode: z.enum(jobModes),
  /** The sample source (as `fringe observe --source`). */
  source: sourceSpec.default('sim'),
  /** What the dish follows (sun, moon, Cas A, radec:RA,DEC, gal:L,B, azel:AZ,EL). */
  target: z.string().min(1).max(120).optional(),
  start: startText,
  /** Sky seconds. */
  duration: seconds.schema,
  repeat: z.enum(jobRepeats).default('none'),
  minElevation: z.number().min(-90).max(90).optional(),
  sunAvoidance: z.number().min(0).max(180).optional(),
  integration: integration.schema.optional(),
  channels: channels.schema.optional(),
  frequency: frequency.schema.optional(),
  /** The simulator's scenario for sim sources: a built-in name (hydrogen, sun-drift, interferometer); default the station's. */
  scenario: z.string().regex(/^[a-z0-9-]{1,40}$/, 'scenario must be a built-in scenario name such as interferometer').optional(),
  /** Shell command run after the job (its exit status is kept). */
  post: z.string().min(1).max(2000).optional(),
  /** Tracking: command every N sky seconds, and when the error passes this fraction of the beam. */
  trackEvery: z.number().min(0).max(3600).optional(),
  trackFraction: z.number().gt(0).lt(1).optional(),
  /**
   * A Galactic-plane HI survey (schedule.survey, `--target gal:L1..L2/STEP[,B]`): one job per longitude from `from`
   * to `to` by `step` at latitude `b`, back to back, each `duration` long; kept in every point's spec. Its last
   * point's result is the survey's rotation curve.
   */
  survey: z.object({
    from: z.number().min(-180).max(360),
    to: z.number().min(-180).max(360),
    step: z.number().gt(0).max(180),
    b: z.number().min(-90).max(90).default(0),
  }).optional(),
});
export type JobSpecInput = z.input<typeof jobSpec>;
export type JobSpec = z.output<typeof jobSpec>;
// ---------------------------------------------------------------- hydrogen line (fringe import, fringe hi)

/** Galactic longitude (degrees; −180 … 360, taken modulo 360). */
export const galacticLongitude = numberRule('galactic longitude', (t) => parseDecimal(t, 'must be a number of degrees'), between(-180, 360, 'from -180 to 360 degrees'));
/** Galactic latitude (degrees). */
export const galacticLatitude = numberRule('galactic latitude', (t) => parseDecimal(t, 'must be a number of degrees'), between(-90, 90, 'from -90 to 90 degrees'));
/** An instant in UTC, ISO 8601 (`2022-01-09T01:32:49Z`, or a space for the T; no zone means UTC), to Unix seconds. */
export const utcTime = numberRule(
  'time',
  (t) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(t.trim());
    if (!m) throw new InputError('must be a UTC time such as 2022-01-09T01:32:49Z', t);
    const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? 'Z'}`);
    if (!Number.isFinite(ms)) throw new InputError('must be a real date and time, e.g. 2022-01-09T01:32:49Z', t);
    return ms / 1000;
  },
  (n) => (n > 0 && n < 4.1e9 ? null : 'must be between 1970 and 2100'),
);
/** A velocity range `LO:HI` (km/s) of a mask. */
export function parseVelocityRange(text: string): [number, number] {
  const m = /^\s*([-+]?[\d.]+)\s*:\s*([-+]?[\d.]+)\s*$/.exec(text);
  const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2]) : NaN;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new InputError('must be LO:HI in km/s with LO below HI, e.g. -12.5:-8', text);
  return [lo, hi];
}

/** Largest antenna offset from the site (m): a station's dishes are within 100 km of it. */
const antennaOffsetMax = 1e5;
const offset = (axis: string) =>
  z.number({ error: `${axis} must be a number of metres` }).refine((n) => Number.isFinite(n) && Math.abs(n) <= antennaOffsetMax, `${axis} must be metres from the site, within ±${antennaOffsetMax}`);

/**
 * The station's antennas by input number (input a is antennas[a]): a name,
 * east, north, up (m from the site) and an optional dish diameter (m); 1 to 8
 * of them. A real group's observations carry them (UVFITS, fringe fitting).
 */
export const antennaPositions = z
  .array(
    z.object({
      name: nameSchema('an antenna name', 16),
      east: offset('east'),
      north: offset('north'),
      up: offset('up'),
      dishDiameter: z.number({ error: 'dishDiameter must be a number of metres' }).refine((n) => n > 0 && n <= 300, 'dishDiameter must be metres, above 0 and at most 300').optional(),
    }),
    { error: 'antennas must be a list of { name, east, north, up, dishDiameter? }' },
  )
  .max(8, 'at most 8 antennas (a group has 2 to 8 inputs)');

/** What is wrong with a list of antenna positions (the first problems), or null. */
export function antennasProblem(value: unknown): string | null {
  const r = antennaPositions.safeParse(value);
  return r.success ? null : r.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

// ---------------------------------------------------------------- HI switching (fringe hi observe, hi.observe)

/** How a switched HI observation alternates: on/off source (position) or two LO settings (frequency). */
export const hiSwitchKinds = ['position', 'frequency'] as const;
/** An off-position offset (degrees) in azimuth or galactic l or b. */
export const switchOffset = numberRule('offset', (t) => parseDecimal(t, 'must be a number of degrees'), (n) => (n !== 0 && Math.abs(n) <= 180 ? null : 'must be a non-zero number of degrees from -180 to 180'));
/** The frequency-switching throw (kHz): up to half the widest band. */
export const throwKhz = numberRule('throw', (t) => parseDecimal(t, 'must be a frequency in kHz'), (n) => (n > 0 && n <= 1600 ? null : 'must be above 0 and at most 1600 kHz (half the widest band)'));
/** Two numbers typed as 'A,B', each checked by its rule (the message says which is wrong); the API takes them as [A, B]. */
function pairRule(noun: string, first: Rule<number>, second: Rule<number>, form: string): Rule<[number, number]> {
  const check = ([a, b]: [number, number]) => {
    const p = first.check(a);
    if (p) return `${first.noun} ${p}`;
    const q = second.check(b);
    return q ? `${second.noun} ${q}` : null;
  };
  const part = (rule: Rule<number>, text: string) => {
    try {
      return rule.parse(text.trim());
    } catch (err) {
      throw err instanceof InputError ? new InputError(`${rule.noun} ${err.problem}`, text.trim()) : err;
    }
  };
  return {
    noun,
    check,
    parse(text) {
      const parts = text.split(',');
      if (parts.length !== 2) throw new InputError(`needs ${form}`, text);
      return [part(first, parts[0]!), part(second, parts[1]!)];
    },
    schema: z.tuple([first.schema, second.schema], { error: `${noun} must be [${form.split(' ')[0]}]` }),
  };
}
/** A position-switching off position named as a direction: J2000 RA (hours) and Dec (degrees). */
export const offRadec = pairRule('off position (RA, Dec)', raHours, decDegrees, 'H,D: right ascension in hours and declination in degrees (J2000), e.g. 5.5,22');
/** … or as galactic l and b (degrees). */
export const offGalactic = pairRule('off position (l, b)', galacticLongitude, galacticLatitude, 'L,B: galactic longitude and latitude in degrees, e.g. 180,30');
/** On/off (or lo/hi) pairs. */
export const switchCycles = numberRule('cycles', (t) => parseWhole(t, 'must be a whole number from 1 to 1000'), wholeBetween(1, 1000));
/** A system temperature (K) scaling a switched difference. */
export const systemTemperature = numberRule('system temperature', (t) => parseDecimal(t, 'must be a temperature in kelvin'), (n) => (n > 0 && n <= 1e5 ? null : 'must be above 0 and at most 100000 K'));
/** A switched observation's parameters as the API takes them (what `fringe hi observe` reads from its command line). */
export const hiObserveParams = z.object({
  switch: z.enum(hiSwitchKinds),
  seconds: seconds.schema,
  cycles: switchCycles.schema.optional(),
  offAz: switchOffset.schema.optional(),
  offL: switchOffset.schema.optional(),
  offB: switchOffset.schema.optional(),
  /** The off position as a direction: [RA hours, Dec degrees] (J2000), or [l, b] degrees; followed as the sky turns. */
  offRadec: offRadec.schema.optional(),
  offGal: offGalactic.schema.optional(),
  throwKhz: throwKhz.schema.optional(),
  tsys: systemTemperature.schema.optional(),
  integration: integration.schema.optional(),
  target: z.string().trim().min(1).max(120).optional(),
}).superRefine((p, ctx) => {
  const problem = hiObserveProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** What is wrong with a switched observation's combination of options, or null. */
export function hiObserveProblem(p: { switch: string; offAz?: number; offL?: number; offB?: number; offRadec?: unknown; offGal?: unknown; throwKhz?: number }): string | null {
  const offs = [p.offAz !== undefined, p.offL !== undefined || p.offB !== undefined, p.offRadec !== undefined, p.offGal !== undefined].filter(Boolean).length;
  if (p.switch === 'position') {
    if (offs === 0) return 'position switching needs the off position: an azimuth offset (--off-az D), a galactic offset (--off-l D and/or --off-b D), or a direction (--off-radec H,D or --off-gal L,B)';
    if (offs > 1) return 'give the off position one way: an azimuth offset (--off-az), galactic offsets (--off-l, --off-b) or a direction (--off-radec or --off-gal), not more';
    if (p.throwKhz !== undefined) return '--throw-khz is for frequency switching';
  } else if (offs) return '--off-az, --off-l, --off-b, --off-radec and --off-gal are for position switching';
  return null;
}
