/**
 * The user's persistent RFI mask for hydrogen-line reductions: velocity
 * ranges (km/s, LSR) kept in the data folder beside the station settings
 * (`hi-mask.json`, written whole or not at all) and applied by every later
 * reduction (`fringe hi`, the hi.spectrum and hi.survey API methods).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../../observations/store/raw-recovery.ts';
import { HiError } from '../analysis/hi/reduce.ts';

export const hiMaskFile = 'hi-mask.json';

/** One saved range: [lo, hi] km/s (LSR), when it was added and an optional note. */
export interface HiMaskRange {
  lo_kms: number;
  hi_kms: number;
  added: string;
  note?: string;
}

export function hiMaskPath(dataDir: string): string {
  return join(dataDir, hiMaskFile);
}

/** The saved ranges (none when the file does not exist); HiError when the file is not a mask. */
export function loadHiMask(dataDir: string): HiMaskRange[] {
  const path = hiMaskPath(dataDir);
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HiError(`the saved HI mask ${path} cannot be read (${(err as Error).message}): fix or delete it (fringe hi mask clear).`);
  }
  const ranges = (raw as { ranges?: unknown })?.ranges;
  if (!Array.isArray(ranges)) throw new HiError(`the saved HI mask ${path} has no "ranges" list: fix or delete it (fringe hi mask clear).`);
  return ranges.map((r, i) => {
    const { lo_kms: lo, hi_kms: hi, added, note } = (r ?? {}) as Partial<HiMaskRange>;
    if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
      throw new HiError(`range ${i + 1} of the saved HI mask ${path} is not {lo_kms, hi_kms} with lo below hi: fix or delete it (fringe hi mask clear).`);
    }
    return { lo_kms: lo, hi_kms: hi, added: typeof added === 'string' ? added : '', ...(typeof note === 'string' ? { note } : {}) };
  });
}

function saveHiMask(dataDir: string, ranges: HiMaskRange[]): void {
  mkdirSync(dataDir, { recursive: true });
  writeAtomic(hiMaskPath(dataDir), `${JSON.stringify({ version: 1, ranges }, null, 2)}\n`);
}

/** Adds [lo, hi] (an identical range already saved is not added twice); returns the saved list. */
export function addHiMask(dataDir: string, range: [number, number], note?: string, now = new Date()): HiMaskRange[] {
  const ranges = loadHiMask(dataDir);
  if (!ranges.some((r) => r.lo_kms === range[0] && r.hi_kms === range[1])) {
    ranges.push({ lo_kms: range[0], hi_kms: range[1], added: now.toISOString(), ...(note ? { note } : {}) });
    ranges.sort((a, b) => a.lo_kms - b.lo_kms || a.hi_kms - b.hi_kms);
    saveHiMask(dataDir, ranges);
  }
  return ranges;
}

/** Removes the saved range [lo, hi] exactly; HiError naming the saved ones when it is not there. */
export function removeHiMask(dataDir: string, range: [number, number]): HiMaskRange[] {
  const ranges = loadHiMask(dataDir);
  const kept = ranges.filter((r) => !(r.lo_kms === range[0] && r.hi_kms === range[1]));
  if (kept.length === ranges.length) {
    throw new HiError(`${range[0]}:${range[1]} km/s is not in the saved mask (${ranges.length ? ranges.map((r) => `${r.lo_kms}:${r.hi_kms}`).join(', ') : 'it is empty'}).`);
  }
  saveHiMask(dataDir, kept);
  return kept;
}

/** Empties the saved mask (removes the file). */
export function clearHiMask(dataDir: string): void {
  rmSync(hiMaskPath(dataDir), { force: true });
}
