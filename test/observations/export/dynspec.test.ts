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

describe('FITS dynamic spectrum: true times and coordinates', () => {
  /** A simulated drift: site, pointing (with l/b), sky clock and source recorded; integrations gapped; the dish moved once. */
  function gappedDrift(centerFrequency = 1420.4e6): number {
    const cg = config({ inputs: 1, channels: 16, mode: 'autos' });
    cg.tuning = { ...cg.tuning, centerFrequency };
    cg.site = { name: 'Roof', lat: 52.1, lon: 5.2, altitude: 12 };
    cg.pointing = { ra: 266.4, dec: -28.9, az: 180, el: 9.1, l: 0.1, b: -0.05, source: 'scenario' };
    cg.clock = { kind: 'simulated', speed: 60 };
    cg.source = { spec: 'sim', kind: 'sim', name: 'sim: antenna 0 (dish)', scenario: 'sun-drift' };
    const rec = store.startObservation({ mode: 'drift', target: 'Sun', config: cg, start });
    // Integrations of 1000 spectra of 16 channels (7.8125 ms) starting at these multiples: gaps after 2 and 6.
    [0, 1, 2, 5, 6, 10].forEach((k, i) => rec.append({ ...integration(cg, i), firstSample: k * 16 * 1000 }));
    rec.event('pointing', { ra: 267, dec: -28, az: 181, el: 10, l: 1, b: 0.2, source: 'rotator' }, start + 0.02);
    rec.complete();
    return rec.id;
  }
  const step = (16 * 1000) / 2.048e6;

  it('FITS WCS time axis: the last row of a gapped observation is at its true time, not at rows × the nominal step (TIME-TAB into AXES); fitsverify 0 errors 0 warnings', () => {
    const out = join(tmp.dir, 'gapped.fits');
    exportFitsDynamicSpectrum(store, gappedDrift(), out);
    const skip = noFitsverify();
    if (!skip) {
      const v = fitsverify(out);
      expect(v.errors, v.report).toBe(0);
      expect(v.warnings, v.report).toBe(0);
    } else console.warn(`skipped fitsverify: ${skip}`);
    if (noAstropy() !== null) return console.warn('skipped astropy: needs python3-astropy');
    const r = python<{ ctype: string; wcs: number[]; table: number[] }>(`
from astropy.wcs import WCS
import warnings
warnings.simplefilter('ignore')
h = fits.open(path)
w = WCS(h[0].header, fobj=h)
print(json.dumps({'ctype': h[0].header['CTYPE2'], 'wcs': w.wcs_pix2world(np.zeros(6), np.arange(6), 0)[1].tolist(), 'table': h['AXES'].data['TIME'][0].ravel().tolist()}))
`, out);
    // Sky time: the fixture's simulated clock ran 60 sky seconds per second of samples (store/recording.ts).
    const truth = [0, 1, 2, 5, 6, 10].map((k) => 60 * k * step);
    expect(r.ctype).toBe('TIME-TAB');
    r.table.forEach((t, i) => expect(t).toBeCloseTo(truth[i]!, 9));
    r.wcs.forEach((t, i) => expect(t).toBeCloseTo(truth[i]!, 9));
  });

  it.skipIf(noAstropy() !== null)('keeps a linear time axis with the true step (not the nominal C·K/rate) when the integrations are evenly spaced', () => {
    // Integrations of 1000 spectra that start every 1001 spectra (the 1.0001 s of a 1 s setting in the field).
    const ce = config({ inputs: 1, channels: 16, mode: 'autos' });
    const rec = store.startObservation({ mode: 'drift', target: 'Sun', config: ce, start });
    for (let i = 0; i < 7; i++) rec.append({ ...integration(ce, i), firstSample: i * 16 * 1001 });
    rec.complete();
    const out = join(tmp.dir, 'even.fits');
    exportFitsDynamicSpectrum(store, rec.id, out);
    const r = python<{ ctype: string; cdelt: number; wcs: number[] }>(`
from astropy.wcs import WCS
import warnings
warnings.simplefilter('ignore')
h = fits.open(path)
w = WCS(h[0].header)
print(json.dumps({'ctype': h[0].header['CTYPE2'], 'cdelt': h[0].header['CDELT2'], 'wcs': w.wcs_pix2world(np.zeros(7), np.arange(7), 0)[1].tolist()}))
`, out);
    // The store keeps Unix seconds as doubles: 2.4e-7 s resolution in 2024, so the step is known to ~1e-7 s.
    expect(r.ctype).toBe('TIME');
    expect(r.cdelt).toBeCloseTo(1.001 * step, 6);
    r.wcs.forEach((t, i) => expect(t).toBeCloseTo(i * 1.001 * step, 6));
  });

  it.skipIf(noAstropy() !== null)('writes the site, the pointing (RA/Dec, l/b, az/el), RESTFRQ/SPECSYS/VELREF, the receiver and the sky clock that astropy reads, and a POINTING table of the moves', () => {
    const out = join(tmp.dir, 'coords.fits');
    exportFitsDynamicSpectrum(store, gappedDrift(), out);
    const r = python<{ hdr: Record<string, unknown>; geo: number[]; site: number[]; pointing: number[][] }>(`
from astropy.coordinates import EarthLocation
import astropy.units as u
h = fits.open(path)
hd = h[0].header
keys = ['SITELAT', 'SITELONG', 'SITEELEV', 'RA', 'DEC', 'EQUINOX', 'RADESYS', 'GLON', 'GLAT', 'AZIMUTH', 'ELEVATIO', 'RESTFRQ', 'SPECSYS', 'VELREF', 'OBJECT', 'TELESCOP', 'INSTRUME', 'SKYCLOCK', 'SKYSPEED']
site = EarthLocation.from_geodetic(5.2*u.deg, 52.1*u.deg, 12*u.m)
p = h['POINTING'].data
print(json.dumps({'hdr': {k: hd[k] for k in keys}, 'geo': [hd['OBSGEO-X'], hd['OBSGEO-Y'], hd['OBSGEO-Z']],
  'site': [site.x.value, site.y.value, site.z.value],
  'pointing': [[float(p[c][i]) for c in ['TIME', 'AZ', 'EL', 'RA', 'DEC', 'GLON', 'GLAT']] for i in range(len(p))]}))
`, out);
    expect(r.hdr).toEqual({
      SITELAT: 52.1, SITELONG: 5.2, SITEELEV: 12, RA: 266.4, DEC: -28.9, EQUINOX: 2000, RADESYS: 'FK5', GLON: 0.1, GLAT: -0.05,
      AZIMUTH: 180, ELEVATIO: 9.1, RESTFRQ: 1420405751.768, SPECSYS: 'TOPOCENT', VELREF: 259, OBJECT: 'Sun',
      TELESCOP: 'ANT1', INSTRUME: 'Fringe simulator (antenna 0 (dish); scenario sun-drift)', SKYCLOCK: 'simulated', SKYSPEED: 60,
    });
    r.geo.forEach((x, k) => expect(x).toBeCloseTo(r.site[k]!, 3));
    expect(r.pointing.length).toBe(2);
    expect(r.pointing[0]).toEqual([0, 180, 9.1, 266.4, -28.9, 0.1, -0.05]);
    expect(r.pointing[1]![0]).toBeCloseTo(0.02, 6);
    expect(r.pointing[1]!.slice(1)).toEqual([181, 10, 267, -28, 1, 0.2]);
  });

  it('writes no RESTFRQ or VELREF when the band does not hold the hydrogen line, and still says the frequencies are topocentric', () => {
    const out = join(tmp.dir, 'noline.fits');
    exportFitsDynamicSpectrum(store, gappedDrift(1000e6), out);
    const head = readFileSync(out).subarray(0, 2880 * 3).toString('latin1');
    expect(head).not.toContain('RESTFRQ');
    expect(head).not.toContain('VELREF');
    expect(head).toContain("SPECSYS = 'TOPOCENT'");
  });
});
