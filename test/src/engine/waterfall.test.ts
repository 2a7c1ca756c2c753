/**
 * An observation's waterfall (issue 17: the recording's own waterfall on its
 * page): rows are the integrations' mean power per spectrum, columns the
 * channels averaged in pairs past 512, rows averaged past 400; each value
 * checked against the fixture's known visibilities.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { maxColumns, maxRows, waterfall } from '../../../src/engine/waterfall.ts';
import { config, expectedRe, integration, tempDir } from '../../observations/fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeAll(() => {
  tmp = tempDir('fringe-waterfall-');
  store = Store.open(tmp.dir);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

function observe(inputs: number, channels: number, n: number, mode: 'autos' | 'full'): number {
  const c = config({ inputs, channels, mode });
  const rec = store.startObservation({ mode: 'spectrum', target: 'Sun', start: 1_790_000_000, config: c });
  for (let i = 0; i < n; i++) rec.append(integration(c, i, 500 + i));
  rec.complete();
  return rec.id;
}

describe('observation waterfall', () => {
  it('one row per integration, each channel its mean power per spectrum, times ascending', () => {
    const id = observe(2, 16, 5, 'full');
    const w = waterfall(store, id, 1);
    expect(w).toMatchObject({ id, input: 1, step: 1, channelsPerColumn: 1 });
    expect(w.power).toHaveLength(5);
    expect(w.frequency).toHaveLength(16);
    expect(w.frequency[8]).toBe(1420.4e6); // fft-shifted: the centre channel is the tuned frequency
    // input 1 of 2 in full mode is product 2 (0-0, 0-1, 1-1)
    for (let i = 0; i < 5; i++) for (let j = 0; j < 16; j++) expect(w.power[i]![j]).toBeCloseTo(Math.fround(expectedRe(i, 2 * 16 + j)) / (500 + i), 9);
    expect(w.time.every((t, k) => k === 0 || t > w.time[k - 1]!)).toBe(true);
    expect(() => waterfall(store, id, 2)).toThrow(/input must be 0…1/);
  });

  it('averages down a long, wide observation to at most 400 rows and 512 columns', () => {
    const n = 2 * maxRows + 3, C = 2 * maxColumns;
    const id = observe(1, C, n, 'autos');
    const w = waterfall(store, id);
    expect(w.step).toBe(3);
    expect(w.power).toHaveLength(Math.ceil(n / 3));
    expect(w.channelsPerColumn).toBe(2);
    expect(w.frequency).toHaveLength(maxColumns);
    // row 1 = integrations 3, 4, 5; column 7 = channels 14, 15
    const cell = (i: number, j: number) => Math.fround(expectedRe(i, j)) / (500 + i);
    const want = [3, 4, 5].reduce((s, i) => s + (cell(i, 14) + cell(i, 15)) / 2, 0) / 3;
    expect(w.power[1]![7]).toBeCloseTo(want, 6);
    // the last row holds the 2 integrations left over
    expect(w.power.at(-1)![0]).toBeCloseTo([n - 2, n - 1].reduce((s, i) => s + (cell(i, 0) + cell(i, 1)) / 2, 0) / 2, 6);
  });
});
