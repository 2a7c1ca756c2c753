/**
 * Where to tune for a 21 cm spectrum toward (l, b): the centre frequency that
 * puts the velocities Galactic HI can have there (galacticWindow) in the
 * middle of the receiver's flat band, so the baseline has line-free channels
 * on both sides of the emission and is interpolated across it, not
 * extrapolated. The station's general offset tuning (src/api/tuning.ts) puts
 * the line an eighth of the band above the DC spike, which holds the local
 * gas and a first-quadrant profile at mid longitudes; toward the inner Galaxy
 * (emission over −110…+150 km/s at l = 30°) or the outer Galaxy (−150 km/s)
 * only a pointing's own tuning leaves line-free channels on both sides.
 *
 * Pure. Velocities: radio convention, km/s; v_topo = v_LSR − correction.
 */
import { equatorialToGalactic } from '../../astro/galactic.ts';
import type { Site } from '../../astro/site.ts';
import { frequencyForVelocity, hydrogenLine, lsrCorrection, speedOfLight } from '../../astro/velocity.ts';
import { galacticWindow } from './reduce.ts';

/**
 * The part of the band (a fraction of Nyquist, each side of DC) an RTL-SDR's
 * baseband keeps flat within about 1 %: its decimation filter rolls off
 * beyond (the simulator's Butterworth edge at 0.85 of Nyquist: 0.4 % down at
 * 0.6, 4 % at 0.7).
 */
export const flatFraction = 0.6;

/** How far (km/s) the DC spike is kept from v_LSR = 0, where the local gas is brightest, when the band allows. */
export const dcClearKms = 30;

/** Line-free flat band (km/s) kept on each side of the window when moving the DC spike: 30 channels of 0.5 km/s. */
export const minMarginKms = 15;

export interface HiTuning {
  /** Centre frequency (Hz, whole). */
  centerFrequency: number;
  /** The emission window placed (km/s, LSR). */
  window: [number, number];
  /** Flat band (km/s, LSR) at this tuning. */
  flat: [number, number];
  /** Line-free flat band below and above the window (km/s); negative when the window does not fit. */
  margins: [number, number];
  /** Where the DC spike lands (km/s, LSR). */
  dcKms: number;
  /** What the choice did, in words. */
  why: string;
}

/**
 * The tuning for an HI spectrum toward (l, b) (degrees) at `sampleRate` (Hz),
 * with the LSR correction of the time and place (v_LSR − v_topo, km/s; 0 when
 * unknown: the window's 40 km/s padding covers it).
 */
export function hiTuning(l: number, b: number, sampleRate: number, lsrCorrectionKms = 0): HiTuning {
  const window = galacticWindow(l, b);
  const kmsPerHz = speedOfLight / 1000 / hydrogenLine;
  const half = ((flatFraction * sampleRate) / 2) * kmsPerHz; // flat half-band, km/s
  const width = window[1] - window[0];
  const spare = half - width / 2; // line-free flat band each side with the window centred
  let dc = (window[0] + window[1]) / 2; // LSR
  let why: string;
  if (spare < 0) {
    why = `the emission window ${window[0].toFixed(0)}…${window[1].toFixed(0)} km/s is wider than the flat band (${(2 * half).toFixed(0)} km/s at ${(sampleRate / 1e6).toFixed(3)} MS/s): centred, the baseline has no line-free channels beside it`;
  } else {
    why = `the emission window ${window[0].toFixed(0)}…${window[1].toFixed(0)} km/s centred in the flat band, ${spare.toFixed(0)} km/s line-free each side`;
    if (Math.abs(dc) < dcClearKms) {
      // Move DC off the local gas toward the nearer side, as far as the window stays inside the flat band.
      const target = dc >= 0 ? dcClearKms : -dcClearKms;
      const shift = target - dc;
      const room = Math.max(0, spare - minMarginKms);
      if (Math.abs(shift) <= room) {
        dc = target;
        why += `; moved ${Math.abs(shift).toFixed(0)} km/s so the DC spike is ${dcClearKms} km/s from the local gas`;
      } else {
        dc += Math.sign(shift) * room;
        why += `; the DC spike at ${dc.toFixed(0)} km/s (the band cannot keep it ${dcClearKms} km/s from the local gas): one flagged channel`;
      }
    }
  }
  const centerFrequency = Math.round(frequencyForVelocity(dc - lsrCorrectionKms));
  const flat: [number, number] = [dc - half, dc + half];
  return { centerFrequency, window, flat, margins: [window[0] - flat[0], flat[1] - window[1]], dcKms: dc, why };
}

/**
 * The tuning for the HI toward a direction (J2000 RA, Dec in degrees) seen
 * from `site` at `time`: its galactic (l, b) and the LSR correction of that
 * place, time and direction, then hiTuning.
 */
export function hiTuningToward(site: Site, time: Date, ra: number, dec: number, sampleRate: number): HiTuning & { l: number; b: number } {
  const { l, b } = equatorialToGalactic(ra, dec);
  return { ...hiTuning(l, b, sampleRate, lsrCorrection(site, time, ra, dec)), l, b };
}
