/**
 * One antenna's view of the sky at a moment: the temperatures that feed its
 * receiver (receiver, continuum, ground, HI line, sun) and the geometric
 * delay of the sun's wavefront at its position. Evaluated by the synthesiser
 * once per frame (sun and delay) or once per refresh (continuum and line).
 */
import { beamBelowHorizon, beamFwhm, solarFlux, speedOfLight, sunAntennaTemperature } from './beam.ts';
import { enuVector, equatorialToGalactic, horizontalToEquatorial, observerLsrVelocity, sunDiameter, sunPosition, equatorialToHorizontal, type Horizontal } from './ephemeris.ts';
import { beamAveragedProfile, hiRestFrequency, profileAt, radioVelocity, type HiProfile } from './hydrogen.ts';
import type { PointingModel } from './pointing.ts';
import type { AntennaConfig, Scenario } from './scenario.ts';
import { coldSkyZenith, continuumTemperature } from './sky.ts';
import { DeviceError } from '../errors.ts';

/** Main-beam efficiency for extended emission (HI, galactic continuum): a typical 0.7 for a small prime-focus dish. */
const mainBeamEfficiency = 0.7;

/** What the sun does to one antenna at one moment. */
export interface SunView {
  /** Antenna temperature from the sun (K). */
  temperature: number;
  /** Arrival delay of the sun's wavefront at this antenna relative to the array origin (s): x(t) = s(t − τ). */
  delay: number;
}

export class AntennaModel {
  /** Receiver temperature (K): tsys less the cold sky and ground at the zenith. */
  readonly receiverTemperature: number;
  private hiKey = '';
  private hi: HiProfile | null = null;
  /** The last refresh's continuum antenna temperature (K), for tests and logs. */
  continuum = 0;
  /** The last refresh's LSR correction (km/s): observer's velocity toward the pointing. */
  lsrCorrection = 0;
  /** The last refresh's pointing (degrees). */
  pointing: Horizontal = { az: 0, el: 90 };

  constructor(
    readonly scenario: Scenario,
    readonly config: AntennaConfig,
    readonly pointingModel: PointingModel,
  ) {
    const fwhm = beamFwhm(config.diameter, scenario.tuning.centerFrequency);
    this.receiverTemperature = config.tsys - coldSkyZenith(fwhm);
    if (this.receiverTemperature < 5) {
      throw new DeviceError('invalid', `scenario antenna '${config.name}': tsys ${config.tsys} K leaves ${this.receiverTemperature.toFixed(1)} K for the receiver after ${coldSkyZenith(fwhm).toFixed(1)} K of sky and ground; raise tsys.`);
    }
  }

  /** The sun's contribution and wavefront delay at sky time `timeMs` for centre frequency `fc` (Hz). */
  sun(timeMs: number, fc: number): SunView {
    const s = this.scenario;
    if (!s.sun.enabled) return { temperature: 0, delay: 0 };
    const eq = sunPosition(timeMs);
    const pos = equatorialToHorizontal(eq, s.site, timeMs);
    const p = this.pointingModel.pointingAt(timeMs);
    const t = sunAntennaTemperature(this.config, fc, s.sun.flux ?? solarFlux(fc, s.sun.flux1415), p, pos, sunDiameter(eq.distance));
    const u = enuVector(pos);
    const x = this.config.position;
    // An antenna displaced toward the source receives the wavefront earlier: τ = −x·ŝ/c.
    const delay = -(x[0] * u[0] + x[1] * u[1] + x[2] * u[2]) / speedOfLight;
    return { temperature: t, delay };
  }

  /**
   * Fills amp[k] = √(B[k]·(T_rx + T_load)/L): what the receiver sees with the
   * hot load (an absorber at `load` K) in front of the feed, no sky, sun or line.
   */
  hotLoadAmplitude(load: number, bandpass: Float32Array, amp: Float32Array): void {
    const L = amp.length;
    for (let k = 0; k < L; k++) amp[k] = Math.sqrt((bandpass[k] * (this.receiverTemperature + load)) / L);
  }

  /**
   * Refreshes the continuum and the HI profile for sky time `timeMs` and
   * fills amp[k] = √(B[k]·T[k]/L) for the L bins of a spectrum at centre `fc`
   * and rate `fs` (Hz), where T[k] is receiver + continuum + line (K) and B the
   * bandpass power response.
   */
  independentAmplitude(timeMs: number, fc: number, fs: number, bandpass: Float32Array, amp: Float32Array): void {
    const s = this.scenario;
    const L = amp.length;
    const p = this.pointingModel.pointingAt(timeMs);
    this.pointing = p;
    const fwhm = beamFwhm(this.config.diameter, fc);
    const eq = horizontalToEquatorial(p, s.site, timeMs);
    const gal = equatorialToGalactic(eq);
    this.continuum = continuumTemperature(p.el, gal.l, gal.b, fwhm, mainBeamEfficiency);
    const base = this.receiverTemperature + this.continuum;
    const lineVisible = s.hydrogen.enabled && Math.abs(fc - hiRestFrequency) < fs / 2 + 2e6;
    if (lineVisible) {
      // The profile depends only on the pointing rounded to 0.25° and the beam, so it is recomputed rarely and deterministically.
      const l = Math.round(gal.l * 4) / 4, b = Math.round(gal.b * 4) / 4;
      const key = `${l},${b},${fwhm.toFixed(3)}`;
      if (key !== this.hiKey) {
        this.hi = beamAveragedProfile(l, b, fwhm);
        this.hiKey = key;
      }
      this.lsrCorrection = s.hydrogen.lsr ? Math.round(observerLsrVelocity(eq, timeMs) * 100) / 100 : 0;
    }
    // The part of the beam on the ground sees no line.
    const skyFraction = 1 - beamBelowHorizon(p.el, fwhm);
    for (let k = 0; k < L; k++) {
      let t = base;
      if (lineVisible && this.hi) {
        const f = fc + ((k < L / 2 ? k : k - L) * fs) / L;
        t += mainBeamEfficiency * skyFraction * profileAt(this.hi, radioVelocity(f) + this.lsrCorrection);
      }
      amp[k] = Math.sqrt((bandpass[k] * t) / L);
    }
  }
}
