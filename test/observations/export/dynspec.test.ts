import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFitsDynamicSpectrum } from '../../../observations/export/dynspec.ts';
import { channelFrequencies } from '../../../observations/export/common.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, tempDir } from '../fixtures.ts';
import { fitsverify, noAstropy, noFitsverify, python } from './validators.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const c = config({ inputs: 2, channels: 16 });
const start = 1_718_000_000.25;
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const rec = store.startObservation({ mode: 'drift', target: 'Sun', config: c, start });
  for (let i = 0; i < 7; i++) rec.append(integration(c, i, 500 + i));
  rec.complete();
  id = rec.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** Mean auto power of input a, channel j, integration i as the fixture made it. */
const expected = (a: number, i: number, j: number): number => {
  const p = a === 0 ? 0 : 2; // products (0,0),(0,1),(1,1)
  return Math.fround(expectedRe(i, p * 16 + j)) / (500 + i);
};

describe('FITS dynamic spectrum export', () => {
  it('writes a file fitsverify finds no errors in, and reports progress', () => {
    const out = join(tmp.dir, 'dyn.fits');
    const seen: number[] = [];
    const r = exportFitsDynamicSpectrum(store, id, out, { onProgress: (d, t) => seen.push(d / t) });
    expect(r.bytes % 2880).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(7);
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.errors, v.report).toBe(0);
    expect(v.warnings, v.report).toBe(0);
  });

  it.skipIf(noAstropy() !== null)('reads back in astropy with the values, WCS and exact axes', () => {
    const out = join(tmp.dir, 'dyn2.fits');
    exportFitsDynamicSpectrum(store, id, out);
    const r = python<{ shape: number[]; d0: number[][]; d1: number[][]; hdr: Record<string, unknown>; time: number[]; freq: number[]; spec: number[]; wcsf: number[] }>(`
h = fits.open(path)
from astropy.wcs import WCS
w = WCS(h[0].header)
f = w.wcs_pix2world(np.arange(16), np.zeros(16), 0)[0]
print(json.dumps({
  'shape': list(h[0].data.shape),
  'd0': h[0].data.astype(float).tolist(), 'd1': h['DYNSPEC1'].data.astype(float).tolist(),
  'hdr': {k: h[0].header[k] for k in ['DATE-OBS', 'CTYPE1', 'CUNIT1', 'CRVAL1', 'CDELT1', 'CTYPE2', 'OBJECT']},
  'time': h['AXES'].data['TIME'][0].tolist(), 'freq': h['AXES'].data['FREQUENCY'][0].tolist(),
  'spec': h['SPECTRUM'].data['POWER1'].astype(float).tolist(), 'wcsf': f.tolist()}))
`, out);
    expect(r.shape).toEqual([7, 16]);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 16; j++) {
        expect(r.d0[i]![j]).toBeCloseTo(Math.fround(expected(0, i, j)), 3);
        expect(r.d1[i]![j]).toBeCloseTo(Math.fround(expected(1, i, j)), 3);
      }
    }
    expect(r.hdr).toMatchObject({ 'DATE-OBS': '2024-06-10T06:13:20.250', CTYPE1: 'FREQ', CUNIT1: 'Hz', CTYPE2: 'TIME', OBJECT: 'Sun' });
    const freqs = Array.from(channelFrequencies(c));
    expect(r.freq).toEqual(freqs);
    for (let j = 0; j < 16; j++) expect(r.wcsf[j]).toBeCloseTo(freqs[j]!, 3);
    const spf = (16 * 1000) / 2.048e6;
    r.time.forEach((t, i) => expect(t).toBeCloseTo(i * spf, 9));
    const meanCh3 = [0, 1, 2, 3, 4, 5, 6].reduce((s, i) => s + Math.fround(expected(1, i, 3)), 0) / 7;
    expect(r.spec[3]).toBeCloseTo(meanCh3, 2);
  });

  it('makes non-ASCII target and antenna names FITS-safe instead of failing', () => {
    const cu = config({ inputs: 1, channels: 8, mode: 'autos' });
    cu.antennas = [{ name: 'Schüssel', east: 0, north: 0, up: 0 }];
    const rec = store.startObservation({ mode: 'drift', target: 'Cas A — Sonne ☉', config: cu, start });
    rec.append(integration(cu, 0));
    rec.complete();
    const out = join(tmp.dir, 'utf.fits');
    exportFitsDynamicSpectrum(store, rec.id, out);
    const head = readFileSync(out).subarray(0, 2880).toString('latin1');
    expect(head).toContain("OBJECT  = 'Cas A ? Sonne ?'");
    expect(head).toContain("ANTENNA = 'Schussel'");
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    expect(fitsverify(out).errors).toBe(0);
  });
});
