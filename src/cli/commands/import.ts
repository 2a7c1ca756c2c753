/** `fringe import FILE...`: other tools' recordings (the Haystack SRT's .rad) into the store; prints the new ids. */
import { openStore } from '../../../observations/cli-support.ts';
import { importFile } from '../../../observations/import/index.ts';
import type { ObservationSite } from '../../../observations/store/types.ts';
import { parseSiteCoordinates } from '../../api/inputs.ts';
import { describePointing } from '../../astro/pointing.ts';
import { softwareVersion } from '../../engine/version.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe import FILE... [--site LAT,LON[,ALT]] [--json] [--db DIR]

Turns recordings made by other tools into observations in the local store,
one observation per file, and prints the new ids (one per line; with --json,
a JSON array). Formats:
  .rad   Haystack Small Radio Telescope record file: the spectra with their
         az/el and scan offsets, the '*' command lines, the calibration
         ('* tsys …') lines. A stepped scan becomes a 'crossscan', a fixed
         pointing a 'drift'; analyse either with fringe drift --observation ID.

Options:
  --site LAT,LON[,ALT]  the site (degrees, east positive; metres) for files
                        that do not name theirs (a .rad file's STATION line wins)
  --json                print the new ids as a JSON array
  --db DIR              data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 every file imported; 1 a file could not be read, is not one of
the formats, has a line that cannot be read (the message names it) or could
not be stored (the files before it stay imported); 2 bad usage.`;

export interface ImportArgs {
  files: string[];
  site: ObservationSite | undefined;
  json: boolean;
  db: string | undefined;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): ImportArgs {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: { site: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('give at least one file to import (e.g. fringe import scan.rad).');
  for (const f of positionals) if (f === '' || f.includes('\u0000')) throw new UsageError('a file name must not be empty or hold a NUL character.');
  return { files: positionals, site: option('--site', values.site, { parse: parseSiteCoordinates }), json: values.json ?? false, db: dbOption(values.db) };
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
