import { describe, expect, it } from 'vitest';
import { describePointing } from '../../../src/astro/pointing.ts';
import { nextSunTransit, sunPosition } from '../../../src/astro/sun.ts';
import { catalogue, localSiderealTime, nextLst, nextRise, nextTransit, parseTarget, separation } from '../../../src/astro/targets.ts';

const site = { name: 'test', lat: 52, lon: 5, altitude: 0 };
const t = new Date('2026-06-21T09:30:00Z');

describe('targets', () => {
  it('the sun is where sun.ts says, and its transit is the same', () => {
    const p = parseTarget('Sun').position(site, t);
    const s = sunPosition(site, t);
    expect(separation(p, s)).toBeLessThan(1e-9);
    const tr = nextTransit(parseTarget('sun'), site, t.getTime())!;
    expect(Math.abs(tr - nextSunTransit(site, t).time.getTime())).toBeLessThan(2000);
  });

  it('a catalogue source, an RA/Dec and a galactic position come back in their own frame (pointing.ts inverts them)', () => {
    for (const c of catalogue) {
      const p = parseTarget(c.name).position(site, t);
      const back = describePointing(site, p.az, p.el, t);
      expect(Math.abs(back.dec - c.dec)).toBeLessThan(1e-6);
      expect(Math.abs(((back.ra - c.ra + 540) % 360) - 180)).toBeLessThan(1e-6);
    }
    const g = parseTarget('gal:30,2').position(site, t);
    const back = describePointing(site, g.az, g.el, t);
    expect(back.l).toBeCloseTo(30, 6);
    expect(back.b).toBeCloseTo(2, 6);
    expect(parseTarget('azel:190,40').position(site, t)).toEqual({ az: 190, el: 40 });
    expect(parseTarget('cyg-a').spec).toMatchObject({ kind: 'radec', name: 'Cyg A' });
  });

  it('a transit is on the meridian at LST = RA, a rise crosses its elevation, an LST is reached', () => {
    const cyg = parseTarget('Cyg A');
    const tr = nextTransit(cyg, site, t.getTime())!;
    expect(tr).toBeGreaterThan(t.getTime());
    expect(tr - t.getTime()).toBeLessThan(86_164_100);
    const p = cyg.position(site, new Date(tr));
    expect(Math.abs(p.az - 180)).toBeLessThan(0.05);
    // Apparent LST equals RA of date within a second of time (RA J2000 19h59.5m; precession to 2026 adds ~1 min).
    expect(Math.abs(localSiderealTime(site, new Date(tr)) - 299.87 / 15)).toBeLessThan(0.03);
    const rise = nextRise(parseTarget('moon'), site, t.getTime(), 10)!;
    expect(parseTarget('moon').position(site, new Date(rise)).el).toBeCloseTo(10, 2);
    expect(parseTarget('moon').position(site, new Date(rise - 60_000)).el).toBeLessThan(10);
    const l = nextLst(site, t.getTime(), 6.5);
    expect(localSiderealTime(site, new Date(l))).toBeCloseTo(6.5, 3);
    expect(l - t.getTime()).toBeLessThan(86_164_100);
    // Never above 80° at 52° N (Dec −29°): no rise.
    expect(nextRise(parseTarget('Sgr A'), site, t.getTime(), 80)).toBeNull();
  });

  it('refuses what it cannot read, saying what it accepts', () => {
    expect(() => parseTarget('Betelgeuse')).toThrow(/unknown target 'Betelgeuse': use sun, moon, Cas A/);
    expect(() => parseTarget('radec:400,10')).toThrow(/RA must be 0–360/);
    expect(() => parseTarget('gal:30')).toThrow(/needs 2 numbers/);
  });
});
