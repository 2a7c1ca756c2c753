/** The persistent HI RFI mask: its file (src/engine/hi-mask.ts), `fringe hi mask …` and `--save-mask`, and its use by later reductions. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../../../src/cli/commands/hi.ts';
import { UsageError } from '../../../../src/cli/command.ts';
import { addHiMask, clearHiMask, hiMaskPath, loadHiMask, removeHiMask } from '../../../../src/engine/hi-mask.ts';
import { HiError } from '../../../../src/analysis/hi/reduce.ts';
import { fringe } from './run-fringe.ts';

const bharat = (l: string) => fileURLToPath(new URL(`../../../../../shared/data/real/hi-bharat-horn-rtlsdr/${l}.csv`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fringe-hi-mask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the mask file', () => {
  it('adds (sorted, no duplicates), removes, clears, and leaves no temporary file', () => {
    const d = join(dir, 'unit');
    expect(loadHiMask(d)).toEqual([]);
    addHiMask(d, [40, 45], 'a carrier', new Date('2026-01-01T00:00:00Z'));
    addHiMask(d, [-12.5, -8]);
    const saved = addHiMask(d, [40, 45]);
    expect(saved.map((r) => [r.lo_kms, r.hi_kms])).toEqual([[-12.5, -8], [40, 45]]);
    expect(saved[1]).toMatchObject({ note: 'a carrier', added: '2026-01-01T00:00:00.000Z' });
    expect(JSON.parse(readFileSync(hiMaskPath(d), 'utf8'))).toMatchObject({ version: 1, ranges: saved });
    expect(readdirSync(d)).toEqual(['hi-mask.json']);
    expect(removeHiMask(d, [-12.5, -8]).map((r) => r.lo_kms)).toEqual([40]);
    expect(() => removeHiMask(d, [1, 2])).toThrow(/1:2 km\/s is not in the saved mask \(40:45\)/);
    clearHiMask(d);
    expect(existsSync(hiMaskPath(d))).toBe(false);
  });
  it('a damaged file is an error that says how to fix it, not an empty mask', () => {
    const d = join(dir, 'bad');
    addHiMask(d, [1, 2]);
    writeFileSync(hiMaskPath(d), '{"ranges":[{"lo_kms":5,"hi_kms":1}]}');
    expect(() => loadHiMask(d)).toThrow(HiError);
    expect(() => loadHiMask(d)).toThrow(/range 1 .*\(fringe hi mask clear\)/);
    writeFileSync(hiMaskPath(d), '{');
    expect(() => loadHiMask(d)).toThrow(/cannot be read/);
  });
});

describe('fringe hi mask: parse', () => {
  it('reads add with ranges and a note, list, clear, and --save-mask on a reduction', () => {
    expect(parse(['mask', 'add', '--mask', '-12.5:-8', '--mask', '40:45', '--note', 'carrier'])).toMatchObject({ maskAction: 'add', mask: [[-12.5, -8], [40, 45]], note: 'carrier', ids: [] });
    expect(parse(['mask', 'list', '--json'])).toMatchObject({ maskAction: 'list', json: true });
    expect(parse(['mask', 'clear'])).toMatchObject({ maskAction: 'clear' });
    expect(parse(['3', '--mask', '1:2', '--save-mask'])).toMatchObject({ maskAction: null, ids: [3], saveMask: true, mask: [[1, 2]] });
  });
  it.each([
    [['mask'], /add, remove, list or clear/],
    [['mask', 'drop'], /got 'drop'/],
    [['mask', 'add'], /needs the ranges/],
    [['mask', 'remove', '3'], /no further arguments/],
    [['mask', 'list', '--mask', '1:2'], /takes no --mask/],
    [['mask', 'add', '--mask', '1:2', '--order', '2'], /--order is for a reduction/],
    [['mask', 'remove', '--mask', '1:2', '--note', 'x'], /--note goes with fringe hi mask add/],
    [['3', '--save-mask'], /give at least one --mask/],
    [['3', '--note', 'x'], /--note goes with/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parse(argv as string[])).toThrow(UsageError);
    expect(() => parse(argv as string[])).toThrow(message);
  });
});

describe('the saved mask applies to every later reduction (CLI, BHARAT l = 40°)', () => {
  const db = join(dir, 'db');
  it('flags the saved ranges, lists them in the JSON, and is edited by fringe hi mask', async () => {
    const imp = await fringe(['import', bharat('040'), '--l', '40', '--b', '0', '--json', '--db', db]);
    expect(imp.code, imp.stderr).toBe(0);
    const id = String((JSON.parse(imp.stdout) as number[])[0]);
    const hi = async (...extra: string[]) => {
      const r = await fringe(['hi', id, '--json', '--db', db, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { mask: { saved: number[][]; given: number[][] }; flags: { mask: number }; velocity: number[]; spectrum: (number | null)[] };
    };
    const before = await hi();
    expect(before.mask).toEqual({ saved: [], given: [] });
    expect(before.flags.mask).toBe(0);
    // Save one range through a reduction, one through mask add.
    const saving = await hi('--mask', '100:110', '--save-mask');
    expect(saving.mask).toEqual({ saved: [[100, 110]], given: [] }); // saved before the reduction, not listed twice
    const add = await fringe(['hi', 'mask', 'add', '--mask', '-60:-50', '--note', 'test carrier', '--json', '--db', db]);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout).ranges.map((r: { lo_kms: number; hi_kms: number }) => [r.lo_kms, r.hi_kms])).toEqual([[-60, -50], [100, 110]]);
    const after = await hi();
    expect(after.mask).toEqual({ saved: [[-60, -50], [100, 110]], given: [] });
    // Exactly the channels in the saved ranges are flagged (null in the spectrum).
    const inMask = after.velocity.filter((v) => (v >= -60 && v <= -50) || (v >= 100 && v <= 110)).length;
    expect(inMask).toBeGreaterThan(0);
    expect(after.flags.mask).toBe(inMask);
    after.velocity.forEach((v, i) => { if ((v >= -60 && v <= -50) || (v >= 100 && v <= 110)) expect(after.spectrum[i]).toBeNull(); });
    const csv = join(dir, 'masked.csv');
    expect((await fringe(['hi', id, '--mask', '300:310', '--out', csv, '--db', db])).code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toMatch(/^# masked \(km\/s, LSR\): -60:-50 \(saved mask\), 100:110 \(saved mask\), 300:310$/m);
    const list = await fringe(['hi', 'mask', 'list', '--db', db]);
    expect(list.stdout).toMatch(/-60 to -50 km\/s \(LSR\)\s+test carrier/);
    expect((await fringe(['hi', 'mask', 'remove', '--mask', '1:2', '--db', db])).code).toBe(1);
    expect((await fringe(['hi', 'mask', 'remove', '--mask', '-60:-50', '--db', db])).code).toBe(0);
    expect((await hi()).mask.saved).toEqual([[100, 110]]);
    expect((await fringe(['hi', 'mask', 'clear', '--db', db])).code).toBe(0);
    expect((await hi()).mask.saved).toEqual([]);
  }, 180_000);
});
