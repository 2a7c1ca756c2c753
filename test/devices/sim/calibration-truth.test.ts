/**
 * What the drift and kelvin calibration are tested against: the simulator's
 * beam ⊗ disk computed in full, the dish's hidden pointing error, the sun's
 * flux at the observing frequency and the hot load.
 */
import { describe, expect, it } from 'vitest';
import { beamFwhm, diskBeamResponse, sunAntennaTemperature } from '../../../devices/sim/beam.ts';
import { equatorialToHorizontal, sunPosition } from '../../../devices/sim/ephemeris.ts';
import { openSimSource } from '../../../devices/sim/index.ts';
import { beamDiskResponse } from '../../../src/analysis/beam.ts';
import { countsVariance } from '../../../src/analysis/estimators.ts';

const quiet = { rfi: [], frontend: { dcOffset: [0, 0] }, hydrogen: { enabled: false }, sun: { enabled: false } };
const quantisation = 1 / 12;

describe('the beam ⊗ disk of the simulator', () => {
  it('agrees with the analysis’ ring integral (an independent method) to 1e−5 of the peak, for beams from 0.1° to 15°', () => {
    for (const beam of [0.1, 0.3, 0.533, 1, 2, 5, 15]) {
      for (const f of [0, 0.25, 0.5, 1, 1.5, 2]) {
        const rho = f * Math.max(beam, 0.533);
        expect(Math.abs(diskBeamResponse(rho, beam, 0.533) - beamDiskResponse(rho, beam, 0.533))).toBeLessThan(1e-5);
      }
    }
    // A point source: the beam itself.
    expect(diskBeamResponse(0.5, 1, 0)).toBeCloseTo(0.5, 12);
  });

  it('is wider than the moment approximation (σ² = σ_b² + R²/4) for a 0.5° beam, which biased a deconvolved beam by −5 %', () => {
    const halfWidth = (g: (r: number) => number) => {
      let lo = 0, hi = 2;
      for (let i = 0; i < 60; i++) (g((lo + hi) / 2) > g(0) / 2 ? (lo = (lo + hi) / 2) : (hi = (lo + hi) / 2));
      return lo + hi;
    };
    const moment = 2.3548 * Math.sqrt((0.5 / 2.3548) ** 2 + 0.2665 ** 2 / 4);
    const full = halfWidth((r) => diskBeamResponse(r, 0.5, 0.533));
    expect(full / moment).toBeGreaterThan(1.02);
  });
});

describe('scenario truths hidden from the code under test', () => {
  const t0 = Date.parse('2026-06-21T12:00:00Z');
  const site = { lat: 52, lon: 0 };
  const sun = equatorialToHorizontal(sunPosition(t0), site, t0);
  const f = 1_420_405_752;

  it('points the dish pointingError away from where its mount says: half the sun at half a beam in elevation', async () => {
    const fwhm = beamFwhm(10, f);
    const open = (pointingError: { az: number; el: number }) =>
      openSimSource({ scenario: { ...quiet, sun: { enabled: true, flux: 80 }, antennas: [{ diameter: 10, pointing: { mode: 'fixed', az: sun.az, el: sun.el }, pointingError }] }, pacing: false });
    const on = await open({ az: 0, el: 0 }), off = await open({ az: 0, el: fwhm / 2 });
    on.read(8192);
    off.read(8192);
    const full = on.engine.synth(0).sunTemperature, half = off.engine.synth(0).sunTemperature;
    expect(full).toBeCloseTo(sunAntennaTemperature({ diameter: 10, efficiency: 0.6 }, f, 80, sun, sun, 0.5245), -1);
    // The disk widens the profile a little: a bit over half at half the beam's width.
    expect(half / full).toBeCloseTo(diskBeamResponse(fwhm / 2, fwhm, 0.5245) / diskBeamResponse(0, fwhm, 0.5245), 2);
    // An azimuth error of a degree of azimuth is cos el on the sky.
    const az = await open({ az: fwhm / 2 / Math.cos((sun.el * Math.PI) / 180), el: 0 });
    az.read(8192);
    expect(az.engine.synth(0).sunTemperature / full).toBeCloseTo(half / full, 2);
  });

  it('sets the sun’s flux at the observing frequency with sun.flux', async () => {
    const src = await openSimSource({ scenario: { ...quiet, sun: { enabled: true, flux: 123 }, antennas: [{ pointing: { mode: 'sun' } }] }, pacing: false });
    src.read(8192);
    const peak = (0.6 * Math.PI * 0.25 * 123e-22) / (2 * 1.380649e-23);
    expect(src.engine.synth(0).sunTemperature / peak).toBeGreaterThan(0.999);
    expect(src.engine.synth(0).sunTemperature / peak).toBeLessThan(1);
  });

  it('puts the hot load’s temperature in front of the receiver in place of sky and sun, switched by the station', async () => {
    const src = await openSimSource({ scenario: { ...quiet, sun: { enabled: true }, antennas: [{ pointing: { mode: 'sun' } }], hotLoad: { temperature: 295 } }, pacing: false });
    const k = src.engine.countsPerRootKelvin(0) ** 2 * src.engine.bandpassMean;
    const trx = src.engine.synth(0).model.receiverTemperature;
    src.read(8192);
    const sky = (countsVariance(src.read(1 << 19).data) - quantisation) / k;
    expect(src.setHotLoad(true)).toBe(true);
    src.read(8192); // the frame in flight
    const hot = (countsVariance(src.read(1 << 19).data) - quantisation) / k;
    expect(hot / (trx + 295)).toBeGreaterThan(0.98);
    expect(hot / (trx + 295)).toBeLessThan(1.02);
    expect(sky).toBeGreaterThan(trx + 90); // the sun was in the beam before
    expect(src.engine.synth(0).sunTemperature).toBe(0);
  });
});
