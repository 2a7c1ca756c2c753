/** The drift / cross-scan measurement on synthetic cuts made with the beam ⊗ disk model and seeded noise: known answers. */
import { describe, expect, it } from 'vitest';
import { beamDiskResponse, convolvedFwhm, sunDiameterDeg } from '../../../src/analysis/beam.ts';
import { type CutData, analyseDrift, fitCut, fitWindow } from '../../../src/analysis/drift.ts';
import { gaussian, rng } from '../../../src/analysis/signals.ts';

interface Truth {
  beam: number;
  centre: number;
  peak: number;
  base: number;
  slope: number;
  noise: number;
}

/** A drift: the sun's offset along its track from −span to +span (degrees on the sky), power = baseline + peak·(beam ⊗ disk)(x − centre) + noise. */
function syntheticDrift(t: Truth, seed: number, span = 30, step = 0.25): CutData {
  const g = gaussian(rng(seed));
  const x: number[] = [], p: number[] = [];
  const p0 = beamDiskResponse(0, t.beam);
  for (let v = -span; v <= span + 1e-9; v += step) {
    x.push(v);
    p.push(t.base + t.slope * v + (t.peak * beamDiskResponse(v - t.centre, t.beam)) / p0 + t.noise * g());
  }
  return { axis: 'drift', coord: x, sky: x, power: p, across: null, el: 40 };
}

const truth: Truth = { beam: 8, centre: 1.3, peak: 50, base: 100, slope: 0.2, noise: 0.5 };

describe('analyseDrift on a synthetic drift (beam 8°, centre +1.3°, baseline 100 + 0.2·x K, peak 50 K, noise 0.5 K)', () => {
  const r = analyseDrift([syntheticDrift(truth, 1)], { unit: 'K', diameter: 2, efficiency: 0.6, expectedFlux: 70, frequency: 1.42e9 });
  it('recovers the beam, the centre, the peak and the baseline within 3σ of their stated uncertainties', () => {
    expect(Math.abs(r.hpbw_deg! - truth.beam)).toBeLessThan(3 * r.hpbw_deg_sigma!);
    expect(r.hpbw_deg_sigma!).toBeLessThan(0.05);
    const c = r.cuts[0]!;
    expect(Math.abs(c.centre_deg! - truth.centre)).toBeLessThan(3 * c.centre_deg_sigma!);
    expect(Math.abs(c.peak_k! - truth.peak)).toBeLessThan(3 * c.peak_k_sigma!);
    expect(Math.abs(c.baseline_k! - (truth.base + truth.slope * truth.centre))).toBeLessThan(3 * c.baseline_k_sigma!);
    expect(Math.abs(c.fwhm_deg! - convolvedFwhm(truth.beam))).toBeLessThan(3 * c.fwhm_deg_sigma!);
  });
  it("gives the az pointing offset as the drift's peak position (on the sky), no el offset, and says why", () => {
    expect(Math.abs(r.pointing_offset_deg.az! - truth.centre)).toBeLessThan(3 * r.pointing_offset_deg_sigma.az!);
    expect(r.pointing_offset_deg.el).toBeNull();
    expect(r.verdict.join(' ')).toMatch(/single drift cannot measure the elevation pointing offset/);
  });
  it('computes the flux from T_A and the effective area: S = 2k·(T_peak / P_disk(0))/A_e', () => {
    const area = 0.6 * Math.PI;
    const expected = (2 * 1.380649e-23 * (truth.peak / beamDiskResponse(0, truth.beam, sunDiameterDeg))) / area / 1e-22;
    expect(Math.abs(r.sun_flux_sfu! - expected)).toBeLessThan(3 * r.sun_flux_sfu_sigma!);
    expect(r.expected_flux_sfu).toBe(70);
    expect(r.tsys_k!).toBeGreaterThan(100);
  });
  it('the stated uncertainties are honest: over 24 seeds the pulls of the beam have an rms near 1', () => {
    const pulls: number[] = [];
    for (let seed = 100; seed < 124; seed++) {
      const q = analyseDrift([syntheticDrift(truth, seed, 30, 0.5)], { unit: 'K' });
      pulls.push((q.hpbw_deg! - truth.beam) / q.hpbw_deg_sigma!);
    }
    const rms = Math.sqrt(pulls.reduce((a, b) => a + b * b, 0) / pulls.length);
    expect(rms).toBeGreaterThan(0.6);
    expect(rms).toBeLessThan(1.5);
  });
});

describe('analyseDrift never invents kelvin', () => {
  it('relative units give null kelvin fields, the same beam, and a verdict that says so', () => {
    const r = analyseDrift([syntheticDrift(truth, 2)], { unit: 'relative', diameter: 2, efficiency: 0.6 });
    expect([r.tsys_k, r.sun_antenna_temp_k, r.sun_flux_sfu, r.cuts[0]!.peak_k, r.cuts[0]!.baseline_k]).toEqual([null, null, null, null, null]);
    expect(r.cuts[0]!.peak).toBeGreaterThan(40);
    expect(Math.abs(r.hpbw_deg! - truth.beam)).toBeLessThan(3 * r.hpbw_deg_sigma!);
    expect(r.verdict.join(' ')).toMatch(/not calibrated in kelvin/);
  });
  it('a cut of noise alone gives no numbers and a reason, not a fitted dip', () => {
    const g = gaussian(rng(5));
    const x = Array.from({ length: 121 }, (_, i) => -30 + i * 0.5);
    const c = fitCut({ axis: 'drift', coord: x, sky: x, power: x.map(() => 100 + g()), across: null, el: 30 }, { unit: 'K' });
    expect(c.fwhm_deg).toBeNull();
    expect(c.error).toBeTruthy();
  });
});

describe('fitWindow', () => {
  it('keeps the sun and leaves out ground brighter than the sun at the far end of an elevation scan', () => {
    // The real SRT elevation scan's shape: ground and interference at −27…−19° (up to 1000 K), the sun near +2°.
    const x = Array.from({ length: 31 }, (_, i) => -27.4 + 2 * i);
    const p = x.map((v) => 130 + (600 * beamDiskResponse(v - 2, 6)) / beamDiskResponse(0, 6) + (v < -18 ? 900 * Math.abs(Math.sin(v)) : 0));
    const keep = fitWindow(x, p).map((i) => x[i]!);
    expect(Math.min(...keep)).toBeGreaterThan(-18);
    expect(keep.some((v) => Math.abs(v - 2.6) < 1e-9)).toBe(true);
    expect(keep.length).toBeGreaterThanOrEqual(10);
  });
});
