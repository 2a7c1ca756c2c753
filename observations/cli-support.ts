/**
 * Glue for the `fringe` commands over the observations domain (list, show,
 * export, upload, targets): opening the store from `--db`, progress lines
 * on stderr, and JSON views of the records. Kept here so src/cli/commands/
 * holds only the commands themselves.
 */
import { ObservationError } from './errors.ts';
import { resolveDataDir } from './paths.ts';
import { Store } from './store/store.ts';
import type { Observation } from './store/types.ts';

/** Opens the store in `--db DIR`, FRINGE_DATA_DIR or the platform default. */
export function openStore(db: string | undefined, options: { readonly?: boolean } = {}): Store {
  return Store.open(resolveDataDir(db), options);
}

/** The observation fields `fringe list --json` prints; times ISO 8601 UTC. */
export function observationSummary(o: Observation): {
  id: number; mode: string; target: string; status: string; start: string; end: string | null; integrations: number;
} {
  return {
    id: o.id, mode: o.mode, target: o.target, status: o.status,
    start: new Date(o.start * 1000).toISOString(), end: o.end === null ? null : new Date(o.end * 1000).toISOString(),
    integrations: o.integrations,
  };
}

/** Whether an error is the caller's doing (a bad argument or an unknown id): exit code 2. */
export function isUsageProblem(err: unknown): boolean {
  return err instanceof ObservationError && (err.kind === 'invalid' || err.kind === 'not-found');
}
