import { describe, expect, it } from 'vitest';
import { bandPower, channelFlags } from '../../../src/analysis/rfi.ts';

describe('channel flags', () => {
  it('flags the DC channel, 5 % at each edge, and SK outliers beyond 4·2/√K', () => {
    const C = 100, K = 400; // SK σ = 0.1: limit 0.4
    const sk = new Float64Array(C).fill(1);
    sk[30] = 1.39; // inside the limit
    sk[31] = 1.41; // outside
    sk[70] = 0.55; // a steady tone: SK below 1
    const f = channelFlags(C, sk, K);
    expect([...f.keys()].filter((j) => f[j])).toEqual([0, 1, 2, 3, 4, 31, 50, 70, 95, 96, 97, 98, 99]);
    expect(bandPower(new Float64Array(C).fill(2), f)).toBe(2 * (C - 13));
  });

  it('flags a channel whose SK is not a number (no power)', () => {
    const sk = new Float64Array(16).fill(1);
    sk[8 - 3] = NaN;
    expect(channelFlags(16, sk, 100)[5]).toBe(1);
  });
});
