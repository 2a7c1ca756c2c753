import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportUvfits } from '../../../observations/export/uvfits.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, tempDir } from '../fixtures.ts';
import { channelFrequencies } from '../../../observations/export/common.ts';
import { fitsverify, noAstropy, noCasacore, noFitsverify, python, pythonCasacore, uvfitsToMs } from './validators.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const c = config({ inputs: 3, channels: 8 });
const start = Date.UTC(2020, 5, 21, 22, 30, 0) / 1000;
const T = 4;
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const site = store.addSite({ name: 'Dwingeloo', latitude: 52.8121, longitude: 6.3962, altitude: 25 });
  const rec = store.startObservation({ mode: 'interferometer', target: 'Cyg A', siteId: site.id, config: { ...c, pointing: { ra: 299.868, dec: 40.734 } }, start });
  for (let i = 0; i < T; i++) rec.append(integration(c, i, 400));
  rec.complete();
  id = rec.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('UVFITS export', () => {
  // fitsverify checks the index n of PTYPEn/PSCALn/PZEROn against GCOUNT instead of
  // PCOUNT, so a file with fewer groups (here 24) than random parameters (7) would be
  // flagged wrongly; this observation has more.
  it('writes a file fitsverify finds no errors in', () => {
    const out = join(tmp.dir, 'v.uvfits');
    exportUvfits(store, id, out);
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.errors, v.report).toBe(0);
  });

  it('refuses an observation without a site', () => {
    const rec = store.startObservation({ mode: 'interferometer', config: c });
    rec.append(integration(c, 0));
    rec.complete();
    expect(() => exportUvfits(store, rec.id, join(tmp.dir, 'x.uvfits'))).toThrow(/no site/);
  });

  it.skipIf(noAstropy() !== null)('reads back in astropy: baselines, dates, values, uvw and the AN table', () => {
    const out = join(tmp.dir, 'v2.uvfits');
    exportUvfits(store, id, out);
    // The expected uvw come from astropy's own geodesy and Earth orientation, not from the writer's.
    const r = python<{
      groups: number; shape: number[]; bl: number[]; date: number[]; inttim: number[]; re: number[][]; im: number[][]; wt: number[][];
      uvw: number[][]; expUvw: number[][]; stab: number[][]; expStab: number[][]; names: string[]; an: Record<string, unknown>; ctype: string[];
    }>(`
from astropy.utils import iers
iers.conf.auto_download = False
from astropy.time import Time
from astropy.coordinates import EarthLocation
import astropy.units as u
h = fits.open(path)
g = h[0].data
site = EarthLocation.from_geodetic(6.3962*u.deg, 52.8121*u.deg, 25*u.m)
lat, lon = np.radians(52.8121), np.radians(6.3962)
R = np.array([[-np.sin(lon), -np.sin(lat)*np.cos(lon), np.cos(lat)*np.cos(lon)],
              [ np.cos(lon), -np.sin(lat)*np.sin(lon), np.cos(lat)*np.sin(lon)],
              [0, np.cos(lat), np.sin(lat)]])
enu = np.array([[10*a, 3*a, 0.5*a] for a in range(3)])
xyz = enu @ R.T
date = g.par('DATE')
bl = g.par('BASELINE').astype(int)
ra, dec = np.radians(299.868), np.radians(40.734)
# Each baseline (antenna 2 − antenna 1: uvfits-sign.test.ts) rotated from ITRS into GCRS axes (precession, nutation,
# Earth rotation: astropy's, not the writer's), projected on the J2000 phase centre's east, north and direction.
from astropy.coordinates import ITRS, GCRS, CartesianRepresentation
a1, a2 = bl // 256 - 1, bl % 256 - 1
b = xyz[a2] - xyz[a1]
t = Time(date, format='jd', scale='utc')
gc = ITRS(CartesianRepresentation(b[:, 0]*u.m, b[:, 1]*u.m, b[:, 2]*u.m), obstime=t).transform_to(GCRS(obstime=t)).cartesian
B = np.stack([gc.x.to_value(u.m), gc.y.to_value(u.m), gc.z.to_value(u.m)], 1) / 299792458.0
E = np.array([-np.sin(ra), np.cos(ra), 0])
N = np.array([-np.sin(dec)*np.cos(ra), -np.sin(dec)*np.sin(ra), np.cos(dec)])
W = np.array([np.cos(dec)*np.cos(ra), np.cos(dec)*np.sin(ra), np.sin(dec)])
exp = np.stack([B @ E, B @ N, B @ W], 1).tolist()
an = h['AIPS AN']
print(json.dumps({'groups': len(g), 'shape': list(g.data.shape), 'bl': bl.tolist(), 'date': date.tolist(),
  'inttim': g.par('INTTIM').tolist(),
  're': g.data[:, 0, 0, 0, :, 0, 0].astype(float).tolist(), 'im': g.data[:, 0, 0, 0, :, 0, 1].astype(float).tolist(),
  'wt': g.data[:, 0, 0, 0, :, 0, 2].astype(float).tolist(),
  'uvw': np.stack([g.par('UU'), g.par('VV'), g.par('WW')], 1).astype(float).tolist(), 'expUvw': exp,
  'stab': an.data['STABXYZ'].tolist(), 'expStab': xyz.tolist(), 'names': [s.strip() for s in an.data['ANNAME']],
  'an': {k: an.header[k] for k in ['ARRAYX', 'ARRAYY', 'ARRAYZ', 'RDATE', 'FRAME', 'XYZHAND', 'TIMESYS']},
  'site': [site.x.value, site.y.value, site.z.value],
  'ctype': [h[0].header['CTYPE%d' % i] for i in range(2, 8)]}))
`, out);
    const P = 6;
    expect(r.groups).toBe(T * P);
    expect(r.shape).toEqual([T * P, 1, 1, 1, 8, 1, 3]);
    expect(r.ctype).toEqual(['COMPLEX', 'STOKES', 'FREQ', 'IF', 'RA', 'DEC']);
    const pairs = [[1, 1], [1, 2], [1, 3], [2, 2], [2, 3], [3, 3]];
    const spf = (8 * 1000) / 2.048e6; // integrations start every 1000 spectra …
    const dur = (8 * 400) / 2.048e6; // … and hold 400
    for (let i = 0; i < T; i++) {
      for (let p = 0; p < P; p++) {
        const g = i * P + p;
        expect(r.bl[g]).toBe(256 * pairs[p]![0]! + pairs[p]![1]!);
        const jd = (start + i * spf + dur / 2) / 86400 + 2440587.5;
        expect(Math.abs(r.date[g]! - jd) * 86400).toBeLessThan(0.01); // float32 fraction of a day: ~5 ms
        expect(r.inttim[g]).toBeCloseTo(dur, 9);
        for (let j = 0; j < 8; j++) {
          expect(r.re[g]![j]).toBeCloseTo(Math.fround(expectedRe(i, p * 8 + j)) / 400, 4);
          expect(r.im[g]![j]).toBeCloseTo(-Math.fround(expectedRe(i, p * 8 + j)) / 4 / 400, 4);
          expect(r.wt[g]![j]).toBe(400);
        }
        const len = Math.hypot(...r.expUvw[g]!);
        // Within 3·10⁻⁴ of the length (the writer's aberrated w axis, 10⁻⁴; UT1 − UTC taken as 0); J2000 taken as of date was 5·10⁻³ off in 2020.
        for (let k = 0; k < 3; k++) expect(Math.abs(r.uvw[g]![k]! - r.expUvw[g]![k]!)).toBeLessThanOrEqual(3e-4 * len + 1e-15);
      }
    }
    expect(r.names).toEqual(['ANT1', 'ANT2', 'ANT3']);
    r.stab.forEach((s, a) => s.forEach((x, k) => expect(x).toBeCloseTo(r.expStab[a]![k]!, 6)));
    expect(r.an).toMatchObject({ RDATE: '2020-06-21', FRAME: 'ITRF', XYZHAND: 'RIGHT', TIMESYS: 'UTC' });
    const site = (r as unknown as { site: number[] }).site;
    expect(r.an.ARRAYX as number).toBeCloseTo(site[0]!, 3);
    expect(r.an.ARRAYY as number).toBeCloseTo(site[1]!, 3);
    expect(r.an.ARRAYZ as number).toBeCloseTo(site[2]!, 3);
  });

  describe('with the site, dishes and pointing the observation recorded (no site row)', () => {
    const cs = config({ inputs: 3, channels: 8 });
    cs.antennas = cs.antennas!.map((a, i) => ({ ...a, dishDiameter: [3, 3, 5][i] }));
    cs.site = { name: 'Effelsberg', lat: 50.5247, lon: 6.8828, altitude: 369 };
    cs.pointing = { ra: 83.633, dec: 22.0145, az: 120, el: 40, source: 'rotator' };
    cs.clock = { kind: 'real', speed: 1 };
    let sid: number;
    beforeAll(() => {
      const rec = store.startObservation({ mode: 'interferometer', target: 'Tau A', config: cs, start });
      for (let i = 0; i < T; i++) rec.append(integration(cs, i, 400));
      rec.complete();
      sid = rec.id;
    });

    it.skipIf(noAstropy() !== null)('writes EQUINOX (not EPOCH), RESTFREQ, the dish diameters and an AIPS SU table that astropy reads', () => {
      const out = join(tmp.dir, 'site.uvfits');
      exportUvfits(store, sid, out);
      const r = python<{ hdr: Record<string, unknown>; epoch: boolean; diam: number[]; arrayx: number; sitex: number; su: Record<string, unknown>; app: number[]; expApp: number[] }>(`
from astropy.utils import iers
iers.conf.auto_download = False
from astropy.coordinates import EarthLocation, SkyCoord, TETE
from astropy.time import Time
import astropy.units as u
h = fits.open(path)
su = h['AIPS SU'].data
# The apparent place (true equator and equinox of date, geocentric: aberration, precession, nutation) at 0h UTC of RDATE.
tete = SkyCoord(ra=83.633*u.deg, dec=22.0145*u.deg, frame='fk5', equinox='J2000').transform_to(TETE(obstime=Time(h['AIPS AN'].header['RDATE'], scale='utc')))
print(json.dumps({'hdr': {k: h[0].header[k] for k in ['EQUINOX', 'RESTFREQ', 'OBJECT', 'CRVAL6', 'CRVAL7']}, 'epoch': 'EPOCH' in h[0].header,
  'diam': h['AIPS AN'].data['DIAMETER'].astype(float).tolist(), 'arrayx': h['AIPS AN'].header['ARRAYX'],
  'sitex': EarthLocation.from_geodetic(6.8828*u.deg, 50.5247*u.deg, 369*u.m).x.value,
  'su': {'source': su['SOURCE'][0].strip(), 'restfreq': float(su['RESTFREQ'][0]), 'lsrvel': float(su['LSRVEL'][0]), 'ra': float(su['RAEPO'][0]), 'dec': float(su['DECEPO'][0]), 'epoch': float(su['EPOCH'][0]), 'veltyp': h['AIPS SU'].header['VELTYP']},
  'app': [float(su['RAAPP'][0]), float(su['DECAPP'][0])], 'expApp': [tete.ra.deg, tete.dec.deg]}))
`, out);
      expect(r.epoch).toBe(false);
      // Within 1″ (20 years of precession moved it by 0.28°).
      expect(Math.abs(r.app[0]! - r.expApp[0]!) * Math.cos((22 * Math.PI) / 180)).toBeLessThan(1 / 3600);
      expect(Math.abs(r.app[1]! - r.expApp[1]!)).toBeLessThan(1 / 3600);
      expect(Math.abs(r.app[0]! - 83.633)).toBeGreaterThan(0.2);
      expect(r.hdr).toMatchObject({ EQUINOX: 2000, RESTFREQ: 1420405751.768, OBJECT: 'Tau A', CRVAL6: 83.633, CRVAL7: 22.0145 });
      expect(r.diam).toEqual([3, 3, 5]);
      expect(r.su).toEqual({ source: 'Tau A', restfreq: 1420405751.768, lsrvel: 0, ra: 83.633, dec: 22.0145, epoch: 2000, veltyp: 'TOPOCENT' });
      // The array sits at Effelsberg (config.site), not at a site row.
      expect(r.arrayx).toBeCloseTo(r.sitex, 2);
      const skip = noFitsverify();
      if (skip) return console.warn(`skipped fitsverify: ${skip}`);
      expect(fitsverify(out).errors).toBe(0);
    });

    it.skipIf(noCasacore() !== null || noAstropy() !== null)(
      'converts to a Measurement Set with casacore (MSFitsInput, what importuvfits runs) with no warnings: baselines, frequencies, times, visibilities, dishes, rest frequency',
      () => {
        const out = join(tmp.dir, 'cc.uvfits');
        exportUvfits(store, sid, out);
        const ms = join(tmp.dir, 'cc.ms');
        const { warnings } = uvfitsToMs(out, ms);
        expect(warnings).toEqual([]);
        const r = pythonCasacore<{
          a1: number[]; a2: number[]; time: number[]; re: number[][]; im: number[][]; flag: boolean; chan: number[]; diam: number[];
          pos: number[][]; site: number[]; rest: number[]; sysvel: number[]; field: string; dir: number[]; corr: number[];
        }>(`
from astropy.coordinates import EarthLocation
import astropy.units as u
m = tables.table(path, ack=False)
data = m.getcol('DATA')
ant = tables.table(path + '/ANTENNA', ack=False)
spw = tables.table(path + '/SPECTRAL_WINDOW', ack=False)
src = tables.table(path + '/SOURCE', ack=False)
fld = tables.table(path + '/FIELD', ack=False)
pol = tables.table(path + '/POLARIZATION', ack=False)
site = EarthLocation.from_geodetic(6.8828*u.deg, 50.5247*u.deg, 369*u.m)
print(json.dumps({'a1': m.getcol('ANTENNA1').tolist(), 'a2': m.getcol('ANTENNA2').tolist(), 'time': m.getcol('TIME').tolist(),
  're': data[:, :, 0].real.tolist(), 'im': data[:, :, 0].imag.tolist(), 'flag': bool(m.getcol('FLAG').any()),
  'chan': spw.getcol('CHAN_FREQ')[0].tolist(), 'diam': ant.getcol('DISH_DIAMETER').tolist(), 'pos': ant.getcol('POSITION').tolist(),
  'site': [site.x.value, site.y.value, site.z.value],
  'rest': src.getcol('REST_FREQUENCY')[0].tolist(), 'sysvel': src.getcol('SYSVEL')[0].tolist(),
  'field': fld.getcol('NAME')[0], 'dir': fld.getcol('PHASE_DIR')[0][0].tolist(), 'corr': pol.getcol('CORR_TYPE')[0].tolist()}))
`, ms);
        const pairs = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]];
        expect(r.a1).toEqual(Array.from({ length: T }, () => pairs.map((p) => p[0])).flat());
        expect(r.a2).toEqual(Array.from({ length: T }, () => pairs.map((p) => p[1])).flat());
        expect(r.chan).toEqual(Array.from(channelFrequencies(cs)));
        expect(r.diam).toEqual([3, 3, 5]);
        r.site.forEach((x, k) => expect(r.pos[0]![k]).toBeCloseTo(x, 2));
        expect(r.rest).toEqual([1420405751.768]);
        expect(r.sysvel).toEqual([0]);
        expect(r.field).toBe('Tau A');
        expect(r.dir[0]).toBeCloseTo((83.633 * Math.PI) / 180, 9);
        expect(r.dir[1]).toBeCloseTo((22.0145 * Math.PI) / 180, 9);
        expect(r.corr).toEqual([9]); // casacore's Stokes::XX
        expect(r.flag).toBe(false);
        const spf = (8 * 1000) / 2.048e6, dur = (8 * 400) / 2.048e6;
        for (let i = 0; i < T; i++) {
          for (let p = 0; p < 6; p++) {
            const row = i * 6 + p;
            // MS TIME: MJD seconds (UTC) of the integration's midpoint, within the float32 DATE's ~5 ms.
            expect(Math.abs(r.time[row]! - ((start + i * spf + dur / 2) + 40587 * 86400))).toBeLessThan(0.01);
            for (let j = 0; j < 8; j++) {
              expect(r.re[row]![j]).toBeCloseTo(Math.fround(expectedRe(i, p * 8 + j)) / 400, 4);
              expect(r.im[row]![j]).toBeCloseTo(-Math.fround(expectedRe(i, p * 8 + j)) / 4 / 400, 4);
            }
          }
        }
      },
      120_000,
    );
  });
});
