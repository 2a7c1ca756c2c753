/**
 * The simulator's hidden HI truth for a fixed dish, as its own model sees it
 * (its ephemeris, its rounding of the pointing to 0.25°, its LSR): what the
 * HI tests measure the reduction against. T_sys off the line (receiver +
 * continuum) and 0.7 × the beam-averaged profile (the main-beam efficiency
 * the simulator applies to extended emission).
 */
import { AntennaModel } from '../../devices/sim/model.ts';
import { parseScenario } from '../../devices/sim/scenario.ts';
import { pointingFromConfig } from '../../devices/sim/pointing.ts';
import { equatorialToGalactic, horizontalToEquatorial, observerLsrVelocity } from '../../devices/sim/ephemeris.ts';
import { beamAveragedProfile, profileAt } from '../../devices/sim/hydrogen.ts';
import { beamFwhm } from '../../devices/sim/beam.ts';

export interface SimHiTruth {
  /** Receiver + continuum (K): the spectrum's level off the line. */
  tsys: number;
  /** The line (K) at v_LSR (km/s). */
  line: (v: number) => number;
  /** Where the simulator's own ephemeris puts the dish (degrees), and its LSR correction (km/s). */
  l: number;
  b: number;
  lsr: number;
}

export function simHiTruth(o: { site: { lat: number; lon: number }; start: string; az: number; el: number; diameter?: number; tsys?: number; ms?: number; centre?: number }): SimHiTruth {
  const diameter = o.diameter ?? 1.5, centre = o.centre ?? 1420.4e6;
  const ms = o.ms ?? Date.parse(o.start);
  const scenario = parseScenario({ seed: 1, site: o.site, start: o.start, antennas: [{ name: 'dish', diameter, tsys: o.tsys ?? 90, pointing: { mode: 'fixed', az: o.az, el: o.el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [] });
  const model = new AntennaModel(scenario, scenario.antennas[0]!, pointingFromConfig(scenario.antennas[0]!.pointing, scenario.site));
  model.independentAmplitude(ms, centre, 2.4e6, new Float32Array(256).fill(1), new Float32Array(256));
  const eq = horizontalToEquatorial({ az: o.az, el: o.el }, scenario.site, ms);
  const gal = equatorialToGalactic(eq);
  const prof = beamAveragedProfile(Math.round(gal.l * 4) / 4, Math.round(gal.b * 4) / 4, beamFwhm(diameter, centre));
  return { tsys: model.receiverTemperature + model.continuum, line: (v) => 0.7 * profileAt(prof, v), l: gal.l, b: gal.b, lsr: observerLsrVelocity(eq, ms) };
}
