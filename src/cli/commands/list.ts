/** `fringe list`: the observations in the store. */
import { isUsageProblem, observationSummary, openStore } from '../../../observations/cli-support.ts';
import type { ObservationStatus } from '../../../observations/store/types.ts';
import * as inputs from '../../api/inputs.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe list [--json] [--mode M] [--status S] [--target T] [--limit N] [--db DIR]

Lists the observations in the store, oldest first.

Options:
  --json          print a JSON array: {id, mode, target, status, start, end, integrations}
                  (times ISO 8601 UTC; end null while recording)
  --mode M        only this observing mode (spectrum, drift, interferometer, callisto, …)
  --status S      only recording, complete or interrupted
  --target T      only targets containing T
  --limit N       at most N observations (1–100000)
  --db DIR        data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 listed, 1 the store could not be read, 2 bad usage.`;

/** The command line read into list's filters: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const { values } = parseCommandLine({
    args: argv, allowPositionals: false,
    options: { json: { type: 'boolean' }, mode: { type: 'string' }, status: { type: 'string' }, target: { type: 'string' }, limit: { type: 'string' }, db: { type: 'string' } },
  });
  if (values.status !== undefined && !['recording', 'complete', 'interrupted'].includes(values.status)) {
    throw new UsageError('--status must be recording, complete or interrupted.');
  }
  return {
    json: values.json ?? false, mode: values.mode, status: values.status as ObservationStatus | undefined, target: values.target,
    limit: option('--limit', values.limit, inputs.listLimit), db: dbOption(values.db),
  };
}

export const command: Command = {
  name: 'list',
  summary: 'List the observations in the store',
  help,
  parse,
  async run(argv) {
    const values = parse(argv);
    let store;
    try {
      store = openStore(values.db);
    } catch (err) {
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    }
    try {
      const list = store.listObservations({
        mode: values.mode, status: values.status, target: values.target,
        limit: values.limit,
      }).map(observationSummary);
      if (values.json) {
        console.log(JSON.stringify(list, null, 2));
      } else if (list.length === 0) {
        console.log('No observations.');
      } else {
        console.log(`${'ID'.padStart(5)}  ${'MODE'.padEnd(14)} ${'STATUS'.padEnd(11)} ${'START (UTC)'.padEnd(20)} ${'MINUTES'.padStart(8)} ${'INTEGR.'.padStart(8)}  TARGET`);
        for (const o of list) {
          const minutes = o.end ? ((Date.parse(o.end) - Date.parse(o.start)) / 60000).toFixed(1) : '-';
          console.log(`${String(o.id).padStart(5)}  ${o.mode.padEnd(14)} ${o.status.padEnd(11)} ${o.start.slice(0, 19).replace('T', ' ').padEnd(20)} ${minutes.padStart(8)} ${String(o.integrations).padStart(8)}  ${o.target}`);
        }
      }
      return exitCodes.ok;
    } finally {
      store.close();
    }
  },
};
