/**
 * Staged exports: an export is written beside its output under a name that
 * keeps its extension (`DIR/.PID.partial.NAME`), recorded in the store, and
 * only then renamed to `DIR/NAME`. The pid says whether its writer is alive,
 * so the store's open can finish (rename) or remove what a killed exporter
 * left in the data folder's exports/.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sigmfPair } from '../output-path.ts';

const staged = /^\.(\d+)\.partial\.(.+)$/;

/** Where an export to `out` is written until it is recorded: `DIR/.PID.partial.NAME`. */
export function stagedName(out: string, pid: number = process.pid): string {
  return join(dirname(out), `.${pid}.partial.${basename(out)}`);
}

/** The output a staged name stands for (a name that is not staged is returned as is). */
export function finalName(path: string): string {
  const m = staged.exec(basename(path));
  return m ? join(dirname(path), m[2]!) : path;
}

/** The pid of the writer of a staged file name, or null for a name that is not staged. */
export function stagedPid(name: string): number | null {
  const m = staged.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Removes what killed exports to `out` left beside it (staged files and
 * their sink temporaries from writers that are gone): outside the data
 * folder nothing else would. Returns the paths removed.
 */
export function removeStaleStaged(out: string, alive: (pid: number) => boolean): string[] {
  const dir = dirname(out);
  // A SigMF pair's other half and a CSV's metadata sidecar (csv.ts) are the same export's.
  const stems = new Set([...sigmfPair(basename(out)), `${basename(out)}-metadata.json`]);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = staged.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const rest = m[2]!.replace(/\.\d+\.partial$/, '');
    if (!stems.has(rest)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}
