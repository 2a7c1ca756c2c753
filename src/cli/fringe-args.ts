/** What `fringe baseline` and `fringe size` share: the observation, the phase centre and the strip chart's running window. */
import * as inputs from '../api/inputs.ts';
import type { PhaseCentre } from '../astro/geometry.ts';
import { UsageError, dbOption, option, parseCommandLine } from './command.ts';

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
