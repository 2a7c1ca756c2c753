import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callistoFileName, defaultCallistoChannels, exportCallisto, exportCallistoSeries, stationOf } from '../../../observations/export/callisto.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, tempDir } from '../fixtures.ts';
import { fitsverify, noAstropy, noFitsverify, python } from './validators.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const c = config({ inputs: 1, channels: 32, mode: 'autos', station: 'FRINGE-NL' });
const start = Date.UTC(2025, 2, 14, 9, 30, 5, 250) / 1000;
const T = 12;
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const site = store.addSite({ name: 'Home', latitude: 52.5, longitude: -4.25, altitude: 30 });
  const rec = store.startObservation({ mode: 'callisto', target: 'Sun', siteId: site.id, config: c, start });
  for (let i = 0; i < T; i++) rec.append(integration(c, i));
  rec.complete();
  id = rec.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** Expected digits [row][time] from the format facts: 8-channel bins, dB, 0.390625 dB/digit above the minimum, highest row first. */
function expectedDigits(): number[][] {
  const M = 8, bin = 4;
  const db: number[][] = [];
  for (let r = 0; r < M; r++) {
    const m = M - 1 - r;
    db.push(Array.from({ length: T }, (_, i) => {
      let s = 0;
      for (let k = 0; k < bin; k++) s += Math.fround(expectedRe(i, m * bin + k));
      return 10 * Math.log10(s / bin / 1000);
    }));
  }
  const floor = Math.min(...db.flat());
  return db.map((row) => row.map((v) => Math.min(255, Math.round((v - floor) / 0.390625))));
}

