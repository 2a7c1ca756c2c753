/**
 * FITS dynamic spectra and spectra. Layout:
 * - one float32 image per input (the primary HDU for input 0, IMAGE
 *   extensions `DYNSPEC1`… for the others): NAXIS1 = frequency (channels,
 *   ascending), NAXIS2 = time (integrations); values are the mean auto power
 *   per spectrum (visibility sum / spectra, arbitrary units); with linear WCS
 *   (FREQ in Hz, TIME in s from DATE-OBS). The time axis is linear
 *   (CTYPE2 'TIME') only when the integrations are evenly spaced; when they
 *   are irregular or gapped it is the tabular 'TIME-TAB' (FITS WCS Paper III
 *   §6.1) that looks each row's time up in AXES, so the WCS never contradicts
 *   the true times;
 * - the site (OBSGEO-*, SITE*), the pointing at the start (RA/DEC, GLON/GLAT,
 *   AZIMUTH/ELEVATIO), RESTFRQ/SPECSYS/VELREF where the band holds the HI
 *   line, the sky clock, and the receiver (INSTRUME) as the observation
 *   recorded them (coordinates.ts);
 * - `AXES`: a one-row BINTABLE with the exact TIME of each integration's
 *   first sample (s from DATE-OBS, the -TAB coordinate array) and the
 *   FREQUENCY of each channel (Hz), and for an HI observation on a topocentric
 *   axis VLSRCORR, v_LSR − v_topo (m/s) at each integration's middle;
 * - `POINTING` (when the dish moved during the observation): one row per
 *   pointing, TIME (s from DATE-OBS) with AZ, EL, RA, DEC, GLON, GLAT (deg).
 *   Integration i's pointing is the last row with TIME ≤ its TIME;
 * - `SPECTRUM`: one row per channel, FREQUENCY and the time-averaged mean
 *   power of each input (`POWER1`…).
 * Streams integration by integration (one pass per input).
 */
import type { Store } from '../store/store.ts';
import { FitsWriter, card, commentary, fitsText } from './fits.ts';
import {
  autoProduct, channelFrequencies, fitsDate, julianDate, requireData, type ExportOptions, type ExportResult,
} from './common.ts';
import { coordinateCards, pointings, sourceDescription } from './coordinates.ts';
import { dropCards } from './drops.ts';
import { lsrCorrections, velocityFrame } from './velocity-frame.ts';

/**
 * The time axis of the image: linear (the true step) when every integration
 * starts within a microsecond of t₀ + i·step, else the TIME-TAB lookup in AXES.
 */
export function timeAxisCards(offsets: readonly number[]): { regular: boolean; cards: string[] } {
  const T = offsets.length;
  const step = T > 1 ? (offsets[T - 1]! - offsets[0]!) / (T - 1) : 0;
  const regular = offsets.every((t, i) => Math.abs(t - offsets[0]! - i * step) <= 1e-6);
  if (regular) {
    return {
      regular,
      cards: [
        card('CTYPE2', 'TIME'), card('CUNIT2', 's'), card('CRPIX2', 1), card('CRVAL2', offsets[0] ?? 0, 's from DATE-OBS'),
        card('CDELT2', T > 1 ? step : 1, 's per integration (the true, even spacing; also in AXES)'),
      ],
    };
  }
  return {
    regular,
    cards: [
      card('CTYPE2', 'TIME-TAB', 'integrations unevenly spaced: times in AXES'), card('CUNIT2', 's'),
      card('CRPIX2', 1), card('CRVAL2', 1, 'row 1 is index 1 of the table'), card('CDELT2', 1),
      card('PS2_0', 'AXES', 'table holding the time coordinate'), card('PS2_1', 'TIME', 'its column'),
    ],
  };
}

