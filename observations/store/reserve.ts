/**
 * A small reserve of disk space for the store to close a recording when the
 * disk fills up. Updating an observation's status appends frames to the
 * SQLite WAL, which needs a few free blocks; on a full disk that update
 * fails and the observation would stay `recording` until the next open,
 * which could then only say "crash or kill". So the data folder holds a
 * reserve file (`reserve`, 1 MiB of zeros), given up when a write finds the
 * disk full and made again by the next open that has the space.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { dataFiles } from '../paths.ts';

/** The reserve file's name in the data folder. */
export const reserveName = dataFiles.reserve;
/** Its size (bytes): room for a few hundred WAL frames of 4 KiB pages. */
export const reserveBytes = 1 << 20;

/** Creates the reserve if it is missing and the disk has room (writing real blocks, not a sparse file); never throws. */
export function ensureReserve(dir: string): boolean {
  const path = join(dir, reserveName);
  if (existsSync(path)) return true;
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const zeros = Buffer.alloc(1 << 16);
      for (let done = 0; done < reserveBytes; ) done += writeSync(fd, zeros, 0, Math.min(zeros.length, reserveBytes - done));
    } finally {
      closeSync(fd);
    }
    // Renamed into place only when whole.
    renameSync(tmp, path);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}

/** Frees the reserve; returns whether there was one to free. */
export function releaseReserve(dir: string): boolean {
  const path = join(dir, reserveName);
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}

/** Whether an error is a full disk: SQLite's (SQLITE_FULL, or our disk-full kind) or the operating system's (ENOSPC, EDQUOT). */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; kind?: unknown; cause?: unknown } | null;
  return e?.code === 'SQLITE_FULL' || e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || e?.kind === 'disk-full';
}

/** Runs `f`; when it fails on a full disk, frees the reserve and runs it once more. */
export function withReserve<T>(dir: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (!isDiskFull(err) || !releaseReserve(dir)) throw err;
    return f();
  }
}
