/**
 * src/analysis/hi/tuning.ts: a pointing's HI tuning puts the velocities its
 * emission can have (galacticWindow) inside the receiver's flat band with
 * line-free channels on both sides, the DC spike off the local gas where the
 * band allows, and reads back through the radio convention and the LSR
 * correction it was given.
 */
import { describe, expect, it } from 'vitest';
import { galacticWindow } from '../../../../src/analysis/hi/reduce.ts';
import { dcClearKms, flatFraction, hiTuning, minMarginKms } from '../../../../src/analysis/hi/tuning.ts';
import { hydrogenLine, radioVelocity, speedOfLight } from '../../../../src/astro/velocity.ts';

const rate = 2.4e6;
const flatKms = (flatFraction * rate * speedOfLight) / 1000 / hydrogenLine; // the flat band's width, km/s

describe('hiTuning', () => {
  it('for every first-quadrant longitude from 30° in the plane: the window inside the flat band, ≥ 15 km/s line-free each side (l = 20°: centred, 14.8)', () => {
    const l20 = hiTuning(20, 0, rate);
    expect(l20.margins[0]).toBeCloseTo(l20.margins[1], 6);
    expect(l20.margins[0]).toBeGreaterThan(14);
    for (let l = 30; l <= 90; l += 10) {
      const t = hiTuning(l, 0, rate);
      expect(t.window).toEqual(galacticWindow(l, 0));
      expect(t.flat[1] - t.flat[0]).toBeCloseTo(flatKms, 6);
      expect(t.margins[0], `l ${l}`).toBeGreaterThanOrEqual(minMarginKms - 1e-9);
      expect(t.margins[1], `l ${l}`).toBeGreaterThanOrEqual(minMarginKms - 1e-9);
      expect(t.window[0] - t.flat[0]).toBeCloseTo(t.margins[0], 9);
      // The centre reads back as the DC velocity (LSR correction 0 here), to the whole hertz.
      expect(Math.abs(radioVelocity(t.centerFrequency) - t.dcKms)).toBeLessThan(0.001);
    }
  });

  it('keeps the DC spike 30 km/s from the local gas when the band has room, and says where it could not', () => {
    const wide = hiTuning(70, 0, rate); // window about −177…+53: centred at −62, already clear
    expect(Math.abs(wide.dcKms)).toBeGreaterThanOrEqual(dcClearKms);
    const anticentre = hiTuning(180, 0, rate); // −60…+40: centred at −10, moved to −30
    expect(anticentre.dcKms).toBeCloseTo(-dcClearKms, 9);
    expect(anticentre.why).toMatch(/moved 20 km\/s so the DC spike is 30 km\/s from the local gas/);
    const inner = hiTuning(30, 0, rate); // −113…+150: 21 km/s spare, only 6 of it may move DC
    expect(Math.abs(inner.dcKms)).toBeLessThan(dcClearKms);
    expect(Math.min(...inner.margins)).toBeCloseTo(minMarginKms, 6);
    expect(inner.why).toMatch(/cannot keep it 30 km\/s from the local gas/);
  });

  it('the LSR correction moves the centre by its velocity; a window wider than the band is centred and said so', () => {
    const a = hiTuning(50, 0, rate, 0), b = hiTuning(50, 0, rate, 20);
    // v_topo = v_LSR − correction: 20 km/s more correction puts the same LSR velocity 20 km/s lower in topocentric velocity (higher frequency).
    expect(radioVelocity(a.centerFrequency) - radioVelocity(b.centerFrequency)).toBeCloseTo(20, 2);
    const centre = hiTuning(5, 0, rate);
    expect(centre.window).toEqual([-250, 250]);
    expect(centre.margins[0]).toBeLessThan(0);
    expect(centre.why).toMatch(/wider than the flat band/);
  });
});
