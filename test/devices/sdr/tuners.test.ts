import { describe, expect, it } from 'vitest';
import { TunerType, nearestGain, tunerGains, tunerName } from '../../../devices/sdr/tuners.ts';

describe('tuners', () => {
  it('has the R820T table from librtlsdr (29 steps, 0 to 49.6 dB)', () => {
    const g = tunerGains(TunerType.r820t);
    expect(g.length).toBe(29);
    expect([g[0], g[1], g[14], g[28]]).toEqual([0, 0.9, 25.4, 49.6]);
    expect(tunerGains(TunerType.r828d)).toEqual(g); // the RTL-SDR Blog V4
    expect(tunerGains(TunerType.e4000)[0]).toBe(-1);
    expect(tunerGains(TunerType.fc2580)).toEqual([]);
    expect(tunerGains(99)).toEqual([]);
  });

  it('snaps a gain to the nearest step', () => {
    const g = tunerGains(TunerType.r820t);
    expect(nearestGain(g, 40)).toBe(40.2);
    expect(nearestGain(g, 100)).toBe(49.6);
    expect(nearestGain(g, -5)).toBe(0);
    expect(nearestGain([], 33)).toBe(33);
  });

  it('names tuners', () => {
    expect(tunerName(5)).toBe('R820T');
    expect(tunerName(1)).toBe('E4000');
    expect(tunerName(42)).toBe('unknown tuner 42');
  });
});
