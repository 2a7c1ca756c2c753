/**
 * The velocity frame of an HI observation's exports: whether its frequency
 * axis is topocentric (as observed) or already in the LSR (an import of
 * LSR spectra), and the correction v_LSR − v_topo (the classical radio,
 * kinematic LSR of src/astro/velocity.ts) for its start pointing at the
 * first integration's time. FITS states it as SPECSYS/SSYSOBS (FITS WCS
 * Paper III, Greisen et al. 2006) with VLSRCORR; the CSVW sidecar as a note.
 */
import { lsrCorrection } from '../../src/astro/velocity.ts';
import type { Store } from '../store/store.ts';
import type { Observation } from '../store/types.ts';
import { card } from './fits.ts';
import { observationSite, pointings, restFrequency } from './coordinates.ts';

export interface VelocityFrame {
  /** The frame of the exported frequency axis. */
  frame: 'topocentric' | 'lsr';
  rest_frequency_hz: number;
  /** v_LSR − v_topo (km/s) for the start pointing at `at_utc`; 0 when the axis is already LSR; null when the site, time or RA/Dec is unknown. */
  lsr_correction_kms: number | null;
  at_utc: string | null;
  definition: string;
}

const definition = 'kinematic LSR (classical radio definition: 20 km/s toward RA 18h, Dec +30 deg, B1900), radio velocity convention';

/** The frame of `obs` when its band holds the HI line, else null. `time` (Unix s): when the correction is taken (default: the start). */
export function velocityFrame(store: Store, obs: Observation, time = obs.start): VelocityFrame | null {
  const rest = restFrequency(obs.config);
  if (rest === null) return null;
  const imported = obs.config.imported as { frame?: string } | undefined;
  if (imported?.frame === 'lsr') return { frame: 'lsr', rest_frequency_hz: rest, lsr_correction_kms: 0, at_utc: null, definition };
  const corr = lsrCorrections(store, obs, [time]);
  return { frame: 'topocentric', rest_frequency_hz: rest, lsr_correction_kms: corr ? corr[0]! : null, at_utc: corr ? new Date(time * 1000).toISOString() : null, definition };
}

/**
 * v_LSR − v_topo (km/s) at each of `times` (Unix s) for the pointing in force then (the last pointing at or
 * before it, else the first); null when the observation has no site, no RA/Dec or no known time.
 */
export function lsrCorrections(store: Store, obs: Observation, times: readonly number[]): Float64Array | null {
  const site = observationSite(store, obs);
  const moves = pointings(store, obs).filter((q) => Number.isFinite(q.ra) && Number.isFinite(q.dec));
  if (!site || !moves.length || (obs.config.imported as { timeUnknown?: boolean } | undefined)?.timeUnknown) return null;
  const s = { name: site.name, lat: site.lat, lon: site.lon, altitude: site.altitude };
  let k = 0;
  return Float64Array.from(times, (t) => {
    while (k + 1 < moves.length && moves[k + 1]!.time <= t + 1e-6) k++;
    return lsrCorrection(s, new Date(t * 1000), moves[k]!.ra, moves[k]!.dec);
  });
}

/** FITS cards of the frame: SPECSYS, SSYSOBS, VELREF and VLSRCORR (m/s) with VLSRTIME. */
export function velocityFrameCards(f: VelocityFrame): string[] {
  if (f.frame === 'lsr') {
    return [
      // No SSYSOBS: the frame the other tool observed in (where its frequencies were constant) is not known.
      card('SPECSYS', 'LSRK', 'spectral axis in the LSR (kinematic), as imported'),
      card('VELREF', { int: 257 }, 'AIPS: LSR, radio convention'),
      card('VLSRCORR', 0, '[m/s] v_LSR - v_topo: axis already LSR'),
    ];
  }
  const cards = [
    card('SPECSYS', 'TOPOCENT', 'frequencies as observed, no Doppler correction'),
    card('SSYSOBS', 'TOPOCENT', 'frame in which the observation was made'),
    card('VELREF', { int: 259 }, 'AIPS: topocentric, radio convention'),
  ];
  if (f.lsr_correction_kms !== null) {
    cards.push(
      card('VLSRCORR', Math.round(f.lsr_correction_kms * 1000 * 10) / 10, '[m/s] v_LSR - v_topo (kinematic LSR)'),
      card('VLSRTIME', f.at_utc!.replace(/Z$/, ''), 'UTC the VLSRCORR is for (start pointing)'),
    );
  }
  return cards;
}
