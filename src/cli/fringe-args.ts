/** What `fringe baseline` and `fringe size` share: the observation, the phase centre and the strip chart's running window. */
import { openStore } from '../../observations/cli-support.ts';
import { ObservationError } from '../../observations/errors.ts';
import * as inputs from '../api/inputs.ts';
import { FitError } from '../analysis/lsq.ts';
import type { PhaseCentre } from '../astro/geometry.ts';
import { AstroError } from '../astro/site.ts';
import { FringeDataError, loadFringes, type FringeData } from '../engine/fringes.ts';
import { UsageError, dbOption, exitCodes, option, parseCommandLine } from './command.ts';

export interface FringeArgs {
  observation: number;
  centre: PhaseCentre | null;
  window: number;
  json: boolean;
  db: string | undefined;
  baselineM: number | undefined;
}

/** Reads `ID [--ra H --dec D | --target NAME] [--window S] [--json] [--db DIR]` (and --baseline-m B where `baseline` allows it). */
export function parseFringeArgs(argv: string[], command: string, withBaseline: boolean): FringeArgs {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      ra: { type: 'string' }, dec: { type: 'string' }, target: { type: 'string' }, window: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' },
      ...(withBaseline ? { 'baseline-m': { type: 'string' } } : {}),
    },
  });
  if (positionals.length !== 1) throw new UsageError(`give one observation ID (e.g. fringe ${command} 12; fringe list shows them).`);
  const observation = option('observation ID', positionals[0], inputs.observationId)!;
  const ra = option('--ra', values.ra as string | undefined, inputs.raHours);
  const dec = option('--dec', values.dec as string | undefined, inputs.decDegrees);
  const target = values.target as string | undefined;
  if ((ra === undefined) !== (dec === undefined)) throw new UsageError('give --ra and --dec together (J2000: hours and degrees).');
  if (ra !== undefined && target !== undefined) throw new UsageError('give either --ra H --dec D or --target NAME, not both.');
  if (target !== undefined && (target.trim() === '' || target.length > 80)) throw new UsageError('--target needs a name such as sun or 3C144 (at most 80 characters).');
  const centre: PhaseCentre | null = ra !== undefined ? { kind: 'radec', ra, dec: dec! } : target !== undefined ? (/^\s*sun\s*$/i.test(target) ? { kind: 'sun' } : { kind: 'source', name: target }) : null;
  return {
    observation,
    centre,
    window: option('--window', values.window as string | undefined, inputs.windowSeconds) ?? 300,
    json: (values.json as boolean | undefined) ?? false,
    db: dbOption(values.db as string | undefined),
    baselineM: withBaseline ? option('--baseline-m', values['baseline-m'] as string | undefined, inputs.baselineMetres) : undefined,
  };
}

/**
 * Opens the store, reads the observation's fringes and runs `analyse` on
 * them: exit 2 for no such observation or an unknown source, 1 (with the
 * reason) for fringes the fit cannot use, else `print`'s output and 0.
 */
export async function runFringeAnalysis<T>(command: string, args: FringeArgs, analyse: (data: FringeData) => T, print: (result: T) => void): Promise<number> {
  const store = openStore(args.db, { readonly: false });
  try {
    let result: T;
    try {
      result = analyse(loadFringes(store, args.observation, args.centre));
    } catch (err) {
      if (err instanceof ObservationError && err.kind === 'not-found') throw new UsageError(err.message);
      if (err instanceof AstroError) throw new UsageError(err.message);
      if (err instanceof FringeDataError || err instanceof FitError) {
        console.error(`fringe ${command}: ${err.message}`);
        return exitCodes.failure;
      }
      throw err;
    }
    print(result);
    return exitCodes.ok;
  } finally {
    store.close();
  }
}
