/** `fringe reprocess`: a raw observation run again through the FX core with new settings, into a new observation. */
import type { BackendChoice } from '../../../correlator/types.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import { backendChoices } from '../../engine/backend.ts';
import { reprocess } from '../../engine/reprocess.ts';
import { isUsageProblem } from '../../../observations/cli-support.ts';
import * as inputs from '../../api/inputs.ts';
import { type Command, UsageError, dbOption, exitCodes, observationId, option, parseCommandLine } from '../command.ts';
import { Progress } from '../progress.ts';
import { progressDetail } from './observe.ts';

const help = `Usage: fringe reprocess ID [options]

Runs the SigMF recording of raw observation ID (fringe observe --mode raw)
through the correlator again, as fast as this machine allows, and stores the
result as a new observation with the original's target and start time. Prints
the new observation's id (with --json, a JSON object). Progress goes to stderr.

Options (defaults: the raw observation's settings):
  --channels C       FFT channels, a power of two from 2 to 65536
  --taps T           polyphase filter taps, 1–64
  --integration S    integration time (s), 0.01–3600
  --backend B        cpu | gpu | auto | reference              [auto]
  --threads K        CPU worker threads, 0–16                   [1]
  --db DIR           data folder                                [$FRINGE_DATA_DIR or the user-data folder]
  --json             print {"id":…,"integrations":…,"status":…}

Exit codes: 0 complete, 1 interrupted or failed, 2 bad usage or no such observation.`;

/** The command line read into reprocess's options: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
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
  const id = observationId(positionals);
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')} (got '${values.backend}')`);
  return {
    observationId: id,
    db: dbOption(values.db),
    channels: option('--channels', values.channels, inputs.channels),
    taps: option('--taps', values.taps, inputs.taps),
    integration: option('--integration', values.integration, inputs.integration),
    backend: values.backend as BackendChoice,
    threads: option('--threads', values.threads, inputs.threads),
    json: values.json!,
  };
}

export const command: Command = {
  name: 'reprocess',
  summary: 'Run a raw recording through the correlator again with new settings',
  help,
  parse,
  async run(argv) {
    const { json, db, ...options } = parse(argv);
    const bar = new Progress('reprocessing');
    try {
      const result = await reprocess(
        { ...options, dataDir: resolveDataDir(db) },
        { onProgress: (p) => bar.update(p.samples / p.total, progressDetail(p)) },
      );
      bar.update(1, `${result.integrations} integrations`, true);
      console.log(json ? JSON.stringify({ id: result.observationId, integrations: result.integrations, status: result.status }) : String(result.observationId));
      return result.status === 'complete' ? exitCodes.ok : exitCodes.failure;
    } catch (err) {
      bar.interrupt();
      // An id that names no observation is a wrong command line, like show's and export's.
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    }
  },
};
