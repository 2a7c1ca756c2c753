/** `fringe reprocess`: a raw observation run again through the FX core with new settings, into a new observation. */
import type { BackendChoice } from '../../../correlator/types.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import { backendChoices } from '../../engine/backend.ts';
import { reprocess } from '../../engine/reprocess.ts';
import { type Command, UsageError, exitCodes, parseCommandLine } from '../command.ts';
import { Progress } from '../progress.ts';
import { progressDetail } from './observe.ts';

const help = `Usage: fringe reprocess ID [options]

Runs the SigMF recording of raw observation ID (fringe observe --mode raw)
through the correlator again, as fast as this machine allows, and stores the
result as a new observation with the original's target and start time. Prints
the new observation's id (with --json, a JSON object). Progress goes to stderr.

Options (defaults: the raw observation's settings):
  --channels C       FFT channels, a power of two
  --taps T           polyphase filter taps
  --integration S    integration time (s)
  --backend B        cpu | gpu | auto | reference              [auto]
  --threads K        CPU worker threads                         [1]
  --db DIR           data folder                                [$FRINGE_DATA_DIR or the user-data folder]
  --json             print {"id":…,"integrations":…,"status":…}`;

function optional(name: string, value: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what} (got '${value}')`);
  return n;
}

export const command: Command = {
  name: 'reprocess',
  summary: 'Run a raw recording through the correlator again with new settings',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        channels: { type: 'string' },
        taps: { type: 'string' },
        integration: { type: 'string' },
        backend: { type: 'string', default: 'auto' },
        threads: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new UsageError('give one observation ID (a positive whole number); fringe list --mode raw shows them');
    if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')} (got '${values.backend}')`);
    const bar = new Progress('reprocessing');
    try {
      const result = await reprocess(
        {
          observationId: id,
          dataDir: resolveDataDir(values.db),
          channels: optional('channels', values.channels, (n) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0, 'a power of two'),
          taps: optional('taps', values.taps, (n) => Number.isInteger(n) && n >= 1 && n <= 64, 'a whole number from 1 to 64'),
          integration: optional('integration', values.integration, (n) => n > 0, 'a time in seconds'),
          backend: values.backend as BackendChoice,
          threads: optional('threads', values.threads, (n) => Number.isInteger(n) && n >= 0 && n <= 64, 'a whole number from 0 to 64'),
        },
        { onProgress: (p) => bar.update(p.samples / p.total, progressDetail(p)) },
      );
      bar.update(1, `${result.integrations} integrations`, true);
      console.log(values.json ? JSON.stringify({ id: result.observationId, integrations: result.integrations, status: result.status }) : String(result.observationId));
      return result.status === 'complete' ? exitCodes.ok : exitCodes.failure;
    } catch (err) {
      bar.interrupt();
      throw err;
    }
  },
};
