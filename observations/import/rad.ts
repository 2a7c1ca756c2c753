/**
 * The Haystack Small Radio Telescope's `.rad` text format (the SRT control
 * software's record file), read without I/O: `parseRad(text)` gives every
 * line's meaning or a RadError naming the line. Line kinds, as the SRT
 * software writes them (see ../shared/data/real/sun-crossscan-srt-rad/):
 *
 * - `* STATION LAT= 49.20 DEG LONGW= 123.60`: the site (degrees, longitude
 *   west positive).
 * - `* FILE.cmd: line N : COMMAND ARGS`: a command of the command file,
 *   echoed when it ran (e.g. `offset -24.3 2.6`, `frequency 1415.0 4`,
 *   `calibrate`, `noisecal`, `record NAME`, a source name).
 * - `* tsys T calcons C trecvr R tload L tspill S`: the result of a
 *   calibration (kelvin; calcons the counts-to-kelvin constant): spectra
 *   after it are in kelvin, before the first one in raw counts.
 * - any other `*` line: a comment, kept as text.
 * - a data line, tab/space separated:
 *   `YYYY:DDD:HH:MM:SS az el az_offset el_offset fstart_MHz fstep_MHz mode nchan p_1 … p_nchan vlsr V`
 *   (degrees; az_offset in azimuth degrees, not on the sky; vlsr km/s).
 *
 * Units below are the file's: degrees, MHz, kelvin or counts.
 */

export class RadError extends Error {
  override name = 'RadError';
  /** 1-based line number of the offending line (0 for the file as a whole). */
  readonly line: number;
  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.line = line;
  }
}

export interface RadStation {
  line: number;
  /** Geodetic latitude (degrees, north positive). */
  lat: number;
  /** Longitude (degrees, east positive: the file's LONGW negated). */
  lon: number;
}

export interface RadCommand {
  line: number;
  /** The command file the SRT ran (e.g. `az_el_scan.cmd`). */
  file: string;
  /** Line of that command file. */
  commandLine: number;
  /** The command as written (e.g. `offset -24.3 2.6`). */
  command: string;
}

export interface RadCalibration {
  line: number;
  /** System temperature (K). */
  tsys: number;
  /** Counts-to-kelvin constant the SRT applies afterwards (K per count). */
  calcons: number;
  /** Receiver temperature (K). */
  trecvr: number;
  /** Load (noise diode or vane) temperature (K). */
  tload: number;
  /** Spillover temperature (K). */
  tspill: number;
}

export interface RadRecord {
  line: number;
  /** Time of the spectrum (Unix s, UTC). */
  time: number;
  /** Where the dish pointed, offsets included (degrees). */
  az: number;
  el: number;
  /** The offsets from the tracked source in the SRT's own coordinates (degrees of azimuth and of elevation). */
  azOffset: number;
  elOffset: number;
  /** Frequency of the first channel (MHz) and the channel spacing (MHz). */
  fstart: number;
  fstep: number;
  /** The SRT's receiver mode number (e.g. 1 or 4; 4 = 156 channels of 7.8125 kHz). */
  mode: number;
  /** Channel powers: counts before the first calibration line, kelvin after it. */
  spectrum: Float64Array;
  /** Velocity with respect to the LSR of the pointing (km/s), when the line has it. */
  vlsr: number | null;
  /** 'K' after a calibration line, 'counts' before. */
  unit: 'K' | 'counts';
}

export interface RadComment {
  line: number;
  text: string;
}

export interface RadFile {
  station: RadStation | null;
  commands: RadCommand[];
  calibrations: RadCalibration[];
  records: RadRecord[];
  comments: RadComment[];
}

/** The most channels a data line may carry (the SRT's spectrometers give at most a few hundred). */
export const maxRadChannels = 65_536;

const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function number(text: string | undefined, line: number, what: string): number {
  if (text === undefined) throw new RadError(line, `the ${what} is missing: the line ends early`);
  if (!num.test(text)) throw new RadError(line, `the ${what} '${printableField(text)}' is not a number`);
  const n = Number(text);
  // 1e309 matches the pattern but is Infinity in a double.
  if (!Number.isFinite(n)) throw new RadError(line, `the ${what} '${printableField(text)}' is too large for a number`);
  return n;
}

function printableField(s: string): string {
  const t = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return t.replace(/[^\x20-\x7e]/g, '?');
}

