import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvMetadataPath, exportCsv } from '../../../observations/export/csv.ts';
import { exportObservation } from '../../../observations/export/index.ts';
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

/** Debian's pandas under /usr/bin/python3 (scripts/install-system-deps.sh), or why not. */
const noPandas = spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0
  ? null : 'needs python3-pandas under /usr/bin/python3 (scripts/install-system-deps.sh)';

/** `pandas.read_csv(path)` with no options: the columns, their dtypes and the values as JSON. */
function pandasReadCsv(path: string): { columns: string[]; dtypes: string[]; rows: (string | number | null)[][] } {
  const script = `import sys, json, pandas
df = pandas.read_csv(sys.argv[1])
print(json.dumps({'columns': list(df.columns), 'dtypes': [str(t) for t in df.dtypes], 'rows': json.loads(df.to_json(orient='values', double_precision=15))}))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as never;
}

describe('CSV export', () => {
  it('writes the total power series with a header of units', () => {
    const out = join(tmp.dir, 'p.csv');
    let last = 0;
    exportCsv(store, id, out, { onProgress: (d) => { last = d; } });
    expect(last).toBe(4);
    const { comments, header, rows } = parse(readFileSync(out, 'utf8'));
    // The units and the observation: in the sidecar, no comment lines (issue 17).
    expect(comments).toEqual([]);
    const meta = readFileSync(csvMetadataPath(out), 'utf8');
    expect(meta).toMatch(/s since 1970-01-01 UTC/);
    expect(meta).toMatch(/drift of Sun, quiet/);
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

  it.skipIf(noPandas !== null)('loads with plain pandas.read_csv(path) (it failed: "Expected 3 fields in line 5, saw 8")', () => {
    const out = join(tmp.dir, 'pandas-power.csv');
    exportCsv(store, id, out);
    const p = pandasReadCsv(out);
    expect(p.columns).toEqual(['utc', 'unix_s', 'mjd', 'duration_s', 'spectra', 'power_ANT1', 'power_ANT2', 'dropped_ANT1', 'dropped_ANT2', 'clipped_ANT1', 'clipped_ANT2']);
    expect(p.dtypes).toEqual(['object', 'float64', 'float64', 'float64', 'int64', 'float64', 'float64', 'int64', 'int64', 'int64', 'int64']);
    expect(p.rows).toHaveLength(4);
    const spf = (8 * 1000) / 2.048e6;
    p.rows.forEach((r, i) => {
      expect(r[1] as number).toBeCloseTo(start + i * spf, 6);
      let s0 = 0;
      for (let j = 0; j < 8; j++) s0 += auto(i, 0, j);
      expect(r[5] as number).toBeCloseTo(s0 / 250, 9);
      expect(r[7]).toBe(i);
    });
    const spectrum = join(tmp.dir, 'pandas-spectrum.csv');
    exportCsv(store, id, spectrum, { kind: 'spectrum' });
    const q = pandasReadCsv(spectrum);
    expect(q.columns).toEqual(['frequency_hz', 'power_ANT1', 'power_ANT2']);
    expect(q.dtypes.slice(1)).toEqual(['float64', 'float64']); // frequency_hz: int64 here, whole Hz
    expect(q.rows).toHaveLength(8);
    expect(q.rows[4]![0]).toBe(1420.4e6);
  });

  it('describes the observation and every column, with its unit, in a CSVW sidecar PATH-metadata.json written with the CSV', () => {
    mkdirSync(join(tmp.dir, 'sidecar'));
    const out = join(tmp.dir, 'sidecar', 'fringe-1-power.csv');
    const rec = exportObservation(store, id, 'csv', out, {});
    expect(rec.files).toEqual([out, `${out}-metadata.json`]);
    // Both in place under their final names, nothing staged left beside them.
    expect(readdirSync(join(tmp.dir, 'sidecar')).sort()).toEqual(['fringe-1-power.csv', 'fringe-1-power.csv-metadata.json']);
    const meta = JSON.parse(readFileSync(`${out}-metadata.json`, 'utf8')) as {
      '@context': string; url: string; tableSchema: { columns: { name: string; titles: string; datatype: string; 'dc:description': string }[] };
      notes: { observation: number; target: string; center_frequency_hz: number; sample_rate_hz: number; channels: number }[];
    };
    expect(meta['@context']).toBe('http://www.w3.org/ns/csvw');
    expect(meta.url).toBe('fringe-1-power.csv');
    const { header } = parse(readFileSync(out, 'utf8'));
    expect(meta.tableSchema.columns.map((c) => c.titles)).toEqual(header);
    expect(meta.tableSchema.columns.map((c) => c.name)).toEqual(header);
    const byTitle = Object.fromEntries(meta.tableSchema.columns.map((c) => [c.titles, c]));
    expect(byTitle.unix_s).toMatchObject({ datatype: 'double', 'dc:description': expect.stringMatching(/\(s since 1970-01-01 UTC\)/) });
    expect(byTitle.mjd!['dc:description']).toMatch(/days/);
    expect(byTitle.duration_s!['dc:description']).toMatch(/\(s\)/);
    expect(byTitle.power_ANT2!['dc:description']).toMatch(/input 1 \(ANT2\).*arbitrary units/);
    expect(byTitle.dropped_ANT1).toMatchObject({ datatype: 'integer' });
    expect(meta.notes[0]).toMatchObject({ observation: id, target: 'Sun, quiet', center_frequency_hz: 1420.4e6, sample_rate_hz: 2.048e6, channels: 8 });
  });

  it('refuses an unknown kind', () => {
    expect(() => exportCsv(store, id, join(tmp.dir, 'x.csv'), { kind: 'nope' as 'power' })).toThrow(/kind/);
  });
});
