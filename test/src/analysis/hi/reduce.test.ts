/**
 * src/analysis/hi/reduce.ts against known answers: analytic spectra (Gaussian
 * lines on a baseline, with noise, hot/cold loads, moving LSR corrections),
 * and the simulator's hydrogen profile (devices/sim: its own ephemeris and
 * LSR, its beam-averaged HI model) at several dates, sites and pointings.
 */
import { describe, expect, it } from 'vitest';
import { HiError, galacticWindow, reduceHi, type HiData } from '../../../../src/analysis/hi/reduce.ts';
import { hiCases, measureHiCase } from '../../../../src/qualify/hi.ts';
import { describePointing } from '../../../../src/astro/pointing.ts';
import { lsrCorrection, radioVelocity } from '../../../../src/astro/velocity.ts';
import { AntennaModel } from '../../../../devices/sim/model.ts';
import { parseScenario } from '../../../../devices/sim/scenario.ts';
import { pointingFromConfig } from '../../../../devices/sim/pointing.ts';

/** A seeded normal generator (Box–Muller on a small LCG). */
function gauss(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const C = 1024, fc = 1420.4e6, fs = 2.4e6;
const freqs = Float64Array.from({ length: C }, (_, j) => fc + ((j - C / 2) * fs) / C);
const line = (v: number, comps: { t: number; v: number; w: number }[]) => comps.reduce((s, c) => s + c.t * Math.exp((-4 * Math.LN2 * (v - c.v) ** 2) / (c.w * c.w)), 0);

describe('reduceHi on analytic spectra', () => {
  it('recovers two Gaussian components in kelvin from hot/cold loads, regridding integrations whose LSR correction moves by 6 km/s', () => {
    const truth = [{ t: 40, v: -20, w: 25 }, { t: 15, v: 35, w: 12 }];
    const g = gauss(7);
    const gain = Float64Array.from(freqs, (f, j) => 1e-3 * (1 + 0.3 * Math.sin(j / 90)) * (1 + (f - fc) / 1e7)); // a rippled bandpass
    const tRx = 80, tHot = 300, tCold = 10;
    const hot = Float64Array.from(gain, (gk) => gk * (tHot + tRx));
    const cold = Float64Array.from(gain, (gk) => gk * (tCold + tRx));
    const integrations = Array.from({ length: 12 }, (_, k) => {
      const corr = 10 + k * 0.5; // v_LSR = v_topo + corr
      const power = Float64Array.from(freqs, (f, j) => {
        const vl = radioVelocity(f) + corr;
        return gain[j]! * (tRx + tCold + 3 + line(vl, truth)) * (1 + 0.004 * g());
      });
      return { time: 1e9 + 60 * k, power, lsrCorrection: corr, sk: null, spectra: 1000 };
    });
    const data: HiData = { frequencies: freqs, integrations, kelvin: false, frame: 'topocentric' };
    const r = reduceHi(data, { hot, cold, tHot, tCold }, { emissionWindow: [-100, 100] });

    expect(r.unit).toBe('K');
    expect(r.lsr_correction_kms).toBeCloseTo(12.75, 2);
    expect(r.lsr_correction_spread_kms).toBeCloseTo(5.5, 6);
    expect(r.components.length).toBeGreaterThanOrEqual(2);
    const [a, b] = r.components;
    for (const [c, t] of [[a!, truth[0]!], [b!, truth[1]!]] as const) {
      expect(Math.abs(c.v_lsr_kms - t.v)).toBeLessThan(Math.max(4 * c.v_lsr_sigma_kms, 0.3));
      expect(Math.abs(c.peak - t.t) / t.t).toBeLessThan(0.05);
      expect(Math.abs(c.fwhm_kms - t.w) / t.w).toBeLessThan(0.08);
      expect(c.v_lsr_sigma_kms).toBeGreaterThan(0);
    }
    // Emission spans the components: the 5σ range lies around −20…35 km/s, widened by their wings.
    expect(r.velocity_range_kms![0]).toBeLessThan(-35);
    expect(r.velocity_range_kms![1]).toBeGreaterThan(42);
    expect(r.velocity_range_kms![1]).toBeLessThan(60);
  });

  it('says there is no emission in pure noise (no component, no range), and refuses a mismatched reference', () => {
    const g = gauss(3);
    const data: HiData = { frequencies: freqs, integrations: [{ time: 1e9, power: Float64Array.from(freqs, () => 1 + 0.01 * g()), lsrCorrection: 0, sk: null, spectra: 100 }], kelvin: false, frame: 'topocentric' };
    const r = reduceHi(data);
    expect(r.unit).toBe('relative');
    expect(r.velocity_range_kms).toBeNull();
    expect(r.components).toEqual([]);
    expect(r.component_notes.join(' ')).toMatch(/no emission above 5σ/);
    expect(() => reduceHi(data, { hot: new Float64Array(10) })).toThrow(HiError);
  });

  it('flags a user mask and narrow RFI spikes and keeps them out of the components', () => {
    const g = gauss(11);
    const truth = [{ t: 20, v: 0, w: 20 }];
    const power = Float64Array.from(freqs, (f) => 100 + line(radioVelocity(f), truth) + 0.2 * g());
    power[700] = 400; // a carrier
    const r = reduceHi({ frequencies: freqs, integrations: [{ time: 1e9, power, lsrCorrection: 0, sk: null, spectra: 1 }], kelvin: true, frame: 'lsr' }, {}, { mask: [[60, 70]] });
    expect(r.flags.rfi).toBeGreaterThanOrEqual(1);
    expect(r.flags.mask).toBeGreaterThan(10);
    const masked = r.velocity.map((v, i) => [v, r.spectrum[i]] as const).filter(([v]) => v > 61 && v < 69);
    expect(masked.every(([, y]) => y === null)).toBe(true);
    expect(r.components).toHaveLength(1);
    expect(r.components[0]!.peak).toBeCloseTo(20, 0);
  });

  it('galacticWindow follows a flat rotation curve: l = 30° reaches the terminal velocity ≈ 110 km/s', () => {
    const [lo, hi] = galacticWindow(30, 0);
    expect(hi).toBeGreaterThan(110 + 30);
    expect(hi).toBeLessThan(110 + 50);
    expect(lo).toBeLessThan(-60);
    expect(galacticWindow(5, 0)).toEqual([-250, 250]);
  });

  it('galacticWindow off the plane keeps to the flaring HI layer: at b = 8° the far outer Galaxy (1–3 kpc up) is out', () => {
    // In the plane at l = 70.6° the line of sight reaches R = 25 kpc (v ≈ −137 km/s, −177 with the 40 km/s margin) ...
    expect(galacticWindow(70.6, 0)[0]).toBeLessThan(-150);
    // ... 8.2° up it leaves the layer (three scale heights, 0.45 kpc at R₀) within a few kpc: the −60 km/s floor.
    expect(galacticWindow(70.6, 8.2)).toEqual([-60, expect.closeTo(52.4, 0)]);
    // Toward the anticentre the flare (0.45·e^((R − R₀)/9.8) kpc) keeps more of it: at b = 5°, R = 20 kpc lies 1 kpc up and counts.
    expect(galacticWindow(140, 5)[0]).toBeLessThan(-100);
  });

  // A spectrum with no reference keeps the bandpass; here one that droops toward the band's high-frequency end (8 %, a
  // tilted filter), a broad line, and an emission window that runs past the band's low-velocity end: line-free channels
  // above the window only.
  const curved = (j: number) => 1 - 0.08 * Math.max(0, (j - C / 2) / (C / 2)) ** 2;
  const oneSided = (bandpass: (j: number) => number, comps: { t: number; v: number; w: number }[]) => {
    const g = gauss(5);
    const power = Float64Array.from(freqs, (f, j) => bandpass(j) * (100 + line(radioVelocity(f), comps)) * (1 + 0.002 * g()));
    return reduceHi({ frequencies: freqs, integrations: [{ time: 1e9, power, lsrCorrection: 0, sk: null, spectra: 1000 }], kelvin: false, frame: 'lsr' }, {}, { emissionWindow: [-400, 100] });
  };

  it('a baseline with line-free channels on one side only is a straight line, and says so', () => {
    const r = oneSided(() => 1, [{ t: 30, v: 0, w: 30 }]);
    expect(r.baseline.order).toBe(1);
    expect(r.notes.join(' ')).toMatch(/line-free channels only above the emission window -400…100 km\/s: the baseline is extrapolated down to the band's edge \(order 1, not 3/);
    expect(r.undecided).toBeNull();
    expect(r.range_cut).toEqual({ low: false, high: false });
    expect(r.components[0]!.v_lsr_kms).toBeCloseTo(0, 0);
    expect(r.components[0]!.peak).toBeCloseTo(0.3, 1);
  });

  it('cannot decide when a one-sided baseline leaves the spectrum 5σ below it: no range, no components, and why', () => {
    // The line's wing on the drooping part keeps the roll-off cut from taking it; the straight baseline from above overshoots there.
    const r = oneSided(curved, [{ t: 30, v: -200, w: 60 }]);
    expect(r.undecided!).toMatch(/more than 5σ below its baseline[^:]*: with line-free channels only above the emission window, the baseline under the line cannot be known/);
    expect(r.undecided!).toMatch(/--switch frequency\|position|--reference/);
    expect(r.velocity_range_kms).toBeNull();
    expect(r.components).toEqual([]);
    expect(r.component_notes).toEqual([r.undecided]);
    // With line-free channels on both sides the same curved bandpass is a cubic's to follow: the line comes back.
    const g = gauss(9);
    const both = reduceHi({ frequencies: freqs, integrations: [{ time: 1e9, power: Float64Array.from(freqs, (f, j) => curved(j) * (100 + line(radioVelocity(f), [{ t: 30, v: 20, w: 40 }])) * (1 + 0.002 * g())), lsrCorrection: 0, sk: null, spectra: 1000 }], kelvin: false, frame: 'lsr' }, {}, { emissionWindow: [-80, 100] });
    expect(both.undecided).toBeNull();
    expect(both.baseline.order).toBe(3);
    expect(both.components[0]!.v_lsr_kms).toBeCloseTo(20, 0);
    expect(both.components[0]!.peak).toBeCloseTo(0.3, 1);
  });

  it('says when the emission runs into the end of the band (the range is cut there)', () => {
    const r = oneSided(() => 1, [{ t: 30, v: -260, w: 60 }]);
    expect(r.undecided).toBeNull();
    expect(r.range_cut.low).toBe(true);
    expect(r.notes.join(' ')).toMatch(/the emission reaches the band's low edge/);
  });
});

/**
 * The simulator's hydrogen profile (devices/sim/model.ts: receiver + continuum
 * + 0.7 × beam-averaged T_B at v_topo + its own LSR correction) as noise-free
 * kelvin spectra, at several sites, dates and pointings; reduced with
 * src/astro's LSR correction, the line must come back within 10 % in kelvin
 * and its peak within one channel in v_LSR.
 */
describe('reduceHi on the simulator\'s hydrogen line', () => {
  // The same measurement `fringe qualify` reports as SCI-HI-VELOCITY / SCI-HI-KELVIN (src/qualify/hi.ts), held here to the same limits and more.
  for (const c of hiCases) {
    it(`at (${c.site.lat}, ${c.site.lon}) on ${c.start}, az ${c.az} el ${c.el}`, () => {
      const r = measureHiCase(c);
      expect(r.truthPeak).toBeGreaterThan(5);
      // Velocity: the shift that best aligns the reduced profile with the truth is under one channel.
      expect(Math.abs(r.velocityOffset), `profile offset ${r.velocityOffset.toFixed(2)} km/s`).toBeLessThan(r.channelKms);
      // Kelvin: the peak within 10 %.
      expect(Math.abs(r.kelvinError), `peak ${r.peak} K, truth ${r.truthPeak} K`).toBeLessThan(10);
      // The whole profile, not only its peak: within 10 % of the peak at every channel where the truth is above 10 % of it.
      expect(r.profileError).toBeLessThan(0.1);
      // The correction is really exercised: it is not small at these dates.
      expect(Math.abs(r.lsrCorrection)).toBeGreaterThan(3);
    });
  }
});

/**
 * A simulated plane survey: the simulator's line (flat rotation curve, hidden
 * V₀ = 220 km/s, R₀ = 8.5 kpc, dispersion 8 km/s) at l = 10…80°, b = 0, each
 * pointed at a time it is up, through the LSR correction and the reduction,
 * into the tangent-point rotation curve.
 */
describe('a simulated plane survey', () => {
  it('gives a flat rotation curve: V within +5…+30 km/s of the hidden 220 km/s beyond R = 3 kpc (the threshold rule reads the dispersion wing)', async () => {
    const { buildSurvey } = await import('../../../../src/analysis/hi/survey.ts');
    const { describeEquatorial, galacticToEquatorial } = await import('../../../../src/astro/galactic.ts');
    const site = { name: 'sim', lat: 20, lon: 30, altitude: 0 };
    const g = gauss(5);
    const inputs = [];
    for (let l = 10; l <= 80; l += 10) {
      const eq = galacticToEquatorial(l, 0);
      // The first hour of 2026-04-01 (UTC) at which the direction stands above 45°.
      let t = Date.parse('2026-04-01T00:00:00Z');
      const t0 = t;
      while (describeEquatorial(eq.ra, eq.dec, site, new Date(t)).el! < 45 && t < t0 + 86_400_000) t += 600_000;
      expect(t, `l ${l} never rises to 45°`).toBeLessThan(t0 + 86_400_000);
      const aim = describeEquatorial(eq.ra, eq.dec, site, new Date(t));
      const scenario = parseScenario({
        seed: 1, site: { lat: site.lat, lon: site.lon }, start: new Date(t).toISOString(),
        antennas: [{ name: 'dish', diameter: 3, tsys: 60, pointing: { mode: 'fixed', az: aim.az, el: aim.el } }],
        sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [],
      });
      const model = new AntennaModel(scenario, scenario.antennas[0]!, pointingFromConfig(scenario.antennas[0]!.pointing, scenario.site));
      const L = 2048, rate = 2.4e6, center = 1420.2e6;
      const amp = new Float32Array(L);
      model.independentAmplitude(t, center, rate, new Float32Array(L).fill(1), amp);
      const power = Float64Array.from({ length: L }, (_, j) => amp[(j - L / 2 + L) % L]! ** 2 * L + 0.3 * g());
      const frequencies = Float64Array.from({ length: L }, (_, j) => center + ((j - L / 2) * rate) / L);
      const p = describePointing(site, aim.az!, aim.el!, new Date(t));
      const spectrum = reduceHi({ frequencies, integrations: [{ time: t / 1000, power, lsrCorrection: lsrCorrection(site, new Date(t), p.ra, p.dec), sk: null, spectra: 1 }], kelvin: true, frame: 'topocentric' }, {}, { emissionWindow: galacticWindow(p.l, p.b) });
      inputs.push({ id: l, l: p.l, b: p.b, spectrum });
    }
    const survey = buildSurvey(inputs);
    expect(survey.points).toHaveLength(8);
    const outer = survey.points.filter((q) => q.r_kpc > 3);
    for (const q of outer) {
      expect(q.v_kms - 220, `l ${q.l_deg.toFixed(1)}: V ${q.v_kms}`).toBeGreaterThan(5);
      expect(q.v_kms - 220, `l ${q.l_deg.toFixed(1)}: V ${q.v_kms}`).toBeLessThan(30);
    }
    expect(survey.scatter_v_kms!).toBeLessThan(40);
    // Less the dispersion wing (8 km/s gas, the sim's own): the hidden 220 km/s within 8 km/s.
    for (const q of outer) expect(Math.abs(q.v_corrected_kms - 220), `l ${q.l_deg.toFixed(1)}: corrected V ${q.v_corrected_kms}`).toBeLessThan(8);
  }, 120_000);
});