/** The date field YYYY:DDD:HH:MM:SS(.s) as Unix seconds (UTC). */
export function radTime(text: string, line: number): number {
  const m = /^(\d{4}):(\d{1,3}):(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text);
  if (!m) throw new RadError(line, `'${printableField(text)}' is not a time YYYY:DDD:HH:MM:SS`);
  const [year, day, h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (year < 1970 || day < 1 || day > (leap ? 366 : 365) || h > 23 || min > 59 || s >= 61) {
    throw new RadError(line, `'${text}' is not a valid time (year ≥ 1970, day 1…${leap ? 366 : 365}, hour 0…23, minute 0…59, second 0…60)`);
  }
  return Date.UTC(year, 0, day, h, min, 0) / 1000 + s;
}

function parseData(fields: string[], line: number, unit: 'K' | 'counts'): RadRecord {
  const time = radTime(fields[0]!, line);
  const az = number(fields[1], line, 'azimuth');
  const el = number(fields[2], line, 'elevation');
  const azOffset = number(fields[3], line, 'azimuth offset');
  const elOffset = number(fields[4], line, 'elevation offset');
  const fstart = number(fields[5], line, 'start frequency (MHz)');
  const fstep = number(fields[6], line, 'channel spacing (MHz)');
  const mode = number(fields[7], line, 'mode');
  const nchan = number(fields[8], line, 'channel count');
  if (!(az >= -360 && az <= 720)) throw new RadError(line, `the azimuth ${az}° is outside −360…720°`);
  if (!(el >= -90 && el <= 90)) throw new RadError(line, `the elevation ${el}° is outside −90…90°`);
  if (!(Math.abs(azOffset) <= 360 && Math.abs(elOffset) <= 180)) throw new RadError(line, `the offsets (${azOffset}°, ${elOffset}°) are outside ±360° / ±180°`);
  if (!(fstart > 0 && fstart < 1e6)) throw new RadError(line, `the start frequency ${fstart} MHz must be above 0 and below 10⁶ MHz`);
  if (!(fstep > 0 && fstep < 1e4)) throw new RadError(line, `the channel spacing ${fstep} MHz must be above 0 and below 10⁴ MHz`);
  if (!Number.isInteger(nchan) || nchan < 1 || nchan > maxRadChannels) throw new RadError(line, `the channel count ${fields[8]} must be a whole number from 1 to ${maxRadChannels}`);
  const rest = fields.length - 9;
  const tail = rest - nchan;
  if (tail !== 0 && !(tail === 2 && fields[9 + nchan]!.toLowerCase() === 'vlsr')) {
    throw new RadError(
      line,
      rest < nchan
        ? `the line says ${nchan} channels but holds ${rest} values after the header: it is cut short`
        : `the line says ${nchan} channels but holds ${rest} values after the header (expected ${nchan}, or ${nchan} and 'vlsr V')`,
    );
  }
  const spectrum = new Float64Array(nchan);
  for (let k = 0; k < nchan; k++) spectrum[k] = number(fields[9 + k], line, `power of channel ${k + 1}`);
  const vlsr = tail === 2 ? number(fields[10 + nchan], line, 'vlsr (km/s)') : null;
  return { line, time, az, el, azOffset, elOffset, fstart, fstep, mode, spectrum, vlsr, unit };
}

function parseStation(body: string, line: number): RadStation | null {
  const m = /^STATION\s+LAT=\s*(\S+)\s+DEG\s+LONGW=\s*(\S+)/i.exec(body);
  if (!m) return null;
  const lat = number(m[1], line, 'station latitude');
  const lonW = number(m[2], line, 'station longitude (west)');
  if (!(Math.abs(lat) <= 90)) throw new RadError(line, `the station latitude ${lat}° is outside −90…90°`);
  if (!(lonW >= -360 && lonW <= 360)) throw new RadError(line, `the station longitude ${lonW}° W is outside −360…360°`);
  let lon = -lonW;
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
  return { line, lat, lon };
}

function parseCalibration(body: string, line: number): RadCalibration | null {
  if (!/^tsys\s/i.test(body)) return null;
  const f = body.trim().split(/\s+/);
  const values = new Map<string, number>();
  for (let i = 0; i < f.length; i += 2) {
    const key = f[i]!.toLowerCase();
    values.set(key, number(f[i + 1], line, `value of ${printableField(f[i]!)}`));
  }
  const get = (k: keyof Omit<RadCalibration, 'line'>) => {
    const v = values.get(k);
    if (v === undefined) throw new RadError(line, `the calibration line has no '${k}' value (expected tsys, calcons, trecvr, tload and tspill)`);
    return v;
  };
  const cal = { line, tsys: get('tsys'), calcons: get('calcons'), trecvr: get('trecvr'), tload: get('tload'), tspill: get('tspill') };
  if (!(cal.tsys > 0)) throw new RadError(line, `the calibration's tsys ${cal.tsys} K must be above 0`);
  return cal;
}

/** Reads a whole `.rad` file; throws RadError naming the first line it cannot read. */
export function parseRad(text: string): RadFile {
  if (typeof text !== 'string') throw new RadError(0, 'a .rad file is text');
  const out: RadFile = { station: null, commands: [], calibrations: [], records: [], comments: [] };
  const lines = text.split(/\r?\n|\r/);
  let unit: 'K' | 'counts' = 'counts';
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i]!;
    if (raw.includes('\u0000')) throw new RadError(line, 'holds a NUL byte: this is not a .rad text file');
    const s = raw.trim();
    if (s === '') continue;
    if (s.startsWith('*')) {
      const body = s.slice(1).trim();
      const station = parseStation(body, line);
      if (station) {
        if (out.station && (out.station.lat !== station.lat || out.station.lon !== station.lon)) {
          throw new RadError(line, `a second STATION line (${station.lat}°, ${station.lon}°) differs from line ${out.station.line}'s`);
        }
        out.station ??= station;
        continue;
      }
      const cmd = /^(\S+?):\s*line\s+(\d+)\s*:\s*(.*)$/.exec(body);
      if (cmd) {
        out.commands.push({ line, file: cmd[1]!, commandLine: Number(cmd[2]), command: cmd[3]!.trim() });
        continue;
      }
      const cal = parseCalibration(body, line);
      if (cal) {
        out.calibrations.push(cal);
        unit = 'K';
        continue;
      }
      out.comments.push({ line, text: body });
      continue;
    }
    const fields = s.split(/\s+/);
    if (!/^\d{4}:/.test(fields[0]!)) {
      throw new RadError(line, `'${printableField(fields[0]!)}' starts neither a comment ('*') nor a data line (YYYY:DDD:HH:MM:SS az el …)`);
    }
    out.records.push(parseData(fields, line, unit));
  }
  if (out.records.length === 0) throw new RadError(0, 'the file holds no data lines (YYYY:DDD:HH:MM:SS az el …): is it a .rad file?');
  return out;
}
