/**
 * Crash recovery of raw recordings: a recording whose process died (kill -9,
 * power cut) or whose disk filled up is made whole again on the store's next
 * open. Its data file is cut to the last whole sample, its meta rewritten
 * (atomically) to describe exactly that, and its sample count stored; a
 * recording whose data file never appeared is unreferenced. Also removes the
 * temporary files (`NAME.PID.tmp`, `NAME.PID.partial`) that dead writers
 * left in the data folder.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { finalName, stagedPid } from '../export/staging.ts';
import type Database from 'better-sqlite3';
import { dataFiles } from '../paths.ts';
import type { RawRecording } from './types.ts';

/** Bytes per sample (all channels) of a SigMF datatype such as cu8 or cf32_le. */
function bytesPerSample(datatype: string, channels: number): number {
  const m = /^([cr])(?:[fiu])(8|16|32|64)/.exec(datatype);
  return m ? (m[1] === 'c' ? 2 : 1) * (Number(m[2]) / 8) * channels : 2 * channels;
}

interface Capture { 'core:sample_start': number; 'core:global_index'?: number; [k: string]: unknown }
interface Meta { global: Record<string, unknown>; captures: Capture[]; annotations: { 'core:sample_start': number }[] }

/** The meta a recording has when its own is missing or unreadable: what the store knows of it. */
function metaFromRow(rec: RawRecording): Meta {
  return {
    global: { 'core:datatype': rec.datatype, 'core:version': '1.2.5', 'core:sample_rate': rec.sampleRate, 'core:num_channels': rec.numChannels, 'core:recorder': 'fringe (meta rebuilt by crash recovery)' },
    captures: [{ 'core:sample_start': 0, 'core:frequency': rec.frequency, 'core:datetime': new Date(Math.round(rec.start * 1000)).toISOString() }],
    annotations: [],
  };
}

function readMeta(path: string): Meta | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Meta;
    if (typeof m?.global !== 'object' || !Array.isArray(m.captures) || !Array.isArray(m.annotations)) return null;
    return m;
  } catch {
    return null;
  }
}

/** Writes `text` to `path` whole or not at all (temporary file, fsync, rename). */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * Makes one raw recording consistent after its writer stopped without
 * closing it; returns its samples, or null when its data file is missing
 * (then the reference and any meta are removed).
 */
export function recoverRawRecording(db: Database.Database, dir: string, rec: RawRecording): { samples: number; cut: number } | null {
  const data = join(dir, rec.path);
  const metaPath = data.replace(/\.sigmf-data$/, '.sigmf-meta');
  if (!existsSync(data)) {
    rmSync(metaPath, { force: true });
    db.prepare('DELETE FROM recordings WHERE id = ?').run(rec.id);
    return null;
  }
  const per = bytesPerSample(rec.datatype, rec.numChannels);
  const size = statSync(data).size;
  const samples = Math.floor(size / per);
  if (samples * per !== size) truncateSync(data, samples * per);
  const meta = readMeta(metaPath) ?? metaFromRow(rec);
  // Captures and annotations past the data that reached the disk describe nothing; the first capture always stays.
  meta.captures = meta.captures.filter((c, i) => i === 0 || c['core:sample_start'] < samples);
  if (meta.captures.length === 0) meta.captures = metaFromRow(rec).captures;
  meta.annotations = meta.annotations.filter((a) => a['core:sample_start'] < samples);
  writeAtomic(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  // Samples lost between captures (their global indices), as the recorder counted them.
  let dropped = 0;
  meta.captures.forEach((c, i) => {
    const prev = meta.captures[i - 1];
    if (prev && typeof c['core:global_index'] === 'number' && typeof prev['core:global_index'] === 'number') {
      dropped += c['core:global_index'] - prev['core:global_index'] - (c['core:sample_start'] - prev['core:sample_start']);
    }
  });
  db.prepare('UPDATE recordings SET meta = ? WHERE id = ?').run(JSON.stringify({ ...rec.meta, samples, dropped, recording: false, recovered: true }), rec.id);
  return { samples, cut: size - samples * per };
}

/** Matches a temporary file a writer leaves until it renames it (`NAME.PID.tmp`, `NAME.PID.partial`), giving the pid. */
const temporaryFile = /\.(\d+)\.(tmp|partial)$/;

/**
 * Tidies what writers (of this machine) that are gone left in the data
 * folder, its recordings/ and its exports/: temporary files are removed; a staged export
 * (`.PID.partial.NAME`, export/staging.ts) whose record was committed is
 * finished (renamed to NAME), any other removed. Returns what it did.
 */
export function tidyTemporaries(db: Database.Database, dir: string, alive: (pid: number) => boolean): { removed: string[]; finished: string[] } {
  const removed: string[] = [];
  const finished: string[] = [];
  const exportsDir = join(dir, dataFiles.exports);
  const recorded = new Set(
    (db.prepare('SELECT path FROM exports').all() as { path: string }[]).map((r) => (isAbsolute(r.path) ? r.path : join(dir, r.path))),
  );
  // The folder itself holds the temporaries of targets.json, station.json and the reserve.
  for (const sub of ['', dataFiles.recordings, dataFiles.exports]) {
    let names: string[];
    try {
      names = readdirSync(join(dir, sub));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, sub, name);
      const tmp = temporaryFile.exec(name);
      const pid = tmp ? Number(tmp[1]) : sub === '' ? null : stagedPid(name);
      if (pid === null || alive(pid)) continue;
      const target = tmp ? null : finalName(path);
      // A CSV's metadata sidecar (export/csv.ts) is finished with its CSV's record.
      const recordedAs = target?.replace(/\.csv-metadata\.json$/, '.csv');
      if (target && recordedAs && dirname(path) === exportsDir && recorded.has(recordedAs) && !existsSync(target)) {
        renameSync(path, target);
        finished.push(target);
      } else {
        rmSync(path, { force: true });
        removed.push(path);
      }
    }
  }
  return { removed, finished };
}