describe('e-CALLISTO export', () => {
  it('names the file STATION_YYYYMMDD_HHMMSS_FC.fit', () => {
    expect(callistoFileName('FRINGE-NL', start, '01')).toBe('FRINGE-NL_20250314_093005_01.fit');
    expect(() => callistoFileName('bad name', start)).toThrow(/station/);
    expect(() => callistoFileName('X', start, '1')).toThrow(/focus/);
  });

  it('refuses a channel count that does not divide the correlator’s, and a missing station', () => {
    expect(() => exportCallisto(store, id, join(tmp.dir, 'x.fit'), { channels: 5 })).toThrow(/divide/);
  });

  it('writes a file fitsverify finds no errors in (ISO dates)', () => {
    const out = join(tmp.dir, callistoFileName('FRINGE-NL', start));
    exportCallisto(store, id, out, { channels: 8, dateStyle: 'iso' });
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.errors, v.report).toBe(0);
    expect(v.warnings, v.report).toBe(0);
  });

  it('with the network’s YYYY/MM/DD dates, fitsverify’s only complaints are those two date keywords', () => {
    const out = join(tmp.dir, 'net.fit');
    exportCallisto(store, id, out, { channels: 8 });
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.warnings, v.report).toBe(0);
    expect(v.errors, v.report).toBe(2);
    expect(v.report).toMatch(/DATE-OBS: \(from CFITSIO error stack:\)\s+input date string has illegal format:\s+2025\/03\/14/);
    expect(v.report).toMatch(/DATE-END: \(from CFITSIO error stack:\)\s+input date string has illegal format:\s+2025\/03\/14/);
  });

  it.skipIf(noAstropy() !== null)('reads back in astropy with the layout, keywords, digits and axes of formats.md', () => {
    const out = join(tmp.dir, 'c.fit.gz');
    const r = exportCallisto(store, id, out, { channels: 8, gzip: true });
    expect(gunzipSync(readFileSync(out)).length % 2880).toBe(0);
    expect(r.bytes).toBe(readFileSync(out).length);
    const got = python<{ bitpix: number; shape: number[]; data: number[][]; h: Record<string, string | number>; time: number[]; freq: number[]; tforms: string[] }>(`
h = fits.open(path)
hd = h[0].header
keys = ['CONTENT','TELESCOP','INSTRUME','OBJECT','DATE-OBS','TIME-OBS','DATE-END','TIME-END','BUNIT','CRVAL1','CRPIX1','CTYPE1','CDELT1','CRVAL2','CRPIX2','CTYPE2','CDELT2','OBS_LAT','OBS_LAC','OBS_LON','OBS_LOC','OBS_ALT','DATAMIN','DATAMAX','BZERO','BSCALE']
print(json.dumps({'bitpix': hd['BITPIX'], 'shape': list(h[0].data.shape), 'data': h[0].data.astype(int).tolist(),
  'h': {k: hd[k] for k in keys}, 'time': h[1].data['TIME'][0].tolist(), 'freq': h[1].data['FREQUENCY'][0].tolist(),
  'tforms': [h[1].header['TFORM1'], h[1].header['TFORM2']]}))
`, out);
    expect(got.bitpix).toBe(8);
    expect(got.shape).toEqual([8, T]);
    expect(got.data).toEqual(expectedDigits());
    const spf = (32 * 1000) / 2.048e6;
    expect(got.h).toMatchObject({
      CONTENT: '2025/03/14  Radio flux density, e-CALLISTO (FRINGE-NL)', TELESCOP: 'Radio Spectrometer', INSTRUME: 'FRINGE-NL',
      OBJECT: 'Sun', 'DATE-OBS': '2025/03/14', 'TIME-OBS': '09:30:05.250', 'DATE-END': '2025/03/14', BUNIT: 'digits',
      CRPIX1: 0, CTYPE1: 'Time [UT]', CRVAL2: 8, CRPIX2: 0, CTYPE2: 'Frequency [MHz]', CDELT2: -1,
      OBS_LAT: 52.5, OBS_LAC: 'N', OBS_LON: 4.25, OBS_LOC: 'W', OBS_ALT: 30, BZERO: 0, BSCALE: 1, DATAMIN: 0,
    });
    expect(got.h.CRVAL1).toBeCloseTo(9 * 3600 + 30 * 60 + 5.25, 6);
    expect(got.h.CDELT1).toBeCloseTo(spf, 9);
    expect(got.h['TIME-END']).toBe(new Date(Math.round((start + T * spf) * 1000)).toISOString().slice(11, 23));
    expect(got.tforms).toEqual([`${T}D8.3`, '8D8.3']);
    got.time.forEach((t, i) => expect(t).toBeCloseTo(i * spf, 9));
    // Rows from the highest frequency: bin centres of 4 channels of 64 kHz around 1420.4 MHz.
    const fc = 1420.4, df = 2.048 / 32;
    const bins = Array.from({ length: 8 }, (_, m) => fc + ((m * 4 + 1.5) - 16) * df).reverse();
    got.freq.forEach((f, r) => expect(f).toBeCloseTo(bins[r]!, 9));
  });

  it('splits a long observation into quarter-hour files named after their first sample', () => {
    // One integration a minute from 14:10:30 to 14:39:30 UTC.
    const cm = config({ inputs: 1, channels: 32, mode: 'autos', station: 'FRINGE-NL' });
    cm.fx.spectraPerIntegration = 3_840_000; // 32 × 3.84e6 / 2.048 MHz = 60 s
    const t0 = Date.UTC(2025, 2, 14, 14, 10, 30) / 1000;
    const rec = store.startObservation({ mode: 'callisto', target: 'Sun', config: cm, start: t0 });
    for (let i = 0; i < 30; i++) rec.append(integration(cm, i));
    rec.complete();
    const dir = join(tmp.dir, 'series');
    mkdirSync(dir);
    const files = exportCallistoSeries(store, rec.id, dir, { channels: 8 });
    expect(readdirSync(dir).sort()).toEqual(['FRINGE-NL_20250314_141030_01.fit', 'FRINGE-NL_20250314_141530_01.fit', 'FRINGE-NL_20250314_143030_01.fit']);
    const cards = (f: string): Record<string, string> => {
      const h = readFileSync(f).subarray(0, 2880 * 2).toString('latin1');
      const out: Record<string, string> = {};
      for (let i = 0; i < h.length; i += 80) {
        const c = h.slice(i, i + 80);
        if (c.startsWith('END ')) break;
        if (c[8] === '=') out[c.slice(0, 8).trim()] = c.slice(10).split(' / ')[0]!.trim();
      }
      return out;
    };
    expect(files.map((f) => Number(cards(f.path).NAXIS1))).toEqual([5, 15, 10]);
    expect(files.map((f) => cards(f.path)['TIME-OBS'])).toEqual(["'14:10:30.000'", "'14:15:30.000'", "'14:30:30.000'"]);
    expect(cards(files[1]!.path)['TIME-END']).toBe("'14:30:30.000'");
  });

  it('the default export of the default 1024-channel observation writes 128 channels (it failed: "channels must be 1…400 and divide 1024")', () => {
    expect([1024, 2048, 512, 400, 256, 200, 100, 32, 7].map(defaultCallistoChannels)).toEqual([128, 128, 128, 200, 128, 200, 100, 32, 7]);
    const c1024 = config({ inputs: 1, channels: 1024, mode: 'autos', station: undefined });
    const rec = store.startObservation({ mode: 'spectrum', target: 'Sun', config: c1024, start });
    for (let i = 0; i < 3; i++) rec.append(integration(c1024, i));
    rec.complete();
    // No station anywhere: the upload's default station names the file as the network does.
    const obs = store.getObservation(rec.id);
    const out = join(tmp.dir, callistoFileName(stationOf(obs), obs.start));
    expect(out.endsWith('FRINGE_20250314_093005_01.fit')).toBe(true);
    exportCallisto(store, rec.id, out);
    const h = readFileSync(out).subarray(0, 2880 * 2).toString('latin1');
    expect(h).toMatch(/NAXIS2  = +128 \//);
    expect(h).toMatch(/INSTRUME= 'FRINGE +'/);
    // Each row is the mean of 8 whole channels: row 0 (highest) holds channels 1016…1023 of integration 0.
    const data = readFileSync(out).subarray(2 * 2880, 2 * 2880 + 128 * 3); // the header fills two blocks
    const dbOf = (i: number, m: number): number => {
      let s = 0;
      for (let k = 0; k < 8; k++) s += Math.fround(expectedRe(i, m * 8 + k));
      return 10 * Math.log10(s / 8 / 1000);
    };
    const floor = dbOf(0, 0);
    expect(data[0]).toBe(Math.min(255, Math.round((dbOf(0, 127) - floor) / 0.390625)));
    expect(data[127 * 3]).toBe(0);
  });

  it('writes the site the observation recorded in its config when it references no site row (OBS_LAT/OBS_LON/OBS_ALT)', () => {
    const rec = store.startObservation({ mode: 'callisto', target: 'Sun', config: { ...c, site: { name: 'Roof', lat: -33.9, lon: 18.4, altitude: 40 } }, start });
    for (let i = 0; i < 3; i++) rec.append(integration(c, i));
    rec.complete();
    const out = join(tmp.dir, 'roof.fit');
    exportCallisto(store, rec.id, out, { channels: 8 });
    const head = readFileSync(out).subarray(0, 2880 * 2).toString('latin1');
    expect(head).toMatch(/OBS_LAT = +33\.9 /);
    expect(head).toMatch(/OBS_LAC = 'S +'/);
    expect(head).toMatch(/OBS_LON = +18\.4 /);
    expect(head).toMatch(/OBS_LOC = 'E +'/);
    expect(head).toMatch(/OBS_ALT = +40\.0 /);
  });
});
