import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { besselJ1, cleanStripChart, diskAmplitude, fitBaseline, fitDisk, runningStats } from '../../../src/analysis/fringefit.ts';
import { enuToXyz, phaseCentreDirection, uvw } from '../../../src/astro/geometry.ts';
import { noise } from '../../../src/analysis/signals.ts';

const rad = Math.PI / 180;
const lat = 37.873, lambda = 299_792_458 / 10.67e9;

/** A track of hour angles (radians) from h0 to h1 hours, one sample per `step` seconds, at declination `dec` (degrees). */
function track(h0: number, h1: number, step: number, dec: number) {
  const n = Math.floor(((h1 - h0) * 3600) / step);
  const h = Float64Array.from({ length: n }, (_, i) => ((h0 + (i * step) / 3600) * Math.PI) / 12 * 1.0027379);
  return { h, dec: new Float64Array(n).fill(dec * rad), n };
}

describe('fringe fitting', () => {
  it('has J₁ and the disk visibility right (tables: J₁(1) = 0.4400505857, J₁(3.8317) = 0)', () => {
    expect(besselJ1(1)).toBeCloseTo(0.4400505857, 9);
    expect(besselJ1(10)).toBeCloseTo(0.0434727462, 9);
    expect(Math.abs(besselJ1(3.8317059702))).toBeLessThan(1e-9);
    expect(diskAmplitude(0)).toBe(1);
  });

  it('recovers a known baseline and phase from a noisy real strip chart with an offset and a drift', { timeout: 60_000 }, () => {
    const { h, dec, n } = track(-3, 3, 2, 22);
    const enu = [9.87, 0.25, 0];
    const xyz = enuToXyz(enu, lat);
    const eps = noise(n, 1, 7).re;
    const y = Float64Array.from({ length: n }, (_, i) => {
      const w = uvw(xyz, h[i]!, dec[i]!)[2];
      return 0.3 * Math.cos((2 * Math.PI * w) / lambda + 40 * rad) + 2 + 0.5 * Math.sin(i / 3000) + 0.15 * eps[i]!;
    });
    const { fringe } = cleanStripChart(y, 151);
    const fit = fitBaseline({ h, dec, re: fringe, lambda }, { lat });
    console.log(`synthetic strip chart: east ${fit.east.value.toFixed(4)} ± ${fit.east.sigma.toFixed(4)} m, north ${fit.north.value.toFixed(4)} ± ${fit.north.sigma.toFixed(4)} m, phase ${fit.phaseDeg.value.toFixed(1)} ± ${fit.phaseDeg.sigma.toFixed(1)}°`);
    expect(Math.abs(fit.east.value - 9.87)).toBeLessThan(Math.max(4 * fit.east.sigma, 1e-3));
    expect(Math.abs(fit.north.value - 0.25)).toBeLessThan(Math.max(4 * fit.north.sigma, 1e-3));
    expect(fit.east.sigma).toBeLessThan(0.01);
    expect(fit.length.value).toBeCloseTo(Math.hypot(9.87, 0.25), 2);
  });

  it('fits complex visibilities V_ab (e^{−2πi·w/λ} of b − a), sign and direction included', { timeout: 60_000 }, () => {
    const { h, dec, n } = track(-2, 2, 4, 40);
    const enu = [-6, 7.5, 0];
    const xyz = enuToXyz(enu, lat);
    const e1 = noise(n, 1, 8);
    const re = new Float64Array(n), im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const psi = (-2 * Math.PI * uvw(xyz, h[i]!, dec[i]!)[2]) / lambda - 25 * rad;
      re[i] = Math.cos(psi) + 0.3 * e1.re[i]!;
      im[i] = Math.sin(psi) + 0.3 * e1.im[i]!;
    }
    const fit = fitBaseline({ h, dec, re, im, lambda }, { lat });
    expect(Math.abs(fit.east.value - -6)).toBeLessThan(0.01);
    expect(Math.abs(fit.north.value - 7.5)).toBeLessThan(0.02);
  });

  it('measures a uniform disk’s diameter where the baseline reaches its nulls, and says when it cannot', () => {
    // The quiet sun at 1.42 GHz on a 40 m east–west baseline: q up to 190 λ, first null at 131 λ for 0.53°.
    const l21 = 0.2111, d = 0.53 * rad;
    const { h, dec, n } = track(-5, 5, 4, 23);
    const xyz = enuToXyz([40, 0, 0], 52);
    const eps = noise(n, 1, 9).re;
    const y = Float64Array.from({ length: n }, (_, i) => {
      const [u, v, w] = uvw(xyz, h[i]!, dec[i]!);
      return 1 * diskAmplitude((Math.PI * d * Math.hypot(u, v)) / l21) * Math.cos((2 * Math.PI * w) / l21 + 1) + 0.05 * eps[i]!;
    });
    const size = fitDisk({ h, dec, re: y, lambda: l21 }, { east: 40, north: 0 }, 52, 75);
    console.log(`synthetic disk: ${size.verdict}, d = ${size.diameterDeg?.value.toFixed(4)} ± ${size.diameterDeg?.sigma.toFixed(4)}°, nulls at ${size.nulls.map((x) => `${x.hourAngleH.toFixed(2)} h (${x.qLambda.toFixed(0)} λ)`).join(', ')}`);
    expect(size.decided).toBe(true);
    expect(Math.abs(size.diameterDeg!.value - 0.53) / 0.53).toBeLessThan(0.05);
    expect(size.nulls.length).toBeGreaterThanOrEqual(2);
    // A 10 m baseline never reaches the first null: the data cannot decide, and say so.
    const short = fitDisk({ h, dec, re: y.map((_, i) => diskAmplitude((Math.PI * d * Math.hypot(...uvw(enuToXyz([10, 0, 0], 52), h[i]!, dec[i]!).slice(0, 2) as [number, number])) / l21) * Math.cos(i / 7) + 0.05 * eps[i]!), lambda: l21 }, { east: 10, north: 0 }, 52, 75);
    expect(short.decided).toBe(false);
    expect(short.diameterDeg).toBeNull();
    expect(short.verdict).toMatch(/cannot decide/);
  });
});

