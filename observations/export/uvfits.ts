/**
 * UVFITS visibilities (random groups + `AIPS AN` table) as formats.md
 * describes. One group per integration per product (autos included):
 * parameters UU, VV, WW (s), DATE, DATE (JD split: the day in the first's
 * PZERO), BASELINE (256·ant1 + ant2, 1-based), INTTIM (s); data
 * COMPLEX(re, im, weight) × STOKES(1, XX) × FREQ(channels, ascending).
 * The phase centre is J2000 in the header (EQUINOX 2000, CRVAL6/7, SU
 * table); uvw are computed toward its apparent place of date and on J2000
 * axes (geometry.ts uvwFrame), what AIPS, CASA and pyuvdata expect.
 * Values are mean visibilities per spectrum (sum / spectra), weight the
 * number of spectra (0 flags an empty integration). Times are integration
 * midpoints. Visibilities are as the correlator made them (with the
 * calibration it applied, Pipeline.setCalibration): not fringe-stopped.
 *
 * Sign: the correlator's V_ab = X_a·conj(X_b) of a source in direction ŝ has
 * phase +2πν(x_a − x_b)·ŝ/c, so UU, VV, WW are those of x_b − x_a (antenna 2
 * minus antenna 1) and V = exp(−2πiν(u·l + v·m + w·n)): the Measurement Set's
 * convention (UVW = POSITION2 − POSITION1), which casacore's UVFITS filler
 * (MSFitsInput, CASA's importuvfits) takes by copying UU/VV/WW and the data
 * unchanged. test/observations/export/uvfits-sign.test.ts checks it with a
 * point source off the phase centre placed by astropy's AltAz.
 * Streams integration by integration.
 */
import { check } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { FitsWriter, card, commentary, fitsText } from './fits.ts';
import { channelFrequencies, fitsDate, julianDate, productPairs, requireData, type ExportOptions, type ExportResult } from './common.ts';
import { apparentPlace, enuToEcefDelta, geodeticToEcef, gmstDeg, j2000Place, speedOfLight, uvw, uvwFrame } from './geometry.ts';
import { observationSite, restFrequency } from './coordinates.ts';

const pcount = 7;

