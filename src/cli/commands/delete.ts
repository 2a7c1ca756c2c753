/** `fringe delete ID`: removes an observation and the files it holds in the data folder. */
import { isUsageProblem, openStore } from '../../../observations/cli-support.ts';
import { type Command, UsageError, dbOption, exitCodes, observationId, parseCommandLine } from '../command.ts';

const help = `Usage: fringe delete ID --yes [--db DIR]

Deletes an observation: its integrations, events and records, and the raw
recordings and exports it holds inside the data folder (exports written
elsewhere are left alone). An observation still recording cannot be deleted.

Options:
  --yes           required: deleting cannot be undone
  --db DIR        data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 deleted, 1 the store could not be written, 2 bad usage or no such observation.`;

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): { id: number; db: string | undefined } {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: { yes: { type: 'boolean' }, db: { type: 'string' } } });
  const id = observationId(positionals);
  if (!values.yes) throw new UsageError(`deleting observation ${id} cannot be undone; add --yes.`);
  return { id, db: dbOption(values.db) };
}

export const command: Command = {
  name: 'delete',
  summary: 'Delete an observation with its files',
  help,
  parse,
  async run(argv) {
    const { id, db } = parse(argv);
    const values = { db };
    try {
      const store = openStore(values.db);
      try {
        const obs = store.getObservation(id);
        if (obs.status === 'recording') throw new UsageError(`observation ${id} is still recording; stop it first.`);
        store.deleteObservation(id);
        console.log(`Deleted observation ${id} (${obs.mode}${obs.target ? ` of ${obs.target}` : ''}, ${obs.integrations} integrations).`);
        return exitCodes.ok;
      } finally {
        store.close();
      }
    } catch (err) {
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    }
  },
};