const real = '../shared/data/real/interferometer-berkeley-10ghz';
const berkeley = { name: 'Berkeley', lat: 37 + 52 / 60 + 23.5 / 3600, lon: -(122 + 15 / 60 + 26.3 / 3600), altitude: 100 };

/** The session as the strip-chart CSV (test/helpers/berkeley_csv.py), read back as times and volts. */
function session(name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-berkeley-'));
  const csv = join(dir, `${name}.csv`);
  execFileSync('/usr/bin/python3', ['test/helpers/berkeley_csv.py', `${real}/${name}.npz`, `${real}/${name}-log.gz`, csv]);
  const lines = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  return { t: lines.map((l) => Date.parse(l.split(',')[0]!)), y: lines.map((l) => Number(l.split(',')[1])) };
}

describe.skipIf(!existsSync(real) || !existsSync('/usr/bin/python3'))('the Berkeley two-dish interferometer at 10.67 GHz (real data)', () => {
  it('gives the east–west baseline from 3C144 and from the sun, the two agreeing', { timeout: 120_000 }, () => {
    const fits = (['3C144-4_3_2014-23', 'sun-4_3_2014-22'] as const).map((name) => {
      const { t, y } = session(name);
      const centre = name.startsWith('sun') ? ({ kind: 'sun' } as const) : ({ kind: 'source', name: '3C144' } as const);
      const dir = t.map((x) => phaseCentreDirection(centre, berkeley, new Date(x)));
      const { fringe } = cleanStripChart(y, 301);
      return fitBaseline({ h: dir.map((d) => d.h), dec: dir.map((d) => d.dec), re: fringe, lambda }, { lat: berkeley.lat });
    });
    for (const [i, f] of fits.entries()) console.log(`${i ? 'sun' : '3C144'}: east ${f.east.value.toFixed(4)} ± ${f.east.sigma.toFixed(4)} m, north ${f.north.value.toFixed(3)} ± ${f.north.sigma.toFixed(3)} m, length ${f.length.value.toFixed(4)} ± ${f.length.sigma.toFixed(4)} m, χ²_ν ${f.reducedChi2.toFixed(2)}`);
    const [c, s] = fits as [ReturnType<typeof fitBaseline>, ReturnType<typeof fitBaseline>];
    // The course's nominal ≈ 10 m east–west; the two sources, fitted independently, must agree within their errors.
    expect(c.east.value).toBeGreaterThan(9.5);
    expect(c.east.value).toBeLessThan(10.5);
    expect(Math.abs(c.east.value - s.east.value)).toBeLessThan(3 * Math.hypot(c.east.sigma, s.east.sigma));
    expect(Math.abs(c.north.value - s.north.value)).toBeLessThan(3 * Math.hypot(c.north.sigma, s.north.sigma));
    expect(c.east.sigma).toBeLessThan(0.05);
  });

  it('finds the sun’s fringe-envelope null and says the amplitude alone cannot fix the diameter', { timeout: 60_000 }, () => {
    const { t, y } = session('sun-4_3_2014-22');
    const dir = t.map((x) => phaseCentreDirection({ kind: 'sun' }, berkeley, new Date(x)));
    const m = runningStats(y, 301).mean;
    const size = fitDisk({ h: dir.map((d) => d.h), dec: dir.map((d) => d.dec), re: y.map((v, i) => v - m[i]!), lambda }, { east: 10.0, north: -0.2 }, berkeley.lat);
    console.log(`Berkeley sun: ${size.verdict}; nulls ${JSON.stringify(size.nulls)}`);
    expect(size.decided).toBe(false);
    expect(size.verdict).toMatch(/cannot decide/);
    // The envelope's deep minimum after transit, near q ≈ 245 λ (the second null of a 0.53° disk is at 240 λ).
    expect(size.nulls.some((x) => x.hourAngleH > 2.9 && x.hourAngleH < 3.4 && Math.abs(x.qLambda - 243) < 10)).toBe(true);
  });
});
