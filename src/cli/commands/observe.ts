/** `fringe observe`: records an observation into the store, with progress, and prints its id. */
import type { BackendChoice } from '../../../correlator/types.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import { backendChoices } from '../../engine/backend.ts';
import { observe, type ObserveMode, type ObserveProgress } from '../../engine/observe.ts';
import { type Command, UsageError, exitCodes, parseCommandLine } from '../command.ts';
import { Progress } from '../progress.ts';

const help = `Usage: fringe observe [options]

Records an observation into the local store and prints its id (with --json,
a JSON object). Progress goes to stderr. Stop early with Ctrl-C: what was
recorded is kept and the observation is marked interrupted.

Options (defaults in brackets):
  --source SPEC      sim | sim:ANTENNA | rtlsdr:INDEX | rtlsdr:SERIAL | rtltcp:HOST:PORT | file:PATH  [sim]
  --mode MODE        spectrum | totalpower | raw (cu8 to SigMF in the store,
                     for fringe reprocess)                                    [spectrum]
  --freq HZ          centre frequency (Hz)                                     [1420405752]
  --rate HZ          sample rate (Hz)                                          [2400000]
  --gain DB          tuner gain (dB) or 'auto'                                 [40]
  --channels C       FFT channels, a power of two                              [1024]
  --taps T           polyphase filter taps                                     [4]
  --integration S    integration time (s)                                      [1]
  --seconds S        duration (s of samples)                                   [10]
  --backend B        cpu | gpu | auto | reference                              [auto]
  --threads K        CPU worker threads                                        [1]
  --target NAME      what is observed                                          [Sun for sim]
  --scenario FILE    simulator scenario (JSON)
  --fast             sim/file sources: run as fast as possible, not in real time
  --db DIR           data folder                                               [$FRINGE_DATA_DIR or the user-data folder]
  --json             print {"id":…,"integrations":…,"status":…} instead of the id`;

function number(name: string, value: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what} (got '${value}')`);
  return n;
}

/** What the progress bar says beside the bar. */
export function progressDetail(p: ObserveProgress): string {
  const parts = [p.integrations > 0 || p.samples === 0 ? `${p.integrations} integrations` : `${(p.samples / 1e6).toFixed(1)} M samples`];
  if (p.dropped) parts.push(`${p.dropped} samples dropped`);
  if (p.clipped) parts.push(`${p.clipped} clipped`);
  return parts.join(', ');
}

export const command: Command = {
  name: 'observe',
  summary: 'Record an observation (spectrum or total power) into the store',
  help,
  async run(argv) {
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
    const positive = (n: number) => n > 0;
    const gain: number | 'auto' = values.gain === 'auto' ? 'auto' : number('gain', values.gain, 40, (n) => n >= 0 && n <= 60, 'a gain in dB from 0 to 60, or auto');
    const options = {
      source: values.source!,
      mode: values.mode as ObserveMode,
      tuning: {
        centerFrequency: number('freq', values.freq, 1_420_405_752, positive, 'a frequency in Hz'),
        sampleRate: number('rate', values.rate, 2_400_000, positive, 'a sample rate in Hz'),
        gain,
      },
      channels: number('channels', values.channels, 1024, (n) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0, 'a power of two'),
      taps: number('taps', values.taps, 4, (n) => Number.isInteger(n) && n >= 1 && n <= 64, 'a whole number from 1 to 64'),
      integration: number('integration', values.integration, 1, positive, 'a time in seconds'),
      seconds: number('seconds', values.seconds, 10, positive, 'a time in seconds'),
      backend: values.backend as BackendChoice,
      threads: number('threads', values.threads, 1, (n) => Number.isInteger(n) && n >= 0 && n <= 64, 'a whole number from 0 to 64'),
      dataDir: resolveDataDir(values.db),
      target: values.target,
      scenario: values.scenario,
      pacing: values.fast ? (false as const) : 1,
    };
    const bar = new Progress('observing');
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    try {
      const result = await observe(options, {
        signal: stop.signal,
        onNotice: (n) => {
          bar.interrupt();
          process.stderr.write(`note: ${n}\n`);
        },
        onProgress: (p) => bar.update(p.samples / p.total, progressDetail(p)),
      });
      bar.update(1, options.mode === 'raw' ? 'recorded' : `${result.integrations} integrations`, true);
      if (result.notices[0]) process.stderr.write(`note: ${result.notices[0]}\n`);
      console.log(values.json ? JSON.stringify({ id: result.observationId, integrations: result.integrations, status: result.status }) : String(result.observationId));
      return result.status === 'complete' ? exitCodes.ok : exitCodes.failure;
    } catch (err) {
      bar.interrupt();
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
