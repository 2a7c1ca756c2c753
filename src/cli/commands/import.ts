/** `fringe import FILE...`: other tools' recordings (the Haystack SRT's .rad) into the store; prints the new ids. */
import { openStore } from '../../../observations/cli-support.ts';
import { importFile } from '../../../observations/import/index.ts';
import type { ObservationSite } from '../../../observations/store/types.ts';
import { decDegrees, parseSiteCoordinates, raHours, skyFrequency } from '../../api/inputs.ts';
import { describePointing } from '../../astro/pointing.ts';
import { softwareVersion } from '../../engine/version.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe import FILE... [--site LAT,LON[,ALT]] [--freq HZ] [--target NAME | --ra H --dec D] [--json] [--db DIR]

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

Options:
  --site LAT,LON[,ALT]  the site (degrees, east positive; metres) for files
                        that do not name theirs (a .rad file's STATION line wins)
  --freq HZ             a strip chart's observing frequency (k/M/G allowed, e.g. 10.67G)
  --target NAME         a strip chart's tracked source: sun, 3C144, Cas A, …
  --ra H --dec D        or its J2000 position (hours, degrees)
  --json                print the new ids as a JSON array
  --db DIR              data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 every file imported; 1 a file could not be read, is not one of
the formats, has a line that cannot be read (the message names it) or could
not be stored (the files before it stay imported); 2 bad usage.`;

export interface ImportArgs {
  files: string[];
  site: ObservationSite | undefined;
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
    options: { site: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' }, freq: { type: 'string' }, target: { type: 'string' }, ra: { type: 'string' }, dec: { type: 'string' } },
  });
  const ra = option('--ra', values.ra, raHours), dec = option('--dec', values.dec, decDegrees);
  if ((ra === undefined) !== (dec === undefined)) throw new UsageError('give --ra and --dec together (J2000: hours and degrees).');
  if (values.target !== undefined && (values.target.trim() === '' || values.target.length > 80)) throw new UsageError('--target needs a name such as sun or 3C144 (at most 80 characters).');
  const target = values.target !== undefined || ra !== undefined ? { ...(values.target !== undefined ? { name: values.target.trim() } : {}), ...(ra !== undefined ? { ra, dec } : {}) } : undefined;
  const freq = option('--freq', values.freq, skyFrequency);
  if (positionals.length === 0) throw new UsageError('give at least one file to import (e.g. fringe import scan.rad).');
  for (const f of positionals) if (f === '' || f.includes('\u0000')) throw new UsageError('a file name must not be empty or hold a NUL character.');
  return { files: positionals, site: option('--site', values.site, { parse: parseSiteCoordinates }), json: values.json ?? false, db: dbOption(values.db), ...(freq !== undefined ? { freq } : {}), ...(target ? { target } : {}) };
}

export const command: Command = {
  name: 'import',
  summary: "Import other tools' recordings (Haystack SRT .rad) as observations",
  help,
  parse,
  async run(argv) {
    const args = parse(argv);
    const store = openStore(args.db);
    const ids: number[] = [];
    try {
      for (const file of args.files) {
        try {
          const result = importFile(store, file, {
            softwareVersion,
            site: args.site,
            frequency: args.freq,
            target: args.target,
            describe: (site, az, el, time) => {
              const p = describePointing(site, az, el, new Date(time * 1000));
              return { ra: p.ra, dec: p.dec, az: p.az, el: p.el, l: p.l, b: p.b };
            },
          });
          ids.push(result.id);
          for (const n of result.notes) console.error(`fringe import: ${file}: ${n}`);
          if (!args.json) console.log(String(result.id));
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