export function exportFitsDynamicSpectrum(store: Store, id: number, out: string, options: ExportOptions = {}): ExportResult {
  const obs = store.getObservation(id);
  requireData(obs);
  const { config } = obs;
  const N = config.fx.inputs;
  const C = config.fx.channels;
  const times = store.integrationTimes(id);
  const T = times.length;
  const t0 = times[0]!.time;
  const freqs = channelFrequencies(config);
  const nominal = (C * config.fx.spectraPerIntegration) / config.tuning.sampleRate;
  const offsets = times.map((t) => t.time - t0);
  const timeAxis = timeAxisCards(offsets);
  const coordinates = coordinateCards(store, obs, t0);
  const moves = pointings(store, obs);
  const mean = Array.from({ length: N }, () => new Float64Array(C));
  const counted = new Array<number>(N).fill(0);
  const w = FitsWriter.create(out);
  try {
    for (let a = 0; a < N; a++) {
      const head = a === 0
        ? [card('SIMPLE', true, 'conforms to FITS Standard 4.0'), card('BITPIX', { int: -32 }, 'IEEE float32')]
        : [card('XTENSION', 'IMAGE', 'image extension'), card('BITPIX', { int: -32 }, 'IEEE float32')];
      head.push(card('NAXIS', { int: 2 }), card('NAXIS1', { int: C }, 'channels'), card('NAXIS2', { int: T }, 'integrations'));
      if (a === 0) head.push(card('EXTEND', true));
      else head.push(card('PCOUNT', { int: 0 }), card('GCOUNT', { int: 1 }), card('EXTNAME', `DYNSPEC${a}`));
      head.push(
        card('INPUT', { int: a }, 'correlator input (0-based)'),
        card('ANTENNA', fitsText(config.antennas?.[a]?.name ?? `input${a}`)),
        card('OBJECT', fitsText(obs.target || 'unknown')),
        card('ORIGIN', 'Fringe'),
        card('TELESCOP', fitsText(telescope(config, a)), 'the antenna'),
        card('INSTRUME', fitsText(sourceDescription(config) ?? 'receiver not recorded'), 'the receiver; FX correlator: Fringe'),
        card('OBSMODE', fitsText(obs.mode)),
        card('SOFTWARE', fitsText(`Fringe ${obs.softwareVersion}`)),
        card('TIMESYS', 'UTC'),
        card('DATE-OBS', fitsDate(t0), 'first sample of the first integration (UTC)'),
        card('MJD-OBS', julianDate(t0) - 2400000.5, 'DATE-OBS as MJD (UTC)'),
        card('DATE-END', fitsDate(times[T - 1]!.time + times[T - 1]!.duration)),
        card('MJD-END', julianDate(times[T - 1]!.time + times[T - 1]!.duration) - 2400000.5, 'DATE-END as MJD (UTC)'),
        card('CTYPE1', 'FREQ'), card('CUNIT1', 'Hz'), card('CRPIX1', 1), card('CRVAL1', freqs[0]!, 'Hz'),
        card('CDELT1', config.tuning.sampleRate / C, 'Hz per channel'),
        ...timeAxis.cards,
        card('TIMEDEL', nominal, 'configured s per integration (C*K/rate)'),
        card('OBSFREQ', config.tuning.centerFrequency, 'tuned centre frequency (Hz)'),
        card('SAMPRATE', config.tuning.sampleRate, 'complex sample rate (Hz)'),
        ...coordinates,
        ...dropCards(obs),
        ...commentary('COMMENT', 'Values: mean auto power per spectrum (visibility sum / spectra), arbitrary units.'),
      );
      w.header(head);
      const row = new Float32Array(C);
      for (const it of store.integrations(id)) {
        const p = autoProduct(a, N, config.fx.mode);
        const scale = it.spectra > 0 ? 1 / it.spectra : NaN;
        for (let j = 0; j < C; j++) row[j] = it.visibilities[2 * (p * C + j)]! * scale;
        if (it.spectra > 0) {
          for (let j = 0; j < C; j++) mean[a]![j]! += row[j]!;
          counted[a]!++;
        }
        w.float32(row);
        options.onProgress?.(a * T + it.index + 1, N * T + 1);
      }
    }
    // AXES: one row, TIME (T doubles, s), FREQUENCY (C doubles, Hz) and, for an HI observation with a
    // topocentric axis, VLSRCORR (T doubles, m/s: v_LSR − v_topo at each integration's middle).
    const vlsr = velocityFrame(store, obs)?.frame === 'topocentric'
      ? lsrCorrections(store, obs, times.map((t) => t.time + t.duration / 2)) : null;
    w.header([
      card('XTENSION', 'BINTABLE', 'binary table'), card('BITPIX', { int: 8 }), card('NAXIS', { int: 2 }),
      card('NAXIS1', { int: 8 * (T + C + (vlsr ? T : 0)) }, 'bytes per row'), card('NAXIS2', { int: 1 }),
      card('PCOUNT', { int: 0 }), card('GCOUNT', { int: 1 }), card('TFIELDS', { int: vlsr ? 3 : 2 }),
      card('TTYPE1', 'TIME'), card('TFORM1', `${T}D`), card('TUNIT1', 's'), card('TDIM1', `(1,${T})`, 'the -TAB coordinate array (M = 1)'),
      card('TTYPE2', 'FREQUENCY'), card('TFORM2', `${C}D`), card('TUNIT2', 'Hz'),
      ...(vlsr ? [card('TTYPE3', 'VLSRCORR'), card('TFORM3', `${T}D`), card('TUNIT3', 'm/s')] : []),
      card('EXTNAME', 'AXES'),
      ...commentary('COMMENT', 'TIME: first sample of each integration, s from DATE-OBS of the primary HDU.'),
      ...(vlsr ? commentary('COMMENT', 'VLSRCORR: v_LSR - v_topo (kinematic LSR, m/s) at the middle of each integration for the pointing then.') : []),
    ]);
    w.float64(offsets);
    w.float64(freqs);
    if (vlsr) w.float64(Array.from(vlsr, (v) => v * 1000));
    // SPECTRUM: one row per channel.
    const spec = [
      card('XTENSION', 'BINTABLE', 'binary table'), card('BITPIX', { int: 8 }), card('NAXIS', { int: 2 }),
      card('NAXIS1', { int: 8 + 4 * N }, 'bytes per row'), card('NAXIS2', { int: C }),
      card('PCOUNT', { int: 0 }), card('GCOUNT', { int: 1 }), card('TFIELDS', { int: 1 + N }),
      card('TTYPE1', 'FREQUENCY'), card('TFORM1', '1D'), card('TUNIT1', 'Hz'),
    ];
    for (let a = 0; a < N; a++) spec.push(card(`TTYPE${a + 2}`, `POWER${a}`), card(`TFORM${a + 2}`, '1E'));
    spec.push(card('EXTNAME', 'SPECTRUM'), ...commentary('COMMENT', 'POWERa: mean auto power per spectrum of input a over the observation.'));
    w.header(spec);
    const rowBuf = Buffer.alloc(8 + 4 * N);
    for (let j = 0; j < C; j++) {
      rowBuf.writeDoubleBE(freqs[j]!, 0);
      for (let a = 0; a < N; a++) rowBuf.writeFloatBE(counted[a]! ? mean[a]![j]! / counted[a]! : NaN, 8 + 4 * a);
      w.data(rowBuf);
    }
    if (moves.length > 1) writePointingTable(w, moves, t0);
    const done = w.close();
    options.onProgress?.(N * T + 1, N * T + 1);
    return { path: out, ...done };
  } catch (err) {
    w.abort();
    throw err;
  }
}

