/**
 * An antenna's response to the sun: a Gaussian main beam whose half-power
 * width is 1.2·λ/D (the usual value for a dish with a tapered illumination,
 * Wilson, Rohlfs & Hüttemeister, Tools of Radio Astronomy, §6), the sun's
 * 0.53° disk convolved into it, and the quiet sun's flux density vs frequency.
 */
import { angularSeparation, type Horizontal } from './ephemeris.ts';

/** Speed of light (m/s). */
export const speedOfLight = 299_792_458;
/** Boltzmann's constant (J/K). */
export const boltzmann = 1.380649e-23;
/** One solar flux unit (W m⁻² Hz⁻¹). */
export const sfu = 1e-22;

/** Half-power beam width (degrees) of a dish of diameter `diameter` (m) at `frequency` (Hz): 1.2·λ/D. */
export function beamFwhm(diameter: number, frequency: number): number {
  return ((1.2 * speedOfLight) / frequency / diameter) * (180 / Math.PI);
}

/**
 * Quiet-sun flux density near solar minimum (sfu) at the RSTN/Penticton
 * patrol frequencies (MHz): typical daily noon values published by the US Air
 * Force Radio Solar Telescope Network (Learmonth, San Vito, Sagamore Hill) and
 * the Penticton F10.7 series (Tapping 2013, Space Weather 11, 394: F10.7 ≈ 65
 * sfu at minimum). Interpolated log–log; scaled so the 1415 MHz value is the
 * scenario's `sun.flux1415` (default 60 sfu, experiments.md gives 40–80 sfu).
 * Note: 1e−22…1e−21 W m⁻² Hz⁻¹ would be 1–10 sfu, an order of magnitude below
 * the observed quiet sun at 1.4 GHz.
 */
const quietSun: ReadonlyArray<readonly [number, number]> = [
  [245, 12],
  [410, 22],
  [610, 32],
  [1415, 50],
  [2695, 68],
  [2800, 70],
  [4995, 120],
  [8800, 240],
  [15400, 550],
];

/** Quiet-sun flux density (sfu) at `frequency` (Hz), with the 1415 MHz value set to `flux1415` (sfu). */
export function solarFlux(frequency: number, flux1415 = 60): number {
  const f = frequency / 1e6;
  const t = quietSun;
  let i = 0;
  while (i < t.length - 2 && f > t[i + 1][0]) i++;
  const [f0, s0] = t[i], [f1, s1] = t[i + 1];
  const slope = Math.log(s1 / s0) / Math.log(f1 / f0);
  const s = s0 * Math.exp(slope * Math.log(f / f0));
  return (s * flux1415) / 50;
}

/** The antenna parameters the beam needs. */
export interface Dish {
  /** Diameter (m). */
  diameter: number;
  /** Aperture efficiency η (0…1): A_e = η·πD²/4. */
  efficiency: number;
}

/**
 * The mean of a Gaussian beam (peak 1, FWHM `fwhm` degrees) over a uniform
 * disk of diameter `diameter` (degrees) whose centre lies `rho` degrees from
 * the beam's axis: the beam ⊗ disk response relative to a point source on
 * the axis. Integrated across the disk in strips parallel to the offset:
 * each strip's Gaussian integral is σ√(2π)·erf(h/(σ√2)) for half-height h,
 * and the strips' sum is taken over x = R·sin θ by the midpoint rule, with
 * steps well under the beam's σ. An independent computation of what
 * src/analysis/beam.ts fits (its ring integral with Bessel I₀), so the
 * simulator does not test the analysis with the analysis' own formula.
 */
export function diskBeamResponse(rho: number, fwhm: number, diameter: number): number {
  const s = fwhm / (2 * Math.sqrt(2 * Math.LN2));
  const R = diameter / 2;
  const r = Math.abs(rho);
  if (R <= 0) return Math.exp((-r * r) / (2 * s * s));
  if (r > R + 12 * s) return 0;
  const n = Math.min(8192, Math.max(64, Math.ceil((8 * Math.PI * R) / s)));
  const dth = Math.PI / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const th = -Math.PI / 2 + (i + 0.5) * dth;
    const x = R * Math.sin(th), h = R * Math.cos(th);
    const strip = s * Math.sqrt(2 * Math.PI) * (1 - erfc(h / (s * Math.SQRT2)));
    sum += Math.exp(-((x - r) ** 2) / (2 * s * s)) * strip * h * dth;
  }
  return sum / (Math.PI * R * R);
}

/**
 * Antenna temperature (K) from the sun in one polarisation,
 * T_A = A_e·S/(2k)·P, where P is the beam (Gaussian, FWHM θ_b) convolved with
 * the sun's uniform disk (diameter d), computed in full (diskBeamResponse):
 * a moment approximation (σ² = σ_b² + d²/16) narrowed a deconvolved 0.5°
 * beam by 5 %. Zero when the sun is below the horizon.
 */
export function sunAntennaTemperature(
  dish: Dish,
  frequency: number,
  fluxSfu: number,
  pointing: Horizontal,
  sun: Horizontal,
  sunDiameterDeg: number,
): number {
  if (sun.el <= 0) return 0;
  const area = dish.efficiency * Math.PI * dish.diameter * dish.diameter * 0.25;
  const peak = (area * fluxSfu * sfu) / (2 * boltzmann);
  return peak * diskBeamResponse(angularSeparation(pointing, sun), beamFwhm(dish.diameter, frequency), sunDiameterDeg);
}

/** Fraction of a Gaussian beam (FWHM in degrees) pointed at elevation `el` (degrees) that lies below the horizon. */
export function beamBelowHorizon(el: number, fwhm: number): number {
  const s = fwhm / (2 * Math.sqrt(2 * Math.LN2));
  return 0.5 * erfc(el / (s * Math.SQRT2));
}

/** Complementary error function (Numerical Recipes erfcc, |error| < 1.2e−7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
