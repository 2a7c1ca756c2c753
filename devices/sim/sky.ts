/**
 * The continuum an antenna sees besides the sun (antenna temperatures in K,
 * one polarisation, at 1.4 GHz): the cosmic background, the galaxy's
 * synchrotron continuum, the atmosphere and spill-over from the ground.
 *
 * Values: CMB 2.725 K (Fixsen 2009, ApJ 707, 916); atmosphere at 1.4 GHz
 * ≈ 2.2 K at the zenith, growing as the airmass (ITU-R P.676 zenith opacity
 * ≈ 0.008 Np at 290 K); galactic continuum at 1420 MHz ≈ 0.8 K away from the
 * plane, ≈ 10–20 K in it and ≈ 25 K toward the centre (Reich 1982, Stockert
 * 1420 MHz survey, beam-smoothed); ground 290 K with 2 % of the pattern in
 * far sidelobes that always see it, plus the part of the main beam below the
 * horizon. The sum off the plane at the zenith (`coldSkyZenith`) is what
 * scenario `tsys` includes besides the receiver.
 */
import { beamBelowHorizon } from './beam.ts';

export const cmbTemperature = 2.725;
const atmosphereZenith = 2.2;
const galaxyOffPlane = 0.8;
const groundTemperature = 290;
const farSidelobeFraction = 0.02;

/** Atmospheric emission (K) at elevation `el` (degrees); the airmass is capped near the horizon. */
export function atmosphereTemperature(el: number): number {
  const s = Math.sin((Math.max(el, 0) * Math.PI) / 180);
  return atmosphereZenith / Math.max(s, 0.05);
}

/** Galactic continuum brightness (K) at 1420 MHz at galactic (l, b) (degrees); a smooth model, not a survey. */
export function galacticContinuum(l: number, b: number): number {
  const lw = ((l + 180) % 360) - 180; // −180…180, 0 toward the centre
  const plane = Math.exp((-b * b) / (2 * 3 * 3));
  const inner = 4 + 18 * Math.exp(-(lw * lw) / (2 * 40 * 40));
  return galaxyOffPlane + plane * inner;
}

/** Ground pick-up (K) of a dish with beam FWHM `fwhm` (degrees) at elevation `el` (degrees). */
export function groundSpill(el: number, fwhm: number): number {
  const mainBelow = beamBelowHorizon(el, fwhm);
  return groundTemperature * (farSidelobeFraction + (1 - farSidelobeFraction) * mainBelow);
}

/**
 * Everything but the receiver, the sun and the HI line at the zenith away
 * from the galactic plane (K): the part of `tsys` that is sky and ground.
 */
export function coldSkyZenith(fwhm: number): number {
  return cmbTemperature + galaxyOffPlane + atmosphereTemperature(90) + groundSpill(90, fwhm);
}

/** Continuum antenna temperature (K) at elevation `el` with the galaxy's (l, b), main-beam efficiency `etaMb`. */
export function continuumTemperature(el: number, l: number, b: number, fwhm: number, etaMb: number): number {
  const ground = groundSpill(el, fwhm);
  // The part of the beam on the ground does not see the sky.
  const skyFraction = 1 - beamBelowHorizon(el, fwhm);
  return ground + skyFraction * (cmbTemperature + atmosphereTemperature(el) + etaMb * (galacticContinuum(l, b) - galaxyOffPlane) + galaxyOffPlane);
}