/** The antenna's name and dish (TELESCOP). */
function telescope(config: import('../store/types.ts').ObservationConfig, input: number): string {
  const a = config.antennas?.[input];
  if (!a) return 'Fringe';
  return a.dishDiameter ? `${a.name} (${a.dishDiameter} m dish)` : a.name;
}

/** POINTING: TIME (s from DATE-OBS) and where the dish pointed from then on (deg; NaN where not recorded). */
function writePointingTable(w: FitsWriter, moves: ReturnType<typeof pointings>, t0: number): void {
  const cols = ['AZ', 'EL', 'RA', 'DEC', 'GLON', 'GLAT'] as const;
  const key = { AZ: 'az', EL: 'el', RA: 'ra', DEC: 'dec', GLON: 'l', GLAT: 'b' } as const;
  const cards = [
    card('XTENSION', 'BINTABLE', 'binary table'), card('BITPIX', { int: 8 }), card('NAXIS', { int: 2 }),
    card('NAXIS1', { int: 8 * (1 + cols.length) }, 'bytes per row'), card('NAXIS2', { int: moves.length }),
    card('PCOUNT', { int: 0 }), card('GCOUNT', { int: 1 }), card('TFIELDS', { int: 1 + cols.length }),
    card('TTYPE1', 'TIME'), card('TFORM1', '1D'), card('TUNIT1', 's'),
  ];
  cols.forEach((c, k) => cards.push(card(`TTYPE${k + 2}`, c), card(`TFORM${k + 2}`, '1D'), card(`TUNIT${k + 2}`, 'deg')));
  cards.push(card('EXTNAME', 'POINTING'), card('RADESYS', 'FK5'), card('EQUINOX', 2000),
    ...commentary('COMMENT', 'Each row holds from its TIME (s from DATE-OBS) until the next; RA/DEC J2000, GLON/GLAT galactic.'));
  w.header(cards);
  const row = Buffer.alloc(8 * (1 + cols.length));
  for (const m of moves) {
    row.writeDoubleBE(m.time - t0, 0);
    cols.forEach((c, k) => {
      const v = m[key[c]];
      row.writeDoubleBE(typeof v === 'number' ? v : NaN, 8 * (k + 1));
    });
    w.data(row);
  }
}
