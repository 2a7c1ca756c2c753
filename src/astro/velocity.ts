/**
 * Frequencies and radial velocities for spectral-line work: the hydrogen
 * line's rest frequency, the radio velocity convention, and the correction
 * from the topocentric frame to the local standard of rest (LSR).
 */
import { BaryState, Body, MakeTime, ObserverState } from 'astronomy-engine';
import { observer, type Site } from './site.ts';

/** The 21 cm hyperfine line of neutral hydrogen (Hz): 1420.405751768 MHz (Hellwig et al. 1970). */
export const hydrogenLine = 1_420_405_751.768;
/** Speed of light (m/s). */
export const speedOfLight = 299_792_458;
const auPerDayInKmPerS = 149_597_870.7 / 86_400;

/** Radio-convention velocity (km/s, receding positive) of frequency `f` (Hz) for a line at `rest` (Hz). */
export function radioVelocity(f: number, rest = hydrogenLine): number {
  return ((speedOfLight * (rest - f)) / rest) / 1000;
}

/** The frequency (Hz) at which a line at `rest` (Hz) appears for a radio-convention velocity `v` (km/s). */
export function frequencyForVelocity(v: number, rest = hydrogenLine): number {
  return rest * (1 - (v * 1000) / speedOfLight);
}

/**
 * The standard solar motion: 20 km/s toward RA 18h, Dec +30° (B1900),
 * 18h03m50.29s, +30°00′16.8″ in J2000 (the classical radio LSR).
 */
const solarApex = unit(((18 + 3 / 60 + 50.29 / 3600) * 15 * Math.PI) / 180, ((30 + 16.8 / 3600) * Math.PI) / 180);
const solarMotion = 20; // km/s

function unit(ra: number, dec: number): [number, number, number] {
  return [Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)];
}

/**
 * The observer's velocity relative to the LSR projected on the direction
 * (RA, Dec in J2000 degrees) at `time` (km/s, positive when moving toward
 * the source). Add it to a topocentric radial velocity to get v_LSR:
 * v_LSR = v_topo + lsrCorrection(…).
 */
export function lsrCorrection(site: Site, time: Date, ra: number, dec: number): number {
  const t = MakeTime(time);
  const earth = BaryState(Body.Earth, t);
  // The site's motion about the geocentre (J2000 axes, ofdate = false): up to 0.46 km/s.
  const obs = ObserverState(t, observer(site), false);
  const n = unit((ra * Math.PI) / 180, (dec * Math.PI) / 180);
  const v = [earth.vx + obs.vx, earth.vy + obs.vy, earth.vz + obs.vz].map((c) => c * auPerDayInKmPerS);
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return dot(v, n) + solarMotion * dot(solarApex, n);
}
