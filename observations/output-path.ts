/**
 * The one check every command that writes a file makes first: an output
 * path may not be the store (fringe.db and its -wal, -shm, -journal), a file
 * the data folder manages (raw recordings, station settings, upload
 * credentials), or an input of the same command. Paths are compared as the
 * file system sees them (symlinks, `..` and relative paths resolved), and a
 * SigMF recording counts as its pair: NAME.sigmf-meta and NAME.sigmf-data.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ObservationError } from './errors.ts';
import { dataFiles } from './paths.ts';

/** Both files of a SigMF recording (NAME.sigmf-meta, NAME.sigmf-data); any other path alone. */
export function sigmfPair(path: string): string[] {
  const m = /^(.*)\.sigmf-(meta|data)$/.exec(path);
  return m ? [`${m[1]}.sigmf-meta`, `${m[1]}.sigmf-data`] : [path];
}

/**
 * The real absolute path of `path`, which need not exist: the longest
 * existing prefix is resolved through symlinks, the rest appended.
 */
export function realPath(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let p = abs;
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      const parent = dirname(p);
      if (parent === p) return abs;
      rest.push(basename(p));
      p = parent;
    }
  }
}

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

export interface OutputCheck {
  /** The data folder whose managed files must never be written over. */
  dataDir?: string;
  /** Files the command reads (a SigMF meta or data path counts as the pair). */
  inputs?: readonly string[];
}

/**
 * Throws an `invalid` ObservationError (the CLI's exit 2) naming `output`
 * and what it would destroy, when writing `output` (a SigMF path: both its
 * files) could overwrite the store, a managed file of the data folder or
 * one of `inputs`.
 */
export function checkOutputPath(output: string, o: OutputCheck): void {
  const outs = sigmfPair(output).map(realPath);
  const refuse = (what: string): never => {
    throw new ObservationError('invalid', `refusing to write ${output}: it is ${what}. Choose another output path (outside the data folder's own files).`);
  };
  if (o.dataDir !== undefined) {
    const dir = realPath(o.dataDir);
    const db = join(dir, dataFiles.database);
    const managed: [string, string][] = [
      [db, `the store's database (${db})`],
      ...['-wal', '-shm', '-journal'].map((s): [string, string] => [db + s, `the store's database journal (${db}${s})`]),
      [join(dir, dataFiles.targets), `the upload credentials (${join(dir, dataFiles.targets)})`],
      [join(dir, dataFiles.settings), `the station settings (${join(dir, dataFiles.settings)})`],
    ];
    const recordings = join(dir, dataFiles.recordings);
    for (const out of outs) {
      if (out === dir) refuse(`the data folder itself (${dir})`);
      for (const [file, what] of managed) if (out === file) refuse(what);
      if (within(out, recordings)) refuse(`inside the data folder's raw recordings (${recordings}), which the store manages`);
    }
  }
  const ins = (o.inputs ?? []).flatMap(sigmfPair).map(realPath);
  for (const out of outs) if (ins.includes(out)) refuse(`an input of this command (${out}), which writing it would destroy`);
}
