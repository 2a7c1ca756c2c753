import { describe, expect, it } from 'vitest';
import { fluxAt } from '../../../src/analysis/solar-flux.ts';

describe('the day’s solar flux at the observing frequency', () => {
  it('interpolates log–log between the published frequencies either side: a power law comes back exactly', () => {
    const law = (mhz: number) => 50 * (mhz / 1415) ** 0.6;
    const published = [245, 410, 610, 1415, 2695, 4995].map((mhz) => ({ mhz, sfu: law(mhz) }));
    const r = fluxAt(published, 1420.405752);
    expect(r.sfu).toBeCloseTo(law(1420.405752), 9);
    expect(r.from.map((p) => p.mhz)).toEqual([1415, 2695]);
    expect(r.extrapolated).toBe(false);
    // Penticton's F10.7 with RSTN 1415: between them, on the straight line in log–log.
    const two = fluxAt([{ mhz: 2800, sfu: 70 }, { mhz: 1415, sfu: 50 }], 2000);
    expect(Math.log(two.sfu)).toBeCloseTo(Math.log(50) + (Math.log(70 / 50) * Math.log(2000 / 1415)) / Math.log(2800 / 1415), 12);
  });

  it('extrapolates from the nearest two, says so, and refuses what is not a flux', () => {
    expect(fluxAt([{ mhz: 2800, sfu: 70 }], 1420)).toEqual({ sfu: 70, from: [{ mhz: 2800, sfu: 70 }], extrapolated: true });
    const below = fluxAt([{ mhz: 1415, sfu: 50 }, { mhz: 2695, sfu: 68 }, { mhz: 4995, sfu: 120 }], 1000);
    expect(below.extrapolated).toBe(true);
    expect(below.from.map((p) => p.mhz)).toEqual([1415, 2695]);
    expect(below.sfu).toBeLessThan(50);
    expect(() => fluxAt([], 1420)).toThrow(/at least one published flux/);
    expect(() => fluxAt([{ mhz: 1415, sfu: -1 }], 1420)).toThrow(/flux > 0 sfu/);
    expect(() => fluxAt([{ mhz: 1415, sfu: 50 }, { mhz: 1415, sfu: 51 }], 1420)).toThrow(/one per frequency/);
  });
});
