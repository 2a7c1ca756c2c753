/**
 * Staged exports: an export is written beside its output under a name that
 * keeps its extension (`DIR/.PID.partial.NAME`), recorded in the store, and
 * only then renamed to `DIR/NAME`. The pid says whether its writer is alive,
 * so the store's open can finish (rename) or remove what a killed exporter
 * left in the data folder's exports/.
 */
import { basename, dirname, join } from 'node:path';

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
