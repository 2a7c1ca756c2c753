import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../correlator/config.ts';
import { baselineCount, baselineIndex, baselinePairs } from '../../correlator/baselines.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import type { FxConfig } from '../../correlator/types.ts';

const ok: FxConfig = { inputs: 2, channels: 64, taps: 4, spectraPerIntegration: 10 };

describe('config validation: one clear error per precondition', () => {
  const bad: Array<[string, Partial<FxConfig> & Record<string, unknown>, RegExp]> = [
    ['channels not a power of two', { channels: 1000 }, /channels must be a power of two ≥ 2 \(got 1000\); try 1024/],
    ['channels zero', { channels: 0 }, /channels must be an integer ≥ 1/],
    ['channels too many', { channels: 1 << 17 }, /at most 65536/],
    ['taps zero', { taps: 0 }, /taps must be an integer ≥ 1 \(got 0\)/],
    ['taps fractional', { taps: 2.5 }, /taps must be an integer/],
    ['inputs zero', { inputs: 0 }, /inputs must be an integer ≥ 1 \(got 0\)/],
    ['no integration length', { spectraPerIntegration: 0 }, /spectraPerIntegration must be an integer ≥ 1/],
    ['mode unknown', { mode: 'cross' as never }, /mode must be 'full' or 'autos'/],
    ['delays wrong length', { delays: [0] }, /delays must have one entry per input: 2 expected, got 1/],
    ['delay negative', { delays: [0, -3] }, /delays\[1\] must be an integer number of samples ≥ 0 \(got -3\)/],
    ['delay fractional', { delays: [0.5, 0] }, /delays\[0\] must be an integer/],
    ['gains wrong count', { gains: [new Float32Array(128)] }, /gains must have one array per input: 2 expected, got 1/],
    ['gains wrong length', { gains: [new Float32Array(128), new Float32Array(64)] }, /gains\[1\] must hold 128 numbers/],
    ['gains not finite', { gains: [new Float32Array(128), new Float32Array(128).fill(NaN)] }, /gains\[1\]\[0\] is not a finite number/],
  ];
  for (const [what, change, message] of bad) {
    it(`refuses ${what}`, () => {
      let error: unknown;
      try {
        validateConfig({ ...ok, ...change } as FxConfig);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CorrelatorError);
      expect((error as CorrelatorError).kind).toBe('config');
      expect((error as Error).message).toMatch(message);
    });
  }

  it('fills in defaults', () => {
    expect(validateConfig(ok)).toMatchObject({ mode: 'full', delays: [0, 0], gains: null, products: 3 });
    expect(validateConfig({ ...ok, inputs: 8, mode: 'autos' }).products).toBe(8);
  });
});

describe('baselines', () => {
  it('orders the upper triangle row-major with autos, index a·N − a(a−1)/2 + (b − a)', () => {
    for (let N = 1; N <= 8; N++) {
      const pairs = baselinePairs(N);
      expect(pairs).toHaveLength(baselineCount(N));
      pairs.forEach(([a, b], i) => expect(baselineIndex(N, a, b)).toBe(i));
    }
    expect(baselinePairs(3)).toEqual([[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]]);
    expect(() => baselineIndex(3, 2, 1)).toThrow(/must not exceed/);
  });
});