export function exportUvfits(store: Store, id: number, out: string, options: ExportOptions = {}): ExportResult {
  const obs = store.getObservation(id);
  requireData(obs);
  const { config } = obs;
  const where = observationSite(store, obs);
  check(where, `observation ${id} has no site; UVFITS needs the array's position: set the station's site (fringe site set, or the Station page) and record again`);
  const site = { latitude: where.lat, longitude: where.lon, altitude: where.altitude };
  const antennas = config.antennas;
  check(antennas && antennas.length === config.fx.inputs, 'UVFITS needs config.antennas with a position for every input');
  const N = config.fx.inputs;
  const C = config.fx.channels;
  const pairs = productPairs(N, config.fx.mode);
  const times = store.integrationTimes(id);
  const T = times.length;
  const jd0 = julianDate(times[0]!.time);
  const dayJd = Math.floor(jd0 - 0.5) + 0.5; // 0h UTC of the first day
  // Phase centre (J2000): the target's position, else the zenith at the start (of date there).
  const zenith = config.pointing ? null : j2000Place(gmstDeg(jd0) + site.longitude, site.latitude, jd0);
  const ra = config.pointing?.ra ?? zenith!.ra;
  const dec = config.pointing?.dec ?? zenith!.dec;
  const array = geodeticToEcef(site.latitude, site.longitude, site.altitude);
  const local = antennas.map((a) => enuToEcefDelta(site.latitude, site.longitude, a.east, a.north, a.up));
  const freqs = channelFrequencies(config);
  const rest = restFrequency(config);
  const w = FitsWriter.create(out);
  try {
    w.header([
      card('SIMPLE', true), card('BITPIX', { int: -32 }), card('NAXIS', { int: 7 }),
      card('NAXIS1', { int: 0 }, 'random groups'), card('NAXIS2', { int: 3 }), card('NAXIS3', { int: 1 }),
      card('NAXIS4', { int: C }), card('NAXIS5', { int: 1 }), card('NAXIS6', { int: 1 }), card('NAXIS7', { int: 1 }),
      card('EXTEND', true), card('GROUPS', true), card('PCOUNT', { int: pcount }), card('GCOUNT', { int: T * pairs.length }),
      card('BSCALE', 1), card('BZERO', 0), card('BUNIT', 'UNCALIB'),
      card('OBJECT', fitsText(obs.target || 'ZENITH')), card('TELESCOP', 'FRINGE'), card('INSTRUME', 'FRINGE'),
      card('DATE-OBS', fitsDate(times[0]!.time).slice(0, 10)), card('EQUINOX', 2000, 'J2000 phase centre'), card('RADESYS', 'FK5'),
      card('OBSRA', ra, 'degrees'), card('OBSDEC', dec, 'degrees'),
      ...(rest !== null ? [card('RESTFREQ', rest, 'HI rest frequency (Hz)')] : []), card('SPECSYS', 'TOPOCENT', 'frequencies as observed'),
      card('CTYPE2', 'COMPLEX'), card('CRVAL2', 1), card('CDELT2', 1), card('CRPIX2', 1),
      card('CTYPE3', 'STOKES'), card('CRVAL3', -5, 'XX: one polarisation per antenna'), card('CDELT3', -1), card('CRPIX3', 1),
      card('CTYPE4', 'FREQ'), card('CRVAL4', freqs[0]!, 'Hz'), card('CDELT4', config.tuning.sampleRate / C, 'Hz'), card('CRPIX4', 1),
      card('CTYPE5', 'IF'), card('CRVAL5', 1), card('CDELT5', 1), card('CRPIX5', 1),
      card('CTYPE6', 'RA'), card('CRVAL6', ra), card('CDELT6', 1), card('CRPIX6', 1),
      card('CTYPE7', 'DEC'), card('CRVAL7', dec), card('CDELT7', 1), card('CRPIX7', 1),
      card('PTYPE1', 'UU'), card('PSCAL1', 1), card('PZERO1', 0),
      card('PTYPE2', 'VV'), card('PSCAL2', 1), card('PZERO2', 0),
      card('PTYPE3', 'WW'), card('PSCAL3', 1), card('PZERO3', 0),
      card('PTYPE4', 'DATE'), card('PSCAL4', 1), card('PZERO4', dayJd, 'JD of 0h UTC of the first day'),
      card('PTYPE5', 'DATE'), card('PSCAL5', 1), card('PZERO5', 0),
      card('PTYPE6', 'BASELINE'), card('PSCAL6', 1), card('PZERO6', 0),
      card('PTYPE7', 'INTTIM'), card('PSCAL7', 1), card('PZERO7', 0),
      ...commentary('COMMENT', 'Mean visibility per spectrum; weight = spectra averaged. Not fringe-stopped.'),
      ...commentary('HISTORY', fitsText(`Fringe ${obs.softwareVersion}, observation ${obs.id} (${obs.mode})`, 200)),
      ...commentary('HISTORY', fitsText(correlatorCalibration(config), 400)),
    ]);
    const group = new Float32Array(pcount + 3 * C);
    let done = 0;
    for (const it of store.integrations(id)) {
      const jd = julianDate(it.time + it.duration / 2);
      const scale = it.spectra > 0 ? 1 / it.spectra : 0;
      const frame = uvwFrame(ra, dec, jd);
      pairs.forEach(([a, b], p) => {
        // uvw of x_b − x_a (AIPS/MS sign, see the header comment): V_ab = exp(−2πiν(u·l + v·m + w·n)).
        const bl = [0, 1, 2].map((k) => (local[b]![k]! - local[a]![k]!) / speedOfLight);
        const [u, v, ww] = uvw(bl, frame);
        group[0] = u; group[1] = v; group[2] = ww;
        group[3] = 0;
        group[4] = jd - dayJd;
        group[5] = 256 * (a + 1) + (b + 1);
        group[6] = it.duration;
        for (let j = 0; j < C; j++) {
          group[pcount + 3 * j] = it.visibilities[2 * (p * C + j)]! * scale;
          group[pcount + 3 * j + 1] = it.visibilities[2 * (p * C + j) + 1]! * scale;
          group[pcount + 3 * j + 2] = it.spectra;
        }
        w.float32(group);
      });
      options.onProgress?.(++done, T + 1);
    }
    writeAntennaTable(w, { array, local, names: antennas.map((a) => fitsText(a.name, 8)), dayJd, freq: freqs[0]!, diameters: antennas.map((a) => a.dishDiameter ?? NaN) });
    writeSourceTable(w, { name: fitsText(obs.target || 'ZENITH', 16), ra, dec, apparent: apparentPlace(ra, dec, dayJd), restFrequency: rest ?? 0, bandwidth: config.tuning.sampleRate });
    const result = w.close();
    options.onProgress?.(T + 1, T + 1);
    return { path: out, ...result };
  } catch (err) {
    w.abort();
    throw err;
  }
}

