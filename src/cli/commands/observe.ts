/** `fringe observe`: records an observation into the store, with progress, and prints its id. */
import type { BackendChoice } from '../../../correlator/types.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import { backendChoices } from '../../engine/backend.ts';
import { observe, type ObserveMode, type ObserveProgress } from '../../engine/observe.ts';
import * as inputs from '../../api/inputs.ts';
import { offsetCentre } from '../../api/tuning.ts';
import { type Command, UsageError, dbOption, exitCodes, option, sourceOption, parseCommandLine } from '../command.ts';
import { Progress } from '../progress.ts';

const help = `Usage: fringe observe [options]

Records an observation into the local store and prints its id (with --json,
a JSON object). Progress goes to stderr. Stop early with Ctrl-C: what was
recorded is kept and the observation is marked interrupted.

Options (defaults in brackets):
  --source SPEC      sim | sim:ANTENNA | rtlsdr:INDEX | rtlsdr:SERIAL | rtltcp:HOST:PORT | file:PATH  [sim]
  --mode MODE        spectrum | totalpower | raw (cu8 to SigMF in the store,
                     for fringe reprocess)                                    [spectrum]
  --freq HZ          centre frequency (Hz; k/M/G suffixes: 1420.4M, 5G)
                     [offset tuning: an eighth of the rate below the HI line,
                     1420105752 at 2.4M, so the DC spike is off the line]
  --rate HZ          sample rate (Hz; 2.4M), above 225k and at most 3.2M       [2400000]
  --gain DB          tuner gain (dB) or 'auto'                                 [40]
  --channels C       FFT channels, a power of two from 2 to 65536              [1024]
  --taps T           polyphase filter taps, 1–64                               [4]
  --integration S    integration time (s), 0.01–3600                           [1]
  --seconds S        duration (s of samples)                                   [10]
  --backend B        cpu | gpu | auto | reference                              [auto]
  --threads K        CPU worker threads, 0–16 (0: on the calling thread)       [1]
  --target NAME      what is observed                                          [Sun for sim]
  --scenario FILE    simulator scenario (JSON)
  --fast             sim/file sources: run as fast as possible, not in real time
  --db DIR           data folder                                               [$FRINGE_DATA_DIR or the user-data folder]
  --json             print {"id":…,"integrations":…,"status":…} instead of the id

Exit codes: 0 complete, 1 interrupted or failed (device, disk), 2 bad usage.`;

/** What the progress bar says beside the bar. */
export function progressDetail(p: ObserveProgress): string {
  const parts = [p.integrations > 0 || p.samples === 0 ? `${p.integrations} integrations` : `${(p.samples / 1e6).toFixed(1)} M samples`];
  if (p.dropped) parts.push(`${p.dropped} samples dropped`);
  if (p.clipped) parts.push(`${p.clipped} clipped`);
  return parts.join(', ');
}

/** The command line read into observe's options (all but the data folder, which `run` resolves): pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      source: { type: 'string', default: 'sim' },
      mode: { type: 'string', default: 'spectrum' },
      freq: { type: 'string' },
      rate: { type: 'string' },
      gain: { type: 'string' },
      channels: { type: 'string' },
      taps: { type: 'string' },
      integration: { type: 'string' },
      seconds: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      target: { type: 'string' },
      scenario: { type: 'string' },
      fast: { type: 'boolean', default: false },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!['spectrum', 'totalpower', 'raw'].includes(values.mode!)) throw new UsageError(`--mode must be spectrum, totalpower or raw (got '${values.mode}')`);
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')} (got '${values.backend}')`);
  sourceOption(values.source!);
  if (values.scenario !== undefined && values.scenario.trim() === '') throw new UsageError('--scenario needs a scenario file');
  const rate = option('--rate', values.rate, inputs.sampleRate) ?? 2_400_000;
  return {
    source: values.source!,
    mode: values.mode as ObserveMode,
    tuning: {
      centerFrequency: option('--freq', values.freq, inputs.frequency) ?? offsetCentre(rate),
      sampleRate: rate,
      gain: option('--gain', values.gain, inputs.gain) ?? 40,
    },
    channels: option('--channels', values.channels, inputs.channels) ?? 1024,
    taps: option('--taps', values.taps, inputs.taps) ?? 4,
    integration: option('--integration', values.integration, inputs.integration) ?? inputs.defaultIntegration,
    seconds: option('--seconds', values.seconds, inputs.seconds) ?? 10,
    backend: values.backend as BackendChoice,
    threads: option('--threads', values.threads, inputs.threads) ?? 1,
    db: dbOption(values.db),
    target: option('--target', values.target, { parse: targetText }),
    scenario: values.scenario,
    pacing: values.fast ? (false as const) : 1,
    json: values.json!,
  };
}

/** A target as typed: printable, at most 120 characters. */
export function targetText(text: string): string {
  const problem = inputs.nameProblem(text, 120);
  if (problem) throw new inputs.InputError(problem, text);
  return text.trim();
}

export const command: Command = {
  name: 'observe',
  summary: 'Record an observation (spectrum or total power) into the store',
  help,
  parse,
  async run(argv) {
    const { json, db, ...parsed } = parse(argv);
    const options = { ...parsed, dataDir: resolveDataDir(db) };
    const bar = new Progress('observing');
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    // Each notice once: those that came while observing (the GPU fallback) are not repeated, the rest (why it stopped) are all printed.
    const printed = new Set<string>();
    const note = (n: string) => {
      if (printed.has(n)) return;
      printed.add(n);
      process.stderr.write(`note: ${n}\n`);
    };
    try {
      const result = await observe(options, {
        signal: stop.signal,
        onNotice: (n) => {
          bar.interrupt();
          note(n);
        },
        onProgress: (p) => bar.update(p.samples / p.total, progressDetail(p)),
      });
      bar.update(1, options.mode === 'raw' ? 'recorded' : `${result.integrations} integrations`, true);
      for (const n of result.notices) note(n);
      console.log(json ? JSON.stringify({ id: result.observationId, integrations: result.integrations, status: result.status }) : String(result.observationId));
      return result.status === 'complete' ? exitCodes.ok : exitCodes.failure;
    } catch (err) {
      bar.interrupt();
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
