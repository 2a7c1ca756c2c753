/** `fringe export ID --format F --out PATH`: writes an observation in an archive format. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { isUsageProblem, openStore } from '../../../observations/cli-support.ts';
import { Progress } from '../progress.ts';
import { callistoFileName, exportCallistoSeries, stationOf } from '../../../observations/export/callisto.ts';
import { checkOutputPath } from '../../../observations/output-path.ts';
import { exportFormats, exportObservation, isExportFormat, type AnyExportOptions } from '../../../observations/export/index.ts';
import * as inputs from '../../api/inputs.ts';
import { type Command, UsageError, dbOption, exitCodes, observationId, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe export ID --format FORMAT --out PATH [options]

Writes an observation to a file in an archive's format and records the export.

Formats:
  fits       FITS dynamic spectra (float32, frequency × time, WCS), exact axes and mean spectrum tables
  callisto   e-CALLISTO FITS (uint8 digits, highest frequency first); --out may be a folder,
             then the file is named STATION_YYYYMMDD_HHMMSS_FC.fit(.gz)
  sigmf      the raw IQ recording: PATH.sigmf-meta + PATH.sigmf-data, or a tar if PATH ends in .sigmf
  csv        total power per integration (--kind power) or the mean spectrum (--kind spectrum):
             a header line (units in the names: unix_s, duration_s, frequency_hz), then rows, so
             pandas.read_csv(PATH) reads it as is; the observation and each column's meaning in
             PATH-metadata.json beside it (W3C CSV on the Web metadata)
  uvfits     visibilities as random groups with an AIPS AN table (needs a site and antenna positions)
  spd        Radio-SkyPipe chart (Radio JOVE): total power per input

Options:
  --format F        one of ${exportFormats.join(', ')} (required)
  --out PATH        file to write (required)
  --station NAME    callisto: station name (default: the observation's, else FRINGE)
  --focus FC        callisto: two-digit focus code (default 01)
  --channels N      callisto: output channels, 1…400, dividing the correlator's (default: the
                    largest divisor ≤ 200, so each is the mean of whole channels: 128 of 1024)
  --input A         callisto: which input's power (default 0)
  --gzip            callisto: gzip the file as the archive stores it
  --split           callisto: one file per UTC quarter hour, as the network archives them (--out a folder),
                    each named STATION_YYYYMMDD_HHMMSS_FC.fit after its first sample
  --iso-dates       callisto: DATE-OBS as YYYY-MM-DD (FITS-standard) instead of the network's YYYY/MM/DD.
                    The network's own readers (pyCallisto) cannot read such files; sunpy's can.
                    Leave it off for files meant for the e-CALLISTO archive.
  --kind K          csv: power (default) or spectrum
  --recording N     sigmf: which raw recording (default 0)
  --db DIR          data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

An --out that is the store (fringe.db and its -wal/-shm), inside the data
folder's raw recordings, its settings or credentials, or the recording being
exported, is refused (exit 2). The file is written under a temporary name
and renamed when complete, so a partial export never sits at PATH.

Progress goes to stderr; the path written goes to stdout.
Exit codes: 0 written, 1 the store or the disk failed, 2 bad usage or no such observation.`;

/** A whole number from `lo` to `hi`, as export's counts take it. */
const whole = (lo: number, hi: number) => ({
  parse(text: string): number {
    const n = inputs.parseWhole(text, `needs a whole number from ${lo} to ${hi}`);
    if (n < lo || n > hi) throw new inputs.InputError(`needs a whole number from ${lo} to ${hi}`, text);
    return n;
  },
});

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const { values, positionals } = parseCommandLine({
    args: argv, allowPositionals: true,
    options: {
      format: { type: 'string' }, out: { type: 'string' }, station: { type: 'string' }, focus: { type: 'string' },
      channels: { type: 'string' }, input: { type: 'string' }, gzip: { type: 'boolean' }, split: { type: 'boolean' }, 'iso-dates': { type: 'boolean' },
      kind: { type: 'string' }, recording: { type: 'string' }, db: { type: 'string' },
    },
  });
  const id = observationId(positionals);
  if (!values.format || !isExportFormat(values.format)) throw new UsageError(`--format must be one of ${exportFormats.join(', ')}.`);
  if (!values.out) throw new UsageError('--out PATH is required.');
  if (values.out.includes('\u0000')) throw new UsageError('--out must not contain a NUL character.');
  if (values.kind !== undefined && values.kind !== 'power' && values.kind !== 'spectrum') throw new UsageError('--kind must be power or spectrum.');
  if (values.station !== undefined && inputs.nameProblem(values.station, 64)) throw new UsageError(`--station ${inputs.nameProblem(values.station, 64)}.`);
  const options: Omit<AnyExportOptions, 'onProgress'> = {
    station: values.station, focusCode: values.focus,
    // Callisto's output channels (1…400), the correlator input (0–7) and the raw recording's index.
    channels: option('--channels', values.channels, whole(1, 400)), input: option('--input', values.input, whole(0, 7)),
    gzip: values.gzip, dateStyle: values['iso-dates'] ? 'iso' : undefined, kind: values.kind as 'power' | 'spectrum' | undefined,
    recording: option('--recording', values.recording, whole(0, 9999)),
  };
  return { id, values: { format: values.format, out: values.out, split: values.split ?? false, station: values.station, focus: values.focus, gzip: values.gzip, db: dbOption(values.db) }, options };
}

export const command: Command = {
  name: 'export',
  summary: 'Export an observation as FITS, e-CALLISTO, SigMF, CSV, UVFITS or Radio-SkyPipe',
  help,
  parse,
  async run(argv) {
    const { id, values, options: parsedOptions } = parse(argv);
    const progress = new Progress(`exporting ${id} as ${values.format}`);
    const options: AnyExportOptions = { ...parsedOptions, onProgress: (done: number, total: number) => progress.count(done, total) };
    try {
      const store = openStore(values.db);
      try {
        let out = values.out;
        if (values.split) {
          if (values.format !== 'callisto' || !isDirectory(out)) throw new UsageError('--split is for --format callisto with --out an existing folder.');
          checkOutputPath(join(out, 'STATION.fit'), { dataDir: store.dir });
          for (const r of exportCallistoSeries(store, id, out, options)) {
            store.addExport({ observationId: id, format: 'callisto', path: r.path, bytes: r.bytes, sha256: r.sha256, created: Date.now() / 1000 });
            console.log(r.path);
          }
          progress.interrupt();
          return exitCodes.ok;
        }
        if (values.format === 'callisto' && isDirectory(out)) {
          const obs = store.getObservation(id);
          out = join(out, callistoFileName(stationOf(obs, values.station), obs.start, values.focus ?? '01') + (values.gzip ? '.gz' : ''));
        }
        const r = exportObservation(store, id, values.format, out, options);
        progress.interrupt();
        for (const f of r.files) console.log(f);
        return exitCodes.ok;
      } finally {
        store.close();
      }
    } catch (err) {
      progress.interrupt();
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    }
  },
};

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