/** The calibration the correlator applied to these visibilities (ObservationConfig.fx: delays, per-channel gains), in words. */
function correlatorCalibration(config: { fx: { delays?: readonly number[] | null; gains?: readonly (readonly number[])[] | null } }): string {
  const d = config.fx.delays;
  const delays = d && d.some((x) => x !== 0) ? `delays ${d.map((x) => +x.toFixed(3)).join(', ')} samples` : 'no delays';
  const gains = config.fx.gains ? 'per-channel complex gains (group calibration)' : 'no per-channel gains';
  return `Correlator calibration applied: ${delays}; ${gains}. Amplitudes uncalibrated.`;
}

function writeAntennaTable(
  w: FitsWriter,
  an: { array: number[]; local: number[][]; names: string[]; dayJd: number; freq: number; diameters: number[] },
): void {
  const rowBytes = 8 + 24 + 4 + 4 + 4 + 1 + 4 + 1 + 4 + 4;
  const columns: [string, string, string?][] = [
    ['ANNAME', '8A'], ['STABXYZ', '3D', 'METERS'], ['ORBPARM', '0D'], ['NOSTA', '1J'], ['MNTSTA', '1J'],
    ['STAXOF', '1E', 'METERS'], ['POLTYA', '1A'], ['POLAA', '1E', 'DEGREES'], ['POLCALA', '0E'],
    ['POLTYB', '1A'], ['POLAB', '1E', 'DEGREES'], ['POLCALB', '0E'],
    // Dish diameters (pyuvdata and casacore read this column; without it casacore assumes 25 m). NaN: not recorded.
    ['DIAMETER', '1E', 'METERS'],
  ];
  const cards = [
    card('XTENSION', 'BINTABLE'), card('BITPIX', { int: 8 }), card('NAXIS', { int: 2 }),
    card('NAXIS1', { int: rowBytes }), card('NAXIS2', { int: an.names.length }),
    card('PCOUNT', { int: 0 }), card('GCOUNT', { int: 1 }), card('TFIELDS', { int: columns.length }),
  ];
  columns.forEach(([name, form, unit], k) => {
    cards.push(card(`TTYPE${k + 1}`, name), card(`TFORM${k + 1}`, form));
    if (unit) cards.push(card(`TUNIT${k + 1}`, unit));
  });
  const rdate = fitsDate((an.dayJd - 2440587.5) * 86400).slice(0, 10);
  cards.push(
    card('EXTNAME', 'AIPS AN'), card('EXTVER', { int: 1 }),
    card('ARRAYX', an.array[0]!), card('ARRAYY', an.array[1]!), card('ARRAYZ', an.array[2]!),
    card('GSTIA0', gmstDeg(an.dayJd), 'GMST at 0h UTC of RDATE (degrees)'),
    card('DEGPDY', 360.9856473662862, 'Earth rotation (degrees per day)'),
    card('FREQ', an.freq, 'reference frequency (Hz)'), card('RDATE', rdate),
    card('POLARX', 0), card('POLARY', 0), card('UT1UTC', 0), card('DATUTC', 0), card('TIMSYS', 'UTC'), card('TIMESYS', 'UTC'),
    card('ARRNAM', 'FRINGE'), card('XYZHAND', 'RIGHT'), card('FRAME', 'ITRF'),
    card('NUMORB', { int: 0 }), card('NOPCAL', { int: 0 }), card('NO_IF', { int: 1 }), card('POLTYPE', 'APPROX'),
  );
  w.header(cards);
  const row = Buffer.alloc(rowBytes);
  an.names.forEach((name, i) => {
    let o = 0;
    row.fill(0x20, 0, 8);
    row.write(name.slice(0, 8), 0, 'ascii'); o += 8;
    for (let k = 0; k < 3; k++) { row.writeDoubleBE(an.local[i]![k]!, o); o += 8; }
    row.writeInt32BE(i + 1, o); o += 4;
    row.writeInt32BE(0, o); o += 4; // alt-az mount
    row.writeFloatBE(0, o); o += 4;
    row.write('X', o, 'ascii'); o += 1;
    row.writeFloatBE(0, o); o += 4;
    row.write('Y', o, 'ascii'); o += 1;
    row.writeFloatBE(90, o); o += 4;
    row.writeFloatBE(an.diameters[i]!, o); o += 4;
    w.data(row);
  });
}

