/** HI exports say their velocity frame: FITS SPECSYS/SSYSOBS/VLSRCORR and the CSVW sidecar's velocity_frame, checked against src/astro/velocity.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvMetadataPath, exportCsv } from '../../../observations/export/csv.ts';
import { exportFitsDynamicSpectrum } from '../../../observations/export/dynspec.ts';
import { Store } from '../../../observations/store/store.ts';
import { lsrCorrection } from '../../../src/astro/velocity.ts';
import { config, integration, tempDir } from '../fixtures.ts';
import { fitsverify, noAstropy, noFitsverify, python } from './validators.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
const start = 1_718_000_000.25;
const site = { name: 'Roof', lat: 52.1, lon: 5.2, altitude: 12 };
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** An HI-band observation (site and pointing as given; imported as LSR spectra when `imported`). */
function hiObservation(opts: { ra?: number; dec?: number; site?: boolean; imported?: Record<string, unknown>; centre?: number; at?: number } = {}): number {
  const cg = config({ inputs: 1, channels: 16, mode: 'autos' });
  cg.tuning = { ...cg.tuning, centerFrequency: opts.centre ?? 1420.4e6 };
  if (opts.site !== false) cg.site = site;
  cg.pointing = { ra: opts.ra ?? 300, dec: opts.dec ?? 20, l: 57, b: -4 };
  if (opts.imported) (cg as { imported?: unknown }).imported = opts.imported;
  const rec = store.startObservation({ mode: 'drift', target: 'HI', config: cg, start: opts.at ?? start });
  for (let i = 0; i < 3; i++) rec.append(integration(cg, i));
  rec.complete();
  return rec.id;
}

/** The primary header's cards as key → raw value text. */
function header(path: string): Map<string, string> {
  const text = readFileSync(path).subarray(0, 2880 * 4).toString('latin1');
  const cards = new Map<string, string>();
  for (let k = 0; k + 80 <= text.length; k += 80) {
    const c = text.slice(k, k + 80);
    if (c.startsWith('END ')) break;
    if (c[8] === '=') cards.set(c.slice(0, 8).trim(), c.slice(10).split('/')[0]!.trim().replace(/^'(.*)'$/, '$1').trim());
  }
  return cards;
}

describe('FITS: the velocity frame and the LSR correction', () => {
  it.each([
    [300, 20, start],
    [83.6, 22, start + 180 * 86400], // half a year on: the Earth's orbital velocity projects the other way
    [266.4, -28.9, start + 90 * 86400],
  ])('RA %f, Dec %f: SPECSYS/SSYSOBS TOPOCENT and VLSRCORR = lsrCorrection at the first integration (m/s); fitsverify clean', (ra, dec, at) => {
    const id = hiObservation({ ra, dec, at });
    const out = join(tmp.dir, `frame-${ra}.fits`);
    exportFitsDynamicSpectrum(store, id, out);
    const h = header(out);
    const t0 = store.integrationTimes(id)[0]!.time;
    const want = lsrCorrection(site, new Date(t0 * 1000), ra, dec) * 1000;
    expect(h.get('SPECSYS')).toBe('TOPOCENT');
    expect(h.get('SSYSOBS')).toBe('TOPOCENT');
    expect(h.get('VELREF')).toBe('259');
    expect(Math.abs(Number(h.get('VLSRCORR')) - want)).toBeLessThan(0.06);
    expect(Math.abs(want)).toBeGreaterThan(1000); // a real correction, not a default 0
    expect(h.get('VLSRTIME')).toBe(new Date(t0 * 1000).toISOString().replace(/Z$/, ''));
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.errors, v.report).toBe(0);
    expect(v.warnings, v.report).toBe(0);
  });
  it.skipIf(noAstropy() !== null)('AXES carries VLSRCORR per integration (m/s, at its middle, for the pointing then: the dish moved once); fitsverify clean', () => {
    const cg = config({ inputs: 1, channels: 16, mode: 'autos' });
    cg.tuning = { ...cg.tuning, centerFrequency: 1420.4e6 };
    cg.site = site;
    cg.pointing = { ra: 300, dec: 20 };
    const rec = store.startObservation({ mode: 'drift', target: 'HI', config: cg, start });
    for (let i = 0; i < 4; i++) rec.append(integration(cg, i));
    const times = () => store.integrationTimes(rec.id);
    rec.event('pointing', { ra: 120, dec: -10 }, start + 0.02);
    rec.complete();
    const out = join(tmp.dir, 'axes.fits');
    exportFitsDynamicSpectrum(store, rec.id, out);
    const got = python<number[]>(`
h = fits.open(path)
print(json.dumps([float(x) for x in h['AXES'].data['VLSRCORR'][0]]))
`, out);
    const want = times().map((t) => {
      const mid = t.time + t.duration / 2;
      const [ra, dec] = mid >= start + 0.02 ? [120, -10] : [300, 20];
      return lsrCorrection(site, new Date(mid * 1000), ra, dec) * 1000;
    });
    expect(got.length).toBe(4);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    expect(new Set(got.map((v) => Math.round(v / 1000))).size).toBe(2); // both pointings appear
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.errors, v.report).toBe(0);
    expect(v.warnings, v.report).toBe(0);
  });
  it('spectra imported in the LSR are SPECSYS LSRK with VLSRCORR 0 (no SSYSOBS: the observing frame is not known)', () => {
    const out = join(tmp.dir, 'lsr.fits');
    exportFitsDynamicSpectrum(store, hiObservation({ imported: { frame: 'lsr', format: 'csv' } }), out);
    const h = header(out);
    expect([h.get('SPECSYS'), h.get('SSYSOBS'), h.get('VELREF'), h.get('VLSRCORR')]).toEqual(['LSRK', undefined, '257', '0.0']);
  });
  it('without a site the correction is not invented: TOPOCENT and no VLSRCORR', () => {
    const out = join(tmp.dir, 'nosite.fits');
    exportFitsDynamicSpectrum(store, hiObservation({ site: false }), out);
    const h = header(out);
    expect(h.get('SPECSYS')).toBe('TOPOCENT');
    expect(h.has('VLSRCORR')).toBe(false);
  });
});

describe('CSV: the CSVW sidecar names the frame and the correction', () => {
  it('velocity_frame: topocentric with lsr_correction_kms = lsrCorrection at the start; null outside the HI band', () => {
    const id = hiObservation({ ra: 300, dec: 20 });
    const out = join(tmp.dir, 'frame.csv');
    exportCsv(store, id, out, { kind: 'spectrum' });
    const f = JSON.parse(readFileSync(csvMetadataPath(out), 'utf8')).notes[0].velocity_frame;
    expect(f).toMatchObject({ frame: 'topocentric', rest_frequency_hz: 1420405751.768, at_utc: new Date(start * 1000).toISOString() });
    expect(f.definition).toMatch(/kinematic LSR/);
    expect(f.lsr_correction_kms).toBeCloseTo(lsrCorrection(site, new Date(start * 1000), 300, 20), 6);
    const off = join(tmp.dir, 'off.csv');
    exportCsv(store, hiObservation({ centre: 1000e6 }), off, { kind: 'spectrum' });
    expect(JSON.parse(readFileSync(csvMetadataPath(off), 'utf8')).notes[0].velocity_frame).toBeNull();
  });
});
