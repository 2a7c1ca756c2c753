/** The hi.spectrum and hi.survey API methods apply the user's saved HI mask (hi-mask.json in the store's data folder) and list it. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../../observations/import/index.ts';
import { Store } from '../../../observations/store/store.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { describeEquatorial, galacticToEquatorial } from '../../../src/astro/galactic.ts';
import { addHiMask, clearHiMask } from '../../../src/engine/hi-mask.ts';
import type { Station } from '../../../src/engine/station.ts';
import { tempDir } from '../../observations/fixtures.ts';

const bharat = new URL('../../../../shared/data/real/hi-bharat-horn-rtlsdr/', import.meta.url).pathname;
let tmp: ReturnType<typeof tempDir>;
let store: Store;
let call: ReturnType<typeof dispatcher>;
const ids: number[] = [];
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  // The hi methods use only the station's store.
  call = dispatcher({ store } as unknown as Station);
  for (const l of [30, 50]) {
    const [r] = importFiles(store, [join(bharat, `0${l}.csv`)], { softwareVersion: 'test', describe: () => ({}) as never }, {
      pointing: { l, b: 0 },
      locate: (_site, spec) => {
        const g = spec as { l: number; b: number };
        return { ...describeEquatorial(galacticToEquatorial(g.l, g.b).ra, galacticToEquatorial(g.l, g.b).dec), l: g.l, b: g.b };
      },
    });
    ids.push(r!.id);
  }
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

type View = { mask: { saved: number[][]; given: number[][] }; flags: { mask: number }; velocity: number[]; spectrum: (number | null)[] };
const inRange = (v: number, ranges: number[][]) => ranges.some(([lo, hi]) => v >= lo! && v <= hi!);

describe('hi.spectrum and hi.survey with a saved mask', () => {
  it('flag exactly the saved and the given ranges and list both', async () => {
    const plain = (await call('hi.spectrum', { id: ids[0] })) as View;
    expect(plain.mask).toEqual({ saved: [], given: [] });
    expect(plain.flags.mask).toBe(0);
    addHiMask(tmp.dir, [-40, -30]);
    const r = (await call('hi.spectrum', { id: ids[0], mask: [[150, 160]] })) as View;
    expect(r.mask).toEqual({ saved: [[-40, -30]], given: [[150, 160]] });
    const ranges = [[-40, -30], [150, 160]];
    const n = r.velocity.filter((v) => inRange(v, ranges)).length;
    expect(n).toBeGreaterThan(4);
    expect(r.flags.mask).toBe(n);
    r.velocity.forEach((v, i) => { if (inRange(v, ranges)) expect(r.spectrum[i]).toBeNull(); else expect(plain.spectrum[i] === null || r.spectrum[i] !== null).toBe(true); });
  });
  it('the survey reduces each observation with the saved mask: masking the terminal wing moves the terminal velocity', async () => {
    clearHiMask(tmp.dir);
    type Survey = { points: { l_deg: number; terminal_velocity_kms: number }[]; skipped: { id: number }[] };
    const before = (await call('hi.survey', { ids })) as Survey;
    const p30 = before.points.find((p) => p.l_deg === 30)!;
    expect(p30.terminal_velocity_kms).toBeGreaterThan(80);
    addHiMask(tmp.dir, [p30.terminal_velocity_kms - 30, p30.terminal_velocity_kms + 60]);
    const after = (await call('hi.survey', { ids })) as Survey;
    const q30 = after.points.find((p) => p.l_deg === 30);
    // Either the point is dropped (the wing is gone) or its terminal velocity now lies below the masked range.
    if (q30) expect(q30.terminal_velocity_kms).toBeLessThan(p30.terminal_velocity_kms - 25);
    else expect(after.skipped.map((k) => k.id)).toContain(ids[0]);
    const one = (await call('hi.spectrum', { id: ids[1] })) as View;
    expect(one.mask.saved).toEqual([[p30.terminal_velocity_kms - 30, p30.terminal_velocity_kms + 60]]);
  });
  it('hi.mask.add, list and remove edit the same mask the reductions read; bad ranges are refused', async () => {
    clearHiMask(tmp.dir);
    const added = (await call('hi.mask.add', { range: [10, 12], note: 'local carrier' })) as { file: string; ranges: { lo_kms: number; hi_kms: number; note?: string }[] };
    expect(added.file).toBe(join(tmp.dir, 'hi-mask.json'));
    expect(added.ranges).toMatchObject([{ lo_kms: 10, hi_kms: 12, note: 'local carrier' }]);
    expect(((await call('hi.mask.list', {})) as { ranges: unknown[] }).ranges).toHaveLength(1);
    expect(((await call('hi.spectrum', { id: ids[0] })) as View).mask.saved).toEqual([[10, 12]]);
    await expect(call('hi.mask.add', { range: [12, 10] })).rejects.toThrow(/lo below hi/);
    await expect(call('hi.mask.remove', { range: [1, 2] })).rejects.toThrow(/not in the saved mask/);
    expect(((await call('hi.mask.remove', { range: [10, 12] })) as { ranges: unknown[] }).ranges).toEqual([]);
    expect(((await call('hi.spectrum', { id: ids[0] })) as View).mask.saved).toEqual([]);
  });
});