/**
 * `AIPS SU` (AIPS Memo 117): the one source, its J2000 position and its
 * apparent place at 0h UTC of the reference date, the rest frequency (Hz; 0
 * when the band holds no line) and the systemic velocity (0 m/s: frequencies
 * are topocentric, VELTYP, radio definition), so that casacore fills the
 * SOURCE table instead of warning that both are missing.
 */
function writeSourceTable(w: FitsWriter, su: { name: string; ra: number; dec: number; apparent: { ra: number; dec: number }; restFrequency: number; bandwidth: number }): void {
  const columns: [string, string, string?][] = [
    ['ID. NO.', '1J'], ['SOURCE', '16A'], ['QUAL', '1J'], ['CALCODE', '4A'],
    ['IFLUX', '1E', 'JY'], ['QFLUX', '1E', 'JY'], ['UFLUX', '1E', 'JY'], ['VFLUX', '1E', 'JY'],
    ['FREQOFF', '1D', 'HZ'], ['BANDWIDTH', '1D', 'HZ'],
    ['RAEPO', '1D', 'DEGREES'], ['DECEPO', '1D', 'DEGREES'], ['EPOCH', '1D', 'YEARS'],
    ['RAAPP', '1D', 'DEGREES'], ['DECAPP', '1D', 'DEGREES'],
    ['LSRVEL', '1D', 'M/SEC'], ['RESTFREQ', '1D', 'HZ'], ['PMRA', '1D', 'DEG/DAY'], ['PMDEC', '1D', 'DEG/DAY'],
  ];
  const rowBytes = 4 + 16 + 4 + 4 + 4 * 4 + 8 * 2 + 8 * 3 + 8 * 2 + 8 * 4;
  const cards = [
    card('XTENSION', 'BINTABLE'), card('BITPIX', { int: 8 }), card('NAXIS', { int: 2 }),
    card('NAXIS1', { int: rowBytes }), card('NAXIS2', { int: 1 }),
    card('PCOUNT', { int: 0 }), card('GCOUNT', { int: 1 }), card('TFIELDS', { int: columns.length }),
  ];
  columns.forEach(([name, form, unit], k) => {
    cards.push(card(`TTYPE${k + 1}`, name), card(`TFORM${k + 1}`, form));
    if (unit) cards.push(card(`TUNIT${k + 1}`, unit));
  });
  cards.push(
    card('EXTNAME', 'AIPS SU'), card('EXTVER', { int: 1 }), card('NO_IF', { int: 1 }),
    card('VELTYP', 'TOPOCENT', 'frequencies as observed'), card('VELDEF', 'RADIO'), card('FREQID', { int: 1 }),
  );
  w.header(cards);
  const row = Buffer.alloc(rowBytes);
  let o = 0;
  row.writeInt32BE(1, o); o += 4;
  row.fill(0x20, o, o + 16); row.write(su.name.slice(0, 16), o, 'ascii'); o += 16;
  row.writeInt32BE(0, o); o += 4;
  row.fill(0x20, o, o + 4); o += 4;
  for (let k = 0; k < 4; k++) { row.writeFloatBE(0, o); o += 4; }
  row.writeDoubleBE(0, o); o += 8;
  row.writeDoubleBE(su.bandwidth, o); o += 8;
  for (const v of [su.ra, su.dec, 2000, su.apparent.ra, su.apparent.dec, 0, su.restFrequency, 0, 0]) { row.writeDoubleBE(v, o); o += 8; }
  w.data(row);
}
