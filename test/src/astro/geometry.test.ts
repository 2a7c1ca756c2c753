import { Body, Equator, Horizon } from 'astronomy-engine';
import { describe, expect, it } from 'vitest';
import { baselineGeometry, earthRotation, enuToXyz, lookupSource, phaseCentreDirection, uvw, xyzToEnu } from '../../../src/astro/geometry.ts';
import { AstroError, observer, type Site } from '../../../src/astro/site.ts';

const site: Site = { name: 'test', lat: 52, lon: 0, altitude: 0 };
const rad = Math.PI / 180;

describe('interferometer geometry', () => {
  it('turns east/north/up into X/Y/Z and back', () => {
    const enu = [3, -7, 0.5];
    const back = xyzToEnu(enuToXyz(enu, 37.9), 37.9);
    back.forEach((x, i) => expect(x).toBeCloseTo(enu[i]!, 12));
    // A north baseline at the pole points at the pole; an east one stays east.
    expect(enuToXyz([0, 1, 0], 90)[2]).toBeCloseTo(0, 12);
    expect(enuToXyz([0, 0, 1], 90)[2]).toBeCloseTo(1, 12);
    expect(enuToXyz([1, 0, 0], 52)).toEqual([0, 1, 0]);
  });

  it('gives an east–west baseline u = B and w = 0 at transit, w = −B·cos δ at six hours east', () => {
    const [u, v, w] = uvw([0, 10, 0], 0, 20 * rad);
    expect(u).toBeCloseTo(10, 12);
    expect(v).toBeCloseTo(0, 12);
    expect(w).toBeCloseTo(0, 12);
    // H = −6 h: the source rises in the east, an east antenna hears it first (w > 0 for the east end).
    expect(uvw([0, 10, 0], -Math.PI / 2, 20 * rad)[2]).toBeCloseTo(10 * Math.cos(20 * rad), 12);
  });

  it('projects a baseline on the sun’s direction as the ephemeris’s az/el does (w = b·ŝ)', () => {
    const b = [5, 8, 0.5];
    for (const iso of ['2026-06-21T08:00:00Z', '2026-06-21T12:00:00Z', '2026-06-21T17:30:00Z']) {
      const t = new Date(iso);
      const eq = Equator(Body.Sun, t, observer(site), true, true);
      const hor = Horizon(t, observer(site), eq.ra, eq.dec);
      const s = [Math.cos(hor.altitude * rad) * Math.sin(hor.azimuth * rad), Math.cos(hor.altitude * rad) * Math.cos(hor.azimuth * rad), Math.sin(hor.altitude * rad)];
      const g = baselineGeometry([0, 0, 0], b, { kind: 'sun' }, site, t, 1.42e9);
      expect(g.uvw[2]).toBeCloseTo(b[0]! * s[0]! + b[1]! * s[1]! + b[2]! * s[2]!, 6);
      expect(g.delay).toBeCloseTo(g.uvw[2] / 299_792_458, 15);
    }
  });

  it('gives the fringe rate as the time derivative of w/λ', () => {
    const t = new Date('2026-06-21T10:00:00Z'), dt = 1;
    const f = 1.42e9, b = [9, 2, 0];
    const g0 = baselineGeometry([0, 0, 0], b, { kind: 'source', name: 'Cas A' }, site, t, f);
    const g1 = baselineGeometry([0, 0, 0], b, { kind: 'source', name: 'Cas A' }, site, new Date(t.getTime() + dt * 1000), f);
    const numeric = ((g1.uvw[2] - g0.uvw[2]) / dt) * (f / 299_792_458);
    expect(g0.fringeRate).toBeCloseTo(numeric, 4);
    // One sidereal day per 2π of hour angle.
    expect(earthRotation * 86164.0905).toBeCloseTo(2 * Math.PI, 4);
  });

  it('knows 3C144 by its names, precesses it to the date, and says what it does not know', () => {
    expect(lookupSource('Taurus A')!.name).toBe('3C144');
    expect(lookupSource('crab')!.dec).toBeCloseTo(22.0145, 3);
    // 2014: precession moves the Crab ≈ 0.2′/yr·14 yr north; RA of date ≈ 5.581 h.
    const d = phaseCentreDirection({ kind: 'source', name: '3C144' }, site, new Date('2014-04-04T03:00:00Z'));
    expect(d.dec / rad).toBeGreaterThan(22.0145);
    expect(d.dec / rad).toBeLessThan(22.0145 + 0.01);
    expect(() => phaseCentreDirection({ kind: 'source', name: 'Vega' }, site, new Date())).toThrow(AstroError);
    expect(() => phaseCentreDirection({ kind: 'source', name: 'Vega' }, site, new Date())).toThrow(/--ra H --dec D/);
  });
});
