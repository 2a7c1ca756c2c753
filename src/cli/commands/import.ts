/** `fringe import FILE...`: other tools' recordings (the Haystack SRT's .rad) into the store; prints the new ids. */
import { openStore } from '../../../observations/cli-support.ts';
import { importFiles, spectrumRoles, type PointingSpec, type SpectrumRole } from '../../../observations/import/index.ts';
import type { ObservationSite } from '../../../observations/store/types.ts';
import { azimuth, decDegrees, elevation, galacticLatitude, galacticLongitude, parseSiteCoordinates, raHours, skyFrequency, utcTime } from '../../api/inputs.ts';
import { describeEquatorial, galacticToEquatorial } from '../../astro/galactic.ts';
import { describePointing } from '../../astro/pointing.ts';
import { softwareVersion } from '../../engine/version.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe import FILE... [--site LAT,LON[,ALT]] [--az DEG --el DEG | --ra HOURS --dec DEG | --l DEG --b DEG]
                     [--time UTC] [--axis frequency|velocity] [--frame lsr|topocentric] [--unit K|relative]
                     [--role sky|hot|cold|reference] [--join] [--freq HZ] [--target NAME] [--json] [--db DIR]

Turns recordings made by other tools into observations in the local store,
one observation per file, and prints the new ids (one per line; with --json,
a JSON array). Formats:
  .rad   Haystack Small Radio Telescope record file: the spectra with their
         az/el and scan offsets, the '*' command lines, the calibration
         ('* tsys …') lines. A stepped scan becomes a 'crossscan', a fixed
         pointing a 'drift'; analyse either with fringe drift --observation ID.
  .csv   a strip chart of an analogue interferometer: ISO 8601 UTC time and
         value per line (an optional header line), stored as a real-valued
         fringe (mode 'fringe'); needs --site, --freq and the tracked source;
         analyse with fringe baseline ID and fringe size ID.
  .spd   a Radio-SkyPipe chart logged in UT (its first channel), the same way;
         its header's latitude/longitude is the site unless --site is given.
  .ast .hot  gr-radio_astro / NSF spectra with their '# KEY = value' header
         (UTC, AZ/EL, TELLAT/TELLON); a .hot file is a hot-load reference.
  rtl-power-fftw text blocks ('# Acquisition start: …' then 'Hz power').
  rtl_power CSV ('date, time, Hz low, Hz high, Hz step, samples, dB, …').
  two-column CSV: frequency (Hz or MHz) or velocity (km/s) against power or
         brightness temperature, an optional header line (e.g. V_LSR,T_brightness).
  Any of these may be gzipped (.gz). Analyse HI spectra with fringe hi ID.

