/** `fringe record`: records any source to a SigMF pair, with progress on stderr. */
import { DeviceError } from '../../../devices/errors.ts';
import { openSource, sourceSpecHelp } from '../../../devices/sdr/open.ts';
import { type RecordProgress, recordSigmf } from '../../../devices/sdr/recorder.ts';
import type { Tuning } from '../../../devices/sdr/source.ts';
import { checkOutputPath } from '../../../observations/output-path.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import * as inputs from '../../api/inputs.ts';
import { offsetCentre } from '../../api/tuning.ts';
import { type Command, UsageError, exitCodes, option, sourceOption } from '../command.ts';

const help = `Usage: fringe record --source SPEC --seconds S --out NAME.sigmf-meta [options]

Records cu8 samples to NAME.sigmf-data with its NAME.sigmf-meta (SigMF 1.2.5).
Lost samples start a new capture and are annotated 'dropped'. Ctrl-C stops
early and keeps what was recorded.

A group:SPEC,SPEC,… source of N inputs is written as SigMF defines a
multi-channel recording: one recording per input, NAME-0.sigmf-meta/-data …
NAME-(N-1).sigmf-meta/-data, listed in NAME.sigmf-collection. Replay it as
the same group with --source file:NAME.sigmf-collection.

Options:
  --source SPEC     ${sourceSpecHelp}
  --freq HZ         centre frequency, Hz (k/M/G suffixes allowed; default: offset tuning,
                    an eighth of the rate below the HI line, 1420.105752M at 2.4M, so the
                    dongle's DC spike is off the line)
  --rate HZ         sample rate, Hz (default 2.4M)
  --gain DB|auto    tuner gain, dB, or auto (default 40)
  --ppm N           frequency correction, ppm (default 0)
  --bias-tee        power the antenna port
  --seconds S       how long to record, seconds of signal (required)
  --out PATH        NAME.sigmf-meta to write (required)
  --fast            file: and sim: sources: as fast as possible, not real time
  --library PATH    librtlsdr file for rtlsdr: sources
  --scenario FILE   scenario JSON for the sim source

An --out that is an input of the command (a file: source, the scenario) or
a file of the data folder (its database, recordings, settings, credentials)
is refused.

Exit codes: 0 recorded, 1 the source or the disk failed, 2 bad usage.`;

/** A frequency or rate: 1420405752, 1.42e9, 1420.4M, 2.4M, 250k (inputs.ts's rule). */
export function parseHz(flag: string, v: string | undefined): number {
  return option(flag, v ?? '', inputs.frequency)!;
}

export interface RecordArgs {
  spec: string;
  tuning: Partial<Tuning>;
  seconds: number;
  out: string;
  fast: boolean;
  library?: string;
  scenario?: string;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): RecordArgs {
  // No --freq: offset tuning (src/api/tuning.ts), the centre set once the rate is known.
  const tuning: Partial<Tuning> = { sampleRate: 2_400_000, gain: 40, ppm: 0, biasTee: false };
  let spec: string | undefined;
  let seconds: number | undefined;
  let out: string | undefined;
  let fast = false;
  let library: string | undefined;
  let scenario: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    switch (a) {
      case '--source': spec = value(); break;
      case '--freq': tuning.centerFrequency = option(a, value(), inputs.frequency); break;
      case '--rate': tuning.sampleRate = option(a, value(), inputs.sampleRate); break;
      case '--gain': tuning.gain = option(a, value(), inputs.gain); break;
      case '--ppm': tuning.ppm = option(a, value(), inputs.ppm); break;
      case '--bias-tee': tuning.biasTee = true; break;
      case '--seconds': seconds = option(a, value(), inputs.seconds); break;
      case '--out': out = value(); break;
      case '--fast': fast = true; break;
      case '--library': library = value(); break;
      case '--scenario': scenario = value(); break;
      default: throw new UsageError(`unknown option '${inputs.printable(a)}'.`);
    }
  }
  if (!spec) throw new UsageError(`--source is required (${sourceSpecHelp}).`);
  if (seconds === undefined) throw new UsageError('--seconds is required and must be > 0.');
  if (!out || !out.endsWith('.sigmf-meta') || out.includes('\u0000')) throw new UsageError('--out is required and must end in .sigmf-meta.');
  sourceOption(spec);
  tuning.centerFrequency ??= offsetCentre(tuning.sampleRate!);
  return { spec, tuning, seconds, out, fast, ...(library ? { library } : {}), ...(scenario ? { scenario } : {}) };
}

export const command: Command = {
  name: 'record',
  summary: 'Record a dongle, rtl_tcp server, file or the simulator to SigMF',
  help,
  parse,
  async run(argv) {
    const { spec, tuning, seconds, out, fast, library, scenario } = parse(argv);
    // Never write over what is being read (file: replays, group members, the scenario) or the data folder's own files.
    const parsed = sourceOption(spec);
    const members = parsed.kind === 'group' ? parsed.members : [parsed];
    const inputFiles = [...members.flatMap((m) => (m.kind === 'file' ? [m.path] : [])), ...(scenario ? [scenario] : [])];
    // A group writes NAME.sigmf-collection and one recording per input beside it (recorder.ts).
    const base = out.replace(/\.sigmf-meta$/, '');
    const written = parsed.kind === 'group'
      ? [`${base}.sigmf-collection`, ...parsed.members.flatMap((_, k) => [`${base}-${k}.sigmf-meta`, `${base}-${k}.sigmf-data`])]
      : [out];
    try {
      for (const f of written) checkOutputPath(f, { dataDir: resolveDataDir(), inputs: inputFiles });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const source = await openSource(spec, {
      tuning,
      pacing: fast ? false : 1,
      ...(library ? { libraryPath: library } : {}),
      ...(scenario ? { scenario } : {}),
    });
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    const t = source.tuning;
    const samples = Math.round(seconds * t.sampleRate);
    console.error(
      `Recording ${seconds} s from ${source.info.name} at ${t.centerFrequency} Hz, ${t.sampleRate} S/s, gain ${t.gain}${t.gain === 'auto' ? '' : ' dB'} → ${out}`,
    );
    const tty = process.stderr.isTTY === true;
    let lastPrinted = 0;
    const progress = (p: RecordProgress, final = false) => {
      const now = performance.now();
      if (!final && now - lastPrinted < (tty ? 200 : 1000)) return;
      lastPrinted = now;
      const line = `recorded ${p.seconds.toFixed(1)} / ${seconds} s  (${p.samples} samples, ${p.dropped} dropped)`;
      process.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
    };
    try {
      const r = await recordSigmf(source, { metaPath: out, samples, signal: ac.signal, onProgress: (p) => progress(p), recorder: 'fringe record' });
      progress(r, true);
      if (r.end === 'source-ended' && r.samples < samples) console.error(`The source ended after ${r.seconds.toFixed(2)} s.`);
      if (r.end === 'aborted') console.error('Stopped early; what was recorded is kept.');
      const wrote = r.collectionPath
        ? `${r.collectionPath}, a SigMF collection of ${r.members!.length} recordings (${r.members!.map((m) => m.metaPath).join(', ')} and their data)`
        : `${r.metaPath} and ${r.dataPath}`;
      console.error(`Wrote ${wrote}${r.dropped ? ` (${r.dropped} samples lost, annotated)` : ''}.`);
      return exitCodes.ok;
    } catch (err) {
      if (tty) process.stderr.write('\n');
      if (err instanceof DeviceError) {
        console.error(`fringe record: ${err.message}`);
        return exitCodes.failure;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
      await source.close();
    }
  },
};
