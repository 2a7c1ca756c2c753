import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stationWithObservation } from '../../helpers/station.ts';

let fixture: ReturnType<typeof stationWithObservation>;
let call: ReturnType<typeof stationWithObservation>['call'];
let id: number;
let dir: string;

beforeAll(() => {
  fixture = stationWithObservation('fringe-summary-');
  ({ call, id, dir } = fixture);
});
afterAll(() => fixture.close());

describe('observations.summary and observations.export', () => {
  it('gives the mean spectrum and the total power per integration, known values', async () => {
    const s = (await call('observations.summary', { id })) as { frequency: number[]; spectrum: number[][]; time: number[]; power: number[][]; step: number };
    // Integration i holds 1 + 1000 i + j/2 in channel j, over 1000 spectra (fixtures.ts).
    expect(s.spectrum).toHaveLength(1);
    s.spectrum[0]!.forEach((v, j) => expect(v).toBeCloseTo((1 + 1000 + j / 2) / 1000, 9));
    s.power[0]!.forEach((v, i) => expect(v).toBeCloseTo((16 + 16_000 * i + 60) / 1000, 6));
    expect(s.frequency[8]).toBe(1420.4e6);
    expect(s.frequency[1]! - s.frequency[0]!).toBe(2.048e6 / 16);
    // Integration i starts at start + i·C·K / rate.
    expect(s.time).toEqual([0, 1, 2].map((i) => 1_790_000_000 + (i * 16 * 1000) / 2.048e6));
    expect(s.step).toBe(1);
  });

  it('writes FITS and CSV exports into the data folder', async () => {
    const fits = (await call('observations.export', { id, format: 'fits' })) as { name: string; path: string; bytes: number };
    expect(fits.name).toBe(`fringe-${id}-20260921T141320Z.fits`);
    expect(fits.path.startsWith(dir)).toBe(true);
    expect(readFileSync(fits.path).subarray(0, 9).toString('latin1')).toBe('SIMPLE  =');
    const csv = (await call('observations.export', { id, format: 'csv', kind: 'spectrum' })) as { path: string };
    // The header first (issue 17: no # lines, for pandas); what it is, in the CSVW sidecar beside it.
    expect(readFileSync(csv.path, 'utf8')).toMatch(/^frequency_hz,power_/);
    expect(readFileSync(`${csv.path}-metadata.json`, 'utf8')).toMatch(/"dc:title": "Fringe observation \d+: .*\(mean spectrum\)"/);
    await expect(call('observations.export', { id, format: 'sigmf' })).rejects.toThrow(/format/);
    await expect(call('observations.summary', { id: 999 })).rejects.toMatchObject({ kind: 'failed' });
  });
});