Options:
  --site LAT,LON[,ALT]  the site (degrees, east positive; metres) for files
                        that do not name theirs (a .rad file's STATION line wins)
  --az DEG --el DEG     where the antenna pointed (needs --site and a time)
  --ra HOURS --dec DEG  … or the J2000 direction
  --l DEG --b DEG       … or the galactic direction; any of these wins over the file's header
  --time UTC            when the first spectrum was taken, for files without times
                        (e.g. 2022-01-09T01:32:49Z); joined files follow one second apart
  --axis frequency|velocity   what a two-column CSV's first column is (default: from its header)
  --frame lsr|topocentric     the frame of a velocity axis (default: from the header, else lsr)
  --unit K|relative     whether a two-column CSV's values are kelvin (default: from its header)
  --role sky|hot|cold|reference  what the spectra are (default: hot for .hot files, else sky);
                        references calibrate or divide a sky spectrum in fringe hi --reference
  --join                all the files become one observation (the same channels, in time order)
  --freq HZ             a strip chart's observing frequency (k/M/G allowed, e.g. 10.67G)
  --target NAME         a strip chart's tracked source: sun, 3C144, Cas A, … (or its --ra/--dec)
  --json                print the new ids as a JSON array
  --db DIR              data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 every file imported; 1 a file could not be read, is not one of
the formats, has a line that cannot be read (the message names it) or could
not be stored (the files before it stay imported); 2 bad usage.`;

export interface ImportArgs {
  files: string[];
  site: ObservationSite | undefined;
  pointing: PointingSpec | undefined;
  time: number | undefined;
  axis: 'frequency' | 'velocity' | undefined;
  frame: 'lsr' | 'topocentric' | undefined;
  kelvin: boolean | undefined;
  role: SpectrumRole | undefined;
  join: boolean;
  /** A strip chart's observing frequency (Hz) and tracked source. */
  freq?: number;
  target?: { name?: string; ra?: number; dec?: number };
  json: boolean;
  db: string | undefined;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): ImportArgs {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      site: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' },
      az: { type: 'string' }, el: { type: 'string' }, ra: { type: 'string' }, dec: { type: 'string' }, l: { type: 'string' }, b: { type: 'string' },
      time: { type: 'string' }, freq: { type: 'string' }, target: { type: 'string' }, axis: { type: 'string' }, frame: { type: 'string' }, unit: { type: 'string' }, role: { type: 'string' }, join: { type: 'boolean' },
    },
  });
  if (positionals.length === 0) throw new UsageError('give at least one file to import (e.g. fringe import scan.rad).');
  for (const f of positionals) if (f === '' || f.includes('\u0000')) throw new UsageError('a file name must not be empty or hold a NUL character.');
  const pairs = [['az', 'el'], ['ra', 'dec'], ['l', 'b']] as const;
  const given = pairs.filter(([a, b]) => values[a] !== undefined || values[b] !== undefined);
  if (given.length > 1) throw new UsageError(`give one pointing: --${given[0]![0]}/--${given[0]![1]} or --${given[1]![0]}/--${given[1]![1]}, not both.`);
  let pointing: PointingSpec | undefined;
  if (given[0]) {
    const [a, b] = given[0];
    if (values[a] === undefined || values[b] === undefined) throw new UsageError(`--${a} and --${b} go together: give both.`);
    if (a === 'az') pointing = { az: option('--az', values.az, azimuth)!, el: option('--el', values.el, elevation)! };
    else if (a === 'ra') pointing = { ra: option('--ra', values.ra, raHours)! * 15, dec: option('--dec', values.dec, decDegrees)! };
    else pointing = { l: option('--l', values.l, galacticLongitude)!, b: option('--b', values.b, galacticLatitude)! };
  }
  const choice = <T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined => {
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${flag} must be ${allowed.join(' or ')} (got '${text}').`);
    return text as T;
  };
  // A strip chart's tracked source: --target NAME and/or the J2000 direction of --ra/--dec (hours, degrees).
  if (values.target !== undefined && (values.target.trim() === '' || values.target.length > 80)) throw new UsageError('--target needs a name such as sun or 3C144 (at most 80 characters).');
  const radec = pointing && 'ra' in pointing ? { ra: pointing.ra / 15, dec: pointing.dec } : undefined;
  const target = values.target !== undefined || radec ? { ...(values.target !== undefined ? { name: values.target.trim() } : {}), ...(radec ?? {}) } : undefined;
  const freq = option('--freq', values.freq, skyFrequency);
  const unit = choice('--unit', values.unit, ['K', 'relative'] as const);
  return {
    files: positionals, site: option('--site', values.site, { parse: parseSiteCoordinates }), json: values.json ?? false, db: dbOption(values.db),
    pointing, time: option('--time', values.time, utcTime),
    axis: choice('--axis', values.axis, ['frequency', 'velocity'] as const),
    frame: choice('--frame', values.frame, ['lsr', 'topocentric'] as const),
    kelvin: unit === undefined ? undefined : unit === 'K',
    role: choice('--role', values.role, spectrumRoles),
    join: values.join ?? false,
    ...(freq !== undefined ? { freq } : {}),
    ...(target ? { target } : {}),
  };
}

export const command: Command = {
  name: 'import',
  summary: "Import other tools' recordings (SRT .rad, NSF .ast/.hot, rtl_power, rtl-power-fftw, two-column CSV) as observations",
  help,
  parse,
  async run(argv) {
    const args = parse(argv);
    const store = openStore(args.db);
    const ids: number[] = [];
    const describe = (site: ObservationSite, az: number, el: number, time: number) => {
      const p = describePointing(site, az, el, new Date(time * 1000));
      return { ra: p.ra, dec: p.dec, az: p.az, el: p.el, l: p.l, b: p.b };
    };
    const locate = (site: ObservationSite | undefined, spec: PointingSpec, time: number | null) => {
      if ('az' in spec) return describe(site!, spec.az, spec.el, time ?? 0);
      const eq = 'ra' in spec ? spec : galacticToEquatorial(spec.l, spec.b);
      const p = describeEquatorial(eq.ra, eq.dec, site, time === null ? undefined : new Date(time * 1000));
      return 'l' in spec ? { ...p, l: ((spec.l % 360) + 360) % 360, b: spec.b } : p;
    };
    try {
      const files = args.join ? [args.files] : args.files.map((f) => [f]);
      for (const group of files) {
        try {
          const results = importFiles(store, group, { softwareVersion, site: args.site, describe, frequency: args.freq, target: args.target }, {
            locate,
            ...(args.pointing ? { pointing: args.pointing } : {}),
            ...(args.time !== undefined ? { time: args.time } : {}),
            ...(args.role ? { role: args.role } : {}),
            ...(args.frame ? { frame: args.frame } : {}),
            ...(args.axis ? { axis: args.axis } : {}),
            ...(args.kelvin !== undefined ? { kelvin: args.kelvin } : {}),
          }, args.join);
          for (const result of results) {
            ids.push(result.id);
            for (const n of result.notes) console.error(`fringe import: ${group.length === 1 ? group[0] : `${group.length} files`}: ${n}`);
            if (!args.json) console.log(String(result.id));
          }
        } catch (err) {
          if (ids.length) console.error(`fringe import: imported before the failure: ${ids.join(', ')}`);
          throw err;
        }
      }
    } finally {
      store.close();
    }
    if (args.json) console.log(JSON.stringify(ids));
    return exitCodes.ok;
  },
};
