import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../../observations/export/csv.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const c = config({ inputs: 2, channels: 8, mode: 'autos' });
const start = 1_700_000_000;
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const rec = store.startObservation({ mode: 'drift', target: 'Sun, quiet', config: c, start });
  for (let i = 0; i < 4; i++) {
    const it = integration(c, i, 250);
    it.dropped = [i, 0];
    rec.append(it);
  }
  rec.complete();
  id = rec.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

function parse(text: string): { comments: string[]; header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  const comments = lines.filter((l) => l.startsWith('#'));
  const [header, ...rows] = lines.filter((l) => !l.startsWith('#')).map((l) => l.split(','));
  return { comments, header: header!, rows };
}

const auto = (i: number, a: number, j: number): number => Math.fround(expectedRe(i, a * 8 + j));

describe('CSV export', () => {
  it('writes the total power series with a header of units', () => {
    const out = join(tmp.dir, 'p.csv');
    let last = 0;
    exportCsv(store, id, out, { onProgress: (d) => { last = d; } });
    expect(last).toBe(4);
    const { comments, header, rows } = parse(readFileSync(out, 'utf8'));
    expect(comments.join('\n')).toMatch(/unix_s s since 1970-01-01 UTC/);
    expect(comments.join('\n')).toMatch(/target Sun, quiet/);
    expect(header).toEqual(['utc', 'unix_s', 'mjd', 'duration_s', 'spectra', 'power_ANT1', 'power_ANT2', 'dropped_ANT1', 'dropped_ANT2', 'clipped_ANT1', 'clipped_ANT2']);
    expect(rows).toHaveLength(4);
    const spf = (8 * 1000) / 2.048e6;
    rows.forEach((r, i) => {
      expect(Number(r[1])).toBeCloseTo(start + i * spf, 6);
      expect(new Date(r[0]!).getTime() / 1000).toBeCloseTo(start + i * spf, 3);
      expect(Number(r[2])).toBeCloseTo((start + i * spf) / 86400 + 40587, 8);
      expect(Number(r[4])).toBe(250);
      for (let a = 0; a < 2; a++) {
        let s = 0;
        for (let j = 0; j < 8; j++) s += auto(i, a, j);
        expect(Number(r[5 + a])).toBeCloseTo(s / 250, 9);
      }
      expect(r.slice(7, 9)).toEqual([String(i), '0']);
    });
  });

  it('writes the mean spectrum per channel', () => {
    const out = join(tmp.dir, 's.csv');
    exportCsv(store, id, out, { kind: 'spectrum' });
    const { header, rows } = parse(readFileSync(out, 'utf8'));
    expect(header).toEqual(['frequency_hz', 'power_ANT1', 'power_ANT2']);
    expect(rows).toHaveLength(8);
    expect(Number(rows[4]![0])).toBe(1420.4e6);
    expect(Number(rows[0]![0])).toBe(1420.4e6 - 1.024e6);
    const mean = [0, 1, 2, 3].reduce((s, i) => s + auto(i, 1, 3) / 250, 0) / 4;
    expect(Number(rows[3]![2])).toBeCloseTo(mean, 9);
  });

  it('refuses an unknown kind', () => {
    expect(() => exportCsv(store, id, join(tmp.dir, 'x.csv'), { kind: 'nope' as 'power' })).toThrow(/kind/);
  });
});
